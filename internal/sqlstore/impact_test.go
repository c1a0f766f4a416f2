package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// testModel is a small but complete survivor-employment model.
func testModel(name string) impact.LogicModel {
	return impact.LogicModel{
		Programme: name,
		Nodes: []impact.Node{
			{ID: "grant", Kind: impact.KindInput, Title: "Grant"},
			{ID: "train", Kind: impact.KindActivity, Title: "Vocational training"},
			{ID: "trained", Kind: impact.KindOutput, Title: "Survivors trained"},
			{ID: "employed", Kind: impact.KindOutcome, Title: "Survivors in decent work"},
			{ID: "safe", Kind: impact.KindImpact, Title: "Fewer people re-trafficked"},
		},
		Links: []impact.Link{
			{From: "grant", To: "train"},
			{From: "train", To: "trained"},
			{From: "trained", To: "employed", Assumptions: []impact.Assumption{{Text: "Employers hire", Risk: "medium"}},
				Evidence: []impact.Evidence{{Summary: "Pilot cohort", Strength: impact.EvidenceModerate}}},
			{From: "employed", To: "safe"},
		},
		Indicators: []impact.Indicator{
			{Code: "trained", Name: "People trained", Unit: "people", Node: "trained", Direction: impact.HigherIsBetter,
				Baseline: impact.Measure{Value: 0, Date: day("2026-01-01")}, Target: impact.Measure{Value: 100, Date: day("2026-12-31")},
				Aggregation: impact.Sum},
			{Code: "employed", Name: "Share in work", Unit: "%", Node: "employed", Direction: impact.HigherIsBetter,
				Baseline: impact.Measure{Value: 20, Date: day("2026-01-01")}, Target: impact.Measure{Value: 60, Date: day("2026-12-31")},
				Aggregation: impact.Ratio, SDG: "8.7.1", IRIS: "PI4060"},
		},
	}
}

func newProgramme(org, name string) *impact.Programme {
	return &impact.Programme{ID: kernel.NewID(), Org: org, Model: testModel(name), Dimensions: impact.DefaultDimensions(),
		CreatedAt: t0, UpdatedAt: t0}
}

func obs(t *testing.T, ind, period string, v float64, cell map[string]string) impact.Observation {
	t.Helper()
	o, err := impact.NewObservation(ind, period, v, cell)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func testMap() *impact.Map {
	return &impact.Map{Currency: "GBP", DiscountRate: 0.035,
		Inputs: []impact.Input{{Stakeholder: "Funder", Value: 150000}},
		Outcomes: []impact.Outcome{{Stakeholder: "Survivors", Outcome: "stable decent work", Quantity: 40,
			Proxy: impact.Proxy{Value: 6000}, Deadweight: 0.25, Displacement: 0.1, Attribution: 0.3, DropOff: 0.2, DurationYears: 3}}}
}

func TestImpactProgrammesRoundTrip(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.Impact()
		p := newProgramme(tn.a.ID, "Bravo programme")
		if err := st.PutProgramme(ctx, p); err != nil {
			t.Fatal(err)
		}
		got, err := st.Programme(ctx, tn.a.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(p, got); diff != "" {
			t.Fatalf("round trip (-want +got):\n%s", diff)
		}
		// Replacing keeps one row and the new model.
		p.Model.Nodes[1].Title = "Training and placement"
		p.UpdatedAt = t0.Add(time.Hour)
		if err := st.PutProgramme(ctx, p); err != nil {
			t.Fatal(err)
		}
		q := newProgramme(tn.a.ID, "Alpha programme")
		if err := st.PutProgramme(ctx, q); err != nil {
			t.Fatal(err)
		}
		list, err := st.Programmes(ctx, tn.a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Model.Programme != "Alpha programme" || list[1].Model.Nodes[1].Title != "Training and placement" ||
			!list[1].UpdatedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("Programmes = %+v", list)
		}
		if _, err := st.Programme(ctx, tn.a.ID, kernel.NewID()); !kernel.IsCode(err, kernel.NotFound) {
			t.Fatalf("missing programme: want not found, got %v", err)
		}
	})
}

