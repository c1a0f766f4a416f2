package sqlstore

import (
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/upstream-platform/upstream/internal/supplychain"
)

// flushPartiesSQLite stages the buffered parties, one row per statement
// execution; writeStagedParties moves them into parties in key order.
func (w *Writer) flushPartiesSQLite(ps []supplychain.Party) error {
	if err := w.openStage(); err != nil {
		return err
	}
	text := `INSERT INTO temp.import_parties (` + stagedPartyColumns + `) VALUES (?` + strings.Repeat(", ?", len(partyColumnNames)-2) + `)`
	var args []any
	err := w.stageExec(text, len(ps), func(i int, row []driver.NamedValue) []driver.NamedValue {
		args = w.partyArgs(args[:0], ps[i])
		return appendNamed(row, args[1:]...) // all but org_id
	})
	if err != nil {
		return classify(err, "parties")
	}
	w.stage.parties += len(ps)
	return w.stageFull()
}

// stagedPartyColumns are partyColumns without org_id, the columns of the
// staging table of parties.
var stagedPartyColumns = strings.Join(partyColumnNames[1:], ", ")

// writeStagedParties writes the staged parties in key order. A new party
// is inserted; a stored party is updated where it differs, and its
// register keys, which carry its country and commodities, are removed
// when either changed (the recompute writes them again); a party imported
// again unchanged is not written at all. Of a party staged twice, the
// one staged last wins.
func (w *Writer) writeStagedParties() error {
	if w.stage.parties == 0 {
		return nil
	}
	if !w.fresh { // a party stored before may have register keys
		del, err := w.stmt(`DELETE FROM register_keys WHERE org_id = $1 AND party_id IN (SELECT s.id FROM temp.import_parties s
			JOIN parties p ON p.org_id = $1 AND p.id = s.id WHERE p.country IS NOT s.country OR p.commodities IS NOT s.commodities)`)
		if err != nil {
			return err
		}
		res, err := del.ExecContext(w.ctx, w.org)
		if err != nil {
			return classify(err, "register keys")
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			w.keysRemoved = true
		}
	}
	set := make([]string, 0, len(partyColumnNames)-2)
	differs := make([]string, 0, len(partyColumnNames)-2)
	for _, c := range partyColumnNames[2:] {
		set = append(set, c+" = excluded."+c)
		differs = append(differs, "parties."+c+" IS NOT excluded."+c)
	}
	upsert, err := w.stmt(`INSERT INTO parties (` + partyColumns + `) SELECT $1, ` + stagedPartyColumns + `
		FROM temp.import_parties WHERE true ORDER BY id, rowid
		ON CONFLICT (org_id, id) DO UPDATE SET ` + strings.Join(set, ", ") + `
			WHERE ` + strings.Join(differs, " OR "))
	if err != nil {
		return err
	}
	if _, err := upsert.ExecContext(w.ctx, w.org); err != nil {
		return classify(err, "parties")
	}
	if _, err := w.tx.ExecContext(w.ctx, `DELETE FROM temp.import_parties`); err != nil {
		return classify(err, "staged parties")
	}
	w.stage.parties = 0
	return nil
}

// flushLinksSQLite stages links in a temporary table, one row per
// statement execution; writeStaged moves them into links in key order.
func (w *Writer) flushLinksSQLite(ls []supplychain.Link) error {
	if err := w.openStage(); err != nil {
		return err
	}
	err := w.stageExec(`INSERT INTO temp.import_links (buyer_id, supplier_id, commodity, share) VALUES (?, ?, ?, ?)`, len(ls),
		func(i int, row []driver.NamedValue) []driver.NamedValue {
			l := ls[i]
			return appendNamed(row, l.Buyer, l.Supplier, l.Commodity, nullFloat(l.Share))
		})
	if err != nil {
		return classify(err, "links")
	}
	w.stage.links += len(ls)
	return w.stageFull()
}

// writeStagedLinks upserts the staged links in key order, in one
// statement; a link stored with the same share is not written again, and
// of a link staged twice the one staged last wins.
func (w *Writer) writeStagedLinks() error {
	if w.stage.links == 0 {
		return nil
	}
	upsert, err := w.stmt(`INSERT INTO links (org_id, buyer_id, supplier_id, commodity, share)
		SELECT ?, buyer_id, supplier_id, commodity, share FROM temp.import_links WHERE true
		ORDER BY buyer_id, supplier_id, commodity, rowid
		ON CONFLICT (org_id, buyer_id, supplier_id, commodity) DO UPDATE SET share = excluded.share
			WHERE links.share IS NOT excluded.share`)
	if err != nil {
		return err
	}
	if _, err := upsert.ExecContext(w.ctx, w.org); err != nil {
		return classify(err, "links")
	}
	if _, err := w.tx.ExecContext(w.ctx, `DELETE FROM temp.import_links`); err != nil {
		return classify(err, "staged links")
	}
	w.stage.links = 0
	return nil
}

// stageExec runs the staging statement text once for each of n rows, the
// values of row i given by row, through the SQLite driver's own statement:
// rows are staged by the hundred thousand, and database/sql's work around
// each execution (checking and converting every value, locking the
// connection, building a result) cost about as much as the engine's. The
// statement is prepared once per import and runs on the import's
// connection, inside its transaction.
func (w *Writer) stageExec(text string, n int, row func(i int, vals []driver.NamedValue) []driver.NamedValue) error {
	return w.conn.Raw(func(dc any) error {
		st := w.stage.stmts[text]
		if st == nil {
			pc, ok := dc.(driver.ConnPrepareContext)
			if !ok {
				return fmt.Errorf("staging needs a driver that prepares with a context, not %T", dc)
			}
			var err error
			if st, err = pc.PrepareContext(w.ctx, text); err != nil {
				return fmt.Errorf("prepare: %w", err)
			}
			if w.stage.stmts == nil {
				w.stage.stmts = map[string]driver.Stmt{}
			}
			w.stage.stmts[text] = st
		}
		ex, ok := st.(driver.StmtExecContext)
		if !ok {
			return fmt.Errorf("staging needs a driver statement that executes with a context, not %T", st)
		}
		var vals []driver.NamedValue
		for i := range n {
			vals = row(i, vals[:0])
			if _, err := ex.ExecContext(w.ctx, vals); err != nil {
				return err
			}
		}
		return nil
	})
}

// appendNamed appends values as the driver takes them, numbered from 1:
// strings, float64, int64 or nil (an int becomes an int64).
func appendNamed(vals []driver.NamedValue, values ...any) []driver.NamedValue {
	for _, v := range values {
		if i, ok := v.(int); ok {
			v = int64(i)
		}
		vals = append(vals, driver.NamedValue{Ordinal: len(vals) + 1, Value: v})
	}
	return vals
}
