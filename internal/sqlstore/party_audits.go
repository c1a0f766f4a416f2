package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// Audit stores one audit or certification of the party partyID inside the
// import's transaction, replacing the one stored for the same party,
// scheme and date; file names the audit file it was read from. The caller
// has checked that the party exists.
func (w *Writer) Audit(partyID, file string, a ingest.Audit) error {
	if partyID == "" || a.Scheme == "" || a.Date.IsZero() {
		return kernel.Errorf(kernel.Invalid, "an audit needs a party, a scheme and a date")
	}
	findings, err := json.Marshal(a.Findings)
	if err != nil {
		return fmt.Errorf("audit findings: %w", err)
	}
	if a.Findings == nil {
		findings = []byte("{}")
	}
	var expiry string
	if !a.Expiry.IsZero() {
		expiry = a.Expiry.Format(time.DateOnly)
	}
	st, err := w.stmt(`INSERT INTO party_audits (org_id, party_id, scheme, audit_date, outcome, result, expiry, findings, source_file, source_line)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (org_id, party_id, scheme, audit_date) DO UPDATE SET outcome = excluded.outcome, result = excluded.result,
			expiry = excluded.expiry, findings = excluded.findings, source_file = excluded.source_file, source_line = excluded.source_line`)
	if err != nil {
		return err
	}
	if _, err := st.ExecContext(w.ctx, w.org, partyID, a.Scheme, a.Date.Format(time.DateOnly), string(a.Outcome), a.Result,
		expiry, string(findings), file, a.Line); err != nil {
		return classify(err, "audit")
	}
	return nil
}

const auditSelect = `SELECT party_id, scheme, audit_date, outcome, result, expiry, findings, source_line FROM party_audits`

// PartyAudits returns every stored audit of the organisation's parties, by
// party id, each party's oldest first.
func (s *SupplyChain) PartyAudits(ctx context.Context, orgID string) (map[string][]ingest.Audit, error) {
	out := map[string][]ingest.Audit{}
	err := s.scanAudits(ctx, auditSelect+" WHERE org_id = $1", []any{orgID}, func(party string, a ingest.Audit) {
		out[party] = append(out[party], a)
	})
	if err != nil {
		return nil, err
	}
	for _, as := range out {
		sortAudits(as)
	}
	return out, nil
}

// AuditsOf returns the stored audits of one party, oldest first.
func (s *SupplyChain) AuditsOf(ctx context.Context, orgID, partyID string) ([]ingest.Audit, error) {
	var out []ingest.Audit
	err := s.scanAudits(ctx, auditSelect+" WHERE org_id = $1 AND party_id = $2", []any{orgID, partyID}, func(_ string, a ingest.Audit) {
		out = append(out, a)
	})
	sortAudits(out)
	return out, err
}

// sortAudits orders audits by date, then scheme: the same order on both
// engines, whatever their collations.
func sortAudits(as []ingest.Audit) {
	sort.Slice(as, func(i, j int) bool {
		if !as[i].Date.Equal(as[j].Date) {
			return as[i].Date.Before(as[j].Date)
		}
		return as[i].Scheme < as[j].Scheme
	})
}

func (s *SupplyChain) scanAudits(ctx context.Context, query string, args []any, each func(party string, a ingest.Audit)) error {
	rows, err := s.db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return classify(err, "audits")
	}
	defer rows.Close()
	for rows.Next() {
		var party, date, outcome, expiry, findings string
		var a ingest.Audit
		if err := rows.Scan(&party, &a.Scheme, &date, &outcome, &a.Result, &expiry, &findings, &a.Line); err != nil {
			return classify(err, "audits")
		}
		if a.Date, err = time.Parse(time.DateOnly, date); err != nil {
			return fmt.Errorf("audit of %s: date: %w", party, err)
		}
		if expiry != "" {
			if a.Expiry, err = time.Parse(time.DateOnly, expiry); err != nil {
				return fmt.Errorf("audit of %s: expiry: %w", party, err)
			}
		}
		a.Outcome, a.Supplier = ingest.AuditOutcome(outcome), party
		if findings != "{}" {
			if err := json.Unmarshal([]byte(findings), &a.Findings); err != nil {
				return fmt.Errorf("audit of %s: findings: %w", party, err)
			}
		}
		each(party, a)
	}
	return classify(rows.Err(), "audits")
}
