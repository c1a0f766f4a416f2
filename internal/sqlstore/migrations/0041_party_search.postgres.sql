-- Register search by any word of a party's name, address or identifiers.
-- party_search holds each party's words (supplychain.SearchKey, folded in
-- Go so that both engines index the same text), written once per import
-- batch in one statement (party_search.go). A GIN index holds the words;
-- the text is folded already, so the 'simple' configuration (no stemming,
-- no stop words) sees the same words as SQLite's FTS5 index. A deleted
-- party's words are deleted by a trigger rather than a foreign key, whose
-- check would lock the party's row for every word row an import writes.
CREATE TABLE party_search (
	org_id TEXT NOT NULL,
	party_id TEXT NOT NULL,
	words TEXT NOT NULL,
	PRIMARY KEY (org_id, party_id)
);
CREATE INDEX party_search_words ON party_search USING gin (to_tsvector('simple', words));
-- (The function is one line: migrations split statements at line ends.)
CREATE FUNCTION party_search_gone() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM party_search WHERE org_id = OLD.org_id AND party_id = OLD.id; RETURN NULL; END $$;
CREATE TRIGGER parties_search_gone AFTER DELETE ON parties FOR EACH ROW EXECUTE FUNCTION party_search_gone();
