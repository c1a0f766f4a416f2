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
-- The register's default order and each filter it offers, each ending in
-- the sort keys so a page is read from the index without sorting.
CREATE INDEX parties_name ON parties (org_id, name, id);
CREATE INDEX parties_name_key ON parties (org_id, name_key);
CREATE INDEX parties_exposure ON parties (org_id, exposure DESC, id);
CREATE INDEX parties_country ON parties (org_id, country, exposure DESC, id);
CREATE INDEX parties_level ON parties (org_id, level, exposure DESC, id);
CREATE INDEX parties_tier ON parties (org_id, tier, exposure DESC, id);

-- One row per canonical commodity of a party, so the commodity filter is
-- an index lookup rather than a scan of a list column.
CREATE TABLE party_commodities (
	org_id TEXT NOT NULL,
	commodity TEXT NOT NULL,
	party_id TEXT NOT NULL,
	PRIMARY KEY (org_id, commodity, party_id),
	FOREIGN KEY (org_id, party_id) REFERENCES parties (org_id, id)
);
CREATE INDEX party_commodities_party ON party_commodities (org_id, party_id);

-- buyer_id is '' when the supplier sells to the reporting organisation
-- itself (tier 1), so it cannot reference parties; the store checks it.
CREATE TABLE links (
	org_id TEXT NOT NULL,
	buyer_id TEXT NOT NULL,
	supplier_id TEXT NOT NULL,
	commodity TEXT NOT NULL,
	share DOUBLE PRECISION,
	PRIMARY KEY (org_id, buyer_id, supplier_id, commodity),
	FOREIGN KEY (org_id, supplier_id) REFERENCES parties (org_id, id)
);
CREATE INDEX links_supplier ON links (org_id, supplier_id);
