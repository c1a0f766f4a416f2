-- The latest screening of each organisation's parties: when, how many, and
-- against which list editions, so reports and scorecards can say what was
-- screened.
CREATE TABLE screening_runs (
	org_id TEXT PRIMARY KEY REFERENCES orgs(id),
	at TIMESTAMP NOT NULL,
	parties INTEGER NOT NULL,
	lists TEXT NOT NULL
);
