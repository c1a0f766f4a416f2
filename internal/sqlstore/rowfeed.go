package sqlstore

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"modernc.org/sqlite"
	"modernc.org/sqlite/vtab"
)

// Row feeds on SQLite. A bulk write of rows held in Go memory is cheapest
// as one INSERT ... SELECT whose SELECT reads the rows straight from Go,
// through a virtual table: SQLite then runs one statement for the whole
// set instead of one execution per row, each with its binding, its
// journal bookkeeping and its statement reset. A feed table is a virtual
// table of module rowFeedModule declared on the writer connection with
// the columns it offers, the first few of them its sort key; the rows of
// one statement are registered with the DB's rowFeed, which gives them a
// number, and the statement names that number as the hidden column batch
// (WHERE batch = ?), so that no state is shared between statements,
// imports or databases. Rows registered sorted by the key let SQLite skip
// its sorter for an ORDER BY on the key.

// rowFeedModule is the name of the module on the writer connection.
const rowFeedModule = "upstream_feed"

// rowSet is rows that a feed table reads: Value returns the value of
// column col of row i as the driver takes it (string, int64, float64,
// []byte or nil).
type rowSet interface {
	Len() int
	Value(i, col int) driver.Value
}

// rowFeed holds the row sets registered for statements in progress on
// one database's writer connection; it is the virtual table module.
type rowFeed struct {
	mu   sync.Mutex
	next int64
	sets map[int64]rowSet
}

func newRowFeed() *rowFeed { return &rowFeed{sets: map[int64]rowSet{}} }

// add registers rows and returns their batch number, for WHERE batch =
// ?; the caller removes them once its statement has run.
func (f *rowFeed) add(rows rowSet) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	f.sets[f.next] = rows
	return f.next
}

func (f *rowFeed) remove(batch int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.sets, batch)
}

func (f *rowFeed) rows(batch int64) (rowSet, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	rows, ok := f.sets[batch]
	return rows, ok
}

// feedTableSQL declares a feed table on the temp schema:
// CREATE VIRTUAL TABLE temp.name USING upstream_feed(key, columns...),
// key being how many of the leading columns the rows are sorted by.
func feedTableSQL(name string, key int, columns ...string) string {
	return `CREATE VIRTUAL TABLE IF NOT EXISTS temp.` + name + ` USING ` + rowFeedModule +
		`(` + strconv.Itoa(key) + `, ` + strings.Join(columns, ", ") + `)`
}

// Create declares a feed table; args are the module name, the schema, the
// table name, then the arguments of feedTableSQL.
func (f *rowFeed) Create(ctx vtab.Context, args []string) (vtab.Table, error) {
	if len(args) < 5 {
		return nil, fmt.Errorf("%s: want a key length and at least one column, got %q", rowFeedModule, args[3:])
	}
	key, err := strconv.Atoi(strings.TrimSpace(args[3]))
	cols := args[4:]
	if err != nil || key < 0 || key > len(cols) {
		return nil, fmt.Errorf("%s: key length %q is not a number of columns from 0 to %d", rowFeedModule, args[3], len(cols))
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = strings.TrimSpace(c)
	}
	if err := ctx.Declare(`CREATE TABLE x(` + strings.Join(names, ", ") + `, batch HIDDEN)`); err != nil {
		return nil, fmt.Errorf("%s: %w", rowFeedModule, err)
	}
	return &feedTable{feed: f, columns: len(names), key: key}, nil
}

// Connect is Create: a feed table keeps nothing of its own.
func (f *rowFeed) Connect(ctx vtab.Context, args []string) (vtab.Table, error) {
	return f.Create(ctx, args)
}

// feedTable is one declared feed table.
type feedTable struct {
	feed    *rowFeed
	columns int // the batch column's index
	key     int // leading columns the rows are sorted by
}

// BestIndex takes batch = ? as the one way in, and the ORDER BY when it
// names leading key columns in ascending order.
func (t *feedTable) BestIndex(info *vtab.IndexInfo) error {
	found := false
	for i := range info.Constraints {
		c := &info.Constraints[i]
		if c.Column == t.columns && c.Op == vtab.OpEQ && c.Usable && !found {
			c.ArgIndex, c.Omit, found = 0, true, true
		}
	}
	if !found {
		// A plan without the batch cannot read anything: make it the
		// planner's last choice, and Filter refuses it.
		info.EstimatedCost, info.EstimatedRows, info.IdxNum = 1e30, 1<<40, 0
		return nil
	}
	info.IdxNum, info.EstimatedCost, info.EstimatedRows = 1, 1000, 1000
	consumed := len(info.OrderBy) <= t.key
	for i, o := range info.OrderBy {
		if o.Desc || o.Column != i {
			consumed = false
		}
	}
	info.OrderByConsumed = consumed && len(info.OrderBy) > 0
	return nil
}

func (t *feedTable) Open() (vtab.Cursor, error) { return &feedCursor{table: t}, nil }
func (t *feedTable) Disconnect() error          { return nil }
func (t *feedTable) Destroy() error             { return nil }

// feedCursor reads one registered row set in order.
type feedCursor struct {
	table *feedTable
	rows  rowSet
	n, i  int
}

func (c *feedCursor) Filter(idxNum int, _ string, vals []vtab.Value) error {
	if idxNum != 1 || len(vals) != 1 {
		return fmt.Errorf("%s: a feed table is read only with batch = ?", rowFeedModule)
	}
	batch, ok := vals[0].(int64)
	if !ok {
		return fmt.Errorf("%s: batch %v is not a number", rowFeedModule, vals[0])
	}
	rows, ok := c.table.feed.rows(batch)
	if !ok {
		return fmt.Errorf("%s: no rows registered as batch %d", rowFeedModule, batch)
	}
	c.rows, c.n, c.i = rows, rows.Len(), 0
	return nil
}

func (c *feedCursor) Next() error { c.i++; return nil }
func (c *feedCursor) Eof() bool   { return c.i >= c.n }

func (c *feedCursor) Column(col int) (vtab.Value, error) {
	if col == c.table.columns {
		return nil, nil // batch is only ever a constraint
	}
	return c.rows.Value(c.i, col), nil
}

func (c *feedCursor) Rowid() (int64, error) { return int64(c.i) + 1, nil }
func (c *feedCursor) Close() error          { c.rows = nil; return nil }

// feedConnector opens the writer's connections through a driver of this
// database's own, which carries its row feed: the module is registered on
// that driver alone, never on the driver every sql.Open("sqlite") shares.
type feedConnector struct {
	driver *sqlite.Driver
	dsn    string
}

func (c feedConnector) Connect(context.Context) (driver.Conn, error) { return c.driver.Open(c.dsn) }
func (c feedConnector) Driver() driver.Driver                        { return c.driver }

// newFeedConnector returns a connector for dsn whose connections offer
// feed as the module rowFeedModule.
func newFeedConnector(dsn string, feed *rowFeed) (feedConnector, error) {
	d := &sqlite.Driver{}
	if err := d.RegisterModule(rowFeedModule, feed); err != nil {
		return feedConnector{}, fmt.Errorf("register %s: %w", rowFeedModule, err)
	}
	return feedConnector{driver: d, dsn: dsn}, nil
}
