package sqlstore

import (
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// flushPartiesSQLite writes the buffered parties one row per statement
// execution. A new party is one insert; only a party stored before is
// updated and has its register keys removed (the recompute writes them).
func (w *Writer) flushPartiesSQLite(ps []supplychain.Party) error {
	insert, err := w.stmt(`INSERT INTO parties (` + partyColumns + `) VALUES ` + valuesList(1, partyColumnCount, 1) + `
		ON CONFLICT (org_id, id) DO NOTHING`)
	if err != nil {
		return err
	}
	args := make([]any, 0, partyColumnCount)
	for _, p := range ps {
		args = w.partyArgs(args[:0], p)
		res, err := insert.ExecContext(w.ctx, args...)
		if err != nil {
			return classify(err, "parties")
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err := w.replaceParty(args); err != nil {
				return err
			}
		}
	}
	return nil
}

// replaceParty updates a stored party from args (partyArgs) and removes
// its register keys.
func (w *Writer) replaceParty(args []any) error {
	update, err := w.stmt(`UPDATE parties SET ref = $3, name = $4, name_key = $5, kind = $6, country = $7, region = $8,
		address = $9, lat = $10, lng = $11, os_id = $12, lei = $13, gln = $14, workers = $15, commodities = $16,
		unknown_commodities = $17, attributes = $18 WHERE org_id = $1 AND id = $2`)
	if err != nil {
		return err
	}
	if _, err := update.ExecContext(w.ctx, args...); err != nil {
		return classify(err, "parties")
	}
	del, err := w.stmt(`DELETE FROM register_keys WHERE org_id = $1 AND party_id = $2`)
	if err != nil {
		return err
	}
	_, err = del.ExecContext(w.ctx, args[0], args[1])
	return classify(err, "register keys")
}

// flushLinksSQLite upserts links one row per statement execution.
func (w *Writer) flushLinksSQLite(ls []supplychain.Link) error {
	upsert, err := w.stmt(`INSERT INTO links (org_id, buyer_id, supplier_id, commodity, share) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (org_id, buyer_id, supplier_id, commodity) DO UPDATE SET share = excluded.share`)
	if err != nil {
		return err
	}
	for _, l := range ls {
		if _, err := upsert.ExecContext(w.ctx, w.org, l.Buyer, l.Supplier, l.Commodity, nullFloat(l.Share)); err != nil {
			return classify(err, "links")
		}
	}
	return nil
}
