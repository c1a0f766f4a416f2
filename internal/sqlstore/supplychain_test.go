package sqlstore_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/commodity"
	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

func fp(v float64) *float64 { return &v }

// cocoaChain is a small chain: grinder G supplies the reporting
// organisation; trader T buys from cooperative C and farm F; C buys from F.
func cocoaChain() ([]supplychain.Party, []supplychain.Link) {
	mk := func(ref, name, country string, kind supplychain.Kind, comm ...string) supplychain.Party {
		return supplychain.Party{ID: supplychain.RefID(ref), Ref: ref, Name: name, Kind: kind, Country: country, Commodities: comm}
	}
	g := mk("G", "Grinder Europe B.V.", "NL", supplychain.KindCompany, "cocoa")
	g.Attributes = map[string]string{"contract": "K-17"}
	tr := mk("T", "Abidjan Trading SARL", "CI", supplychain.KindTrader, "cocoa", "coffee")
	tr.LEI = "5493001KJTIIGC8Y1R12"
	c := mk("C", "Coopérative Soubré", "CI", supplychain.KindCooperative, "cocoa")
	c.Lat, c.Lng, c.Workers, c.Region, c.Address = fp(5.78), fp(-6.6), 420, "Nawa", "BP 12, Soubré"
	c.UnknownCommodities = []string{"shea butter"}
	f := mk("F", "Kouassi Farm", "CI", supplychain.KindFarm, "cocoa")
	f.GLN, f.OSID = "0614141003006", "CI2026000AAA"
	f.InferredCommodities, f.InferredFrom = []string{"cocoa"}, "name"
	ps := []supplychain.Party{g, tr, c, f}
	ls := []supplychain.Link{
		{Buyer: supplychain.Reporting, Supplier: g.ID, Commodity: "cocoa", Share: fp(0.6)},
		{Buyer: g.ID, Supplier: tr.ID, Commodity: "cocoa"},
		{Buyer: tr.ID, Supplier: c.ID, Commodity: "cocoa", Share: fp(0.3)},
		{Buyer: tr.ID, Supplier: f.ID, Commodity: "cocoa", Share: fp(0.1)},
		{Buyer: c.ID, Supplier: f.ID, Commodity: "cocoa", Share: fp(1)},
	}
	return ps, ls
}

func seedChain(t *testing.T, st *sqlstore.SupplyChain, orgID string) ([]supplychain.Party, []supplychain.Link) {
	t.Helper()
	ctx := context.Background()
	ps, ls := cocoaChain()
	if err := st.UpsertParties(ctx, orgID, ps); err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertLinks(ctx, orgID, ls); err != nil {
		t.Fatal(err)
	}
	return ps, ls
}

func TestSupplyChainRoundTrip(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.SupplyChain()
		ps, ls := seedChain(t, st, tn.a.ID)
		for _, want := range ps {
			got, err := st.GetParty(ctx, tn.a.ID, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("GetParty(%s) mismatch (-want +got):\n%s", want.Ref, diff)
			}
		}
		sup, buy, err := st.PartyLinks(ctx, tn.a.ID, ps[1].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(sup) != 2 || len(buy) != 1 || buy[0].Buyer != ps[0].ID {
			t.Errorf("PartyLinks(T) = %d suppliers, %d buyers (%+v)", len(sup), len(buy), buy)
		}
		gps, gls, err := st.Graph(ctx, tn.a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(gps) != len(ps) || len(gls) != len(ls) {
			t.Fatalf("Graph = %d parties, %d links; want %d, %d", len(gps), len(gls), len(ps), len(ls))
		}
		if _, err := st.GetParty(ctx, tn.a.ID, supplychain.RefID("nobody")); !kernel.IsCode(err, kernel.NotFound) {
			t.Errorf("GetParty(unknown) = %v, want not found", err)
		}
	})
}

// stored is everything stored for an organisation, risk included.
type stored struct {
	Register []supplychain.RegisterEntry
	Links    []string
}

func dump(t *testing.T, st *sqlstore.SupplyChain, orgID string) stored {
	t.Helper()
	ctx := context.Background()
	reg, _, err := st.Register(ctx, orgID, supplychain.RegisterFilter{}, supplychain.SortName, kernel.Page{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	_, ls, err := st.Graph(ctx, orgID)
	if err != nil {
		t.Fatal(err)
	}
	var links []string
	for _, l := range ls {
		share := "nil"
		if l.Share != nil {
			share = fmt.Sprint(*l.Share)
		}
		links = append(links, fmt.Sprintf("%s<-%s/%s:%s", l.Buyer, l.Supplier, l.Commodity, share))
	}
	return stored{reg, links}
}

func TestSupplyChainIdempotent(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.SupplyChain()
		ps, ls := seedChain(t, st, tn.a.ID)
		before := dump(t, st, tn.a.ID)
		seedChain(t, st, tn.a.ID)
		if diff := cmp.Diff(before, dump(t, st, tn.a.ID)); diff != "" {
			t.Fatalf("importing the same data twice changed the rows (-before +after):\n%s", diff)
		}
		// A changed party replaces the stored one, commodities included.
		p := ps[1]
		p.Name, p.Commodities = "Abidjan Trading SA", []string{"coffee"}
		l := ls[1]
		l.Share = fp(0.5)
		if err := st.UpsertParties(ctx, tn.a.ID, []supplychain.Party{p}); err != nil {
			t.Fatal(err)
		}
		if err := st.UpsertLinks(ctx, tn.a.ID, []supplychain.Link{l, l}); err != nil {
			t.Fatal(err)
		}
		got, err := st.GetParty(ctx, tn.a.ID, p.ID)
		if err != nil || got.Name != p.Name {
			t.Fatalf("updated party = %+v, %v", got, err)
		}
		list, n, err := st.ListParties(ctx, tn.a.ID, supplychain.PartyFilter{Commodity: "coffee"}, kernel.Page{})
		if err != nil || n != 1 || list[0].ID != p.ID {
			t.Fatalf("coffee parties = %d %v", n, err)
		}
		if _, n, _ := st.ListParties(ctx, tn.a.ID, supplychain.PartyFilter{Commodity: "cocoa"}, kernel.Page{}); n != 3 {
			t.Errorf("cocoa parties after the trader dropped cocoa = %d, want 3", n)
		}
		_, gls, _ := st.Graph(ctx, tn.a.ID)
		if len(gls) != len(ls) {
			t.Errorf("links = %d after a share update, want %d", len(gls), len(ls))
		}
	})
}

