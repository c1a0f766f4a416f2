-- When the daily audit-ageing job last looked at an organisation's stored
-- audits (RFC 3339, UTC): the next look recomputes the organisation's risk
-- when an audit gives other signals now than it gave then (a passed audit
-- past its 24 months, a certificate past its expiry). An organisation not
-- listed has never been looked at.
CREATE TABLE audits_checked (
	org_id TEXT NOT NULL PRIMARY KEY REFERENCES orgs(id),
	checked_at TEXT NOT NULL
);
