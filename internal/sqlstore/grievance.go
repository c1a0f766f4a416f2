package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/vault"
)

// Grievances implements grievance.Store (with vault.KeyStore) and keeps
// handler and organisation keys. Sealed fields arrive as ciphertext and are
// stored as base64 text; this adapter never sees anything in clear but the
// triage fields.
type Grievances struct{ db *DB }

// Grievances returns the grievance repository.
func (db *DB) Grievances() *Grievances { return &Grievances{db: db} }

var _ grievance.Store = (*Grievances)(nil)

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func unb64(s, what string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%s: stored value is not base64: %w", what, err)
	}
	return b, nil
}

func dayText(d grievance.Day) string { return d.String() }

func dayOf(s, what string) (grievance.Day, error) {
	if s == "" {
		return grievance.Day{}, nil
	}
	d, err := grievance.ParseDay(s)
	if err != nil {
		return d, fmt.Errorf("%s: stored day %q: %w", what, s, err)
	}
	return d, nil
}

func joinCategories(cs []grievance.Category) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = string(c)
	}
	return strings.Join(parts, " ")
}

func splitCategories(s string) []grievance.Category {
	var out []grievance.Category
	for _, f := range strings.Fields(s) {
		out = append(out, grievance.Category(f))
	}
	return out
}

