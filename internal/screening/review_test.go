package screening

import (
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

func TestReviewDecisions(t *testing.T) {
	clock := &kernel.FixedClock{T: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)}
	e := &Entity{ID: "306", Name: "BANCO NACIONAL DE CUBA", ListName: "ofac-sdn"}
	hit := Hit{Entity: e, MatchedName: e.Name, Score: 0.91, Reasons: []string{"x"}}
	tests := []struct {
		name             string
		status           ReviewStatus
		reason, reviewer string
		wantErr          bool
	}{
		{"confirm", StatusConfirmed, "", "u1", false},
		{"dismiss with reason", StatusDismissed, "different bank, Mexico", "u1", false},
		{"dismiss without reason", StatusDismissed, "  ", "u1", true},
		{"back to pending", StatusPending, "x", "u1", true},
		{"no reviewer", StatusConfirmed, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := NewReviewItem("org", "p1", "Banco Nacional", List{SHA256: "a"}, hit, clock)
			if it.Status != StatusPending || !kernel.ValidID(it.ID) {
				t.Fatalf("new item %+v", it)
			}
			err := it.Decide(tt.status, tt.reason, tt.reviewer, clock)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if err != nil {
				if kernel.ErrorCode(err) != kernel.Invalid || it.Status != StatusPending {
					t.Errorf("failed decision changed the item or has code %v", kernel.ErrorCode(err))
				}
				return
			}
			if it.Status != tt.status || it.Decision.Reviewer != tt.reviewer || !it.Decision.At.Equal(clock.T) {
				t.Errorf("item %+v", it)
			}
			it.Rescreened(List{SHA256: "b"}, Hit{Entity: e, MatchedName: e.Name, Score: 0.95}, clock)
			if !it.Changed || it.Status != tt.status || it.ListSHA != "b" {
				t.Errorf("after rescreen %+v", it)
			}
		})
	}
}
