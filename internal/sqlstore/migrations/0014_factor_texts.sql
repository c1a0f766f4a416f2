-- The texts that name where a score's factors come from (kind, source,
-- edition, indicator) repeat for every party of an organisation: a long
-- source title several times a party. parties.factors refers to them by a
-- number kept here, per organisation, so a stored score is a few hundred
-- bytes rather than more than a kilobyte (see sqlstore/factors.go).
CREATE TABLE factor_texts (
	org_id TEXT NOT NULL REFERENCES orgs(id),
	id INTEGER NOT NULL,
	text TEXT NOT NULL,
	PRIMARY KEY (org_id, id)
);
CREATE UNIQUE INDEX factor_texts_text ON factor_texts (org_id, text);
