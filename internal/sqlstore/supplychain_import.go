package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// Batch sizes: PostgreSQL COPYs a batch (see flushPartiesPostgres), whose
// statements cost a few round trips whatever its size, so its batches are
// large; a link batch stays under 32,767 links, since checkParties binds up
// to two ids per link and PostgreSQL takes at most 65,535 parameters.
// SQLite runs in process and keeps the rows of every batch in memory,
// writing them in key order, one statement per table, when the import
// flushes (see supplychain_bulk.go), so there the sizes only say how often
// a batch is checked and indexed for search.
func batchSizes(e Engine) (parties, links int) {
	if e == SQLite {
		return 256, 512
	}
	return 10_000, 20_000
}

const riskBatch = 100 // x 8 parameters

// importPragmas give the SQLite writer connection room for a large import:
// a page cache big enough for the indexes being filled (SQLite's default
// is 2 MB, which makes a large import read its own pages back from the
// file), and statement journals in memory rather than in temporary files.
// They stay set on the writer connection, whose work they suit.
var importPragmas = []string{"PRAGMA cache_size = -131072", "PRAGMA temp_store = MEMORY"}

// partyColumnNames are the columns an import writes, in the order of
// partyArgs; partyColumns is the same as an SQL list.
var (
	partyColumnNames = []string{"org_id", "id", "ref", "name", "name_key", "kind", "country", "region", "address", "lat", "lng",
		"os_id", "lei", "gln", "workers", "commodities", "unknown_commodities", "attributes", "inferred_commodities", "inferred_from"}
	partyColumns = strings.Join(partyColumnNames, ", ")
)

// UpsertParties stores parties in one transaction (see supplychain.Store).
func (s *SupplyChain) UpsertParties(ctx context.Context, orgID string, parties []supplychain.Party) error {
	return s.Import(ctx, orgID, func(w supplychain.ImportWriter) error {
		for _, p := range parties {
			if err := w.Party(p); err != nil {
				return err
			}
		}
		return nil
	})
}

// UpsertLinks stores links in one transaction (see supplychain.Store).
func (s *SupplyChain) UpsertLinks(ctx context.Context, orgID string, links []supplychain.Link) error {
	return s.Import(ctx, orgID, func(w supplychain.ImportWriter) error {
		for _, l := range links {
			if err := w.Link(l); err != nil {
				return err
			}
		}
		return nil
	})
}

