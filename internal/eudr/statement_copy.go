package eudr

import (
	"bytes"
	"context"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// StatementCopy is a statement as it was made, with the documents stored
// beside it: the Information System submission and the plots' GeoJSON.
// The statement's producers carry their plots again, read back from the
// GeoJSON, so the human-readable copy can be drawn.
type StatementCopy struct {
	Statement  Statement
	Submission []byte
	GeoJSON    []byte
}

// StatementCopy returns one of a lot's statements as made, or
// kernel.NotFound when the lot has no such statement.
func (s *Service) StatementCopy(ctx context.Context, orgID, lotRef, statementID string) (StatementCopy, error) {
	lot, err := s.store.Lot(ctx, orgID, lotRef)
	if err != nil {
		return StatementCopy{}, err
	}
	st, sub, gj, err := s.store.StatementFiles(ctx, orgID, statementID)
	if err != nil {
		return StatementCopy{}, err
	}
	if st.LotID != lot.ID {
		return StatementCopy{}, kernel.Errorf(kernel.NotFound, "lot %s has no such statement", lot.Ref)
	}
	plots, _, err := ReadGeoJSON("statement.geojson", bytes.NewReader(gj))
	if err != nil {
		return StatementCopy{}, kernel.Wrap(kernel.Internal, err, "statement %s: stored GeoJSON", statementID)
	}
	// The GeoJSON keeps geometry, producer and place; the lot's stored
	// plots with the same geometry give back references and dates.
	stored, err := s.store.Plots(ctx, orgID, lot.PlotIDs)
	if err != nil && !kernel.IsCode(err, kernel.NotFound) {
		return StatementCopy{}, err
	}
	byShape := map[string]Plot{}
	for _, p := range stored {
		byShape[shapeKey(p)] = p
	}
	for i, p := range plots {
		if sp, ok := byShape[shapeKey(p)]; ok {
			plots[i] = sp
		}
	}
	// Producers were written in order with their plots; group the plots
	// back under the producer of the same name and country.
	at := map[[2]string]int{}
	for i, p := range st.Producers {
		at[[2]string{p.Name, p.Country}] = i
		st.Producers[i].Plots = nil
	}
	for _, p := range plots {
		k := [2]string{producerName(p), p.Country}
		i, ok := at[k]
		if !ok {
			i = len(st.Producers)
			at[k] = i
			st.Producers = append(st.Producers, Producer{Name: k[0], Country: k[1]})
		}
		st.Producers[i].Plots = append(st.Producers[i].Plots, p)
	}
	return StatementCopy{Statement: st, Submission: sub, GeoJSON: gj}, nil
}

// shapeKey is a plot's geometry as the GeoJSON writes it, with its country.
func shapeKey(p Plot) string {
	var b strings.Builder
	writeCoords(&b, p.Geometry)
	return p.Country + " " + b.String()
}
