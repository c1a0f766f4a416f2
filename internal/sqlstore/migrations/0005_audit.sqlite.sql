-- The append-only, hash-chained audit log. The application never updates or
-- deletes entries; the triggers refuse it, and Verify detects it anyway.
CREATE TABLE audit_log (
	org_id TEXT NOT NULL,
	seq BIGINT NOT NULL,
	at TIMESTAMP NOT NULL,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	object TEXT NOT NULL,
	detail TEXT NOT NULL,
	prev TEXT NOT NULL,
	hash TEXT NOT NULL,
	PRIMARY KEY (org_id, seq)
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
