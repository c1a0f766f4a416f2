-- EU Deforestation Regulation records. Each row keeps its record as a JSON
-- document (body) beside the columns that select it: the records may gain
-- fields without a migration, and nothing queries inside them.

CREATE TABLE eudr_operators (
	org_id TEXT PRIMARY KEY REFERENCES orgs(id),
	body TEXT NOT NULL,
	updated_at TIMESTAMP NOT NULL
);

CREATE TABLE eudr_plots (
	org_id TEXT NOT NULL REFERENCES orgs(id),
	id TEXT NOT NULL,
	ref TEXT NOT NULL,
	producer_ref TEXT NOT NULL,
	supplier_ref TEXT NOT NULL,
	country TEXT NOT NULL,
	commodity TEXT NOT NULL,
	body TEXT NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	PRIMARY KEY (org_id, id)
);

-- Attached files, base64 in text so one column type serves both engines.
CREATE TABLE eudr_files (
	org_id TEXT NOT NULL REFERENCES orgs(id),
	id TEXT NOT NULL,
	name TEXT NOT NULL,
	media_type TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	size BIGINT NOT NULL,
	content TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (org_id, id)
);

CREATE TABLE eudr_evidence (
	org_id TEXT NOT NULL,
	id TEXT NOT NULL,
	plot_id TEXT NOT NULL,
	kind TEXT NOT NULL,
	body TEXT NOT NULL,
	recorded_at TIMESTAMP NOT NULL,
	PRIMARY KEY (org_id, id),
	FOREIGN KEY (org_id, plot_id) REFERENCES eudr_plots (org_id, id)
);
CREATE INDEX eudr_evidence_plot ON eudr_evidence (org_id, plot_id, recorded_at);

CREATE TABLE eudr_lots (
	org_id TEXT NOT NULL REFERENCES orgs(id),
	id TEXT NOT NULL,
	ref TEXT NOT NULL,
	body TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (org_id, id),
	UNIQUE (org_id, ref)
);

CREATE TABLE eudr_assessments (
	org_id TEXT NOT NULL,
	id TEXT NOT NULL,
	lot_id TEXT NOT NULL,
	body TEXT NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (org_id, id),
	FOREIGN KEY (org_id, lot_id) REFERENCES eudr_lots (org_id, id)
);
CREATE INDEX eudr_assessments_lot ON eudr_assessments (org_id, lot_id, n);

CREATE TABLE eudr_statements (
	org_id TEXT NOT NULL,
	id TEXT NOT NULL,
	lot_id TEXT NOT NULL,
	made_at TIMESTAMP NOT NULL,
	body TEXT NOT NULL,
	submission TEXT NOT NULL,
	geojson TEXT NOT NULL,
	PRIMARY KEY (org_id, id),
	FOREIGN KEY (org_id, lot_id) REFERENCES eudr_lots (org_id, id)
);
CREATE INDEX eudr_statements_lot ON eudr_statements (org_id, lot_id, made_at);
