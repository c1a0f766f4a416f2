package screening

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// Audit action codes of the review queue. Entries carry these codes and
// identifiers only: never a party's or an entity's name, nor the free-text
// reason of a decision.
const (
	ActionConfirm = "screening.hit.confirm"
	ActionDismiss = "screening.hit.dismiss"
	ActionRun     = "screening.run"
)

// ReviewService runs the review queue: it files the hits of screenings,
// keeps earlier decisions through re-screenings against newer lists, records
// reviewers' decisions in the audit log, and turns reviewed hits into risk
// signals.
type ReviewService struct {
	Store ReviewStore
	Audit audit.Store
	Clock kernel.Clock
	// Signals, when set, receives an early-warning signal for each
	// confirmed hit, so alerts can follow a new confirmed listing.
	Signals SignalSink
	// Runs, when set, records each completed screening of all parties.
	Runs RunRecorder
}

// RunRecorder keeps the latest screening of an organisation's parties.
type RunRecorder interface {
	RecordRun(ctx context.Context, orgID string, at time.Time, parties int, lists []List) error
}

// SignalSink stores early-warning signals, ignoring ones already stored
// (ids are derived from what they report).
type SignalSink interface {
	PutSignals(ctx context.Context, sigs []earlywarning.Signal) error
}

// Screened is one screened party and the hits its screening returned.
type Screened struct {
	PartyID   string
	PartyName string
	Hits      []Hit
}

// RecordSummary counts what filing a screening did to the queue.
type RecordSummary struct {
	Parties int // parties screened
	Hits    int // hits returned
	New     int // new pending items
	Changed int // decided items whose hit moved (flagged for a second look)
	Missing int // items no longer found by a newer version of their list
}

// Record files the hits of screened parties. lists are the lists the
// screening ran against (with their checksums): a hit already in the queue
// keeps its decision and is flagged as changed when its score or matched
// name moved; an item of a screened party from one of those lists that the
// new hits lack, and that came from another version of the list, is
// flagged Missing. actor is the user id (or "system") for the audit entry.
func (s *ReviewService) Record(ctx context.Context, orgID, actor string, lists []List, screened []Screened) (RecordSummary, error) {
	var sum RecordSummary
	if err := s.record(ctx, orgID, listsByName(lists), screened, &sum); err != nil {
		return sum, err
	}
	return sum, s.auditRun(ctx, orgID, actor, lists, sum)
}

func listsByName(lists []List) map[string]List {
	byName := make(map[string]List, len(lists))
	for _, l := range lists {
		byName[l.Name] = l
	}
	return byName
}

func (s *ReviewService) record(ctx context.Context, orgID string, lists map[string]List, screened []Screened, sum *RecordSummary) error {
	if orgID == "" {
		return kernel.Errorf(kernel.Invalid, "recording a screening needs the organisation")
	}
	for _, sc := range screened {
		if err := s.recordParty(ctx, orgID, lists, sc, sum); err != nil {
			return err
		}
	}
	return nil
}

// auditRun appends the screening.run entry with the counts; no entry
// without an actor.
func (s *ReviewService) auditRun(ctx context.Context, orgID, actor string, lists []List, sum RecordSummary) error {
	if actor == "" {
		return nil
	}
	_, err := audit.Append(ctx, s.Audit, s.Clock, audit.Record{Org: orgID, Actor: actor, Action: ActionRun,
		Object: "screening_run:" + kernel.NewID(), Detail: map[string]string{
			"parties": strconv.Itoa(sum.Parties), "hits": strconv.Itoa(sum.Hits), "new": strconv.Itoa(sum.New),
			"changed": strconv.Itoa(sum.Changed), "missing": strconv.Itoa(sum.Missing), "lists": listNames(lists)}})
	if err != nil {
		return fmt.Errorf("audit screening run: %w", err)
	}
	return nil
}

func listNames(lists []List) string {
	names := make([]string, len(lists))
	for i, l := range lists {
		names[i] = l.Name
	}
	return strings.Join(names, ",")
}

