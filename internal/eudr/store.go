package eudr

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/upstream-platform/upstream/internal/supplychain"
)

// File is a document attached to evidence: a forest-loss report, a land
// title scan.
type File struct {
	ID        string
	Name      string
	MediaType string
	SHA256    string
	Content   []byte
}

// MaxEvidenceFile bounds one attached file.
const MaxEvidenceFile = 10 << 20

// NewFile describes content as a File, with its checksum.
func NewFile(id, name, mediaType string, content []byte) File {
	sum := sha256.Sum256(content)
	return File{ID: id, Name: name, MediaType: mediaType, SHA256: hex.EncodeToString(sum[:]), Content: content}
}

// PlotID is the stable id of a plot: from the organisation's own plot
// reference when it has one, otherwise from its producer and geometry, so
// importing the same file again replaces the plots instead of adding them.
func PlotID(p Plot) string {
	if ref := strings.TrimSpace(p.Ref); ref != "" {
		return supplychain.StableID("eudr-plot", ref)
	}
	var b strings.Builder
	writeCoords(&b, p.Geometry)
	return supplychain.StableID("eudr-plot-geometry", p.producerKey(), p.Country, b.String())
}

// PartyIDs returns the supply-map party ids the plot names: its producer
// and its supplier, known by their references (see supplychain.RefID).
func (p Plot) PartyIDs() []string {
	var out []string
	for _, ref := range []string{p.ProducerRef, p.SupplierRef} {
		if strings.TrimSpace(ref) != "" {
			out = append(out, supplychain.RefID(ref))
		}
	}
	return out
}

// Store persists an organisation's EUDR records. Every method is scoped to
// one organisation.
//
// Error contract, for every method: kernel.Invalid when an argument breaks
// the rules of this package; kernel.NotFound when a named record does not
// exist in the organisation; kernel.Conflict when a reference is taken;
// kernel.Unavailable when the database cannot be reached; kernel.Internal
// otherwise. A failed call writes nothing.
type Store interface {
	// SaveOperator stores the organisation's operator details.
	SaveOperator(ctx context.Context, orgID string, op Operator) error
	// Operator returns them, or kernel.NotFound.
	Operator(ctx context.Context, orgID string) (Operator, error)

	// SavePlots stores plots, each replacing the stored plot with the same
	// id, in one transaction. Plots must have their ID set.
	SavePlots(ctx context.Context, orgID string, plots []Plot) error
	// ListPlots returns every plot of the organisation ordered by reference.
	ListPlots(ctx context.Context, orgID string) ([]Plot, error)
	// Plots returns the plots with the given ids in that order, or
	// kernel.NotFound naming the first id that is not stored.
	Plots(ctx context.Context, orgID string, ids []string) ([]Plot, error)

	// AddEvidence stores evidence on a stored plot, with its file when
	// file is not nil (the evidence's FileID is set to the file's id).
	AddEvidence(ctx context.Context, orgID string, e Evidence, file *File) error
	// Evidence returns the evidence on the given plots, by plot id, oldest
	// first.
	Evidence(ctx context.Context, orgID string, plotIDs []string) (map[string][]Evidence, error)
	// File returns an attached file, or kernel.NotFound.
	File(ctx context.Context, orgID, fileID string) (File, error)

	// SaveLot creates or replaces a lot; a reference another lot holds is
	// kernel.Conflict, a plot id that is not stored kernel.NotFound.
	SaveLot(ctx context.Context, orgID string, l Lot) error
	// Lot returns a lot by id or by reference, or kernel.NotFound.
	Lot(ctx context.Context, orgID, idOrRef string) (Lot, error)
	// ListLots returns every lot, newest first.
	ListLots(ctx context.Context, orgID string) ([]Lot, error)

	// SaveAssessment records a version of a lot's assessment; the latest
	// saved is the current one and earlier ones are kept.
	SaveAssessment(ctx context.Context, orgID string, a Assessment) error
	// Assessment returns a lot's latest assessment, or kernel.NotFound.
	Assessment(ctx context.Context, orgID, lotID string) (Assessment, error)

	// SaveStatement stores a statement made, with its Information System
	// document and GeoJSON, as made: statements are never changed.
	SaveStatement(ctx context.Context, orgID string, s Statement, submission, geojson []byte) error
	// Statements returns a lot's statements, newest first (every lot when
	// lotID is empty).
	Statements(ctx context.Context, orgID, lotID string) ([]Statement, error)
	// StatementFiles returns a statement with the Information System
	// document and the GeoJSON stored with it, or kernel.NotFound.
	StatementFiles(ctx context.Context, orgID, statementID string) (Statement, []byte, []byte, error)

	// LandEnvironmentGrievances counts the organisation's grievance
	// reports about any of the parties that concern land rights or
	// environmental harm. It reads categories only, never content.
	LandEnvironmentGrievances(ctx context.Context, orgID string, partyIDs []string) (int, error)
}
