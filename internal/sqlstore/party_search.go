package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"slices"
	"strings"

	"github.com/upstream-platform/upstream/internal/supplychain"
)

// The register search looks in party_search: one row per party with its
// words (supplychain.SearchKey), indexed by FTS5 on SQLite and by a GIN
// tsvector index on PostgreSQL. An import keeps the words of the parties
// it stored (Writer.indexSearch, after each batch) and writes them sorted
// by party when it flushes (Writer.writeSearch): on SQLite with the staged
// rows, in one statement reading them from a feed table; on PostgreSQL
// also every searchBuffer parties. FTS5 flushes its pending index at every
// statement that writes it, so indexing party by party, as a trigger on
// parties would, writes an index segment per party: that halved an
// import's speed. Sorted, consecutive words land in the same pages of
// party_search's key index, which each statement then journals once. A
// deleted party's words go with it by a trigger.

// afterMigration fills in, in the migration's own transaction, what a
// migration's SQL cannot compute: keyed by migration name, since numbers
// may change before a release.
var afterMigration = map[string]func(ctx context.Context, e Engine, tx *sql.Tx) error{
	"party_search": fillSearchWords,
}

// searchIndexChunk bounds the parties one search statement writes on
// SQLite, which binds each value as a parameter (three per party);
// larger statements measured no faster.
const searchIndexChunk = 1000

// searchBuffer is how many parties' words an import on PostgreSQL keeps
// before writing them: about 150 bytes each.
const searchBuffer = 50_000

// pendingSearch is the words of parties stored by an import and not yet
// written to party_search.
type pendingSearch struct {
	ids, words []string
}

// indexSearch keeps the search words of parties just stored in this
// import, to be written with the next Flush or, on PostgreSQL, when
// searchBuffer are kept. On SQLite they are written with the staged rows
// (stageFull), all in one statement: words written in two runs leave
// half-filled pages in the index of party_search wherever the second run
// falls between keys of the first.
func (w *Writer) indexSearch(ps []supplychain.Party) error {
	if w.db.skipSearchIndex {
		return nil
	}
	for _, p := range ps {
		w.search.ids = append(w.search.ids, p.ID)
		w.search.words = append(w.search.words, supplychain.SearchKey(p))
	}
	if w.db.Engine != SQLite && len(w.search.ids) >= searchBuffer {
		return w.writeSearch()
	}
	return nil
}

// writeSearch writes the words kept, sorted by party, the last kept for a
// party sent twice. Words equal to the stored ones are left alone, so
// importing a file again rewrites no index entry.
func (w *Writer) writeSearch() error {
	ids, words := w.search.sorted()
	if len(ids) == 0 {
		return nil
	}
	if w.db.Engine == SQLite {
		return w.feedSearchWords(ids, words)
	}
	return writeSearchWords(w.ctx, w.db.Engine, w.tx, &w.stmtCache, w.org, ids, words)
}

// sorted returns the words kept, sorted by party, the last kept for a
// party sent twice, and keeps none.
func (s *pendingSearch) sorted() (ids, words []string) {
	n := len(s.ids)
	if n == 0 {
		return nil, nil
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Or(strings.Compare(s.ids[a], s.ids[b]), cmp.Compare(a, b)) })
	ids, words = make([]string, 0, n), make([]string, 0, n)
	for k, i := range order {
		if k+1 < n && s.ids[order[k+1]] == s.ids[i] {
			continue // sent again later in the import: that one wins
		}
		ids, words = append(ids, s.ids[i]), append(words, s.words[i])
	}
	s.ids, s.words = s.ids[:0], s.words[:0]
	return ids, words
}

// searchRows are the words of parties as a feed table reads them: id,
// words.
type searchRows struct{ ids, words []string }

func (r searchRows) Len() int { return len(r.ids) }
func (r searchRows) Value(i, col int) driver.Value {
	if col == 0 {
		return r.ids[i]
	}
	return r.words[i]
}

// feedSearchWords upserts the words of parties ids (sorted, no id twice)
// on SQLite in one statement that reads them from a feed table.
func (w *Writer) feedSearchWords(ids, words []string) error {
	if len(ids) == 0 {
		return nil
	}
	if err := w.openStage(); err != nil {
		return err
	}
	batch := w.db.feed.add(searchRows{ids, words})
	defer w.db.feed.remove(batch)
	st, err := w.stmt(`INSERT INTO party_search (org_id, party_id, words)
		SELECT $1, id, words FROM temp.feed_search WHERE batch = $2 ORDER BY id` + searchUpsert)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(w.ctx, w.org, batch)
	return classify(err, "party search words")
}

// searchUpsert ends a statement writing party_search: words equal to the
// stored ones are left alone.
const searchUpsert = ` ON CONFLICT (org_id, party_id) DO UPDATE SET words = excluded.words
		WHERE party_search.words IS DISTINCT FROM excluded.words`

