package sqlstore

import (
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// pgBulk is what the PostgreSQL path keeps between batches of an import.
type pgBulk struct{}

// flushPartiesPostgres upserts the buffered parties in one multi-row
// statement and removes the register keys of those stored before (the
// recompute writes them again).
func (w *Writer) flushPartiesPostgres(ps []supplychain.Party) error {
	upsert, err := w.stmt(`INSERT INTO parties (` + partyColumns + `) VALUES ` + valuesList(len(ps), partyColumnCount, 1) + `
		ON CONFLICT (org_id, id) DO UPDATE SET ref = excluded.ref, name = excluded.name, name_key = excluded.name_key,
		kind = excluded.kind, country = excluded.country, region = excluded.region, address = excluded.address,
		lat = excluded.lat, lng = excluded.lng, os_id = excluded.os_id, lei = excluded.lei, gln = excluded.gln,
		workers = excluded.workers, commodities = excluded.commodities,
		unknown_commodities = excluded.unknown_commodities, attributes = excluded.attributes`)
	if err != nil {
		return err
	}
	args := make([]any, 0, len(ps)*partyColumnCount)
	ids := make([]any, 0, len(ps)+1)
	ids = append(ids, w.org)
	for _, p := range ps {
		args = w.partyArgs(args, p)
		ids = append(ids, p.ID)
	}
	if _, err := upsert.ExecContext(w.ctx, args...); err != nil {
		return classify(err, "parties")
	}
	// A re-imported party may have dropped a commodity or moved country:
	// its register keys go, and the recompute writes them again.
	del, err := w.stmt(`DELETE FROM register_keys WHERE org_id = $1 AND party_id IN (` + inList(len(ps), 2) + `)`)
	if err != nil {
		return err
	}
	if _, err := del.ExecContext(w.ctx, ids...); err != nil {
		return classify(err, "register keys")
	}
	return nil
}

// flushLinksPostgres upserts links in one multi-row statement.
func (w *Writer) flushLinksPostgres(ls []supplychain.Link) error {
	upsert, err := w.stmt(`INSERT INTO links (org_id, buyer_id, supplier_id, commodity, share) VALUES ` + valuesList(len(ls), 5, 1) + `
		ON CONFLICT (org_id, buyer_id, supplier_id, commodity) DO UPDATE SET share = excluded.share`)
	if err != nil {
		return err
	}
	args := make([]any, 0, len(ls)*5)
	for _, l := range ls {
		args = append(args, w.org, l.Buyer, l.Supplier, l.Commodity, nullFloat(l.Share))
	}
	if _, err := upsert.ExecContext(w.ctx, args...); err != nil {
		if isForeignKey(err) {
			return kernel.Wrap(kernel.NotFound, err, "a link names a party that is not stored")
		}
		return classify(err, "links")
	}
	return nil
}