func TestImpactObservations(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.Impact()
		p := newProgramme(tn.a.ID, "P")
		if err := st.PutProgramme(ctx, p); err != nil {
			t.Fatal(err)
		}
		first := []impact.Observation{
			obs(t, "trained", "2026Q1", 12, map[string]string{"sex": "female", "age_group": "18-24"}),
			obs(t, "trained", "2026Q1", 7, map[string]string{"sex": "male", "age_group": "18-24"}),
			obs(t, "employed", "2026Q1", 4, nil).WithDenominator(10),
		}
		if err := st.AddObservations(ctx, tn.a.ID, p.ID, first); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name      string
			indicator string
			want      []impact.Observation
		}{
			{"all", "", first},
			{"one indicator", "trained", first[:2]},
			{"ratio keeps its denominator", "employed", first[2:]},
			{"unknown indicator", "nothing", nil},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got, err := st.Observations(ctx, tn.a.ID, p.ID, tc.indicator)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Fatalf("(-want +got):\n%s", diff)
				}
			})
		}
		// A batch with one stored key is refused whole.
		again := []impact.Observation{
			obs(t, "trained", "2026Q2", 3, map[string]string{"sex": "female", "age_group": "18-24"}),
			obs(t, "trained", "2026Q1", 12, map[string]string{"age_group": "18-24", "sex": "female"}),
		}
		if err := st.AddObservations(ctx, tn.a.ID, p.ID, again); !kernel.IsCode(err, kernel.Conflict) {
			t.Fatalf("duplicate key: want conflict, got %v", err)
		}
		all, _ := st.Observations(ctx, tn.a.ID, p.ID, "")
		if len(all) != 3 {
			t.Fatalf("a refused batch left %d observations, want 3", len(all))
		}
		// The stored figures roll up as the domain expects.
		rep, err := p.Model.Report(p.Dimensions, all, impact.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Outputs[0].Aggregate.Value != 19 || rep.Outcomes[0].Aggregate.Value != 40 {
			t.Fatalf("report from stored observations: %+v", rep)
		}
		if err := st.AddObservations(ctx, tn.a.ID, kernel.NewID(), first[:1]); !kernel.IsCode(err, kernel.NotFound) {
			t.Fatalf("unknown programme: want not found, got %v", err)
		}
	})
}

// TestImpactEditObservations: on both engines, a figure is changed,
// cleared and added in one step; a figure changed by someone else since it
// was read, or added twice, is a Conflict that changes nothing.
func TestImpactEditObservations(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.Impact()
		p := newProgramme(tn.a.ID, "P")
		if err := st.PutProgramme(ctx, p); err != nil {
			t.Fatal(err)
		}
		kenya := map[string]string{"place": "Kenya"}
		ghana := map[string]string{"place": "Ghana"}
		k1 := obs(t, "trained", "2026Q1", 12, kenya)
		g1 := obs(t, "trained", "2026Q1", 7, ghana)
		e1 := obs(t, "employed", "2026Q1", 4, kenya).WithDenominator(10)
		if err := st.AddObservations(ctx, tn.a.ID, p.ID, []impact.Observation{k1, g1, e1}); err != nil {
			t.Fatal(err)
		}
		k1b := obs(t, "trained", "2026Q1", 15, kenya)
		k2 := obs(t, "trained", "2026Q2", 3, kenya)
		e1b := obs(t, "employed", "2026Q1", 5, kenya).WithDenominator(10)
		if err := st.EditObservations(ctx, tn.a.ID, p.ID, []impact.Observation{k1, g1, e1}, []impact.Observation{k1b, k2, e1b}); err != nil {
			t.Fatal(err)
		}
		got, err := st.Observations(ctx, tn.a.ID, p.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]float64{k1b.Key(): 15, k2.Key(): 3, e1b.Key(): 5}
		if len(got) != len(want) {
			t.Fatalf("stored %d figures, want %d: %+v", len(got), len(want), got)
		}
		for _, o := range got {
			if v, ok := want[o.Key()]; !ok || v != o.Value {
				t.Errorf("stored %s = %v", o.Key(), o.Value)
			}
		}
		// A stale read: k1 is no longer 12, and e1's denominator still is
		// 10 but its value is not 4. Nothing changes.
		for _, stale := range []impact.Observation{k1, obs(t, "employed", "2026Q1", 4, kenya).WithDenominator(10), obs(t, "employed", "2026Q1", 5, kenya).WithDenominator(9)} {
			err := st.EditObservations(ctx, tn.a.ID, p.ID, []impact.Observation{k2, stale}, nil)
			if !kernel.IsCode(err, kernel.Conflict) {
				t.Errorf("stale %s: want a conflict, got %v", stale.Key(), err)
			}
		}
		if err := st.EditObservations(ctx, tn.a.ID, p.ID, nil, []impact.Observation{k2}); !kernel.IsCode(err, kernel.Conflict) {
			t.Errorf("adding a stored figure again: want a conflict, got %v", err)
		}
		if again, _ := st.Observations(ctx, tn.a.ID, p.ID, ""); len(again) != len(want) {
			t.Errorf("a refused edit changed the figures: %+v", again)
		}
	})
}

