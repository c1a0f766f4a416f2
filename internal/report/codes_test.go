package report_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/report"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/scorecard"
)

// TestReportsNameFactorsInWords: every report, in HTML (what the PDF
// prints), CSV and XLSX, names a signal factor by its label, never by its
// code (watchlist_confirmed), and a scorecard item or theme by its words,
// never by its id (policy.forced_labour, worker_voice).
func TestReportsNameFactorsInWords(t *testing.T) {
	var codes []string
	for _, k := range []risk.SignalKind{risk.WatchlistConfirmed, risk.WatchlistPossible, risk.AuditFinding, risk.SurveyFinding,
		risk.AuditFailed, risk.AuditExpired, risk.AuditPassed} {
		codes = append(codes, string(k))
	}
	for _, th := range scorecard.Themes() {
		if strings.Contains(string(th), "_") {
			codes = append(codes, string(th))
		}
	}
	codes = append(codes, "high_risk")
	itemID := regexp.MustCompile(`\b(?:policy|trace|purchasing|monitoring|screening|voice|grievance|remedy|env)\.[a-z0-9_]+\b`)
	for _, tc := range goldenCases {
		for _, f := range []report.Format{report.HTML, report.CSV, report.XLSX} {
			d := demoData(t)
			d.Regulation = tc.regulation
			out := render(t, tc.kind, f, d)
			texts := []string{string(out)}
			if f == report.XLSX {
				texts = nil
				for _, part := range unzip(t, out) {
					texts = append(texts, string(part))
				}
			}
			for _, text := range texts {
				for _, c := range codes {
					if strings.Contains(text, c) {
						t.Errorf("%s %s shows the code %q", tc.name, f, c)
					}
				}
				if m := itemID.FindString(text); m != "" {
					t.Errorf("%s %s shows the item id %q", tc.name, f, m)
				}
			}
		}
	}
	if got := (risk.Factor{Kind: "signal", Indicator: "forced_eviction"}).Name(); got != "forced eviction" {
		t.Errorf("a configured signal kind reads %q", got)
	}
}
