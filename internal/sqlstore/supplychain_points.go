package sqlstore

import (
	"context"
	"fmt"

	"github.com/upstream-platform/upstream/internal/supplychain"
)

// Points returns the organisation's parties that have coordinates, the
// most exposed first, at most f.Limit of them, and how many match.
func (s *SupplyChain) Points(ctx context.Context, orgID string, f supplychain.PointFilter) ([]supplychain.Point, int, error) {
	w := newWhere(orgID)
	w.conds = append(w.conds, "p.lat IS NOT NULL", "p.lng IS NOT NULL")
	w.commodity(f.Commodity)
	if f.Level != "" {
		w.add("p.level = $?", f.Level)
	}
	var total int
	if err := s.db.read.QueryRowContext(ctx, "SELECT count(*) FROM parties p WHERE "+w.sql(), w.args...).Scan(&total); err != nil {
		return nil, 0, classify(err, "points")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = total
	}
	rows, err := s.db.read.QueryContext(ctx, fmt.Sprintf(`SELECT p.id, p.name, p.country, p.lat, p.lng, p.level, p.exposure
		FROM parties p WHERE %s ORDER BY p.exposure DESC, p.id LIMIT %d`, w.sql(), limit), w.args...)
	if err != nil {
		return nil, 0, classify(err, "points")
	}
	defer rows.Close()
	var out []supplychain.Point
	for rows.Next() {
		var p supplychain.Point
		if err := rows.Scan(&p.ID, &p.Name, &p.Country, &p.Lat, &p.Lng, &p.Level, &p.Exposure); err != nil {
			return nil, 0, classify(err, "points")
		}
		out = append(out, p)
	}
	return out, total, classify(rows.Err(), "points")
}
