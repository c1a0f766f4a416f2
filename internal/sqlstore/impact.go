package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// Impact implements impact.Store, and keeps survivor outcome records and
// consent histories beside it.
type Impact struct{ db *DB }

// Impact returns the impact measurement repository.
func (db *DB) Impact() *Impact { return &Impact{db: db} }

var _ impact.Store = (*Impact)(nil)

const programmeColumns = "org_id, id, model, dimensions, created_at, updated_at"

func scanProgramme(row interface{ Scan(...any) error }) (impact.Programme, error) {
	var p impact.Programme
	var model, dims string
	if err := row.Scan(&p.Org, &p.ID, &model, &dims, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return p, err
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(model), &p.Model); err != nil {
		return p, fmt.Errorf("programme %s: stored logic model: %w", p.ID, err)
	}
	if err := json.Unmarshal([]byte(dims), &p.Dimensions); err != nil {
		return p, fmt.Errorf("programme %s: stored dimensions: %w", p.ID, err)
	}
	return p, nil
}

// Programme returns NotFound when the organisation has no such programme.
func (s *Impact) Programme(ctx context.Context, org, id string) (*impact.Programme, error) {
	p, err := scanProgramme(s.db.read.QueryRowContext(ctx,
		"SELECT "+programmeColumns+" FROM impact_programmes WHERE org_id = $1 AND id = $2", org, id))
	if err != nil {
		return nil, classify(err, "programme "+id)
	}
	return &p, nil
}

// Programmes lists the organisation's programmes by name.
func (s *Impact) Programmes(ctx context.Context, org string) ([]impact.Programme, error) {
	rows, err := s.db.read.QueryContext(ctx,
		"SELECT "+programmeColumns+" FROM impact_programmes WHERE org_id = $1 ORDER BY name, id", org)
	if err != nil {
		return nil, classify(err, "programmes")
	}
	defer rows.Close()
	out := []impact.Programme{}
	for rows.Next() {
		p, err := scanProgramme(rows)
		if err != nil {
			return nil, classify(err, "programmes")
		}
		out = append(out, p)
	}
	return out, classify(rows.Err(), "programmes")
}

// PutProgramme creates the programme or replaces its model and dimensions.
// A programme id that belongs to another organisation is NotFound: the
// conditional update changes no row.
func (s *Impact) PutProgramme(ctx context.Context, p *impact.Programme) error {
	if p.Org == "" || p.ID == "" {
		return kernel.Errorf(kernel.Invalid, "programme: organisation and id are required")
	}
	model, err := json.Marshal(p.Model)
	if err != nil {
		return fmt.Errorf("programme %s: logic model: %w", p.ID, err)
	}
	dims := p.Dimensions
	if dims == nil {
		dims = []impact.Dimension{}
	}
	dj, err := json.Marshal(dims)
	if err != nil {
		return fmt.Errorf("programme %s: dimensions: %w", p.ID, err)
	}
	res, err := s.db.write.ExecContext(ctx, `INSERT INTO impact_programmes (org_id, id, name, model, dimensions, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, model = excluded.model,
			dimensions = excluded.dimensions, updated_at = excluded.updated_at
		WHERE impact_programmes.org_id = excluded.org_id`,
		p.Org, p.ID, p.Model.Programme, string(model), string(dj), p.CreatedAt.UTC(), p.UpdatedAt.UTC())
	return affected(res, err, "programme "+p.ID)
}

// programmeExists checks, inside a transaction, that the programme belongs
// to the organisation, so that rows are never attached across tenants.
func programmeExists(ctx context.Context, tx *sql.Tx, org, id string) error {
	var one int
	err := tx.QueryRowContext(ctx, "SELECT 1 FROM impact_programmes WHERE org_id = $1 AND id = $2", org, id).Scan(&one)
	return classify(err, "programme "+id)
}

func nextSeq(ctx context.Context, tx *sql.Tx, table, org, programmeID string) (int64, error) {
	var seq int64
	err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) FROM "+table+" WHERE org_id = $1 AND programme_id = $2",
		org, programmeID).Scan(&seq)
	return seq, err
}

func cellJSON(cell map[string]string) (string, error) {
	if len(cell) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(cell) // map keys are sorted: one text per cell
	return string(b), err
}

