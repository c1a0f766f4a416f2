-- Facility matching inside imports: merges with what is needed to undo
-- them, and the possible-duplicates queue with analysts' decisions.
--
-- facility_merges: one row per facility merged into another. undo holds
-- the merged party and its links exactly as they were, the links the
-- merge created on the kept party and the fields it filled (JSON, see
-- supplychain.MergeUndo). A later import that merges the same facility
-- into the same party again supersedes the row (superseded_by), so that
-- only the latest merge of a facility is undone.
CREATE TABLE facility_merges (
	org_id TEXT NOT NULL REFERENCES orgs(id),
	id TEXT NOT NULL,
	into_id TEXT NOT NULL,
	from_id TEXT NOT NULL,
	into_name TEXT NOT NULL,
	from_name TEXT NOT NULL,
	rule TEXT NOT NULL,
	score DOUBLE PRECISION NOT NULL,
	reasons TEXT NOT NULL,
	actor TEXT NOT NULL,
	import_id TEXT NOT NULL,
	source_file TEXT NOT NULL,
	source_line INTEGER NOT NULL,
	source_event TEXT NOT NULL,
	merged_at TIMESTAMP NOT NULL,
	undo TEXT NOT NULL,
	superseded_by TEXT NOT NULL DEFAULT '',
	undone_at TIMESTAMP,
	undone_by TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (org_id, id)
);
CREATE INDEX facility_merges_from ON facility_merges (org_id, from_id);
CREATE INDEX facility_merges_into ON facility_merges (org_id, into_id);

-- facility_pairs: pairs of facilities the matcher scored between its
-- review and same thresholds (status open), and pairs decided (merged,
-- kept_apart). lo_id and hi_id are the two ids in order, so a pair is one
-- row whichever side was read first; a_id is the facility kept by a
-- merge, b_id the one folded into it. A pair kept apart is never merged
-- by an import again.
CREATE TABLE facility_pairs (
	org_id TEXT NOT NULL REFERENCES orgs(id),
	lo_id TEXT NOT NULL,
	hi_id TEXT NOT NULL,
	a_id TEXT NOT NULL,
	b_id TEXT NOT NULL,
	score DOUBLE PRECISION NOT NULL,
	reasons TEXT NOT NULL,
	import_id TEXT NOT NULL,
	source_file TEXT NOT NULL,
	source_line INTEGER NOT NULL,
	source_event TEXT NOT NULL,
	status TEXT NOT NULL,
	found_at TIMESTAMP NOT NULL,
	decided_at TIMESTAMP,
	decided_by TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (org_id, lo_id, hi_id)
);
CREATE INDEX facility_pairs_status ON facility_pairs (org_id, status, score DESC);
