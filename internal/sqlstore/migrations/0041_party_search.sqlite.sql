-- Register search by any word of a party's name, address or identifiers.
-- party_search holds each party's words (supplychain.SearchKey, folded in
-- Go so that both engines index the same text); docid is an INTEGER
-- PRIMARY KEY, which VACUUM never renumbers, so it can number the FTS5
-- index's documents. The index keeps no copy of the words (content is
-- this table) and follows it through the triggers below. An import writes
-- party_search once per batch of parties, in one statement, so the index
-- is flushed once per batch rather than once per party. Deleting a party
-- deletes its words (and their index entries) by the foreign key; the
-- words are written only after the party is stored (party_search.go).
-- The words are folded already, so the tokenizer removes no diacritics.
CREATE TABLE party_search (
	docid INTEGER PRIMARY KEY,
	org_id TEXT NOT NULL,
	party_id TEXT NOT NULL,
	words TEXT NOT NULL,
	UNIQUE (org_id, party_id)
);
CREATE VIRTUAL TABLE party_search_fts USING fts5(words, content = 'party_search', content_rowid = 'docid',
	columnsize = 0, detail = none, tokenize = 'unicode61 remove_diacritics 0');
-- (Each trigger is one line: migrations split statements at line ends.)
CREATE TRIGGER parties_search_gone AFTER DELETE ON parties BEGIN DELETE FROM party_search WHERE org_id = old.org_id AND party_id = old.id; END;
CREATE TRIGGER party_search_added AFTER INSERT ON party_search BEGIN INSERT INTO party_search_fts (rowid, words) VALUES (new.docid, new.words); END;
CREATE TRIGGER party_search_removed AFTER DELETE ON party_search BEGIN INSERT INTO party_search_fts (party_search_fts, rowid, words) VALUES ('delete', old.docid, old.words); END;
CREATE TRIGGER party_search_changed AFTER UPDATE ON party_search BEGIN INSERT INTO party_search_fts (party_search_fts, rowid, words) VALUES ('delete', old.docid, old.words); INSERT INTO party_search_fts (rowid, words) VALUES (new.docid, new.words); END;
