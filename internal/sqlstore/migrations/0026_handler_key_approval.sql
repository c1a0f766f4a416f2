-- A case handler's key receives new reports only once approved by another
-- case handler or by the recovery-key holder. Keys that exist already were
-- trusted before approval was required and stay approved.
ALTER TABLE grievance_handler_keys ADD COLUMN approved_by TEXT NOT NULL DEFAULT '';
UPDATE grievance_handler_keys SET approved_by = 'before approval was required';
