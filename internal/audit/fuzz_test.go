package audit_test

import (
	"testing"

	"github.com/upstream-platform/upstream/internal/audit"
)

// FuzzParseCheckpoint: checkpoints are typed or pasted by operators.
func FuzzParseCheckpoint(f *testing.F) {
	for _, s := range []string{"1:" + audit.Genesis("").String(), "", "7:", ":abc", "18446744073709551615:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := audit.ParseCheckpoint(s)
		if err != nil {
			return
		}
		back, err := audit.ParseCheckpoint(c.String())
		if err != nil || back != c {
			t.Fatalf("%q parsed to %v which does not round trip", s, c)
		}
	})
}
