-- Grievance reports. Only the coarse triage fields and the workflow state are
-- in clear; narrative, contact, identity, attachments, messages and remedy
-- texts are ciphertext (base64 text) sealed under a per-report data key that
-- is stored only wrapped, in grievance_keys. Days are 'YYYY-MM-DD' text:
-- nothing about a reporter is kept finer than a day.
CREATE TABLE grievance_reports (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES orgs(id),
	-- NULL once purged, so the locator is free again and nothing opens.
	locator TEXT,
	verifier TEXT NOT NULL DEFAULT '',
	categories TEXT NOT NULL,
	supplier_id TEXT NOT NULL DEFAULT '',
	country TEXT NOT NULL DEFAULT '',
	received TEXT NOT NULL,
	channel TEXT NOT NULL,
	severity TEXT NOT NULL,
	stage TEXT NOT NULL,
	stage_since TEXT NOT NULL,
	stage_reason TEXT NOT NULL DEFAULT '',
	escalated INTEGER NOT NULL DEFAULT 0,
	narrative TEXT NOT NULL DEFAULT '',
	contact TEXT NOT NULL DEFAULT '',
	identity TEXT NOT NULL DEFAULT '',
	purged BOOLEAN NOT NULL DEFAULT FALSE,
	version INTEGER NOT NULL DEFAULT 1,
	-- Insertion order for "newest first" without a precise time.
	n BIGINT NOT NULL
);
CREATE UNIQUE INDEX grievance_reports_locator ON grievance_reports (org_id, locator);
CREATE INDEX grievance_reports_org ON grievance_reports (org_id, n);

-- One wrapped data key per report and recipient (receipt, recovery,
-- handler:<user id>). Deleting a report's rows here makes it unreadable.
CREATE TABLE grievance_keys (
	report_id TEXT NOT NULL REFERENCES grievance_reports(id),
	recipient TEXT NOT NULL,
	blob TEXT NOT NULL,
	PRIMARY KEY (report_id, recipient)
);

CREATE TABLE grievance_attachments (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL,
	report_id TEXT NOT NULL REFERENCES grievance_reports(id),
	n INTEGER NOT NULL,
	meta TEXT NOT NULL,
	content TEXT NOT NULL
);
CREATE INDEX grievance_attachments_report ON grievance_attachments (org_id, report_id, n);

CREATE TABLE grievance_messages (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL,
	report_id TEXT NOT NULL REFERENCES grievance_reports(id),
	seq INTEGER NOT NULL,
	author TEXT NOT NULL,
	handler_id TEXT NOT NULL DEFAULT '',
	internal BOOLEAN NOT NULL DEFAULT FALSE,
	day TEXT NOT NULL,
	body TEXT NOT NULL
);
CREATE UNIQUE INDEX grievance_messages_seq ON grievance_messages (report_id, seq);

CREATE TABLE grievance_remedies (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL,
	report_id TEXT NOT NULL REFERENCES grievance_reports(id),
	n BIGINT NOT NULL,
	type TEXT NOT NULL,
	amount_minor BIGINT NOT NULL DEFAULT 0,
	currency TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL,
	proposed TEXT NOT NULL DEFAULT '',
	proposed_by TEXT NOT NULL DEFAULT '',
	responded TEXT NOT NULL DEFAULT '',
	implemented TEXT NOT NULL DEFAULT '',
	verified_by TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	reporter_comment TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX grievance_remedies_report ON grievance_remedies (org_id, report_id, n);

CREATE TABLE grievance_consents (
	org_id TEXT NOT NULL,
	report_id TEXT NOT NULL REFERENCES grievance_reports(id),
	seq INTEGER NOT NULL,
	purpose TEXT NOT NULL,
	granted BOOLEAN NOT NULL,
	day TEXT NOT NULL,
	PRIMARY KEY (report_id, seq)
);

CREATE TABLE grievance_history (
	org_id TEXT NOT NULL,
	report_id TEXT NOT NULL REFERENCES grievance_reports(id),
	seq INTEGER NOT NULL,
	from_stage TEXT NOT NULL,
	to_stage TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	day TEXT NOT NULL,
	actor_id TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (report_id, seq)
);

-- Case handlers' key pairs: the public key in clear, the private key locked
-- under the handler's password (vault.LockKey), both base64.
CREATE TABLE grievance_handler_keys (
	user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	org_id TEXT NOT NULL REFERENCES orgs(id),
	public_key TEXT NOT NULL,
	locked_key TEXT NOT NULL
);
CREATE INDEX grievance_handler_keys_org ON grievance_handler_keys (org_id);

-- The organisation recovery key's public half. The private half is printed
-- once by `upstream keys init` and never stored.
CREATE TABLE grievance_org_keys (
	org_id TEXT PRIMARY KEY REFERENCES orgs(id),
	recovery_public TEXT NOT NULL
);

-- Messaging webhooks: inbound message ids (keyed hashes, never the provider's
-- id itself) seen once, so a retried or replayed delivery is not processed
-- twice. No report id is kept beside them.
CREATE TABLE grievance_inbound (
	org_id TEXT NOT NULL,
	message_key TEXT NOT NULL,
	day TEXT NOT NULL,
	PRIMARY KEY (org_id, message_key)
);