func TestSupplyChainListParties(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.SupplyChain()
		seedChain(t, st, tn.a.ID)
		tests := []struct {
			name   string
			filter supplychain.PartyFilter
			page   kernel.Page
			want   []string // refs, in order
			total  int
		}{
			{"all by name", supplychain.PartyFilter{}, kernel.Page{}, []string{"T", "C", "G", "F"}, 4},
			{"country", supplychain.PartyFilter{Country: "NL"}, kernel.Page{}, []string{"G"}, 1},
			{"commodity", supplychain.PartyFilter{Commodity: "coffee"}, kernel.Page{}, []string{"T"}, 1},
			{"kind", supplychain.PartyFilter{Kind: supplychain.KindFarm}, kernel.Page{}, []string{"F"}, 1},
			{"name prefix folded", supplychain.PartyFilter{NamePrefix: "COOPERATIVE sou"}, kernel.Page{}, []string{"C"}, 1},
			{"name prefix several", supplychain.PartyFilter{NamePrefix: "k"}, kernel.Page{}, []string{"F"}, 1},
			{"page", supplychain.PartyFilter{}, kernel.Page{Limit: 2, Offset: 1}, []string{"C", "G"}, 4},
			{"past the end", supplychain.PartyFilter{}, kernel.Page{Limit: 2, Offset: 10}, nil, 4},
			{"no match", supplychain.PartyFilter{Country: "BR"}, kernel.Page{}, nil, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				list, total, err := st.ListParties(ctx, tn.a.ID, tt.filter, tt.page)
				if err != nil {
					t.Fatal(err)
				}
				var refs []string
				for _, p := range list {
					refs = append(refs, p.Ref)
				}
				if diff := cmp.Diff(tt.want, refs); diff != "" || total != tt.total {
					t.Errorf("ListParties = %v (total %d), want %v (total %d)", refs, total, tt.want, tt.total)
				}
			})
		}
	})
}

func TestSupplyChainBadInputWritesNothing(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.SupplyChain()
		ps, _ := cocoaChain()
		ghost := supplychain.RefID("ghost")
		tests := []struct {
			name  string
			call  func() error
			code  kernel.Code
			empty bool
		}{
			{"invalid party", func() error {
				return st.UpsertParties(ctx, tn.a.ID, []supplychain.Party{ps[0], {ID: "x"}})
			}, kernel.Invalid, true},
			{"unknown organisation", func() error {
				return st.UpsertParties(ctx, kernel.NewID(), ps)
			}, kernel.NotFound, true},
			{"link to unknown supplier", func() error {
				return st.Import(ctx, tn.a.ID, func(w supplychain.ImportWriter) error {
					w.Party(ps[0])
					return w.Link(supplychain.Link{Buyer: ps[0].ID, Supplier: ghost})
				})
			}, kernel.NotFound, true},
			{"link to unknown buyer", func() error {
				return st.Import(ctx, tn.a.ID, func(w supplychain.ImportWriter) error {
					w.Party(ps[0])
					return w.Link(supplychain.Link{Buyer: ghost, Supplier: ps[0].ID})
				})
			}, kernel.NotFound, true},
			{"share above 1", func() error {
				return st.UpsertLinks(ctx, tn.a.ID, []supplychain.Link{{Supplier: ps[0].ID, Share: fp(1.5)}})
			}, kernel.Invalid, true},
			{"risk for unknown party", func() error {
				return st.SaveRisk(ctx, tn.a.ID, sqlstore.RiskRows([]supplychain.PartyRisk{{ID: ghost, Level: "low"}}))
			}, kernel.NotFound, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := tt.call()
				if !kernel.IsCode(err, tt.code) {
					t.Fatalf("err = %v (%s), want %s", err, kernel.ErrorCode(err), tt.code)
				}
				if _, n, _ := st.ListParties(ctx, tn.a.ID, supplychain.PartyFilter{}, kernel.Page{}); n != 0 {
					t.Errorf("%d parties stored after a failed call", n)
				}
			})
		}
	})
}

