package earlywarning_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	ew "github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
)

func TestThresholdConfigValidate(t *testing.T) {
	good := ew.ThresholdRule{Name: "hits", Kind: ew.KindWatchlistHit, Op: ew.OpGE, Limit: 0.9, Severity: ew.SeverityHigh}
	with := func(f func(*ew.ThresholdRule)) ew.ThresholdConfig {
		r := good
		f(&r)
		return ew.ThresholdConfig{OrgID: "org1", Rules: []ew.ThresholdRule{good, r}}
	}
	tests := []struct {
		name string
		c    ew.ThresholdConfig
		want string
	}{
		{"defaults", ew.ThresholdConfig{OrgID: "org1", Rules: ew.DefaultThresholdRules()}, ""},
		{"no org", ew.ThresholdConfig{}, "threshold config org_id: missing"},
		{"duplicate name", with(func(r *ew.ThresholdRule) {}), `rules[1].name: "hits" is already used by rules[0]`},
		{"no name", with(func(r *ew.ThresholdRule) { r.Name = "" }), "rules[1].name: missing"},
		{"bad kind", with(func(r *ew.ThresholdRule) { r.Name, r.Kind = "x", "grievance" }), `rules[1].kind: "grievance" is not one of grievance_count, watchlist_hit, risk_score_change, refdata_update, case_overdue, survey_worsening, intake_flood`},
		{"bad op", with(func(r *ew.ThresholdRule) { r.Name, r.Op = "x", ">=" }), `rules[1].op: ">=" is not one of gt, ge, lt, le, abs_ge`},
		{"subject id alone", with(func(r *ew.ThresholdRule) { r.Name, r.SubjectID = "x", "p1" }), "rules[1].subject_id: set without subject_kind"},
		{"abs_ge zero", with(func(r *ew.ThresholdRule) { r.Name, r.Op, r.Limit = "x", ew.OpAbsGE, 0 }), "rules[1].limit: abs_ge needs a limit above 0, got 0"},
		{"bad severity", with(func(r *ew.ThresholdRule) { r.Name, r.Severity = "x", "" }), `rules[1].severity: "" is not one of low, medium, high, critical`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.Validate()
			got := ""
			if err != nil {
				got = err.Error()
				if !kernel.IsCode(err, kernel.Invalid) {
					t.Errorf("code %s", kernel.ErrorCode(err))
				}
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestThresholdEvaluate(t *testing.T) {
	c := ew.ThresholdConfig{OrgID: "org1", Rules: append(ew.DefaultThresholdRules(),
		ew.ThresholdRule{Name: "bd-forced-labour", Kind: ew.KindGrievanceCount, SubjectKind: ew.SubjectCountry, SubjectID: "BD", Op: ew.OpGE, Limit: 5, Severity: ew.SeverityCritical})}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	sig := func(kind ew.Kind, sk ew.SubjectKind, id string, v float64) ew.Signal {
		s, err := ew.NewSignal("org1", kind, ew.Subject{Kind: sk, ID: id}, t0, v, "test")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tests := []struct {
		name string
		s    ew.Signal
		want []string
	}{
		{"confirmed hit", sig(ew.KindWatchlistHit, ew.SubjectParty, "p1", 0.97), []string{"rule/watchlist-hit/party:p1 high"}},
		{"risk step up", sig(ew.KindRiskScoreChange, ew.SubjectParty, "p1", 22), []string{"rule/risk-step/party:p1 medium"}},
		{"risk step down", sig(ew.KindRiskScoreChange, ew.SubjectParty, "p1", -15), []string{"rule/risk-step/party:p1 medium"}},
		{"small risk change", sig(ew.KindRiskScoreChange, ew.SubjectParty, "p1", 14.9), nil},
		{"grievances in BD", sig(ew.KindGrievanceCount, ew.SubjectCountry, "BD", 6), []string{"rule/bd-forced-labour/country:BD critical"}},
		{"grievances elsewhere", sig(ew.KindGrievanceCount, ew.SubjectCountry, "IN", 60), nil},
		{"refdata edition", sig(ew.KindRefdataUpdate, ew.SubjectDataset, "ilab", 12), []string{"rule/refdata-update/dataset:ilab low"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, tr := range c.Evaluate(tt.s) {
				if err := tr.Validate(); err != nil {
					t.Fatal(err)
				}
				got = append(got, tr.Key+" "+string(tr.Severity))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	other := sig(ew.KindWatchlistHit, ew.SubjectParty, "p1", 1)
	other.OrgID = "org2"
	if got := c.Evaluate(other); got != nil {
		t.Errorf("another organisation's signal triggered %v", got)
	}
}

func TestSignalValidate(t *testing.T) {
	tests := []struct {
		name string
		s    ew.Signal
		want string
	}{
		{"fractional count", ew.Signal{OrgID: "o", Kind: ew.KindGrievanceCount, Subject: ew.Subject{Kind: ew.SubjectParty, ID: "p"}, At: t0, Value: 1.5, Source: "s"}, "signal value: a grievance count must be a whole number of at least 0, got 1.5"},
		{"unknown subject", ew.Signal{OrgID: "o", Kind: ew.KindWatchlistHit, Subject: ew.Subject{Kind: "person", ID: "p"}, At: t0, Value: 1, Source: "s"}, `signal subject.kind: "person" is not one of party, country, region, category, dataset, case`},
		{"no time", ew.Signal{OrgID: "o", Kind: ew.KindWatchlistHit, Subject: ew.Subject{Kind: ew.SubjectParty, ID: "p"}, Value: 1, Source: "s"}, "signal at: missing"},
		{"no source", ew.Signal{OrgID: "o", Kind: ew.KindWatchlistHit, Subject: ew.Subject{Kind: ew.SubjectParty, ID: "p"}, At: t0, Value: 1}, "signal source: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.s.Validate(); err == nil || err.Error() != tt.want {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
}

func TestDecodeThresholdConfig(t *testing.T) {
	c, err := ew.DecodeThresholdConfig(strings.NewReader(`{"org_id":"org1","rules":[{"name":"hits","kind":"watchlist_hit","op":"ge","limit":0.8,"severity":"high"}]}`))
	if err != nil || len(c.Rules) != 1 || c.Rules[0].Limit != 0.8 {
		t.Fatalf("%+v %v", c, err)
	}
	for _, in := range []string{`{"org_id":"o","rules":[{"nme":"x"}]}`, `{"org_id":"o"} {}`, `[`,
		`{"org_id":"o","rules":[{"name":"hits","kind":"watchlist_hit","op":"ge","limit":0.8,"severity":"high"}]}}`, `{"org_id":"o","rules":[{"name":"x","kind":"watchlist_hit","op":"ge","severity":"loud"}]}`} {
		if _, err := ew.DecodeThresholdConfig(strings.NewReader(in)); !kernel.IsCode(err, kernel.Invalid) {
			t.Errorf("%s: %v", in, err)
		}
	}
}

func FuzzDecodeThresholdConfig(f *testing.F) {
	f.Add(`{"org_id":"org1","rules":[{"name":"hits","kind":"watchlist_hit","op":"ge","limit":0.8,"severity":"high"}]}`)
	f.Add(`{"org_id":"o","rules":[{"name":"r","kind":"risk_score_change","subject_kind":"party","subject_id":"p","op":"abs_ge","limit":1e308,"severity":"low"}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		c, err := ew.DecodeThresholdConfig(strings.NewReader(in))
		if err != nil {
			if !kernel.IsCode(err, kernel.Invalid) {
				t.Fatalf("code %s for %v", kernel.ErrorCode(err), err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("decoded config does not validate: %v", err)
		}
		s := ew.Signal{OrgID: c.OrgID, Kind: ew.KindRiskScoreChange, Subject: ew.Subject{Kind: ew.SubjectParty, ID: "p"}, At: t0, Value: 20, Source: "f"}
		for _, tr := range c.Evaluate(s) {
			if err := tr.Validate(); err != nil && len(tr.Key) <= 300 {
				t.Fatalf("trigger from a valid rule does not validate: %v", err)
			}
		}
	})
}
