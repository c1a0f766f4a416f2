package sqlstore_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
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
// import/floor and matched/floor of rows per CPU-second, the steadier
// figure on a shared machine, and wall-import/floor and wall-matched/floor
// of rows per second of wall time, beside the load average over the run:
// the import runs work that is not SQLite's (parsing, search words,
// matching) beside the writer, so on a quiet machine with more than one
// core its wall time gains on the floor where its CPU time cannot, and
// the wall ratios mean something only when the load is well under the
// number of cores.
func BenchmarkImportMatchingSQLite(b *testing.B) {
	n, data, matcher := matchingBenchInput(b)
	ctx := context.Background()
	load := loadRange{}
	load.sample()
	rates := map[string]rowRates{}
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
			rates[tc.name] = reportRows(b, n, cpu)
			b.ReportMetric(float64(merged), "merged")
			b.ReportMetric(float64(queued), "queued")
			load.sample()
		})
	}
	b.Run("engine-floor", func(b *testing.B) {
		floor := engineFloor(b, data, assessment.StandardNormalisers().Options("bench.csv", false), n)
		load.sample()
		for _, r := range []struct{ name, unit string }{{"import", "import/floor"}, {"import-with-matching", "matched/floor"}} {
			if got, ok := rates[r.name]; ok {
				b.ReportMetric(got.cpu/floor.cpu, r.unit)
				b.ReportMetric(got.wall/floor.wall, "wall-"+r.unit)
			}
		}
		b.ReportMetric(load.max, "max-load-avg")
		if m, ok := rates["import-with-matching"]; ok {
			b.Logf("with matching: %.2f of the floor's rows per CPU-second, %.2f of its rows per second of wall time; "+
				"1-minute load average %.2f to %.2f during the run on %d cores (wall ratios hold only well under the core count)",
				m.cpu/floor.cpu, m.wall/floor.wall, load.min, load.max, runtime.NumCPU())
		}
	})
}

// BenchmarkImportMatchingSQLitePaired measures the same two things as
// BenchmarkImportMatchingSQLite, a first import with matching and SQLite's
// floor for its rows, in pairs: each iteration runs one of each, back to
// back and in turn first, so that both meet the same state of a shared
// machine, and the ratio is taken within the pair. It reports the median,
// lowest and highest ratio of rows per second of wall time
// (wall-matched/floor) and the median ratio of rows per CPU-second
// (matched/floor) over the pairs: run it with -benchtime Nx for N pairs.
func BenchmarkImportMatchingSQLitePaired(b *testing.B) {
	n, data, matcher := matchingBenchInput(b)
	ctx := context.Background()
	src := newFloorSource(b, data, assessment.StandardNormalisers().Options("bench.csv", false))
	load := loadRange{}
	load.sample()
	var wallRatios, cpuRatios []float64 // each step below is timed on its own
	for i := 0; b.Loop(); i++ {
		// Each pair's databases are closed and removed after it, so that
		// no pair pays for the memory and disk writes of the ones before.
		dir, err := os.MkdirTemp("", "import")
		if err != nil {
			b.Fatal(err)
		}
		db, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(dir, "import.db"))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		org := account.Org{ID: kernel.NewID(), Slug: "bench", Name: "bench", CreatedAt: t0}
		if err := db.Accounts().CreateOrg(ctx, org); err != nil {
			b.Fatal(err)
		}
		svc := &assessment.Service{Store: db.SupplyChain(), Normalisers: assessment.StandardNormalisers(), Matcher: matcher}
		importOnce := func() (wall, cpu time.Duration) {
			start, cpu0 := time.Now(), cpuTime()
			sum, err := svc.Import(ctx, org.ID, []assessment.NamedFile{assessment.ReaderFile("bench.csv", bytes.NewReader(data))}, false)
			if err != nil || sum.Total.Rows != n {
				b.Fatalf("%d rows, %v", sum.Total.Rows, err)
			}
			return time.Since(start), cpuTime() - cpu0
		}
		copyRows, done := src.prepare(b)
		var importWall, importCPU, floorWall, floorCPU time.Duration
		if i%2 == 0 {
			importWall, importCPU = importOnce()
			floorWall, floorCPU = copyRows()
		} else {
			floorWall, floorCPU = copyRows()
			importWall, importCPU = importOnce()
		}
		done()
		db.Close()
		os.RemoveAll(dir)
		// The same rows: the ratio of rates is the inverse ratio of times.
		wallRatios = append(wallRatios, floorWall.Seconds()/importWall.Seconds())
		cpuRatios = append(cpuRatios, floorCPU.Seconds()/importCPU.Seconds())
		load.sample()
	}
	slices.Sort(wallRatios)
	slices.Sort(cpuRatios)
	b.ReportMetric(median(wallRatios), "wall-matched/floor")
	b.ReportMetric(wallRatios[0], "lowest-wall-matched/floor")
	b.ReportMetric(wallRatios[len(wallRatios)-1], "highest-wall-matched/floor")
	b.ReportMetric(median(cpuRatios), "matched/floor")
	b.ReportMetric(load.max, "max-load-avg")
	b.Logf("with matching, over %d pairs: median %.2f of the floor's rows per second of wall time (%.2f to %.2f), median %.2f of its rows per CPU-second; "+
		"1-minute load average %.2f to %.2f on %d cores", len(wallRatios), median(wallRatios), wallRatios[0], wallRatios[len(wallRatios)-1],
		median(cpuRatios), load.min, load.max, runtime.NumCPU())
}

// median is the middle of sorted values (the mean of the two middle ones
// of an even count).
func median(sorted []float64) float64 {
	m := len(sorted) / 2
	if len(sorted)%2 == 1 {
		return sorted[m]
	}
	return (sorted[m-1] + sorted[m]) / 2
}

// matchingBenchInput is the file of the import benchmarks with matching:
// UPSTREAM_BENCH_PARTIES facility rows (default 100,000), and the matcher.
func matchingBenchInput(b *testing.B) (n int, data []byte, matcher *facilitymatch.Matcher) {
	n = 100_000
	if v := os.Getenv("UPSTREAM_BENCH_PARTIES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatalf("UPSTREAM_BENCH_PARTIES: %v", err)
		}
	}
	matcher, err := facilitymatch.New(facilitymatch.DefaultThresholds())
	if err != nil {
		b.Fatal(err)
	}
	return n, bytes.ReplaceAll(supplierCSV(n), []byte(",company,"), []byte(",facility,")), matcher
}

// loadRange is the lowest and highest 1-minute load average sampled
// during a benchmark (zero where /proc/loadavg cannot be read).
type loadRange struct{ min, max float64 }

func (l *loadRange) sample() {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return
	}
	fields := strings.Fields(string(raw))
	if len(fields) == 0 {
		return
	}
	v, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return
	}
	if l.max == 0 || v < l.min {
		l.min = v
	}
	l.max = max(l.max, v)
}
