package report_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/report"
	"github.com/upstream-platform/upstream/internal/scorecard"
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

// TestGoldenXLSX pins each workbook's structure (its sheets, in order,
// and their filter ranges) and every sheet: frozen header, column widths,
// typed cells and filters.
func TestGoldenXLSX(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			d := demoData(t)
			d.Regulation = tc.regulation
			parts := unzip(t, render(t, tc.kind, report.XLSX, d))
			golden(t, tc.name+".workbook.xml", []byte(string(parts["xl/workbook.xml"])+"\n"))
			for _, sh := range readWorkbook(t, parts) {
				golden(t, tc.name+"."+strings.ReplaceAll(strings.ToLower(sh.Name), " ", "-")+".xml", indentXML(t, sh.raw))
			}
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

// Workbook structures for reading a workbook back.
type xWorkbook struct {
	Sheets []struct {
		Name string `xml:"name,attr"`
		ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
	} `xml:"sheets>sheet"`
	Names []struct {
		Name    string `xml:"name,attr"`
		SheetID int    `xml:"localSheetId,attr"`
		Hidden  bool   `xml:"hidden,attr"`
		Ref     string `xml:",chardata"`
	} `xml:"definedNames>definedName"`
}

type xRels struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

type xCell struct {
	Ref    string `xml:"r,attr"`
	Type   string `xml:"t,attr"`
	Style  string `xml:"s,attr"`
	Value  string `xml:"v"`
	Inline string `xml:"is>t"`
}

// text is what the cell shows as text: its inline string or its number.
func (c xCell) text() string {
	if c.Type == "inlineStr" {
		return c.Inline
	}
	return c.Value
}

type xSheet struct {
	Name string `xml:"-"`
	raw  []byte
	Pane struct {
		YSplit int    `xml:"ySplit,attr"`
		State  string `xml:"state,attr"`
		Top    string `xml:"topLeftCell,attr"`
	} `xml:"sheetViews>sheetView>pane"`
	Cols []struct {
		Min   int     `xml:"min,attr"`
		Width float64 `xml:"width,attr"`
	} `xml:"cols>col"`
	Rows []struct {
		R     int     `xml:"r,attr"`
		Cells []xCell `xml:"c"`
	} `xml:"sheetData>row"`
	Filter struct {
		Ref string `xml:"ref,attr"`
	} `xml:"autoFilter"`
}

// readWorkbook reads a workbook's sheets back, in the workbook's order,
// through its relationships, as a spreadsheet application does.
func readWorkbook(t *testing.T, parts map[string][]byte) []xSheet {
	t.Helper()
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
	var out []xSheet
	for _, s := range wb.Sheets {
		raw, ok := parts[targets[s.ID]]
		if !ok {
			t.Fatalf("sheet %s: part %q (%s) is missing", s.Name, targets[s.ID], s.ID)
		}
		var sh xSheet
		if err := xml.Unmarshal(raw, &sh); err != nil {
			t.Fatalf("sheet %s: %v", s.Name, err)
		}
		sh.Name, sh.raw = s.Name, raw
		out = append(out, sh)
	}
	return out
}

func sheetNames(sheets []xSheet) string {
	var names []string
	for _, s := range sheets {
		names = append(names, s.Name)
	}
	return strings.Join(names, ", ")
}

func sheetNamed(t *testing.T, sheets []xSheet, name string) xSheet {
	t.Helper()
	for _, s := range sheets {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no sheet %q among %s", name, sheetNames(sheets))
	return xSheet{}
}

func TestXLSXRoundTrip(t *testing.T) {
	d := demoData(t)
	parts := unzip(t, render(t, report.DueDiligence, report.XLSX, d))
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"} {
		if _, ok := parts[name]; !ok {
			t.Fatalf("part %s is missing", name)
		}
		var any struct{}
		if err := xml.Unmarshal(parts[name], &any); err != nil {
			t.Errorf("%s is not well-formed XML: %v", name, err)
		}
	}
	for _, part := range []string{"/xl/worksheets/sheet4.xml", "/xl/styles.xml"} {
		if !strings.Contains(string(parts["[Content_Types].xml"]), `PartName="`+part+`"`) {
			t.Errorf("content types do not declare %s", part)
		}
	}
	sheets := readWorkbook(t, parts)
	if got := sheetNames(sheets); got != "Register, Scorecard items, Figures, Sources" {
		t.Fatalf("sheets %s", got)
	}
	var csvBuf bytes.Buffer
	if err := (report.Renderer{}).Render(context.Background(), &csvBuf, report.DueDiligence, report.CSV, d); err != nil {
		t.Fatal(err)
	}
	csvLines := strings.Split(strings.TrimSpace(csvBuf.String()), "\n")

	sh := sheetNamed(t, sheets, "Figures")
	if len(sh.Rows) != len(csvLines) {
		t.Fatalf("figures sheet has %d rows, the CSV annex %d", len(sh.Rows), len(csvLines))
	}
	for _, s := range sheets {
		for i, row := range s.Rows {
			if row.R != i+1 {
				t.Fatalf("%s: row %d numbered %d", s.Name, i+1, row.R)
			}
			for _, c := range row.Cells {
				if c.Type == "inlineStr" && c.Inline == "" || c.Type == "" && c.Value == "" {
					t.Errorf("%s: cell %s is empty but written", s.Name, c.Ref)
				}
			}
		}
	}
	// The figure id and the value agree between the sheet and the CSV.
	first := sh.Rows[1].Cells
	if first[0].Inline != "F1" || !strings.HasPrefix(csvLines[1], "F1,") {
		t.Errorf("first figure: sheet %q, csv %q", first[0].Inline, csvLines[1])
	}
}

// TestXLSXRegisterSheet reads the register sheet back: one row per
// supplier, highest exposure first, with the register page's columns;
// scores, tiers and match counts are numbers, confidence a percentage,
// the header bold, frozen and filtered, and a grievance factor named
// without its details.
func TestXLSXRegisterSheet(t *testing.T) {
	d := demoData(t)
	parts := unzip(t, render(t, report.SupplierRisk, report.XLSX, d))
	sheets := readWorkbook(t, parts)
	if got := sheetNames(sheets); got != "Register, Figures, Sources" {
		t.Fatalf("sheets %s", got)
	}
	reg := sheets[0]
	if len(reg.Rows) != 1+len(d.Parties) {
		t.Fatalf("%d rows, want a header and %d suppliers", len(reg.Rows), len(d.Parties))
	}
	head := map[string]int{}
	for i, c := range reg.Rows[0].Cells {
		if c.Style != "1" {
			t.Errorf("header %q is not bold", c.text())
		}
		head[c.text()] = i
	}
	for _, col := range []string{"Supplier", "Country", "Tier", "Commodities", "Risk level", "Exposure", "Top factors", "Confirmed watchlist matches"} {
		if _, ok := head[col]; !ok {
			t.Errorf("no %q column", col)
		}
	}
	if reg.Pane.State != "frozen" || reg.Pane.YSplit != 1 || reg.Pane.Top != "A2" {
		t.Errorf("header not frozen: %+v", reg.Pane)
	}
	if reg.Filter.Ref != "A1:M5" {
		t.Errorf("filters cover %q, want the header and the 4 suppliers (A1:M5)", reg.Filter.Ref)
	}
	var wb xWorkbook
	if err := xml.Unmarshal(parts["xl/workbook.xml"], &wb); err != nil {
		t.Fatal(err)
	}
	if len(wb.Names) != 3 || wb.Names[0].Name != "_xlnm._FilterDatabase" || wb.Names[0].SheetID != 0 || !wb.Names[0].Hidden || wb.Names[0].Ref != "'Register'!$A$1:$M$5" {
		t.Errorf("filter ranges named %+v", wb.Names)
	}
	cellOf := func(row int, col string) xCell {
		t.Helper()
		for _, c := range reg.Rows[row].Cells {
			if c.Ref == string(rune('A'+head[col]))+strconv.Itoa(row+1) {
				return c
			}
		}
		return xCell{}
	}
	top := 1 // the highest exposure: the Xinjiang cotton supplier
	for col, want := range map[string]string{"Supplier": "新疆棉业有限公司", "Country": "China", "Commodities": "Cotton", "Risk level": "critical"} {
		if c := cellOf(top, col); c.Type != "inlineStr" || c.Inline != want {
			t.Errorf("%s: %+v, want the text %q", col, c, want)
		}
	}
	for col, want := range map[string]string{"Tier": "2", "Exposure": "94.6", "Inherent risk": "45.85", "Signals": "90", "Confirmed watchlist matches": "1"} {
		if c := cellOf(top, col); c.Type != "" || c.Value != want {
			t.Errorf("%s: %+v, want the number %s", col, c, want)
		}
	}
	if c := cellOf(top, "Confidence"); c.Type != "" || c.Style != "2" || c.Value != "0" {
		t.Errorf("confidence: %+v, want a number shown as a percentage", c)
	}
	if got := cellOf(top, "Top factors").Inline; !strings.HasPrefix(got, "confirmed watchlist match (UFLPA Entity List 2026-05): 48.8; forced labour in cotton") {
		t.Errorf("top factors, largest first: %q", got)
	}
	for row := 1; row < len(reg.Rows); row++ {
		if cellOf(row, "Supplier").Inline != "شركة النسيج المتحدة" {
			continue
		}
		if got := cellOf(row, "Top factors").Inline; !strings.Contains(got, "grievance signal (details withheld)") || strings.Contains(got, "2026-Q2") {
			t.Errorf("a grievance factor's details reach the sheet: %q", got)
		}
	}
}

// TestXLSXScorecardSheet: the scorecard's workbook opens on its items, one
// row each, with the points earned and possible as numbers.
func TestXLSXScorecardSheet(t *testing.T) {
	d := demoData(t)
	sheets := readWorkbook(t, unzip(t, render(t, report.BrandScorecard, report.XLSX, d)))
	if got := sheetNames(sheets); got != "Scorecard items, Figures, Sources" {
		t.Fatalf("sheets %s", got)
	}
	var items []scorecard.ItemResult
	for _, ts := range d.Scorecard.Themes {
		items = append(items, ts.Items...)
	}
	sh := sheets[0]
	if len(sh.Rows) != 1+len(items) {
		t.Fatalf("%d rows, want a header and %d items", len(sh.Rows), len(items))
	}
	for i, it := range items {
		cells := sh.Rows[i+1].Cells
		if cells[1].Inline != it.Text || cells[4].Type != "" || cells[4].Value != strconv.FormatFloat(it.Contribution, 'f', -1, 64) ||
			cells[5].Value != strconv.FormatFloat(it.Max, 'f', -1, 64) {
			t.Errorf("item %d: %+v, want %q earning %v of %v", i+1, cells, it.Text, it.Contribution, it.Max)
		}
	}
	if sh.Filter.Ref != "A1:H"+strconv.Itoa(len(sh.Rows)) || sh.Pane.State != "frozen" {
		t.Errorf("filters %q, pane %+v", sh.Filter.Ref, sh.Pane)
	}

	// A due-diligence report without parties has no register sheet.
	d.Parties = nil
	if got := sheetNames(readWorkbook(t, unzip(t, render(t, report.DueDiligence, report.XLSX, d)))); got != "Scorecard items, Figures, Sources" {
		t.Errorf("due diligence without parties: %s", got)
	}
}

type fakePrinter struct{}

// PrintPDF stands in for Chromium: it wraps the page so the test can see
// that the HTML reached the printer.
func (fakePrinter) PrintPDF(_ context.Context, html []byte) ([]byte, error) {
	return append([]byte("%PDF-1.7 fake\n"), html...), nil
}