// durableTx runs fn in a write transaction that is on disk when it returns.
// On SQLite the connection switches to synchronous=FULL for the commit (the
// default NORMAL survives a process crash but not a power cut) and to
// secure_delete, so deleted ciphertext and keys are overwritten in the file.
// The write pool has one connection, so the pragmas cannot leak into
// another writer's transaction half-way.
func (g *Grievances) durableTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if g.db.Engine != SQLite {
		return g.db.InTx(ctx, fn)
	}
	conn, err := g.db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("grievance store: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA synchronous=FULL"); err != nil {
		return fmt.Errorf("grievance store: %w", err)
	}
	// Restore with a fresh context, so a cancelled request does not leave
	// the shared connection in FULL mode.
	defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA synchronous=NORMAL")
	if _, err := conn.ExecContext(ctx, "PRAGMA secure_delete=ON"); err != nil {
		return fmt.Errorf("grievance store: %w", err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	return commitOrRollback(tx, fn)
}

// reportExists checks that a report belongs to the organisation, inside tx.
func reportExists(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, orgID, reportID string) error {
	var one int
	err := q.QueryRowContext(ctx, "SELECT 1 FROM grievance_reports WHERE org_id = $1 AND id = $2", orgID, reportID).Scan(&one)
	return classify(err, "report")
}

// CreateReport stores the report, its receipt verifier, attachments,
// consents and wrapped keys in one durable transaction.
func (g *Grievances) CreateReport(ctx context.Context, nr grievance.NewReport) error {
	r := nr.Report
	if r.OrgID == "" || r.ID == "" || nr.Receipt.OrgID != r.OrgID || nr.Receipt.ReportID != r.ID || nr.Receipt.Locator != r.Locator {
		return kernel.Errorf(kernel.Invalid, "report and receipt record do not match")
	}
	ver, err := nr.Receipt.Verifier.MarshalBinary()
	if err != nil {
		return kernel.Wrap(kernel.Invalid, err, "receipt verifier")
	}
	return g.durableTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO grievance_reports (id, org_id, locator, verifier, categories, supplier_id, country,
			received, channel, severity, stage, stage_since, stage_reason, escalated, narrative, contact, identity, purged, version, n)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, FALSE, 1,
			(SELECT COALESCE(MAX(n), 0) + 1 FROM grievance_reports WHERE org_id = $2))`,
			r.ID, r.OrgID, r.Locator, b64(ver), joinCategories(r.Triage.Categories), r.Triage.SupplierID, r.Triage.Country,
			dayText(r.Triage.Received), string(r.Triage.Channel), string(r.Triage.Severity), string(r.Case.Stage),
			dayText(r.Case.Since), string(r.Case.Reason), r.Case.Escalated, b64(r.Narrative), b64(r.Contact), b64(r.Identity))
		if err != nil {
			return classify(err, "report")
		}
		for i, a := range nr.Attachments {
			if a.ReportID != r.ID {
				return kernel.Errorf(kernel.Invalid, "attachment of another report")
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO grievance_attachments (id, org_id, report_id, n, meta, content) VALUES ($1, $2, $3, $4, $5, $6)",
				a.ID, r.OrgID, r.ID, i, b64(a.Meta), b64(a.Content)); err != nil {
				return classify(err, "attachment")
			}
		}
		for i, c := range nr.Consents {
			if _, err := tx.ExecContext(ctx, "INSERT INTO grievance_consents (org_id, report_id, seq, purpose, granted, day) VALUES ($1, $2, $3, $4, $5, $6)",
				r.OrgID, r.ID, i+1, string(c.Purpose), c.Granted, dayText(c.Day)); err != nil {
				return classify(err, "consent")
			}
		}
		for _, k := range nr.Keys {
			if k.ReportID != r.ID {
				return kernel.Errorf(kernel.Invalid, "wrapped key of another report")
			}
			if err := putKey(ctx, tx, k); err != nil {
				return err
			}
		}
		return nil
	})
}

// ReceiptsByLocator returns the receipt records of the organisation's live
// reports on the locator; the reporter's secret decides between them.
func (g *Grievances) ReceiptsByLocator(ctx context.Context, orgID, locator string) ([]grievance.ReceiptRecord, error) {
	rows, err := g.db.read.QueryContext(ctx, "SELECT id, verifier FROM grievance_reports WHERE org_id = $1 AND locator = $2 AND purged = FALSE ORDER BY n",
		orgID, locator)
	if err != nil {
		return nil, classify(err, "receipts")
	}
	defer rows.Close()
	var out []grievance.ReceiptRecord
	for rows.Next() {
		var id, ver string
		if err := rows.Scan(&id, &ver); err != nil {
			return nil, classify(err, "receipts")
		}
		raw, err := unb64(ver, "receipt verifier")
		if err != nil {
			return nil, err
		}
		rec := grievance.ReceiptRecord{OrgID: orgID, Locator: locator, ReportID: id}
		if err := rec.Verifier.UnmarshalBinary(raw); err != nil {
			return nil, fmt.Errorf("receipt verifier of report %s: %w", id, err)
		}
		out = append(out, rec)
	}
	return out, classify(rows.Err(), "receipts")
}

// LocatorUse counts the organisation's live reports on each locator, in
// one query.
func (g *Grievances) LocatorUse(ctx context.Context, orgID string, locators []string) (map[string]int, error) {
	out := make(map[string]int, len(locators))
	if len(locators) == 0 {
		return out, nil
	}
	args := []any{orgID}
	marks := make([]string, len(locators))
	for i, loc := range locators {
		args = append(args, loc)
		marks[i] = fmt.Sprintf("$%d", i+2)
	}
	rows, err := g.db.read.QueryContext(ctx, `SELECT locator, count(*) FROM grievance_reports
		WHERE org_id = $1 AND purged = FALSE AND locator IN (`+strings.Join(marks, ", ")+`) GROUP BY locator`, args...)
	if err != nil {
		return nil, classify(err, "receipts")
	}
	defer rows.Close()
	for rows.Next() {
		var loc string
		var n int
		if err := rows.Scan(&loc, &n); err != nil {
			return nil, classify(err, "receipts")
		}
		out[loc] = n
	}
	return out, classify(rows.Err(), "receipts")
}

const reportColumns = `id, org_id, locator, categories, supplier_id, country, received, channel, severity, stage, stage_since,
	stage_reason, escalated, narrative, contact, identity, purged, version, assignee_id`

func scanReport(row interface{ Scan(...any) error }) (grievance.Report, error) {
	var r grievance.Report
	var loc sql.NullString
	var cats, received, channel, severity, stage, since, reason, narr, contact, ident string
	if err := row.Scan(&r.ID, &r.OrgID, &loc, &cats, &r.Triage.SupplierID, &r.Triage.Country, &received, &channel, &severity,
		&stage, &since, &reason, &r.Case.Escalated, &narr, &contact, &ident, &r.Purged, &r.Version, &r.Case.Assignee); err != nil {
		return r, err
	}
	r.Locator = loc.String
	r.Triage.Categories = splitCategories(cats)
	r.Triage.Channel, r.Triage.Severity = grievance.Channel(channel), grievance.Severity(severity)
	r.Case.Stage, r.Case.Reason = grievance.Stage(stage), grievance.Reason(reason)
	var err error
	if r.Triage.Received, err = dayOf(received, "report"); err != nil {
		return r, err
	}
	if r.Case.Since, err = dayOf(since, "report"); err != nil {
		return r, err
	}
	for _, f := range []struct {
		s   string
		dst *[]byte
	}{{narr, &r.Narrative}, {contact, &r.Contact}, {ident, &r.Identity}} {
		if *f.dst, err = unb64(f.s, "report"); err != nil {
			return r, err
		}
	}
	return r, nil
}

func (g *Grievances) Report(ctx context.Context, orgID, reportID string) (grievance.Report, error) {
	r, err := scanReport(g.db.read.QueryRowContext(ctx, "SELECT "+reportColumns+" FROM grievance_reports WHERE org_id = $1 AND id = $2", orgID, reportID))
	return r, classify(err, "report")
}

func (g *Grievances) Reports(ctx context.Context, orgID string, f grievance.ReportFilter, p kernel.Page) ([]grievance.Report, error) {
	p = p.Normalise()
	where := []string{"org_id = $1"}
	args := []any{orgID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if len(f.Stages) > 0 {
		var ph []string
		for _, s := range f.Stages {
			args = append(args, string(s))
			ph = append(ph, fmt.Sprintf("$%d", len(args)))
		}
		where = append(where, "stage IN ("+strings.Join(ph, ", ")+")")
	}
	if f.Category != "" {
		// Categories are stored space-separated; padding both sides makes
		// the match whole-word.
		add("(' ' || categories || ' ') LIKE ?", "% "+string(f.Category)+" %")
	}
	if f.SupplierID != "" {
		add("supplier_id = ?", f.SupplierID)
	}
	if f.Country != "" {
		add("country = ?", f.Country)
	}
	if !f.From.IsZero() {
		add("received >= ?", dayText(f.From))
	}
	if !f.To.IsZero() {
		add("received <= ?", dayText(f.To))
	}
	if f.Locator != "" {
		add("locator = ?", f.Locator)
	}
	if len(f.Severities) > 0 {
		var ph []string
		for _, sv := range f.Severities {
			args = append(args, string(sv))
			ph = append(ph, fmt.Sprintf("$%d", len(args)))
		}
		where = append(where, "severity IN ("+strings.Join(ph, ", ")+")")
	}
	switch f.Assignee {
	case "":
	case grievance.Unassigned:
		add("assignee_id = ?", "")
	default:
		add("assignee_id = ?", f.Assignee)
	}
	if len(f.StartedBefore) > 0 {
		var parts []string
		for _, st := range grievance.Stages() {
			if d, ok := f.StartedBefore[st]; ok {
				args = append(args, string(st), dayText(d))
				parts = append(parts, fmt.Sprintf("(stage = $%d AND stage_since <> '' AND stage_since < $%d)", len(args)-1, len(args)))
			}
		}
		if len(parts) == 0 {
			parts = []string{"1 = 0"}
		}
		where = append(where, "("+strings.Join(parts, " OR ")+")")
	}
	order := "n DESC"
	if f.DangerFirst {
		if len(p.After) > 0 {
			return nil, kernel.Errorf(kernel.Invalid, "a list with critical reports first is paged by number, not by cursor")
		}
		order = "CASE WHEN severity = 'critical' THEN 0 ELSE 1 END, n DESC"
	}
	if len(p.After) > 0 {
		// Reports are listed by insertion order, which a caller does not
		// see: the key is the last report's id, whose place is looked up.
		if len(p.After) != 1 {
			return nil, kernel.Errorf(kernel.Invalid, "the cursor does not belong to this list: ask for the first page again")
		}
		add("n < (SELECT k.n FROM grievance_reports k WHERE k.org_id = $1 AND k.id = ?)", p.After[0])
	}
	args = append(args, p.Limit, p.Offset)
	q := fmt.Sprintf("SELECT %s FROM grievance_reports WHERE %s ORDER BY %s LIMIT $%d OFFSET $%d",
		reportColumns, strings.Join(where, " AND "), order, len(args)-1, len(args))
	rows, err := g.db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, classify(err, "reports")
	}
	defer rows.Close()
	out := []grievance.Report{}
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, classify(err, "reports")
		}
		out = append(out, r)
	}
	return out, classify(rows.Err(), "reports")
}

func (g *Grievances) UpdateReport(ctx context.Context, r grievance.Report, change *grievance.StageChange) (grievance.Report, error) {
	err := g.durableTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE grievance_reports SET categories = $4, supplier_id = $5, country = $6, severity = $7,
			stage = $8, stage_since = $9, stage_reason = $10, escalated = $11, narrative = $12, contact = $13, identity = $14,
			assignee_id = $15, version = version + 1 WHERE org_id = $1 AND id = $2 AND version = $3 AND purged = FALSE`,
			r.OrgID, r.ID, r.Version, joinCategories(r.Triage.Categories), r.Triage.SupplierID, r.Triage.Country,
			string(r.Triage.Severity), string(r.Case.Stage), dayText(r.Case.Since), string(r.Case.Reason), r.Case.Escalated,
			b64(r.Narrative), b64(r.Contact), b64(r.Identity), r.Case.Assignee)
		if err := affected(res, err, "report"); err != nil {
			if kernel.IsCode(err, kernel.NotFound) {
				if e := reportExists(ctx, tx, r.OrgID, r.ID); e == nil {
					return kernel.Errorf(kernel.Conflict, "the report was changed by someone else; reload and try again")
				}
			}
			return err
		}
		if change != nil {
			if change.ReportID != r.ID {
				return kernel.Errorf(kernel.Invalid, "stage change of another report")
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO grievance_history (org_id, report_id, seq, from_stage, to_stage, reason, day, actor_id)
				VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM grievance_history WHERE report_id = $2), $3, $4, $5, $6, $7)`,
				r.OrgID, r.ID, string(change.From), string(change.To), string(change.Reason), dayText(change.Day), change.ActorID)
			if err != nil {
				return classify(err, "stage change")
			}
		}
		return nil
	})
	if err != nil {
		return grievance.Report{}, err
	}
	r.Version++
	return r, nil
}

func (g *Grievances) Attachments(ctx context.Context, orgID, reportID string) ([]grievance.SealedAttachment, error) {
	if err := reportExists(ctx, g.db.read, orgID, reportID); err != nil {
		return nil, err
	}
	rows, err := g.db.read.QueryContext(ctx, "SELECT id, meta, content FROM grievance_attachments WHERE org_id = $1 AND report_id = $2 ORDER BY n", orgID, reportID)
	if err != nil {
		return nil, classify(err, "attachments")
	}
	defer rows.Close()
	out := []grievance.SealedAttachment{}
	for rows.Next() {
		a := grievance.SealedAttachment{ReportID: reportID}
		var meta, content string
		if err := rows.Scan(&a.ID, &meta, &content); err != nil {
			return nil, classify(err, "attachments")
		}
		if a.Meta, err = unb64(meta, "attachment"); err != nil {
			return nil, err
		}
		if a.Content, err = unb64(content, "attachment"); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, classify(rows.Err(), "attachments")
}

func (g *Grievances) History(ctx context.Context, orgID, reportID string) ([]grievance.StageChange, error) {
	if err := reportExists(ctx, g.db.read, orgID, reportID); err != nil {
		return nil, err
	}
	rows, err := g.db.read.QueryContext(ctx, "SELECT from_stage, to_stage, reason, day, actor_id FROM grievance_history WHERE org_id = $1 AND report_id = $2 ORDER BY seq", orgID, reportID)
	if err != nil {
		return nil, classify(err, "history")
	}
	defer rows.Close()
	out := []grievance.StageChange{}
	for rows.Next() {
		c := grievance.StageChange{ReportID: reportID}
		var from, to, reason, day string
		if err := rows.Scan(&from, &to, &reason, &day, &c.ActorID); err != nil {
			return nil, classify(err, "history")
		}
		c.From, c.To, c.Reason = grievance.Stage(from), grievance.Stage(to), grievance.Reason(reason)
		if c.Day, err = dayOf(day, "history"); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, classify(rows.Err(), "history")
}

// PurgeReport deletes everything sealed about a report and keeps the clear
// triage row, marked purged and without its locator, for aggregate counts.
func (g *Grievances) PurgeReport(ctx context.Context, orgID, reportID string) error {
	err := g.durableTx(ctx, func(tx *sql.Tx) error {
		if err := reportExists(ctx, tx, orgID, reportID); err != nil {
			return err
		}
		for _, q := range []string{
			"DELETE FROM grievance_keys WHERE report_id = $2 AND EXISTS (SELECT 1 FROM grievance_reports WHERE id = $2 AND org_id = $1)",
			"DELETE FROM grievance_attachments WHERE org_id = $1 AND report_id = $2",
			"DELETE FROM grievance_messages WHERE org_id = $1 AND report_id = $2",
			"DELETE FROM grievance_remedies WHERE org_id = $1 AND report_id = $2",
			"DELETE FROM grievance_consents WHERE org_id = $1 AND report_id = $2",
			`UPDATE grievance_reports SET locator = NULL, verifier = '', narrative = '', contact = '', identity = '',
				purged = TRUE, version = version + 1 WHERE org_id = $1 AND id = $2`,
		} {
			if _, err := tx.ExecContext(ctx, q, orgID, reportID); err != nil {
				return classify(err, "purge report")
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	g.checkpoint(ctx)
	return nil
}

// checkpoint moves the write-ahead log into the database file and empties
// it, so deleted pages do not linger in the WAL. It is best effort: a busy
// reader can delay it, and the next checkpoint finishes the job.
func (g *Grievances) checkpoint(ctx context.Context) {
	if g.db.Engine == SQLite {
		_, _ = g.db.write.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	}
}

func (g *Grievances) AddMessage(ctx context.Context, orgID string, m grievance.Message) (grievance.Message, error) {
	err := g.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := reportExists(ctx, tx, orgID, m.ReportID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) + 1 FROM grievance_messages WHERE report_id = $1", m.ReportID).Scan(&m.Seq); err != nil {
			return classify(err, "message")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO grievance_messages (id, org_id, report_id, seq, author, handler_id, internal, day, body)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			m.ID, orgID, m.ReportID, m.Seq, string(m.From), m.HandlerID, m.Internal, dayText(m.Day), b64(m.Body))
		return classify(err, "message")
	})
	if err != nil {
		return grievance.Message{}, err
	}
	return m, nil
}

func (g *Grievances) Messages(ctx context.Context, orgID, reportID string) ([]grievance.Message, error) {
	if err := reportExists(ctx, g.db.read, orgID, reportID); err != nil {
		return nil, err
	}
	rows, err := g.db.read.QueryContext(ctx, "SELECT id, seq, author, handler_id, internal, day, body FROM grievance_messages WHERE org_id = $1 AND report_id = $2 ORDER BY seq", orgID, reportID)
	if err != nil {
		return nil, classify(err, "messages")
	}
	defer rows.Close()
	out := []grievance.Message{}
	for rows.Next() {
		m := grievance.Message{ReportID: reportID}
		var from, day, body string
		if err := rows.Scan(&m.ID, &m.Seq, &from, &m.HandlerID, &m.Internal, &day, &body); err != nil {
			return nil, classify(err, "messages")
		}
		m.From = grievance.Author(from)
		if m.Day, err = dayOf(day, "message"); err != nil {
			return nil, err
		}
		if m.Body, err = unb64(body, "message"); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, classify(rows.Err(), "messages")
}

func (g *Grievances) PutRemedy(ctx context.Context, orgID string, m grievance.Remedy) (grievance.Remedy, error) {
	// Durable, and on SQLite with secure_delete: an evidence file is case
	// content.
	err := g.durableTx(ctx, func(tx *sql.Tx) error {
		if err := reportExists(ctx, tx, orgID, m.ReportID); err != nil {
			return err
		}
		if m.Version == 0 {
			_, err := tx.ExecContext(ctx, `INSERT INTO grievance_remedies (id, org_id, report_id, n, type, amount_minor, currency, status,
				proposed, proposed_by, responded, implemented, verified_by, description, reporter_comment, evidence_note, evidence_meta,
				evidence_file, version)
				VALUES ($1, $2, $3, (SELECT COALESCE(MAX(n), 0) + 1 FROM grievance_remedies WHERE report_id = $3), $4, $5, $6, $7, $8, $9, $10, $11,
				$12, $13, $14, $15, $16, $17, 1)`,
				m.ID, orgID, m.ReportID, string(m.Type), m.Amount.Minor, m.Amount.Currency, string(m.Status), dayText(m.Proposed), m.ProposedBy,
				dayText(m.Responded), dayText(m.Implemented), m.VerifiedBy, b64(m.Description), b64(m.ReporterComment),
				b64(m.EvidenceNote), b64(m.EvidenceMeta), b64(m.EvidenceFile))
			return classify(err, "remedy")
		}
		// The evidence file is read on its own (RemedyEvidence): an update
		// that does not carry one keeps the stored file.
		res, err := tx.ExecContext(ctx, `UPDATE grievance_remedies SET type = $5, amount_minor = $6, currency = $7, status = $8,
			proposed = $9, proposed_by = $10, responded = $11, implemented = $12, verified_by = $13, description = $14,
			reporter_comment = $15, evidence_note = $16, evidence_meta = $17,
			evidence_file = CASE WHEN $18 = '' THEN evidence_file ELSE $18 END,
			version = version + 1 WHERE org_id = $1 AND report_id = $2 AND id = $3 AND version = $4`,
			orgID, m.ReportID, m.ID, m.Version, string(m.Type), m.Amount.Minor, m.Amount.Currency, string(m.Status), dayText(m.Proposed),
			m.ProposedBy, dayText(m.Responded), dayText(m.Implemented), m.VerifiedBy, b64(m.Description), b64(m.ReporterComment),
			b64(m.EvidenceNote), b64(m.EvidenceMeta), b64(m.EvidenceFile))
		if err := affected(res, err, "remedy"); err != nil {
			if kernel.IsCode(err, kernel.NotFound) {
				var one int
				if tx.QueryRowContext(ctx, "SELECT 1 FROM grievance_remedies WHERE org_id = $1 AND report_id = $2 AND id = $3", orgID, m.ReportID, m.ID).Scan(&one) == nil {
					return kernel.Errorf(kernel.Conflict, "the remedy was changed by someone else; reload and try again")
				}
			}
			return err
		}
		return nil
	})
	if err != nil {
		return grievance.Remedy{}, err
	}
	m.Version++
	return m, nil
}

func (g *Grievances) Remedies(ctx context.Context, orgID, reportID string) ([]grievance.Remedy, error) {
	if err := reportExists(ctx, g.db.read, orgID, reportID); err != nil {
		return nil, err
	}
	rows, err := g.db.read.QueryContext(ctx, `SELECT id, type, amount_minor, currency, status, proposed, proposed_by, responded,
		implemented, verified_by, description, reporter_comment, evidence_note, evidence_meta, version FROM grievance_remedies
		WHERE org_id = $1 AND report_id = $2 ORDER BY n`, orgID, reportID)
	if err != nil {
		return nil, classify(err, "remedies")
	}
	defer rows.Close()
	out := []grievance.Remedy{}
	for rows.Next() {
		m := grievance.Remedy{ReportID: reportID}
		var typ, status, proposed, responded, implemented, desc, comment, note, meta string
		if err := rows.Scan(&m.ID, &typ, &m.Amount.Minor, &m.Amount.Currency, &status, &proposed, &m.ProposedBy, &responded,
			&implemented, &m.VerifiedBy, &desc, &comment, &note, &meta, &m.Version); err != nil {
			return nil, classify(err, "remedies")
		}
		m.Type, m.Status = grievance.RemedyType(typ), grievance.RemedyStatus(status)
		for _, d := range []struct {
			s   string
			dst *grievance.Day
		}{{proposed, &m.Proposed}, {responded, &m.Responded}, {implemented, &m.Implemented}} {
			if *d.dst, err = dayOf(d.s, "remedy"); err != nil {
				return nil, err
			}
		}
		if m.Description, err = unb64(desc, "remedy"); err != nil {
			return nil, err
		}
		if m.ReporterComment, err = unb64(comment, "remedy"); err != nil {
			return nil, err
		}
		if m.EvidenceNote, err = unb64(note, "remedy"); err != nil {
			return nil, err
		}
		if m.EvidenceMeta, err = unb64(meta, "remedy"); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, classify(rows.Err(), "remedies")
}

// RemedyEvidence returns the sealed evidence file of one remedy, empty when
// none was attached.
func (g *Grievances) RemedyEvidence(ctx context.Context, orgID, reportID, remedyID string) ([]byte, error) {
	var file string
	err := g.db.read.QueryRowContext(ctx, "SELECT evidence_file FROM grievance_remedies WHERE org_id = $1 AND report_id = $2 AND id = $3",
		orgID, reportID, remedyID).Scan(&file)
	if err != nil {
		return nil, classify(err, "remedy")
	}
	return unb64(file, "remedy evidence")
}

func (g *Grievances) AddConsent(ctx context.Context, orgID, reportID string, c grievance.Consent) error {
	return g.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := reportExists(ctx, tx, orgID, reportID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO grievance_consents (org_id, report_id, seq, purpose, granted, day)
			VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM grievance_consents WHERE report_id = $2), $3, $4, $5)`,
			orgID, reportID, string(c.Purpose), c.Granted, dayText(c.Day))
		return classify(err, "consent")
	})
}

