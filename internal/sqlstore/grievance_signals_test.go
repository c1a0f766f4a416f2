package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

func TestGrievanceDayCountsAndIdempotentSignals(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newGrievanceFixture(t, db)
		for _, n := range []string{"one", "two", "three"} {
			f.submit(t, f.tn.a.ID, n)
		}
		day := t0.Format(time.DateOnly)
		counts, err := f.st.GrievanceDayCounts(ctx, f.tn.a.ID, day, day)
		if err != nil {
			t.Fatal(err)
		}
		got := map[earlywarning.Subject]int{}
		for _, c := range counts {
			if c.Day != day {
				t.Errorf("count on day %s", c.Day)
			}
			got[c.Subject] = c.Count
		}
		want := map[earlywarning.Subject]int{
			{Kind: earlywarning.SubjectCountry, ID: "BD"}:                    3,
			{Kind: earlywarning.SubjectCategory, ID: "debt_bondage"}:         3,
			{Kind: earlywarning.SubjectCategory, ID: "withholding_of_wages"}: 3,
		}
		for s, n := range want {
			if got[s] != n {
				t.Errorf("%v: %d, want %d (all: %v)", s, got[s], n, got)
			}
		}
		// Organisation B sees nothing of A's counts.
		if other, _ := f.st.GrievanceDayCounts(ctx, f.tn.b.ID, day, day); len(other) != 0 {
			t.Errorf("org B counts: %v", other)
		}
		ew := db.EarlyWarning()
		sig := earlywarning.Signal{ID: "gc-test", OrgID: f.tn.a.ID, Kind: earlywarning.KindGrievanceCount,
			Subject: earlywarning.Subject{Kind: earlywarning.SubjectCountry, ID: "BD"}, At: t0.Truncate(24 * time.Hour), Value: 3, Source: "test"}
		for range 2 {
			if err := ew.PutSignals(ctx, []earlywarning.Signal{sig}); err != nil {
				t.Fatal(err)
			}
		}
		stored, err := ew.Signals(ctx, f.tn.a.ID, earlywarning.KindGrievanceCount, t0.Add(-48*time.Hour), t0.Add(48*time.Hour))
		if err != nil || len(stored) != 1 {
			t.Fatalf("signals after sending twice: %d %v", len(stored), err)
		}
	})
}
