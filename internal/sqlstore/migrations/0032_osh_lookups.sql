-- Open Supply Hub look-ups: one row per facility looked up, with the best
-- candidate found, its score and the matcher's decision. A facility is
-- looked up once; one decided "same" has the candidate's OS ID stored in
-- parties.os_id, one decided "review" waits for an analyst.
CREATE TABLE osh_lookups (
	org_id TEXT NOT NULL REFERENCES orgs(id),
	party_id TEXT NOT NULL,
	os_id TEXT NOT NULL,
	name TEXT NOT NULL,
	address TEXT NOT NULL,
	score DOUBLE PRECISION NOT NULL,
	decision TEXT NOT NULL,
	reasons TEXT NOT NULL,
	looked_at TIMESTAMP NOT NULL,
	PRIMARY KEY (org_id, party_id)
);