func (s *ReviewService) recordParty(ctx context.Context, orgID string, lists map[string]List, sc Screened, sum *RecordSummary) error {
	if strings.TrimSpace(sc.PartyID) == "" {
		return kernel.Errorf(kernel.Invalid, "a screened party needs an id")
	}
	sum.Parties++
	existing, err := s.partyItems(ctx, orgID, sc.PartyID)
	if err != nil {
		return err
	}
	seen := make(map[string]bool, len(sc.Hits))
	for _, h := range sc.Hits {
		if h.Entity == nil {
			continue
		}
		sum.Hits++
		key := h.Entity.ListName + "\x00" + h.Entity.ID
		if seen[key] {
			continue // the same entity matched through two names: keep the best, which comes first
		}
		seen[key] = true
		list := lists[h.Entity.ListName]
		it, ok := existing[key]
		if !ok {
			it = NewReviewItem(orgID, sc.PartyID, sc.PartyName, list, h, s.Clock)
			sum.New++
		} else {
			wasChanged := it.Changed
			it.Rescreened(list, h, s.Clock)
			if it.Changed && !wasChanged {
				sum.Changed++
			}
			it.PartyName = sc.PartyName
		}
		if err := s.Store.PutReviewItem(ctx, it); err != nil {
			return err
		}
	}
	for key, it := range existing {
		list, screenedNow := lists[it.ListName]
		if seen[key] || !screenedNow || list.SHA256 == "" {
			continue
		}
		if it.NotFoundAgain(list, s.Clock) {
			sum.Missing++
			if err := s.Store.PutReviewItem(ctx, it); err != nil {
				return err
			}
		}
	}
	return nil
}

// partyItems returns every queue item of a party, keyed by list and entity.
func (s *ReviewService) partyItems(ctx context.Context, orgID, partyID string) (map[string]ReviewItem, error) {
	out := map[string]ReviewItem{}
	for off := 0; ; off += kernel.MaxPageLimit {
		items, err := s.Store.ListReviewItems(ctx, ReviewFilter{OrgID: orgID, PartyID: partyID,
			Page: kernel.Page{Limit: kernel.MaxPageLimit, Offset: off}})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			out[it.ListName+"\x00"+it.EntityID] = it
		}
		if len(items) < kernel.MaxPageLimit {
			return out, nil
		}
	}
}

// Decide records a reviewer's decision on the item with this id in the
// organisation and appends it to the audit log (action code, item, list,
// entity and party ids; never the reason's text). Returns NotFound for an
// item of another organisation and Invalid for a decision Decide refuses.
func (s *ReviewService) Decide(ctx context.Context, orgID, id string, status ReviewStatus, reason, reviewer string) (ReviewItem, error) {
	it, err := s.Store.ReviewItem(ctx, orgID, id)
	if err != nil {
		return it, err
	}
	if err := it.Decide(status, reason, reviewer, s.Clock); err != nil {
		return it, err
	}
	action := ActionConfirm
	if status == StatusDismissed {
		action = ActionDismiss
	}
	// The audit entry is written first: a decision that failed to be stored
	// then leaves a trace, while a stored decision never lacks one.
	if _, err := audit.Append(ctx, s.Audit, s.Clock, audit.Record{Org: orgID, Actor: reviewer, Action: action,
		Object: "screening_review:" + it.ID,
		Detail: map[string]string{"list": it.ListName, "entity": it.EntityID, "party": it.PartyID,
			"with_reason": strconv.FormatBool(it.Decision.Reason != "")}}); err != nil {
		return it, fmt.Errorf("audit decision: %w", err)
	}
	if err := s.Store.PutReviewItem(ctx, it); err != nil {
		return it, err
	}
	if status == StatusConfirmed && s.Signals != nil {
		sig := earlywarning.Signal{ID: "wh-" + it.ID, OrgID: orgID, Kind: earlywarning.KindWatchlistHit,
			Subject: earlywarning.Subject{Kind: earlywarning.SubjectParty, ID: it.PartyID},
			At:      s.Clock.Now(), Value: it.Score, Source: earlywarning.ScreeningSource{List: it.ListName, Entity: it.EntityID}.String()}
		if err := s.Signals.PutSignals(ctx, []earlywarning.Signal{sig}); err != nil {
			return it, fmt.Errorf("record the confirmed hit as a signal: %w", err)
		}
	}
	return it, nil
}

