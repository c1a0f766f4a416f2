-- What an organisation shows reporters: emergency guidance per country
-- ('' for any country) and language, and whether the intake form offers
-- the supplier search. The search shows supplier names to anyone with the
-- reporting link, so it is off until an admin turns it on.
CREATE TABLE emergency_guidance (
	org_id TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	country TEXT NOT NULL,
	lang TEXT NOT NULL,
	body TEXT NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	PRIMARY KEY (org_id, country, lang)
);
ALTER TABLE orgs ADD COLUMN supplier_search BOOLEAN NOT NULL DEFAULT FALSE;
