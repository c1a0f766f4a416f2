package impact

import (
	"errors"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// ErrInvalidModel is in the chain of every error LogicModel.Validate
// returns; the message lists each problem of the model.
var ErrInvalidModel = errors.New("invalid logic model")

func invalidf(format string, args ...any) error {
	return kernel.Errorf(kernel.Invalid, format, args...)
}
