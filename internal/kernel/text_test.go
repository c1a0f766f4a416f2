package kernel

import (
	"encoding/json"
	"testing"
	"time"
)

// A Text reads as the English sentence it stands for, nested texts and
// days included, and is stored as that sentence.
func TestTextReadsAsEnglish(t *testing.T) {
	said := Say("answered %q on %v", Plain("yes"), time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC))
	detail := Say("%v with %d document(s) (%v)", said, 2, Say("%.0f months old", 3.0))
	want := `answered "yes" on 2026-03-04 with 2 document(s) (3 months old)`
	if got := detail.String(); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if got := Plain("100% traced").String(); got != "100% traced" {
		t.Errorf("a fixed sentence with a per cent sign: %q", got)
	}
	b, err := json.Marshal(struct{ Detail Text }{detail})
	if err != nil || string(b) != `{"Detail":"answered \"yes\" on 2026-03-04 with 2 document(s) (3 months old)"}` {
		t.Fatalf("stored as %s, %v", b, err)
	}
	var back struct{ Detail Text }
	if err := json.Unmarshal(b, &back); err != nil || back.Detail.String() != want {
		t.Fatalf("read back %q, %v", back.Detail, err)
	}
	if !(Text{}).IsZero() || detail.IsZero() {
		t.Error("IsZero")
	}
}
