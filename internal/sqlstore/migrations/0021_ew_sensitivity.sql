-- Each organisation's point on the early-warning trade-off curve (see
-- docs/early-warning.md, "Trade-off curve"); an organisation without a row
-- uses the default, "balanced".
CREATE TABLE ew_detector_settings (
	org_id TEXT PRIMARY KEY REFERENCES orgs(id),
	sensitivity TEXT NOT NULL,
	updated_by TEXT NOT NULL,
	updated_at TIMESTAMP NOT NULL
);
