package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// FacilitiesToLookUp returns up to limit facilities of the organisation
// that have no OS ID and were never looked up in the Open Supply Hub.
func (s *SupplyChain) FacilitiesToLookUp(ctx context.Context, orgID string, limit int) ([]supplychain.Party, error) {
	rows, err := s.db.read.QueryContext(ctx, fmt.Sprintf(`SELECT p.id, p.name, p.country, p.address, p.lat, p.lng, p.lei, p.gln
		FROM parties p WHERE p.org_id = $1 AND p.kind = $2 AND p.os_id = ''
		AND NOT EXISTS (SELECT 1 FROM osh_lookups l WHERE l.org_id = p.org_id AND l.party_id = p.id)
		ORDER BY p.id LIMIT %d`, max(limit, 1)), orgID, string(supplychain.KindFacility))
	if err != nil {
		return nil, classify(err, "facilities to look up")
	}
	defer rows.Close()
	var out []supplychain.Party
	for rows.Next() {
		p := supplychain.Party{Kind: supplychain.KindFacility}
		var lat, lng sql.NullFloat64
		if err := rows.Scan(&p.ID, &p.Name, &p.Country, &p.Address, &lat, &lng, &p.LEI, &p.GLN); err != nil {
			return nil, classify(err, "facilities to look up")
		}
		if lat.Valid && lng.Valid {
			p.Lat, p.Lng = &lat.Float64, &lng.Float64
		}
		out = append(out, p)
	}
	return out, classify(rows.Err(), "facilities to look up")
}

// RecordOSHLookup stores a look-up and, when it was decided "same",
// attaches the OS ID to the facility (unless it got one meanwhile).
func (s *SupplyChain) RecordOSHLookup(ctx context.Context, orgID string, l supplychain.OSHLookup) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO osh_lookups (org_id, party_id, os_id, name, address, score, decision, reasons, looked_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (org_id, party_id) DO NOTHING`,
			orgID, l.PartyID, l.OSID, l.Name, l.Address, l.Score, l.Decision, jsonList(l.Reasons), l.At.UTC()); err != nil {
			return classify(err, "OSH look-up")
		}
		if l.Decision != "same" || l.OSID == "" {
			return nil
		}
		res, err := tx.ExecContext(ctx, `UPDATE parties SET os_id = $3 WHERE org_id = $1 AND id = $2 AND os_id = ''`, orgID, l.PartyID, l.OSID)
		if err != nil {
			return classify(err, "party")
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return classify(err, "party")
		}
		return reindexParties(ctx, s.db.Engine, tx, orgID, l.PartyID)
	})
}

// OSHProgress counts the organisation's facilities looked up and those
// still to look up.
func (s *SupplyChain) OSHProgress(ctx context.Context, orgID string) (looked, left int, err error) {
	err = s.db.read.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM osh_lookups WHERE org_id = $1),
		(SELECT count(*) FROM parties p WHERE p.org_id = $1 AND p.kind = $2 AND p.os_id = ''
			AND NOT EXISTS (SELECT 1 FROM osh_lookups l WHERE l.org_id = p.org_id AND l.party_id = p.id))`,
		orgID, string(supplychain.KindFacility)).Scan(&looked, &left)
	return looked, left, classify(err, "OSH look-ups")
}

// OSHReviews returns the look-ups that wait for an analyst, best first.
func (s *SupplyChain) OSHReviews(ctx context.Context, orgID string, limit int) ([]supplychain.OSHLookup, error) {
	rows, err := s.db.read.QueryContext(ctx, fmt.Sprintf(`SELECT party_id, os_id, name, address, score, decision, reasons, looked_at
		FROM osh_lookups WHERE org_id = $1 AND decision = 'review' ORDER BY score DESC, party_id LIMIT %d`, max(limit, 1)), orgID)
	if err != nil {
		return nil, classify(err, "OSH look-ups")
	}
	defer rows.Close()
	var out []supplychain.OSHLookup
	for rows.Next() {
		var l supplychain.OSHLookup
		var reasons string
		if err := rows.Scan(&l.PartyID, &l.OSID, &l.Name, &l.Address, &l.Score, &l.Decision, &reasons, &l.At); err != nil {
			return nil, classify(err, "OSH look-ups")
		}
		if err := decodeList(reasons, &l.Reasons); err != nil {
			return nil, fmt.Errorf("OSH look-up reasons: %w", err)
		}
		out = append(out, l)
	}
	return out, classify(rows.Err(), "OSH look-ups")
}

// DecideOSHSuggestion records an analyst's decision on a look-up that
// waits for one: accepting gives the facility the candidate's OS ID,
// rejecting leaves it without. Either way the suggestion leaves the queue
// and the facility is not looked up again. A suggestion decided already,
// or a facility that has got an OS ID meanwhile, is a conflict.
func (s *SupplyChain) DecideOSHSuggestion(ctx context.Context, orgID, partyID string, accept bool, actor string, at time.Time) (supplychain.OSHLookup, error) {
	var l supplychain.OSHLookup
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var reasons string
		err := tx.QueryRowContext(ctx, `SELECT party_id, os_id, name, address, score, decision, reasons, looked_at
			FROM osh_lookups WHERE org_id = $1 AND party_id = $2`, orgID, partyID).
			Scan(&l.PartyID, &l.OSID, &l.Name, &l.Address, &l.Score, &l.Decision, &reasons, &l.At)
		if errors.Is(err, sql.ErrNoRows) {
			return kernel.Errorf(kernel.NotFound, "this facility has no Open Supply Hub suggestion")
		}
		if err != nil {
			return classify(err, "OSH look-up")
		}
		if err := decodeList(reasons, &l.Reasons); err != nil {
			return fmt.Errorf("OSH look-up reasons: %w", err)
		}
		if l.Decision != "review" {
			return kernel.Errorf(kernel.Conflict, "the Open Supply Hub suggestion for this facility was decided already")
		}
		var current string
		err = tx.QueryRowContext(ctx, `SELECT os_id FROM parties WHERE org_id = $1 AND id = $2`, orgID, partyID).Scan(&current)
		if errors.Is(err, sql.ErrNoRows) {
			return kernel.Errorf(kernel.NotFound, "the facility no longer exists (merged into another since?)")
		}
		if err != nil {
			return classify(err, "party")
		}
		l.Decision = supplychain.OSHRejected
		if accept {
			if current != "" && current != l.OSID {
				return kernel.Errorf(kernel.Conflict, "the facility has the OS ID %s already", current)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE parties SET os_id = $3 WHERE org_id = $1 AND id = $2`, orgID, partyID, l.OSID); err != nil {
				return classify(err, "party")
			}
			if err := reindexParties(ctx, s.db.Engine, tx, orgID, partyID); err != nil {
				return err
			}
			l.Decision = supplychain.OSHAccepted
		}
		_, err = tx.ExecContext(ctx, `UPDATE osh_lookups SET decision = $3, decided_by = $4, decided_at = $5 WHERE org_id = $1 AND party_id = $2`,
			orgID, partyID, l.Decision, actor, at.UTC())
		return classify(err, "OSH look-up")
	})
	return l, err
}