func TestSupplyChainRegister(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.SupplyChain()
		ps, _ := seedChain(t, st, tn.a.ID)
		risks := []supplychain.PartyRisk{
			{ID: ps[0].ID, Tier: 1, Inherent: 5, Own: 5, Exposure: 40, Level: "medium"},
			{ID: ps[1].ID, Tier: 2, Inherent: 30, Own: 30, Exposure: 55, Level: "high",
				Factors:    []supplychain.Factor{{Kind: "inherent", Source: "ILAB", Edition: "2022", Indicator: "child labour", Value: "cocoa from Côte d'Ivoire listed", Points: 30, Contribution: 30}},
				Confidence: 0.75, Missing: []string{"data on 1 of 2 direct suppliers"}},
			{ID: ps[2].ID, Tier: 3, Inherent: 50, Signals: 20, Own: 60, Exposure: 70, Level: "high"},
			{ID: ps[3].ID, Tier: 3, Inherent: 50, Own: 50, Exposure: 50, Level: "high"},
		}
		// Stored as the recompute stores it: unknown is a level like the
		// others, and confidence and missing data come back as saved.
		risks[3].Level, risks[3].Confidence, risks[3].Missing = "unknown", 0.5, []string{"country"}
		if err := st.SaveRisk(ctx, tn.a.ID, sqlstore.RiskRows(risks)); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name   string
			filter supplychain.RegisterFilter
			sort   supplychain.RegisterSort
			page   kernel.Page
			want   []string
			total  int
		}{
			{"by exposure", supplychain.RegisterFilter{}, "", kernel.Page{}, []string{"C", "T", "F", "G"}, 4},
			{"by name", supplychain.RegisterFilter{}, supplychain.SortName, kernel.Page{}, []string{"T", "C", "G", "F"}, 4},
			{"by country, then name", supplychain.RegisterFilter{}, supplychain.SortCountry, kernel.Page{}, []string{"T", "C", "F", "G"}, 4},
			{"by tier, nearest first", supplychain.RegisterFilter{}, supplychain.SortTier, kernel.Page{}, []string{"G", "T", "C", "F"}, 4},
			{"by inherent risk", supplychain.RegisterFilter{Level: "high"}, supplychain.SortInherent, kernel.Page{}, []string{"C", "T"}, 2},
			{"by signals", supplychain.RegisterFilter{Tier: 3}, supplychain.SortSignals, kernel.Page{}, []string{"C", "F"}, 2},
			{"by level, most severe first", supplychain.RegisterFilter{}, supplychain.SortLevel, kernel.Page{}, []string{"C", "T", "G", "F"}, 4},
			{"by level, a page", supplychain.RegisterFilter{}, supplychain.SortLevel, kernel.Page{Limit: 2, Offset: 2}, []string{"G", "F"}, 4},
			{"tier", supplychain.RegisterFilter{Tier: 3}, "", kernel.Page{}, []string{"C", "F"}, 2},
			{"level", supplychain.RegisterFilter{Level: "medium"}, "", kernel.Page{}, []string{"G"}, 1},
			{"unknown level", supplychain.RegisterFilter{Level: "unknown"}, "", kernel.Page{}, []string{"F"}, 1},
			{"unknown level by name", supplychain.RegisterFilter{Level: "unknown"}, supplychain.SortName, kernel.Page{}, []string{"F"}, 1},
			{"country and commodity", supplychain.RegisterFilter{Country: "CI", Commodity: "cocoa"}, "", kernel.Page{}, []string{"C", "T", "F"}, 3},
			{"page", supplychain.RegisterFilter{}, "", kernel.Page{Limit: 2, Offset: 2}, []string{"F", "G"}, 4},
			{"name prefix", supplychain.RegisterFilter{NamePrefix: "COOP"}, "", kernel.Page{}, []string{"C"}, 1},
			{"name prefix and tier", supplychain.RegisterFilter{NamePrefix: "k", Tier: 3}, "", kernel.Page{}, []string{"F"}, 1},
			{"name prefix and another tier", supplychain.RegisterFilter{NamePrefix: "k", Tier: 2}, "", kernel.Page{}, nil, 0},
			{"name prefix and level", supplychain.RegisterFilter{NamePrefix: "a", Level: "high"}, supplychain.SortName, kernel.Page{}, []string{"T"}, 1},
			{"name prefix, country and commodity", supplychain.RegisterFilter{NamePrefix: "kouassi f", Country: "CI", Commodity: "cocoa"}, "", kernel.Page{}, []string{"F"}, 1},
			{"name prefix matching none", supplychain.RegisterFilter{NamePrefix: "zz"}, "", kernel.Page{}, nil, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				list, total, err := st.Register(ctx, tn.a.ID, tt.filter, tt.sort, tt.page)
				if err != nil {
					t.Fatal(err)
				}
				var refs []string
				for _, e := range list {
					refs = append(refs, e.Party.Ref)
				}
				if diff := cmp.Diff(tt.want, refs); diff != "" || total != tt.total {
					t.Errorf("Register = %v (total %d), want %v (total %d)", refs, total, tt.want, tt.total)
				}
			})
		}
		list, _, _ := st.Register(ctx, tn.a.ID, supplychain.RegisterFilter{Tier: 2}, "", kernel.Page{})
		if diff := cmp.Diff(risks[1], list[0].Risk); diff != "" {
			t.Errorf("stored risk mismatch (-want +got):\n%s", diff)
		}
		list, _, _ = st.Register(ctx, tn.a.ID, supplychain.RegisterFilter{Level: "unknown"}, "", kernel.Page{})
		if len(list) != 1 || cmp.Diff(risks[3], list[0].Risk) != "" || cmp.Diff(ps[3], list[0].Party) != "" {
			t.Errorf("unknown party read back as %+v", list)
		}
		if _, _, err := st.Register(ctx, tn.a.ID, supplychain.RegisterFilter{}, "colour", kernel.Page{}); !kernel.IsCode(err, kernel.Invalid) {
			t.Errorf("unknown sort: err = %v, want invalid", err)
		}
	})
}

// TestSupplyChainRegisterUnscored checks that a party imported since the
// last recompute stays out of the register's pages and totals, in every
// order, but is found by a name search, with no risk.
func TestSupplyChainRegisterUnscored(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.SupplyChain()
		ps, _ := seedChain(t, st, tn.a.ID)
		scored := []supplychain.PartyRisk{
			{ID: ps[0].ID, Tier: 1, Exposure: 40, Level: "medium"},
			{ID: ps[1].ID, Tier: 2, Exposure: 55, Level: "high"},
			{ID: ps[2].ID, Tier: 3, Exposure: 70, Level: "high"},
		}
		if err := st.SaveRisk(ctx, tn.a.ID, sqlstore.RiskRows(scored)); err != nil {
			t.Fatal(err)
		}
		for _, sortBy := range []supplychain.RegisterSort{supplychain.SortExposure, supplychain.SortName} {
			list, total, err := st.Register(ctx, tn.a.ID, supplychain.RegisterFilter{}, sortBy, kernel.Page{})
			if err != nil || total != 3 || len(list) != 3 {
				t.Errorf("Register by %s = %d rows, total %d, %v; want the 3 scored parties", sortBy, len(list), total, err)
			}
		}
		list, total, err := st.Register(ctx, tn.a.ID, supplychain.RegisterFilter{NamePrefix: "Kouassi"}, "", kernel.Page{})
		if err != nil || total != 1 || len(list) != 1 {
			t.Fatalf("name search for the unscored farm = %d rows, total %d, %v", len(list), total, err)
		}
		if got := list[0]; got.Party.ID != ps[3].ID || got.Risk.Level != "" || got.Risk.Exposure != 0 {
			t.Errorf("unscored farm = %+v, want it with no risk", got)
		}
	})
}

