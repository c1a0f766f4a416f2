-- The exposure of each party when early warning last looked, so a job can
-- signal parties whose score moved by more than a step since.
CREATE TABLE risk_watermarks (
	org_id TEXT NOT NULL REFERENCES orgs(id),
	party_id TEXT NOT NULL,
	exposure DOUBLE PRECISION NOT NULL,
	PRIMARY KEY (org_id, party_id)
);
