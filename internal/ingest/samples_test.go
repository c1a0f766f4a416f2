package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/supplychain"
	"github.com/upstream-platform/upstream/internal/testkit"
)

func importFile(t *testing.T, path string) (ingest.Result, *checkingSink, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sink := newCheckingSink()
	res, err := ingest.Import(context.Background(), f, opts(filepath.Base(path)), sink)
	return res, sink, err
}

func TestOpenSupplyHubSamples(t *testing.T) {
	dir := testkit.Data(t, "samples", "osh", "list_files")
	files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	if len(files) == 0 {
		t.Fatal("no Open Supply Hub list files found")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			res, sink, err := importFile(t, path)
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			if res.Format != ingest.FormatOSH {
				t.Fatalf("format = %s", res.Format)
			}
			if res.Rows == 0 || res.Parties == 0 || res.Parties > res.Rows || res.Links < res.Parties {
				t.Fatalf("result %+v", res)
			}
			for _, p := range sink.Parties {
				if p.Kind != supplychain.KindFacility || p.Country == "" || p.Lat == nil {
					t.Errorf("facility %+v lacks kind, country or coordinates", p)
				}
				if p.ID != supplychain.FacilityID(p.Name, p.Country, p.Address) {
					t.Errorf("facility %q: id is not content-derived", p.Name)
				}
				if !contains(p.Commodities, "garments") || !contains(p.InferredCommodities, "garments") || !strings.HasPrefix(p.InferredFrom, "sector Apparel") {
					t.Errorf("facility %q: sector Apparel did not give inferred garments: %v inferred %v from %q", p.Name, p.Commodities, p.InferredCommodities, p.InferredFrom)
				}
			}
			for _, l := range sink.Links {
				if l.Buyer != supplychain.Reporting {
					t.Errorf("link %+v: a brand's facility list gives direct suppliers", l)
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestOpenSupplyHubSpecificRows(t *testing.T) {
	dir := testkit.Data(t, "samples", "osh", "list_files")
	_, sink, err := importFile(t, filepath.Join(dir, "Fall_2017_Compliance_List.csv"))
	if err != nil {
		t.Fatal(err)
	}
	p, ok := findByName(sink.Parties, "Injae Garment Co. Ltd.")
	if !ok {
		t.Fatal("Injae Garment Co. Ltd. not imported")
	}
	if p.Country != "KH" || *p.Lat != 11.5881713 || *p.Lng != 104.8996818 || !strings.HasPrefix(p.Address, "Toul Kor Village") {
		t.Errorf("Injae Garment: %+v", p)
	}
	// "Apparel|Health" names two sectors.
	_, sink, err = importFile(t, filepath.Join(dir, "Winter_2019_Compliance_List_V2.csv"))
	if err != nil {
		t.Fatal(err)
	}
	p, ok = findByName(sink.Parties, "BOX RING")
	if !ok || p.Country != "PK" {
		t.Fatalf("BOX RING: %+v", p)
	}
}

func findByName(ps []supplychain.Party, name string) (supplychain.Party, bool) {
	for _, p := range ps {
		if p.Name == name {
			return p, true
		}
	}
	return supplychain.Party{}, false
}

func epcisFiles(t *testing.T) []string {
	root := testkit.Data(t, "samples", "epcis")
	var files []string
	for _, dir := range []string{"JSON", "XML", filepath.Join("JSON-Schema", "test")} {
		_ = filepath.WalkDir(filepath.Join(root, dir), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".jsonld") || strings.HasSuffix(p, ".xml") ||
				strings.HasSuffix(p, ".json") && !strings.Contains(p, string(filepath.Separator)+"schemas"+string(filepath.Separator))) {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) < 20 {
		t.Fatalf("found only %d EPCIS examples", len(files))
	}
	return files
}

func TestEPCISSamples(t *testing.T) {
	root := testkit.Data(t, "samples", "epcis")
	for _, path := range epcisFiles(t) {
		rel, _ := filepath.Rel(root, path)
		t.Run(rel, func(t *testing.T) {
			res, sink, err := importFile(t, path)
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			if res.Format != ingest.FormatEPCISJSON && res.Format != ingest.FormatEPCISXML {
				t.Fatalf("format = %s", res.Format)
			}
			if res.Rows == 0 && len(sink.Parties) == 0 {
				t.Fatalf("nothing read: %+v", res)
			}
			for _, w := range res.Warnings {
				t.Logf("warning: %v", w)
			}
			t.Logf("%+v", res)
		})
	}
}
