package sqlstore_test

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/facilitymatch"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// BenchmarkImportMatchingSQLite measures a first import of
// UPSTREAM_BENCH_PARTIES facility rows (default 100,000; the file of
// BenchmarkImportSQLite with every row a facility) into SQLite through the
// import service, without and with the facility matcher (every facility
// matched against the others and the stored ones, same pairs merged,
// review pairs queued), beside SQLite's own floor for the same rows
// measured in the same run. The floor's sub-benchmark reports the ratios
// import/floor and matched/floor of rows per CPU-second.
func BenchmarkImportMatchingSQLite(b *testing.B) {
	n := 100_000
	if v := os.Getenv("UPSTREAM_BENCH_PARTIES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatalf("UPSTREAM_BENCH_PARTIES: %v", err)
		}
	}
	data := bytes.ReplaceAll(supplierCSV(n), []byte(",company,"), []byte(",facility,"))
	ctx := context.Background()
	matcher, err := facilitymatch.New(facilitymatch.DefaultThresholds())
	if err != nil {
		b.Fatal(err)
	}
	rates := map[string]float64{}
	for _, tc := range []struct {
		name    string
		matcher *facilitymatch.Matcher
	}{{"import", nil}, {"import-with-matching", matcher}} {
		b.Run(tc.name, func(b *testing.B) {
			var cpu time.Duration
			merged, queued := 0, 0
			for b.Loop() {
				b.StopTimer()
				db := sqltest.Open(b, sqlstore.SQLite)
				org := account.Org{ID: kernel.NewID(), Slug: "bench", Name: "bench", CreatedAt: t0}
				if err := db.Accounts().CreateOrg(ctx, org); err != nil {
					b.Fatal(err)
				}
				svc := &assessment.Service{Store: db.SupplyChain(), Normalisers: assessment.StandardNormalisers(), Matcher: tc.matcher}
				b.StartTimer()
				cpu0 := cpuTime()
				sum, err := svc.Import(ctx, org.ID, []assessment.NamedFile{assessment.ReaderFile("bench.csv", bytes.NewReader(data))}, false)
				if err != nil || sum.Total.Rows != n {
					b.Fatalf("%d rows, %v", sum.Total.Rows, err)
				}
				cpu += cpuTime() - cpu0
				merged, queued = len(sum.Matching.Merged), sum.Matching.Queued
			}
			reportRows(b, n, cpu)
			b.ReportMetric(float64(merged), "merged")
			b.ReportMetric(float64(queued), "queued")
			rates[tc.name] = float64(n) * float64(b.N) / cpu.Seconds()
		})
	}
	b.Run("engine-floor", func(b *testing.B) {
		floor := engineFloor(b, data, assessment.StandardNormalisers().Options("bench.csv", false), n)
		if r := rates["import"]; r > 0 {
			b.ReportMetric(r/floor, "import/floor")
		}
		if r := rates["import-with-matching"]; r > 0 {
			b.ReportMetric(r/floor, "matched/floor")
		}
	})
}
