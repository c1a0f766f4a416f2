package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

var _ supplychain.FacilityMergeWriter = (*Writer)(nil)

// Facilities returns the organisation's stored facilities with what the
// matcher compares (supplychain.FacilityMergeWriter).
func (w *Writer) Facilities() ([]supplychain.Party, error) {
	if err := w.Flush(); err != nil {
		return nil, err
	}
	if w.facilities != nil {
		return w.keptFacilities(), nil
	}
	rows, err := w.tx.QueryContext(w.ctx, `SELECT id, name, country, address, lat, lng, os_id, lei, gln
		FROM parties WHERE org_id = $1 AND kind = $2`, w.org, string(supplychain.KindFacility))
	if err != nil {
		return nil, classify(err, "facilities")
	}
	defer rows.Close()
	var out []supplychain.Party
	for rows.Next() {
		p := supplychain.Party{Kind: supplychain.KindFacility}
		var lat, lng sql.NullFloat64
		if err := rows.Scan(&p.ID, &p.Name, &p.Country, &p.Address, &lat, &lng, &p.OSID, &p.LEI, &p.GLN); err != nil {
			return nil, classify(err, "facilities")
		}
		if lat.Valid && lng.Valid {
			p.Lat, p.Lng = &lat.Float64, &lng.Float64
		}
		out = append(out, p)
	}
	return out, classify(rows.Err(), "facilities")
}

// keptFacilities returns a fresh import's facilities, which are all the
// organisation has (in no particular order, as Facilities' query returns
// them).
func (w *Writer) keptFacilities() []supplychain.Party {
	out := make([]supplychain.Party, 0, len(w.facilities))
	for _, p := range w.facilities {
		out = append(out, p)
	}
	return out
}

// FacilitiesRead returns, in an import into an organisation that had no
// party when it began, every facility the organisation has, as Facilities
// will once the import flushes, without writing what the import has
// buffered: what the matcher compares is then known while the writer is
// still storing it. ok is false when the organisation had parties before
// (Facilities reads them from the store) or the import has merged
// facilities; then the caller must use Facilities.
func (w *Writer) FacilitiesRead() (ps []supplychain.Party, ok bool, err error) {
	if w.facilities == nil {
		return nil, false, nil
	}
	// Parties buffered reach w.facilities when they are handed on for
	// writing; links wait, so that they follow the parties they name.
	if err := w.flushParties(); err != nil {
		return nil, false, err
	}
	return w.keptFacilities(), true, nil
}

// DecidedPairs returns the pairs an analyst or an import has decided
// (merged or kept apart), by supplychain.PairKey.
func (w *Writer) DecidedPairs() (map[[2]string]supplychain.PairStatus, error) {
	rows, err := w.tx.QueryContext(w.ctx, `SELECT lo_id, hi_id, status FROM facility_pairs WHERE org_id = $1 AND status <> $2`,
		w.org, string(supplychain.PairOpen))
	if err != nil {
		return nil, classify(err, "facility pairs")
	}
	defer rows.Close()
	out := map[[2]string]supplychain.PairStatus{}
	for rows.Next() {
		var lo, hi, st string
		if err := rows.Scan(&lo, &hi, &st); err != nil {
			return nil, classify(err, "facility pairs")
		}
		out[[2]string{lo, hi}] = supplychain.PairStatus(st)
	}
	return out, classify(rows.Err(), "facility pairs")
}

// QueuePair puts a possible duplicate in the review queue, or refreshes
// its score and origin when it is queued already; a decided pair keeps
// its decision.
// The statement is prepared once per import: an import of a large list
// queues many pairs.
func (w *Writer) QueuePair(p supplychain.DuplicatePair) error {
	k := supplychain.PairKey(p.A, p.B)
	if p.Status == "" {
		p.Status = supplychain.PairOpen
	}
	st, err := w.stmt(`INSERT INTO facility_pairs (org_id, lo_id, hi_id, a_id, b_id, score, reasons, import_id,
		source_file, source_line, source_event, status, found_at, decided_at, decided_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (org_id, lo_id, hi_id) DO UPDATE SET score = excluded.score, reasons = excluded.reasons,
			import_id = excluded.import_id, source_file = excluded.source_file, source_line = excluded.source_line,
			source_event = excluded.source_event
		WHERE facility_pairs.status = 'open'`)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(w.ctx, w.org, k[0], k[1], p.A, p.B, p.Score, jsonList(p.Reasons), p.Origin.ImportID, p.Origin.File, p.Origin.Line,
		p.Origin.EventID, string(p.Status), p.At.UTC(), nullTime(p.DecidedAt), p.DecidedBy)
	return classify(err, "facility pair")
}