func (g *Grievances) Consents(ctx context.Context, orgID, reportID string) ([]grievance.Consent, error) {
	if err := reportExists(ctx, g.db.read, orgID, reportID); err != nil {
		return nil, err
	}
	rows, err := g.db.read.QueryContext(ctx, "SELECT purpose, granted, day FROM grievance_consents WHERE org_id = $1 AND report_id = $2 ORDER BY seq", orgID, reportID)
	if err != nil {
		return nil, classify(err, "consents")
	}
	defer rows.Close()
	out := []grievance.Consent{}
	for rows.Next() {
		var c grievance.Consent
		var p, day string
		if err := rows.Scan(&p, &c.Granted, &day); err != nil {
			return nil, classify(err, "consents")
		}
		c.Purpose = grievance.Purpose(p)
		if c.Day, err = dayOf(day, "consent"); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, classify(rows.Err(), "consents")
}

// --- vault.KeyStore ---

func putKey(ctx context.Context, tx *sql.Tx, k vault.WrappedKey) error {
	var one int
	err := tx.QueryRowContext(ctx, "SELECT 1 FROM grievance_reports WHERE id = $1 AND purged = FALSE", k.ReportID).Scan(&one)
	if err != nil {
		return classify(err, "report")
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO grievance_keys (report_id, recipient, blob) VALUES ($1, $2, $3)
		ON CONFLICT (report_id, recipient) DO UPDATE SET blob = excluded.blob`, k.ReportID, k.Recipient, b64(k.Blob))
	return classify(err, "wrapped key")
}

func (g *Grievances) PutWrappedKeys(ctx context.Context, keys ...vault.WrappedKey) error {
	return g.durableTx(ctx, func(tx *sql.Tx) error {
		for _, k := range keys {
			if err := putKey(ctx, tx, k); err != nil {
				return err
			}
		}
		return nil
	})
}

func (g *Grievances) WrappedKey(ctx context.Context, reportID, recipient string) (vault.WrappedKey, error) {
	var blob string
	err := g.db.read.QueryRowContext(ctx, "SELECT blob FROM grievance_keys WHERE report_id = $1 AND recipient = $2", reportID, recipient).Scan(&blob)
	if err != nil {
		return vault.WrappedKey{}, classify(err, "wrapped key")
	}
	b, err := unb64(blob, "wrapped key")
	if err != nil {
		return vault.WrappedKey{}, err
	}
	return vault.WrappedKey{ReportID: reportID, Recipient: recipient, Blob: b}, nil
}

func (g *Grievances) DeleteWrappedKey(ctx context.Context, reportID, recipient string) error {
	return g.durableTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM grievance_keys WHERE report_id = $1 AND recipient = $2", reportID, recipient)
		return classify(err, "wrapped key")
	})
}

func (g *Grievances) DestroyWrappedKeys(ctx context.Context, reportID string) error {
	err := g.durableTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM grievance_keys WHERE report_id = $1", reportID)
		return classify(err, "wrapped keys")
	})
	if err == nil {
		g.checkpoint(ctx)
	}
	return err
}

// ReportIDs lists every live report of the organisation, for re-wrapping
// with the recovery key.
func (g *Grievances) ReportIDs(ctx context.Context, orgID string) ([]string, error) {
	rows, err := g.db.read.QueryContext(ctx, "SELECT id FROM grievance_reports WHERE org_id = $1 AND purged = FALSE ORDER BY n", orgID)
	if err != nil {
		return nil, classify(err, "reports")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, classify(err, "reports")
		}
		out = append(out, id)
	}
	return out, classify(rows.Err(), "reports")
}

// --- handler and organisation keys ---

// HandlerKey is a user's key pair as stored, with its approval.
type HandlerKey = grievance.HandlerKey

var _ grievance.ApprovalStore = (*Grievances)(nil)

// PutHandlerKey stores or replaces a user's key pair. The user must belong
// to the organisation. A new key pair starts unapproved; the same key
// locked again (a password change) keeps its approval.
func (g *Grievances) PutHandlerKey(ctx context.Context, orgID, userID string, pub vault.PublicKey, locked []byte) error {
	return g.db.InTx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, "SELECT 1 FROM users WHERE org_id = $1 AND id = $2", orgID, userID).Scan(&one); err != nil {
			return classify(err, "user")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO grievance_handler_keys (user_id, org_id, public_key, locked_key) VALUES ($1, $2, $3, $4)
			ON CONFLICT (user_id) DO UPDATE SET public_key = excluded.public_key, locked_key = excluded.locked_key,
			approved_by = CASE WHEN grievance_handler_keys.public_key = excluded.public_key THEN grievance_handler_keys.approved_by ELSE '' END`,
			userID, orgID, b64(pub.Bytes()), b64(locked))
		return classify(err, "handler key")
	})
}

