-- Audits and certifications of parties (sites and suppliers), as audit
-- files list them. One row per party, scheme and audit date, so importing
-- a file again replaces what it wrote. Dates are written YYYY-MM-DD (an
-- audit has a day, not an instant); expiry is '' when none is given.
-- findings is a JSON object of category to severity (1 minor, 2 major,
-- 3 critical). source_file and source_line say where the row was read.
CREATE TABLE party_audits (
	org_id TEXT NOT NULL REFERENCES orgs(id),
	party_id TEXT NOT NULL,
	scheme TEXT NOT NULL,
	audit_date TEXT NOT NULL,
	outcome TEXT NOT NULL,
	result TEXT NOT NULL,
	expiry TEXT NOT NULL,
	findings TEXT NOT NULL,
	source_file TEXT NOT NULL,
	source_line INTEGER NOT NULL,
	PRIMARY KEY (org_id, party_id, scheme, audit_date)
);
