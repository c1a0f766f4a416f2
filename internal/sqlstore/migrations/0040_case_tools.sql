-- Case handling tools: the case handler a case is assigned to (a user id,
-- in clear like the stage: it says nothing about the reporter), and the
-- evidence that a remedy was carried out. The evidence note, the file's
-- name and type, and the file itself are sealed with the report's data
-- key like every other piece of case content (base64 ciphertext).
ALTER TABLE grievance_reports ADD COLUMN assignee_id TEXT NOT NULL DEFAULT '';
CREATE INDEX grievance_reports_assignee ON grievance_reports (org_id, assignee_id);
ALTER TABLE grievance_remedies ADD COLUMN evidence_note TEXT NOT NULL DEFAULT '';
ALTER TABLE grievance_remedies ADD COLUMN evidence_meta TEXT NOT NULL DEFAULT '';
ALTER TABLE grievance_remedies ADD COLUMN evidence_file TEXT NOT NULL DEFAULT '';