// HandlerKey returns a user's key pair, or NotFound.
func (g *Grievances) HandlerKey(ctx context.Context, orgID, userID string) (HandlerKey, error) {
	var pub, locked, by string
	err := g.db.read.QueryRowContext(ctx, "SELECT public_key, locked_key, approved_by FROM grievance_handler_keys WHERE org_id = $1 AND user_id = $2", orgID, userID).Scan(&pub, &locked, &by)
	if err != nil {
		return HandlerKey{}, classify(err, "handler key")
	}
	return decodeHandlerKey(orgID, userID, pub, locked, by)
}

// ApproveHandlerKey marks the user's key approved, if it is still pub and
// waiting; otherwise Conflict (it was replaced or approved meanwhile).
func (g *Grievances) ApproveHandlerKey(ctx context.Context, orgID, userID string, pub vault.PublicKey, by string) error {
	res, err := g.db.write.ExecContext(ctx, `UPDATE grievance_handler_keys SET approved_by = $4
		WHERE org_id = $1 AND user_id = $2 AND public_key = $3 AND approved_by = ''`, orgID, userID, b64(pub.Bytes()), by)
	if err != nil {
		return classify(err, "handler key")
	}
	if n, err := res.RowsAffected(); err != nil {
		return classify(err, "handler key")
	} else if n == 0 {
		return kernel.Errorf(kernel.Conflict, "the key was replaced or approved meanwhile; look again")
	}
	return nil
}

