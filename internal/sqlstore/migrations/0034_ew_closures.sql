-- Each organisation's closure calendar for early warning: days on which its
-- intake was closed or reduced (a holiday, whose held-back reports arrive
-- later, or an outage, whose reports are lost), so that the count
-- detectors do not read them as a drop or the catch-up after them as a
-- rise. Days are whole UTC days counted from 1970-01-01, inclusive. An
-- empty subject applies to every series of the organisation.
CREATE TABLE ew_closures (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES orgs(id),
	first_day INTEGER NOT NULL,
	last_day INTEGER NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('holiday', 'outage')),
	subject TEXT NOT NULL DEFAULT '',
	label TEXT NOT NULL,
	created_by TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	CHECK (last_day >= first_day)
);
CREATE INDEX ew_closures_org_days ON ew_closures (org_id, last_day);
