package impact

import "github.com/upstream-platform/upstream/internal/kernel"

func invalidf(format string, args ...any) error {
	return kernel.Errorf(kernel.Invalid, format, args...)
}
