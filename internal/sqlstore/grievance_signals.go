package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/upstream-platform/upstream/internal/earlywarning"
)

// GrievanceDayCounts counts the organisation's reports received from day
// `from` to day `to` (inclusive, YYYY-MM-DD) per supplier, country and
// category. Purged reports still count: the count is not content.
func (g *Grievances) GrievanceDayCounts(ctx context.Context, orgID, from, to string) ([]earlywarning.SubjectCount, error) {
	rows, err := g.db.read.QueryContext(ctx, `SELECT received, supplier_id, country, categories FROM grievance_reports
		WHERE org_id = $1 AND received >= $2 AND received <= $3`, orgID, from, to)
	if err != nil {
		return nil, classify(err, "grievance counts")
	}
	defer rows.Close()
	type key struct {
		day string
		sub earlywarning.Subject
	}
	counts := map[key]int{}
	var order []key
	add := func(day string, kind earlywarning.SubjectKind, id string) {
		if id == "" {
			return
		}
		k := key{day, earlywarning.Subject{Kind: kind, ID: id}}
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	for rows.Next() {
		var day, supplier, country, cats string
		if err := rows.Scan(&day, &supplier, &country, &cats); err != nil {
			return nil, classify(err, "grievance counts")
		}
		add(day, earlywarning.SubjectParty, supplier)
		add(day, earlywarning.SubjectCountry, country)
		for _, c := range strings.Fields(cats) {
			add(day, earlywarning.SubjectCategory, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err, "grievance counts")
	}
	out := make([]earlywarning.SubjectCount, len(order))
	for i, k := range order {
		out[i] = earlywarning.SubjectCount{Day: k.day, Subject: k.sub, Count: counts[k]}
	}
	return out, nil
}

// PutSignals stores signals whose ids the producer derived from their
// content; a signal already stored is left as it is, so a producer may
// re-send a window it is unsure about.
func (e *EarlyWarning) PutSignals(ctx context.Context, sigs []earlywarning.Signal) error {
	for _, s := range sigs {
		if err := s.Validate(); err != nil {
			return err
		}
	}
	return e.db.InTx(ctx, func(tx *sql.Tx) error {
		for _, s := range sigs {
			_, err := tx.ExecContext(ctx, `INSERT INTO ew_signals (id, org_id, kind, subject_kind, subject_id, at, value, source)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
				s.ID, s.OrgID, string(s.Kind), string(s.Subject.Kind), s.Subject.ID, s.At.UTC(), s.Value, s.Source)
			if err != nil {
				return classify(err, "signal "+s.ID)
			}
		}
		return nil
	})
}

// ReceivedPerDay counts the organisation's reports by the day they were
// received, from and to inclusive ('YYYY-MM-DD'), purged ones included: a
// flood stays visible after its junk is purged.
func (g *Grievances) ReceivedPerDay(ctx context.Context, orgID, from, to string) (map[string]int, error) {
	rows, err := g.db.read.QueryContext(ctx, `SELECT received, count(*) FROM grievance_reports
		WHERE org_id = $1 AND received >= $2 AND received <= $3 GROUP BY received`, orgID, from, to)
	if err != nil {
		return nil, classify(err, "grievance counts")
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var day string
		var n int
		if err := rows.Scan(&day, &n); err != nil {
			return nil, classify(err, "grievance counts")
		}
		out[day] = n
	}
	return out, classify(rows.Err(), "grievance counts")
}
