-- Failed sign-ins are counted per login name in their own table, so that a
-- name that belongs to no user is counted (and locked) exactly like one that
-- does: the answer to a sign-in never says which email addresses exist.
-- Times are Unix milliseconds so one atomic upsert can compare and set them
-- on both engines without casts.
CREATE TABLE login_attempts (
	name_hash TEXT PRIMARY KEY,
	failures INTEGER NOT NULL,
	last_ms BIGINT NOT NULL,
	locked_until_ms BIGINT NOT NULL
);
CREATE INDEX login_attempts_last ON login_attempts (last_ms);

ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;
