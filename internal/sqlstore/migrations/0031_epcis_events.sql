-- What EPCIS events made, kept across imports, so that an error
-- declaration read by a later import withdraws the links the declared
-- event made, and an event read after its declaration is not applied.
--
-- epcis_link_events: one row per link and event that made it. event_id
-- '' stands for a source no declaration can withdraw: an event without
-- an id, a supplier file, or a link stored before any event made it.
-- A link is withdrawn when every row of it names a declared event.
CREATE TABLE epcis_link_events (
	org_id TEXT NOT NULL REFERENCES orgs(id),
	buyer_id TEXT NOT NULL,
	supplier_id TEXT NOT NULL,
	commodity TEXT NOT NULL,
	event_id TEXT NOT NULL,
	PRIMARY KEY (org_id, buyer_id, supplier_id, commodity, event_id)
);
CREATE INDEX epcis_link_events_event ON epcis_link_events (org_id, event_id);

-- epcis_events: the ids of the events applied, so that a declaration
-- can tell an event imported earlier from one not yet seen.
CREATE TABLE epcis_events (
	org_id TEXT NOT NULL REFERENCES orgs(id),
	event_id TEXT NOT NULL,
	PRIMARY KEY (org_id, event_id)
);

-- epcis_declarations: events declared erroneous, with where the
-- declaration was read and how many links it withdrew.
CREATE TABLE epcis_declarations (
	org_id TEXT NOT NULL REFERENCES orgs(id),
	event_id TEXT NOT NULL,
	correctives TEXT NOT NULL,
	import_id TEXT NOT NULL,
	source_file TEXT NOT NULL,
	source_line INTEGER NOT NULL,
	declared_at TIMESTAMP NOT NULL,
	withdrawn INTEGER NOT NULL,
	PRIMARY KEY (org_id, event_id)
);

-- epcis_containment: packing from aggregation and association events
-- (parent, children, action, time, place). id is the event id, or a hash
-- of the record for events without one.
CREATE TABLE epcis_containment (
	org_id TEXT NOT NULL REFERENCES orgs(id),
	id TEXT NOT NULL,
	event_id TEXT NOT NULL,
	type TEXT NOT NULL,
	action TEXT NOT NULL,
	parent TEXT NOT NULL,
	children TEXT NOT NULL,
	event_time TEXT NOT NULL,
	location_id TEXT NOT NULL,
	import_id TEXT NOT NULL,
	source_file TEXT NOT NULL,
	source_line INTEGER NOT NULL,
	PRIMARY KEY (org_id, id)
);
CREATE INDEX epcis_containment_location ON epcis_containment (org_id, location_id);
CREATE INDEX epcis_containment_parent ON epcis_containment (org_id, parent);