// TestSupplyChainRegisterFollowsChanges checks that the register stays
// right when an import or a recompute leaves rows as they are: the same
// file imported again keeps every party in the register, a party whose
// commodities change leaves the register until the recompute writes it
// again under its new commodities (even when its risk has not changed),
// and a recompute writes every changed score.
func TestSupplyChainRegisterFollowsChanges(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.SupplyChain()
		ps, _ := seedChain(t, st, tn.a.ID)
		risks := []supplychain.PartyRisk{
			{ID: ps[0].ID, Tier: 1, Inherent: 5, Own: 5, Exposure: 40, Level: "medium"},
			{ID: ps[1].ID, Tier: 2, Inherent: 30, Own: 30, Exposure: 55, Level: "high"},
			{ID: ps[2].ID, Tier: 3, Inherent: 50, Signals: 20, Own: 60, Exposure: 70, Level: "high"},
			{ID: ps[3].ID, Tier: 3, Inherent: 50, Own: 50, Exposure: 50, Level: "high"},
		}
		save := func() {
			t.Helper()
			if err := st.SaveRisk(ctx, tn.a.ID, sqlstore.RiskRows(risks)); err != nil {
				t.Fatal(err)
			}
		}
		refs := func(f supplychain.RegisterFilter) []string {
			t.Helper()
			list, total, err := st.Register(ctx, tn.a.ID, f, "", kernel.Page{})
			if err != nil {
				t.Fatal(err)
			}
			out := []string{}
			for _, e := range list {
				out = append(out, e.Party.Ref+":"+e.Risk.Level)
			}
			if total != len(list) {
				t.Errorf("Register(%+v) total %d for %d rows", f, total, len(list))
			}
			return out
		}
		cocoa := supplychain.RegisterFilter{Commodity: "cocoa"}
		coffee := supplychain.RegisterFilter{Commodity: "coffee"}
		save()
		want := []string{"C:high", "T:high", "F:high", "G:medium"}
		if diff := cmp.Diff(want, refs(cocoa)); diff != "" {
			t.Fatalf("cocoa register (-want +got):\n%s", diff)
		}
		before := dump(t, st, tn.a.ID)

		seedChain(t, st, tn.a.ID)
		if diff := cmp.Diff(before, dump(t, st, tn.a.ID)); diff != "" {
			t.Errorf("the same file imported again changed the register before any recompute (-before +after):\n%s", diff)
		}
		save()
		if diff := cmp.Diff(before, dump(t, st, tn.a.ID)); diff != "" {
			t.Errorf("the same risk saved again changed the register (-before +after):\n%s", diff)
		}

		trader := ps[1]
		trader.Commodities = []string{"coffee"}
		if err := st.UpsertParties(ctx, tn.a.ID, []supplychain.Party{trader}); err != nil {
			t.Fatal(err)
		}
		if got := refs(coffee); len(got) != 0 {
			t.Errorf("coffee register before the recompute = %v, want empty", got)
		}
		save() // the same risk: only the trader's register keys are to be written
		if diff := cmp.Diff([]string{"C:high", "F:high", "G:medium"}, refs(cocoa)); diff != "" {
			t.Errorf("cocoa register after the trader dropped cocoa (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"T:high"}, refs(coffee)); diff != "" {
			t.Errorf("coffee register after the trader took up coffee (-want +got):\n%s", diff)
		}

		risks[3].Exposure, risks[3].Level = 90, "critical"
		risks[3].Factors = []supplychain.Factor{{Kind: "signal", Source: "test", Indicator: "audit", Points: 40, Contribution: 40}}
		save()
		if diff := cmp.Diff([]string{"F:critical", "C:high", "G:medium"}, refs(cocoa)); diff != "" {
			t.Errorf("cocoa register after the farm's risk rose (-want +got):\n%s", diff)
		}
		list, _, err := st.Register(ctx, tn.a.ID, supplychain.RegisterFilter{Level: "critical"}, "", kernel.Page{})
		if err != nil || len(list) != 1 {
			t.Fatalf("critical register = %d rows, %v", len(list), err)
		}
		if diff := cmp.Diff(risks[3], list[0].Risk); diff != "" {
			t.Errorf("stored risk mismatch (-want +got):\n%s", diff)
		}
	})
}

