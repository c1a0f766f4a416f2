-- Worker-voice surveys. The design (languages, questions, target, schedule)
-- is one JSON document: nothing queries inside it. Sites carry the public
-- codes, unique per organisation, that respondents type or scan.
CREATE TABLE surveys (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES orgs(id),
	title TEXT NOT NULL,
	design TEXT NOT NULL,
	n BIGINT NOT NULL
);
CREATE INDEX surveys_org ON surveys (org_id, n);

CREATE TABLE survey_sites (
	org_id TEXT NOT NULL,
	survey_id TEXT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
	site_id TEXT NOT NULL,
	code TEXT NOT NULL,
	workforce INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (survey_id, site_id)
);
CREATE UNIQUE INDEX survey_sites_code ON survey_sites (org_id, code);

-- One row per respondent, round and site: the respondent is the keyed hash
-- of a phone number (replaced by a meaningless value when the survey ends)
-- or a random value for a web answer. Answers are canonical values by
-- question key, as JSON; free text is never here.
CREATE TABLE survey_responses (
	org_id TEXT NOT NULL,
	survey_id TEXT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
	round INTEGER NOT NULL,
	site_id TEXT NOT NULL,
	respondent TEXT NOT NULL,
	channel TEXT NOT NULL,
	day TEXT NOT NULL,
	answers TEXT NOT NULL,
	PRIMARY KEY (survey_id, round, site_id, respondent)
);
CREATE INDEX survey_responses_org ON survey_responses (org_id, survey_id, round);

-- Free-text answers, sealed under their own data key (base64), which is
-- stored only wrapped, in survey_text_keys.
CREATE TABLE survey_texts (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL,
	survey_id TEXT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
	round INTEGER NOT NULL,
	site_id TEXT NOT NULL,
	question TEXT NOT NULL,
	day TEXT NOT NULL,
	body TEXT NOT NULL,
	n BIGINT NOT NULL
);
CREATE INDEX survey_texts_survey ON survey_texts (org_id, survey_id, n);

CREATE TABLE survey_text_keys (
	text_id TEXT NOT NULL REFERENCES survey_texts(id) ON DELETE CASCADE,
	recipient TEXT NOT NULL,
	blob TEXT NOT NULL,
	PRIMARY KEY (text_id, recipient)
);

-- Conversations over SMS, messaging and voice, by respondent hash; the
-- state holds no free text.
CREATE TABLE survey_conversations (
	org_id TEXT NOT NULL,
	respondent TEXT NOT NULL,
	survey_id TEXT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
	state TEXT NOT NULL,
	PRIMARY KEY (org_id, respondent)
);
