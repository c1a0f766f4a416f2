-- Evidence files uploaded with questionnaire answers, cleared of hidden
-- details before they arrive here. Base64 in text, so one column type
-- serves both engines (as eudr_files). The answer's document names the file
-- by id; the subject columns keep one subject from reading another's files.
CREATE TABLE scorecard_files (
	org_id TEXT NOT NULL REFERENCES orgs(id),
	id TEXT NOT NULL,
	subject_kind TEXT NOT NULL,
	subject_id TEXT NOT NULL,
	name TEXT NOT NULL,
	media_type TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	size BIGINT NOT NULL,
	content TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (org_id, id)
);
