package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// EarlyWarning implements the early-warning stores (earlywarning.AlertStore,
// Outbox and EndpointStore) and keeps stored signals, threshold rules and
// detector progress. Rules stay in internal/earlywarning; this file only
// reads and writes rows.
type EarlyWarning struct{ db *DB }

// EarlyWarning returns the early-warning repository.
func (db *DB) EarlyWarning() *EarlyWarning { return &EarlyWarning{db: db} }

var (
	_ earlywarning.AlertStore    = (*EarlyWarning)(nil)
	_ earlywarning.Outbox        = (*EarlyWarning)(nil)
	_ earlywarning.EndpointStore = (*EarlyWarning)(nil)
)

type ewScanner interface{ Scan(...any) error }

// Alerts.

const alertColumns = `id, org_id, alert_key, kind, subject_kind, subject_id, detector, severity, state, score,
	source, occurrences, first_seen, last_seen, assigned_to, snoozed_until, acknowledged_by, acknowledged_at,
	resolved_by, resolved_at, resolution, updated_at, version`

func scanAlert(row ewScanner) (earlywarning.Alert, error) {
	var a earlywarning.Alert
	var kind, subjectKind, severity, state string
	var snoozed, acked, resolved sql.NullTime
	err := row.Scan(&a.ID, &a.OrgID, &a.Key, &kind, &subjectKind, &a.Subject.ID, &a.Detector, &severity, &state, &a.Score,
		&a.Source, &a.Occurrences, &a.FirstSeen, &a.LastSeen, &a.AssignedTo, &snoozed, &a.AcknowledgedBy, &acked,
		&a.ResolvedBy, &resolved, &a.Resolution, &a.UpdatedAt, &a.Version)
	if err != nil {
		return a, err
	}
	a.Kind, a.Subject.Kind = earlywarning.Kind(kind), earlywarning.SubjectKind(subjectKind)
	a.Severity, a.State = earlywarning.Severity(severity), earlywarning.State(state)
	a.FirstSeen, a.LastSeen, a.UpdatedAt = a.FirstSeen.UTC(), a.LastSeen.UTC(), a.UpdatedAt.UTC()
	a.SnoozedUntil, a.AcknowledgedAt, a.ResolvedAt = timeOf(snoozed), timeOf(acked), timeOf(resolved)
	return a, nil
}

// OpenAlert returns the organisation's unresolved alert with key.
func (e *EarlyWarning) OpenAlert(ctx context.Context, orgID, key string) (earlywarning.Alert, error) {
	a, err := scanAlert(e.db.read.QueryRowContext(ctx, "SELECT "+alertColumns+
		" FROM ew_alerts WHERE org_id = $1 AND alert_key = $2 AND state <> 'resolved'", orgID, key))
	return a, classify(err, "open alert")
}

// Alert returns one alert of the organisation.
func (e *EarlyWarning) Alert(ctx context.Context, orgID, id string) (earlywarning.Alert, error) {
	a, err := scanAlert(e.db.read.QueryRowContext(ctx, "SELECT "+alertColumns+
		" FROM ew_alerts WHERE org_id = $1 AND id = $2", orgID, id))
	return a, classify(err, "alert")
}

// where builds a conjunction of conditions with numbered placeholders.
type ewWhere struct {
	conds []string
	args  []any
}

func (w *ewWhere) add(cond string, args ...any) {
	for _, a := range args {
		w.args = append(w.args, a)
		cond = strings.Replace(cond, "?", fmt.Sprintf("$%d", len(w.args)), 1)
	}
	w.conds = append(w.conds, cond)
}

func (w *ewWhere) sql() string { return strings.Join(w.conds, " AND ") }

// alertOrder is the order of ListAlerts: most recently seen first
// (earlywarning.AlertKey gives an alert's key in it).
var alertOrder = []keyCol{{"last_seen", true, keyTime}, {"id", true, keyText}}

