package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/reportdata"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// Reporting reads what reports and scorecards are made from: the risk
// register with its factors, the supply links, and grievance aggregates.
// It reads only the clear triage columns of grievance reports, never a
// sealed column, so no case content can pass through it.
type Reporting struct{ db *DB }

// Reporting returns the reporting reader.
func (db *DB) Reporting() *Reporting { return &Reporting{db: db} }

var (
	_ reportdata.SupplyChain         = (*Reporting)(nil)
	_ reportdata.GrievanceAggregates = (*Reporting)(nil)
)

const reportingParty = `SELECT id, ref, name, kind, country, os_id, lei, gln, commodities,
	tier, inherent, signals, exposure, level, factors, inferred_commodities, inferred_from, confidence, missing FROM parties`

func scanReportingParty(row interface{ Scan(...any) error }, fr *factorReader) (reportdata.PartyRow, error) {
	var p reportdata.PartyRow
	var kind, osID, lei, gln, comm, level, factors, inferred, missing string
	if err := row.Scan(&p.ID, &p.Ref, &p.Name, &kind, &p.Country, &osID, &lei, &gln, &comm,
		&p.Tier, &p.Inherent, &p.Signals, &p.Exposure, &level, &factors, &inferred, &p.InferredFrom, &p.Confidence, &missing); err != nil {
		return p, err
	}
	if err := decodeList(inferred, &p.InferredCommodities); err != nil {
		return p, fmt.Errorf("party %s inferred commodities: %w", p.ID, err)
	}
	if err := decodeList(missing, &p.Missing); err != nil {
		return p, fmt.Errorf("party %s missing: %w", p.ID, err)
	}
	p.Kind = supplychain.Kind(kind)
	p.Level = risk.Level(level)
	p.Identified = osID != "" || lei != "" || gln != ""
	if comm != "" && comm != "[]" {
		if err := json.Unmarshal([]byte(comm), &p.Commodities); err != nil {
			return p, fmt.Errorf("party %s commodities: %w", p.ID, err)
		}
	}
	if factors != "" && factors != "[]" {
		fs, err := fr.decode(factors)
		if err != nil {
			return p, fmt.Errorf("party %s factors: %w", p.ID, err)
		}
		for _, f := range fs {
			p.Factors = append(p.Factors, risk.Factor{Kind: f.Kind, Source: f.Source, Edition: f.Edition, Indicator: f.Indicator,
				Value: f.Value, Points: f.Points, Contribution: f.Contribution})
			if f.Kind == "signal" && f.Indicator == string(risk.WatchlistConfirmed) {
				p.WatchlistHits++
			}
		}
	}
	return p, nil
}

// RegisterParties returns the organisation's parties with their stored
// risk, highest exposure first; limit 0 returns them all.
func (r *Reporting) RegisterParties(ctx context.Context, orgID string, limit int) ([]reportdata.PartyRow, error) {
	q := reportingParty + " WHERE org_id = $1 ORDER BY exposure DESC, id"
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := r.db.read.QueryContext(ctx, q, orgID)
	if err != nil {
		return nil, classify(err, "parties")
	}
	defer rows.Close()
	out := []reportdata.PartyRow{}
	fr := &factorReader{ctx: ctx, q: r.db.read, org: orgID}
	for rows.Next() {
		p, err := scanReportingParty(rows, fr)
		if err != nil {
			return nil, classify(err, "parties")
		}
		out = append(out, p)
	}
	return out, classify(rows.Err(), "parties")
}

// RegisterParty returns one party with its stored risk, or kernel.NotFound.
func (r *Reporting) RegisterParty(ctx context.Context, orgID, id string) (reportdata.PartyRow, error) {
	fr := &factorReader{ctx: ctx, q: r.db.read, org: orgID}
	p, err := scanReportingParty(r.db.read.QueryRowContext(ctx, reportingParty+" WHERE org_id = $1 AND id = $2", orgID, id), fr)
	return p, classify(err, "party "+id)
}

