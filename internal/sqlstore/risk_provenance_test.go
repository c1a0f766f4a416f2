package sqlstore_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// The data statements of the provenance migration, run on parties stored
// the way imports stored them before it: a facility from a sector list
// with the sector's goods as commodities, and a party with declared goods.
// The first has its goods marked inferred, the second keeps them declared,
// and the organisation waits for a recompute until it is done.
func TestRiskProvenanceMigrationData(t *testing.T) {
	sql, err := os.ReadFile("migrations/0023_risk_provenance.sql")
	if err != nil {
		t.Fatal(err)
	}
	var data []string
	for _, st := range strings.Split(string(sql), ";") {
		var lines []string
		for _, l := range strings.Split(st, "\n") {
			if !strings.HasPrefix(strings.TrimSpace(l), "--") {
				lines = append(lines, l)
			}
		}
		st = strings.TrimSpace(strings.Join(lines, "\n"))
		if strings.HasPrefix(st, "UPDATE") || strings.HasPrefix(st, "INSERT") {
			data = append(data, st)
		}
	}
	if len(data) != 2 {
		t.Fatalf("want the migration's UPDATE and INSERT, found %d statements", len(data))
	}
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.SupplyChain()
		old := supplychain.Party{ID: supplychain.RefID("OSH"), Name: "Shenzhen Garment Factory", Kind: supplychain.KindFacility, Country: "CN",
			Commodities: []string{"garments", "textiles", "thread-yarn", "cotton"}, Attributes: map[string]string{"sector": "Apparel"}}
		declared := supplychain.Party{ID: supplychain.RefID("D"), Name: "Declared Cocoa", Kind: supplychain.KindCompany, Country: "CI",
			Commodities: []string{"cocoa"}, Attributes: map[string]string{"contract": "K-1"}}
		if err := st.UpsertParties(ctx, tn.a.ID, []supplychain.Party{old, declared}); err != nil {
			t.Fatal(err)
		}
		// Imports now mark their organisation for a recompute themselves;
		// the migration ran on data stored before they did.
		if err := db.ExecForTest(ctx, "DELETE FROM risk_recompute"); err != nil {
			t.Fatal(err)
		}
		for _, q := range data {
			if err := db.ExecForTest(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		got, err := st.GetParty(ctx, tn.a.ID, old.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.InferredCommodities, old.Commodities) || got.InferredFrom != "sector" {
			t.Errorf("sector list party: inferred %v from %q, want all its goods from the sector", got.InferredCommodities, got.InferredFrom)
		}
		if got, _ := st.GetParty(ctx, tn.a.ID, declared.ID); len(got.InferredCommodities) != 0 {
			t.Errorf("declared party marked inferred: %v", got.InferredCommodities)
		}
		pending, err := st.PendingRecomputes(ctx)
		if err != nil || !slices.Equal(pending, []string{tn.a.ID}) {
			t.Fatalf("pending = %v, %v; want the organisation with parties only", pending, err)
		}
		if err := st.RecomputeDone(ctx, tn.a.ID); err != nil {
			t.Fatal(err)
		}
		if pending, _ := st.PendingRecomputes(ctx); len(pending) != 0 {
			t.Errorf("still pending after the recompute: %v", pending)
		}
	})
}