// ListAlerts returns the organisation's alerts matching f, most recently
// seen first.
func (e *EarlyWarning) ListAlerts(ctx context.Context, orgID string, f earlywarning.AlertFilter, p kernel.Page) ([]earlywarning.Alert, error) {
	p = p.Normalise()
	var w ewWhere
	w.add("org_id = ?", orgID)
	if len(f.States) > 0 {
		marks := make([]string, len(f.States))
		args := make([]any, len(f.States))
		for i, s := range f.States {
			marks[i], args[i] = "?", string(s)
		}
		w.add("state IN ("+strings.Join(marks, ", ")+")", args...)
	}
	if f.MinSeverity != "" {
		w.add("severity_rank >= ?", f.MinSeverity.Rank())
	}
	if f.AssignedTo != "" {
		w.add("assigned_to = ?", f.AssignedTo)
	}
	if f.SubjectKind != "" {
		w.add("subject_kind = ?", string(f.SubjectKind))
	}
	if f.SubjectID != "" {
		w.add("subject_id = ?", f.SubjectID)
	}
	if len(p.After) > 0 {
		cond, args, err := keysetAfter(alertOrder, p.After, len(w.args))
		if err != nil {
			return nil, err
		}
		w.conds, w.args = append(w.conds, cond), append(w.args, args...)
	}
	q := fmt.Sprintf("SELECT %s FROM ew_alerts WHERE %s ORDER BY %s LIMIT %d OFFSET %d",
		alertColumns, w.sql(), orderBy(alertOrder), p.Limit, p.Offset)
	return e.queryAlerts(ctx, q, w.args...)
}

// AlertsSeenBetween returns the organisation's alerts last seen in
// [from, to), for the daily digest.
func (e *EarlyWarning) AlertsSeenBetween(ctx context.Context, orgID string, from, to time.Time) ([]earlywarning.Alert, error) {
	return e.queryAlerts(ctx, "SELECT "+alertColumns+
		" FROM ew_alerts WHERE org_id = $1 AND last_seen >= $2 AND last_seen < $3 ORDER BY last_seen, id",
		orgID, from.UTC(), to.UTC())
}

func (e *EarlyWarning) queryAlerts(ctx context.Context, q string, args ...any) ([]earlywarning.Alert, error) {
	rows, err := e.db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, classify(err, "alerts")
	}
	defer rows.Close()
	var out []earlywarning.Alert
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, classify(err, "alerts")
		}
		out = append(out, a)
	}
	return out, classify(rows.Err(), "alerts")
}

