package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/screening"
)

// Screening implements screening.ReviewStore: the hit review queue.
type Screening struct{ db *DB }

// Screening returns the screening review queue repository.
func (db *DB) Screening() *Screening { return &Screening{db: db} }

var _ screening.ReviewStore = (*Screening)(nil)

const reviewColumns = `id, org_id, party_id, party_name, list_name, list_sha, entity_id, entity_name, matched_name,
	score, reasons, status, decision_reason, reviewer, decided_at, changed, missing, created_at, updated_at`

func scanReview(row interface{ Scan(...any) error }) (screening.ReviewItem, error) {
	var it screening.ReviewItem
	var reasons, status, reason, reviewer string
	var decided sql.NullTime
	err := row.Scan(&it.ID, &it.OrgID, &it.PartyID, &it.PartyName, &it.ListName, &it.ListSHA, &it.EntityID, &it.Entity,
		&it.Matched, &it.Score, &reasons, &status, &reason, &reviewer, &decided, &it.Changed, &it.Missing,
		&it.CreatedAt, &it.UpdatedAt)
	if err != nil {
		return it, err
	}
	if err := json.Unmarshal([]byte(reasons), &it.Reasons); err != nil {
		return it, fmt.Errorf("review item %s: reasons: %w", it.ID, err)
	}
	it.Status = screening.ReviewStatus(status)
	if decided.Valid {
		it.Decision = &screening.Decision{Status: it.Status, Reason: reason, Reviewer: reviewer, At: decided.Time.UTC()}
	}
	it.CreatedAt, it.UpdatedAt = it.CreatedAt.UTC(), it.UpdatedAt.UTC()
	return it, nil
}