// Import runs fn with a Writer inside one write transaction: everything fn
// writes is committed when it returns nil and rolled back otherwise, so a
// failed import writes nothing. The Writer has the methods of ingest.Sink.
func (s *SupplyChain) Import(ctx context.Context, orgID string, fn func(w supplychain.ImportWriter) error) error {
	if err := s.db.tuneWriter(ctx); err != nil {
		return err
	}
	return s.db.inConnTx(ctx, func(conn *sql.Conn, tx *sql.Tx) error {
		if err := orgExists(ctx, tx, orgID); err != nil {
			return err
		}
		w := &Writer{stmtCache: newStmtCache(ctx, tx), conn: conn, db: s.db, org: orgID, batch: map[string]int{}, written: map[string]struct{}{}}
		w.partyBatch, w.linkBatch = batchSizes(s.db.Engine)
		if err := w.checkFresh(); err != nil {
			return err
		}
		defer w.close()
		if err := fn(w); err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return err
		}
		if err := w.closeStage(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO risk_recompute (org_id, pending) VALUES ($1, 1)
			ON CONFLICT (org_id) DO UPDATE SET pending = risk_recompute.pending + 1`, orgID); err != nil {
			return classify(err, "recompute mark")
		}
		// The register's totals count register keys: when the import
		// removed some, they are counted again, so that a page and its
		// total agree until the recompute writes the keys again.
		if w.keysRemoved {
			if err := rebuildCounts(ctx, tx, orgID); err != nil {
				return err
			}
		}
		if w.PartiesWritten+w.LinksWritten < bulkImport {
			return nil
		}
		return s.db.refreshStats(ctx, tx)
	})
}

// bulkImport is the number of rows from which an import refreshes the
// planner's statistics (see refreshStats).
const bulkImport = 10_000

func (db *DB) tuneWriter(ctx context.Context) error {
	if db.Engine != SQLite {
		return nil
	}
	for _, p := range importPragmas {
		if _, err := db.write.ExecContext(ctx, p); err != nil {
			return db.describe(err)
		}
	}
	return nil
}

// checkFresh finds out whether the organisation has any party yet.
func (w *Writer) checkFresh() error {
	var stored bool
	if err := w.tx.QueryRowContext(w.ctx, `SELECT EXISTS (SELECT 1 FROM parties WHERE org_id = $1)`, w.org).Scan(&stored); err != nil {
		return classify(err, "parties")
	}
	w.fresh = !stored
	if w.fresh {
		w.facilities = map[string]supplychain.Party{}
	}
	return nil
}

// keepFacilities keeps, in a fresh import, what the matcher reads of each
// facility written; a party written again under another kind is no
// longer a facility.
func (w *Writer) keepFacilities(ps []supplychain.Party) {
	if w.facilities == nil {
		return
	}
	for _, p := range ps {
		if p.Kind != supplychain.KindFacility {
			delete(w.facilities, p.ID)
			continue
		}
		f := supplychain.Party{ID: p.ID, Kind: p.Kind, Name: p.Name, Country: p.Country, Address: p.Address,
			OSID: p.OSID, LEI: p.LEI, GLN: p.GLN}
		if p.Lat != nil && p.Lng != nil { // as Facilities reads them: both or neither
			lat, lng := *p.Lat, *p.Lng
			f.Lat, f.Lng = &lat, &lng
		}
		w.facilities[p.ID] = f
	}
}

func orgExists(ctx context.Context, tx *sql.Tx, orgID string) error {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM orgs WHERE id = $1", orgID).Scan(&n); err != nil {
		return classify(err, "organisation")
	}
	if n == 0 {
		return kernel.Errorf(kernel.NotFound, "organisation %q not found", orgID)
	}
	return nil
}

// Writer buffers parties and links and writes them inside the transaction
// of an Import: by COPY on PostgreSQL; on SQLite kept in memory and
// written in key order at a flush (see batchSizes). Parties are always
// written before
// the links buffered after them, so a link may name a party sent earlier in
// the same import. A row stored already as it is sent is not written again.
type Writer struct {
	stmtCache
	// conn is the connection tx runs on, for engine-specific bulk paths.
	conn    *sql.Conn
	db      *DB
	org     string
	parties []supplychain.Party
	batch   map[string]int // party id -> position in parties, to keep the last of repeats
	// written holds the id of every party this import wrote, so that links
	// naming them need no lookup.
	written map[string]struct{}
	links   []supplychain.Link
	// partyBatch and linkBatch are how many rows are buffered before a
	// flush.
	partyBatch, linkBatch int
	// pg is the PostgreSQL bulk path's state (supplychain_postgres.go).
	pg pgBulk
	// bulk is the SQLite bulk path's state (supplychain_bulk.go).
	bulk bulkIndexes
	// stage holds the SQLite rows staged and not yet written
	// (supplychain_bulk.go).
	stage stagedRows
	// search holds the register search's words of parties stored but not
	// yet indexed (party_search.go).
	search pendingSearch
	// keysRemoved is set when the import removed register keys of a
	// party it replaced.
	keysRemoved bool
	// fresh is set when the organisation had no party when the import
	// began: then no party it writes has register keys, and the import's
	// facilities are all the organisation has.
	fresh bool
	// facilities holds, in a fresh import until a merge, the facilities
	// written, as the matcher reads them (Facilities), so that matching
	// need not read back what the import has just written.
	facilities map[string]supplychain.Party
	// Written counts what reached the database.
	PartiesWritten, LinksWritten int
}

// Party validates p and buffers it, replacing a buffered party with the
// same id.
func (w *Writer) Party(p supplychain.Party) error {
	if err := p.Validate(); err != nil {
		return kernel.Wrap(kernel.Invalid, err, "party %s", p.ID)
	}
	if i, ok := w.batch[p.ID]; ok {
		w.parties[i] = p
		return nil
	}
	w.batch[p.ID] = len(w.parties)
	w.parties = append(w.parties, p)
	if len(w.parties) >= w.partyBatch {
		return w.flushParties()
	}
	return nil
}

// Link validates l and buffers it.
func (w *Writer) Link(l supplychain.Link) error {
	if err := l.Validate(); err != nil {
		return kernel.Wrap(kernel.Invalid, err, "link %s <- %s", l.Buyer, l.Supplier)
	}
	w.links = append(w.links, l)
	if len(w.links) >= w.linkBatch {
		return w.flushBuffered()
	}
	return nil
}

// Known reports whether a party with this id is stored in the organisation
// or buffered in this import; importers use it to accept a buyer named by
// an earlier import.
func (w *Writer) Known(id string) (bool, error) {
	if _, ok := w.batch[id]; ok {
		return true, nil
	}
	if _, ok := w.written[id]; ok {
		return true, nil
	}
	var n int
	err := w.tx.QueryRowContext(w.ctx, "SELECT count(*) FROM parties WHERE org_id = $1 AND id = $2", w.org, id).Scan(&n)
	if err != nil {
		return false, classify(err, "party")
	}
	return n > 0, nil
}

// Flush writes everything buffered and builds again any index the import
// dropped while writing (supplychain_bulk.go). When it returns, every row
// read so far is stored and indexed: this is the one place after which
// what indexes a batch of imported parties may run.
func (w *Writer) Flush() error {
	if err := w.flushBuffered(); err != nil {
		return err
	}
	if err := w.writeStaged(); err != nil {
		return err
	}
	if err := w.restoreIndexes(); err != nil {
		return err
	}
	return w.writeSearch()
}

// flushBuffered writes everything buffered, parties before the links that
// may name them.
func (w *Writer) flushBuffered() error {
	if err := w.flushParties(); err != nil {
		return err
	}
	return w.flushLinks()
}

// stmtCache prepares each statement text once per transaction: a bulk
// write runs the same few texts batch after batch, so the engines parse
// them once.
type stmtCache struct {
	ctx   context.Context
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

func newStmtCache(ctx context.Context, tx *sql.Tx) stmtCache {
	return stmtCache{ctx: ctx, tx: tx, stmts: map[string]*sql.Stmt{}}
}

func (c *stmtCache) stmt(text string) (*sql.Stmt, error) {
	if st, ok := c.stmts[text]; ok {
		return st, nil
	}
	st, err := c.tx.PrepareContext(c.ctx, text)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	c.stmts[text] = st
	return st, nil
}

func (c *stmtCache) close() {
	for _, st := range c.stmts {
		st.Close()
	}
}

// valuesList returns "($1, $2), ($3, $4)" for rows x cols parameters, the
// first taking numbers from first.
func valuesList(rows, cols, first int) string {
	var b strings.Builder
	n := first
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range cols {
			if c > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			n++
		}
		b.WriteByte(')')
	}
	return b.String()
}

// inList returns "$first, ..., $(first+n-1)".
func inList(n, first int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(first + i))
	}
	return b.String()
}

func jsonList(list []string) string {
	if len(list) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(list) // strings always marshal
	return string(b)
}

func jsonMap(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func nullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func (w *Writer) flushParties() error {
	ps := w.parties
	if len(ps) == 0 {
		return nil
	}
	for _, p := range ps {
		w.written[p.ID] = struct{}{}
	}
	w.keepFacilities(ps)
	if err := w.maybeDropIndexes(); err != nil {
		return err
	}
	var err error
	if w.db.Engine == SQLite {
		err = w.flushPartiesSQLite(ps)
	} else {
		err = w.flushPartiesPostgres(ps)
	}
	if err != nil {
		return err
	}
	if err := w.indexSearch(ps); err != nil {
		return err
	}
	w.PartiesWritten += len(ps)
	w.parties = w.parties[:0]
	clear(w.batch)
	return nil
}

// partyArgs are the values of partyColumns for p.
func (w *Writer) partyArgs(args []any, p supplychain.Party) []any {
	args = append(args, w.org)
	for col := range len(partyColumnNames) - 1 {
		args = append(args, partyValue(&p, col))
	}
	return args
}

func containsBefore(list []string, i int, s string) bool {
	for _, v := range list[:i] {
		if v == s {
			return true
		}
	}
	return false
}

func (w *Writer) flushLinks() error {
	ls := w.links
	if len(ls) == 0 {
		return nil
	}
	// One statement must not name a key twice (PostgreSQL refuses to
	// update a row twice in one statement); the last link sent wins. On
	// SQLite the stage keeps the last of repeats when it is written.
	if w.db.Engine != SQLite {
		ls = lastOfEachKey(ls)
	}
	if err := w.checkParties(ls); err != nil {
		return err
	}
	if err := w.maybeDropIndexes(); err != nil {
		return err
	}
	var err error
	if w.db.Engine == SQLite {
		err = w.flushLinksSQLite(ls)
	} else {
		err = w.flushLinksPostgres(ls)
	}
	if err != nil {
		return err
	}
	w.LinksWritten += len(ls)
	w.links = w.links[:0]
	return nil
}

// lastOfEachKey keeps, of links with the same key, the last one.
func lastOfEachKey(ls []supplychain.Link) []supplychain.Link {
	last := make(map[supplychain.LinkKey]int, len(ls))
	for i, l := range ls {
		last[l.Key()] = i
	}
	if len(last) == len(ls) {
		return ls
	}
	kept := ls[:0]
	for i, l := range ls {
		if last[l.Key()] == i {
			kept = append(kept, l)
		}
	}
	return kept
}

// checkParties returns kernel.NotFound naming the first party a link names
// that is not stored in the organisation.
func (w *Writer) checkParties(ls []supplychain.Link) error {
	var want map[string]struct{} // made at the first party not written by this import
	args := []any{w.org}
	for _, l := range ls {
		for _, id := range []string{l.Buyer, l.Supplier} {
			if id == supplychain.Reporting {
				continue
			}
			if _, ok := w.written[id]; ok {
				continue
			}
			if want == nil {
				want = map[string]struct{}{}
			}
			if _, ok := want[id]; !ok {
				want[id] = struct{}{}
				args = append(args, id)
			}
		}
	}
	if len(want) == 0 {
		return nil
	}
	rows, err := w.tx.QueryContext(w.ctx, `SELECT id FROM parties WHERE org_id = $1 AND id IN (`+inList(len(args)-1, 2)+`)`, args...)
	if err != nil {
		return classify(err, "parties")
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return classify(err, "parties")
		}
		delete(want, id)
	}
	if err := rows.Err(); err != nil {
		return classify(err, "parties")
	}
	if len(want) == 0 {
		return nil
	}
	for _, l := range ls {
		if _, missing := want[l.Supplier]; missing {
			return kernel.Errorf(kernel.NotFound, "link %s <- %s: supplier %q is not a stored party", l.Buyer, l.Supplier, l.Supplier)
		}
		if _, missing := want[l.Buyer]; missing {
			return kernel.Errorf(kernel.NotFound, "link %s <- %s: buyer %q is not a stored party", l.Buyer, l.Supplier, l.Buyer)
		}
	}
	return nil
}

func isForeignKey(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY {
		return true
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23503"
}
