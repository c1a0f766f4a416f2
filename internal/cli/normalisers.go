package cli

import (
	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/refdata"
	"github.com/upstream-platform/upstream/internal/risk"
)

// normalisers are the country and commodity normalisers the importers use:
// the built-in country and commodity lists.
func normalisers() assessment.Normalisers { return assessment.StandardNormalisers() }

// newRiskEngine returns the scoring engine over ref (the built-in
// reference data when nil) and the built-in weights.
func newRiskEngine(ref *refdata.Set) (*risk.Engine, error) {
	if ref == nil {
		var err error
		if ref, err = refdata.Default(); err != nil {
			return nil, kernel.Wrap(kernel.Internal, err, "reference data")
		}
	}
	return risk.NewEngine(ref, risk.DefaultWeights())
}
