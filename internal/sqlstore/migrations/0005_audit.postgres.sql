-- The append-only, hash-chained audit log. The application never updates or
-- deletes entries; the rules turn such statements into no-ops, and Verify
-- detects any change made around them.
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
CREATE RULE audit_log_no_update AS ON UPDATE TO audit_log DO INSTEAD NOTHING;
CREATE RULE audit_log_no_delete AS ON DELETE TO audit_log DO INSTEAD NOTHING;
