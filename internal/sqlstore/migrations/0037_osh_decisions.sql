-- An analyst's decision on an Open Supply Hub suggestion (decision
-- 'review'): 'accepted' gives the facility the suggested OS ID, 'rejected'
-- keeps it without; either way the facility is not looked up again.
ALTER TABLE osh_lookups ADD COLUMN decided_by TEXT NOT NULL DEFAULT '';
ALTER TABLE osh_lookups ADD COLUMN decided_at TIMESTAMP;
