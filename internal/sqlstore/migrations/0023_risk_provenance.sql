-- Commodity provenance and honest gaps in the risk register.
--
-- inferred_commodities lists those of a party's commodities that were
-- inferred from a sector, a product type or the name rather than declared
-- (a subset of commodities, JSON like it); inferred_from says from what.
-- confidence (0..1) and missing (JSON list) are written by the risk
-- recompute with the other risk columns; level may now be 'unknown'.
ALTER TABLE parties ADD COLUMN inferred_commodities TEXT NOT NULL DEFAULT '[]';
ALTER TABLE parties ADD COLUMN inferred_from TEXT NOT NULL DEFAULT '';
ALTER TABLE parties ADD COLUMN confidence DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE parties ADD COLUMN missing TEXT NOT NULL DEFAULT '[]';

-- Facilities imported from sector lists before provenance was kept carry
-- the sector's goods as if declared. Their commodities are marked inferred
-- from their sector, which the import kept among the attributes, so the
-- recompute weighs them as the guesses they are.
UPDATE parties SET inferred_commodities = commodities, inferred_from = 'sector'
	WHERE commodities <> '[]' AND attributes LIKE '%"sector":%';

-- Organisations whose stored scores predate the rules above: the next
-- start of Upstream (or `upstream migrate`) recomputes their risk and
-- removes them from this table.
CREATE TABLE risk_recompute (
	org_id TEXT NOT NULL PRIMARY KEY REFERENCES orgs(id)
);
INSERT INTO risk_recompute (org_id) SELECT DISTINCT org_id FROM parties;