// decidePair records a decision on a pair, queued or not.
func decidePair(ctx context.Context, tx *sql.Tx, org string, p supplychain.DuplicatePair) error {
	k := supplychain.PairKey(p.A, p.B)
	_, err := tx.ExecContext(ctx, `INSERT INTO facility_pairs (org_id, lo_id, hi_id, a_id, b_id, score, reasons, import_id,
		source_file, source_line, source_event, status, found_at, decided_at, decided_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (org_id, lo_id, hi_id) DO UPDATE SET status = excluded.status, decided_at = excluded.decided_at,
			decided_by = excluded.decided_by`,
		org, k[0], k[1], p.A, p.B, p.Score, jsonList(p.Reasons), p.Origin.ImportID, p.Origin.File, p.Origin.Line,
		p.Origin.EventID, string(p.Status), p.At.UTC(), nullTime(p.DecidedAt), p.DecidedBy)
	return classify(err, "facility pair")
}

// getPartyTx reads one party inside the writer's transaction.
func (w *Writer) getParty(id string) (supplychain.Party, error) {
	p, err := scanParty(w.tx.QueryRowContext(w.ctx, partySelect+" FROM parties p WHERE p.org_id = $1 AND p.id = $2", w.org, id))
	if err != nil {
		return supplychain.Party{}, classify(err, "party "+id)
	}
	return p, nil
}

func (w *Writer) partyLinks(id string) ([]supplychain.Link, error) {
	rows, err := w.tx.QueryContext(w.ctx, `SELECT buyer_id, supplier_id, commodity, share FROM links
		WHERE org_id = $1 AND (buyer_id = $2 OR supplier_id = $2) ORDER BY buyer_id, supplier_id, commodity`, w.org, id)
	if err != nil {
		return nil, classify(err, "links")
	}
	defer rows.Close()
	var out []supplychain.Link
	for rows.Next() {
		var l supplychain.Link
		var share sql.NullFloat64
		if err := rows.Scan(&l.Buyer, &l.Supplier, &l.Commodity, &share); err != nil {
			return nil, classify(err, "links")
		}
		if share.Valid {
			v := share.Float64
			l.Share = &v
		}
		out = append(out, l)
	}
	return out, classify(rows.Err(), "links")
}

func (w *Writer) linkExists(k supplychain.LinkKey) (bool, error) {
	var n int
	err := w.tx.QueryRowContext(w.ctx, `SELECT count(*) FROM links WHERE org_id = $1 AND buyer_id = $2 AND supplier_id = $3 AND commodity = $4`,
		w.org, k.Buyer, k.Supplier, k.Commodity).Scan(&n)
	return n > 0, classify(err, "links")
}

// removeParty deletes a party, its links and its register keys.
func (w *Writer) removeParty(id string) error {
	for _, q := range []string{
		`DELETE FROM links WHERE org_id = $1 AND (buyer_id = $2 OR supplier_id = $2)`,
		`DELETE FROM parties WHERE org_id = $1 AND id = $2`,
	} {
		if _, err := w.tx.ExecContext(w.ctx, q, w.org, id); err != nil {
			return classify(err, "party "+id)
		}
	}
	res, err := w.tx.ExecContext(w.ctx, `DELETE FROM register_keys WHERE org_id = $1 AND party_id = $2`, w.org, id)
	if err != nil {
		return classify(err, "register keys")
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		w.keysRemoved = true
	}
	delete(w.written, id)
	return nil
}