// PendingHandlerKeys returns the keys of the organisation's enabled case
// handlers that wait for approval.
func (g *Grievances) PendingHandlerKeys(ctx context.Context, orgID, role string) ([]HandlerKey, error) {
	rows, err := g.db.read.QueryContext(ctx, `SELECT k.user_id, k.public_key, k.locked_key, k.approved_by FROM grievance_handler_keys k
		JOIN users u ON u.id = k.user_id AND u.org_id = k.org_id
		WHERE k.org_id = $1 AND u.role = $2 AND u.disabled = FALSE AND k.approved_by = '' ORDER BY u.email`, orgID, role)
	if err != nil {
		return nil, classify(err, "handler keys")
	}
	defer rows.Close()
	var out []HandlerKey
	for rows.Next() {
		var id, pub, locked, by string
		if err := rows.Scan(&id, &pub, &locked, &by); err != nil {
			return nil, classify(err, "handler keys")
		}
		hk, err := decodeHandlerKey(orgID, id, pub, locked, by)
		if err != nil {
			return nil, err
		}
		out = append(out, hk)
	}
	return out, classify(rows.Err(), "handler keys")
}

func decodeHandlerKey(orgID, userID, pub, locked, by string) (HandlerKey, error) {
	hk := HandlerKey{UserID: userID, OrgID: orgID, ApprovedBy: by}
	raw, err := unb64(pub, "handler key")
	if err != nil {
		return hk, err
	}
	if hk.Public, err = vault.ParsePublicKey(raw); err != nil {
		return hk, fmt.Errorf("handler key of %s: %w", userID, err)
	}
	hk.Locked, err = unb64(locked, "handler key")
	return hk, err
}

