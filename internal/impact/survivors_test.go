package impact_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// memSurvivors is an in-memory SurvivorStore for tests.
type memSurvivors struct {
	consents map[impact.Pseudonym]impact.Consent
	records  []impact.SurvivorOutcome
}

var _ impact.SurvivorStore = (*memSurvivors)(nil)

func (m *memSurvivors) Consent(_ context.Context, _ string, subj impact.Pseudonym) (impact.Consent, error) {
	c := m.consents[subj]
	c.Subject = subj
	c.Events = append([]impact.ConsentEvent(nil), c.Events...)
	return c, nil
}

func (m *memSurvivors) AppendConsent(_ context.Context, _ string, subj impact.Pseudonym, n int, e impact.ConsentEvent) error {
	c := m.consents[subj]
	if len(c.Events) != n {
		return kernel.Errorf(kernel.Conflict, "consent changed meanwhile")
	}
	c.Subject = subj
	c.Events = append(c.Events, e)
	m.consents[subj] = c
	return nil
}

func (m *memSurvivors) AddSurvivorOutcomes(_ context.Context, _, _ string, recs []impact.SurvivorOutcome) error {
	m.records = append(m.records, recs...)
	return nil
}

func (m *memSurvivors) SurvivorOutcomes(_ context.Context, _, _, ind string) ([]impact.SurvivorOutcome, error) {
	var out []impact.SurvivorOutcome
	for _, r := range m.records {
		if ind == "" || r.Indicator == ind {
			out = append(out, r)
		}
	}
	return out, nil
}

func (m *memSurvivors) Consents(context.Context, string) (map[impact.Pseudonym]impact.Consent, error) {
	return m.consents, nil
}

func survivorsFixture(t *testing.T) (*impact.Survivors, *memSurvivors, *impact.Programme) {
	t.Helper()
	clock := &kernel.FixedClock{T: time.Date(2027, 5, 1, 9, 0, 0, 0, time.UTC)}
	svc := &impact.Service{Store: newMemStore(), Clock: clock}
	p, err := svc.CreateProgramme(context.Background(), "org", impact.DemoModel(), impact.DefaultDimensions())
	if err != nil {
		t.Fatal(err)
	}
	st := &memSurvivors{consents: map[impact.Pseudonym]impact.Consent{}}
	return &impact.Survivors{Store: st, Service: svc}, st, p
}

func TestSurvivorsCountOnlyThoseWhoseConsentStands(t *testing.T) {
	ctx := context.Background()
	sv, st, p := survivorsFixture(t)
	q1 := impact.MustPeriod("2027Q1")
	cell := map[string]string{impact.DimSex: "female", impact.DimAgeGroup: "18-24"}
	var recs []impact.SurvivorOutcome
	subjects := make([]impact.Pseudonym, 3)
	for i := range subjects {
		subjects[i] = impact.NewPseudonym()
		recs = append(recs, impact.SurvivorOutcome{Subject: subjects[i], Indicator: impact.DemoEmployed, Period: q1, Disaggregation: cell, Value: 1})
	}
	if err := sv.AddOutcomes(ctx, "org", p.ID, recs); err != nil {
		t.Fatal(err)
	}
	// Two grant consent; the second then withdraws it.
	for _, s := range subjects[:2] {
		if _, err := sv.RecordConsent(ctx, "org", s, impact.PurposeOutcomeMeasurement, true, "handler", "verbal"); err != nil {
			t.Fatal(err)
		}
	}
	c, err := sv.RecordConsent(ctx, "org", subjects[1], impact.PurposeOutcomeMeasurement, false, "handler", "asked to stop")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Events) != 2 || c.Events[1].Granted {
		t.Fatalf("consent history %+v", c.Events)
	}
	done, err := sv.Observe(ctx, "org", p.ID, impact.DemoEmployed, q1)
	if err != nil {
		t.Fatal(err)
	}
	if done.RecordsUsed != 1 || done.RecordsExcluded != 2 || done.Observations != 1 {
		t.Fatalf("observed %+v, want 1 used and 2 excluded in 1 observation", done)
	}
	obs, err := sv.Service.Observations(ctx, "org", p.ID, impact.DemoEmployed)
	if err != nil || len(obs) != 1 || obs[0].Value != 1 {
		t.Fatalf("observations %+v, %v", obs, err)
	}
	if len(st.records) != 3 {
		t.Errorf("%d records stored, want 3", len(st.records))
	}
}

func TestSurvivorsRefuseBadRecords(t *testing.T) {
	ctx := context.Background()
	sv, st, p := survivorsFixture(t)
	q1 := impact.MustPeriod("2027Q1")
	good := impact.SurvivorOutcome{Subject: impact.NewPseudonym(), Indicator: impact.DemoEmployed, Period: q1, Value: 1}
	tests := []struct {
		name string
		recs []impact.SurvivorOutcome
		want string
	}{
		{"none", nil, "records: none given"},
		{"unknown indicator", []impact.SurvivorOutcome{good, {Subject: good.Subject, Indicator: "NOPE", Period: q1}}, `records[1].indicator: "NOPE" is not in programme`},
		{"a name for a subject", []impact.SurvivorOutcome{{Subject: "Jane Doe", Indicator: impact.DemoEmployed, Period: q1}}, "records[0]: subject"},
		{"unknown category", []impact.SurvivorOutcome{good, {Subject: good.Subject, Indicator: impact.DemoEmployed, Period: q1,
			Disaggregation: map[string]string{impact.DimSex: "unknown-value"}}}, "records[1]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := sv.AddOutcomes(ctx, "org", p.ID, tc.recs)
			if !kernel.IsCode(err, kernel.Invalid) || !strings.Contains(kernel.ErrorMessage(err), tc.want) {
				t.Fatalf("err %v, want Invalid with %q", err, tc.want)
			}
		})
	}
	if len(st.records) != 0 {
		t.Errorf("a refused batch stored %d records", len(st.records))
	}
	if _, err := sv.Outcomes(ctx, "org", "no-such-programme", ""); !kernel.IsCode(err, kernel.NotFound) {
		t.Errorf("unknown programme: %v", err)
	}
	if _, err := sv.Observe(ctx, "org", p.ID, impact.DemoEmployed, q1); !kernel.IsCode(err, kernel.Invalid) {
		t.Errorf("no records to observe: %v", err)
	}
}
