package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

var _ supplychain.EventLedgerWriter = (*Writer)(nil)

// DeclaredEvents returns the events declared erroneous with where each
// declaration was read (supplychain.EventLedgerWriter).
func (w *Writer) DeclaredEvents() (map[string]supplychain.Origin, error) {
	rows, err := w.tx.QueryContext(w.ctx, `SELECT event_id, import_id, source_file, source_line FROM epcis_declarations WHERE org_id = $1`, w.org)
	if err != nil {
		return nil, classify(err, "EPCIS declarations")
	}
	defer rows.Close()
	out := map[string]supplychain.Origin{}
	for rows.Next() {
		var id string
		var o supplychain.Origin
		if err := rows.Scan(&id, &o.ImportID, &o.File, &o.Line); err != nil {
			return nil, classify(err, "EPCIS declarations")
		}
		o.EventID = id
		out[id] = o
	}
	return out, classify(rows.Err(), "EPCIS declarations")
}

// LinkSupport says whether link k is stored and whether events are
// recorded for it. Links buffered and not yet written count as not stored.
func (w *Writer) LinkSupport(k supplychain.LinkKey) (stored, recorded bool, err error) {
	var n, m int
	err = w.tx.QueryRowContext(w.ctx, `SELECT
		(SELECT count(*) FROM links WHERE org_id = $1 AND buyer_id = $2 AND supplier_id = $3 AND commodity = $4),
		(SELECT count(*) FROM epcis_link_events WHERE org_id = $1 AND buyer_id = $2 AND supplier_id = $3 AND commodity = $4)`,
		w.org, k.Buyer, k.Supplier, k.Commodity).Scan(&n, &m)
	return n > 0, m > 0, classify(err, "EPCIS link events")
}

// RecordEventLinks records that each event made link k.
func (w *Writer) RecordEventLinks(k supplychain.LinkKey, events []string) error {
	st, err := w.stmt(`INSERT INTO epcis_link_events (org_id, buyer_id, supplier_id, commodity, event_id)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`)
	if err != nil {
		return err
	}
	for _, e := range events {
		if _, err := st.ExecContext(w.ctx, w.org, k.Buyer, k.Supplier, k.Commodity, e); err != nil {
			return classify(err, "EPCIS link events")
		}
	}
	return nil
}

