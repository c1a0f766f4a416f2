package sqlstore

import (
	"strings"

	"github.com/upstream-platform/upstream/internal/supplychain"
)

// flushPartiesSQLite stages the buffered parties, one row per statement
// execution; writeStagedParties moves them into parties in key order.
func (w *Writer) flushPartiesSQLite(ps []supplychain.Party) error {
	if err := w.openStage(); err != nil {
		return err
	}
	stage, err := w.stmt(`INSERT INTO temp.import_parties (` + stagedPartyColumns + `) VALUES (?` +
		strings.Repeat(", ?", len(partyColumnNames)-2) + `)`)
	if err != nil {
		return err
	}
	args := make([]any, 0, len(partyColumnNames))
	for _, p := range ps {
		args = w.partyArgs(args[:0], p)
		if _, err := stage.ExecContext(w.ctx, args[1:]...); err != nil { // all but org_id
			return classify(err, "parties")
		}
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
	stage, err := w.stmt(`INSERT INTO temp.import_links (buyer_id, supplier_id, commodity, share) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	for _, l := range ls {
		if _, err := stage.ExecContext(w.ctx, l.Buyer, l.Supplier, l.Commodity, nullFloat(l.Share)); err != nil {
			return classify(err, "links")
		}
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
