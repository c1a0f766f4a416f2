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
	w.stage.parties.add(ps)
	return w.stageFull()
}

// partyFeedDefaults are, by column of the feed table of parties, the
// values most parties have (no region, no identifiers, no attributes):
// the feed gives NULL for them and the INSERT puts them back. A NULL
// crosses from Go to SQLite for nothing, where a text costs two copies.
var partyFeedDefaults = map[string]string{"ref": "", "region": "", "address": "", "os_id": "", "lei": "", "gln": "",
	"unknown_commodities": "[]", "attributes": "{}", "inferred_commodities": "[]", "inferred_from": ""}

// feedDefault is a column's usual value (ok false for a column without
// one).
type feedDefault struct {
	value string
	ok    bool
}

// partyFeedDefault is partyFeedDefaults by column of the feed table of
// parties.
var partyFeedDefault = func() []feedDefault {
	defs := make([]feedDefault, len(partyColumnNames)-1)
	for i, c := range partyColumnNames[1:] {
		defs[i].value, defs[i].ok = partyFeedDefaults[c]
	}
	return defs
}()

// partyFeedSelect is what the INSERT reads of the feed table of parties:
// every column of partyColumns but org_id, in the order of partyValue,
// with the defaults given back.
var partyFeedSelect = func() string {
	cols := make([]string, 0, len(partyColumnNames)-1)
	for _, c := range partyColumnNames[1:] {
		if def, ok := partyFeedDefaults[c]; ok {
			c = "ifnull(" + c + ", '" + def + "')"
		}
		cols = append(cols, c)
	}
	return strings.Join(cols, ", ")
}()

// partyValue is the value for p of column col of partyColumnNames[1:]
// (all but org_id), as the SQLite driver takes it.
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
	panic("party column out of range") // the feed table declares partyColumnNames[1:], no more
}

// partyRows are parties as the feed table of parties reads them: NULL
// for a column's default (partyFeedDefaults).
type partyRows []*supplychain.Party

func (r partyRows) Len() int { return len(r) }
func (r partyRows) Value(i, col int) driver.Value {
	v := partyValue(r[i], col)
	if def := partyFeedDefault[col]; def.ok {
		if s, ok := v.(string); ok && s == def.value {
			return nil
		}
	}
	return v
}

// linkRows are links as a feed table reads them: buyer_id, supplier_id,
// commodity, share.
type linkRows []*supplychain.Link

func (r linkRows) Len() int { return len(r) }
func (r linkRows) Value(i, col int) driver.Value {
	l := r[i]
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

// chunks holds staged rows in the batches they came in, each batch
// copied once: appending them all to one slice would copy every row
// again each time the slice grew, and a party is some 200 bytes.
type chunks[T any] struct {
	list [][]T
	n    int
}

func (c *chunks[T]) add(rows []T) {
	c.list = append(c.list, slices.Clone(rows))
	c.n += len(rows)
}

func (c *chunks[T]) reset() { *c = chunks[T]{} }

// lastByKey returns the rows sorted by key, keeping of rows with equal
// keys only the one added last: of a row staged twice, the one staged
// last wins.
func (c *chunks[T]) lastByKey(compare func(a, b *T) int) []*T {
	type entry struct {
		row *T
		seq int
	}
	all := make([]entry, 0, c.n)
	for _, list := range c.list {
		for i := range list {
			all = append(all, entry{&list[i], len(all)})
		}
	}
	slices.SortFunc(all, func(a, b entry) int { return cmp.Or(compare(a.row, b.row), cmp.Compare(a.seq, b.seq)) })
	kept := make([]*T, 0, len(all))
	for k, e := range all {
		if k+1 < len(all) && compare(e.row, all[k+1].row) == 0 {
			continue
		}
		kept = append(kept, e.row)
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
	if w.stage.parties.n == 0 {
		return nil
	}
	rows := partyRows(w.stage.parties.lastByKey(func(a, b *supplychain.Party) int { return strings.Compare(a.ID, b.ID) }))
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
	upsert, err := w.stmt(`INSERT INTO parties (` + partyColumns + `) SELECT $1, ` + partyFeedSelect + `
		FROM temp.feed_parties WHERE batch = $2 ORDER BY id
		ON CONFLICT (org_id, id) DO UPDATE SET ` + strings.Join(set, ", ") + `
			WHERE ` + strings.Join(differs, " OR "))
	if err != nil {
		return err
	}
	if _, err := upsert.ExecContext(w.ctx, w.org, batch); err != nil {
		return classify(err, "parties")
	}
	w.stage.parties.reset()
	return nil
}

// flushLinksSQLite stages links in memory; writeStagedLinks writes them.
func (w *Writer) flushLinksSQLite(ls []supplychain.Link) error {
	if err := w.openStage(); err != nil {
		return err
	}
	w.stage.links.add(ls)
	return w.stageFull()
}

// writeStagedLinks upserts the staged links, rows (stagedLinks), in one
// statement reading them from the feed table; a link stored with the
// same share is not written again.
func (w *Writer) writeStagedLinks(rows linkRows) error {
	if len(rows) == 0 {
		return nil
	}
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
	return nil
}

// stagedLinks returns the staged links in key order, of a link staged
// twice the one staged last, and empties the stage of links.
func (w *Writer) stagedLinks() linkRows {
	rows := linkRows(w.stage.links.lastByKey(func(a, b *supplychain.Link) int {
		return cmp.Or(strings.Compare(a.Buyer, b.Buyer), strings.Compare(a.Supplier, b.Supplier), strings.Compare(a.Commodity, b.Commodity))
	}))
	w.stage.links.reset()
	return rows
}