// PartySource lists an organisation's parties; supplychain.Store has it.
type PartySource interface {
	ListParties(ctx context.Context, orgID string, f supplychain.PartyFilter, page kernel.Page) ([]supplychain.Party, int, error)
}

// QueryOf makes the screening query for a stored party: its name, country
// and identifiers (LEI, Open Supply Hub ID, GLN).
func QueryOf(p supplychain.Party) Query {
	q := Query{ID: p.ID, Name: p.Name, Country: p.Country}
	for _, id := range []string{p.LEI, p.OSID, p.GLN} {
		if id != "" {
			q.Identifiers = append(q.Identifiers, id)
		}
	}
	return q
}

// ScreenParties screens every party of the organisation against the index
// and files the hits (see Record). Parties whose name the engine cannot
// screen (empty, too long, invalid text) are skipped and counted in the
// second result. The audit entry names actor.
func (s *ReviewService) ScreenParties(ctx context.Context, orgID, actor string, ix *Index, lists []List, src PartySource, opts Options) (RecordSummary, int, error) {
	var sum RecordSummary
	skipped := 0
	byName := listsByName(lists)
	// One page of parties at a time: screened, then filed, so memory stays
	// flat whatever the size of the register.
	for off := 0; ; off += kernel.MaxPageLimit {
		if err := ctx.Err(); err != nil {
			return sum, skipped, err
		}
		parties, _, err := src.ListParties(ctx, orgID, supplychain.PartyFilter{}, kernel.Page{Limit: kernel.MaxPageLimit, Offset: off})
		if err != nil {
			return sum, skipped, err
		}
		qs := make([]Query, 0, len(parties))
		for _, p := range parties {
			q := QueryOf(p)
			if ValidateQuery(q) != nil {
				skipped++
				continue
			}
			qs = append(qs, q)
		}
		results := ix.SearchBatch(qs, opts)
		page := make([]Screened, len(results))
		for i, r := range results {
			page[i] = Screened{PartyID: qs[i].ID, PartyName: qs[i].Name, Hits: r.Hits}
		}
		if err := s.record(ctx, orgID, byName, page, &sum); err != nil {
			return sum, skipped, err
		}
		if len(parties) < kernel.MaxPageLimit {
			break
		}
	}
	if s.Runs != nil {
		if err := s.Runs.RecordRun(ctx, orgID, s.Clock.Now(), sum.Parties, lists); err != nil {
			return sum, skipped, fmt.Errorf("record the screening run: %w", err)
		}
	}
	return sum, skipped, s.auditRun(ctx, orgID, actor, lists, sum)
}

// PartySignals returns the risk signals of the organisation's reviewed and
// pending hits, by party id: a confirmed hit gives risk.WatchlistConfirmed
// (value 1), a pending one risk.WatchlistPossible (value: its score); a
// dismissed hit, or one a newer list no longer contains, gives none. lists
// supply each signal's edition (the list's publication date) when known.
//
// Risk recomputation (after `upstream import` or on demand) calls it once
// per organisation and adds each party's signals to its inherent risk
// before propagation.
func (s *ReviewService) PartySignals(ctx context.Context, orgID string, lists []List) (map[string][]risk.Signal, error) {
	editions := make(map[string]string, len(lists))
	for _, l := range lists {
		if !l.Published.IsZero() {
			editions[l.Name] = l.Published.Format("2006-01-02")
		}
	}
	out := map[string][]risk.Signal{}
	err := s.Store.EachPartyHit(ctx, orgID, []ReviewStatus{StatusConfirmed, StatusPending}, func(it ReviewItem) error {
		out[it.PartyID] = append(out[it.PartyID], SignalOf(it, editions[it.ListName]))
		return nil
	})
	return out, err
}

// SignalOf turns one confirmed or pending queue item into its risk signal.
func SignalOf(it ReviewItem, edition string) risk.Signal {
	if it.Status == StatusConfirmed {
		return risk.Signal{Kind: risk.WatchlistConfirmed, Value: 1, Source: it.ListName, Edition: edition,
			Note: "confirmed match: " + it.Entity}
	}
	return risk.Signal{Kind: risk.WatchlistPossible, Value: it.Score, Source: it.ListName, Edition: edition,
		Note: fmt.Sprintf("possible match (%.2f): %s", it.Score, it.Entity)}
}