// TestSupplyChainTenantIsolation checks every organisation-scoped method:
// what one organisation stores is invisible to, and cannot be changed
// through, another, even where content-derived ids are the same.
func TestSupplyChainTenantIsolation(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.SupplyChain()
		ps, _ := seedChain(t, st, tn.a.ID)
		a, b := tn.a.ID, tn.b.ID
		before := dump(t, st, a)
		t.Run("GetParty", func(t *testing.T) {
			if _, err := st.GetParty(ctx, b, ps[0].ID); !kernel.IsCode(err, kernel.NotFound) {
				t.Errorf("err = %v, want not found", err)
			}
		})
		t.Run("ListParties", func(t *testing.T) {
			if list, n, err := st.ListParties(ctx, b, supplychain.PartyFilter{}, kernel.Page{}); err != nil || n != 0 || len(list) != 0 {
				t.Errorf("B sees %d parties (%v)", n, err)
			}
		})
		t.Run("PartyLinks", func(t *testing.T) {
			if _, _, err := st.PartyLinks(ctx, b, ps[1].ID); !kernel.IsCode(err, kernel.NotFound) {
				t.Errorf("err = %v, want not found", err)
			}
		})
		t.Run("Graph", func(t *testing.T) {
			if gps, gls, err := st.Graph(ctx, b); err != nil || len(gps)+len(gls) != 0 {
				t.Errorf("B's graph = %d parties, %d links (%v)", len(gps), len(gls), err)
			}
		})
		t.Run("UpsertLinks", func(t *testing.T) {
			err := st.UpsertLinks(ctx, b, []supplychain.Link{{Buyer: ps[0].ID, Supplier: ps[1].ID, Commodity: "cocoa", Share: fp(0.9)}})
			if !kernel.IsCode(err, kernel.NotFound) {
				t.Errorf("linking A's parties from B: err = %v, want not found", err)
			}
		})
		t.Run("SaveRisk", func(t *testing.T) {
			err := st.SaveRisk(ctx, b, sqlstore.RiskRows([]supplychain.PartyRisk{{ID: ps[0].ID, Exposure: 99, Level: "critical"}}))
			if !kernel.IsCode(err, kernel.NotFound) {
				t.Errorf("risk for A's party from B: err = %v, want not found", err)
			}
		})
		t.Run("Register", func(t *testing.T) {
			if list, n, err := st.Register(ctx, b, supplychain.RegisterFilter{}, "", kernel.Page{}); err != nil || n != 0 || len(list) != 0 {
				t.Errorf("B's register has %d rows (%v)", n, err)
			}
		})
		t.Run("Known", func(t *testing.T) {
			err := st.Import(ctx, b, func(w supplychain.ImportWriter) error {
				known, err := w.Known(ps[0].ID)
				if err == nil && known {
					t.Error("B's import knows A's party")
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		})
		t.Run("UpsertParties", func(t *testing.T) {
			// The same content-derived ids in B make B's own rows.
			changed := ps[0]
			changed.Name = "Renamed in B"
			if err := st.UpsertParties(ctx, b, []supplychain.Party{changed}); err != nil {
				t.Fatal(err)
			}
			got, err := st.GetParty(ctx, b, changed.ID)
			if err != nil || got.Name != changed.Name {
				t.Errorf("B's party = %+v, %v", got, err)
			}
		})
		if diff := cmp.Diff(before, dump(t, st, a)); diff != "" {
			t.Errorf("A's data changed through B (-before +after):\n%s", diff)
		}
	})
}

// benchGraph builds a deterministic tiered supply graph of n parties and
// about m links: tier sizes 5/15/30/50%, each link from a supplier one tier
// down, shares drawn at random, and one link in a thousand between two
// tier-2 traders, which makes cycles.
func benchGraph(n, m int) (*risk.Graph, []float64) {
	rng := rand.New(rand.NewPCG(7, 11))
	bounds := []int{0, n * 5 / 100, n * 20 / 100, n * 50 / 100, n}
	links := make([]risk.Link, 0, m)
	seen := make(map[[2]int32]bool, m)
	for len(links) < m {
		t := rng.IntN(3) // buyer tier index 0..2
		buyer := int32(bounds[t] + rng.IntN(bounds[t+1]-bounds[t]))
		supplier := int32(bounds[t+1] + rng.IntN(bounds[t+2]-bounds[t+1]))
		if rng.IntN(1000) == 0 {
			supplier = int32(bounds[1] + rng.IntN(bounds[2]-bounds[1]))
			buyer = int32(bounds[1] + rng.IntN(bounds[2]-bounds[1]))
		}
		k := [2]int32{buyer, supplier}
		if buyer == supplier || seen[k] {
			continue
		}
		seen[k] = true
		links = append(links, risk.Link{Buyer: buyer, Supplier: supplier, Share: float32(rng.Float64())})
	}
	g, err := risk.NewGraph(n, links)
	if err != nil {
		panic(err)
	}
	own := make([]float64, n)
	for i := range own {
		own[i] = 100 * rng.Float64() * rng.Float64()
	}
	return g, own
}

// recursiveExposure is the exposure computed by a recursive SQL query. The
// propagation rule exposure(b) = 1 - keep(b) x (1 - decay x sum of weight x
// exposure(s)), with keep = 1 - own score, is linear in the suppliers'
// exposures, so it unrolls into a sum over supply paths b = v0 <- v1 <- ...
// <- vk of (1 - keep(vk)) times the product of keep(vi) x decay x weight
// along the path. The query walks every path from every party, cutting a
// path once what it could still add falls under 1e-9 (which also ends
// walks round cycles), and sums per starting party.
const recursiveExposure = `WITH RECURSIVE walk (root, node, mult, depth) AS (
	SELECT id, id, CAST(1 AS DOUBLE PRECISION), 0 FROM bench_party
	UNION ALL
	SELECT w.root, l.supplier, w.mult * p.keep * $1 * l.w, w.depth + 1
	FROM walk w JOIN bench_party p ON p.id = w.node JOIN bench_link l ON l.buyer = w.node
	WHERE w.mult * p.keep * $1 * l.w > 1e-9 AND w.depth < 200
)
SELECT w.root, 100 * sum(w.mult * (1 - p.keep)) FROM walk w JOIN bench_party p ON p.id = w.node GROUP BY w.root`

// BenchmarkPropagationVsRecursiveSQL computes every party's exposure over
// the same graph twice per iteration, in Go (risk.Propagate) and as a
// recursive query in PostgreSQL, checks that they agree, and reports both
// times and their ratio. UPSTREAM_BENCH_PARTIES sets the graph size
// (default 100,000 parties, three links per party).
func BenchmarkPropagationVsRecursiveSQL(b *testing.B) {
	n := 100_000
	if v := os.Getenv("UPSTREAM_BENCH_PARTIES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatalf("UPSTREAM_BENCH_PARTIES: %v", err)
		}
	}
	const decay, tolerance = 0.7, 1e-6
	g, own := benchGraph(n, 3*n)
	dsn := sqltest.DSN(b, sqlstore.Postgres)
	ctx := context.Background()
	pg, err := sql.Open("pgx", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer pg.Close()
	for _, q := range []string{
		"CREATE UNLOGGED TABLE bench_party (id INTEGER PRIMARY KEY, keep DOUBLE PRECISION NOT NULL)",
		"CREATE UNLOGGED TABLE bench_link (buyer INTEGER NOT NULL, supplier INTEGER NOT NULL, w DOUBLE PRECISION NOT NULL)",
	} {
		if _, err := pg.ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	var sb strings.Builder
	flush := func(table string) {
		if sb.Len() == 0 {
			return
		}
		if _, err := pg.ExecContext(ctx, "INSERT INTO "+table+" VALUES "+sb.String()); err != nil {
			b.Fatal(err)
		}
		sb.Reset()
	}
	for i, v := range own {
		if sb.Len() > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, "(%d,%s)", i, strconv.FormatFloat(1-v/100, 'g', -1, 64))
		if i%5000 == 4999 {
			flush("bench_party")
		}
	}
	flush("bench_party")
	// The weights stored are the graph's, after unknown shares are filled
	// and over-full buyers scaled, so both sides walk the same numbers.
	k := 0
	for buyer := range int32(g.Len()) {
		sup, w := g.Suppliers(buyer)
		for j, s := range sup {
			if sb.Len() > 0 {
				sb.WriteString(",")
			}
			fmt.Fprintf(&sb, "(%d,%d,%s)", buyer, s, strconv.FormatFloat(float64(w[j]), 'g', -1, 64))
			if k++; k%5000 == 0 {
				flush("bench_link")
			}
		}
	}
	flush("bench_link")
	for _, q := range []string{"CREATE INDEX bench_link_buyer ON bench_link (buyer)", "ANALYZE bench_party", "ANALYZE bench_link"} {
		if _, err := pg.ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	var goTime, sqlTime time.Duration
	for b.Loop() {
		start := time.Now()
		exp, err := risk.Propagate(g, own, decay, tolerance)
		if err != nil {
			b.Fatal(err)
		}
		goTime += time.Since(start)
		start = time.Now()
		rows, err := pg.QueryContext(ctx, recursiveExposure, decay)
		if err != nil {
			b.Fatal(err)
		}
		worst := 0.0
		got := 0
		for rows.Next() {
			var id int
			var e float64
			if err := rows.Scan(&id, &e); err != nil {
				b.Fatal(err)
			}
			worst = max(worst, math.Abs(e-exp[id]))
			got++
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
		rows.Close()
		sqlTime += time.Since(start)
		if got != n || worst > 1e-3 {
			b.Fatalf("SQL gave %d exposures, largest difference from Go %.2g (0-100 scale)", got, worst)
		}
	}
	iters := float64(b.N)
	b.ReportMetric(goTime.Seconds()*1000/iters, "go-ms")
	b.ReportMetric(sqlTime.Seconds()*1000/iters, "sql-ms")
	b.ReportMetric(sqlTime.Seconds()/goTime.Seconds(), "sql/go")
}

// BenchmarkImportSQLite measures the import path alone, from file to
// committed rows: detection, parsing, normalisation, and the batched
// upserts of parties, their commodities and links in one transaction, into
// a fresh SQLite database. The file has UPSTREAM_BENCH_PARTIES rows
// (default 100,000) shaped like `upstream gen supplychain` output: four
// tiers, two commodities and about 1.7 buyers per row.
// `upstream import` also recomputes risk; BenchmarkImportCommandSQLite in
// package cli measures the two together.
func BenchmarkImportSQLite(b *testing.B) {
	n := 100_000
	if v := os.Getenv("UPSTREAM_BENCH_PARTIES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatalf("UPSTREAM_BENCH_PARTIES: %v", err)
		}
	}
	data := supplierCSV(n)
	opts := ingest.Options{
		Name:    "bench.csv",
		Country: func(raw string) (string, error) { c, err := country.Lookup(raw); return c.Alpha2, err },
		Commodity: func(raw string) (string, bool) {
			c, known := commodity.Normalise(raw)
			return c.ID, known
		},
	}
	ctx := context.Background()
	// The baseline reads the same file into a sink that keeps nothing:
	// detection, parsing and normalisation alone.
	b.Run("baseline-parse-only", func(b *testing.B) {
		var cpu time.Duration
		for b.Loop() {
			cpu0 := cpuTime()
			res, err := ingest.Import(ctx, bytes.NewReader(data), opts, discard{})
			if err != nil || res.Rows != n {
				b.Fatalf("%d rows, %v", res.Rows, err)
			}
			cpu += cpuTime() - cpu0
		}
		reportRows(b, n, cpu)
	})
	// "sqlite" is the import as shipped; "sqlite-no-search" the same
	// import leaving the register search's words unwritten, so that their
	// ratio is what indexing for search costs, measured in one run.
	for _, variant := range []string{"sqlite", "sqlite-no-search"} {
		b.Run(variant, func(b *testing.B) { importSQLite(b, data, opts, n, variant == "sqlite") })
	}
	// The engine floor: SQLite storing exactly the rows one import stored,
	// copied from that import's database by one INSERT ... SELECT per
	// table, into a fresh database with the same schema, indexes, pragmas
	// and foreign keys, with no Go code between rows. The WHERE clauses
	// keep SQLite from its transfer optimisation, which copies the records
	// of an identical table into an empty one as they stand and which no
	// import of a file can use. The links arrive in key order, the
	// cheapest order to insert them in. No import into this schema on this
	// engine can be faster: the floor bounds what any writer, driver or
	// batching change could reach.
	b.Run("engine-floor", func(b *testing.B) { engineFloor(b, data, opts, n) })
}

// importSQLite measures imports of data into a fresh SQLite database,
// with or without writing the register search's words.
func importSQLite(b *testing.B, data []byte, opts ingest.Options, n int, search bool) {
	ctx := context.Background()
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		db := sqltest.Open(b, sqlstore.SQLite)
		if !search {
			db.SkipSearchIndexForTest()
		}
		org := account.Org{ID: kernel.NewID(), Slug: "bench", Name: "bench", CreatedAt: t0}
		if err := db.Accounts().CreateOrg(ctx, org); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		cpu0 := cpuTime()
		err := db.SupplyChain().Import(ctx, org.ID, func(w supplychain.ImportWriter) error {
			res, err := ingest.Import(ctx, bytes.NewReader(data), opts, w)
			if err == nil && res.Rows != n {
				err = fmt.Errorf("%d rows read, want %d", res.Rows, n)
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - cpu0
	}
	reportRows(b, n, cpu)
}

// engineFloor measures SQLite storing exactly the rows one import of data
// stored (see BenchmarkImportSQLite) and reports and returns its rows/s
// and rows/cpu-s.
func engineFloor(b *testing.B, data []byte, opts ingest.Options, n int) rowRates {
	src := newFloorSource(b, data, opts)
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		copyOnce, done := src.prepare(b)
		b.StartTimer()
		_, used := copyOnce()
		cpu += used
		b.StopTimer()
		done()
		b.StartTimer()
	}
	return reportRows(b, n, cpu)
}

// floorSource is a database holding the rows one import of data stores,
// which the floor copies into a fresh database.
type floorSource struct {
	dsn string
	org account.Org
}

func newFloorSource(b *testing.B, data []byte, opts ingest.Options) floorSource {
	ctx := context.Background()
	src := floorSource{dsn: sqltest.DSN(b, sqlstore.SQLite), org: account.Org{ID: kernel.NewID(), Slug: "bench", Name: "bench", CreatedAt: t0}}
	db, err := sqlstore.Open(ctx, src.dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if err := db.Accounts().CreateOrg(ctx, src.org); err != nil {
		b.Fatal(err)
	}
	err = db.SupplyChain().Import(ctx, src.org.ID, func(w supplychain.ImportWriter) error {
		_, err := ingest.Import(ctx, bytes.NewReader(data), opts, w)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return src
}

// prepare makes a fresh, migrated database holding the organisation and
// returns the copy of the source's parties and links into it, with the
// import's page cache and temporary storage, in one transaction, and what
// closes the database after it; the copy returns its wall and CPU time. SELECT * with a WHERE clause keeps
// SQLite from copying the tables' pages as they are (its transfer
// optimisation): each row is inserted and every index kept as it goes.
func (src floorSource) prepare(b *testing.B) (copyRows func() (wall, cpu time.Duration), done func()) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "floor")
	if err != nil {
		b.Fatal(err)
	}
	dstDSN := "sqlite:" + filepath.Join(dir, "floor.db")
	dst, err := sqlstore.Open(ctx, dstDSN)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := dst.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if err := dst.Accounts().CreateOrg(ctx, src.org); err != nil {
		b.Fatal(err)
	}
	dst.Close()
	raw, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(dstDSN, "sqlite:")+
		"?_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)")
	if err != nil {
		b.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	for _, q := range []string{"PRAGMA cache_size = -131072", "PRAGMA temp_store = MEMORY",
		"ATTACH DATABASE '" + strings.TrimPrefix(src.dsn, "sqlite:") + "' AS src"} {
		if _, err := raw.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	return func() (wall, cpu time.Duration) {
			start, cpu0 := time.Now(), cpuTime()
			for _, q := range []string{"BEGIN IMMEDIATE",
				"INSERT INTO main.parties SELECT * FROM src.parties WHERE org_id <> ''",
				"INSERT INTO main.links SELECT * FROM src.links WHERE org_id <> ''", "COMMIT"} {
				if _, err := raw.Exec(q); err != nil {
					b.Fatalf("%s: %v", q, err)
				}
			}
			return time.Since(start), cpuTime() - cpu0
		}, func() {
			raw.Close()
			os.RemoveAll(dir) // removed at once: its pages need not reach the disk
		}
}

type discard struct{}

func (discard) Party(supplychain.Party) error { return nil }
func (discard) Link(supplychain.Link) error   { return nil }

// rowRates are rows per second of wall time and of CPU time.
type rowRates struct{ wall, cpu float64 }

// reportRows reports and returns rows per second of wall time and, since
// the machine is shared and wall time varies with load, rows per second of
// this process's CPU time, the steadier figure.
func reportRows(b *testing.B, n int, cpu time.Duration) rowRates {
	r := rowRates{wall: float64(n) * float64(b.N) / b.Elapsed().Seconds(), cpu: float64(n) * float64(b.N) / cpu.Seconds()}
	b.ReportMetric(r.wall, "rows/s")
	b.ReportMetric(r.cpu, "rows/cpu-s")
	return r
}

// cpuTime is the CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// supplierCSV writes n supplier rows in tiers: row i buys from rows
// 3i+1..3i+3, and most rows also supply a second buyer.
func supplierCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("id,name,country,commodity,buyer_id,share,kind,address,region,lat,lng,workers\n")
	countries := []string{"CI", "GH", "Ivory Coast", "BD", "China", "VN", "BR", "IN"}
	goods := []string{"cocoa;coffee", "cocoa beans", "garments;cotton", "shrimp", "polysilicon", "cattle;soya", "bricks;rice", "palm oil"}
	for i := range n {
		buyers := ""
		if i > 0 {
			buyers = "S" + strconv.Itoa((i-1)/3)
			if i%3 != 0 && i > 10 {
				buyers += ";S" + strconv.Itoa((i-1)/3-1)
			}
		}
		fmt.Fprintf(&b, "S%d,Supplier %d Co. Ltd,%s,%s,%s,%d%%,company,\"%d Industrial Road, Zone %d\",Region %d,%.4f,%.4f,%d\n",
			i, i, countries[i%len(countries)], goods[i%len(goods)], buyers, 10+i%40, i, i%50, i%20, float64(i%170)-85, float64(i%350)-175, 10+i%900)
	}
	return b.Bytes()
}

// BenchmarkRegisterPage measures one page (50 rows) of the stored risk
// register, with its total count, for typical filters and orders, over an
// organisation of UPSTREAM_BENCH_PARTIES parties (default 100,000) beside
// a second, smaller organisation, on SQLite, or on PostgreSQL with
// UPSTREAM_BENCH_ENGINE=postgres. The baseline sub-benchmark reads one
// party by its key, the cheapest read there is.
func BenchmarkRegisterPage(b *testing.B) {
	n := 100_000
	if v := os.Getenv("UPSTREAM_BENCH_PARTIES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatalf("UPSTREAM_BENCH_PARTIES: %v", err)
		}
	}
	ctx := context.Background()
	engine := sqlstore.SQLite
	if os.Getenv("UPSTREAM_BENCH_ENGINE") == "postgres" {
		engine = sqlstore.Postgres
	}
	db := sqltest.Open(b, engine)
	st := db.SupplyChain()
	data := supplierCSV(n)
	opts := ingest.Options{
		Name:    "bench.csv",
		Country: func(raw string) (string, error) { c, err := country.Lookup(raw); return c.Alpha2, err },
		Commodity: func(raw string) (string, bool) {
			c, known := commodity.Normalise(raw)
			return c.ID, known
		},
	}
	var orgID string
	levels := []string{"low", "medium", "high", "critical"}
	// The other organisation has a tenth of the parties (the same ids), to
	// keep the set-up time down; every index leads with the organisation.
	for i, slug := range []string{"other", "bench"} {
		org := account.Org{ID: kernel.NewID(), Slug: slug, Name: slug, CreatedAt: t0}
		if err := db.Accounts().CreateOrg(ctx, org); err != nil {
			b.Fatal(err)
		}
		orgID = org.ID
		in := data
		if slug == "other" {
			in = supplierCSV(max(n/10, 100))
		}
		if err := st.Import(ctx, org.ID, func(w supplychain.ImportWriter) error {
			_, err := ingest.Import(ctx, bytes.NewReader(in), opts, w)
			return err
		}); err != nil {
			b.Fatal(err)
		}
		ps, _, err := st.Graph(ctx, org.ID)
		if err != nil {
			b.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(uint64(i), 3))
		rows := func(yield func(supplychain.PartyRisk, error) bool) {
			for k, p := range ps {
				e := 100 * rng.Float64()
				r := supplychain.PartyRisk{ID: p.ID, Tier: 1 + k%4, Inherent: e / 2, Own: e / 2, Exposure: e, Level: levels[int(e)/25],
					Country: p.Country, Commodities: p.Commodities,
					Factors: []supplychain.Factor{{Kind: "inherent", Source: "ILAB", Edition: "2022", Indicator: "child labour", Value: "listed", Points: e / 2, Contribution: e / 2}}}
				if !yield(r, nil) {
					return
				}
			}
		}
		if err := st.SaveRisk(ctx, org.ID, rows); err != nil {
			b.Fatal(err)
		}
	}
	tests := []struct {
		name   string
		filter supplychain.RegisterFilter
		sort   supplychain.RegisterSort
		offset int
	}{
		{"exposure", supplychain.RegisterFilter{}, "", 0},
		{"exposure-page-100", supplychain.RegisterFilter{}, "", 5000},
		{"name", supplychain.RegisterFilter{}, supplychain.SortName, 0},
		{"country", supplychain.RegisterFilter{Country: "CI"}, "", 0},
		{"commodity", supplychain.RegisterFilter{Commodity: "cocoa"}, "", 0},
		{"tier", supplychain.RegisterFilter{Tier: 3}, "", 0},
		{"level", supplychain.RegisterFilter{Level: "medium"}, "", 0},
		{"tier-and-level", supplychain.RegisterFilter{Tier: 2, Level: "critical"}, "", 0},
		{"country-and-commodity", supplychain.RegisterFilter{Country: "BD", Commodity: "shrimp"}, "", 0},
		// About 11,000 names start with "supplier 12" at 1,000,000 parties.
		{"name-prefix", supplychain.RegisterFilter{NamePrefix: "supplier 12"}, "", 0},
		{"name-prefix-and-level", supplychain.RegisterFilter{NamePrefix: "supplier 12", Level: "high"}, "", 0},
		{"name-prefix-by-name", supplychain.RegisterFilter{NamePrefix: "supplier 12", Tier: 2}, supplychain.SortName, 0},
	}
	probe := supplychain.RefID("S" + strconv.Itoa(n/2))
	b.Run("baseline-one-party", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.GetParty(ctx, orgID, probe); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			for b.Loop() {
				list, total, err := st.Register(ctx, orgID, tt.filter, tt.sort, kernel.Page{Limit: 50, Offset: tt.offset})
				if err != nil || total == 0 || len(list) == 0 {
					b.Fatalf("%d rows of %d, %v", len(list), total, err)
				}
			}
		})
	}
	b.Run("party-list-name-prefix", func(b *testing.B) {
		for b.Loop() {
			list, _, err := st.ListParties(ctx, orgID, supplychain.PartyFilter{NamePrefix: "supplier 12"}, kernel.Page{Limit: 50})
			if err != nil || len(list) == 0 {
				b.Fatal(err)
			}
		}
	})
}

// A party whose risk is given twice in one save has the register keys of
// the last, however the store batches its writes.
func TestSaveRiskGivenTwiceKeepsTheLastKeys(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.SupplyChain()
		ps, _ := seedChain(t, st, tn.a.ID)
		first := supplychain.PartyRisk{ID: ps[1].ID, Tier: 2, Exposure: 20, Level: "low", Country: "GH", Commodities: []string{"cocoa"}}
		last := supplychain.PartyRisk{ID: ps[1].ID, Tier: 2, Exposure: 80, Level: "high", Country: "CI", Commodities: []string{"cocoa", "coffee", "cocoa"}}
		other := supplychain.PartyRisk{ID: ps[2].ID, Tier: 3, Exposure: 30, Level: "medium"} // its place read from the party
		if err := st.SaveRisk(ctx, tn.a.ID, sqlstore.RiskRows([]supplychain.PartyRisk{first, other, last})); err != nil {
			t.Fatal(err)
		}
		got, err := db.QueryForTest(ctx, `SELECT party_id, commodity, country, tier, level, exposure FROM register_keys
			WHERE org_id = $1 AND party_id IN ($2, $3) ORDER BY party_id = $3, commodity`, tn.a.ID, ps[1].ID, ps[2].ID)
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{
			{ps[1].ID, "", "CI", "2", "high", "80"},
			{ps[1].ID, "cocoa", "CI", "2", "high", "80"},
			{ps[1].ID, "coffee", "CI", "2", "high", "80"},
		}
		for _, c := range append([]string{""}, ps[2].Commodities...) {
			want = append(want, []string{ps[2].ID, c, ps[2].Country, "3", "medium", "30"})
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("register keys (-want +got):\n%s", diff)
		}
	})
}
