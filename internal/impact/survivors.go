package impact

import (
	"context"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Catalogue lists an organisation's programmes.
type Catalogue interface {
	Programmes(ctx context.Context, org string) ([]Programme, error)
}

// SurvivorStore keeps survivor-level outcome records and the consent each
// survivor gave, both under a pseudonym. Every method is scoped to an
// organisation.
type SurvivorStore interface {
	// Consent returns a survivor's consent history; an unknown survivor
	// has an empty one.
	Consent(ctx context.Context, org string, subject Pseudonym) (Consent, error)
	// AppendConsent stores event as the n-th of the survivor's history; it
	// returns kernel.Conflict when another event took that place first.
	AppendConsent(ctx context.Context, org string, subject Pseudonym, n int, e ConsentEvent) error
	AddSurvivorOutcomes(ctx context.Context, org, programmeID string, recs []SurvivorOutcome) error
	// SurvivorOutcomes returns the programme's records of one indicator,
	// or of all of them when indicator is empty.
	SurvivorOutcomes(ctx context.Context, org, programmeID, indicator string) ([]SurvivorOutcome, error)
	Consents(ctx context.Context, org string) (map[Pseudonym]Consent, error)
}

// Survivors applies the rules for survivor-level records: each record is
// checked as it arrives, consent is an append-only history, and only
// aggregates of people whose consent stands become observations.
type Survivors struct {
	Store   SurvivorStore
	Service *Service // the programmes the records belong to
}

// Consent returns a survivor's consent history.
func (s *Survivors) Consent(ctx context.Context, org string, subject Pseudonym) (Consent, error) {
	return s.Store.Consent(ctx, org, subject)
}

// RecordConsent grants (granted) or withdraws consent to purpose for the
// survivor, by the user by, and returns the history with the new event.
func (s *Survivors) RecordConsent(ctx context.Context, org string, subject Pseudonym, purpose Purpose, granted bool, by, note string) (Consent, error) {
	c, err := s.Store.Consent(ctx, org, subject)
	if err != nil {
		return c, err
	}
	n := len(c.Events)
	record := c.Withdraw
	if granted {
		record = c.Grant
	}
	if err := record(s.Service.Clock, purpose, by, note); err != nil {
		return c, err
	}
	if err := s.Store.AppendConsent(ctx, org, subject, n, c.Events[n]); err != nil {
		return c, err
	}
	return c, nil
}

// Outcomes returns a programme's survivor records of one indicator, or of
// all of them when indicator is empty.
func (s *Survivors) Outcomes(ctx context.Context, org, programmeID, indicator string) ([]SurvivorOutcome, error) {
	if _, err := s.Service.Programme(ctx, org, programmeID); err != nil {
		return nil, err
	}
	return s.Store.SurvivorOutcomes(ctx, org, programmeID, indicator)
}

// AddOutcomes checks each record by the same rules that turn records into
// observations (pseudonymous subject, known indicator, period and
// categories) and stores them all or none.
func (s *Survivors) AddOutcomes(ctx context.Context, org, programmeID string, recs []SurvivorOutcome) error {
	if len(recs) == 0 {
		return kernel.Errorf(kernel.Invalid, "records: none given")
	}
	prog, err := s.Service.Programme(ctx, org, programmeID)
	if err != nil {
		return err
	}
	for i, rec := range recs {
		ind, ok := prog.Model.Indicator(rec.Indicator)
		if !ok {
			return kernel.Errorf(kernel.Invalid, "records[%d].indicator: %q is not in programme %q", i, rec.Indicator, prog.Model.Programme)
		}
		if _, _, err := OutcomeObservations(ind, prog.Dimensions, []SurvivorOutcome{rec}, nil, PurposeOutcomeMeasurement, s.Service.Clock.Now()); err != nil {
			return kernel.Errorf(kernel.Invalid, "records[%d]%s", i, strings.TrimPrefix(kernel.ErrorMessage(err), "records[0]"))
		}
		subj, _ := ParsePseudonym(string(rec.Subject))
		recs[i].Subject = subj
	}
	return s.Store.AddSurvivorOutcomes(ctx, org, prog.ID, recs)
}

// Observed is what turning survivor records into observations did.
type Observed struct {
	Observations, RecordsUsed, RecordsExcluded int
}

// Observe turns one indicator's survivor records for one period into
// observations, counting only people whose consent to outcome measurement
// stands now, and records them. Only aggregates leave.
func (s *Survivors) Observe(ctx context.Context, org, programmeID, indicator string, period Period) (Observed, error) {
	prog, err := s.Service.Programme(ctx, org, programmeID)
	if err != nil {
		return Observed{}, err
	}
	ind, ok := prog.Model.Indicator(indicator)
	if !ok {
		return Observed{}, kernel.Errorf(kernel.Invalid, "indicator: %q is not in programme %q", indicator, prog.Model.Programme)
	}
	all, err := s.Store.SurvivorOutcomes(ctx, org, prog.ID, ind.Code)
	if err != nil {
		return Observed{}, err
	}
	var recs []SurvivorOutcome
	for _, rec := range all {
		if rec.Period.Code == period.Code {
			recs = append(recs, rec)
		}
	}
	if len(recs) == 0 {
		return Observed{}, kernel.Errorf(kernel.Invalid, "no survivor records of %q for period %s", ind.Code, period.Code)
	}
	consents, err := s.Store.Consents(ctx, org)
	if err != nil {
		return Observed{}, err
	}
	obs, excluded, err := OutcomeObservations(ind, prog.Dimensions, recs, consents, PurposeOutcomeMeasurement, s.Service.Clock.Now())
	if err != nil {
		return Observed{}, err
	}
	if len(obs) > 0 {
		if err := s.Service.RecordObservations(ctx, org, prog.ID, obs); err != nil {
			return Observed{}, err
		}
	}
	return Observed{Observations: len(obs), RecordsUsed: len(recs) - excluded, RecordsExcluded: excluded}, nil
}
