package cli

import (
	"context"
	"fmt"

	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/eudr"
	"github.com/upstream-platform/upstream/internal/sqlstore"
)

// importedPlots are the plot files of an import, checked and ready to store.
type importedPlots struct {
	svc   *eudr.Service
	batch eudr.Batch
}

func (p *importedPlots) save(ctx context.Context, orgID string) error {
	return p.svc.SaveBatch(ctx, orgID, p.batch)
}

// checkPlotFiles takes the plot files (GeoJSON, or CSV of plots) out of the
// files to import and runs the checks of 'upstream eudr validate' on them,
// writing each file's findings to standard error as that command does. It
// returns the other files, and nil plots when there were none. Without
// skip, one error in any plot is an error and nothing may be stored.
func checkPlotFiles(ctx context.Context, env *Env, db *sqlstore.DB, orgID string, files []assessment.NamedFile, skip bool) ([]assessment.NamedFile, *importedPlots, error) {
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
	svc, err := newEUDRService(ctx, env, db)
	if err != nil {
		return nil, nil, err
	}
	b, err := svc.CheckFiles(ctx, orgID, plotFiles, skip)
	for _, rep := range b.Reports {
		if len(rep.Findings) > 0 {
			if werr := rep.WriteText(env.Stderr); werr != nil {
				return nil, nil, werr
			}
		}
	}
	if err != nil {
		return nil, nil, err
	}
	return rest, &importedPlots{svc: svc, batch: b}, nil
}

// summary says what was stored, once it is.
func (p *importedPlots) summary() string {
	b := p.batch
	return fmt.Sprintf("plots: %d stored from %d file(s), %d skipped, %d error(s), %d warning(s)",
		b.Plots(), len(b.Reports), b.Skipped, b.Errors(), b.Warnings())
}