// writeSearchWords upserts the words of parties ids (no id twice) in one
// statement per chunk; cache, when not nil, keeps the prepared statements
// for the next batch.
func writeSearchWords(ctx context.Context, e Engine, tx *sql.Tx, cache *stmtCache, org string, ids, words []string) error {
	const upsert = searchUpsert
	exec := func(text string, args ...any) error {
		var err error
		if cache != nil {
			var st *sql.Stmt
			if st, err = cache.stmt(text); err == nil {
				_, err = st.ExecContext(ctx, args...)
			}
		} else {
			_, err = tx.ExecContext(ctx, text, args...)
		}
		return classify(err, "party search words")
	}
	if e == Postgres {
		// Two arrays are two parameters, whatever the batch's size.
		return exec(`INSERT INTO party_search (org_id, party_id, words)
			SELECT $1, u.id, u.words FROM unnest($2::text[], $3::text[]) AS u (id, words)`+upsert, org, ids, words)
	}
	// Anonymous parameters: the driver looks each numbered one up by
	// name, which costs as much as binding them all.
	args := make([]any, 0, 3*min(len(ids), searchIndexChunk))
	for start := 0; start < len(ids); start += searchIndexChunk {
		end := min(start+searchIndexChunk, len(ids))
		args = args[:0]
		for i := start; i < end; i++ {
			args = append(args, org, ids[i], words[i])
		}
		values := strings.Repeat("(?, ?, ?), ", end-start-1) + "(?, ?, ?)"
		if err := exec(`INSERT INTO party_search (org_id, party_id, words) VALUES `+values+upsert, args...); err != nil {
			return err
		}
	}
	return nil
}

// reindexParties writes again the search words of stored parties whose
// name, address or identifiers were changed by a statement other than an
// import (an Open Supply Hub decision attaching an OS ID).
func reindexParties(ctx context.Context, e Engine, tx *sql.Tx, org string, ids ...string) error {
	var keep, words []string
	for _, id := range ids {
		var p supplychain.Party
		err := tx.QueryRowContext(ctx, `SELECT name, address, os_id, lei, gln FROM parties WHERE org_id = $1 AND id = $2`, org, id).
			Scan(&p.Name, &p.Address, &p.OSID, &p.LEI, &p.GLN)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return classify(err, "party")
		}
		keep, words = append(keep, id), append(words, supplychain.SearchKey(p))
	}
	if len(keep) == 0 {
		return nil
	}
	return writeSearchWords(ctx, e, tx, nil, org, keep, words)
}

// fillSearchWords gives every party stored before the register search
// its search words, a thousand parties at a time in key order.
func fillSearchWords(ctx context.Context, e Engine, tx *sql.Tx) error {
	const batch = 1000
	var lastOrg, lastID string
	for {
		rows, err := tx.QueryContext(ctx, `SELECT org_id, id, name, address, os_id, lei, gln FROM parties
			WHERE org_id > $1 OR (org_id = $1 AND id > $2) ORDER BY org_id, id LIMIT 1000`, lastOrg, lastID)
		if err != nil {
			return classify(err, "parties")
		}
		var orgs, ids, words []string
		for rows.Next() {
			var p supplychain.Party
			var org string
			if err := rows.Scan(&org, &p.ID, &p.Name, &p.Address, &p.OSID, &p.LEI, &p.GLN); err != nil {
				rows.Close()
				return classify(err, "parties")
			}
			orgs, ids, words = append(orgs, org), append(ids, p.ID), append(words, supplychain.SearchKey(p))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return classify(err, "parties")
		}
		// One statement per organisation's run of parties.
		for start := 0; start < len(ids); {
			end := start
			for end < len(ids) && orgs[end] == orgs[start] {
				end++
			}
			if err := writeSearchWords(ctx, e, tx, nil, orgs[start], ids[start:end], words[start:end]); err != nil {
				return err
			}
			start = end
		}
		if len(ids) < batch {
			return nil
		}
		lastOrg, lastID = orgs[len(orgs)-1], ids[len(ids)-1]
	}
}

// search keeps parties (of the organisation in $1, as newWhere puts it) in
// which every word of typed starts a word of the party's search words
// (supplychain.RegisterFilter.Search): an FTS5 prefix query on SQLite, a
// tsquery of prefixes on PostgreSQL, over the same folded words.
func (w *where) search(engine Engine, typed string) {
	words := supplychain.SearchWords(typed)
	if len(words) == 0 {
		if strings.TrimSpace(typed) != "" {
			w.conds = append(w.conds, "1 = 0") // only punctuation: nothing has those words
		}
		return
	}
	q := make([]string, len(words))
	if engine == Postgres {
		for i, word := range words {
			q[i] = word + ":*"
		}
		w.add(`p.id IN (SELECT s.party_id FROM party_search s WHERE s.org_id = $1
			AND to_tsvector('simple', s.words) @@ to_tsquery('simple', $?))`, strings.Join(q, " & "))
		return
	}
	for i, word := range words {
		q[i] = `"` + word + `"*`
	}
	w.add(`p.id IN (SELECT s.party_id FROM party_search_fts f JOIN party_search s ON s.docid = f.rowid
		WHERE party_search_fts MATCH $? AND s.org_id = $1)`, strings.Join(q, " "))
}
