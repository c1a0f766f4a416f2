package web

import (
	"context"

	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// ImpactRecords is what the impact pages need from the impact store beyond
// impact.Store: the list of programmes and the survivor-level records kept
// under consent. The SQL store's impact repository provides both.
type ImpactRecords interface {
	programmeCatalogue
	survivorRecords
}

type programmeCatalogue interface {
	Programmes(ctx context.Context, org string) ([]impact.Programme, error)
}

type survivorRecords interface {
	Consent(ctx context.Context, org string, subject impact.Pseudonym) (impact.Consent, error)
	AppendConsent(ctx context.Context, org string, subject impact.Pseudonym, n int, e impact.ConsentEvent) error
	AddSurvivorOutcomes(ctx context.Context, org, programmeID string, recs []impact.SurvivorOutcome) error
	SurvivorOutcomes(ctx context.Context, org, programmeID, indicator string) ([]impact.SurvivorOutcome, error)
	Consents(ctx context.Context, org string) (map[impact.Pseudonym]impact.Consent, error)
}

// replaceModel swaps a programme's logic model after checking that the new
// model is valid and still fits every stored observation (an indicator
// with observations cannot disappear or change its aggregation under them).
func replaceModel(ctx context.Context, svc *impact.Service, org, id string, m impact.LogicModel) (*impact.Programme, error) {
	p, err := svc.Store.Programme(ctx, org, id)
	if err != nil {
		return nil, err
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	obs, err := svc.Store.Observations(ctx, org, id, "")
	if err != nil {
		return nil, err
	}
	if _, err := m.Report(p.Dimensions, obs, impact.Filter{}); err != nil {
		return nil, kernel.Errorf(kernel.Invalid, "the new logic model does not fit the observations already stored: %s", kernel.ErrorMessage(err))
	}
	p.Model = m
	p.UpdatedAt = svc.Clock.Now()
	if err := svc.Store.PutProgramme(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}
