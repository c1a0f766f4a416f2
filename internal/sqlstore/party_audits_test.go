package sqlstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

func TestPartyAudits(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.SupplyChain()
		ps, _ := seedChain(t, st, tn.a.ID)
		coop, farm := ps[2].ID, ps[3].ID
		sa := ingest.Audit{Line: 2, Scheme: "SA8000", Date: day("2026-03-02"), Outcome: ingest.AuditPassed, Result: "certified", Expiry: day("2029-03-01")}
		bsci := ingest.Audit{Line: 3, Scheme: "amfori BSCI", Date: day("2025-11-20"), Outcome: ingest.AuditFailed, Result: "D",
			Findings: map[string]int{"forced labour": 2, "wages": 1}}
		smeta := ingest.Audit{Line: 4, Scheme: "SMETA", Date: day("2024-05-01"), Outcome: ingest.AuditUnrated}
		write := func(fn func(w assessment.AuditWriter) error) error {
			return st.Import(ctx, tn.a.ID, func(w supplychain.ImportWriter) error { return fn(w.(assessment.AuditWriter)) })
		}
		if err := write(func(w assessment.AuditWriter) error {
			for _, a := range []struct {
				party string
				a     ingest.Audit
			}{{coop, sa}, {coop, bsci}, {farm, smeta}} {
				if err := w.Audit(a.party, "audits.csv", a.a); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		got, err := st.PartyAudits(ctx, tn.a.ID)
		if err != nil {
			t.Fatal(err)
		}
		withParty := func(id string, as ...ingest.Audit) []ingest.Audit {
			for i := range as {
				as[i].Supplier = id
			}
			return as
		}
		want := map[string][]ingest.Audit{coop: withParty(coop, bsci, sa), farm: withParty(farm, smeta)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("stored audits (-want +got):\n%s", diff)
		}
		// The same party, scheme and date again replaces the audit; a
		// failed import stores nothing.
		sa2 := sa
		sa2.Outcome, sa2.Result = ingest.AuditFailed, "suspended"
		boom := errors.New("a later file failed")
		if err := write(func(w assessment.AuditWriter) error {
			if err := w.Audit(coop, "audits.csv", sa2); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Fatalf("failed import: %v", err)
		}
		if err := write(func(w assessment.AuditWriter) error { return w.Audit(farm, "again.csv", smeta) }); err != nil {
			t.Fatal(err)
		}
		if err := write(func(w assessment.AuditWriter) error { return w.Audit(coop, "new.csv", sa2) }); err != nil {
			t.Fatal(err)
		}
		of, err := st.AuditsOf(ctx, tn.a.ID, coop)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(withParty(coop, bsci, sa2), of); diff != "" {
			t.Errorf("audits of the cooperative after a replacement (-want +got):\n%s", diff)
		}
		if other, err := st.PartyAudits(ctx, tn.b.ID); err != nil || len(other) != 0 {
			t.Errorf("the other organisation sees %v, %v", other, err)
		}
	})
}