// SupplyLinks returns every supply link of the organisation.
func (r *Reporting) SupplyLinks(ctx context.Context, orgID string) ([]supplychain.Link, error) {
	out, err := queryLinks(ctx, r.db, "WHERE org_id = $1 ORDER BY buyer_id, supplier_id, commodity", orgID)
	if out == nil && err == nil {
		out = []supplychain.Link{} // a report lists no links as an empty list
	}
	return out, err
}

// ChannelOpen reports whether Upstream's grievance channel is open for the
// organisation: its recovery key is set, so reports can be sealed to it.
func (r *Reporting) ChannelOpen(ctx context.Context, orgID string) (bool, error) {
	var one int
	err := r.db.read.QueryRowContext(ctx, "SELECT 1 FROM grievance_org_keys WHERE org_id = $1", orgID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, classify(err, "grievance channel")
}

// GrievanceCounts counts the organisation's grievance cases received in
// the period (of one supplier when supplierID is not ""), from the triage
// columns, the stage history and remedy statuses only.
func (r *Reporting) GrievanceCounts(ctx context.Context, orgID, supplierID string, from, to time.Time) (reportdata.GrievanceCounts, error) {
	out := reportdata.GrievanceCounts{ByCategory: map[grievance.Category]int{}, ByStage: map[grievance.Stage]int{}}
	cond := "r.org_id = $1 AND r.received >= $2 AND r.received <= $3"
	args := []any{orgID, from.UTC().Format(time.DateOnly), to.UTC().Format(time.DateOnly)}
	if supplierID != "" {
		cond += " AND r.supplier_id = $4"
		args = append(args, supplierID)
	}
	rows, err := r.db.read.QueryContext(ctx, `SELECT r.categories, r.stage, r.received, MIN(h.day)
		FROM grievance_reports r LEFT JOIN grievance_history h ON h.report_id = r.id AND h.from_stage = 'received'
		WHERE `+cond+` GROUP BY r.id, r.categories, r.stage, r.received`, args...)
	if err != nil {
		return out, classify(err, "grievance counts")
	}
	defer rows.Close()
	for rows.Next() {
		var cats, stage, received string
		var ack sql.NullString
		if err := rows.Scan(&cats, &stage, &received, &ack); err != nil {
			return out, classify(err, "grievance counts")
		}
		out.Total++
		for _, c := range strings.Fields(cats) {
			out.ByCategory[grievance.Category(c)]++
		}
		out.ByStage[grievance.Stage(stage)]++
		var ct reportdata.CaseTimes
		if ct.Received, err = time.Parse(time.DateOnly, received); err != nil {
			return out, fmt.Errorf("grievance counts: stored day %q: %w", received, err)
		}
		if ack.Valid && ack.String != "" {
			if ct.Acknowledged, err = time.Parse(time.DateOnly, ack.String); err != nil {
				return out, fmt.Errorf("grievance counts: stored day %q: %w", ack.String, err)
			}
		}
		out.Handling = append(out.Handling, ct)
	}
	if err := rows.Err(); err != nil {
		return out, classify(err, "grievance counts")
	}
	rrows, err := r.db.read.QueryContext(ctx, `SELECT m.status, count(*) FROM grievance_remedies m
		JOIN grievance_reports r ON r.id = m.report_id AND r.org_id = m.org_id
		WHERE `+cond+` GROUP BY m.status`, args...)
	if err != nil {
		return out, classify(err, "remedy counts")
	}
	defer rrows.Close()
	for rrows.Next() {
		var status string
		var n int
		if err := rrows.Scan(&status, &n); err != nil {
			return out, classify(err, "remedy counts")
		}
		switch grievance.RemedyStatus(status) {
		case grievance.RemedyWithdrawn:
			continue
		case grievance.RemedyAccepted:
			out.RemediesAccepted += n
		case grievance.RemedyImplemented:
			out.RemediesAccepted += n
			out.RemediesImplemented += n
		}
		out.RemediesProposed += n
	}
	return out, classify(rrows.Err(), "remedy counts")
}
