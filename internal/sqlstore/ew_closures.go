package sqlstore

import (
	"context"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
)

var _ earlywarning.ClosureStore = (*EarlyWarning)(nil)

// Closures returns the organisation's closures overlapping days [from, to],
// earliest first.
func (e *EarlyWarning) Closures(ctx context.Context, orgID string, from, to earlywarning.Day) ([]earlywarning.ClosurePeriod, error) {
	rows, err := e.db.read.QueryContext(ctx, `SELECT id, org_id, first_day, last_day, kind, subject, label, created_by, created_at
		FROM ew_closures WHERE org_id = $1 AND last_day >= $2 AND first_day <= $3 ORDER BY first_day, last_day, id`,
		orgID, int64(from), int64(to))
	if err != nil {
		return nil, classify(err, "closures")
	}
	defer rows.Close()
	var out []earlywarning.ClosurePeriod
	for rows.Next() {
		var p earlywarning.ClosurePeriod
		var first, last int64
		var kind string
		if err := rows.Scan(&p.ID, &p.OrgID, &first, &last, &kind, &p.Subject, &p.Label, &p.CreatedBy, &p.CreatedAt); err != nil {
			return nil, classify(err, "closures")
		}
		k, err := earlywarning.ParseClosureKind(kind)
		if err != nil {
			return nil, kernel.Wrap(kernel.Internal, err, "stored closure %s", p.ID)
		}
		p.From, p.To, p.Kind, p.CreatedAt = earlywarning.Day(first), earlywarning.Day(last), k, p.CreatedAt.UTC()
		out = append(out, p)
	}
	return out, classify(rows.Err(), "closures")
}

// AddClosure validates p and stores it with a new id.
func (e *EarlyWarning) AddClosure(ctx context.Context, p earlywarning.ClosurePeriod) (earlywarning.ClosurePeriod, error) {
	if err := p.Validate(); err != nil {
		return earlywarning.ClosurePeriod{}, err
	}
	p.ID, p.CreatedAt = kernel.NewID(), p.CreatedAt.UTC()
	_, err := e.db.write.ExecContext(ctx, `INSERT INTO ew_closures (id, org_id, first_day, last_day, kind, subject, label, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		p.ID, p.OrgID, int64(p.From), int64(p.To), p.Kind.String(), p.Subject, p.Label, p.CreatedBy, p.CreatedAt)
	if err != nil {
		return earlywarning.ClosurePeriod{}, classify(err, "closure")
	}
	return p, nil
}

// DeleteClosure removes one of the organisation's closures; NotFound when
// it has no closure with that id.
func (e *EarlyWarning) DeleteClosure(ctx context.Context, orgID, id string) error {
	res, err := e.db.write.ExecContext(ctx, "DELETE FROM ew_closures WHERE org_id = $1 AND id = $2", orgID, id)
	if err != nil {
		return classify(err, "closure")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return classify(err, "closure")
	}
	if n == 0 {
		return kernel.Errorf(kernel.NotFound, "closure %s not found", id)
	}
	return nil
}
