package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
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
		var a ingest.Audit
		if err := scanAuditRow(rows, &a); err != nil {
			return err
		}
		each(a.Supplier, a)
	}
	return classify(rows.Err(), "audits")
}

// AuditsCheckedAt returns when the audit-ageing job last looked at the
// organisation's audits; the zero time when it never did.
func (s *SupplyChain) AuditsCheckedAt(ctx context.Context, orgID string) (time.Time, error) {
	var at string
	err := s.db.read.QueryRowContext(ctx, "SELECT checked_at FROM audits_checked WHERE org_id = $1", orgID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, classify(err, "audits checked")
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return time.Time{}, fmt.Errorf("audits checked at %q: %w", at, err)
	}
	return t, nil
}

// MarkAuditsChecked records that the organisation's audits were looked at,
// and its risk recomputed where they aged, as of at.
func (s *SupplyChain) MarkAuditsChecked(ctx context.Context, orgID string, at time.Time) error {
	_, err := s.db.write.ExecContext(ctx, `INSERT INTO audits_checked (org_id, checked_at) VALUES ($1, $2)
		ON CONFLICT (org_id) DO UPDATE SET checked_at = excluded.checked_at`, orgID, at.UTC().Format(time.RFC3339Nano))
	return classify(err, "audits checked")
}

// ListAudits returns every stored audit of the organisation with the name
// of the party audited, the latest first (then by party name and scheme).
func (s *SupplyChain) ListAudits(ctx context.Context, orgID string) ([]ingest.StoredAudit, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT a.party_id, a.scheme, a.audit_date, a.outcome, a.result, a.expiry, a.findings, a.source_line,
			a.source_file, p.name, p.ref
		FROM party_audits a JOIN parties p ON p.org_id = a.org_id AND p.id = a.party_id
		WHERE a.org_id = $1`, orgID)
	if err != nil {
		return nil, classify(err, "audits")
	}
	defer rows.Close()
	out := []ingest.StoredAudit{}
	for rows.Next() {
		var sa ingest.StoredAudit
		if err := scanAuditRow(rows, &sa.Audit, &sa.File, &sa.PartyName, &sa.PartyRef); err != nil {
			return nil, err
		}
		out = append(out, sa)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err, "audits")
	}
	// Sorted here, so that both engines give the same order.
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if !a.Date.Equal(b.Date) {
			return a.Date.After(b.Date)
		}
		if a.PartyName != b.PartyName {
			return a.PartyName < b.PartyName
		}
		return a.Scheme < b.Scheme
	})
	return out, nil
}

// DeleteAudit removes the audit of party partyID under scheme on date and
// marks the organisation's risk due for a recompute, in one transaction.
// It returns what was deleted, or kernel.NotFound.
func (s *SupplyChain) DeleteAudit(ctx context.Context, orgID, partyID, scheme string, date time.Time) (ingest.StoredAudit, error) {
	var sa ingest.StoredAudit
	day := date.Format(time.DateOnly)
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		row := tx.QueryRowContext(ctx, `SELECT a.party_id, a.scheme, a.audit_date, a.outcome, a.result, a.expiry, a.findings, a.source_line,
				a.source_file, p.name, p.ref
			FROM party_audits a JOIN parties p ON p.org_id = a.org_id AND p.id = a.party_id
			WHERE a.org_id = $1 AND a.party_id = $2 AND a.scheme = $3 AND a.audit_date = $4`, orgID, partyID, scheme, day)
		if err := scanAuditRow(row, &sa.Audit, &sa.File, &sa.PartyName, &sa.PartyRef); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return kernel.Errorf(kernel.NotFound, "no %s audit of %s on %s", scheme, day, partyID)
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM party_audits WHERE org_id = $1 AND party_id = $2 AND scheme = $3 AND audit_date = $4`,
			orgID, partyID, scheme, day); err != nil {
			return classify(err, "audit")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO risk_recompute (org_id, pending) VALUES ($1, 1)
			ON CONFLICT (org_id) DO UPDATE SET pending = risk_recompute.pending + 1`, orgID)
		return classify(err, "recompute mark")
	})
	return sa, err
}

// scanAuditRow reads the columns of auditSelect, then extra columns.
func scanAuditRow(row interface{ Scan(...any) error }, a *ingest.Audit, extra ...any) error {
	var party, date, outcome, expiry, findings string
	dst := append([]any{&party, &a.Scheme, &date, &outcome, &a.Result, &expiry, &findings, &a.Line}, extra...)
	if err := row.Scan(dst...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return err
		}
		return classify(err, "audits")
	}
	var err error
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
	return nil
}
