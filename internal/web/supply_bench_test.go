package web

import (
	"context"
	"io"
	"iter"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// benchCountries weights the synthetic suppliers towards sourcing countries.
var benchCountries = []string{"CI", "GH", "BD", "CN", "IN", "VN", "BR", "ID", "MY", "TR", "PK", "KH", "ET", "NG", "CO",
	"PE", "EC", "MX", "TH", "PH", "LK", "MM", "UZ", "KE", "UG", "TZ", "CM", "HN", "GT", "NL", "DE", "US", "GB", "IT", "ES"}

var benchCommodities = []string{"cocoa", "coffee", "cotton", "garments", "palm-oil", "rubber", "soy", "cattle", "wood",
	"sugarcane", "tea", "rice", "fish", "shrimp", "gold", "cobalt", "bricks", "tobacco", "electronics", "footwear"}

// loadBenchSupply stores n synthetic parties (about 1% tier 1, each other
// party supplying one earlier party) with their risk, in one import.
func loadBenchSupply(tb testing.TB, st *sqlstore.SupplyChain, orgID string, n int) (sampleID string) {
	tb.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 11))
	tiers := make([]int32, n)
	id := func(i int) string { return "bench-" + strconv.Itoa(i) }
	err := st.Import(ctx, orgID, func(w supplychain.ImportWriter) error {
		for i := range n {
			p := supplychain.Party{ID: id(i), Ref: strconv.Itoa(i), Name: "Supplier " + strconv.Itoa(rng.IntN(n)) + " " + strconv.Itoa(i),
				Kind: supplychain.KindFacility, Country: benchCountries[rng.IntN(len(benchCountries))],
				Commodities: []string{benchCommodities[rng.IntN(len(benchCommodities))]}}
			if err := w.Party(p); err != nil {
				return err
			}
			l := supplychain.Link{Buyer: supplychain.Reporting, Supplier: p.ID, Commodity: p.Commodities[0]}
			tiers[i] = 1
			if i >= max(1, n/100) {
				b := rng.IntN(i)
				l.Buyer, tiers[i] = id(b), tiers[b]+1
			}
			if err := w.Link(l); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	fs := []supplychain.Factor{
		{Kind: "inherent", Source: "US DOL ILAB List of Goods", Edition: "2024", Indicator: "forced labour", Value: "listed", Points: 30, Contribution: 30},
		{Kind: "inherent", Source: "Global Slavery Index", Edition: "2023", Indicator: "prevalence per 1,000", Value: "6.1", Points: 10, Contribution: 10},
	}
	rows := iter.Seq2[supplychain.PartyRisk, error](func(yield func(supplychain.PartyRisk, error) bool) {
		for i := range n {
			e := float64(rng.IntN(1000)) / 10
			lvl := "low"
			switch {
			case e >= 75:
				lvl = "critical"
			case e >= 50:
				lvl = "high"
			case e >= 25:
				lvl = "medium"
			}
			if !yield(supplychain.PartyRisk{ID: id(i), Tier: int(tiers[i]), Inherent: e / 2, Own: e / 2, Exposure: e, Level: lvl, Factors: fs}, nil) {
				return
			}
		}
	})
	if err := st.SaveRisk(ctx, orgID, rows); err != nil {
		tb.Fatal(err)
	}
	return id(n / 2)
}

// BenchmarkSupplyPages times the server side of each supplier page for an
// organisation with UPSTREAM_BENCH_PARTIES suppliers (default 100,000) on
// SQLite. Each sub-benchmark reports ms per page; the target is 200 ms.
func BenchmarkSupplyPages(b *testing.B) {
	n := 100_000
	if v := os.Getenv("UPSTREAM_BENCH_PARTIES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 100 {
			b.Fatalf("UPSTREAM_BENCH_PARTIES=%q: want a number of at least 100", v)
		}
	}
	db := sqltest.Open(b, sqlstore.SQLite)
	ctx := context.Background()
	clock := &kernel.FixedClock{T: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	accounts := account.NewService(db.Accounts(), account.NewHasher(account.TestArgon2, 2), clock)
	srv, err := New(Deps{Accounts: accounts, Ready: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: clock,
		Suppliers: db.SupplyChain(), SupplierRisk: db.Reporting(), Config: Config{Version: "bench"}})
	if err != nil {
		b.Fatal(err)
	}
	org, _, err := accounts.EnsureOrg(ctx, "bench", "Bench")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := accounts.CreateUser(ctx, account.NewUser{OrgID: org.ID, Email: "analyst@bench.example", Name: "A",
		Role: account.RoleAnalyst, Password: testPassword}); err != nil {
		b.Fatal(err)
	}
	_, session, err := accounts.Login(ctx, "analyst@bench.example", testPassword, "")
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	sample := loadBenchSupply(b, db.SupplyChain(), org.ID, n)
	b.Logf("loaded %d parties and links with risk in %v", n, time.Since(start).Round(time.Millisecond))
	h := srv.Handler()
	// Pages marked cold drop the cached per-organisation aggregates before
	// each request, so they time the full count over the register.
	pages := []struct {
		name, path string
		cold       bool
	}{
		{"dashboard-cold", "/", true},
		{"dashboard", "/", false},
		{"register", "/suppliers", false},
		{"register-by-name", "/suppliers?sort=name", false},
		{"register-country", "/suppliers?country=CI", false},
		{"register-commodity-level", "/suppliers?commodity=cocoa&level=critical", false},
		{"register-tier", "/suppliers?tier=3", false},
		{"register-page-100", "/suppliers?page=100", false},
		{"register-name-search", "/suppliers?q=Supplier+12", false},
		{"supplier", "/suppliers/" + sample, false},
		{"map-cold", "/risk-map", true},
		{"map-max", "/risk-map", false},
		{"map-count", "/risk-map?by=count", false},
		{"map-high-cold", "/risk-map?by=high", true},
		{"map-gsi", "/risk-map?by=gsi", false},
		{"export-country-commodity", "/suppliers/export.csv?country=GH&commodity=coffee", false},
	}
	for _, pg := range pages {
		b.Run(pg.name, func(b *testing.B) {
			var size int
			for b.Loop() {
				if pg.cold {
					srv.supply.aggregates.forget(org.ID)
				}
				req := httptest.NewRequest("GET", "http://upstream.test"+pg.path, nil)
				req.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("%s: status %d", pg.path, rec.Code)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
			b.ReportMetric(float64(size)/1024, "KB")
		})
	}
}