func TestImpactAnalyses(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.Impact()
		p := newProgramme(tn.a.ID, "P")
		if err := st.PutProgramme(ctx, p); err != nil {
			t.Fatal(err)
		}
		svc := &impact.Service{Store: st, Clock: &kernel.FixedClock{T: t0}}
		older, err := svc.AnalyseSROI(ctx, tn.a.ID, p.ID, testMap())
		if err != nil {
			t.Fatal(err)
		}
		svc.Clock = &kernel.FixedClock{T: t0.Add(time.Hour)}
		m := testMap()
		m.Outcomes[0].Quantity = 50
		newer, err := svc.AnalyseSROI(ctx, tn.a.ID, p.ID, m)
		if err != nil {
			t.Fatal(err)
		}
		list, err := st.Analyses(ctx, tn.a.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 {
			t.Fatalf("Analyses: %d", len(list))
		}
		// Figures come back bit for bit: full precision is kept in storage.
		if diff := cmp.Diff([]impact.Analysis{*newer, *older}, list); diff != "" {
			t.Fatalf("newest first, exact figures (-want +got):\n%s", diff)
		}
		one, err := st.Analysis(ctx, tn.a.ID, p.ID, older.ID)
		if err != nil || one.Result.Ratio != older.Result.Ratio {
			t.Fatalf("Analysis: %v %v", one, err)
		}
		if _, err := st.Analysis(ctx, tn.a.ID, p.ID, kernel.NewID()); !kernel.IsCode(err, kernel.NotFound) {
			t.Fatalf("missing analysis: want not found, got %v", err)
		}
		orphan := *older
		orphan.ID, orphan.ProgrammeID = kernel.NewID(), kernel.NewID()
		if err := st.PutAnalysis(ctx, &orphan); !kernel.IsCode(err, kernel.NotFound) {
			t.Fatalf("analysis of a missing programme: want not found, got %v", err)
		}
	})
}

