package web

import (
	"context"
	"net/http"

	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/eudr"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// PlotImporter checks and stores the plot files of a supplier upload (the
// EUDR plots of land); the EUDR service implements it. CheckFiles stores
// nothing: without skipBad any error in any plot refuses the batch with
// kernel.Invalid, and SaveBatch stores what CheckFiles kept.
type PlotImporter interface {
	CheckFiles(ctx context.Context, orgID string, files []eudr.Upload, skipBad bool) (eudr.Batch, error)
	SaveBatch(ctx context.Context, orgID string, b eudr.Batch) error
}

var _ PlotImporter = (*eudr.Service)(nil)

// plotSummary is what the import page shows of the plot files: the plots
// kept and skipped, and every finding with its file and plot.
type plotSummary struct {
	batch    eudr.Batch
	Stored   int
	Skipped  int
	Errors   int
	Warnings int
	Findings []plotFinding
}

type plotFinding struct {
	File, Plot, Check, Severity, Message string
}

func newPlotSummary(b eudr.Batch) *plotSummary {
	ps := &plotSummary{batch: b, Stored: b.Plots(), Skipped: b.Skipped, Errors: b.Errors(), Warnings: b.Warnings()}
	for _, rep := range b.Reports {
		for _, f := range rep.Findings {
			if len(ps.Findings) == maxShownErrors {
				return ps
			}
			ps.Findings = append(ps.Findings, plotFinding{File: rep.File, Plot: f.Plot, Check: string(f.Check), Severity: string(f.Severity), Message: f.Message})
		}
	}
	return ps
}

// checkPlotFiles takes the plot files (GeoJSON, or CSV of plots) out of an
// upload and checks them; the rest are left for the supplier importer.
// Without a plot importer (deforestation due diligence off) every file is
// left. The summary is nil when the upload held no plot file.
func (s *supplyHandlers) checkPlotFiles(r *http.Request, org string, files []assessment.NamedFile, skip bool) ([]assessment.NamedFile, *plotSummary, error) {
	if s.plots == nil {
		return files, nil, nil
	}
	taken, rest, err := assessment.SplitFiles(files, func(f assessment.NamedFile) (bool, error) {
		_, isPlot, err := eudr.IsPlotFile(eudr.Upload{Name: f.Name, Open: f.Open})
		return isPlot, err
	})
	if err != nil {
		return nil, nil, err
	}
	if len(taken) == 0 {
		return files, nil, nil
	}
	plotFiles := make([]eudr.Upload, len(taken))
	for i, f := range taken {
		plotFiles[i] = eudr.Upload{Name: f.Name, Open: f.Open}
	}
	b, err := s.plots.CheckFiles(r.Context(), org, plotFiles, skip)
	return rest, newPlotSummary(b), err
}

// renderPlotFailure shows why nothing was imported: a plot file could not
// be read, or a plot failed a check.
func (s *supplyHandlers) renderPlotFailure(w http.ResponseWriter, r *http.Request, plots *plotSummary, err error, skip bool) {
	code := kernel.ErrorCode(err)
	if code != kernel.Invalid {
		s.fail(w, r, err)
		return
	}
	sum := importSummary{Failed: true, Message: kernel.ErrorMessage(err), Plots: plots}
	s.render(w, r, http.StatusBadRequest, "supply_import.html", map[string]any{"Available": true, "Summary": sum, "Skip": skip, "PlotsOn": true})
}
