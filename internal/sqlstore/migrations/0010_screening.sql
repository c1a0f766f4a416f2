-- The watchlist screening review queue: one row per organisation, screened
-- party and list entity. A re-screening updates the row in place, so the
-- reviewer's decision survives list updates; the audit log keeps the
-- history of decisions.
CREATE TABLE screening_reviews (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES orgs(id),
	party_id TEXT NOT NULL,
	party_name TEXT NOT NULL,
	list_name TEXT NOT NULL,
	list_sha TEXT NOT NULL,
	entity_id TEXT NOT NULL,
	entity_name TEXT NOT NULL,
	matched_name TEXT NOT NULL,
	score DOUBLE PRECISION NOT NULL,
	reasons TEXT NOT NULL,
	status TEXT NOT NULL,
	decision_reason TEXT NOT NULL,
	reviewer TEXT NOT NULL,
	decided_at TIMESTAMP,
	changed BOOLEAN NOT NULL,
	missing BOOLEAN NOT NULL,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	UNIQUE (org_id, party_id, list_name, entity_id)
);
CREATE INDEX screening_reviews_queue ON screening_reviews (org_id, status, updated_at);