// ActiveHandlerKeys returns the public keys of the organisation's enabled
// case handlers whose keys are approved, by user id: the handlers new
// reports are wrapped to.
func (g *Grievances) ActiveHandlerKeys(ctx context.Context, orgID, role string) (map[string]vault.PublicKey, error) {
	rows, err := g.db.read.QueryContext(ctx, `SELECT k.user_id, k.public_key, k.locked_key FROM grievance_handler_keys k
		JOIN users u ON u.id = k.user_id AND u.org_id = k.org_id
		WHERE k.org_id = $1 AND u.role = $2 AND u.disabled = FALSE AND k.approved_by <> ''`, orgID, role)
	if err != nil {
		return nil, classify(err, "handler keys")
	}
	defer rows.Close()
	out := map[string]vault.PublicKey{}
	for rows.Next() {
		var id, pub, locked string
		if err := rows.Scan(&id, &pub, &locked); err != nil {
			return nil, classify(err, "handler keys")
		}
		hk, err := decodeHandlerKey(orgID, id, pub, locked, "")
		if err != nil {
			return nil, err
		}
		out[id] = hk.Public
	}
	return out, classify(rows.Err(), "handler keys")
}

// SetRecoveryKey stores the organisation's recovery public key. It returns
// Conflict when one exists, unless replace is set: replacing it leaves
// existing reports wrapped to the old key.
func (g *Grievances) SetRecoveryKey(ctx context.Context, orgID string, pub vault.PublicKey, replace bool) error {
	q := "INSERT INTO grievance_org_keys (org_id, recovery_public) VALUES ($1, $2)"
	if replace {
		q += " ON CONFLICT (org_id) DO UPDATE SET recovery_public = excluded.recovery_public"
	}
	_, err := g.db.write.ExecContext(ctx, q, orgID, b64(pub.Bytes()))
	return classify(err, "recovery key")
}