// SaveAlert inserts a new alert (Version 0) or updates one whose stored
// version is still a.Version, and enqueues msgs, in one transaction.
func (e *EarlyWarning) SaveAlert(ctx context.Context, a earlywarning.Alert, msgs []earlywarning.Message) (earlywarning.Alert, error) {
	saved := a
	saved.Version = a.Version + 1
	err := e.db.InTx(ctx, func(tx *sql.Tx) error {
		args := []any{a.OrgID, a.ID, a.Key, string(a.Kind), string(a.Subject.Kind), a.Subject.ID, a.Detector,
			string(a.Severity), a.Severity.Rank(), string(a.State), a.Score, a.Source, a.Occurrences,
			a.FirstSeen.UTC(), a.LastSeen.UTC(), a.AssignedTo, nullTime(a.SnoozedUntil), a.AcknowledgedBy,
			nullTime(a.AcknowledgedAt), a.ResolvedBy, nullTime(a.ResolvedAt), a.Resolution, a.UpdatedAt.UTC(), saved.Version}
		if a.Version == 0 {
			_, err := tx.ExecContext(ctx, `INSERT INTO ew_alerts (org_id, id, alert_key, kind, subject_kind, subject_id,
				detector, severity, severity_rank, state, score, source, occurrences, first_seen, last_seen, assigned_to,
				snoozed_until, acknowledged_by, acknowledged_at, resolved_by, resolved_at, resolution, updated_at, version)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)`,
				args...)
			if err != nil {
				return classify(err, "unresolved alert with key "+a.Key)
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE ew_alerts SET alert_key = $3, kind = $4, subject_kind = $5,
				subject_id = $6, detector = $7, severity = $8, severity_rank = $9, state = $10, score = $11, source = $12,
				occurrences = $13, first_seen = $14, last_seen = $15, assigned_to = $16, snoozed_until = $17,
				acknowledged_by = $18, acknowledged_at = $19, resolved_by = $20, resolved_at = $21, resolution = $22,
				updated_at = $23, version = $24
				WHERE org_id = $1 AND id = $2 AND version = $25`, append(args, a.Version)...)
			if err != nil {
				return classify(err, "unresolved alert with key "+a.Key)
			}
			if n, err := res.RowsAffected(); err != nil {
				return classify(err, "alert")
			} else if n == 0 {
				var v int
				err := tx.QueryRowContext(ctx, "SELECT version FROM ew_alerts WHERE org_id = $1 AND id = $2", a.OrgID, a.ID).Scan(&v)
				if err != nil {
					return classify(err, "alert")
				}
				return kernel.Errorf(kernel.Conflict, "alert %s was changed by someone else (version %d, not %d); reload and try again", a.ID, v, a.Version)
			}
		}
		return insertMessages(ctx, tx, msgs)
	})
	if err != nil {
		return earlywarning.Alert{}, err
	}
	return saved, nil
}

// Outbox.

func insertMessages(ctx context.Context, tx *sql.Tx, msgs []earlywarning.Message) error {
	for _, m := range msgs {
		_, err := tx.ExecContext(ctx, `INSERT INTO ew_outbox (id, org_id, endpoint_id, channel, alert_id, subject, body,
			state, attempts, next_attempt_at, last_error, created_at, delivered_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			m.ID, m.OrgID, m.EndpointID, string(m.Channel), m.AlertID, m.Subject, string(m.Body), string(m.State),
			m.Attempts, m.NextAttemptAt.UTC(), m.LastError, m.CreatedAt.UTC(), nullTime(m.DeliveredAt))
		if err != nil {
			return classify(err, "outbox message "+m.ID)
		}
	}
	return nil
}

// Enqueue stores messages outside an alert change; a message whose id is
// already stored fails the whole call with Conflict.
func (e *EarlyWarning) Enqueue(ctx context.Context, msgs []earlywarning.Message) error {
	return e.db.InTx(ctx, func(tx *sql.Tx) error { return insertMessages(ctx, tx, msgs) })
}

const messageColumns = `id, org_id, endpoint_id, channel, alert_id, subject, body, state, attempts, next_attempt_at,
	last_error, created_at, delivered_at`

func scanMessage(row ewScanner) (earlywarning.Message, error) {
	var m earlywarning.Message
	var channel, state, body string
	var delivered sql.NullTime
	err := row.Scan(&m.ID, &m.OrgID, &m.EndpointID, &channel, &m.AlertID, &m.Subject, &body, &state, &m.Attempts,
		&m.NextAttemptAt, &m.LastError, &m.CreatedAt, &delivered)
	m.Channel, m.State, m.Body = earlywarning.Channel(channel), earlywarning.MessageState(state), []byte(body)
	m.NextAttemptAt, m.CreatedAt, m.DeliveredAt = m.NextAttemptAt.UTC(), m.CreatedAt.UTC(), timeOf(delivered)
	return m, err
}

// Claim leases up to limit due messages. On PostgreSQL the candidate rows
// are locked with FOR UPDATE SKIP LOCKED, so workers on several servers
// claim disjoint sets without waiting for each other; on SQLite the single
// writer serialises claims and the lease columns alone keep them apart.
func (e *EarlyWarning) Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]earlywarning.Lease, error) {
	if limit <= 0 {
		return nil, nil
	}
	now = now.UTC()
	token := kernel.NewID()
	until := now.Add(lease)
	q := `SELECT id FROM ew_outbox WHERE state = 'pending' AND next_attempt_at <= $1
		AND (lease_until IS NULL OR lease_until < $1) ORDER BY next_attempt_at, id LIMIT ` + fmt.Sprint(limit)
	if e.db.Engine == Postgres {
		q += " FOR UPDATE SKIP LOCKED"
	}
	var out []earlywarning.Lease
	err := e.db.InTx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		rows, err := tx.QueryContext(ctx, q, now)
		if err != nil {
			return classify(err, "outbox")
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return classify(err, "outbox")
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return classify(err, "outbox")
		}
		for _, id := range ids {
			m, err := scanMessage(tx.QueryRowContext(ctx, "UPDATE ew_outbox SET lease_token = $2, lease_until = $3 WHERE id = $1 RETURNING "+messageColumns,
				id, token, until))
			if err != nil {
				return classify(err, "outbox message")
			}
			out = append(out, earlywarning.Lease{Message: m, Token: token, Until: until})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Complete stores the outcome of an attempt if the claim is still this
// worker's; otherwise it returns Conflict and changes nothing.
func (e *EarlyWarning) Complete(ctx context.Context, l earlywarning.Lease, m earlywarning.Message) error {
	res, err := e.db.write.ExecContext(ctx, `UPDATE ew_outbox SET state = $3, attempts = $4, next_attempt_at = $5,
		last_error = $6, delivered_at = $7, lease_token = NULL, lease_until = NULL
		WHERE id = $1 AND lease_token = $2 AND state = 'pending'`,
		m.ID, l.Token, string(m.State), m.Attempts, m.NextAttemptAt.UTC(), m.LastError, nullTime(m.DeliveredAt))
	if err != nil {
		return classify(err, "outbox message")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return classify(err, "outbox message")
	}
	if n == 0 {
		return kernel.Errorf(kernel.Conflict, "outbox message %s: the lease was lost to another worker", m.ID)
	}
	return nil
}

// MessageFilter narrows Messages. Zero fields do not filter.
type MessageFilter struct {
	State   earlywarning.MessageState
	AlertID string
}

// Message returns one outbox message of the organisation.
func (e *EarlyWarning) Message(ctx context.Context, orgID, id string) (earlywarning.Message, error) {
	m, err := scanMessage(e.db.read.QueryRowContext(ctx, "SELECT "+messageColumns+" FROM ew_outbox WHERE org_id = $1 AND id = $2", orgID, id))
	return m, classify(err, "outbox message")
}

// Messages lists the organisation's outbox messages, newest first.
func (e *EarlyWarning) Messages(ctx context.Context, orgID string, f MessageFilter, p kernel.Page) ([]earlywarning.Message, error) {
	p = p.Normalise()
	var w ewWhere
	w.add("org_id = ?", orgID)
	if f.State != "" {
		w.add("state = ?", string(f.State))
	}
	if f.AlertID != "" {
		w.add("alert_id = ?", f.AlertID)
	}
	rows, err := e.db.read.QueryContext(ctx, fmt.Sprintf("SELECT %s FROM ew_outbox WHERE %s ORDER BY created_at DESC, id DESC LIMIT %d OFFSET %d",
		messageColumns, w.sql(), p.Limit, p.Offset), w.args...)
	if err != nil {
		return nil, classify(err, "outbox messages")
	}
	defer rows.Close()
	var out []earlywarning.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, classify(err, "outbox messages")
		}
		out = append(out, m)
	}
	return out, classify(rows.Err(), "outbox messages")
}

// RequeueMessage gives a dead message of the organisation a fresh set of
// attempts (earlywarning.Message.Requeue decides whether it may).
func (e *EarlyWarning) RequeueMessage(ctx context.Context, orgID, id string, now time.Time) error {
	m, err := e.Message(ctx, orgID, id)
	if err != nil {
		return err
	}
	next, err := m.Requeue(now)
	if err != nil {
		return err
	}
	res, err := e.db.write.ExecContext(ctx, `UPDATE ew_outbox SET state = $3, attempts = $4, next_attempt_at = $5
		WHERE org_id = $1 AND id = $2 AND state = 'dead'`, orgID, id, string(next.State), next.Attempts, next.NextAttemptAt.UTC())
	return affected(res, err, "dead outbox message")
}

// Endpoints.

const endpointColumns = "id, org_id, channel, target, secret, min_severity, digest"

func scanEndpoint(row ewScanner) (earlywarning.Endpoint, error) {
	var ep earlywarning.Endpoint
	var channel, secret, minSev string
	if err := row.Scan(&ep.ID, &ep.OrgID, &channel, &ep.Target, &secret, &minSev, &ep.Digest); err != nil {
		return ep, err
	}
	ep.Channel, ep.MinSeverity = earlywarning.Channel(channel), earlywarning.Severity(minSev)
	if secret != "" {
		b, err := hex.DecodeString(secret)
		if err != nil {
			return ep, fmt.Errorf("endpoint %s secret: %w", ep.ID, err)
		}
		ep.Secret = b
	}
	return ep, nil
}

// Endpoints lists the organisation's delivery endpoints, oldest first.
func (e *EarlyWarning) Endpoints(ctx context.Context, orgID string) ([]earlywarning.Endpoint, error) {
	return e.queryEndpoints(ctx, "SELECT "+endpointColumns+" FROM ew_endpoints WHERE org_id = $1 ORDER BY created_at, id", orgID)
}

// DigestEndpoints lists every organisation's digest endpoints, for the
// daily digest job.
func (e *EarlyWarning) DigestEndpoints(ctx context.Context) ([]earlywarning.Endpoint, error) {
	return e.queryEndpoints(ctx, "SELECT "+endpointColumns+" FROM ew_endpoints WHERE digest = $1 ORDER BY org_id, created_at, id", true)
}

func (e *EarlyWarning) queryEndpoints(ctx context.Context, q string, args ...any) ([]earlywarning.Endpoint, error) {
	rows, err := e.db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, classify(err, "endpoints")
	}
	defer rows.Close()
	out := []earlywarning.Endpoint{}
	for rows.Next() {
		ep, err := scanEndpoint(rows)
		if err != nil {
			return nil, classify(err, "endpoints")
		}
		out = append(out, ep)
	}
	return out, classify(rows.Err(), "endpoints")
}

