package grievance_test

import (
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
)

func TestEvidenceCheck(t *testing.T) {
	proposed, _ := grievance.ParseDay("2026-03-01")
	today, _ := grievance.ParseDay("2026-03-20")
	pdf := &grievance.Attachment{Name: "slip.pdf", MediaType: "application/pdf", Content: []byte("%PDF-1.4")}
	for _, c := range []struct {
		name string
		ev   grievance.Evidence
		want string // empty: accepted
	}{
		{"note and day", grievance.Evidence{Note: "paid", Day: today}, ""},
		{"with a file", grievance.Evidence{Note: "paid", Day: proposed, File: pdf}, ""},
		{"no note", grievance.Evidence{Note: "  ", Day: today}, "say what was done"},
		{"no day", grievance.Evidence{Note: "paid"}, "give the day"},
		{"future", grievance.Evidence{Note: "paid", Day: today.AddDays(1)}, "cannot be in the future"},
		{"before the proposal", grievance.Evidence{Note: "paid", Day: proposed.AddDays(-1)}, "proposed on 2026-03-01"},
		{"note too long", grievance.Evidence{Note: strings.Repeat("x", grievance.MaxMessageBytes+1), Day: today}, "too long"},
		{"empty file", grievance.Evidence{Note: "paid", Day: today, File: &grievance.Attachment{Name: "a.pdf", MediaType: "application/pdf"}}, "between 1 byte"},
	} {
		err := c.ev.Check(proposed, today)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.want != "" && (!kernel.IsCode(err, kernel.Invalid) || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: got %v, want an error saying %q", c.name, err, c.want)
		}
	}
	m := grievance.Remedy{Status: grievance.RemedyAccepted, Proposed: proposed}
	done, err := m.ImplementOn("handler", proposed.AddDays(3))
	if err != nil || done.Implemented != proposed.AddDays(3) || done.Status != grievance.RemedyImplemented {
		t.Fatalf("implemented on a day: %+v %v", done, err)
	}
}