// RecoveryKey returns the organisation's recovery public key, or NotFound.
func (g *Grievances) RecoveryKey(ctx context.Context, orgID string) (vault.PublicKey, error) {
	var s string
	if err := g.db.read.QueryRowContext(ctx, "SELECT recovery_public FROM grievance_org_keys WHERE org_id = $1", orgID).Scan(&s); err != nil {
		return vault.PublicKey{}, classify(err, "recovery key")
	}
	raw, err := unb64(s, "recovery key")
	if err != nil {
		return vault.PublicKey{}, err
	}
	return vault.ParsePublicKey(raw)
}

// SeeInbound records an inbound webhook message key once. It returns
// Conflict when the key was seen before.
func (g *Grievances) SeeInbound(ctx context.Context, orgID, key string, day grievance.Day) error {
	_, err := g.db.write.ExecContext(ctx, "INSERT INTO grievance_inbound (org_id, message_key, day) VALUES ($1, $2, $3)", orgID, key, dayText(day))
	return classify(err, "message")
}

// ForgetInbound removes a key recorded by SeeInbound, so a delivery whose
// processing failed can be retried by the provider.
func (g *Grievances) ForgetInbound(ctx context.Context, orgID, key string) error {
	_, err := g.db.write.ExecContext(ctx, "DELETE FROM grievance_inbound WHERE org_id = $1 AND message_key = $2", orgID, key)
	return classify(err, "message")
}