// RecordEvents records the ids of events applied.
func (w *Writer) RecordEvents(ids []string) error {
	st, err := w.stmt(`INSERT INTO epcis_events (org_id, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := st.ExecContext(w.ctx, w.org, id); err != nil {
			return classify(err, "EPCIS events")
		}
	}
	return nil
}

// KnownEvents returns those of ids applied by an import.
func (w *Writer) KnownEvents(ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, id := range ids {
		var n int
		if err := w.tx.QueryRowContext(w.ctx, `SELECT count(*) FROM epcis_events WHERE org_id = $1 AND event_id = $2`,
			w.org, id).Scan(&n); err != nil {
			return nil, classify(err, "EPCIS link events")
		}
		if n > 0 {
			out[id] = true
		}
	}
	return out, nil
}

// DeclareErroneous records the declaration and withdraws each link the
// event made whose every recorded source is now declared erroneous.
func (w *Writer) DeclareErroneous(eventID string, correctives []string, o supplychain.Origin, at time.Time) ([]supplychain.Link, error) {
	if eventID == "" {
		return nil, kernel.Errorf(kernel.Invalid, "an error declaration without an event id")
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	if _, err := w.tx.ExecContext(w.ctx, `INSERT INTO epcis_declarations (org_id, event_id, correctives, import_id, source_file,
		source_line, declared_at, withdrawn) VALUES ($1, $2, $3, $4, $5, $6, $7, 0) ON CONFLICT (org_id, event_id) DO NOTHING`,
		w.org, eventID, jsonList(correctives), o.ImportID, o.File, o.Line, at.UTC()); err != nil {
		return nil, classify(err, "EPCIS declaration")
	}
	keys, err := w.eventLinkKeys(eventID)
	if err != nil {
		return nil, err
	}
	var withdrawn []supplychain.Link
	for _, k := range keys {
		var live int
		if err := w.tx.QueryRowContext(w.ctx, `SELECT count(*) FROM epcis_link_events e
			WHERE e.org_id = $1 AND e.buyer_id = $2 AND e.supplier_id = $3 AND e.commodity = $4
			AND NOT EXISTS (SELECT 1 FROM epcis_declarations d WHERE d.org_id = e.org_id AND d.event_id = e.event_id)`,
			w.org, k.Buyer, k.Supplier, k.Commodity).Scan(&live); err != nil {
			return nil, classify(err, "EPCIS link events")
		}
		if live > 0 {
			continue
		}
		res, err := w.tx.ExecContext(w.ctx, `DELETE FROM links WHERE org_id = $1 AND buyer_id = $2 AND supplier_id = $3 AND commodity = $4`,
			w.org, k.Buyer, k.Supplier, k.Commodity)
		if err != nil {
			return nil, classify(err, "links")
		}
		if n, err := res.RowsAffected(); err == nil && n > 0 {
			withdrawn = append(withdrawn, supplychain.Link{Buyer: k.Buyer, Supplier: k.Supplier, Commodity: k.Commodity})
		}
	}
	if len(withdrawn) > 0 {
		if _, err := w.tx.ExecContext(w.ctx, `UPDATE epcis_declarations SET withdrawn = withdrawn + $3 WHERE org_id = $1 AND event_id = $2`,
			w.org, eventID, len(withdrawn)); err != nil {
			return nil, classify(err, "EPCIS declaration")
		}
	}
	return withdrawn, nil
}

func (w *Writer) eventLinkKeys(eventID string) ([]supplychain.LinkKey, error) {
	rows, err := w.tx.QueryContext(w.ctx, `SELECT buyer_id, supplier_id, commodity FROM epcis_link_events
		WHERE org_id = $1 AND event_id = $2 ORDER BY buyer_id, supplier_id, commodity`, w.org, eventID)
	if err != nil {
		return nil, classify(err, "EPCIS link events")
	}
	defer rows.Close()
	var out []supplychain.LinkKey
	for rows.Next() {
		var k supplychain.LinkKey
		if err := rows.Scan(&k.Buyer, &k.Supplier, &k.Commodity); err != nil {
			return nil, classify(err, "EPCIS link events")
		}
		out = append(out, k)
	}
	return out, classify(rows.Err(), "EPCIS link events")
}

// AddContainment stores packing records; one stored already is kept.
func (w *Writer) AddContainment(cs []supplychain.Containment) error {
	st, err := w.stmt(`INSERT INTO epcis_containment (org_id, id, event_id, type, action, parent, children, event_time,
		location_id, import_id, source_file, source_line) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (org_id, id) DO NOTHING`)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if _, err := st.ExecContext(w.ctx, w.org, c.Key(), c.EventID, c.Type, c.Action, c.Parent, jsonList(c.Children), c.Time,
			c.Location, c.Origin.ImportID, c.Origin.File, c.Origin.Line); err != nil {
			return classify(err, "EPCIS containment")
		}
	}
	return nil
}

// maxContainmentShown bounds the packing records a supplier page lists.
const maxContainmentShown = 200

// Containment returns the packing records seen at a place (location the
// party id), latest first, at most maxContainmentShown, and how many
// there are.
func (s *SupplyChain) Containment(ctx context.Context, orgID, partyID string) ([]supplychain.Containment, int, error) {
	var total int
	if err := s.db.read.QueryRowContext(ctx, `SELECT count(*) FROM epcis_containment WHERE org_id = $1 AND location_id = $2`,
		orgID, partyID).Scan(&total); err != nil {
		return nil, 0, classify(err, "EPCIS containment")
	}
	rows, err := s.db.read.QueryContext(ctx, fmt.Sprintf(`SELECT event_id, type, action, parent, children, event_time, location_id,
		import_id, source_file, source_line FROM epcis_containment WHERE org_id = $1 AND location_id = $2
		ORDER BY event_time DESC, id LIMIT %d`, maxContainmentShown), orgID, partyID)
	if err != nil {
		return nil, 0, classify(err, "EPCIS containment")
	}
	out, err := scanContainment(rows)
	return out, total, err
}

func scanContainment(rows *sql.Rows) ([]supplychain.Containment, error) {
	defer rows.Close()
	var out []supplychain.Containment
	for rows.Next() {
		var c supplychain.Containment
		var children string
		if err := rows.Scan(&c.EventID, &c.Type, &c.Action, &c.Parent, &children, &c.Time, &c.Location,
			&c.Origin.ImportID, &c.Origin.File, &c.Origin.Line); err != nil {
			return nil, classify(err, "EPCIS containment")
		}
		if err := decodeList(children, &c.Children); err != nil {
			return nil, fmt.Errorf("EPCIS containment children: %w", err)
		}
		c.Origin.EventID = c.EventID
		out = append(out, c)
	}
	return out, classify(rows.Err(), "EPCIS containment")
}
