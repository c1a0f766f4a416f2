package sqlstore

import (
	"fmt"

	"github.com/upstream-platform/upstream/internal/supplychain"
)

// Bulk indexing on SQLite. Writing a row into a B-tree index in key order
// costs the engine a descent and usually a page split somewhere in the
// middle of the tree; building the same index afterwards with CREATE INDEX
// sorts the keys once and fills the pages in order, several times cheaper
// per row. So an import that writes at least as many rows as the tables
// held before it started drops the non-unique indexes of parties and links
// while it writes, and builds them again when it flushes (Flush), before
// anything reads by them: the matcher, merges, the register. Unique
// indexes, which decide conflicts, are never dropped. Everything happens
// in the import's transaction, so a failed import rolls the indexes back
// with its rows; readers on other connections see the indexes of the last
// committed state throughout.

// bulkFrom is how many rows an import writes before it considers dropping
// the indexes; a smaller import is cheaper with them kept.
const bulkFrom = 4096

// bulkTables are the tables whose secondary indexes an import may build
// afterwards.
var bulkTables = []string{"parties", "links"}

// bulkIndexes is an import's state of the bulk path.
type bulkIndexes struct {
	// nextCheck is the number of rows written at which the stored rows are
	// counted again (it doubles each time, so counting stays cheap).
	nextCheck int
	// dropped are the CREATE INDEX statements of the indexes dropped, to
	// run again at the next Flush.
	dropped []string
}

// maybeDropIndexes drops the secondary indexes of parties and links when
// this import has written at least as many rows as were stored before it.
func (w *Writer) maybeDropIndexes() error {
	if w.db.Engine != SQLite || w.bulk.dropped != nil {
		return nil
	}
	written := w.PartiesWritten + w.LinksWritten
	if w.bulk.nextCheck == 0 {
		w.bulk.nextCheck = bulkFrom
	}
	if written < w.bulk.nextCheck {
		return nil
	}
	w.bulk.nextCheck = 2 * written
	// The tables hold what was stored before plus what this import
	// wrote; counting stops as soon as the answer is known.
	var stored int
	if err := w.tx.QueryRowContext(w.ctx, `SELECT (SELECT count(*) FROM (SELECT 1 FROM parties LIMIT $1))
		+ (SELECT count(*) FROM (SELECT 1 FROM links LIMIT $1))`, 2*written+1).Scan(&stored); err != nil {
		return classify(err, "row count")
	}
	if stored+w.stage.parties.n+w.stage.links.n > 2*written { // staged rows are not in the tables yet
		return nil
	}
	var dropped []string
	for _, table := range bulkTables {
		defs, err := w.secondaryIndexes(table)
		if err != nil {
			return err
		}
		for name, def := range defs {
			if _, err := w.tx.ExecContext(w.ctx, `DROP INDEX "`+name+`"`); err != nil {
				return fmt.Errorf("bulk import: drop index %s: %w", name, err)
			}
			dropped = append(dropped, def)
		}
	}
	w.bulk.dropped = dropped
	if dropped == nil {
		w.bulk.dropped = []string{} // nothing to drop: decided all the same
	}
	return nil
}

// secondaryIndexes returns the CREATE INDEX statement of every index made
// by CREATE INDEX on table that is not unique, by name.
func (w *Writer) secondaryIndexes(table string) (map[string]string, error) {
	rows, err := w.tx.QueryContext(w.ctx, `SELECT m.name, m.sql FROM sqlite_schema m, pragma_index_list($1) l
		WHERE m.type = 'index' AND m.tbl_name = $1 AND m.name = l.name AND l."unique" = 0 AND l.origin = 'c' AND m.sql IS NOT NULL`, table)
	if err != nil {
		return nil, classify(err, "indexes of "+table)
	}
	defer rows.Close()
	defs := map[string]string{}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return nil, classify(err, "indexes of "+table)
		}
		defs[name] = def
	}
	return defs, classify(rows.Err(), "indexes of "+table)
}

