package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/testkit"
)

// fuzzImport runs one format on any input: it must not panic, must send the
// sink only valid parties and links whose parties came first (checked by
// checkingSink), and a failure must come with a row error.
func fuzzImport(t *testing.T, f ingest.Format, data []byte, skip bool) {
	o := opts("fuzz")
	o.SkipBadRows = skip
	sink := newCheckingSink()
	res, err := ingest.ImportFormat(context.Background(), f, strings.NewReader(string(data)), o, sink)
	if err != nil && len(res.Errors) == 0 && !strings.Contains(err.Error(), "fuzz") {
		t.Fatalf("error without a row error or file name: %v", err)
	}
	if err != nil && strings.Contains(err.Error(), "sink got") {
		t.Fatal(err)
	}
	if res.Skipped > res.ErrorCount {
		t.Fatalf("skipped %d > errors %d", res.Skipped, res.ErrorCount)
	}
}

func addFiles(f *testing.F, dir, pattern string) {
	files, _ := filepath.Glob(filepath.Join(dir, pattern))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, false)
		}
	}
}

func FuzzUpstreamCSV(f *testing.F) {
	f.Add([]byte(goodCSV), false)
	f.Add([]byte(goodCSV), true)
	f.Add([]byte("id,name,country,buyer_id,share\nA,a,GH,B,1%\nB,b,GH,A,\n"), true)
	f.Add([]byte("id,name,country,lat,lng,lei,workers\nA,\"x\"\"y\",CIV,1,2,5493001KJTIIGC8Y1R12,\"1,2\"\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, skip bool) { fuzzImport(t, ingest.FormatUpstreamCSV, data, skip) })
}

func FuzzOSH(f *testing.F) {
	f.Add([]byte("country,name,address,sector,lat,lng\nChina,A,\"1, Road\",Apparel|Health,22.5,114.1\n"), false)
	addFiles(f, testkit.Data(f, "samples", "osh", "list_files"), "*.csv")
	f.Fuzz(func(t *testing.T, data []byte, skip bool) { fuzzImport(t, ingest.FormatOSH, data, skip) })
}

func FuzzEPCISJSON(f *testing.F) {
	f.Add([]byte(`{"epcisBody":{"eventList":[{"type":"ObjectEvent","bizLocation":{"id":"urn:epc:id:sgln:0614141.00888.0"},"sourceList":[{"type":"owning_party","source":"urn:epc:id:pgln:4012345.00225"}],"destinationList":[{"type":"owning_party","destination":"https://id.gs1.org/417/0614141007776"}]}]}}`), false)
	{
		dir := testkit.Data(f, "samples", "epcis")
		addFiles(f, filepath.Join(dir, "JSON"), "*.jsonld")
		addFiles(f, filepath.Join(dir, "JSON", "WithFullCombinationOfFields"), "*.jsonld")
	}
	f.Fuzz(func(t *testing.T, data []byte, skip bool) { fuzzImport(t, ingest.FormatEPCISJSON, data, skip) })
}

func FuzzEPCISXML(f *testing.F) {
	f.Add([]byte(`<EPCISDocument><EPCISBody><EventList><ObjectEvent><bizLocation><id>urn:epc:id:sgln:0614141.00888.0</id></bizLocation></ObjectEvent></EventList></EPCISBody></EPCISDocument>`), false)
	{
		dir := testkit.Data(f, "samples", "epcis")
		addFiles(f, filepath.Join(dir, "XML"), "*.xml")
		addFiles(f, filepath.Join(dir, "XML", "WithFullCombinationOfFields"), "*.xml")
		addFiles(f, filepath.Join(dir, "XML", "CBV"), "*.xml")
	}
	f.Fuzz(func(t *testing.T, data []byte, skip bool) { fuzzImport(t, ingest.FormatEPCISXML, data, skip) })
}
