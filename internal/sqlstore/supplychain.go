package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// SupplyChain implements supplychain.Store, the bulk writer the importers
// feed, and the stored risk register.
type SupplyChain struct{ db *DB }

// SupplyChain returns the supply-chain repository.
func (db *DB) SupplyChain() *SupplyChain { return &SupplyChain{db: db} }

var _ supplychain.Store = (*SupplyChain)(nil)

// Batch sizes: PostgreSQL COPYs a batch (see flushPartiesPostgres), whose
// statements cost a few round trips whatever its size, so its batches are
// large; a link batch stays under 32,767 links, since checkParties binds up
// to two ids per link and PostgreSQL takes at most 65,535 parameters.
// SQLite runs in process and writes one row per execution of a prepared
// statement (see flushPartiesSQLite): statements of several rows bound by
// position measured no faster (the engine's own B-tree work is most of a
// row's cost; see the engine floor in BenchmarkImportSQLite), so there the
// sizes only say how much is buffered.
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
		defer w.close()
		if err := fn(w); err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return err
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
// of an Import: by COPY on PostgreSQL, one row per prepared statement
// execution on SQLite (see batchSizes). Parties are always written before
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
	// keysRemoved is set when the import removed register keys of a
	// party it replaced.
	keysRemoved bool
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
		return w.Flush()
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

// Flush writes everything buffered.
func (w *Writer) Flush() error {
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
	var err error
	if w.db.Engine == SQLite {
		err = w.flushPartiesSQLite(ps)
	} else {
		err = w.flushPartiesPostgres(ps)
	}
	if err != nil {
		return err
	}
	w.PartiesWritten += len(ps)
	w.parties = w.parties[:0]
	clear(w.batch)
	return nil
}

