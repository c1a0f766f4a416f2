package sqlstore

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/upstream-platform/upstream/internal/supplychain"
)

// On PostgreSQL an import COPYs its batches: binary COPY has no statement
// text or parameter per value, so a batch can be thousands of rows, and
// the COPY runs in the import's transaction on its connection. A batch
// goes
//
//   - into an organisation that had no parties when the import began,
//     straight into the stored table, in a savepoint: COPY cannot update a
//     row, so a batch repeating a key that an earlier batch of the import
//     wrote fails there, is undone, and the import goes on as below;
//   - otherwise into a temporary table, from which one INSERT ... SELECT
//     ... ON CONFLICT upserts it into the stored table. Stored rows equal
//     to the ones sent are left alone, so that importing a file again
//     writes little.
//
// The temporary tables are dropped when the transaction ends, committed or
// rolled back, so a failed import leaves nothing behind.

// pgBulk is what the PostgreSQL path keeps between batches of an import.
type pgBulk struct {
	// checked says that fresh has been set, at the import's first batch;
	// fresh, that batches go straight into the stored tables.
	checked, fresh bool
	// direct counts the batches written straight into the stored tables.
	direct int
	// partiesStaged and linksStaged say that this transaction created the
	// temporary table.
	partiesStaged, linksStaged bool
	// ids are the batch's party ids, at maps each to its position in the
	// batch, and moved holds those whose stored country or commodities
	// differ from the ones sent.
	ids, moved []string
	at         map[string]int
	// row holds the values of the row being copied; reused.
	row []any
}

// pgDirectBatches bounds the batches an import writes straight into the
// stored tables. Each savepoint that writes is a subtransaction with an id
// of its own, and a server process keeps the ids of only 64 of them in
// shared memory; past that, every other session's snapshot is marked as
// overflowed and its visibility checks read pg_subtrans until the import
// ends. The batches after these go through the temporary tables.
const pgDirectBatches = 48

const (
	pgStagedParties = "import_parties"
	pgStagedLinks   = "import_links"
)

var pgLinkColumns = []string{"org_id", "buyer_id", "supplier_id", "commodity", "share"}

// pgPartyUpsert moves the staged parties into the stored table: a stored
// party takes every column sent (its risk columns stay until the
// recompute), unless they are all equal already.
var pgPartyUpsert = func() string {
	cols := partyColumnNames[2:] // all but the key (org_id, id)
	set := make([]string, len(cols))
	stored := make([]string, len(cols))
	sent := make([]string, len(cols))
	for i, c := range cols {
		set[i] = c + " = excluded." + c
		stored[i] = "parties." + c
		sent[i] = "excluded." + c
	}
	list := strings.Join(partyColumnNames, ", ")
	return `INSERT INTO parties (` + list + `) SELECT ` + list + ` FROM pg_temp.` + pgStagedParties + `
		ON CONFLICT (org_id, id) DO UPDATE SET ` + strings.Join(set, ", ") + `
		WHERE (` + strings.Join(stored, ", ") + `) IS DISTINCT FROM (` + strings.Join(sent, ", ") + `)`
}()

// flushPartiesPostgres writes the buffered parties (no two with the same
// id: Party keeps the last). A stored party takes the columns sent; its
// register keys, which carry its country and commodities, are removed when
// either changed, and the recompute writes them again.
func (w *Writer) flushPartiesPostgres(ps []supplychain.Party) error {
	src := func() *pgRows {
		return &pgRows{n: len(ps), values: func(i int) []any {
			w.pg.row = w.partyArgs(w.pg.row[:0], ps[i])
			return w.pg.row
		}}
	}
	if done, err := w.pgDirect("parties", partyColumnNames, src()); done || err != nil {
		return err
	}
	if err := w.pgFindMoved(ps); err != nil {
		return err
	}
	if err := w.pgStage(&w.pg.partiesStaged, pgStagedParties, "parties INCLUDING DEFAULTS"); err != nil {
		return err
	}
	if err := w.pgCopy(pgx.Identifier{"pg_temp", pgStagedParties}, partyColumnNames, src()); err != nil {
		return fmt.Errorf("copy parties: %w", err)
	}
	upsert, err := w.stmt(pgPartyUpsert)
	if err != nil {
		return err
	}
	if _, err := upsert.ExecContext(w.ctx); err != nil {
		return classify(err, "parties")
	}
	if len(w.pg.moved) == 0 {
		return nil
	}
	del, err := w.stmt(`DELETE FROM register_keys WHERE org_id = $1 AND party_id = ANY($2)`)
	if err != nil {
		return err
	}
	res, err := del.ExecContext(w.ctx, w.org, w.pg.moved)
	if err != nil {
		return classify(err, "register keys")
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		w.keysRemoved = true
	}
	return nil
}

// pgFindMoved sets w.pg.moved to the stored parties of ps whose country or
// commodities differ from those sent. The stored ones are read by the
// batch's ids, bound as one array, so that the plan is a lookup per party
// on the primary key, and compared here: a join with the temporary table,
// which has no statistics, could be planned as a scan of the organisation.
func (w *Writer) pgFindMoved(ps []supplychain.Party) error {
	w.pg.ids, w.pg.moved = w.pg.ids[:0], w.pg.moved[:0]
	if w.pg.at == nil {
		w.pg.at = make(map[string]int, len(ps))
	}
	clear(w.pg.at)
	for i, p := range ps {
		w.pg.ids = append(w.pg.ids, p.ID)
		w.pg.at[p.ID] = i
	}
	rows, err := w.tx.QueryContext(w.ctx, `SELECT id, country, commodities FROM parties WHERE org_id = $1 AND id = ANY($2)`, w.org, w.pg.ids)
	if err != nil {
		return classify(err, "parties")
	}
	defer rows.Close()
	for rows.Next() {
		var id, country, comm string
		if err := rows.Scan(&id, &country, &comm); err != nil {
			return classify(err, "parties")
		}
		if p := ps[w.pg.at[id]]; p.Country != country || jsonList(p.Commodities) != comm {
			w.pg.moved = append(w.pg.moved, id)
		}
	}
	return classify(rows.Err(), "parties")
}

