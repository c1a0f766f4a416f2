-- Supply chain: parties, supply links and the computed risk of each party.
-- PostgreSQL version of 0002_supplychain.sql; keep the two in step. It
-- declares byte-order collation on the text columns that are sorted or
-- searched by prefix, so that order and prefix ranges match SQLite.
--
-- Ids are unique within an organisation only (content-derived ids repeat
-- across organisations by design), so every key starts with org_id.
CREATE TABLE parties (
	org_id TEXT NOT NULL REFERENCES orgs(id),
	id TEXT COLLATE "C" NOT NULL,
	ref TEXT NOT NULL,
	name TEXT COLLATE "C" NOT NULL,
	name_key TEXT COLLATE "C" NOT NULL,
	kind TEXT NOT NULL,
	country TEXT NOT NULL,
	region TEXT NOT NULL,
	address TEXT NOT NULL,
	lat DOUBLE PRECISION,
	lng DOUBLE PRECISION,
	os_id TEXT NOT NULL,
	lei TEXT NOT NULL,
	gln TEXT NOT NULL,
	workers INTEGER NOT NULL,
	commodities TEXT NOT NULL,
	unknown_commodities TEXT NOT NULL,
	attributes TEXT NOT NULL,
	-- Computed by the risk engine after every import; 0 and '' until then.
	tier INTEGER NOT NULL DEFAULT 0,
	inherent DOUBLE PRECISION NOT NULL DEFAULT 0,
	signals DOUBLE PRECISION NOT NULL DEFAULT 0,
	own DOUBLE PRECISION NOT NULL DEFAULT 0,
	exposure DOUBLE PRECISION NOT NULL DEFAULT 0,
	level TEXT NOT NULL DEFAULT '',
	factors TEXT NOT NULL DEFAULT '[]',
	PRIMARY KEY (org_id, id)
);
-- Only what imports and the party list need is indexed here: an import
-- writes a party into these three trees and no more. The register's orders
-- and filters are served by register_keys below.
CREATE INDEX parties_name ON parties (org_id, name, id);
CREATE INDEX parties_name_key ON parties (org_id, name_key);

-- register_keys: one row per party under commodity '' and one more per
-- canonical commodity of the party, carrying what the register filters and
-- sorts on. An import writes the rows with level '' (not yet scored), which
-- the partial indexes leave out, so importing costs one tree per row; the
-- risk recompute writes them with tier, level and exposure, and only then
-- are they indexed. Each index leads with (org_id, commodity), so the
-- commodity filter (or '' for none) is one index range, and carries the
-- columns the other filters test, so a page is read from the index alone:
-- by exposure, skipping rows that fail the tier and level filters (levels
-- are bands of exposure, so the highest levels come first), or by country
-- and exposure. Two indexes keep the recompute's writes small.
CREATE TABLE register_keys (
	org_id TEXT NOT NULL,
	party_id TEXT COLLATE "C" NOT NULL,
	commodity TEXT NOT NULL,
	country TEXT NOT NULL,
	tier INTEGER NOT NULL DEFAULT 0,
	level TEXT NOT NULL DEFAULT '',
	exposure DOUBLE PRECISION NOT NULL DEFAULT 0,
	-- The party leads, so that removing the keys of a batch of parties is
	-- an index lookup per party whatever the planner knows of the
	-- organisation's size.
	PRIMARY KEY (party_id, org_id, commodity)
);
CREATE INDEX register_exposure ON register_keys (org_id, commodity, exposure DESC, party_id, country, tier, level) WHERE level <> '';
CREATE INDEX register_country ON register_keys (org_id, commodity, country, exposure DESC, party_id, tier, level) WHERE level <> '';

-- How many scored parties each combination of the register's filters
-- matches, rebuilt by every risk recompute from register_keys, so that a
-- page's total is a sum over a few rows rather than a count over a
-- million. commodity '' counts every party.
CREATE TABLE register_counts (
	org_id TEXT NOT NULL,
	commodity TEXT NOT NULL,
	country TEXT NOT NULL,
	tier INTEGER NOT NULL,
	level TEXT NOT NULL,
	parties BIGINT NOT NULL,
	PRIMARY KEY (org_id, commodity, country, tier, level)
);

-- buyer_id is '' when the supplier sells to the reporting organisation
-- itself (tier 1), so it cannot reference parties: the store checks that
-- both parties of a link are stored before writing it.
CREATE TABLE links (
	org_id TEXT NOT NULL,
	buyer_id TEXT COLLATE "C" NOT NULL,
	supplier_id TEXT COLLATE "C" NOT NULL,
	commodity TEXT NOT NULL,
	share DOUBLE PRECISION,
	PRIMARY KEY (org_id, buyer_id, supplier_id, commodity)
);
CREATE INDEX links_supplier ON links (org_id, supplier_id);
