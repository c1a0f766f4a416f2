package scorecard_test

import (
	"context"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/scorecard"
)

// memStore is an in-memory Store for service tests.
type memStore struct {
	answers map[string][]scorecard.Answer
	cards   map[string][]scorecard.Scorecard
	files   map[string]scorecard.File
}

var _ scorecard.Store = (*memStore)(nil)

func key(org string, s scorecard.Subject) string { return org + "/" + string(s.Kind) + "/" + s.ID }

func (m *memStore) AddAnswer(_ context.Context, org string, s scorecard.Subject, a scorecard.Answer, files ...scorecard.File) error {
	m.answers[key(org, s)] = append(m.answers[key(org, s)], a)
	for _, f := range files {
		if m.files == nil {
			m.files = map[string]scorecard.File{}
		}
		m.files[key(org, s)+"/"+f.ID] = f
	}
	return nil
}

func (m *memStore) File(_ context.Context, org string, s scorecard.Subject, id string) (scorecard.File, error) {
	f, ok := m.files[key(org, s)+"/"+id]
	if !ok {
		return scorecard.File{}, kernel.Errorf(kernel.NotFound, "evidence file not found")
	}
	return f, nil
}

func (m *memStore) Answers(_ context.Context, org string, s scorecard.Subject) ([]scorecard.Answer, error) {
	return m.answers[key(org, s)], nil
}

func (m *memStore) SaveScorecard(_ context.Context, org string, sc scorecard.Scorecard) error {
	m.cards[key(org, sc.Subject)] = append(m.cards[key(org, sc.Subject)], sc)
	return nil
}

func (m *memStore) Scorecards(_ context.Context, org string, s scorecard.Subject) ([]scorecard.Scorecard, error) {
	return m.cards[key(org, s)], nil
}

func TestService(t *testing.T) {
	ctx := context.Background()
	clock := &kernel.FixedClock{T: asOf}
	store := &memStore{answers: map[string][]scorecard.Answer{}, cards: map[string][]scorecard.Scorecard{}}
	svc := &scorecard.Service{Store: store, Weights: scorecard.DefaultWeights(), Clock: clock}
	sup := scorecard.Subject{Kind: scorecard.Supplier, ID: "p-1", Name: "Golden Thread"}

	if err := svc.Answer(ctx, "org-1", sup, scorecard.Answer{QuestionID: "policy.supplier_code", Response: "yes", AnsweredOn: asOf}); !kernel.IsCode(err, kernel.Invalid) {
		t.Errorf("an organisation-only question for a supplier: %v", err)
	}
	if err := svc.Answer(ctx, "org-1", sup, scorecard.Answer{QuestionID: "purchasing.wages", Response: "yes", AnsweredOn: asOf.Add(48 * time.Hour)}); !kernel.IsCode(err, kernel.Invalid) {
		t.Errorf("an answer dated in the future: %v", err)
	}
	if err := svc.Answer(ctx, "", sup, scorecard.Answer{}); !kernel.IsCode(err, kernel.Invalid) {
		t.Errorf("no organisation: %v", err)
	}
	first, err := svc.Compute(ctx, "org-1", sup, scorecard.Held{})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Answer(ctx, "org-1", sup, scorecard.Answer{QuestionID: "purchasing.wages", Response: "yes", AnsweredOn: asOf,
		Documents: []scorecard.Document{{Name: "Payroll sample", Reference: "PAY-06", Date: asOf}}}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(24 * time.Hour)
	series, err := svc.Compute(ctx, "org-1", sup, scorecard.Held{})
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 1 || len(series) != 2 {
		t.Fatalf("series lengths %d then %d", len(first), len(series))
	}
	changes, err := scorecard.Trend(series)
	if err != nil {
		t.Fatal(err)
	}
	if changes[0].Delta <= 0 {
		t.Errorf("answering a question did not raise the score: %+v", changes[0])
	}
}

func FuzzParseWeights(f *testing.F) {
	f.Add([]byte(`{"version":"1"}`))
	f.Add([]byte(`{"themes":{"policies":-1}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := scorecard.ParseWeights("fuzz.json", data)
		if err != nil {
			if !kernel.IsCode(err, kernel.Invalid) {
				t.Fatalf("error %v is not invalid input", err)
			}
			return
		}
		// Weights that parse must score without failing or panicking.
		if _, err := w.Score(scorecard.Evidence{Subject: org(), AsOf: asOf}); err != nil {
			t.Fatal(err)
		}
	})
}