// flushLinksPostgres writes the buffered links (no two with the same key:
// flushLinks keeps the last, and has checked their parties).
func (w *Writer) flushLinksPostgres(ls []supplychain.Link) error {
	src := func() *pgRows {
		return &pgRows{n: len(ls), values: func(i int) []any {
			l := ls[i]
			w.pg.row = append(w.pg.row[:0], w.org, l.Buyer, l.Supplier, l.Commodity, nullFloat(l.Share))
			return w.pg.row
		}}
	}
	if done, err := w.pgDirect("links", pgLinkColumns, src()); done || err != nil {
		return err
	}
	if err := w.pgStage(&w.pg.linksStaged, pgStagedLinks, "links"); err != nil {
		return err
	}
	if err := w.pgCopy(pgx.Identifier{"pg_temp", pgStagedLinks}, pgLinkColumns, src()); err != nil {
		return fmt.Errorf("copy links: %w", err)
	}
	upsert, err := w.stmt(`INSERT INTO links (org_id, buyer_id, supplier_id, commodity, share)
		SELECT org_id, buyer_id, supplier_id, commodity, share FROM pg_temp.` + pgStagedLinks + `
		ON CONFLICT (org_id, buyer_id, supplier_id, commodity) DO UPDATE SET share = excluded.share
		WHERE links.share IS DISTINCT FROM excluded.share`)
	if err != nil {
		return err
	}
	if _, err := upsert.ExecContext(w.ctx); err != nil {
		return classify(err, "links")
	}
	return nil
}

// pgDirect COPYs a batch straight into the stored table while the import
// may (see pgBulk), and reports whether it did. On a repeated key it undoes
// the batch and reports false; the import then goes through the temporary
// tables to its end.
func (w *Writer) pgDirect(table string, columns []string, src *pgRows) (bool, error) {
	if !w.pg.checked {
		// No parties means no links either: a link's supplier is stored.
		err := w.tx.QueryRowContext(w.ctx, "SELECT NOT EXISTS (SELECT 1 FROM parties WHERE org_id = $1)", w.org).Scan(&w.pg.fresh)
		if err != nil {
			return false, classify(err, "parties")
		}
		w.pg.checked = true
	}
	if !w.pg.fresh || w.pg.direct >= pgDirectBatches {
		return false, nil
	}
	if _, err := w.tx.ExecContext(w.ctx, "SAVEPOINT import_batch"); err != nil {
		return false, fmt.Errorf("copy %s: %w", table, err)
	}
	err := w.pgCopy(pgx.Identifier{table}, columns, src)
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &pe) && pe.Code == "23505": // unique violation
		w.pg.fresh = false
		if _, err := w.tx.ExecContext(w.ctx, "ROLLBACK TO SAVEPOINT import_batch"); err != nil {
			return false, fmt.Errorf("copy %s: undo a batch with a repeated key: %w", table, err)
		}
	case err != nil:
		return false, fmt.Errorf("copy %s: %w", table, err)
	default:
		w.pg.direct++
	}
	if _, err := w.tx.ExecContext(w.ctx, "RELEASE SAVEPOINT import_batch"); err != nil {
		return false, fmt.Errorf("copy %s: %w", table, err)
	}
	return w.pg.fresh, nil
}

// pgStage makes a temporary table empty for a batch: it creates it, like
// the table described by like, at the import's first staged batch and
// empties it at the others. LIKE copies no index, so COPY only appends;
// emptying it keeps it within the session's temporary buffers.
func (w *Writer) pgStage(created *bool, table, like string) error {
	q := "TRUNCATE pg_temp." + table
	if !*created {
		q = "CREATE TEMPORARY TABLE " + table + " (LIKE " + like + ") ON COMMIT DROP"
	}
	if _, err := w.tx.ExecContext(w.ctx, q); err != nil {
		return fmt.Errorf("import table %s: %w", table, err)
	}
	*created = true
	return nil
}

// pgCopy COPYs src into table. It reaches pgx beneath database/sql through
// the import's connection, so the COPY runs in the import's transaction.
func (w *Writer) pgCopy(table pgx.Identifier, columns []string, src *pgRows) error {
	return w.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("COPY needs the pgx driver's connection, not %T", dc)
		}
		n, err := c.Conn().CopyFrom(w.ctx, table, columns, src)
		if err != nil {
			return err
		}
		if n != int64(src.n) {
			return fmt.Errorf("%d rows copied of %d", n, src.n)
		}
		return nil
	})
}

// pgRows is a pgx.CopyFromSource over n rows made one at a time, so that a
// batch is never held as rows of boxed values.
type pgRows struct {
	n, i   int
	values func(i int) []any
}

func (r *pgRows) Next() bool {
	if r.i >= r.n {
		return false
	}
	r.i++
	return true
}

func (r *pgRows) Values() ([]any, error) { return r.values(r.i - 1), nil }

func (r *pgRows) Err() error { return nil }
