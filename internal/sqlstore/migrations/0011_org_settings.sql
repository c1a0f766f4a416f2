-- Per-organisation settings. Closed grievance reports are purged (their keys
-- and sealed content destroyed) this many days after closure; 0 keeps them.
ALTER TABLE orgs ADD COLUMN retention_days INTEGER NOT NULL DEFAULT 1095;
