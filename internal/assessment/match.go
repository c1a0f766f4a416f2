package assessment

import (
	"context"
	"slices"
	"time"

	"github.com/upstream-platform/upstream/internal/facilitymatch"
	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// MatchSummary says what the facility matcher did in one import.
type MatchSummary struct {
	// Merged are the facilities read by the import that were merged into
	// a stored one (or one read earlier in the same import).
	Merged []supplychain.Merge
	// Queued counts the pairs put in the possible-duplicates queue.
	Queued int
}

// readFacilities remembers, for the matcher, every facility an import
// read and where: it passes everything on to the import's writer and is
// told each party's row by the importer (ingest.SourcedSink).
type readFacilities struct {
	ImportWriter
	origin  supplychain.Origin // the import and the file being read
	order   []string           // facility ids, in the order first read
	origins map[string]supplychain.Origin
	pending string // the facility last received, waiting for its source
	// ledger follows EPCIS events across imports; nil when the store
	// does not keep them.
	ledger *eventLedger
}

func (r *readFacilities) Link(l supplychain.Link) error {
	if err := r.ImportWriter.Link(l); err != nil {
		return err
	}
	if r.ledger != nil {
		r.ledger.link(l.Key())
	}
	return nil
}

func (r *readFacilities) EventLinks(k supplychain.LinkKey, events []string, anon bool) {
	if r.ledger != nil {
		r.ledger.eventLinks(k, events, anon)
	}
}

func (r *readFacilities) Declaration(d ingest.Declaration) {
	if r.ledger != nil {
		r.ledger.declarations = append(r.ledger.declarations, d)
	}
}

func (r *readFacilities) Applied(eventID string) {
	if r.ledger != nil {
		r.ledger.applied = append(r.ledger.applied, eventID)
	}
}

func (r *readFacilities) Containment(c supplychain.Containment) {
	if r.ledger != nil {
		r.ledger.containment = append(r.ledger.containment, c)
	}
}

func (r *readFacilities) Party(p supplychain.Party) error {
	if err := r.ImportWriter.Party(p); err != nil {
		return err
	}
	r.pending = ""
	if p.Kind != supplychain.KindFacility {
		return nil
	}
	if _, ok := r.origins[p.ID]; !ok {
		r.order = append(r.order, p.ID)
		o := r.origin
		r.origins[p.ID] = o
		r.pending = p.ID
	}
	return nil
}

func (r *readFacilities) PartySource(id string, src ingest.Source) {
	if id != r.pending {
		return
	}
	o := r.origins[id]
	o.Line, o.EventID = src.Line, src.EventID
	r.origins[id] = o
	r.pending = ""
}

func (r *readFacilities) LinkSource(supplychain.LinkKey, ingest.Source) {}

// facilitiesRead is a writer that knows, in some imports, every facility
// the organisation will have once it flushes, before it flushes
// (sqlstore.Writer.FacilitiesRead); ok is false when it does not.
type facilitiesRead interface {
	FacilitiesRead() (ps []supplychain.Party, ok bool, err error)
}

// scoredFacilities is the matcher's work on the facilities of an import:
// the parties compared, by the records' positions, and the pairs found.
type scoredFacilities struct {
	ids   []string
	pairs []facilitymatch.Pair
	err   error
}

// scoreEarly starts the matcher, once the last file is read, on a
// goroutine of its own, when the writer knows already what the
// organisation's facilities will be: the matcher's work (which is not the
// store's) then runs beside the writer's last flush instead of after it.
// It returns nil when there is no matcher or the writer cannot say yet;
// matchImported then scores the stored facilities itself.
func (s *Service) scoreEarly(ctx context.Context, w ImportWriter, read *readFacilities) (<-chan scoredFacilities, error) {
	fr, ok := w.(facilitiesRead)
	if s.Matcher == nil || !ok || len(read.order) == 0 {
		return nil, nil
	}
	stored, ok, err := fr.FacilitiesRead()
	if err != nil || !ok {
		return nil, err
	}
	order := slices.Clone(read.order)
	out := make(chan scoredFacilities, 1)
	go func() { out <- s.scoreFacilities(ctx, stored, order) }()
	return out, nil
}

// scoreFacilities runs the matcher over the facilities read (order, as
// first read) against the others stored and among themselves.
func (s *Service) scoreFacilities(ctx context.Context, stored []supplychain.Party, order []string) scoredFacilities {
	isNew := make(map[string]bool, len(order))
	for _, id := range order {
		isNew[id] = true
	}
	byID := make(map[string]supplychain.Party, len(order))
	ids := make([]string, 0, len(stored))
	recs := make([]facilitymatch.Record, 0, len(stored))
	for _, p := range stored {
		if isNew[p.ID] {
			byID[p.ID] = p
			continue
		}
		ids = append(ids, p.ID)
		recs = append(recs, matchRecord(p))
	}
	newFrom := len(ids)
	for _, id := range order {
		p, ok := byID[id]
		if !ok {
			continue // merged away or replaced by a party of another kind
		}
		ids = append(ids, id)
		recs = append(recs, matchRecord(p))
	}
	pairs, err := s.Matcher.Match(ctx, recs, newFrom)
	return scoredFacilities{ids: ids, pairs: pairs, err: err}
}

// matchImported runs the facility matcher over the facilities the import
// read against those stored and among themselves, or takes its work from
// scored when it was started early (scoreEarly). A pair scored "same"
// is merged (the facility read later into the one stored or read first)
// unless an analyst kept it apart; a pair scored "review" goes to the
// possible-duplicates queue. A facility already merged in this run, or
// one others were merged into, is queued rather than merged again, so
// that every merge can be undone on its own.
func (s *Service) matchImported(ctx context.Context, w supplychain.FacilityMergeWriter, read *readFacilities,
	scored <-chan scoredFacilities) (MatchSummary, error) {
	var sum MatchSummary
	if len(read.order) == 0 {
		return sum, nil
	}
	var run scoredFacilities
	if scored != nil {
		run = <-scored
	} else {
		stored, err := w.Facilities()
		if err != nil {
			return sum, err
		}
		run = s.scoreFacilities(ctx, stored, read.order)
	}
	if run.err != nil {
		return sum, run.err
	}
	ids, pairs := run.ids, run.pairs
	decided, err := w.DecidedPairs()
	if err != nil {
		return sum, err
	}
	// The surest pairs first, so that a facility close to two others is
	// merged into the one it is most like.
	slices.SortStableFunc(pairs, func(x, y facilitymatch.Pair) int {
		switch {
		case x.Score > y.Score:
			return -1
		case x.Score < y.Score:
			return 1
		}
		return 0
	})
	now := s.clock().Now()
	gone := map[string]bool{}   // merged away in this run
	keeper := map[string]bool{} // others merged into it in this run
	for _, p := range pairs {
		a, b := ids[p.A], ids[p.B]
		if decided[supplychain.PairKey(a, b)] == supplychain.PairKeptApart || gone[a] || gone[b] {
			continue
		}
		o := read.origins[b]
		if p.Decision == facilitymatch.Same && !keeper[b] {
			m, err := w.MergeFacility(supplychain.Merge{Into: a, From: b, Rule: supplychain.RuleAutomatic,
				Score: p.Score, Reasons: p.Reasons, Origin: o, At: now})
			if err != nil {
				return sum, err
			}
			gone[b], keeper[a] = true, true
			sum.Merged = append(sum.Merged, m)
			continue
		}
		if err := w.QueuePair(supplychain.DuplicatePair{A: a, B: b, Score: p.Score, Reasons: p.Reasons, Origin: o,
			Status: supplychain.PairOpen, At: now}); err != nil {
			return sum, err
		}
		sum.Queued++
	}
	return sum, nil
}

// matchRecord is what the matcher compares of a party.
func matchRecord(p supplychain.Party) facilitymatch.Record {
	r := facilitymatch.Record{Name: p.Name, Address: p.Address, Country: p.Country, OSID: p.OSID, LEI: p.LEI, GLN: p.GLN}
	if p.Lat != nil && p.Lng != nil {
		r.Lat, r.Lng, r.HasCoord = *p.Lat, *p.Lng, true
	}
	return r
}

func (s *Service) clock() kernel.Clock {
	if s.Clock != nil {
		return s.Clock
	}
	return kernel.SystemClock{}
}

// MergeStore keeps the decisions on possible duplicates made outside
// imports; sqlstore.SupplyChain implements it.
type MergeStore interface {
	MergePair(ctx context.Context, orgID, a, b, actor string, at time.Time) (supplychain.Merge, error)
	KeepApart(ctx context.Context, orgID, a, b, actor string, at time.Time) (supplychain.DuplicatePair, error)
	UndoMerge(ctx context.Context, orgID, id, actor string, at time.Time) (supplychain.Merge, error)
}

// MergePair merges a queued pair on an analyst's decision and recomputes
// the organisation's risk.
func (s *Service) MergePair(ctx context.Context, ms MergeStore, orgID, a, b, actor string) (supplychain.Merge, error) {
	m, err := ms.MergePair(ctx, orgID, a, b, actor, s.clock().Now())
	if err != nil {
		return m, err
	}
	_, err = s.Recompute(ctx, orgID)
	return m, err
}

// KeepApart records that a queued pair are two places.
func (s *Service) KeepApart(ctx context.Context, ms MergeStore, orgID, a, b, actor string) (supplychain.DuplicatePair, error) {
	return ms.KeepApart(ctx, orgID, a, b, actor, s.clock().Now())
}

// UndoMerge takes a merge back, restoring both facilities and their links,
// and recomputes the organisation's risk.
func (s *Service) UndoMerge(ctx context.Context, ms MergeStore, orgID, id, actor string) (supplychain.Merge, error) {
	m, err := ms.UndoMerge(ctx, orgID, id, actor, s.clock().Now())
	if err != nil {
		return m, err
	}
	_, err = s.Recompute(ctx, orgID)
	return m, err
}
