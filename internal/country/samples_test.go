package country_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/testkit"
)

// Every country name in the reference files built into refdata must resolve to the
// code the file gives beside it: these are the spellings real data uses.
func TestSharedNamesResolve(t *testing.T) {
	files := []struct {
		path       []string
		name, code string
	}{
		{[]string{"ilab_goods_list.csv"}, "country", "iso2"},
		{[]string{"ilab_findings_2022_countries.csv"}, "country", "iso2"},
		{[]string{"gsi_2023_prevalence_clean.csv"}, "country", "iso2"},
		{[]string{"eudr_country_benchmark_2025.csv"}, "name", "iso2"},
	}
	for _, f := range files {
		t.Run(filepath.Base(filepath.Join(f.path...)), func(t *testing.T) {
			for _, row := range readCSV(t, filepath.Join(append([]string{testkit.RepoRoot(t), "internal", "refdata", "data"}, f.path...)...)) {
				name, code := row[f.name], row[f.code]
				c, err := country.Lookup(name)
				if err != nil {
					t.Errorf("%q: %v", name, err)
					continue
				}
				if c.Alpha2 != code {
					t.Errorf("%q resolved to %s, the file says %s", name, c.Alpha2, code)
				}
			}
		})
	}
}

// Every country cell of the Open Supply Hub sample lists resolves.
func TestSharedFacilityListsResolve(t *testing.T) {
	dir := testkit.Data(t, "samples", "osh", "list_files")
	paths, err := filepath.Glob(filepath.Join(dir, "*.csv"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no facility lists in %s: %v", dir, err)
	}
	for _, p := range paths {
		for i, row := range readCSV(t, p) {
			v := row["country"]
			if strings.TrimSpace(v) == "" {
				continue
			}
			if _, err := country.Lookup(v); err != nil {
				t.Errorf("%s row %d: %v", filepath.Base(p), i+2, err)
			}
		}
	}
}

func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []map[string]string
	for _, rec := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			if i < len(rec) {
				m[strings.ToLower(strings.TrimSpace(h))] = rec[i]
			}
		}
		out = append(out, m)
	}
	return out
}
