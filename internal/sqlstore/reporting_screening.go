package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/upstream-platform/upstream/internal/report"
)

// ScreeningSummary returns the organisation's screening status (of one
// party when partyID is set) from its latest screening run and the review
// queue; nil when nothing was ever screened. Hits a newer list no longer
// produces do not count.
func (r *Reporting) ScreeningSummary(ctx context.Context, orgID, partyID string) (*report.Screening, error) {
	var at time.Time
	var screened int
	var lists string
	err := r.db.read.QueryRowContext(ctx, "SELECT at, parties, lists FROM screening_runs WHERE org_id = $1", orgID).Scan(&at, &screened, &lists)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, classify(err, "screening run")
	}
	out := &report.Screening{AsOf: at.UTC()}
	var ls []screeningRunList
	if err := json.Unmarshal([]byte(lists), &ls); err != nil {
		return nil, classify(err, "screening run lists")
	}
	for _, l := range ls {
		ed := ""
		if !l.Published.IsZero() {
			ed = l.Published.Format(time.DateOnly)
		}
		out.Lists = append(out.Lists, report.List{Name: l.Name, Edition: ed})
	}
	q := "SELECT status, count(*) FROM screening_reviews WHERE org_id = $1 AND missing = $2"
	args := []any{orgID, false}
	if partyID == "" {
		if err := r.db.read.QueryRowContext(ctx, "SELECT count(*) FROM parties WHERE org_id = $1", orgID).Scan(&out.Parties); err != nil {
			return nil, classify(err, "parties")
		}
		out.Screened = min(screened, out.Parties)
	} else {
		// A party stored before the latest run was screened in it.
		out.Parties, out.Screened = 1, 1
		q += " AND party_id = $3"
		args = append(args, partyID)
	}
	rows, err := r.db.read.QueryContext(ctx, q+" GROUP BY status", args...)
	if err != nil {
		return nil, classify(err, "screening reviews")
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return nil, classify(err, "screening reviews")
		}
		switch status {
		case "pending":
			out.Pending = n
		case "confirmed":
			out.Confirmed = n
		case "dismissed":
			out.Dismissed = n
		}
	}
	return out, classify(rows.Err(), "screening reviews")
}