// partyArgs are the values of partyColumns for p.
func (w *Writer) partyArgs(args []any, p supplychain.Party) []any {
	return append(args, w.org, p.ID, p.Ref, p.Name, supplychain.NormalKey(p.Name), string(p.Kind), p.Country,
		p.Region, p.Address, nullFloat(p.Lat), nullFloat(p.Lng), p.OSID, p.LEI, p.GLN, p.Workers,
		jsonList(p.Commodities), jsonList(p.UnknownCommodities), jsonMap(p.Attributes), jsonList(p.InferredCommodities), p.InferredFrom)
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
	// update a row twice in one statement); the last link sent wins.
	last := make(map[supplychain.LinkKey]int, len(ls))
	for i, l := range ls {
		last[l.Key()] = i
	}
	if len(last) < len(ls) {
		kept := ls[:0]
		for i, l := range ls {
			if last[l.Key()] == i {
				kept = append(kept, l)
			}
		}
		ls = kept
	}
	if err := w.checkParties(ls); err != nil {
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

// checkParties returns kernel.NotFound naming the first party a link names
// that is not stored in the organisation.
func (w *Writer) checkParties(ls []supplychain.Link) error {
	want := make(map[string]struct{}, 2*len(ls))
	args := []any{w.org}
	for _, l := range ls {
		for _, id := range []string{l.Buyer, l.Supplier} {
			if id == supplychain.Reporting {
				continue
			}
			if _, ok := w.written[id]; ok {
				continue
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

// scanParty reads the columns of partyColumns after org_id.
func scanParty(row interface{ Scan(...any) error }, extra ...any) (supplychain.Party, error) {
	var p supplychain.Party
	var kind, nameKey, comm, unknown, attrs, inferred string
	var lat, lng sql.NullFloat64
	dest := append([]any{&p.ID, &p.Ref, &p.Name, &nameKey, &kind, &p.Country, &p.Region, &p.Address, &lat, &lng,
		&p.OSID, &p.LEI, &p.GLN, &p.Workers, &comm, &unknown, &attrs, &inferred, &p.InferredFrom}, extra...)
	if err := row.Scan(dest...); err != nil {
		return p, err
	}
	p.Kind = supplychain.Kind(kind)
	if lat.Valid && lng.Valid {
		p.Lat, p.Lng = &lat.Float64, &lng.Float64
	}
	if err := decodeList(comm, &p.Commodities); err != nil {
		return p, err
	}
	if err := decodeList(unknown, &p.UnknownCommodities); err != nil {
		return p, err
	}
	if err := decodeList(inferred, &p.InferredCommodities); err != nil {
		return p, err
	}
	if attrs != "{}" && attrs != "" {
		if err := json.Unmarshal([]byte(attrs), &p.Attributes); err != nil {
			return p, fmt.Errorf("party %s attributes: %w", p.ID, err)
		}
	}
	return p, nil
}

func decodeList(s string, out *[]string) error {
	if s == "[]" || s == "" {
		*out = nil
		return nil
	}
	return json.Unmarshal([]byte(s), out)
}

const partySelect = `SELECT p.id, p.ref, p.name, p.name_key, p.kind, p.country, p.region, p.address, p.lat, p.lng,
	p.os_id, p.lei, p.gln, p.workers, p.commodities, p.unknown_commodities, p.attributes, p.inferred_commodities, p.inferred_from`

// GetParty returns one party, or kernel.NotFound.
func (s *SupplyChain) GetParty(ctx context.Context, orgID, id string) (supplychain.Party, error) {
	p, err := scanParty(s.db.read.QueryRowContext(ctx, partySelect+" FROM parties p WHERE p.org_id = $1 AND p.id = $2", orgID, id))
	if err != nil {
		return supplychain.Party{}, classify(err, "party "+id)
	}
	return p, nil
}

// where builds the filter shared by the listing queries: conditions on the
// alias p and their arguments, numbered after orgID ($1).
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, arg any) {
	w.args = append(w.args, arg)
	w.conds = append(w.conds, strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(w.args))))
}

func (w *where) sql() string { return strings.Join(w.conds, " AND ") }

func newWhere(orgID string) *where {
	w := &where{}
	w.add("p.org_id = $?", orgID)
	return w
}

// namePrefix keeps parties whose name key starts with the key of prefix:
// a range of the name-key index.
func (w *where) namePrefix(prefix string) {
	if prefix != "" {
		k := supplychain.NormalKey(prefix)
		w.add("p.name_key >= $?", k)
		w.add("p.name_key < $?", k+prefixEnd)
	}
}

func (w *where) commodity(c string) {
	if c != "" {
		// The list column holds the canonical ids as a JSON array, so the
		// id in quotes matches exactly one element. (The register by
		// exposure filters through the register keys' index instead.)
		w.add(`p.commodities LIKE $? ESCAPE '\'`, `%"`+likeEscaper.Replace(c)+`"%`)
	}
}

// likeEscaper escapes LIKE's wildcards and its escape character.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// prefixEnd is above every string that starts with the prefix it is
// appended to; both engines compare these columns byte by byte.
const prefixEnd = string(utf8.MaxRune)

// ListParties returns one page of parties matching f, ordered by name then
// id, and the number that match.
func (s *SupplyChain) ListParties(ctx context.Context, orgID string, f supplychain.PartyFilter, page kernel.Page) ([]supplychain.Party, int, error) {
	page = page.Normalise()
	w := newWhere(orgID)
	if f.Country != "" {
		w.add("p.country = $?", f.Country)
	}
	if f.Kind != "" {
		w.add("p.kind = $?", string(f.Kind))
	}
	w.commodity(f.Commodity)
	w.namePrefix(f.NamePrefix)
	var total int
	if err := s.db.read.QueryRowContext(ctx, "SELECT count(*) FROM parties p WHERE "+w.sql(), w.args...).Scan(&total); err != nil {
		return nil, 0, classify(err, "parties")
	}
	q := fmt.Sprintf("%s FROM parties p WHERE %s ORDER BY p.name, p.id LIMIT %d OFFSET %d", partySelect, w.sql(), page.Limit, page.Offset)
	rows, err := s.db.read.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, 0, classify(err, "parties")
	}
	defer rows.Close()
	var out []supplychain.Party
	for rows.Next() {
		p, err := scanParty(rows)
		if err != nil {
			return nil, 0, classify(err, "parties")
		}
		out = append(out, p)
	}
	return out, total, classify(rows.Err(), "parties")
}

// PartyLinks returns the links by which parties supply id (suppliers) and
// by which id supplies others (buyers), each ordered by the other party's
// id and the commodity.
func (s *SupplyChain) PartyLinks(ctx context.Context, orgID, id string) (suppliers, buyers []supplychain.Link, err error) {
	if _, err := s.GetParty(ctx, orgID, id); err != nil {
		return nil, nil, err
	}
	suppliers, err = queryLinks(ctx, s.db, "WHERE org_id = $1 AND buyer_id = $2 ORDER BY supplier_id, commodity", orgID, id)
	if err != nil {
		return nil, nil, err
	}
	buyers, err = queryLinks(ctx, s.db, "WHERE org_id = $1 AND supplier_id = $2 ORDER BY buyer_id, commodity", orgID, id)
	return suppliers, buyers, err
}

// queryLinks reads the links that tail (a WHERE and ORDER BY) selects.
func queryLinks(ctx context.Context, db *DB, tail string, args ...any) ([]supplychain.Link, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT buyer_id, supplier_id, commodity, share FROM links "+tail, args...)
	if err != nil {
		return nil, classify(err, "links")
	}
	defer rows.Close()
	var out []supplychain.Link
	for rows.Next() {
		var l supplychain.Link
		var share sql.NullFloat64
		if err := rows.Scan(&l.Buyer, &l.Supplier, &l.Commodity, &share); err != nil {
			return nil, classify(err, "links")
		}
		if share.Valid {
			v := share.Float64
			l.Share = &v
		}
		out = append(out, l)
	}
	return out, classify(rows.Err(), "links")
}

// Graph returns every party of the organisation (ordered by id) with what
// scoring needs, and every link (ordered by buyer, supplier, commodity), for
// a full recompute of tiers and risk.
func (s *SupplyChain) Graph(ctx context.Context, orgID string) ([]supplychain.GraphParty, []supplychain.Link, error) {
	rows, err := s.db.read.QueryContext(ctx, "SELECT id, country, commodities, inferred_commodities FROM parties WHERE org_id = $1 ORDER BY id", orgID)
	if err != nil {
		return nil, nil, classify(err, "parties")
	}
	defer rows.Close()
	var ps []supplychain.GraphParty
	for rows.Next() {
		var p supplychain.GraphParty
		var comm, inferred string
		if err := rows.Scan(&p.ID, &p.Country, &comm, &inferred); err != nil {
			return nil, nil, classify(err, "parties")
		}
		if err := decodeList(comm, &p.Commodities); err != nil {
			return nil, nil, fmt.Errorf("party %s commodities: %w", p.ID, err)
		}
		if err := decodeList(inferred, &p.Inferred); err != nil {
			return nil, nil, fmt.Errorf("party %s inferred commodities: %w", p.ID, err)
		}
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, classify(err, "parties")
	}
	ls, err := queryLinks(ctx, s.db, "WHERE org_id = $1 ORDER BY buyer_id, supplier_id, commodity", orgID)
	return ps, ls, err
}

// SaveRisk stores computed risk for parties of the organisation, in one
// transaction. It reads rs as it writes, so a caller can compute the rows
// one at a time without holding them all; an error from rs rolls back and
// is returned. It returns kernel.NotFound, writing nothing, when a party is
// not stored.
//
// A party whose stored risk is already what rs gives, and whose register
// keys are in place, is left as it is: a recompute after importing the
// same file again, or after a change to a few parties, writes only what
// changed. The register keys mirror the party's risk, country and
// commodities, so they are rewritten whenever the risk changes, and an
// import removes them when a party's country or commodities change.
func (s *SupplyChain) SaveRisk(ctx context.Context, orgID string, rs iter.Seq2[supplychain.PartyRisk, error]) error {
	if err := s.db.tuneWriter(ctx); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := orgExists(ctx, tx, orgID); err != nil {
			return err
		}
		if err := s.db.lockFactorTexts(ctx, tx, orgID); err != nil {
			return err
		}
		dict, err := loadFactorDict(ctx, tx, orgID)
		if err != nil {
			return err
		}
		w := &riskWriter{stmtCache: newStmtCache(ctx, tx), engine: s.db.Engine, org: orgID, dict: dict,
			keys: &keyWriter{stmtCache: newStmtCache(ctx, tx), engine: s.db.Engine, org: orgID}}
		defer w.close()
		// SQLite reads and writes one party per statement: its planner may
		// scan the table for an UPDATE ... FROM, and in process a statement
		// costs no round trip. PostgreSQL gets batches.
		w.size = riskBatch
		if s.db.Engine == SQLite {
			w.size = 1
		}
		batch := make([]supplychain.PartyRisk, 0, w.size)
		for r, err := range rs {
			if err != nil {
				return err
			}
			batch = append(batch, r)
			if len(batch) == w.size {
				if err := w.save(batch); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		if err := w.save(batch); err != nil {
			return err
		}
		if err := w.flush(true); err != nil {
			return err
		}
		if err := rebuildCounts(ctx, tx, orgID); err != nil {
			return err
		}
		return s.db.refreshStats(ctx, tx)
	})
}

// riskWriter compares computed risk with what is stored and writes what
// differs, in batches of size.
type riskWriter struct {
	stmtCache
	engine Engine
	org    string
	size   int
	keys   *keyWriter
	// dict numbers the texts of the factors written (see factors.go).
	dict *factorDict
	// updates are parties whose risk changed, with their factors encoded;
	// rekey are parties whose register keys are to be written again.
	updates []riskUpdateRow
	rekey   []supplychain.PartyRisk
}

type riskUpdateRow struct {
	supplychain.PartyRisk
	factors, missing string
}

func (w *riskWriter) close() {
	w.stmtCache.close()
	w.keys.close()
}

// storedRisk is a party's risk as stored, and whether its register keys
// are in place.
type storedRisk struct {
	tier                             int
	inherent, signals, own, exposure float64
	level, factors, missing          string
	confidence                       float64
	keyed                            bool
}

// save compares a batch with the stored rows and queues what differs.
func (w *riskWriter) save(batch []supplychain.PartyRisk) error {
	if len(batch) == 0 {
		return nil
	}
	if w.engine == SQLite {
		for _, r := range batch {
			if err := w.saveOne(r); err != nil {
				return err
			}
		}
		return w.flush(false)
	}
	stored, err := w.read(batch)
	if err != nil {
		return err
	}
	for _, r := range batch {
		old, ok := stored[r.ID]
		if !ok {
			return notStored(r.ID)
		}
		factors, err := w.encodeFactors(r)
		if err != nil {
			return err
		}
		missing := jsonList(r.Missing)
		same := old.tier == r.Tier && old.inherent == r.Inherent && old.signals == r.Signals && old.own == r.Own &&
			old.exposure == r.Exposure && old.level == r.Level && old.factors == factors &&
			old.confidence == r.Confidence && old.missing == missing
		if !same {
			w.updates = append(w.updates, riskUpdateRow{PartyRisk: r, factors: factors, missing: missing})
		}
		if !same || !old.keyed {
			w.rekey = append(w.rekey, r)
		}
	}
	return w.flush(false)
}

// saveOne is save on SQLite, where a statement costs no round trip: the
// update itself compares, so a changed score (every score of a first
// recompute) costs one statement, and only a party it left alone is read,
// to tell an unchanged party from one that is not stored and to see that
// its register keys are in place.
func (w *riskWriter) saveOne(r supplychain.PartyRisk) error {
	factors, err := w.encodeFactors(r)
	if err != nil {
		return err
	}
	update, err := w.stmt(`UPDATE parties SET tier = $3, inherent = $4, signals = $5, own = $6, exposure = $7, level = $8,
		factors = $9, confidence = $10, missing = $11 WHERE org_id = $1 AND id = $2 AND (tier IS NOT $3 OR inherent IS NOT $4
		OR signals IS NOT $5 OR own IS NOT $6 OR exposure IS NOT $7 OR level IS NOT $8 OR factors IS NOT $9
		OR confidence IS NOT $10 OR missing IS NOT $11)`)
	if err != nil {
		return err
	}
	res, err := update.ExecContext(w.ctx, w.org, r.ID, r.Tier, r.Inherent, r.Signals, r.Own, r.Exposure, r.Level, factors,
		r.Confidence, jsonList(r.Missing))
	if err != nil {
		return classify(err, "party risk")
	}
	if n, err := res.RowsAffected(); err == nil && n == 1 {
		w.rekey = append(w.rekey, r)
		return nil
	}
	stored, err := w.read([]supplychain.PartyRisk{r})
	if err != nil {
		return err
	}
	old, ok := stored[r.ID]
	if !ok {
		return notStored(r.ID)
	}
	if !old.keyed {
		w.rekey = append(w.rekey, r)
	}
	return nil
}

func notStored(id string) error {
	return kernel.Errorf(kernel.NotFound, "risk given for party %q, which is not stored in this organisation", id)
}

// encodeFactors returns the stored form of r's factors, storing the texts
// new to the organisation.
func (w *riskWriter) encodeFactors(r supplychain.PartyRisk) (string, error) {
	var storeErr error
	f, err := w.dict.encode(r.Factors, func(id int64, text string) error {
		st, err := w.stmt("INSERT INTO factor_texts (org_id, id, text) VALUES ($1, $2, $3)")
		if err == nil {
			_, err = st.ExecContext(w.ctx, w.org, id, text)
		}
		storeErr = classify(err, "factor texts")
		return storeErr
	})
	switch {
	case storeErr != nil:
		return "", storeErr
	case err != nil:
		return "", kernel.Wrap(kernel.Invalid, err, "party %s factors", r.ID)
	}
	return f, nil
}

// read returns the stored risk of the batch's parties that are stored.
func (w *riskWriter) read(batch []supplychain.PartyRisk) (map[string]storedRisk, error) {
	args := make([]any, 0, 1+len(batch))
	args = append(args, w.org)
	for _, r := range batch {
		args = append(args, r.ID)
	}
	st, err := w.stmt(`SELECT p.id, p.tier, p.inherent, p.signals, p.own, p.exposure, p.level, p.factors, p.confidence, p.missing,
		EXISTS (SELECT 1 FROM register_keys k WHERE k.party_id = p.id AND k.org_id = p.org_id AND k.commodity = '')
		FROM parties p WHERE p.org_id = $1 AND p.id IN (` + inList(len(batch), 2) + `)`)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(w.ctx, args...)
	if err != nil {
		return nil, classify(err, "party risk")
	}
	defer rows.Close()
	out := make(map[string]storedRisk, len(batch))
	for rows.Next() {
		var id string
		var s storedRisk
		if err := rows.Scan(&id, &s.tier, &s.inherent, &s.signals, &s.own, &s.exposure, &s.level, &s.factors, &s.confidence, &s.missing, &s.keyed); err != nil {
			return nil, classify(err, "party risk")
		}
		out[id] = s
	}
	return out, classify(rows.Err(), "party risk")
}

// flush writes the queued updates and register keys in full batches,
// and with final what is left too, so that the statements are the same
// text from batch to batch.
func (w *riskWriter) flush(final bool) error {
	us := w.updates
	for len(us) >= w.size || (final && len(us) > 0) {
		n := min(len(us), w.size)
		st, err := w.stmt(riskUpdate(n))
		if err != nil {
			return err
		}
		args := make([]any, 0, 1+10*n)
		args = append(args, w.org)
		for _, r := range us[:n] {
			args = append(args, r.ID, r.Tier, r.Inherent, r.Signals, r.Own, r.Exposure, r.Level, r.factors, r.Confidence, r.missing)
		}
		if _, err := st.ExecContext(w.ctx, args...); err != nil {
			return classify(err, "party risk")
		}
		us = us[n:]
	}
	w.updates = append(w.updates[:0], us...)
	ks := w.rekey
	for len(ks) >= w.size || (final && len(ks) > 0) {
		n := min(len(ks), w.size)
		if err := w.keys.write(ks[:n]); err != nil {
			return err
		}
		ks = ks[n:]
	}
	w.rekey = append(w.rekey[:0], ks...)
	return nil
}

// refreshStats gives the planner fresh statistics on the supply-chain
// tables after their contents changed, inside the transaction that changed
// them (both engines' ANALYZE sees its own transaction's rows). Without
// them a planner that last saw an organisation with a few parties walks
// all of its rows to find each batch it updates, which after a large first
// import makes the recompute quadratic. SQLite samples a bounded number of
// rows, so it stays quick on large tables.
func (db *DB) refreshStats(ctx context.Context, tx *sql.Tx) error {
	qs := []string{"ANALYZE parties", "ANALYZE links", "ANALYZE register_keys"}
	if db.Engine == SQLite {
		qs = append([]string{"PRAGMA analysis_limit = 1000"}, qs...)
	}
	for _, q := range qs {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// RiskRows turns a slice into what SaveRisk reads.
func RiskRows(rs []supplychain.PartyRisk) iter.Seq2[supplychain.PartyRisk, error] {
	return func(yield func(supplychain.PartyRisk, error) bool) {
		for _, r := range rs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// rebuildCounts recounts the organisation's register by every combination
// of its filters, from the scored register keys.
func rebuildCounts(ctx context.Context, tx *sql.Tx, orgID string) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM register_counts WHERE org_id = $1", orgID); err != nil {
		return classify(err, "register counts")
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO register_counts (org_id, commodity, country, tier, level, parties)
		SELECT org_id, commodity, country, tier, level, count(*) FROM register_keys WHERE org_id = $1 AND level <> ''
		GROUP BY org_id, commodity, country, tier, level`, orgID)
	return classify(err, "register counts")
}

// keyWriter replaces the register keys of parties whose risk is saved:
// one row under the empty commodity and one per canonical commodity, carrying
// country, tier, level and exposure for the register's indexes.
type keyWriter struct {
	stmtCache
	engine Engine
	org    string
	args   []any
}

func (k *keyWriter) write(rs []supplychain.PartyRisk) error {
	ids := make([]any, 0, 1+len(rs))
	ids = append(ids, k.org)
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	del, err := k.stmt(`DELETE FROM register_keys WHERE org_id = $1 AND party_id IN (` + inList(len(rs), 2) + `)`)
	if err != nil {
		return err
	}
	if _, err := del.ExecContext(k.ctx, ids...); err != nil {
		return classify(err, "register keys")
	}
	k.args = k.args[:0]
	for _, r := range rs {
		country, comm := r.Country, r.Commodities
		if country == "" && comm == nil {
			// Risk saved without the party's place in the register: read
			// it from the party.
			var raw string
			err := k.tx.QueryRowContext(k.ctx, "SELECT country, commodities FROM parties WHERE org_id = $1 AND id = $2", k.org, r.ID).Scan(&country, &raw)
			if err != nil {
				return classify(err, "party "+r.ID)
			}
			if err := decodeList(raw, &comm); err != nil {
				return fmt.Errorf("party %s commodities: %w", r.ID, err)
			}
		}
		k.args = append(k.args, k.org, r.ID, "", country, r.Tier, r.Level, r.Exposure)
		for i, c := range comm {
			if c != "" && !containsBefore(comm, i, c) {
				k.args = append(k.args, k.org, r.ID, c, country, r.Tier, r.Level, r.Exposure)
			}
		}
	}
	// SQLite writes one row per execution (see batchSizes); PostgreSQL a
	// batch per statement.
	per := len(k.args) / 7
	if k.engine == SQLite {
		per = 1
	}
	for args := k.args; len(args) > 0; args = args[7*per:] {
		per = min(per, len(args)/7)
		ins, err := k.stmt(`INSERT INTO register_keys (org_id, party_id, commodity, country, tier, level, exposure) VALUES ` + valuesList(per, 7, 1))
		if err != nil {
			return err
		}
		if _, err := ins.ExecContext(k.ctx, args[:7*per]...); err != nil {
			return classify(err, "register keys")
		}
	}
	return nil
}

// riskUpdate updates n parties from one VALUES list (PostgreSQL; SQLite
// updates one party per statement, see saveOne); the casts give
// PostgreSQL the column types it cannot infer from bare parameters.
func riskUpdate(n int) string {
	var b strings.Builder
	b.WriteString("WITH v (id, tier, inherent, signals, own, exposure, level, factors, confidence, missing) AS (VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		k := 2 + 10*i
		fmt.Fprintf(&b, "(CAST($%d AS TEXT), CAST($%d AS INTEGER), CAST($%d AS DOUBLE PRECISION), CAST($%d AS DOUBLE PRECISION), CAST($%d AS DOUBLE PRECISION), CAST($%d AS DOUBLE PRECISION), CAST($%d AS TEXT), CAST($%d AS TEXT), CAST($%d AS DOUBLE PRECISION), CAST($%d AS TEXT))",
			k, k+1, k+2, k+3, k+4, k+5, k+6, k+7, k+8, k+9)
	}
	b.WriteString(`) UPDATE parties SET tier = v.tier, inherent = v.inherent, signals = v.signals, own = v.own,
		exposure = v.exposure, level = v.level, factors = v.factors, confidence = v.confidence, missing = v.missing
		FROM v WHERE parties.org_id = $1 AND parties.id = v.id`)
	return b.String()
}

// Register returns one page of the organisation's risk register and the
// number of parties that match. Ties are broken by id, so pages never
// overlap.
//
// Once the organisation's risk has been computed, the register by
// exposure is read from the register keys' indexes and the total from the
// register counts, both written by SaveRisk, so neither grows with the
// organisation; parties imported since wait for the next recompute. Before
// any recompute, sorted by name, or searched by name, the register reads
// the parties table: a name search is a range of the name-key index,
// counted over its matches, and lists parties not yet scored as well.
func (s *SupplyChain) Register(ctx context.Context, orgID string, f supplychain.RegisterFilter, sortBy supplychain.RegisterSort, page kernel.Page) ([]supplychain.RegisterEntry, int, error) {
	page = page.Normalise()
	switch sortBy {
	case supplychain.SortExposure, "", supplychain.SortName:
	default:
		return nil, 0, kernel.Errorf(kernel.Invalid, "sort %q: use exposure or name", sortBy)
	}
	var total int
	counted := false
	if f.NamePrefix == "" {
		var err error
		if total, counted, err = s.registerCount(ctx, orgID, f); err != nil {
			return nil, 0, err
		}
	}
	var q string
	var args []any
	if counted && sortBy != supplychain.SortName {
		// The page is chosen from one index of the register keys (the
		// planner picks the one that matches the filters), and only its
		// rows are read from the parties table.
		k := &where{}
		k.add("k.org_id = $?", orgID)
		k.add("k.commodity = $?", f.Commodity)
		k.conds = append(k.conds, "k.level <> ''")
		if f.Country != "" {
			k.add("k.country = $?", f.Country)
		}
		if f.Tier != 0 {
			k.add("k.tier = $?", f.Tier)
		}
		if f.Level != "" {
			k.add("k.level = $?", f.Level)
		}
		q = fmt.Sprintf(`WITH page AS (SELECT k.party_id, k.exposure FROM register_keys k WHERE %s
			ORDER BY k.exposure DESC, k.party_id LIMIT %d OFFSET %d)
			%s, p.tier, p.inherent, p.signals, p.own, p.exposure, p.level, p.factors, p.confidence, p.missing
			FROM page JOIN parties p ON p.org_id = $1 AND p.id = page.party_id
			ORDER BY page.exposure DESC, page.party_id`, k.sql(), page.Limit, page.Offset, partySelect)
		args = k.args
	} else {
		w := registerWhere(orgID, f)
		if counted {
			// The total counts scored parties only; so does the page.
			w.conds = append(w.conds, "p.level <> ''")
		} else {
			if err := s.db.read.QueryRowContext(ctx, "SELECT count(*) FROM parties p WHERE "+w.sql(), w.args...).Scan(&total); err != nil {
				return nil, 0, classify(err, "register")
			}
		}
		order := "p.exposure DESC, p.id"
		if sortBy == supplychain.SortName {
			order = "p.name, p.id"
		}
		q = fmt.Sprintf("%s, p.tier, p.inherent, p.signals, p.own, p.exposure, p.level, p.factors, p.confidence, p.missing FROM parties p WHERE %s ORDER BY %s LIMIT %d OFFSET %d",
			partySelect, w.sql(), order, page.Limit, page.Offset)
		args = w.args
	}
	rows, err := s.db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, classify(err, "register")
	}
	defer rows.Close()
	var out []supplychain.RegisterEntry
	fr := &factorReader{ctx: ctx, q: s.db.read, org: orgID}
	for rows.Next() {
		var e supplychain.RegisterEntry
		var factors, missing string
		e.Party, err = scanParty(rows, &e.Risk.Tier, &e.Risk.Inherent, &e.Risk.Signals, &e.Risk.Own, &e.Risk.Exposure, &e.Risk.Level, &factors,
			&e.Risk.Confidence, &missing)
		if err != nil {
			return nil, 0, classify(err, "register")
		}
		if err := decodeList(missing, &e.Risk.Missing); err != nil {
			return nil, 0, fmt.Errorf("party %s missing: %w", e.Party.ID, err)
		}
		e.Risk.ID = e.Party.ID
		if e.Risk.Factors, err = fr.decode(factors); err != nil {
			return nil, 0, fmt.Errorf("party %s factors: %w", e.Party.ID, err)
		}
		out = append(out, e)
	}
	return out, total, classify(rows.Err(), "register")
}

// registerWhere filters the parties table by f.
func registerWhere(orgID string, f supplychain.RegisterFilter) *where {
	w := newWhere(orgID)
	if f.Country != "" {
		w.add("p.country = $?", f.Country)
	}
	if f.Tier != 0 {
		w.add("p.tier = $?", f.Tier)
	}
	if f.Level != "" {
		w.add("p.level = $?", f.Level)
	}
	w.commodity(f.Commodity)
	w.namePrefix(f.NamePrefix)
	return w
}

// registerCount returns the number of scored parties matching f from the
// register counts, and false when the organisation has none (its risk was
// never computed, or it has no parties).
func (s *SupplyChain) registerCount(ctx context.Context, orgID string, f supplychain.RegisterFilter) (int, bool, error) {
	w := &where{}
	w.add("org_id = $?", orgID)
	w.add("commodity = $?", f.Commodity)
	if f.Country != "" {
		w.add("country = $?", f.Country)
	}
	if f.Tier != 0 {
		w.add("tier = $?", f.Tier)
	}
	if f.Level != "" {
		w.add("level = $?", f.Level)
	}
	var some int
	var total sql.NullInt64
	err := s.db.read.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM (SELECT 1 FROM register_counts WHERE org_id = $1 AND commodity = '' LIMIT 1) x),
		(SELECT CAST(sum(parties) AS BIGINT) FROM register_counts WHERE `+w.sql()+`)`, w.args...).Scan(&some, &total)
	if err != nil {
		return 0, false, classify(err, "register counts")
	}
	return int(total.Int64), some > 0, nil
}

// PendingRecomputes returns the organisations whose stored risk a
// migration marked as computed under an older method, ordered by id.
func (s *SupplyChain) PendingRecomputes(ctx context.Context) ([]string, error) {
	rows, err := s.db.read.QueryContext(ctx, "SELECT org_id FROM risk_recompute ORDER BY org_id")
	if err != nil {
		return nil, classify(err, "pending recomputes")
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, classify(err, "pending recomputes")
		}
		ids = append(ids, id)
	}
	return ids, classify(rows.Err(), "pending recomputes")
}

// RecomputeDone removes an organisation from the pending recomputes once
// its risk has been computed again.
func (s *SupplyChain) RecomputeDone(ctx context.Context, orgID string) error {
	_, err := s.db.write.ExecContext(ctx, "DELETE FROM risk_recompute WHERE org_id = $1", orgID)
	return classify(err, "pending recomputes")
}