func (s *Screening) PutReviewItem(ctx context.Context, it screening.ReviewItem) error {
	if it.ID == "" || it.OrgID == "" || it.PartyID == "" || it.ListName == "" || it.EntityID == "" {
		return kernel.Errorf(kernel.Invalid, "a review item needs an id, organisation, party, list and entity")
	}
	if !it.Status.Valid() {
		return kernel.Errorf(kernel.Invalid, "review status %q is not pending, confirmed or dismissed", it.Status)
	}
	reasons, err := json.Marshal(it.Reasons)
	if err != nil {
		return err
	}
	var reason, reviewer string
	var decided any
	if d := it.Decision; d != nil {
		reason, reviewer, decided = d.Reason, d.Reviewer, nullTime(d.At)
	}
	_, err = s.db.write.ExecContext(ctx, `INSERT INTO screening_reviews (`+reviewColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
		ON CONFLICT (org_id, party_id, list_name, entity_id) DO UPDATE SET
			party_name = excluded.party_name, list_sha = excluded.list_sha, entity_name = excluded.entity_name,
			matched_name = excluded.matched_name, score = excluded.score, reasons = excluded.reasons,
			status = excluded.status, decision_reason = excluded.decision_reason, reviewer = excluded.reviewer,
			decided_at = excluded.decided_at, changed = excluded.changed, missing = excluded.missing,
			updated_at = excluded.updated_at`,
		it.ID, it.OrgID, it.PartyID, it.PartyName, it.ListName, it.ListSHA, it.EntityID, it.Entity, it.Matched,
		it.Score, string(reasons), string(it.Status), reason, reviewer, decided, it.Changed, it.Missing,
		it.CreatedAt.UTC(), it.UpdatedAt.UTC())
	return classify(err, "review item")
}

func (s *Screening) ReviewItem(ctx context.Context, orgID, id string) (screening.ReviewItem, error) {
	it, err := scanReview(s.db.read.QueryRowContext(ctx,
		"SELECT "+reviewColumns+" FROM screening_reviews WHERE org_id = $1 AND id = $2", orgID, id))
	return it, classify(err, "review item")
}

func (s *Screening) FindReviewItem(ctx context.Context, orgID, partyID, listName, entityID string) (screening.ReviewItem, error) {
	it, err := scanReview(s.db.read.QueryRowContext(ctx, "SELECT "+reviewColumns+
		" FROM screening_reviews WHERE org_id = $1 AND party_id = $2 AND list_name = $3 AND entity_id = $4",
		orgID, partyID, listName, entityID))
	return it, classify(err, "review item")
}

// reviewOrder is each order of the review queue (screening.ReviewKey gives
// an item's key in it).
var reviewOrder = map[screening.ReviewSort][]keyCol{
	screening.SortRecent:   {{"updated_at", true, keyTime}, {"id", true, keyText}},
	screening.SortScore:    {{"score", true, keyFloat}, {"party_name", false, keyText}, {"id", false, keyText}},
	screening.SortSupplier: {{"party_name", false, keyText}, {"party_id", false, keyText}, {"score", true, keyFloat}, {"id", false, keyText}},
}

func (s *Screening) ListReviewItems(ctx context.Context, f screening.ReviewFilter) ([]screening.ReviewItem, error) {
	if f.OrgID == "" {
		return nil, kernel.Errorf(kernel.Invalid, "listing review items needs the organisation")
	}
	page := f.Page.Normalise()
	where := []string{"org_id = $1"}
	args := []any{f.OrgID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "$?", fmt.Sprintf("$%d", len(args))))
	}
	if f.Status != "" {
		add("status = $?", string(f.Status))
	}
	if f.PartyID != "" {
		add("party_id = $?", f.PartyID)
	}
	if f.ListName != "" {
		add("list_name = $?", f.ListName)
	}
	if f.Changed {
		add("changed = $?", true)
	}
	cols, ok := reviewOrder[f.Sort]
	if !ok {
		return nil, kernel.Errorf(kernel.Invalid, "sort %q is not one of score, supplier", f.Sort)
	}
	if len(page.After) > 0 {
		cond, kargs, err := keysetAfter(cols, page.After, len(args))
		if err != nil {
			return nil, err
		}
		where, args = append(where, cond), append(args, kargs...)
	}
	args = append(args, page.Limit, page.Offset)
	q := fmt.Sprintf("SELECT %s FROM screening_reviews WHERE %s ORDER BY %s LIMIT $%d OFFSET $%d",
		reviewColumns, strings.Join(where, " AND "), orderBy(cols), len(args)-1, len(args))
	return s.query(ctx, q, args...)
}

func (s *Screening) query(ctx context.Context, q string, args ...any) ([]screening.ReviewItem, error) {
	rows, err := s.db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, classify(err, "review items")
	}
	defer rows.Close()
	var out []screening.ReviewItem
	for rows.Next() {
		it, err := scanReview(rows)
		if err != nil {
			return nil, classify(err, "review items")
		}
		out = append(out, it)
	}
	return out, classify(rows.Err(), "review items")
}

func (s *Screening) CountReviewItems(ctx context.Context, orgID string) (map[screening.ReviewStatus]int, error) {
	rows, err := s.db.read.QueryContext(ctx,
		"SELECT status, COUNT(*) FROM screening_reviews WHERE org_id = $1 GROUP BY status", orgID)
	if err != nil {
		return nil, classify(err, "review counts")
	}
	defer rows.Close()
	out := map[screening.ReviewStatus]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, classify(err, "review counts")
		}
		out[screening.ReviewStatus(st)] = n
	}
	return out, classify(rows.Err(), "review counts")
}

// EachPartyHit reads in pages keyed on (party_id, id), so a long walk holds
// no read transaction open and sees no row twice.
func (s *Screening) EachPartyHit(ctx context.Context, orgID string, statuses []screening.ReviewStatus, fn func(screening.ReviewItem) error) error {
	if len(statuses) == 0 {
		return nil
	}
	const batch = 1000
	args := []any{orgID, false}
	marks := make([]string, len(statuses))
	for i, st := range statuses {
		args = append(args, string(st))
		marks[i] = fmt.Sprintf("$%d", len(args))
	}
	n := len(args)
	q := fmt.Sprintf(`SELECT %s FROM screening_reviews
		WHERE org_id = $1 AND missing = $2 AND status IN (%s) AND (party_id > $%d OR (party_id = $%d AND id > $%d))
		ORDER BY party_id, id LIMIT %d`, reviewColumns, strings.Join(marks, ", "), n+1, n+2, n+3, batch)
	lastParty, lastID := "", ""
	for {
		items, err := s.query(ctx, q, append(args[:n:n], lastParty, lastParty, lastID)...)
		if err != nil {
			return err
		}
		for _, it := range items {
			if err := fn(it); err != nil {
				return err
			}
		}
		if len(items) < batch {
			return nil
		}
		lastParty, lastID = items[len(items)-1].PartyID, items[len(items)-1].ID
	}
}

// screeningRunList is how a run's lists are stored.
type screeningRunList struct {
	Name      string    `json:"name"`
	Published time.Time `json:"published,omitzero"`
}

// RecordRun keeps the organisation's latest screening of all parties.
func (s *Screening) RecordRun(ctx context.Context, orgID string, at time.Time, parties int, lists []screening.List) error {
	ls := make([]screeningRunList, len(lists))
	for i, l := range lists {
		ls[i] = screeningRunList{Name: l.Name, Published: l.Published}
	}
	b, err := json.Marshal(ls)
	if err != nil {
		return err
	}
	_, err = s.db.write.ExecContext(ctx, `INSERT INTO screening_runs (org_id, at, parties, lists) VALUES ($1, $2, $3, $4)
		ON CONFLICT (org_id) DO UPDATE SET at = excluded.at, parties = excluded.parties, lists = excluded.lists`,
		orgID, at.UTC(), parties, string(b))
	return classify(err, "screening run")
}
