package grievance

import "github.com/upstream-platform/upstream/internal/kernel"

// MinReportableCount is the smallest count shown to roles without access to
// the cases behind it: a count of 1 next to a small supplier and a month can
// point at one worker.
const MinReportableCount = 5

// CountKey is one cell of a grievance aggregate. Zero fields are "all".
type CountKey struct {
	Category   Category
	SupplierID string
	Country    string
	Month      string // "2006-01"
}

// Count is one aggregate cell. When Suppressed is set, N is 0 and the true
// count is between 1 and MinReportableCount-1.
type Count struct {
	Key        CountKey
	N          int
	Suppressed bool
}

// MonthOf returns the "2006-01" month of a day, the finest time unit
// aggregates use.
func MonthOf(d Day) string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format("2006-01")
}

// Suppress hides small counts for viewers without case access. Cells with a
// count of zero stay (absence of reports is not sensitive); cells from 1 to
// min-1 are blanked. With hasCaseAccess the counts are returned unchanged.
// A min below MinReportableCount is refused.
func Suppress(counts []Count, min int, hasCaseAccess bool) ([]Count, error) {
	if min < MinReportableCount {
		return nil, kernel.Errorf(kernel.Invalid, "the suppression threshold must be at least %d", MinReportableCount)
	}
	out := make([]Count, len(counts))
	for i, c := range counts {
		if !hasCaseAccess && c.N > 0 && c.N < min {
			c = Count{Key: c.Key, Suppressed: true}
		}
		out[i] = c
	}
	return out, nil
}