func TestImpactConsentAndSurvivorOutcomes(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.Impact()
		p := newProgramme(tn.a.ID, "P")
		if err := st.PutProgramme(ctx, p); err != nil {
			t.Fatal(err)
		}
		clock := &kernel.FixedClock{T: t0}
		subj := impact.NewPseudonym()
		empty, err := st.Consent(ctx, tn.a.ID, subj)
		if err != nil || len(empty.Events) != 0 || empty.Allows(impact.PurposeOutcomeMeasurement, t0) {
			t.Fatalf("no history: %+v %v", empty, err)
		}
		c := empty
		if err := c.Grant(clock, impact.PurposeOutcomeMeasurement, tn.userA.ID, "written form"); err != nil {
			t.Fatal(err)
		}
		if err := st.AppendConsent(ctx, tn.a.ID, subj, 0, c.Events[0]); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Hour)
		if err := c.Withdraw(clock, impact.PurposeOutcomeMeasurement, tn.userA.ID, "by phone"); err != nil {
			t.Fatal(err)
		}
		if err := st.AppendConsent(ctx, tn.a.ID, subj, 1, c.Events[1]); err != nil {
			t.Fatal(err)
		}
		// A decision made against a stale history is refused.
		if err := st.AppendConsent(ctx, tn.a.ID, subj, 1, c.Events[1]); !kernel.IsCode(err, kernel.Conflict) {
			t.Fatalf("stale append: want conflict, got %v", err)
		}
		got, err := st.Consent(ctx, tn.a.ID, subj)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c, got); diff != "" {
			t.Fatalf("history (-want +got):\n%s", diff)
		}
		if !got.Allows(impact.PurposeOutcomeMeasurement, t0.Add(time.Minute)) || got.Allows(impact.PurposeOutcomeMeasurement, t0.Add(2*time.Hour)) {
			t.Fatal("stored history does not answer what was allowed when")
		}
		all, err := st.Consents(ctx, tn.a.ID)
		if err != nil || len(all) != 1 || len(all[subj].Events) != 2 {
			t.Fatalf("Consents: %+v %v", all, err)
		}

		recs := []impact.SurvivorOutcome{
			{Subject: subj, Indicator: "employed", Period: impact.MustPeriod("2026Q1"), Value: 1, Disaggregation: map[string]string{"sex": "female"}},
			{Subject: impact.NewPseudonym(), Indicator: "employed", Period: impact.MustPeriod("2026Q1"), Value: 0},
			{Subject: subj, Indicator: "trained", Period: impact.MustPeriod("2026Q1"), Value: 1},
		}
		if err := st.AddSurvivorOutcomes(ctx, tn.a.ID, p.ID, recs); err != nil {
			t.Fatal(err)
		}
		gotRecs, err := st.SurvivorOutcomes(ctx, tn.a.ID, p.ID, "employed")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(recs[:2], gotRecs); diff != "" {
			t.Fatalf("survivor outcomes (-want +got):\n%s", diff)
		}
		if err := st.AddSurvivorOutcomes(ctx, tn.a.ID, p.ID, recs[:1]); !kernel.IsCode(err, kernel.Conflict) {
			t.Fatalf("same person, indicator and period twice: want conflict, got %v", err)
		}
		if n, _ := st.SurvivorOutcomes(ctx, tn.a.ID, p.ID, ""); len(n) != 3 {
			t.Fatalf("after a refused batch: %d records", len(n))
		}
	})
}