// Endpoint returns one endpoint of the organisation.
func (e *EarlyWarning) Endpoint(ctx context.Context, orgID, id string) (earlywarning.Endpoint, error) {
	ep, err := scanEndpoint(e.db.read.QueryRowContext(ctx, "SELECT "+endpointColumns+" FROM ew_endpoints WHERE org_id = $1 AND id = $2", orgID, id))
	return ep, classify(err, "endpoint")
}

// CreateEndpoint validates and stores a new endpoint.
func (e *EarlyWarning) CreateEndpoint(ctx context.Context, ep earlywarning.Endpoint, at time.Time) error {
	if err := ep.Validate(); err != nil {
		return err
	}
	_, err := e.db.write.ExecContext(ctx, "INSERT INTO ew_endpoints ("+endpointColumns+", created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
		ep.ID, ep.OrgID, string(ep.Channel), ep.Target, hex.EncodeToString(ep.Secret), string(ep.MinSeverity), ep.Digest, at.UTC())
	return classify(err, "endpoint")
}

// DeleteEndpoint removes an endpoint of the organisation. Messages still
// pending for it become dead letters in the same transaction, so that no
// worker retries a destination that no longer exists and admins can see
// what was not sent.
func (e *EarlyWarning) DeleteEndpoint(ctx context.Context, orgID, id string) error {
	return e.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM ew_endpoints WHERE org_id = $1 AND id = $2", orgID, id)
		if err := affected(res, err, "endpoint"); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE ew_outbox SET state = $3, last_error = $4, lease_token = NULL, lease_until = NULL
			WHERE org_id = $1 AND endpoint_id = $2 AND state = $5`,
			orgID, id, string(earlywarning.MessageDead), "endpoint deleted", string(earlywarning.MessagePending))
		return classify(err, "outbox")
	})
}

// Threshold rules.

// ThresholdConfig returns the organisation's threshold rules, or the
// default rules when it has saved none.
func (e *EarlyWarning) ThresholdConfig(ctx context.Context, orgID string) (earlywarning.ThresholdConfig, error) {
	var rules string
	err := e.db.read.QueryRowContext(ctx, "SELECT rules FROM ew_thresholds WHERE org_id = $1", orgID).Scan(&rules)
	if kernel.IsCode(classify(err, ""), kernel.NotFound) {
		return earlywarning.ThresholdConfig{OrgID: orgID, Rules: earlywarning.DefaultThresholdRules()}, nil
	}
	if err != nil {
		return earlywarning.ThresholdConfig{}, classify(err, "threshold rules")
	}
	c := earlywarning.ThresholdConfig{OrgID: orgID}
	if err := json.Unmarshal([]byte(rules), &c.Rules); err != nil {
		return earlywarning.ThresholdConfig{}, kernel.Wrap(kernel.Internal, err, "stored threshold rules of %s", orgID)
	}
	return c, nil
}

// SaveThresholdConfig validates and stores the organisation's rules.
func (e *EarlyWarning) SaveThresholdConfig(ctx context.Context, c earlywarning.ThresholdConfig, at time.Time) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if c.Rules == nil {
		c.Rules = []earlywarning.ThresholdRule{}
	}
	b, err := json.Marshal(c.Rules)
	if err != nil {
		return kernel.Wrap(kernel.Internal, err, "encoding threshold rules")
	}
	_, err = e.db.write.ExecContext(ctx, `INSERT INTO ew_thresholds (org_id, rules, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (org_id) DO UPDATE SET rules = excluded.rules, updated_at = excluded.updated_at`, c.OrgID, string(b), at.UTC())
	return classify(err, "threshold rules")
}

// Signals.

// AddSignals validates and stores signals in one transaction.
func (e *EarlyWarning) AddSignals(ctx context.Context, sigs []earlywarning.Signal) error {
	for _, s := range sigs {
		if err := s.Validate(); err != nil {
			return err
		}
	}
	return e.db.InTx(ctx, func(tx *sql.Tx) error {
		for _, s := range sigs {
			_, err := tx.ExecContext(ctx, `INSERT INTO ew_signals (id, org_id, kind, subject_kind, subject_id, at, value, source)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
				s.ID, s.OrgID, string(s.Kind), string(s.Subject.Kind), s.Subject.ID, s.At.UTC(), s.Value, s.Source)
			if err != nil {
				return classify(err, "signal "+s.ID)
			}
		}
		return nil
	})
}

