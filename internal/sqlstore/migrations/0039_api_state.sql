-- What the API's conventions keep between requests, in the database so that
-- every server sharing it agrees: idempotency keys with the answer given
-- to them (body base64), request counts per user and rate window, and API
-- jobs (report making, imports) with their progress and result.
CREATE TABLE api_idempotency (
	scope TEXT NOT NULL,
	idem_key TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	state TEXT NOT NULL,
	status INTEGER NOT NULL,
	header TEXT NOT NULL,
	body TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (scope, idem_key)
);
CREATE INDEX api_idempotency_age ON api_idempotency (created_at);

CREATE TABLE api_rate_counts (
	subject TEXT NOT NULL,
	window_start TIMESTAMP NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (subject, window_start)
);
CREATE INDEX api_rate_counts_age ON api_rate_counts (window_start);

CREATE TABLE api_jobs (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES orgs(id),
	user_id TEXT NOT NULL,
	kind TEXT NOT NULL,
	state TEXT NOT NULL,
	progress DOUBLE PRECISION NOT NULL,
	stage TEXT NOT NULL,
	request TEXT NOT NULL,
	result_type TEXT NOT NULL,
	result_name TEXT NOT NULL,
	result TEXT NOT NULL,
	problem TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	finished_at TIMESTAMP
);
CREATE INDEX api_jobs_user ON api_jobs (org_id, user_id, created_at, id);
