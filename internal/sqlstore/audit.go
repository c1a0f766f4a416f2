package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// AuditLog implements audit.Store.
type AuditLog struct{ db *DB }

// AuditLog returns the audit log repository.
func (db *DB) AuditLog() *AuditLog { return &AuditLog{db: db} }

var _ audit.Store = (*AuditLog)(nil)

const auditColumns = "org_id, seq, at, actor, action, object, detail, prev, hash"

func scanAudit(row interface{ Scan(...any) error }) (audit.Entry, error) {
	var e audit.Entry
	var seq int64
	var detail, prev, hash string
	if err := row.Scan(&e.Org, &seq, &e.Time, &e.Actor, &e.Action, &e.Object, &detail, &prev, &hash); err != nil {
		return e, err
	}
	e.Seq = uint64(seq)
	e.Time = e.Time.UTC()
	if detail != "" && detail != "{}" {
		if err := json.Unmarshal([]byte(detail), &e.Detail); err != nil {
			return e, fmt.Errorf("audit entry %d: detail: %w", seq, err)
		}
	}
	var err error
	if e.Prev, err = audit.ParseHash(prev); err != nil {
		return e, fmt.Errorf("audit entry %d: prev: %w", seq, err)
	}
	if e.Hash, err = audit.ParseHash(hash); err != nil {
		return e, fmt.Errorf("audit entry %d: hash: %w", seq, err)
	}
	return e, nil
}

func (a *AuditLog) Head(ctx context.Context, org string) (audit.Entry, error) {
	e, err := scanAudit(a.db.write.QueryRowContext(ctx,
		"SELECT "+auditColumns+" FROM audit_log WHERE org_id = $1 ORDER BY seq DESC LIMIT 1", org))
	return e, classify(err, "audit log head")
}

func (a *AuditLog) Insert(ctx context.Context, e audit.Entry) error {
	detail := "{}"
	if len(e.Detail) > 0 {
		b, err := json.Marshal(e.Detail)
		if err != nil {
			return fmt.Errorf("audit detail: %w", err)
		}
		detail = string(b)
	}
	_, err := a.db.write.ExecContext(ctx, "INSERT INTO audit_log ("+auditColumns+") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
		e.Org, int64(e.Seq), e.Time.UTC(), e.Actor, e.Action, e.Object, detail, e.Prev.String(), e.Hash.String())
	return classify(err, "audit entry")
}

func (a *AuditLog) Entries(ctx context.Context, org string, from uint64, fn func(audit.Entry) error) error {
	rows, err := a.db.read.QueryContext(ctx, "SELECT "+auditColumns+" FROM audit_log WHERE org_id = $1 AND seq >= $2 ORDER BY seq", org, int64(from))
	if err != nil {
		return classify(err, "audit log")
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return classify(rows.Err(), "audit log")
}

// AuditOrgs lists the organisations that have audit entries, for
// verification of every chain.
func (a *AuditLog) AuditOrgs(ctx context.Context) ([]string, error) {
	rows, err := a.db.read.QueryContext(ctx, "SELECT DISTINCT org_id FROM audit_log ORDER BY org_id")
	if err != nil {
		return nil, classify(err, "audit log")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var o string
		if err := rows.Scan(&o); err != nil {
			return nil, classify(err, "audit log")
		}
		out = append(out, o)
	}
	return out, classify(rows.Err(), "audit log")
}

var _ audit.Reader = (*AuditLog)(nil)

// Recent lists the organisation's entries matching q, newest first.
func (a *AuditLog) Recent(ctx context.Context, org string, q audit.Query) ([]audit.Entry, error) {
	where := []string{"org_id = $1"}
	args := []any{org}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if q.Actor != "" {
		add("actor = ?", q.Actor)
	}
	if q.ActionPrefix != "" {
		// Action codes are lower-case letters, digits, '.' and '_': only
		// '_' needs escaping in a LIKE pattern.
		add(`action LIKE ? ESCAPE '\'`, strings.ReplaceAll(q.ActionPrefix, "_", `\_`)+"%")
	}
	if q.Object != "" {
		add("object = ?", q.Object)
	}
	if !q.Since.IsZero() {
		add("at >= ?", q.Since.UTC())
	}
	if !q.Until.IsZero() {
		add("at < ?", q.Until.UTC())
	}
	if q.Before > 0 {
		add("seq < ?", int64(q.Before))
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, kernel.MaxPageLimit)
	args = append(args, limit)
	rows, err := a.db.read.QueryContext(ctx, fmt.Sprintf("SELECT %s FROM audit_log WHERE %s ORDER BY seq DESC LIMIT $%d",
		auditColumns, strings.Join(where, " AND "), len(args)), args...)
	if err != nil {
		return nil, classify(err, "audit log")
	}
	defer rows.Close()
	out := []audit.Entry{}
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, classify(rows.Err(), "audit log")
}