// Signals returns the organisation's signals of kind at or after from and
// before to, ordered by subject and time.
func (e *EarlyWarning) Signals(ctx context.Context, orgID string, kind earlywarning.Kind, from, to time.Time) ([]earlywarning.Signal, error) {
	rows, err := e.db.read.QueryContext(ctx, `SELECT id, org_id, kind, subject_kind, subject_id, at, value, source FROM ew_signals
		WHERE org_id = $1 AND kind = $2 AND at >= $3 AND at < $4 ORDER BY subject_kind, subject_id, at, id`,
		orgID, string(kind), from.UTC(), to.UTC())
	if err != nil {
		return nil, classify(err, "signals")
	}
	return scanSignals(rows)
}

// scanSignals reads signal rows (id, org_id, kind, subject_kind,
// subject_id, at, value, source) and closes them.
func scanSignals(rows *sql.Rows) ([]earlywarning.Signal, error) {
	defer rows.Close()
	var out []earlywarning.Signal
	for rows.Next() {
		var s earlywarning.Signal
		var k, sk string
		if err := rows.Scan(&s.ID, &s.OrgID, &k, &sk, &s.Subject.ID, &s.At, &s.Value, &s.Source); err != nil {
			return nil, classify(err, "signals")
		}
		s.Kind, s.Subject.Kind, s.At = earlywarning.Kind(k), earlywarning.SubjectKind(sk), s.At.UTC()
		out = append(out, s)
	}
	return out, classify(rows.Err(), "signals")
}

