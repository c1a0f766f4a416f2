package sqlstore

import (
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// flushPartiesSQLite writes the buffered parties one row per statement
// execution. A new party is one insert; only a party stored before is
// updated and has its register keys removed (the recompute writes them).
func (w *Writer) flushPartiesSQLite(ps []supplychain.Party) error {
	insert, err := w.stmt(`INSERT INTO parties (` + partyColumns + `) VALUES ` + valuesList(1, len(partyColumnNames), 1) + `
		ON CONFLICT (org_id, id) DO NOTHING`)
	if err != nil {
		return err
	}
	args := make([]any, 0, len(partyColumnNames))
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

// replaceParty updates a stored party from args (partyArgs) where it
// differs. Its register keys, which carry its country and commodities, are
// removed when either changed (the recompute writes them again); a party
// imported again unchanged is not written at all.
func (w *Writer) replaceParty(args []any) error {
	del, err := w.stmt(`DELETE FROM register_keys WHERE org_id = $1 AND party_id = $2 AND EXISTS (
		SELECT 1 FROM parties WHERE org_id = $1 AND id = $2 AND (country IS NOT $3 OR commodities IS NOT $4))`)
	if err != nil {
		return err
	}
	res, err := del.ExecContext(w.ctx, args[0], args[1], args[6], args[15])
	if err != nil {
		return classify(err, "register keys")
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		w.keysRemoved = true
	}
	update, err := w.stmt(`UPDATE parties SET ref = $3, name = $4, name_key = $5, kind = $6, country = $7, region = $8,
		address = $9, lat = $10, lng = $11, os_id = $12, lei = $13, gln = $14, workers = $15, commodities = $16,
		unknown_commodities = $17, attributes = $18, inferred_commodities = $19, inferred_from = $20
		WHERE org_id = $1 AND id = $2 AND (ref IS NOT $3 OR name IS NOT $4
		OR name_key IS NOT $5 OR kind IS NOT $6 OR country IS NOT $7 OR region IS NOT $8 OR address IS NOT $9
		OR lat IS NOT $10 OR lng IS NOT $11 OR os_id IS NOT $12 OR lei IS NOT $13 OR gln IS NOT $14
		OR workers IS NOT $15 OR commodities IS NOT $16 OR unknown_commodities IS NOT $17 OR attributes IS NOT $18
		OR inferred_commodities IS NOT $19 OR inferred_from IS NOT $20)`)
	if err != nil {
		return err
	}
	_, err = update.ExecContext(w.ctx, args...)
	return classify(err, "parties")
}

// flushLinksSQLite upserts links one row per statement execution; a link
// stored with the same share is not written again.
func (w *Writer) flushLinksSQLite(ls []supplychain.Link) error {
	upsert, err := w.stmt(`INSERT INTO links (org_id, buyer_id, supplier_id, commodity, share) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (org_id, buyer_id, supplier_id, commodity) DO UPDATE SET share = excluded.share
			WHERE links.share IS NOT excluded.share`)
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
