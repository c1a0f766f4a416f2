-- Early warning: stored signals, per-organisation threshold rules, alerts,
-- delivery endpoints, the transactional outbox, and job leases shared by
-- every server on one database.

CREATE TABLE ew_signals (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES orgs(id),
	kind TEXT NOT NULL,
	subject_kind TEXT NOT NULL,
	subject_id TEXT NOT NULL,
	at TIMESTAMP NOT NULL,
	value DOUBLE PRECISION NOT NULL,
	source TEXT NOT NULL,
	-- Set once the threshold rules have been applied to the signal.
	evaluated BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX ew_signals_series ON ew_signals (org_id, kind, at);
CREATE INDEX ew_signals_pending ON ew_signals (evaluated, at);

CREATE TABLE ew_thresholds (
	org_id TEXT PRIMARY KEY REFERENCES orgs(id),
	rules TEXT NOT NULL,
	updated_at TIMESTAMP NOT NULL
);

CREATE TABLE ew_alerts (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES orgs(id),
	alert_key TEXT NOT NULL,
	kind TEXT NOT NULL,
	subject_kind TEXT NOT NULL,
	subject_id TEXT NOT NULL,
	detector TEXT NOT NULL,
	severity TEXT NOT NULL,
	-- 1 (low) to 4 (critical), so that "at least high" is one comparison.
	severity_rank INTEGER NOT NULL,
	state TEXT NOT NULL,
	score DOUBLE PRECISION NOT NULL,
	source TEXT NOT NULL,
	occurrences INTEGER NOT NULL,
	first_seen TIMESTAMP NOT NULL,
	last_seen TIMESTAMP NOT NULL,
	assigned_to TEXT NOT NULL DEFAULT '',
	snoozed_until TIMESTAMP,
	acknowledged_by TEXT NOT NULL DEFAULT '',
	acknowledged_at TIMESTAMP,
	resolved_by TEXT NOT NULL DEFAULT '',
	resolved_at TIMESTAMP,
	resolution TEXT NOT NULL DEFAULT '',
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL
);
-- One unresolved alert per key: the database, not the application, settles
-- a race between two servers raising the same key at once.
CREATE UNIQUE INDEX ew_alerts_open_key ON ew_alerts (org_id, alert_key) WHERE state <> 'resolved';
CREATE INDEX ew_alerts_recent ON ew_alerts (org_id, last_seen);

CREATE TABLE ew_endpoints (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES orgs(id),
	channel TEXT NOT NULL,
	target TEXT NOT NULL,
	-- Hex of the webhook signing secret; empty for email.
	secret TEXT NOT NULL,
	min_severity TEXT NOT NULL,
	digest BOOLEAN NOT NULL,
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX ew_endpoints_org ON ew_endpoints (org_id);

CREATE TABLE ew_outbox (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES orgs(id),
	endpoint_id TEXT NOT NULL,
	channel TEXT NOT NULL,
	alert_id TEXT NOT NULL,
	subject TEXT NOT NULL,
	body TEXT NOT NULL,
	state TEXT NOT NULL,
	attempts INTEGER NOT NULL,
	next_attempt_at TIMESTAMP NOT NULL,
	last_error TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	delivered_at TIMESTAMP,
	-- A worker's claim: the message is its own until lease_until; Complete
	-- succeeds only with the token of the claim still in place.
	lease_token TEXT,
	lease_until TIMESTAMP
);
CREATE INDEX ew_outbox_due ON ew_outbox (state, next_attempt_at);
CREATE INDEX ew_outbox_org ON ew_outbox (org_id, created_at);

-- How far the count detectors have raised alerts for an organisation, so a
-- day's detections are raised once however often the detector job runs.
CREATE TABLE ew_detector_progress (
	org_id TEXT PRIMARY KEY REFERENCES orgs(id),
	through_day INTEGER NOT NULL
);

-- Job leases: the holder runs the job until lease_until; last_run_at lets
-- every server agree when the job is next due.
CREATE TABLE jobs (
	name TEXT PRIMARY KEY,
	holder TEXT NOT NULL,
	lease_until TIMESTAMP,
	last_run_at TIMESTAMP
);
