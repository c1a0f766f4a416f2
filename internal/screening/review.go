package screening

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// ReviewStatus is where a hit stands in the review queue.
type ReviewStatus string

const (
	StatusPending   ReviewStatus = "pending"   // waiting for a reviewer
	StatusConfirmed ReviewStatus = "confirmed" // a true match: becomes a risk signal for the party
	StatusDismissed ReviewStatus = "dismissed" // a false match, with the reason
)

// Valid reports whether s is one of the three statuses.
func (s ReviewStatus) Valid() bool {
	return s == StatusPending || s == StatusConfirmed || s == StatusDismissed
}

// ReviewItem is one hit in the review queue: which party matched which list
// entity, with the score and reasons at screening time, and the decision.
type ReviewItem struct {
	ID        string // kernel.NewID
	OrgID     string // the organisation (tenant) that screened
	PartyID   string // the screened party (supplier) or query id
	PartyName string
	ListName  string
	ListSHA   string // checksum of the list version that produced the hit
	EntityID  string
	Entity    string // the entity's primary name
	Matched   string // the list name that matched
	Score     float64
	Reasons   []string
	Status    ReviewStatus
	Decision  *Decision // nil while pending
	// Changed is set when a re-screening against a newer list gave a
	// different score or matched name for an already decided hit; the
	// earlier decision is kept and the change shown to the reviewer.
	Changed bool
	// Missing is set when the last re-screening of the party against a
	// newer version of the list no longer found this hit (the entity left
	// the list or now scores below the threshold). The item and its
	// decision stay; a missing hit is no longer a risk signal.
	Missing   bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Decision is a reviewer's verdict on a hit.
type Decision struct {
	Status   ReviewStatus // confirmed or dismissed
	Reason   string       // required when dismissing; a note when confirming
	Reviewer string       // user id of the reviewer
	At       time.Time
}

// MaxReasonLength bounds a decision's reason.
const MaxReasonLength = 2000

// NewReviewItem makes a pending review item from a hit.
func NewReviewItem(orgID, partyID, partyName string, list List, h Hit, clock kernel.Clock) ReviewItem {
	now := clock.Now()
	return ReviewItem{
		ID: kernel.NewID(), OrgID: orgID, PartyID: partyID, PartyName: partyName,
		ListName: h.Entity.ListName, ListSHA: list.SHA256, EntityID: h.Entity.ID, Entity: h.Entity.Name,
		Matched: h.MatchedName, Score: h.Score, Reasons: append([]string(nil), h.Reasons...),
		Status: StatusPending, CreatedAt: now, UpdatedAt: now,
	}
}

// Decide records a reviewer's decision on the item. Dismissing needs a
// reason; a decided item may be decided again (the audit log keeps the
// history). Returns an Invalid error saying what is wrong.
func (it *ReviewItem) Decide(status ReviewStatus, reason, reviewer string, clock kernel.Clock) error {
	reason = strings.TrimSpace(reason)
	switch {
	case status != StatusConfirmed && status != StatusDismissed:
		return kernel.Errorf(kernel.Invalid, "decision must be %q or %q, not %q", StatusConfirmed, StatusDismissed, status)
	case status == StatusDismissed && reason == "":
		return kernel.Errorf(kernel.Invalid, "dismissing a hit needs a reason")
	case len(reason) > MaxReasonLength:
		return kernel.Errorf(kernel.Invalid, "reason is longer than %d characters", MaxReasonLength)
	case strings.TrimSpace(reviewer) == "":
		return kernel.Errorf(kernel.Invalid, "a decision needs the reviewer")
	}
	now := clock.Now()
	it.Status = status
	it.Decision = &Decision{Status: status, Reason: reason, Reviewer: reviewer, At: now}
	it.Changed = false
	it.UpdatedAt = now
	return nil
}

// Rescreened merges a new screening result into an existing item for the
// same party and entity: the decision stays, and Changed is set when the
// score or the matched name moved.
func (it *ReviewItem) Rescreened(list List, h Hit, clock kernel.Clock) {
	if it.Score != h.Score || it.Matched != h.MatchedName || it.Missing {
		it.Changed = it.Status != StatusPending
		it.Score, it.Matched = h.Score, h.MatchedName
		it.Reasons = append([]string(nil), h.Reasons...)
		it.Missing = false
		it.UpdatedAt = clock.Now()
	}
	it.ListSHA = list.SHA256
}

// NotFoundAgain records that a re-screening of the party against list
// (a version other than the one that produced the item) no longer found
// the hit. A decided item is flagged as changed so a reviewer looks again.
// It reports whether the item changed.
func (it *ReviewItem) NotFoundAgain(list List, clock kernel.Clock) bool {
	if it.Missing || it.ListSHA == list.SHA256 {
		return false
	}
	it.Missing = true
	it.Changed = it.Status != StatusPending
	it.ListSHA = list.SHA256
	it.UpdatedAt = clock.Now()
	return true
}

// ReviewFilter selects review items.
type ReviewFilter struct {
	OrgID    string       // required
	Status   ReviewStatus // empty: all
	PartyID  string       // empty: all
	ListName string       // empty: all lists
	Changed  bool         // only items flagged as changed by a re-screening
	Sort     ReviewSort   // empty: most recently updated first
	Page     kernel.Page
}

// ReviewSort orders a page of the review queue.
type ReviewSort string

const (
	// SortRecent puts the most recently updated items first (the default).
	SortRecent ReviewSort = ""
	// SortScore puts the highest scores first.
	SortScore ReviewSort = "score"
	// SortSupplier groups items by supplier name, each supplier's highest
	// score first.
	SortSupplier ReviewSort = "supplier"
)

// ReviewStore persists the review queue. A SQL adapter implements it for
// SQLite and PostgreSQL; the rules above stay here.
type ReviewStore interface {
	// PutReviewItem inserts the item, or updates the one with the same
	// OrgID, PartyID, ListName and EntityID. Returns Invalid for an item
	// without those keys.
	PutReviewItem(ctx context.Context, it ReviewItem) error
	// ReviewItem returns the item with this id in the organisation, or a
	// NotFound error.
	ReviewItem(ctx context.Context, orgID, id string) (ReviewItem, error)
	// FindReviewItem returns the item for a party and list entity, or a
	// NotFound error; used when re-screening keeps earlier decisions.
	FindReviewItem(ctx context.Context, orgID, partyID, listName, entityID string) (ReviewItem, error)
	// ListReviewItems returns items matching the filter, most recently
	// updated first. Returns Invalid without an organisation.
	ListReviewItems(ctx context.Context, f ReviewFilter) ([]ReviewItem, error)
	// CountReviewItems returns the number of the organisation's items in
	// each status (statuses without items are absent).
	CountReviewItems(ctx context.Context, orgID string) (map[ReviewStatus]int, error)
	// EachPartyHit calls fn for every item of the organisation with one of
	// the given statuses that is not Missing, ordered by party id, and stops
	// at the first error fn returns, returning it. It serves risk
	// recomputation, which needs every party's hits at once.
	EachPartyHit(ctx context.Context, orgID string, statuses []ReviewStatus, fn func(ReviewItem) error) error
}

// ReviewKey is it's sort key in the order sortBy, as kernel.Page.After
// takes it: the values the order compares, the item's id last.
func ReviewKey(it ReviewItem, sortBy ReviewSort) []string {
	score := strconv.FormatFloat(it.Score, 'g', -1, 64)
	switch sortBy {
	case SortScore:
		return []string{score, it.PartyName, it.ID}
	case SortSupplier:
		return []string{it.PartyName, it.PartyID, score, it.ID}
	}
	return []string{it.UpdatedAt.UTC().Format(time.RFC3339Nano), it.ID}
}
