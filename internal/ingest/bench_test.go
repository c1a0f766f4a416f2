package ingest_test

import (
	"bytes"
	"context"
	"fmt"
	"syscall"
	"testing"

	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

type discard struct{}

func (discard) Party(supplychain.Party) error { return nil }
func (discard) Link(supplychain.Link) error   { return nil }

// benchCSV builds n rows shaped like `upstream gen supplychain` output.
func benchCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("id,name,country,commodity,buyer_id,share,address,region,lat,lng\n")
	countries := []string{"CI", "GH", "Ivory Coast", "BD", "China", "VN"}
	for i := range n {
		buyer := ""
		if i > 0 {
			buyer = fmt.Sprintf("S%d", i/3)
		}
		fmt.Fprintf(&b, "S%d,Supplier %d Co. Ltd,%s,cocoa;coffee,%s,%d%%,\"%d Industrial Road, Zone %d\",Region %d,%.4f,%.4f\n",
			i, i, countries[i%len(countries)], buyer, 10+i%80, i, i%50, i%20, float64(i%170)-85, float64(i%350)-175)
	}
	return b.Bytes()
}

// BenchmarkImportCSV measures pure parsing of the supplier CSV (the sink
// discards), reported as rows/s.
func BenchmarkImportCSV(b *testing.B) {
	const rows = 100_000
	data := benchCSV(rows)
	b.SetBytes(int64(len(data)))
	cpu0 := cpuSeconds()
	for b.Loop() {
		res, err := ingest.Import(context.Background(), bytes.NewReader(data), opts("bench.csv"), discard{})
		if err != nil || res.Rows != rows {
			b.Fatalf("%+v %v", res, err)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	// The machine is shared, so wall time varies with load; rows per second
	// of this process's CPU time is the steadier figure.
	if cpu := cpuSeconds() - cpu0; cpu > 0 {
		b.ReportMetric(float64(rows)*float64(b.N)/cpu, "rows/cpu-s")
	}
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