func cellOf(text string) (map[string]string, error) {
	var cell map[string]string
	if err := json.Unmarshal([]byte(text), &cell); err != nil {
		return nil, err
	}
	if len(cell) == 0 {
		return nil, nil
	}
	return cell, nil
}

// AddObservations stores all of obs or none; an observation whose key is
// already stored is a Conflict, and a programme of another organisation is
// NotFound.
func (s *Impact) AddObservations(ctx context.Context, org, programmeID string, obs []impact.Observation) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := programmeExists(ctx, tx, org, programmeID); err != nil {
			return err
		}
		return insertObservations(ctx, tx, org, programmeID, obs)
	})
}

// insertObservations appends obs to the programme's observations, after
// those stored, inside tx.
func insertObservations(ctx context.Context, tx *sql.Tx, org, programmeID string, obs []impact.Observation) error {
	if len(obs) == 0 {
		return nil
	}
	seq, err := nextSeq(ctx, tx, "impact_observations", org, programmeID)
	if err != nil {
		return classify(err, "observations")
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO impact_observations
		(org_id, programme_id, obs_key, indicator, period, period_start, disaggregation, value, denominator, seq)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`)
	if err != nil {
		return classify(err, "observations")
	}
	defer stmt.Close()
	for _, o := range obs {
		cell, err := cellJSON(o.Disaggregation)
		if err != nil {
			return fmt.Errorf("observation %s: %w", o.Key(), err)
		}
		var den any
		if o.Denominator != nil {
			den = *o.Denominator
		}
		seq++
		if _, err := stmt.ExecContext(ctx, org, programmeID, o.Key(), o.Indicator, o.Period.Code, o.Period.Start.UTC(),
			cell, o.Value, den, seq); err != nil {
			return classify(err, "observation "+o.Key())
		}
	}
	return nil
}

// EditObservations removes each observation of was, which must still be
// stored with the value and denominator given, and stores each of put, in
// one transaction: all or none. A figure changed or removed meanwhile, or
// one of put already stored, is a Conflict.
func (s *Impact) EditObservations(ctx context.Context, org, programmeID string, was, put []impact.Observation) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := programmeExists(ctx, tx, org, programmeID); err != nil {
			return err
		}
		for _, o := range was {
			var den any
			if o.Denominator != nil {
				den = *o.Denominator
			}
			res, err := tx.ExecContext(ctx, `DELETE FROM impact_observations
				WHERE org_id = $1 AND programme_id = $2 AND obs_key = $3 AND value = $4 AND denominator IS NOT DISTINCT FROM $5`,
				org, programmeID, o.Key(), o.Value, den)
			if err != nil {
				return classify(err, "observation "+o.Key())
			}
			if n, err := res.RowsAffected(); err != nil {
				return classify(err, "observation "+o.Key())
			} else if n != 1 {
				return kernel.Errorf(kernel.Conflict, "observation %s was changed by someone else meanwhile", o.Key())
			}
		}
		return insertObservations(ctx, tx, org, programmeID, put)
	})
}

// Observations returns the programme's observations of one indicator (all
// when indicator is empty) in the order they were stored.
func (s *Impact) Observations(ctx context.Context, org, programmeID, indicator string) ([]impact.Observation, error) {
	q := `SELECT indicator, period, disaggregation, value, denominator FROM impact_observations
		WHERE org_id = $1 AND programme_id = $2`
	args := []any{org, programmeID}
	if indicator != "" {
		q += " AND indicator = $3"
		args = append(args, indicator)
	}
	rows, err := s.db.read.QueryContext(ctx, q+" ORDER BY seq", args...)
	if err != nil {
		return nil, classify(err, "observations")
	}
	defer rows.Close()
	var out []impact.Observation
	for rows.Next() {
		var o impact.Observation
		var period, cell string
		var den sql.NullFloat64
		if err := rows.Scan(&o.Indicator, &period, &cell, &o.Value, &den); err != nil {
			return nil, classify(err, "observations")
		}
		if o.Period, err = impact.ParsePeriod(period); err != nil {
			return nil, fmt.Errorf("stored observation of %s: %w", o.Indicator, err)
		}
		if o.Disaggregation, err = cellOf(cell); err != nil {
			return nil, fmt.Errorf("stored observation of %s: disaggregation: %w", o.Indicator, err)
		}
		if den.Valid {
			o = o.WithDenominator(den.Float64)
		}
		out = append(out, o)
	}
	return out, classify(rows.Err(), "observations")
}

// PutAnalysis stores an SROI analysis under its programme, which must
// exist (NotFound otherwise). impact.Analysis carries no organisation: the
// service checks the programme against the caller's organisation first, and
// the row takes its org_id from the programme row itself, so an analysis can
// only ever be filed under the programme's own tenant.
func (s *Impact) PutAnalysis(ctx context.Context, a *impact.Analysis) error {
	m, err := json.Marshal(a.Map)
	if err != nil {
		return fmt.Errorf("analysis %s: map: %w", a.ID, err)
	}
	r, err := json.Marshal(a.Result)
	if err != nil {
		return fmt.Errorf("analysis %s: result: %w", a.ID, err)
	}
	res, err := s.db.write.ExecContext(ctx, `INSERT INTO impact_analyses (org_id, id, programme_id, map, result, created_at)
		SELECT org_id, $2, id, $3, $4, $5 FROM impact_programmes WHERE id = $1`,
		a.ProgrammeID, a.ID, string(m), string(r), a.CreatedAt.UTC())
	return affected(res, err, "programme "+a.ProgrammeID)
}

// Analyses returns the programme's SROI analyses, newest first.
func (s *Impact) Analyses(ctx context.Context, org, programmeID string) ([]impact.Analysis, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT id, programme_id, map, result, created_at FROM impact_analyses
		WHERE org_id = $1 AND programme_id = $2 ORDER BY created_at DESC, id DESC`, org, programmeID)
	if err != nil {
		return nil, classify(err, "analyses")
	}
	defer rows.Close()
	out := []impact.Analysis{}
	for rows.Next() {
		var a impact.Analysis
		var m, r string
		if err := rows.Scan(&a.ID, &a.ProgrammeID, &m, &r, &a.CreatedAt); err != nil {
			return nil, classify(err, "analyses")
		}
		a.CreatedAt = a.CreatedAt.UTC()
		if err := json.Unmarshal([]byte(m), &a.Map); err != nil {
			return nil, fmt.Errorf("analysis %s: stored map: %w", a.ID, err)
		}
		if err := json.Unmarshal([]byte(r), &a.Result); err != nil {
			return nil, fmt.Errorf("analysis %s: stored result: %w", a.ID, err)
		}
		out = append(out, a)
	}
	return out, classify(rows.Err(), "analyses")
}

