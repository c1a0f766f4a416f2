package report_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/report"
	"github.com/upstream-platform/upstream/internal/testkit"
)

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	testkit.Golden(t, filepath.Join("testdata", name), got)
}

func render(t *testing.T, k report.Kind, f report.Format, d report.Data) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := (report.Renderer{PDF: fakePrinter{}}).Render(context.Background(), &buf, k, f, d); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var goldenCases = []struct {
	name       string
	kind       report.Kind
	regulation report.Regulation
}{
	{"supplier-risk", report.SupplierRisk, ""},
	{"scorecard", report.BrandScorecard, ""},
	{"due-diligence", report.DueDiligence, ""},
	{"due-diligence-eudr", report.DueDiligence, report.EUDR},
	{"due-diligence-lksg", report.DueDiligence, report.LkSG},
}

func TestGoldenHTML(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			d := demoData(t)
			d.Regulation = tc.regulation
			golden(t, tc.name+".html", render(t, tc.kind, report.HTML, d))
		})
	}
}

func TestGoldenCSV(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			d := demoData(t)
			d.Regulation = tc.regulation
			golden(t, tc.name+".csv", render(t, tc.kind, report.CSV, d))
		})
	}
}

// unzip returns the parts of a zip archive by name.
func unzip(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip archive: %v", err)
	}
	parts := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name] = b
	}
	return parts
}

func TestGoldenXLSX(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			d := demoData(t)
			d.Regulation = tc.regulation
			parts := unzip(t, render(t, tc.kind, report.XLSX, d))
			golden(t, tc.name+".sheet1.xml", indentXML(t, parts["xl/worksheets/sheet1.xml"]))
			golden(t, tc.name+".sheet2.xml", indentXML(t, parts["xl/worksheets/sheet2.xml"]))
		})
	}
}

// indentXML puts one row per line so golden diffs stay readable.
func indentXML(t *testing.T, b []byte) []byte {
	t.Helper()
	if len(b) == 0 {
		t.Fatal("missing sheet")
	}
	return []byte(strings.ReplaceAll(string(b), "<row ", "\n<row ") + "\n")
}

// Workbook structures for reading an annex back.
type xWorkbook struct {
	Sheets []struct {
		Name string `xml:"name,attr"`
		ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
	} `xml:"sheets>sheet"`
}

type xRels struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

type xSheet struct {
	Rows []struct {
		R     int `xml:"r,attr"`
		Cells []struct {
			Ref    string `xml:"r,attr"`
			Type   string `xml:"t,attr"`
			Value  string `xml:"v"`
			Inline string `xml:"is>t"`
		} `xml:"c"`
	} `xml:"sheetData>row"`
}

func TestXLSXRoundTrip(t *testing.T) {
	d := demoData(t)
	parts := unzip(t, render(t, report.DueDiligence, report.XLSX, d))
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"} {
		if _, ok := parts[name]; !ok {
			t.Fatalf("part %s is missing", name)
		}
		var any struct{}
		if err := xml.Unmarshal(parts[name], &any); err != nil {
			t.Errorf("%s is not well-formed XML: %v", name, err)
		}
	}
	if !strings.Contains(string(parts["[Content_Types].xml"]), `PartName="/xl/worksheets/sheet2.xml"`) {
		t.Error("content types do not declare sheet2")
	}
	var wb xWorkbook
	if err := xml.Unmarshal(parts["xl/workbook.xml"], &wb); err != nil {
		t.Fatal(err)
	}
	var rels xRels
	if err := xml.Unmarshal(parts["xl/_rels/workbook.xml.rels"], &rels); err != nil {
		t.Fatal(err)
	}
	targets := map[string]string{}
	for _, r := range rels.Rels {
		targets[r.ID] = "xl/" + r.Target
	}
	if len(wb.Sheets) != 2 || wb.Sheets[0].Name != "Figures" || wb.Sheets[1].Name != "Sources" {
		t.Fatalf("sheets %+v", wb.Sheets)
	}
	var csvBuf bytes.Buffer
	if err := (report.Renderer{}).Render(context.Background(), &csvBuf, report.DueDiligence, report.CSV, d); err != nil {
		t.Fatal(err)
	}
	csvLines := strings.Split(strings.TrimSpace(csvBuf.String()), "\n")

	var sh xSheet
	if err := xml.Unmarshal(parts[targets[wb.Sheets[0].ID]], &sh); err != nil {
		t.Fatal(err)
	}
	if len(sh.Rows) != len(csvLines) {
		t.Fatalf("figures sheet has %d rows, the CSV annex %d", len(sh.Rows), len(csvLines))
	}
	for i, row := range sh.Rows {
		if row.R != i+1 {
			t.Fatalf("row %d numbered %d", i+1, row.R)
		}
		for _, c := range row.Cells {
			if c.Type == "inlineStr" && c.Inline == "" || c.Type == "" && c.Value == "" {
				t.Errorf("cell %s is empty but written", c.Ref)
			}
		}
	}
	// The figure id and the value agree between the sheet and the CSV.
	first := sh.Rows[1].Cells
	if first[0].Inline != "F1" || !strings.HasPrefix(csvLines[1], "F1,") {
		t.Errorf("first figure: sheet %q, csv %q", first[0].Inline, csvLines[1])
	}
}

type fakePrinter struct{}

// PrintPDF stands in for Chromium: it wraps the page so the test can see
// that the HTML reached the printer.
func (fakePrinter) PrintPDF(_ context.Context, html []byte) ([]byte, error) {
	return append([]byte("%PDF-1.7 fake\n"), html...), nil
}
