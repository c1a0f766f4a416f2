package report_test

import (
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/report"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/scorecard"
)

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func orgEvidence(asOf time.Time, volume float64) scorecard.Evidence {
	return scorecard.Evidence{
		Subject: scorecard.Subject{Kind: scorecard.Organisation, ID: "org-demo", Name: "Demo Brand"},
		AsOf:    asOf,
		Answers: []scorecard.Answer{
			{QuestionID: "policy.forced_labour", Response: "yes", AnsweredOn: day(2026, 3, 1),
				Documents: []scorecard.Document{{Name: "Human rights policy", Reference: "HR-POL-3", Date: day(2026, 1, 15)}}},
			{QuestionID: "policy.supplier_code", Response: "yes", AnsweredOn: day(2025, 3, 1),
				Documents: []scorecard.Document{{Name: "Supplier code of conduct", Reference: "SCOC-2", Date: day(2024, 2, 1)}}},
			{QuestionID: "policy.employer_pays", Response: "partial", AnsweredOn: day(2025, 9, 1)},
			{QuestionID: "monitoring.audits", Response: "yes", AnsweredOn: day(2026, 4, 2),
				Documents: []scorecard.Document{{Name: "Audit summary", Reference: "AUD-2026-04", Date: day(2026, 4, 1)}}},
			{QuestionID: "voice.mechanism", Response: "yes", AnsweredOn: day(2026, 5, 1),
				Documents: []scorecard.Document{{Name: "Grievance channel poster (العربية / 中文)", Reference: "GRV-1", Date: day(2026, 4, 20)}}},
			{QuestionID: "remedy.process", Response: "yes", AnsweredOn: day(2025, 6, 1)},
			{QuestionID: "env.deforestation", Response: "no", AnsweredOn: day(2026, 5, 1)},
		},
		Held: scorecard.Held{
			Traceability: &scorecard.TraceabilityEvidence{Tier1: 0.9, Tier2: 0.4, Tier3Plus: 0.1, Volume: volume},
			Screening:    &scorecard.ScreeningEvidence{Parties: 40, Screened: 38, Pending: 2},
			Grievance:    &scorecard.GrievanceEvidence{Cases: 12, MedianDaysToAcknowledge: 9, RemediesProposed: 6, RemediesAccepted: 3},
			Risk:         &scorecard.RiskEvidence{Inherent: 62, Level: risk.High},
		},
	}
}

