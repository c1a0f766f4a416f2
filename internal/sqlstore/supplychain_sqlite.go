package sqlstore

import (
	"cmp"
	"database/sql/driver"
	"slices"
	"strings"

	"github.com/upstream-platform/upstream/internal/supplychain"
)

// flushPartiesSQLite stages the buffered parties in memory;
// writeStagedParties writes them.
func (w *Writer) flushPartiesSQLite(ps []supplychain.Party) error {
	if err := w.openStage(); err != nil {
		return err
	}
	w.stage.parties = append(w.stage.parties, ps...)
	return w.stageFull()
}

// stagedPartyColumns are partyColumns without org_id, the columns of the
// feed table of parties, in the order of partyValue.
var stagedPartyColumns = strings.Join(partyColumnNames[1:], ", ")

// partyValue is the value of column col of stagedPartyColumns for p, as
// the SQLite driver takes it.
func partyValue(p *supplychain.Party, col int) driver.Value {
	switch col {
	case 0:
		return p.ID
	case 1:
		return p.Ref
	case 2:
		return p.Name
	case 3:
		return supplychain.NormalKey(p.Name)
	case 4:
		return string(p.Kind)
	case 5:
		return p.Country
	case 6:
		return p.Region
	case 7:
		return p.Address
	case 8:
		return nullFloat(p.Lat)
	case 9:
		return nullFloat(p.Lng)
	case 10:
		return p.OSID
	case 11:
		return p.LEI
	case 12:
		return p.GLN
	case 13:
		return int64(p.Workers)
	case 14:
		return jsonList(p.Commodities)
	case 15:
		return jsonList(p.UnknownCommodities)
	case 16:
		return jsonMap(p.Attributes)
	case 17:
		return jsonList(p.InferredCommodities)
	case 18:
		return p.InferredFrom
	}
	panic("party column out of range") // the feed table declares stagedPartyColumns, no more
}

// partyRows are parties as a feed table reads them, in the order of
// their positions in order.
type partyRows struct {
	parties []supplychain.Party
	order   []int
}

func (r partyRows) Len() int                      { return len(r.order) }
func (r partyRows) Value(i, col int) driver.Value { return partyValue(&r.parties[r.order[i]], col) }

// linkRows are links as a feed table reads them (buyer_id, supplier_id,
// commodity, share), in the order of their positions in order.
type linkRows struct {
	links []supplychain.Link
	order []int
}

func (r linkRows) Len() int { return len(r.order) }
func (r linkRows) Value(i, col int) driver.Value {
	l := &r.links[r.order[i]]
	switch col {
	case 0:
		return l.Buyer
	case 1:
		return l.Supplier
	case 2:
		return l.Commodity
	}
	return nullFloat(l.Share)
}

// lastByKey returns the positions of rows sorted by key, keeping of rows
// with equal keys only the last: of a row staged twice, the one staged
// last wins. It sorts positions rather than the rows, which are large.
func lastByKey[T any](rows []T, compare func(a, b *T) int) []int {
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Or(compare(&rows[a], &rows[b]), cmp.Compare(a, b)) })
	kept := order[:0]
	for k, i := range order {
		if k+1 < len(order) && compare(&rows[i], &rows[order[k+1]]) == 0 {
			continue
		}
		kept = append(kept, i)
	}
	return kept
}

// writeStagedParties writes the staged parties in key order, in one
// statement reading them from the feed table. A new party is inserted; a
// stored party is updated where it differs, and its register keys, which
// carry its country and commodities, are removed when either changed (the
// recompute writes them again); a party imported again unchanged is not
// written at all. Of a party staged twice, the one staged last wins.
func (w *Writer) writeStagedParties() error {
	if len(w.stage.parties) == 0 {
		return nil
	}
	rows := partyRows{w.stage.parties, lastByKey(w.stage.parties, func(a, b *supplychain.Party) int { return strings.Compare(a.ID, b.ID) })}
	batch := w.db.feed.add(rows)
	defer w.db.feed.remove(batch)
	if !w.fresh { // a party stored before may have register keys
		del, err := w.stmt(`DELETE FROM register_keys WHERE org_id = $1 AND party_id IN (SELECT s.id FROM temp.feed_parties s
			JOIN parties p ON p.org_id = $1 AND p.id = s.id WHERE s.batch = $2 AND (p.country IS NOT s.country OR p.commodities IS NOT s.commodities))`)
		if err != nil {
			return err
		}
		res, err := del.ExecContext(w.ctx, w.org, batch)
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
		FROM temp.feed_parties WHERE batch = $2 ORDER BY id
		ON CONFLICT (org_id, id) DO UPDATE SET ` + strings.Join(set, ", ") + `
			WHERE ` + strings.Join(differs, " OR "))
	if err != nil {
		return err
	}
	if _, err := upsert.ExecContext(w.ctx, w.org, batch); err != nil {
		return classify(err, "parties")
	}
	clear(w.stage.parties) // let the collector have the strings
	w.stage.parties = w.stage.parties[:0]
	return nil
}

// flushLinksSQLite stages links in memory; writeStagedLinks writes them.
func (w *Writer) flushLinksSQLite(ls []supplychain.Link) error {
	if err := w.openStage(); err != nil {
		return err
	}
	w.stage.links = append(w.stage.links, ls...)
	return w.stageFull()
}

// writeStagedLinks upserts the staged links in key order, in one
// statement reading them from the feed table; a link stored with the
// same share is not written again, and of a link staged twice the one
// staged last wins.
func (w *Writer) writeStagedLinks() error {
	if len(w.stage.links) == 0 {
		return nil
	}
	rows := linkRows{w.stage.links, lastByKey(w.stage.links, func(a, b *supplychain.Link) int {
		return cmp.Or(strings.Compare(a.Buyer, b.Buyer), strings.Compare(a.Supplier, b.Supplier), strings.Compare(a.Commodity, b.Commodity))
	})}
	batch := w.db.feed.add(rows)
	defer w.db.feed.remove(batch)
	upsert, err := w.stmt(`INSERT INTO links (org_id, buyer_id, supplier_id, commodity, share)
		SELECT $1, buyer_id, supplier_id, commodity, share FROM temp.feed_links WHERE batch = $2
		ORDER BY buyer_id, supplier_id, commodity
		ON CONFLICT (org_id, buyer_id, supplier_id, commodity) DO UPDATE SET share = excluded.share
			WHERE links.share IS NOT excluded.share`)
	if err != nil {
		return err
	}
	if _, err := upsert.ExecContext(w.ctx, w.org, batch); err != nil {
		return classify(err, "links")
	}
	w.stage.links = w.stage.links[:0]
	return nil
}
