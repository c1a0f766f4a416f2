package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// TestClosureCalendar: closures are stored, read back by the days they
// overlap, refused when invalid, deleted, and never read or deleted
// through another organisation.
func TestClosureCalendar(t *testing.T) {
	t.Parallel()
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.EarlyWarning()
		t0 := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
		day := func(s string) earlywarning.Day {
			d, err := earlywarning.ParseDay(s)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		eid, err := st.AddClosure(ctx, earlywarning.ClosurePeriod{OrgID: tn.a.ID, From: day("2026-03-30"), To: day("2026-04-02"),
			Kind: earlywarning.Holiday, Label: "Eid al-Fitr", CreatedBy: "admin", CreatedAt: t0})
		if err != nil || eid.ID == "" {
			t.Fatalf("add: %+v %v", eid, err)
		}
		outage, err := st.AddClosure(ctx, earlywarning.ClosurePeriod{OrgID: tn.a.ID, From: day("2026-05-10"), To: day("2026-05-10"),
			Kind: earlywarning.Outage, Subject: "country:BD", Label: "Hotline down", CreatedBy: "admin", CreatedAt: t0})
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []earlywarning.ClosurePeriod{
			{OrgID: tn.a.ID, From: day("2026-04-02"), To: day("2026-04-01"), Kind: earlywarning.Holiday, Label: "x"},
			{OrgID: tn.a.ID, From: day("2026-04-02"), To: day("2026-04-02"), Kind: earlywarning.Open, Label: "x"},
			{OrgID: tn.a.ID, From: day("2026-04-02"), To: day("2026-04-02"), Kind: earlywarning.Holiday, Label: " "},
			{OrgID: tn.a.ID, From: day("2026-01-01"), To: day("2026-12-31"), Kind: earlywarning.Holiday, Label: "year"},
			{OrgID: tn.a.ID, From: day("2026-04-02"), To: day("2026-04-02"), Kind: earlywarning.Holiday, Label: "x", Subject: "planet:mars"},
		} {
			if _, err := st.AddClosure(ctx, bad); !kernel.IsCode(err, kernel.Invalid) {
				t.Errorf("%+v: want invalid, got %v", bad, err)
			}
		}
		got, err := st.Closures(ctx, tn.a.ID, day("2026-04-02"), day("2026-05-10"))
		if err != nil || len(got) != 2 || got[0].ID != eid.ID || got[1].ID != outage.ID {
			t.Fatalf("closures: %+v %v", got, err)
		}
		if g := got[1]; g.Kind != earlywarning.Outage || g.Subject != "country:BD" || g.Label != "Hotline down" || g.From != day("2026-05-10") || !g.CreatedAt.Equal(t0) {
			t.Errorf("read back %+v", g)
		}
		if got, _ := st.Closures(ctx, tn.a.ID, day("2026-04-03"), day("2026-05-09")); len(got) != 0 {
			t.Errorf("closures between the two: %+v", got)
		}
		if got, _ := st.Closures(ctx, tn.b.ID, day("2026-01-01"), day("2026-12-31")); len(got) != 0 {
			t.Errorf("the other organisation read %+v", got)
		}
		if err := st.DeleteClosure(ctx, tn.b.ID, eid.ID); !kernel.IsCode(err, kernel.NotFound) {
			t.Errorf("delete through the other organisation: %v", err)
		}
		if err := st.DeleteClosure(ctx, tn.a.ID, eid.ID); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteClosure(ctx, tn.a.ID, eid.ID); !kernel.IsCode(err, kernel.NotFound) {
			t.Errorf("second delete: %v", err)
		}
		if got, _ := st.Closures(ctx, tn.a.ID, day("2026-01-01"), day("2026-12-31")); len(got) != 1 || got[0].ID != outage.ID {
			t.Errorf("after delete: %+v", got)
		}
	})
}
