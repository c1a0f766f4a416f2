package web

import (
	"testing"

	"github.com/upstream-platform/upstream/internal/earlywarning"
)

// TestSeriesLabelNamesCategoriesInWords: a series of one grievance
// category is named by the category's label, never its code.
func TestSeriesLabelNamesCategoriesInWords(t *testing.T) {
	for _, tc := range []struct {
		id, want string
	}{
		{"deception", "Grievances about Deception"},
		{"forced_labour", "Grievances about forced labour"},
	} {
		got := seriesLabel(earlywarning.Subject{Kind: earlywarning.SubjectCategory, ID: tc.id})
		if got != tc.want {
			t.Errorf("seriesLabel(category %s) = %q, want %q", tc.id, got, tc.want)
		}
	}
}