// PendingSignals returns up to limit signals, of every organisation, that
// the threshold rules have not been applied to yet, oldest first.
func (e *EarlyWarning) PendingSignals(ctx context.Context, limit int) ([]earlywarning.Signal, error) {
	rows, err := e.db.read.QueryContext(ctx, `SELECT id, org_id, kind, subject_kind, subject_id, at, value, source FROM ew_signals
		WHERE evaluated = $1 ORDER BY at, id LIMIT `+fmt.Sprint(max(limit, 1)), false)
	if err != nil {
		return nil, classify(err, "signals")
	}
	return scanSignals(rows)
}

// MarkEvaluated records that the threshold rules were applied to the
// signals with the given ids.
func (e *EarlyWarning) MarkEvaluated(ctx context.Context, ids []string) error {
	return e.db.InTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, "UPDATE ew_signals SET evaluated = $2 WHERE id = $1", id, true); err != nil {
				return classify(err, "signal "+id)
			}
		}
		return nil
	})
}

// SignalOrgs lists the organisations with signals of kind at or after from.
func (e *EarlyWarning) SignalOrgs(ctx context.Context, kind earlywarning.Kind, from time.Time) ([]string, error) {
	rows, err := e.db.read.QueryContext(ctx, "SELECT DISTINCT org_id FROM ew_signals WHERE kind = $1 AND at >= $2 ORDER BY org_id",
		string(kind), from.UTC())
	if err != nil {
		return nil, classify(err, "signals")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, classify(err, "signals")
		}
		out = append(out, id)
	}
	return out, classify(rows.Err(), "signals")
}