// Analysis returns one SROI analysis of the programme, or NotFound.
func (s *Impact) Analysis(ctx context.Context, org, programmeID, id string) (*impact.Analysis, error) {
	all, err := s.Analyses(ctx, org, programmeID)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].ID == id {
			return &all[i], nil
		}
	}
	return nil, kernel.Errorf(kernel.NotFound, "analysis %s not found", id)
}

// AppendConsent adds one decision to a survivor's consent history. The
// caller builds the event with impact.Consent.Grant or Withdraw on the
// history read by Consent; n is the number of events that history held, so
// a decision recorded meanwhile by someone else is a Conflict, not lost.
func (s *Impact) AppendConsent(ctx context.Context, org string, subject impact.Pseudonym, n int, e impact.ConsentEvent) error {
	_, err := s.db.write.ExecContext(ctx, `INSERT INTO impact_consent_events
		(org_id, subject, seq, purpose, granted, at, recorded_by, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		org, string(subject), n, string(e.Purpose), e.Granted, e.At.UTC(), e.RecordedBy, e.Note)
	if kernel.IsCode(classify(err, ""), kernel.Conflict) {
		return kernel.Errorf(kernel.Conflict, "consent of %s changed meanwhile; reload and record the decision again", subject)
	}
	return classify(err, "consent of "+string(subject))
}

// Consent returns a survivor's consent history, oldest decision first.
// Someone with no decisions recorded has an empty history, which allows
// nothing.
func (s *Impact) Consent(ctx context.Context, org string, subject impact.Pseudonym) (impact.Consent, error) {
	all, err := s.consents(ctx, "org_id = $1 AND subject = $2", org, string(subject))
	if err != nil {
		return impact.Consent{}, err
	}
	if c, ok := all[subject]; ok {
		return c, nil
	}
	return impact.Consent{Subject: subject, Events: []impact.ConsentEvent{}}, nil
}

// Consents returns every consent history of the organisation, for
// impact.OutcomeObservations.
func (s *Impact) Consents(ctx context.Context, org string) (map[impact.Pseudonym]impact.Consent, error) {
	return s.consents(ctx, "org_id = $1", org)
}

func (s *Impact) consents(ctx context.Context, where string, args ...any) (map[impact.Pseudonym]impact.Consent, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT subject, purpose, granted, at, recorded_by, note
		FROM impact_consent_events WHERE `+where+` ORDER BY subject, seq`, args...)
	if err != nil {
		return nil, classify(err, "consent")
	}
	defer rows.Close()
	out := map[impact.Pseudonym]impact.Consent{}
	for rows.Next() {
		var subject, purpose string
		var e impact.ConsentEvent
		if err := rows.Scan(&subject, &purpose, &e.Granted, &e.At, &e.RecordedBy, &e.Note); err != nil {
			return nil, classify(err, "consent")
		}
		e.Purpose, e.At = impact.Purpose(purpose), e.At.UTC()
		c := out[impact.Pseudonym(subject)]
		c.Subject = impact.Pseudonym(subject)
		c.Events = append(c.Events, e)
		out[c.Subject] = c
	}
	return out, classify(rows.Err(), "consent")
}

