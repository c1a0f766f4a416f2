package web

import (
	"context"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// impactRoutes are the impact measurement pages and API. Reading needs
// impact.read and changing impact.write; survivor-level records and
// unsuppressed breakdowns need case access (cases.handle), and everyone
// else sees breakdowns with groups under impact.MinGroupSize suppressed.
func (s *Server) impactRoutes() []route {
	read, write, cases := account.PermImpactRead, account.PermImpactWrite, account.PermCasesHandle
	return []route{
		{"GET /impact", signedIn, read, s.impactListPage},
		{"POST /impact/programmes", signedIn, write, s.impactCreateSubmit},
		{"GET /impact/programmes/{id}", signedIn, read, s.impactProgrammePage},
		{"POST /impact/programmes/{id}/model", signedIn, write, s.impactModelSubmit},
		{"POST /impact/programmes/{id}/observations", signedIn, write, s.impactUploadSubmit},
		{"POST /impact/programmes/{id}/sroi", signedIn, write, s.impactSROISubmit},
		{"GET /impact/programmes/{id}/sroi/{analysis}", signedIn, read, s.impactSROIPage},
		{"GET /impact/programmes/{id}/report.csv", signedIn, read, s.impactReportCSV},

		{"GET /api/v1/programmes", signedIn, read, s.apiProgrammes},
		{"POST /api/v1/programmes", signedIn, write, s.apiProgrammeCreate},
		{"GET /api/v1/programmes/{id}", signedIn, read, s.apiProgramme},
		{"PUT /api/v1/programmes/{id}/model", signedIn, write, s.apiModelPut},
		{"POST /api/v1/programmes/{id}/observations", signedIn, write, s.apiObservationsAdd},
		{"POST /api/v1/programmes/{id}/observations/csv", signedIn, write, s.apiObservationsCSV},
		{"GET /api/v1/programmes/{id}/progress", signedIn, read, s.apiProgress},
		{"GET /api/v1/programmes/{id}/indicators/{code}/breakdown", signedIn, read, s.apiBreakdownProtected},
		{"GET /api/v1/programmes/{id}/indicators/{code}/breakdown/full", signedIn, cases, s.apiBreakdownFull},
		{"POST /api/v1/programmes/{id}/sroi", signedIn, write, s.apiSROIAnalyse},
		{"GET /api/v1/programmes/{id}/sroi", signedIn, read, s.apiSROIList},

		{"POST /api/v1/survivors", signedIn, cases, s.apiSurvivorNew},
		{"GET /api/v1/survivors/{subject}/consent", signedIn, cases, s.apiConsent},
		{"POST /api/v1/survivors/{subject}/consent", signedIn, cases, s.apiConsentRecord},
		{"GET /api/v1/programmes/{id}/survivor-outcomes", signedIn, cases, s.apiSurvivorOutcomes},
		{"POST /api/v1/programmes/{id}/survivor-outcomes", signedIn, cases, s.apiSurvivorOutcomesAdd},
		{"POST /api/v1/programmes/{id}/survivor-outcomes/observations", signedIn, cases, s.apiSurvivorObservations},
	}
}

// programmeCatalogue and survivorRecords are what the pages need from the
// impact store beyond impact.Store: the SQL store provides both.
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

func (s *Server) impactService() (*impact.Service, error) {
	if s.Impact == nil || s.Impact.Store == nil {
		return nil, kernel.Errorf(kernel.Unavailable, "impact measurement is not set up on this server")
	}
	return s.Impact, nil
}

func (s *Server) programmeCatalogue() (programmeCatalogue, error) {
	svc, err := s.impactService()
	if err != nil {
		return nil, err
	}
	c, ok := svc.Store.(programmeCatalogue)
	if !ok {
		return nil, kernel.Errorf(kernel.Unavailable, "this store cannot list programmes")
	}
	return c, nil
}

func (s *Server) survivorRecords() (*impact.Service, survivorRecords, error) {
	svc, err := s.impactService()
	if err != nil {
		return nil, nil, err
	}
	st, ok := svc.Store.(survivorRecords)
	if !ok {
		return nil, nil, kernel.Errorf(kernel.Unavailable, "this store keeps no survivor outcome records")
	}
	return svc, st, nil
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
