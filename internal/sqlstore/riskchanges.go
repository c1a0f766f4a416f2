package sqlstore

import (
	"context"
	"database/sql"

	"github.com/upstream-platform/upstream/internal/earlywarning"
)

// RiskChanges returns the organisation's parties whose stored exposure
// moved by at least step since their watermark, and parties without one
// (Old is nil for them: a first look, not a change).
func (s *SupplyChain) RiskChanges(ctx context.Context, orgID string, step float64) ([]earlywarning.ScoreChange, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT p.id, p.exposure, w.exposure FROM parties p
		LEFT JOIN risk_watermarks w ON w.org_id = p.org_id AND w.party_id = p.id
		WHERE p.org_id = $1 AND (w.exposure IS NULL OR abs(p.exposure - w.exposure) >= $2)`, orgID, step)
	if err != nil {
		return nil, classify(err, "risk changes")
	}
	defer rows.Close()
	var out []earlywarning.ScoreChange
	for rows.Next() {
		var c earlywarning.ScoreChange
		var old sql.NullFloat64
		if err := rows.Scan(&c.PartyID, &c.New, &old); err != nil {
			return nil, classify(err, "risk changes")
		}
		if old.Valid {
			v := old.Float64
			c.Old = &v
		}
		out = append(out, c)
	}
	return out, classify(rows.Err(), "risk changes")
}

// MarkRiskWatermarks records the exposures just looked at.
func (s *SupplyChain) MarkRiskWatermarks(ctx context.Context, orgID string, changes []earlywarning.ScoreChange) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO risk_watermarks (org_id, party_id, exposure) VALUES ($1, $2, $3)
			ON CONFLICT (org_id, party_id) DO UPDATE SET exposure = excluded.exposure`)
		if err != nil {
			return classify(err, "risk watermarks")
		}
		defer stmt.Close()
		for _, c := range changes {
			if _, err := stmt.ExecContext(ctx, orgID, c.PartyID, c.New); err != nil {
				return classify(err, "risk watermarks")
			}
		}
		return nil
	})
}
