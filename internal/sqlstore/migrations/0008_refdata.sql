-- Reference data an operator loaded to replace a built-in dataset. The
-- content is kept whole so every server loads the same bytes at start and a
-- score can be traced to the exact file (sha256).
CREATE TABLE refdata_overrides (
	dataset TEXT PRIMARY KEY,
	origin TEXT NOT NULL,
	content TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	loaded_at TIMESTAMP NOT NULL
);
