-- Questionnaire answers (an append-only history per subject) and computed
-- scorecards (one per subject and day), for supplier and brand grades.
CREATE TABLE scorecard_answers (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES orgs(id),
	subject_kind TEXT NOT NULL,
	subject_id TEXT NOT NULL,
	question_id TEXT NOT NULL,
	answered_on TIMESTAMP NOT NULL,
	body TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX scorecard_answers_subject ON scorecard_answers (org_id, subject_kind, subject_id, created_at);

CREATE TABLE scorecards (
	org_id TEXT NOT NULL REFERENCES orgs(id),
	subject_kind TEXT NOT NULL,
	subject_id TEXT NOT NULL,
	day TEXT NOT NULL,
	as_of TIMESTAMP NOT NULL,
	score DOUBLE PRECISION NOT NULL,
	grade TEXT NOT NULL,
	body TEXT NOT NULL,
	PRIMARY KEY (org_id, subject_kind, subject_id, day)
);