// AddSurvivorOutcomes stores all records or none; a second record for the
// same person, indicator and period is a Conflict.
func (s *Impact) AddSurvivorOutcomes(ctx context.Context, org, programmeID string, recs []impact.SurvivorOutcome) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := programmeExists(ctx, tx, org, programmeID); err != nil {
			return err
		}
		seq, err := nextSeq(ctx, tx, "impact_survivor_outcomes", org, programmeID)
		if err != nil {
			return classify(err, "survivor outcomes")
		}
		for _, r := range recs {
			cell, err := cellJSON(r.Disaggregation)
			if err != nil {
				return fmt.Errorf("survivor outcome: %w", err)
			}
			seq++
			_, err = tx.ExecContext(ctx, `INSERT INTO impact_survivor_outcomes
				(org_id, programme_id, subject, indicator, period, disaggregation, value, seq)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
				org, programmeID, string(r.Subject), r.Indicator, r.Period.Code, cell, r.Value, seq)
			if err != nil {
				return classify(err, fmt.Sprintf("outcome of %s for %s in %s", r.Subject, r.Indicator, r.Period.Code))
			}
		}
		return nil
	})
}

// SurvivorOutcomes returns the programme's survivor records of one
// indicator (all when indicator is empty), in the order stored.
func (s *Impact) SurvivorOutcomes(ctx context.Context, org, programmeID, indicator string) ([]impact.SurvivorOutcome, error) {
	q := `SELECT subject, indicator, period, disaggregation, value FROM impact_survivor_outcomes
		WHERE org_id = $1 AND programme_id = $2`
	args := []any{org, programmeID}
	if indicator != "" {
		q += " AND indicator = $3"
		args = append(args, indicator)
	}
	rows, err := s.db.read.QueryContext(ctx, q+" ORDER BY seq", args...)
	if err != nil {
		return nil, classify(err, "survivor outcomes")
	}
	defer rows.Close()
	out := []impact.SurvivorOutcome{}
	for rows.Next() {
		var r impact.SurvivorOutcome
		var subject, period, cell string
		if err := rows.Scan(&subject, &r.Indicator, &period, &cell, &r.Value); err != nil {
			return nil, classify(err, "survivor outcomes")
		}
		r.Subject = impact.Pseudonym(subject)
		if r.Period, err = impact.ParsePeriod(period); err != nil {
			return nil, fmt.Errorf("stored survivor outcome: %w", err)
		}
		if r.Disaggregation, err = cellOf(cell); err != nil {
			return nil, fmt.Errorf("stored survivor outcome: disaggregation: %w", err)
		}
		out = append(out, r)
	}
	return out, classify(rows.Err(), "survivor outcomes")
}
