package impact_test

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// memStore is an in-memory Store for tests.
type memStore struct {
	programmes map[string]*impact.Programme
	obs        map[string][]impact.Observation
	keys       map[string]bool
	analyses   map[string][]impact.Analysis
}

var _ impact.Store = (*memStore)(nil)

func newMemStore() *memStore {
	return &memStore{programmes: map[string]*impact.Programme{}, obs: map[string][]impact.Observation{}, keys: map[string]bool{}, analyses: map[string][]impact.Analysis{}}
}

func (s *memStore) Programme(_ context.Context, org, id string) (*impact.Programme, error) {
	p, ok := s.programmes[org+"/"+id]
	if !ok {
		return nil, kernel.Errorf(kernel.NotFound, "programme %q not found", id)
	}
	return p, nil
}

func (s *memStore) PutProgramme(_ context.Context, p *impact.Programme) error {
	s.programmes[p.Org+"/"+p.ID] = p
	return nil
}

func (s *memStore) Observations(_ context.Context, org, id, ind string) ([]impact.Observation, error) {
	var out []impact.Observation
	for _, o := range s.obs[org+"/"+id] {
		if ind == "" || o.Indicator == ind {
			out = append(out, o)
		}
	}
	return out, nil
}

func (s *memStore) AddObservations(_ context.Context, org, id string, obs []impact.Observation) error {
	for _, o := range obs {
		if s.keys[org+"/"+id+"/"+o.Key()] {
			return kernel.Errorf(kernel.Conflict, "observation %s already stored", o.Key())
		}
	}
	for _, o := range obs {
		s.keys[org+"/"+id+"/"+o.Key()] = true
	}
	s.obs[org+"/"+id] = append(s.obs[org+"/"+id], obs...)
	return nil
}

func (s *memStore) EditObservations(_ context.Context, org, id string, was, put []impact.Observation) error {
	list := s.obs[org+"/"+id]
	var kept []impact.Observation
	for _, o := range list {
		if !slices.ContainsFunc(was, func(w impact.Observation) bool { return w.Key() == o.Key() }) {
			kept = append(kept, o)
		}
	}
	if len(list)-len(kept) != len(was) {
		return kernel.Errorf(kernel.Conflict, "a figure was changed meanwhile")
	}
	for _, w := range was {
		delete(s.keys, org+"/"+id+"/"+w.Key())
	}
	s.obs[org+"/"+id] = kept
	return s.AddObservations(context.Background(), org, id, put)
}

func (s *memStore) PutAnalysis(_ context.Context, a *impact.Analysis) error {
	k := a.ProgrammeID
	s.analyses[k] = append(s.analyses[k], *a)
	return nil
}

func (s *memStore) Analyses(_ context.Context, _, id string) ([]impact.Analysis, error) {
	out := append([]impact.Analysis(nil), s.analyses[id]...)
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return out, nil
}

func TestService(t *testing.T) {
	ctx := context.Background()
	store := newMemStore()
	svc := &impact.Service{Store: store, Clock: &kernel.FixedClock{T: day("2026-04-01")}}
	p, err := svc.CreateProgramme(ctx, "org-1", *survivorModel(), nil)
	if err != nil {
		t.Fatal(err)
	}
	n, err := svc.ImportObservations(ctx, "org-1", p.ID, strings.NewReader("indicator,period,value,sex\ntrained,2026Q1,30,female\ntrained,2026Q1,20,male\n"), "q1.csv")
	if err != nil || n != 2 {
		t.Fatalf("import: %d %v", n, err)
	}
	// The same quarter again as a monthly total would count people twice.
	_, err = svc.ImportObservations(ctx, "org-1", p.ID, strings.NewReader("indicator,period,value\ntrained,202603,5\n"), "march.csv")
	if err == nil || !kernel.IsCode(err, kernel.Invalid) || !strings.Contains(err.Error(), "periods 2026Q1 and 202603 overlap") {
		t.Errorf("overlap across imports: %v", err)
	}
	r, err := svc.Report(ctx, "org-1", p.ID, impact.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "trained", r.Outputs[0].Aggregate.Value, 50)

	m, err := impact.ParseMap([]byte(designExample))
	if err != nil {
		t.Fatal(err)
	}
	a, err := svc.AnalyseSROI(ctx, "org-1", p.ID, m)
	if err != nil {
		t.Fatal(err)
	}
	if a.Result.RatioDisplay != "1.73:1" || a.ProgrammeID != p.ID || !kernel.ValidID(a.ID) {
		t.Errorf("analysis %+v", a)
	}
	if _, err := svc.AnalyseSROI(ctx, "org-2", p.ID, m); !kernel.IsCode(err, kernel.NotFound) {
		t.Errorf("other tenant: %v", err)
	}
	if _, err := svc.CreateProgramme(ctx, "org-1", impact.LogicModel{}, nil); !kernel.IsCode(err, kernel.Invalid) {
		t.Errorf("empty model: %v", err)
	}
}
