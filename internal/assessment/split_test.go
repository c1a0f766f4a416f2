package assessment

import (
	"errors"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/ingest"
)

func TestSplitFilesKeepsNamedFormatsAndOrder(t *testing.T) {
	files := []NamedFile{{Name: "a.geojson"}, {Name: "b.csv"}, {Name: "c.geojson", Format: ingest.FormatAudits}, {Name: "d.geojson"}}
	taken, rest, err := SplitFiles(files, func(f NamedFile) (bool, error) { return strings.HasSuffix(f.Name, ".geojson"), nil })
	if err != nil {
		t.Fatal(err)
	}
	names := func(fs []NamedFile) (out []string) {
		for _, f := range fs {
			out = append(out, f.Name)
		}
		return out
	}
	if got := strings.Join(names(taken), " "); got != "a.geojson d.geojson" {
		t.Errorf("taken %q", got)
	}
	if got := strings.Join(names(rest), " "); got != "b.csv c.geojson" {
		t.Errorf("rest %q", got)
	}
	bad := errors.New("unreadable")
	if _, _, err := SplitFiles(files, func(NamedFile) (bool, error) { return false, bad }); !errors.Is(err, bad) {
		t.Errorf("error %v, want %v", err, bad)
	}
}
