package report_test

import (
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/report"
)

func TestDueDiligenceReportHasTheEUDRSection(t *testing.T) {
	d := demoData(t)
	d.EUDR = &report.Deforestation{Plots: 7, ByStatus: map[string]int{"no-loss-found": 6, "no-analysis": 1},
		Lots:     []report.EUDRLot{{Ref: "DEMO-COCOA-2026-01", Commodity: "cocoa", Plots: 6, Statements: 1}, {Ref: "DEMO-COCOA-2026-02", Commodity: "cocoa", Plots: 7, Open: 3}},
		Gaps:     []report.EUDRPlotGap{{Plot: "PLOT-007", Producer: "Koné Mariam", Country: "CI", Missing: []string{"No forest-loss analysis (gap)", "a land title, right of use or permit (Art. 9(1)(h))"}}},
		GapsMore: 2}
	for _, reg := range []report.Regulation{"", report.EUDR} {
		d.Regulation = reg
		html := string(render(t, report.DueDiligence, report.HTML, d))
		for _, want := range []string{"EU Deforestation Regulation: plots of land (7) by evidence", "No forest-loss analysis (gap)", "DEMO-COCOA-2026-02",
			"EU Deforestation Regulation: plots with gaps (3)", "PLOT-007", "Koné Mariam", "Côte d&#39;Ivoire", "No forest-loss analysis (gap); a land title, right of use or permit", "and 2 more plots with gaps"} {
			if !strings.Contains(html, want) {
				t.Errorf("regulation %q: report lacks %q", reg, want)
			}
		}
	}
	// Without EUDR records the section is left out, not shown empty.
	d.EUDR = nil
	if html := string(render(t, report.DueDiligence, report.HTML, d)); strings.Contains(html, "EU Deforestation Regulation: plots") {
		t.Error("report shows an EUDR table with no records")
	}
}

// TestEUDRSectionWithoutGaps says so rather than showing an empty table.
func TestEUDRSectionWithoutGaps(t *testing.T) {
	d := demoData(t)
	d.EUDR = &report.Deforestation{Plots: 1, ByStatus: map[string]int{"no-loss-found": 1}}
	html := string(render(t, report.DueDiligence, report.HTML, d))
	if !strings.Contains(html, "plots with gaps (0)") || !strings.Contains(html, "Every plot has a forest-loss analysis covering the period") {
		t.Error("a report with no gaps does not say so")
	}
}
