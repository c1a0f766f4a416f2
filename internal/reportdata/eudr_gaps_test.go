package reportdata

import (
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/eudr"
)

// TestPlotGaps names what each plot still lacks, and nothing for a plot
// with everything on file; a plot without an analysis is a gap.
func TestPlotGaps(t *testing.T) {
	day := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	complete := eudr.PlotStatus{Plot: eudr.Plot{Ref: "P1", ProductionFrom: day, ProductionTo: day},
		Evidence: eudr.PlotEvidence{Deforestation: eudr.NoLossFound, Legality: []eudr.EvidenceKind{eudr.LandTitle}}}
	if g := plotGaps(complete); len(g) != 0 {
		t.Errorf("complete plot has gaps %q", g)
	}
	bare := eudr.PlotStatus{Plot: eudr.Plot{Ref: "P2"}, Evidence: eudr.PlotEvidence{Deforestation: eudr.NoAnalysis, MissingLegality: []string{"a land title"}},
		Errors: []eudr.Finding{{Check: eudr.CheckDecimals, Severity: eudr.Error, Message: "fewer than 6 decimals"}}}
	got := strings.Join(plotGaps(bare), "; ")
	want := "geolocation fails a check: fewer than 6 decimals; no production date; No forest-loss analysis (gap); a land title"
	if got != want {
		t.Errorf("gaps\n got %s\nwant %s", got, want)
	}
}
