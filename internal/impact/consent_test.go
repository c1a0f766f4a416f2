package impact_test

import (
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
)

func TestConsentPerPurpose(t *testing.T) {
	clock := &kernel.FixedClock{T: day("2026-02-01")}
	c := impact.Consent{Subject: impact.NewPseudonym()}
	if err := c.Grant(clock, impact.PurposeOutcomeMeasurement, "handler-1", "written form"); err != nil {
		t.Fatal(err)
	}
	if err := c.Grant(clock, impact.PurposeCaseManagement, "handler-1", ""); err != nil {
		t.Fatal(err)
	}
	clock.Advance(30 * 24 * time.Hour)
	if err := c.Withdraw(clock, impact.PurposeOutcomeMeasurement, "handler-1", "asked by phone"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		purpose impact.Purpose
		at      string
		want    bool
	}{
		{impact.PurposeOutcomeMeasurement, "2026-01-31", false}, // before any decision
		{impact.PurposeOutcomeMeasurement, "2026-02-15", true},
		{impact.PurposeOutcomeMeasurement, "2026-03-05", false}, // withdrawn on 3 March
		{impact.PurposeCaseManagement, "2026-03-05", true},
		{impact.PurposeReferral, "2026-02-15", false}, // never asked
	}
	for _, tt := range tests {
		if got := c.Allows(tt.purpose, day(tt.at)); got != tt.want {
			t.Errorf("%s at %s = %v", tt.purpose, tt.at, got)
		}
	}
	if err := c.Grant(clock, "marketing", "handler-1", ""); err == nil || !strings.Contains(err.Error(), `purpose "marketing" is not one of`) {
		t.Errorf("unknown purpose: %v", err)
	}
	if err := c.Grant(clock, impact.PurposeResearch, " ", ""); err == nil {
		t.Error("consent without a recorder accepted")
	}
	clock.T = day("2026-01-01")
	if err := c.Grant(clock, impact.PurposeResearch, "handler-1", ""); err == nil {
		t.Error("decision dated before the last one accepted")
	}
}

func TestParsePseudonym(t *testing.T) {
	p := impact.NewPseudonym()
	if got, err := impact.ParsePseudonym(string(p)); err != nil || got != p {
		t.Errorf("%v %v", got, err)
	}
	for _, s := range []string{"Amina Yusuf", "CASE-2026-0042", ""} {
		if _, err := impact.ParsePseudonym(s); err == nil || !kernel.IsCode(err, kernel.Invalid) {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestOutcomeObservationsHonourConsent(t *testing.T) {
	ind := indicator("in-work", impact.Ratio, false, "%")
	clock := &kernel.FixedClock{T: day("2026-01-10")}
	consents := map[impact.Pseudonym]impact.Consent{}
	var records []impact.SurvivorOutcome
	q1 := impact.MustPeriod("2026Q1")
	// Six survivors; four consented to outcome measurement, one only to
	// case management, one recorded nothing.
	for i, v := range []float64{1, 1, 0, 1, 1, 0} {
		s := impact.NewPseudonym()
		c := impact.Consent{Subject: s}
		switch {
		case i < 4:
			c.Grant(clock, impact.PurposeOutcomeMeasurement, "h", "")
			consents[s] = c
		case i == 4:
			c.Grant(clock, impact.PurposeCaseManagement, "h", "")
			consents[s] = c
		}
		records = append(records, impact.SurvivorOutcome{Subject: s, Indicator: "in-work", Period: q1, Value: v, Disaggregation: map[string]string{"sex": "female"}})
	}
	obs, excluded, err := impact.OutcomeObservations(ind, impact.DefaultDimensions(), records, consents, impact.PurposeOutcomeMeasurement, day("2026-03-31"))
	if err != nil {
		t.Fatal(err)
	}
	if excluded != 2 || len(obs) != 1 {
		t.Fatalf("excluded %d, obs %+v", excluded, obs)
	}
	// Consenting: values 1, 1, 0, 1 -> 3 of 4 in work.
	if obs[0].Value != 3 || *obs[0].Denominator != 4 {
		t.Errorf("obs %+v den %v", obs[0], *obs[0].Denominator)
	}
	agg, err := impact.Rollup(ind, impact.DefaultDimensions(), obs, impact.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "share in work", agg.Value, 75)

	records = append(records, impact.SurvivorOutcome{Subject: "Amina", Indicator: "in-work", Period: q1, Value: 1})
	if _, _, err := impact.OutcomeObservations(ind, impact.DefaultDimensions(), records, consents, impact.PurposeOutcomeMeasurement, day("2026-03-31")); err == nil || !strings.Contains(err.Error(), `records[6]: subject "Amina" is not a pseudonymous id`) {
		t.Errorf("name as subject: %v", err)
	}
}