func mustScore(t *testing.T, ev scorecard.Evidence) scorecard.Scorecard {
	t.Helper()
	sc, err := scorecard.DefaultWeights().Score(ev)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// demoData is a small organisation with suppliers named in Latin, Arabic
// and Chinese script, and every part of the data model filled.
func demoData(t *testing.T) report.Data {
	t.Helper()
	sc := mustScore(t, orgEvidence(day(2026, 6, 30), 0.3))
	earlier := mustScore(t, orgEvidence(day(2025, 12, 31), 0.1))
	ilab := func(country string) risk.Factor {
		return risk.Factor{Kind: "inherent", Source: "US DOL ILAB, List of Goods Produced by Child Labor or Forced Labor", Edition: "2024",
			Indicator: "forced labour in cotton", Value: "listed for " + country, Points: 40, Contribution: 40}
	}
	gsi := risk.Factor{Kind: "inherent", Source: "Walk Free, Global Slavery Index", Edition: "2023",
		Indicator: "prevalence of modern slavery", Value: "7.8 per 1,000 population", Points: 9.75, Contribution: 5.85}
	return report.Data{
		Org:         report.Org{Slug: "demo", Name: "Demo Brand", Country: "GB"},
		GeneratedAt: time.Date(2026, 7, 1, 9, 30, 0, 0, time.UTC),
		Period:      report.Period{From: day(2025, 7, 1), To: day(2026, 6, 30)},
		RiskMethod:  report.Method{Name: "Upstream risk method", Version: "1", Origin: "embedded weights.json"},
		Parties: []report.Party{
			{ID: "p-1", Ref: "SUP-001", Name: "Golden Thread Garments Ltd", Country: "BD", Commodities: []string{"garments"}, Tier: 1,
				Inherent: 20, Signals: 0, Exposure: 41.5, Level: risk.Medium,
				Factors: []risk.Factor{{Kind: "inherent", Source: "Walk Free, Global Slavery Index", Edition: "2023", Indicator: "prevalence of modern slavery", Value: "7.1 per 1,000 population", Contribution: 20},
					{Kind: "supply chain", Source: "Upstream supply-chain propagation", Indicator: "exposure from suppliers", Value: "2 suppliers", Contribution: 21.5}}},
			{ID: "p-2", Ref: "SUP-002", Name: "新疆棉业有限公司", Country: "CN", Commodities: []string{"cotton"}, Tier: 2,
				Inherent: 45.85, Signals: 90, Exposure: 94.6, Level: risk.Critical, WatchlistHits: 1,
				Factors: []risk.Factor{ilab("China"), gsi,
					{Kind: "signal", Source: "UFLPA Entity List", Edition: "2026-05", Indicator: "watchlist_confirmed", Value: "1: confirmed match", Points: 90, Contribution: 48.75}}},
			{ID: "p-3", Ref: "SUP-003", Name: "شركة النسيج المتحدة", Country: "EG", Commodities: []string{"cotton"}, Tier: 2,
				Inherent: 30, Signals: 13.3, Exposure: 39.3, Level: risk.Medium,
				Factors: []risk.Factor{{Kind: "inherent", Source: "Walk Free, Global Slavery Index", Edition: "2023", Indicator: "prevalence of modern slavery", Value: "5.3 per 1,000 population", Contribution: 26},
					{Kind: "signal", Source: "grievance mechanism", Edition: "2026-Q2", Indicator: "grievance", Value: "1", Points: 13.3, Contribution: 13.3}}},
			{ID: "p-4", Ref: "SUP-004", Name: "Alpine Buttons GmbH", Country: "AT", Commodities: []string{"buttons"}, Tier: 1,
				Inherent: 0.5, Exposure: 0.5, Level: risk.Low},
		},
		Screening: &report.Screening{AsOf: day(2026, 6, 30), Lists: []report.List{{"OFAC SDN", "2026-06-27"}, {"UFLPA Entity List", "2026-05"}},
			Parties: 40, Screened: 38, Pending: 2, Confirmed: 1, Dismissed: 7},
		Grievance: &report.Grievance{Period: report.Period{From: day(2025, 7, 1), To: day(2026, 6, 30)}, Total: 12,
			ByCategory:              []report.CategoryCount{{grievance.WithholdingOfWages, 6}, {grievance.ExcessiveOvertime, 3}, {grievance.RetentionOfDocuments, 0}, {grievance.Other, 3}},
			ByStage:                 []report.StageCount{{grievance.StageClosed, 7}, {grievance.StageInvestigating, 4}, {grievance.StageRemediation, 1}},
			MedianDaysToAcknowledge: 9, RemediesProposed: 6, RemediesAccepted: 3, RemediesImplemented: 5},
		Impact: &report.Impact{Programme: "Safe livelihoods",
			Indicators: []report.Indicator{{Code: "wages-on-time", Name: "Workers paid on time", Unit: "%", Baseline: 62, Target: 95, Latest: 81, LatestDate: day(2026, 6, 1), Progress: 0.5757575757575758, Source: "Payroll survey"}},
			SROI:       &report.SROI{Currency: "GBP", Inputs: 150000, PresentValue: 412000, Ratio: 2.7466666666666666, Source: "impact map safe-livelihoods.json"}},
		Scorecard: &sc,
		History:   []scorecard.Scorecard{earlier},
	}
}
