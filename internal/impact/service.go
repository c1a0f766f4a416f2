package impact

import (
	"context"
	"io"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Programme is a prevention programme with its theory of change and the
// disaggregation dimensions its observations use.
type Programme struct {
	ID         string      `json:"id"`
	Org        string      `json:"org"`
	Model      LogicModel  `json:"model"`
	Dimensions []Dimension `json:"dimensions"`
	CreatedAt  time.Time   `json:"created_at"`
	UpdatedAt  time.Time   `json:"updated_at"`
}

// Analysis is an SROI analysis kept with its programme: the map as given
// and the result computed from it.
type Analysis struct {
	ID          string    `json:"id"`
	ProgrammeID string    `json:"programme_id"`
	Map         Map       `json:"map"`
	Result      Result    `json:"result"`
	CreatedAt   time.Time `json:"created_at"`
}

// Store is what impact measurement needs from storage. Every method is
// scoped to an organisation (tenant).
type Store interface {
	// Programme returns a kernel.NotFound error when the organisation has
	// no programme with that id.
	Programme(ctx context.Context, org, id string) (*Programme, error)
	// PutProgramme creates the programme or replaces it.
	PutProgramme(ctx context.Context, p *Programme) error
	// Observations returns the programme's observations of one indicator,
	// or of all indicators when indicator is empty.
	Observations(ctx context.Context, org, programmeID, indicator string) ([]Observation, error)
	// AddObservations stores all of obs or none. It returns kernel.Conflict
	// when an observation's indicator, period and cell (Observation.Key)
	// is already stored, which guards against two imports racing.
	AddObservations(ctx context.Context, org, programmeID string, obs []Observation) error
	// EditObservations removes each observation of was and stores each of
	// put, all or none. An observation of was that is no longer stored as
	// given (someone changed or removed it meanwhile), or one of put whose
	// key is already stored, is a kernel.Conflict.
	EditObservations(ctx context.Context, org, programmeID string, was, put []Observation) error
	// PutAnalysis stores an SROI analysis.
	PutAnalysis(ctx context.Context, a *Analysis) error
	// Analyses returns the programme's analyses, newest first.
	Analyses(ctx context.Context, org, programmeID string) ([]Analysis, error)
}

// Key identifies an observation's indicator, period and cell, for storage
// uniqueness: "code|2026Q1|sex=female".
func (o Observation) Key() string {
	return o.Indicator + "|" + o.Period.Code + "|" + cellKey(o.Disaggregation)
}

// Service applies the rules of impact measurement over a Store.
type Service struct {
	Store Store
	Clock kernel.Clock
}

// CreateProgramme validates the model and stores a new programme. Nil
// dimensions mean DefaultDimensions.
func (s *Service) CreateProgramme(ctx context.Context, org string, m LogicModel, dims []Dimension) (*Programme, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if dims == nil {
		dims = DefaultDimensions()
	}
	if err := checkDimensions(dims); err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	p := &Programme{ID: kernel.NewID(), Org: org, Model: m, Dimensions: dims, CreatedAt: now, UpdatedAt: now}
	if err := s.Store.PutProgramme(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

func checkDimensions(dims []Dimension) error {
	seen := map[string]bool{}
	for i, d := range dims {
		switch {
		case d.Name == "":
			return invalidf("dimensions[%d]: missing name", i)
		case seen[d.Name]:
			return invalidf("dimension %q given twice", d.Name)
		case d.Name == ColIndicator || d.Name == ColPeriod || d.Name == ColValue || d.Name == ColDenominator:
			return invalidf("dimension %q clashes with an observation column", d.Name)
		}
		seen[d.Name] = true
	}
	return nil
}

// RecordObservations checks new observations against the programme's
// indicators, its dimensions and the observations already stored (nothing
// may be counted twice), then stores them all or none.
func (s *Service) RecordObservations(ctx context.Context, org, programmeID string, obs []Observation) error {
	p, err := s.Store.Programme(ctx, org, programmeID)
	if err != nil {
		return err
	}
	inds := indicatorsByCode(p.Model)
	byInd := map[string][]Observation{}
	for i, o := range obs {
		if _, ok := inds[o.Indicator]; !ok {
			return invalidf("observations[%d]: indicator %q is not in programme %q", i, o.Indicator, p.Model.Programme)
		}
		byInd[o.Indicator] = append(byInd[o.Indicator], o)
	}
	for code, mine := range byInd {
		stored, err := s.Store.Observations(ctx, org, programmeID, code)
		if err != nil {
			return err
		}
		if err := checkSeries(inds[code], p.Dimensions, append(stored, mine...)); err != nil {
			return err
		}
	}
	return s.Store.AddObservations(ctx, org, programmeID, obs)
}

// EditObservations changes figures already stored, as a data-entry grid
// does: each observation of was is replaced by the observation of put with
// its key, or removed when put has none, and each other observation of
// put is added. The indicator's series after the change must still count
// nothing twice. was holds the figures as the person saw them, so a figure
// changed by someone else meanwhile is a kernel.Conflict, not overwritten.
func (s *Service) EditObservations(ctx context.Context, org, programmeID string, was, put []Observation) error {
	if len(was) == 0 && len(put) == 0 {
		return nil
	}
	p, err := s.Store.Programme(ctx, org, programmeID)
	if err != nil {
		return err
	}
	inds := indicatorsByCode(p.Model)
	gone := map[string]bool{}
	touched := map[string]bool{}
	for _, o := range was {
		gone[o.Key()] = true
		touched[o.Indicator] = true
	}
	for i, o := range put {
		if _, ok := inds[o.Indicator]; !ok {
			return invalidf("observations[%d]: indicator %q is not in programme %q", i, o.Indicator, p.Model.Programme)
		}
		touched[o.Indicator] = true
	}
	for code := range touched {
		ind, ok := inds[code]
		if !ok {
			return invalidf("indicator %q is not in programme %q", code, p.Model.Programme)
		}
		stored, err := s.Store.Observations(ctx, org, programmeID, code)
		if err != nil {
			return err
		}
		var after []Observation
		for _, o := range stored {
			if !gone[o.Key()] {
				after = append(after, o)
			}
		}
		for _, o := range put {
			if o.Indicator == code {
				after = append(after, o)
			}
		}
		if err := checkSeries(ind, p.Dimensions, after); err != nil {
			return err
		}
	}
	return s.Store.EditObservations(ctx, org, programmeID, was, put)
}

// ImportObservations reads a CSV file of observations (see
// ReadObservations) and records them; it returns how many were stored.
func (s *Service) ImportObservations(ctx context.Context, org, programmeID string, r io.Reader, file string) (int, error) {
	p, err := s.Store.Programme(ctx, org, programmeID)
	if err != nil {
		return 0, err
	}
	obs, err := ReadObservations(r, file, ImportConfig{Dimensions: p.Dimensions, Indicators: p.Model.Indicators})
	if err != nil {
		return 0, err
	}
	if err := s.RecordObservations(ctx, org, programmeID, obs); err != nil {
		return 0, err
	}
	return len(obs), nil
}

// Report rolls up every indicator of the programme.
func (s *Service) Report(ctx context.Context, org, programmeID string, f Filter) (*ProgressReport, error) {
	p, err := s.Store.Programme(ctx, org, programmeID)
	if err != nil {
		return nil, err
	}
	obs, err := s.Store.Observations(ctx, org, programmeID, "")
	if err != nil {
		return nil, err
	}
	return p.Model.Report(p.Dimensions, obs, f)
}

// AnalyseSROI computes an SROI analysis for the programme and stores it.
func (s *Service) AnalyseSROI(ctx context.Context, org, programmeID string, m *Map) (*Analysis, error) {
	if _, err := s.Store.Programme(ctx, org, programmeID); err != nil {
		return nil, err
	}
	res, err := Analyse(m)
	if err != nil {
		return nil, err
	}
	a := &Analysis{ID: kernel.NewID(), ProgrammeID: programmeID, Map: *copyMap(m), Result: *res, CreatedAt: s.Clock.Now()}
	if err := s.Store.PutAnalysis(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// Programme returns one programme of the organisation: kernel.NotFound
// when it has none with that id.
func (s *Service) Programme(ctx context.Context, org, id string) (*Programme, error) {
	return s.Store.Programme(ctx, org, id)
}

// Observations returns the programme's observations of one indicator, or
// of all of them when indicator is empty.
func (s *Service) Observations(ctx context.Context, org, programmeID, indicator string) ([]Observation, error) {
	return s.Store.Observations(ctx, org, programmeID, indicator)
}

// Analyses returns the programme's SROI analyses, newest first; a
// programme the organisation does not have is kernel.NotFound.
func (s *Service) Analyses(ctx context.Context, org, programmeID string) ([]Analysis, error) {
	if _, err := s.Store.Programme(ctx, org, programmeID); err != nil {
		return nil, err
	}
	return s.Store.Analyses(ctx, org, programmeID)
}

// ReplaceModel swaps a programme's logic model after checking that the new
// model is valid and still fits every stored observation (an indicator
// with observations cannot disappear or change its aggregation under them).
func (s *Service) ReplaceModel(ctx context.Context, org, id string, m LogicModel) (*Programme, error) {
	p, err := s.Store.Programme(ctx, org, id)
	if err != nil {
		return nil, err
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	obs, err := s.Store.Observations(ctx, org, id, "")
	if err != nil {
		return nil, err
	}
	if _, err := m.Report(p.Dimensions, obs, Filter{}); err != nil {
		return nil, kernel.Errorf(kernel.Invalid, "the new logic model does not fit the observations already stored: %s", kernel.ErrorMessage(err))
	}
	p.Model = m
	p.UpdatedAt = s.Clock.Now()
	if err := s.Store.PutProgramme(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

// indicatorsByCode finds a logic model's indicators by their codes, as
// observations name them.
func indicatorsByCode(m LogicModel) map[string]Indicator {
	inds := make(map[string]Indicator, len(m.Indicators))
	for _, ind := range m.Indicators {
		inds[ind.Code] = ind
	}
	return inds
}