// TestImpactTenantIsolation checks every organisation-scoped method: with
// organisation B's id, nothing of organisation A can be read or changed.
func TestImpactTenantIsolation(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.Impact()
		pa := newProgramme(tn.a.ID, "A's programme")
		if err := st.PutProgramme(ctx, pa); err != nil {
			t.Fatal(err)
		}
		a1 := obs(t, "trained", "2026Q1", 12, nil)
		if err := st.AddObservations(ctx, tn.a.ID, pa.ID, []impact.Observation{a1}); err != nil {
			t.Fatal(err)
		}
		svc := &impact.Service{Store: st, Clock: &kernel.FixedClock{T: t0}}
		an, err := svc.AnalyseSROI(ctx, tn.a.ID, pa.ID, testMap())
		if err != nil {
			t.Fatal(err)
		}
		subj := impact.NewPseudonym()
		c := impact.Consent{Subject: subj}
		c.Grant(&kernel.FixedClock{T: t0}, impact.PurposeResearch, tn.userA.ID, "")
		if err := st.AppendConsent(ctx, tn.a.ID, subj, 0, c.Events[0]); err != nil {
			t.Fatal(err)
		}
		rec := impact.SurvivorOutcome{Subject: subj, Indicator: "employed", Period: impact.MustPeriod("2026Q1"), Value: 1}
		if err := st.AddSurvivorOutcomes(ctx, tn.a.ID, pa.ID, []impact.SurvivorOutcome{rec}); err != nil {
			t.Fatal(err)
		}

		hijack := *pa
		hijack.Org = tn.b.ID
		hijack.Model = testModel("hijacked")
		b := tn.b.ID
		checks := []struct {
			name string
			run  func() error
			want kernel.Code
		}{
			{"Programme", func() error { _, err := st.Programme(ctx, b, pa.ID); return err }, kernel.NotFound},
			{"PutProgramme", func() error { return st.PutProgramme(ctx, &hijack) }, kernel.NotFound},
			{"Programmes", func() error {
				ps, err := st.Programmes(ctx, b)
				if len(ps) != 0 {
					t.Errorf("Programmes(B) returned %d programmes", len(ps))
				}
				return err
			}, ""},
			{"AddObservations", func() error {
				return st.AddObservations(ctx, b, pa.ID, []impact.Observation{obs(t, "trained", "2026Q2", 1, nil)})
			}, kernel.NotFound},
			{"EditObservations", func() error {
				return st.EditObservations(ctx, b, pa.ID, nil, []impact.Observation{obs(t, "trained", "2026Q2", 1, nil)})
			}, kernel.NotFound},
			{"Observations", func() error {
				os, err := st.Observations(ctx, b, pa.ID, "")
				if len(os) != 0 {
					t.Errorf("Observations(B) returned %d", len(os))
				}
				return err
			}, ""},
			{"Analyses", func() error {
				as, err := st.Analyses(ctx, b, pa.ID)
				if len(as) != 0 {
					t.Errorf("Analyses(B) returned %d", len(as))
				}
				return err
			}, ""},
			{"Analysis", func() error { _, err := st.Analysis(ctx, b, pa.ID, an.ID); return err }, kernel.NotFound},
			{"Consent", func() error {
				got, err := st.Consent(ctx, b, subj)
				if len(got.Events) != 0 {
					t.Errorf("Consent(B) returned A's history")
				}
				return err
			}, ""},
			{"Consents", func() error {
				all, err := st.Consents(ctx, b)
				if len(all) != 0 {
					t.Errorf("Consents(B) returned %d histories", len(all))
				}
				return err
			}, ""},
			{"AddSurvivorOutcomes", func() error {
				r := rec
				r.Period = impact.MustPeriod("2026Q2")
				return st.AddSurvivorOutcomes(ctx, b, pa.ID, []impact.SurvivorOutcome{r})
			}, kernel.NotFound},
			{"SurvivorOutcomes", func() error {
				rs, err := st.SurvivorOutcomes(ctx, b, pa.ID, "")
				if len(rs) != 0 {
					t.Errorf("SurvivorOutcomes(B) returned %d", len(rs))
				}
				return err
			}, ""},
		}
		for _, c := range checks {
			t.Run(c.name, func(t *testing.T) {
				err := c.run()
				if c.want == "" && err != nil {
					t.Errorf("%v", err)
				}
				if c.want != "" && !kernel.IsCode(err, c.want) {
					t.Errorf("across tenants: want %s, got %v", c.want, err)
				}
			})
		}
		// AppendConsent under B writes B's own history and leaves A's alone.
		if err := st.AppendConsent(ctx, b, subj, 0, c.Events[0]); err != nil {
			t.Fatal(err)
		}
		got, _ := st.Programme(ctx, tn.a.ID, pa.ID)
		if got.Model.Programme != "A's programme" {
			t.Fatal("cross-tenant put changed organisation A's programme")
		}
		if os, _ := st.Observations(ctx, tn.a.ID, pa.ID, ""); len(os) != 1 {
			t.Fatalf("organisation A has %d observations, want 1", len(os))
		}
		if ca, _ := st.Consent(ctx, tn.a.ID, subj); len(ca.Events) != 1 {
			t.Fatalf("organisation A's consent history has %d events, want 1", len(ca.Events))
		}
	})
}
