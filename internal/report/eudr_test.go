package report_test

import (
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/report"
)

func TestDueDiligenceReportHasTheEUDRSection(t *testing.T) {
	d := demoData(t)
	d.EUDR = &report.Deforestation{Plots: 7, ByStatus: map[string]int{"no-loss-found": 6, "no-analysis": 1},
		Lots: []report.EUDRLot{{Ref: "DEMO-COCOA-2026-01", Commodity: "cocoa", Plots: 6, Statements: 1}, {Ref: "DEMO-COCOA-2026-02", Commodity: "cocoa", Plots: 7, Open: 3}}}
	for _, reg := range []report.Regulation{"", report.EUDR} {
		d.Regulation = reg
		html := string(render(t, report.DueDiligence, report.HTML, d))
		for _, want := range []string{"EU Deforestation Regulation: plots of land (7) by evidence", "No forest-loss analysis (gap)", "DEMO-COCOA-2026-02"} {
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