// restoreIndexes builds again the indexes the import dropped.
func (w *Writer) restoreIndexes() error {
	for len(w.bulk.dropped) > 0 {
		def := w.bulk.dropped[0]
		if _, err := w.tx.ExecContext(w.ctx, def); err != nil {
			return fmt.Errorf("bulk import: %s: %w", def, err)
		}
		w.bulk.dropped = w.bulk.dropped[1:]
	}
	w.bulk.dropped = nil
	return nil
}

// Staged rows on SQLite. An import keeps its parties and links in memory
// and writes them when it flushes, by one INSERT ... SELECT per table
// that reads them, sorted by key in Go, from a feed table (rowfeed.go).
// Rows arrive in file order and their keys (hashed ids) are spread over
// the whole of each tree, so writing each row where it belongs touches
// another page every time; in key order one statement fills the pages one
// after the other, as SQLite's own bulk copy does, and SQLite needs
// neither a statement per row nor a sorter. Until a flush, parties staged
// are known to the import by their ids (Writer.written), never read from
// the tables.

// stageLimit is how many rows the stage holds before they are written
// (a few hundred bytes of memory each).
const stageLimit = 1 << 20

// stagedRows is an import's state of the stage.
type stagedRows struct {
	open bool // the feed tables are declared on the writer connection
	// parties and links are staged and not yet written, in the order
	// they came.
	parties chunks[supplychain.Party]
	links   chunks[supplychain.Link]
}

// openStage declares the feed tables on first use in an import.
func (w *Writer) openStage() error {
	if w.stage.open {
		return nil
	}
	for _, q := range []string{
		feedTableSQL("feed_parties", 1, partyColumnNames[1:]...),
		feedTableSQL("feed_links", 3, "buyer_id", "supplier_id", "commodity", "share"),
		feedTableSQL("feed_search", 1, "id", "words"),
	} {
		if _, err := w.tx.ExecContext(w.ctx, q); err != nil {
			return fmt.Errorf("stage rows: %w", err)
		}
	}
	w.stage.open = true
	return nil
}

// stageFull writes the staged rows, and the search words kept, when the
// stage holds stageLimit.
func (w *Writer) stageFull() error {
	limit := stageLimit
	if w.db.stageLimit > 0 {
		limit = w.db.stageLimit
	}
	if w.stage.parties.n+w.stage.links.n < limit {
		return nil
	}
	return w.writeStaged()
}

// writeStaged writes every staged row, parties first, then the search
// words kept (party_search.go). The links and the words are put in key
// order on a goroutine of their own while SQLite writes the parties: the
// sorts are Go's work and the writes SQLite's, which can run on two cores.
func (w *Writer) writeStaged() error {
	if w.db.Engine != SQLite {
		return nil
	}
	type sorted struct {
		links      linkRows
		ids, words []string
	}
	done := make(chan sorted, 1)
	go func() {
		var s sorted
		s.links = w.stagedLinks()
		s.ids, s.words = w.search.sorted()
		done <- s
	}()
	err := w.writeStagedParties()
	s := <-done
	if err != nil {
		return err
	}
	if err := w.writeStagedLinks(s.links); err != nil {
		return err
	}
	return w.feedSearchWords(s.ids, s.words)
}

// closeStage drops the feed tables at the end of a successful import,
// once everything staged is written.
func (w *Writer) closeStage() error {
	if !w.stage.open {
		return nil
	}
	for _, q := range []string{`DROP TABLE temp.feed_parties`, `DROP TABLE temp.feed_links`, `DROP TABLE temp.feed_search`} {
		if _, err := w.tx.ExecContext(w.ctx, q); err != nil {
			return fmt.Errorf("stage rows: %w", err)
		}
	}
	w.stage.open = false
	return nil
}

// close closes the statements the Writer prepared.
func (w *Writer) close() {
	w.stmtCache.close()
}