// DetectorProgress returns the last day the count detectors raised alerts
// through for the organisation, and false when they never have.
func (e *EarlyWarning) DetectorProgress(ctx context.Context, orgID string) (earlywarning.Day, bool, error) {
	var d int64
	err := e.db.read.QueryRowContext(ctx, "SELECT through_day FROM ew_detector_progress WHERE org_id = $1", orgID).Scan(&d)
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, classify(err, "detector progress")
	}
	return earlywarning.Day(d), true, nil
}

// SetDetectorProgress records that detections through day were raised.
func (e *EarlyWarning) SetDetectorProgress(ctx context.Context, orgID string, day earlywarning.Day) error {
	_, err := e.db.write.ExecContext(ctx, `INSERT INTO ew_detector_progress (org_id, through_day) VALUES ($1, $2)
		ON CONFLICT (org_id) DO UPDATE SET through_day = excluded.through_day`, orgID, int64(day))
	return classify(err, "detector progress")
}

// DetectorSensitivity returns the organisation's point on the early-warning
// trade-off curve, or the default when it has chosen none.
func (e *EarlyWarning) DetectorSensitivity(ctx context.Context, orgID string) (earlywarning.Sensitivity, error) {
	var name string
	err := e.db.read.QueryRowContext(ctx, "SELECT sensitivity FROM ew_detector_settings WHERE org_id = $1", orgID).Scan(&name)
	if err == sql.ErrNoRows {
		return earlywarning.SensitivityByName("")
	}
	if err != nil {
		return earlywarning.Sensitivity{}, classify(err, "detector sensitivity")
	}
	s, err := earlywarning.SensitivityByName(name)
	if err != nil {
		return earlywarning.Sensitivity{}, kernel.Wrap(kernel.Internal, err, "stored detector sensitivity of %s", orgID)
	}
	return s, nil
}

// SetDetectorSensitivity stores the organisation's point on the trade-off
// curve, refusing (as Invalid) a name that is not one of
// earlywarning.Sensitivities.
func (e *EarlyWarning) SetDetectorSensitivity(ctx context.Context, orgID, name, by string, at time.Time) error {
	if _, err := earlywarning.SensitivityByName(name); err != nil || name == "" {
		if err == nil {
			err = kernel.Errorf(kernel.Invalid, "sensitivity: choose one of the points on the curve")
		}
		return err
	}
	_, err := e.db.write.ExecContext(ctx, `INSERT INTO ew_detector_settings (org_id, sensitivity, updated_by, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (org_id) DO UPDATE SET sensitivity = excluded.sensitivity, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		orgID, name, by, at.UTC())
	return classify(err, "detector sensitivity")
}