// MergeFacility merges m.From into m.Into (supplychain.FacilityMergeWriter):
// From's links move to Into, Into's missing fields are filled from From,
// From is removed, and the merge is recorded with what undoes it. When an
// earlier merge of From into Into is still in force (From was imported
// again), the new merge supersedes it and takes over what it created.
func (w *Writer) MergeFacility(m supplychain.Merge) (supplychain.Merge, error) {
	if m.Into == m.From {
		return m, kernel.Errorf(kernel.Invalid, "a facility cannot be merged into itself")
	}
	w.facilities = nil // merged facilities change what is stored
	if err := w.Flush(); err != nil {
		return m, err
	}
	into, err := w.getParty(m.Into)
	if err != nil {
		return m, err
	}
	from, err := w.getParty(m.From)
	if err != nil {
		return m, err
	}
	fromLinks, err := w.partyLinks(m.From)
	if err != nil {
		return m, err
	}
	var lookupErr error
	created := supplychain.MoveLinks(m.From, m.Into, fromLinks, func(k supplychain.LinkKey) bool {
		ok, err := w.linkExists(k)
		if err != nil && lookupErr == nil {
			lookupErr = err
		}
		return ok
	})
	if lookupErr != nil {
		return m, lookupErr
	}
	filled, undo := supplychain.FillFrom(into, from)
	undo.From, undo.FromLinks, undo.Created = from, supplychain.MergeLinks(fromLinks), supplychain.MergeLinks(created)
	earlier, err := w.activeMerge(m.From, m.Into)
	if err != nil {
		return m, err
	}
	moved, err := w.moveReferences(m.From, m.Into)
	if err != nil {
		return m, err
	}
	if earlier != nil {
		undo = takeOver(undo, earlier.Undo)
		// The earlier merge moved what named the party then; undoing
		// this one moves that back too, after what this one moved.
		before, err := decodeReferences(earlier.Undo.References)
		if err != nil {
			return m, err
		}
		moved = append(before, moved...)
	}
	if undo.References, err = encodeReferences(moved); err != nil {
		return m, err
	}
	if err := w.removeParty(m.From); err != nil {
		return m, err
	}
	if len(undo.Filled) > 0 || len(undo.AddedCommodities) > 0 {
		if err := w.Party(filled); err != nil {
			return m, err
		}
	}
	for _, l := range created {
		if err := w.Link(l); err != nil {
			return m, err
		}
	}
	if err := w.Flush(); err != nil {
		return m, err
	}
	if m.ID == "" {
		m.ID = kernel.NewID()
	}
	m.IntoName, m.FromName, m.Undo = into.Name, from.Name, undo
	body, err := json.Marshal(undo)
	if err != nil {
		return m, fmt.Errorf("merge record: %w", err)
	}
	if _, err := w.tx.ExecContext(w.ctx, `INSERT INTO facility_merges (org_id, id, into_id, from_id, into_name, from_name, rule,
		score, reasons, actor, import_id, source_file, source_line, source_event, merged_at, undo)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		w.org, m.ID, m.Into, m.From, into.Name, from.Name, string(m.Rule), m.Score, jsonList(m.Reasons), m.Actor,
		m.Origin.ImportID, m.Origin.File, m.Origin.Line, m.Origin.EventID, m.At.UTC(), string(body)); err != nil {
		return m, classify(err, "facility merge")
	}
	if earlier != nil {
		if _, err := w.tx.ExecContext(w.ctx, `UPDATE facility_merges SET superseded_by = $3 WHERE org_id = $1 AND id = $2`,
			w.org, earlier.ID, m.ID); err != nil {
			return m, classify(err, "facility merge")
		}
	}
	err = decidePair(w.ctx, w.tx, w.org, supplychain.DuplicatePair{A: m.Into, B: m.From, Score: m.Score, Reasons: m.Reasons,
		Origin: m.Origin, Status: supplychain.PairMerged, At: m.At, DecidedAt: m.At, DecidedBy: m.Actor})
	return m, err
}

// takeOver adds to the undo of a new merge what an earlier merge of the
// same two parties created and filled, so that undoing the new one takes
// back both.
func takeOver(u, earlier supplychain.MergeUndo) supplychain.MergeUndo {
	for _, l := range earlier.Created {
		if !slices.ContainsFunc(u.Created, func(c supplychain.MergeLink) bool {
			return c.Buyer == l.Buyer && c.Supplier == l.Supplier && c.Commodity == l.Commodity
		}) {
			u.Created = append(u.Created, l)
		}
	}
	for k, v := range earlier.Filled {
		if u.Filled == nil {
			u.Filled = map[string]any{}
		}
		if _, ok := u.Filled[k]; !ok {
			u.Filled[k] = v
		}
	}
	for _, c := range earlier.AddedCommodities {
		if !slices.Contains(u.AddedCommodities, c) {
			u.AddedCommodities = append(u.AddedCommodities, c)
		}
	}
	for _, c := range earlier.AddedInferred {
		if !slices.Contains(u.AddedInferred, c) {
			u.AddedInferred = append(u.AddedInferred, c)
		}
	}
	return u
}

// activeMerge returns the merge of from into into that is in force, or nil.
func (w *Writer) activeMerge(from, into string) (*supplychain.Merge, error) {
	rows, err := w.tx.QueryContext(w.ctx, mergeSelect+` WHERE org_id = $1 AND from_id = $2 AND into_id = $3
		AND superseded_by = '' AND undone_at IS NULL`, w.org, from, into)
	if err != nil {
		return nil, classify(err, "facility merges")
	}
	ms, err := scanMerges(rows)
	if err != nil || len(ms) == 0 {
		return nil, err
	}
	return &ms[0], nil
}

const mergeSelect = `SELECT id, into_id, from_id, into_name, from_name, rule, score, reasons, actor, import_id,
	source_file, source_line, source_event, merged_at, undo, superseded_by, undone_at, undone_by FROM facility_merges`

func scanMerges(rows *sql.Rows) ([]supplychain.Merge, error) {
	defer rows.Close()
	var out []supplychain.Merge
	for rows.Next() {
		var m supplychain.Merge
		var rule, reasons, undo, superseded string
		var undone sql.NullTime
		if err := rows.Scan(&m.ID, &m.Into, &m.From, &m.IntoName, &m.FromName, &rule, &m.Score, &reasons, &m.Actor,
			&m.Origin.ImportID, &m.Origin.File, &m.Origin.Line, &m.Origin.EventID, &m.At, &undo, &superseded,
			&undone, &m.UndoneBy); err != nil {
			return nil, classify(err, "facility merges")
		}
		m.Rule, m.SupersededBy = supplychain.MergeRule(rule), superseded
		m.At = m.At.UTC()
		m.UndoneAt = timeOf(undone)
		if err := decodeList(reasons, &m.Reasons); err != nil {
			return nil, fmt.Errorf("facility merge %s reasons: %w", m.ID, err)
		}
		if err := json.Unmarshal([]byte(undo), &m.Undo); err != nil {
			return nil, fmt.Errorf("facility merge %s: %w", m.ID, err)
		}
		out = append(out, m)
	}
	return out, classify(rows.Err(), "facility merges")
}

// UndoMerge takes a merge back inside the writer's transaction: the
// merged party and its links are restored as they were, the links the
// merge created and the fields it filled are taken back, and the pair is
// marked kept apart so that later imports do not merge it again.
func (w *Writer) UndoMerge(id, actor string, at time.Time) (supplychain.Merge, error) {
	rows, err := w.tx.QueryContext(w.ctx, mergeSelect+` WHERE org_id = $1 AND id = $2`, w.org, id)
	if err != nil {
		return supplychain.Merge{}, classify(err, "facility merge")
	}
	ms, err := scanMerges(rows)
	if err != nil {
		return supplychain.Merge{}, err
	}
	if len(ms) == 0 {
		return supplychain.Merge{}, kernel.Errorf(kernel.NotFound, "facility merge %s not found", id)
	}
	m := ms[0]
	switch {
	case !m.UndoneAt.IsZero():
		return m, kernel.Errorf(kernel.Conflict, "the merge of %q into %q was undone already", m.FromName, m.IntoName)
	case m.SupersededBy != "":
		return m, kernel.Errorf(kernel.Conflict, "%q was imported and merged into %q again later; undo that later merge instead", m.FromName, m.IntoName)
	}
	if err := w.Flush(); err != nil {
		return m, err
	}
	if known, err := w.Known(m.From); err != nil {
		return m, err
	} else if known {
		return m, kernel.Errorf(kernel.Conflict, "%q is stored again as a facility of its own; the merge cannot be undone over it", m.FromName)
	}
	into, err := w.getParty(m.Into)
	if kernel.IsCode(err, kernel.NotFound) {
		return m, kernel.Errorf(kernel.Conflict, "%q was itself merged into another facility later; undo that merge first", m.IntoName)
	}
	if err != nil {
		return m, err
	}
	for _, l := range m.Undo.Created {
		if _, err := w.tx.ExecContext(w.ctx, `DELETE FROM links WHERE org_id = $1 AND buyer_id = $2 AND supplier_id = $3 AND commodity = $4`,
			w.org, l.Buyer, l.Supplier, l.Commodity); err != nil {
			return m, classify(err, "links")
		}
	}
	if restored := supplychain.Unfill(into, m.Undo); !equalParty(restored, into) {
		if err := w.Party(restored); err != nil {
			return m, err
		}
	}
	if err := w.Party(m.Undo.From); err != nil {
		return m, err
	}
	moved, err := decodeReferences(m.Undo.References)
	if err != nil {
		return m, err
	}
	if err := w.restoreReferences(m.From, m.Into, moved); err != nil {
		return m, err
	}
	for _, l := range m.Undo.FromLinks {
		if err := w.Link(l.Link()); err != nil {
			return m, err
		}
	}
	if err := w.Flush(); err != nil {
		return m, err
	}
	at = at.UTC()
	if _, err := w.tx.ExecContext(w.ctx, `UPDATE facility_merges SET undone_at = $3, undone_by = $4 WHERE org_id = $1 AND id = $2`,
		w.org, m.ID, at, actor); err != nil {
		return m, classify(err, "facility merge")
	}
	m.UndoneAt, m.UndoneBy = at, actor
	err = decidePair(w.ctx, w.tx, w.org, supplychain.DuplicatePair{A: m.Into, B: m.From, Score: m.Score, Reasons: m.Reasons,
		Origin: m.Origin, Status: supplychain.PairKeptApart, At: at, DecidedAt: at, DecidedBy: actor})
	return m, err
}

func equalParty(a, b supplychain.Party) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// UndoMerge takes back a merge in its own transaction (see
// Writer.UndoMerge) and marks the organisation's risk due for a recompute.
func (s *SupplyChain) UndoMerge(ctx context.Context, orgID, id, actor string, at time.Time) (supplychain.Merge, error) {
	var m supplychain.Merge
	err := s.Import(ctx, orgID, func(iw supplychain.ImportWriter) error {
		var err error
		m, err = iw.(*Writer).UndoMerge(id, actor, at)
		return err
	})
	return m, err
}

// MergePair merges the queued pair's B into its A on an analyst's
// decision, in its own transaction.
func (s *SupplyChain) MergePair(ctx context.Context, orgID, a, b, actor string, at time.Time) (supplychain.Merge, error) {
	p, err := s.Pair(ctx, orgID, a, b)
	if err != nil {
		return supplychain.Merge{}, err
	}
	if p.Status != supplychain.PairOpen {
		return supplychain.Merge{}, kernel.Errorf(kernel.Conflict, "this pair was decided already (%s)", p.Status)
	}
	var m supplychain.Merge
	err = s.Import(ctx, orgID, func(iw supplychain.ImportWriter) error {
		var err error
		m, err = iw.(*Writer).MergeFacility(supplychain.Merge{Into: p.A, From: p.B, Rule: supplychain.RuleAnalyst,
			Score: p.Score, Reasons: p.Reasons, Actor: actor, Origin: p.Origin, At: at})
		return err
	})
	return m, err
}

// KeepApart records an analyst's decision that a queued pair is two
// places; imports never merge them afterwards.
func (s *SupplyChain) KeepApart(ctx context.Context, orgID, a, b, actor string, at time.Time) (supplychain.DuplicatePair, error) {
	p, err := s.Pair(ctx, orgID, a, b)
	if err != nil {
		return p, err
	}
	if p.Status != supplychain.PairOpen {
		return p, kernel.Errorf(kernel.Conflict, "this pair was decided already (%s)", p.Status)
	}
	k := supplychain.PairKey(a, b)
	_, err = s.db.write.ExecContext(ctx, `UPDATE facility_pairs SET status = $4, decided_at = $5, decided_by = $6
		WHERE org_id = $1 AND lo_id = $2 AND hi_id = $3`, orgID, k[0], k[1], string(supplychain.PairKeptApart), at.UTC(), actor)
	if err != nil {
		return p, classify(err, "facility pair")
	}
	p.Status, p.DecidedAt, p.DecidedBy = supplychain.PairKeptApart, at.UTC(), actor
	return p, nil
}

const pairSelect = `SELECT a_id, b_id, score, reasons, import_id, source_file, source_line, source_event, status,
	found_at, decided_at, decided_by FROM facility_pairs`

func scanPairs(rows *sql.Rows) ([]supplychain.DuplicatePair, error) {
	defer rows.Close()
	var out []supplychain.DuplicatePair
	for rows.Next() {
		var p supplychain.DuplicatePair
		var reasons, status string
		var decided sql.NullTime
		if err := rows.Scan(&p.A, &p.B, &p.Score, &reasons, &p.Origin.ImportID, &p.Origin.File, &p.Origin.Line,
			&p.Origin.EventID, &status, &p.At, &decided, &p.DecidedBy); err != nil {
			return nil, classify(err, "facility pairs")
		}
		p.Status, p.At, p.DecidedAt = supplychain.PairStatus(status), p.At.UTC(), timeOf(decided)
		if err := decodeList(reasons, &p.Reasons); err != nil {
			return nil, fmt.Errorf("facility pair reasons: %w", err)
		}
		out = append(out, p)
	}
	return out, classify(rows.Err(), "facility pairs")
}

// Pair returns one pair of the queue, whichever order a and b are in, or
// kernel.NotFound.
func (s *SupplyChain) Pair(ctx context.Context, orgID, a, b string) (supplychain.DuplicatePair, error) {
	k := supplychain.PairKey(a, b)
	rows, err := s.db.read.QueryContext(ctx, pairSelect+` WHERE org_id = $1 AND lo_id = $2 AND hi_id = $3`, orgID, k[0], k[1])
	if err != nil {
		return supplychain.DuplicatePair{}, classify(err, "facility pair")
	}
	ps, err := scanPairs(rows)
	if err != nil {
		return supplychain.DuplicatePair{}, err
	}
	if len(ps) == 0 {
		return supplychain.DuplicatePair{}, kernel.Errorf(kernel.NotFound, "this pair of facilities is not in the review queue")
	}
	return ps[0], nil
}

// OpenPairs returns one page of the possible duplicates waiting for an
// analyst, highest score first, and how many wait. A pair one of whose
// parties no longer exists (merged elsewhere since) is left out.
func (s *SupplyChain) OpenPairs(ctx context.Context, orgID string, page kernel.Page) ([]supplychain.DuplicatePair, int, error) {
	page = page.Normalise()
	const live = ` FROM facility_pairs f WHERE f.org_id = $1 AND f.status = 'open'
		AND EXISTS (SELECT 1 FROM parties p WHERE p.org_id = f.org_id AND p.id = f.a_id)
		AND EXISTS (SELECT 1 FROM parties p WHERE p.org_id = f.org_id AND p.id = f.b_id)`
	var total int
	if err := s.db.read.QueryRowContext(ctx, `SELECT count(*)`+live, orgID).Scan(&total); err != nil {
		return nil, 0, classify(err, "facility pairs")
	}
	rows, err := s.db.read.QueryContext(ctx, fmt.Sprintf(`SELECT f.a_id, f.b_id, f.score, f.reasons, f.import_id, f.source_file,
		f.source_line, f.source_event, f.status, f.found_at, f.decided_at, f.decided_by%s
		ORDER BY f.score DESC, f.lo_id, f.hi_id LIMIT %d OFFSET %d`, live, page.Limit, page.Offset), orgID)
	if err != nil {
		return nil, 0, classify(err, "facility pairs")
	}
	ps, err := scanPairs(rows)
	return ps, total, err
}

// Merges returns one page of the organisation's merges, latest first, and
// how many there are.
func (s *SupplyChain) Merges(ctx context.Context, orgID string, page kernel.Page) ([]supplychain.Merge, int, error) {
	page = page.Normalise()
	var total int
	if err := s.db.read.QueryRowContext(ctx, `SELECT count(*) FROM facility_merges WHERE org_id = $1`, orgID).Scan(&total); err != nil {
		return nil, 0, classify(err, "facility merges")
	}
	rows, err := s.db.read.QueryContext(ctx, fmt.Sprintf(`%s WHERE org_id = $1 ORDER BY merged_at DESC, id DESC LIMIT %d OFFSET %d`,
		mergeSelect, page.Limit, page.Offset), orgID)
	if err != nil {
		return nil, 0, classify(err, "facility merges")
	}
	ms, err := scanMerges(rows)
	return ms, total, err
}

// Merge returns one merge, or kernel.NotFound.
func (s *SupplyChain) Merge(ctx context.Context, orgID, id string) (supplychain.Merge, error) {
	rows, err := s.db.read.QueryContext(ctx, mergeSelect+` WHERE org_id = $1 AND id = $2`, orgID, id)
	if err != nil {
		return supplychain.Merge{}, classify(err, "facility merge")
	}
	ms, err := scanMerges(rows)
	if err != nil {
		return supplychain.Merge{}, err
	}
	if len(ms) == 0 {
		return supplychain.Merge{}, kernel.Errorf(kernel.NotFound, "facility merge %s not found", id)
	}
	return ms[0], nil
}
