-- Impact measurement: programmes with their logic model, observations of
-- their indicators, SROI analyses, and survivor outcome records with the
-- consent history that governs their use.
--
-- The logic model and the dimensions are stored as JSON text: they are read
-- and validated whole by the impact package, never queried piece by piece.
-- Every key and index starts with org_id, so that each organisation's rows
-- are found, and can only be found, through its own id.
CREATE TABLE impact_programmes (
	org_id TEXT NOT NULL REFERENCES orgs(id),
	id TEXT NOT NULL,
	name TEXT NOT NULL,
	model TEXT NOT NULL,
	dimensions TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	PRIMARY KEY (id)
);
CREATE INDEX impact_programmes_org ON impact_programmes (org_id, name);

-- obs_key is Observation.Key(): indicator, period and cell. The unique key
-- stops the same figure being stored twice when two imports race.
CREATE TABLE impact_observations (
	org_id TEXT NOT NULL,
	programme_id TEXT NOT NULL REFERENCES impact_programmes(id),
	obs_key TEXT NOT NULL,
	indicator TEXT NOT NULL,
	period TEXT NOT NULL,
	period_start TIMESTAMP NOT NULL,
	disaggregation TEXT NOT NULL,
	value DOUBLE PRECISION NOT NULL,
	denominator DOUBLE PRECISION,
	seq BIGINT NOT NULL,
	PRIMARY KEY (org_id, programme_id, obs_key)
);
CREATE INDEX impact_observations_indicator ON impact_observations (org_id, programme_id, indicator, seq);

CREATE TABLE impact_analyses (
	org_id TEXT NOT NULL,
	id TEXT NOT NULL PRIMARY KEY,
	programme_id TEXT NOT NULL REFERENCES impact_programmes(id),
	map TEXT NOT NULL,
	result TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX impact_analyses_programme ON impact_analyses (org_id, programme_id, created_at);

-- Consent decisions are only ever added: withdrawing is a new row, so the
-- history shows what was allowed when.
CREATE TABLE impact_consent_events (
	org_id TEXT NOT NULL REFERENCES orgs(id),
	subject TEXT NOT NULL,
	seq INTEGER NOT NULL,
	purpose TEXT NOT NULL,
	granted BOOLEAN NOT NULL,
	at TIMESTAMP NOT NULL,
	recorded_by TEXT NOT NULL,
	note TEXT NOT NULL,
	PRIMARY KEY (org_id, subject, seq)
);

-- One survivor's value for one indicator and period, under a pseudonym.
CREATE TABLE impact_survivor_outcomes (
	org_id TEXT NOT NULL,
	programme_id TEXT NOT NULL REFERENCES impact_programmes(id),
	subject TEXT NOT NULL,
	indicator TEXT NOT NULL,
	period TEXT NOT NULL,
	disaggregation TEXT NOT NULL,
	value DOUBLE PRECISION NOT NULL,
	seq BIGINT NOT NULL,
	PRIMARY KEY (org_id, programme_id, subject, indicator, period)
);
CREATE INDEX impact_survivor_outcomes_indicator ON impact_survivor_outcomes (org_id, programme_id, indicator, seq);
