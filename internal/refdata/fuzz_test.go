package refdata_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/refdata"
)

// FuzzLoadFromFile feeds arbitrary bytes to every dataset parser: an
// operator file must either load or fail with an invalid-input error.
func FuzzLoadFromFile(f *testing.F) {
	f.Add(uint8(0), []byte("iso2,eudr_risk,basis\nNA,low,x\n"))
	f.Add(uint8(1), []byte("iso2,prevalence_per_1000,estimated_people_in_modern_slavery,population\nFR,1.5,3,\"4\"\n"))
	f.Add(uint8(2), []byte("iso2,good,sector,child_labor,forced_labor,forced_child_labor,derived_labor_exploitation,derived_country\nCI,Cocoa,A,Yes,Yes,No,No,No\n"))
	f.Add(uint8(3), []byte("commodity\ncocoa\n"))
	f.Add(uint8(4), []byte("iso2,advancement_level,children_work_age_range,pct_working_children,working_children_count,c138_ratified,c182_ratified,palermo_ratified\nXK,x,5-14,Unavailable,,N/A,N/A,N/A\n"))
	f.Add(uint8(0), []byte("\ufeffiso2,eudr_risk,basis\n\"FR\",\"low\"\"\",x"))
	ids := refdata.IDs()
	s, err := refdata.Default()
	if err != nil {
		f.Fatal(err)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		path := filepath.Join(dir, "in.csv")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		err := s.LoadFromFile(ids[int(which)%len(ids)], path)
		if err != nil && !kernel.IsCode(err, kernel.Invalid) {
			t.Fatalf("error of category %s: %v", kernel.ErrorCode(err), err)
		}
	})
}
