package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/report"
	"github.com/upstream-platform/upstream/internal/risk"
)

// largeRegister is the demo organisation with n suppliers of six factors
// each, the shape of the supply map whose PDF once failed to print.
func largeRegister(t *testing.T, n int) report.Data {
	t.Helper()
	d := demoData(t)
	d.Parties = make([]report.Party, n)
	for i := range d.Parties {
		fs := make([]risk.Factor, 6)
		for j := range fs {
			fs[j] = risk.Factor{Kind: "inherent", Source: "US DOL ILAB, List of Goods Produced by Child Labor or Forced Labor", Edition: "2024",
				Indicator: fmt.Sprintf("forced labour in good %d", j), Value: "listed for China", Points: 40, Contribution: 10}
		}
		d.Parties[i] = report.Party{ID: fmt.Sprintf("p-%06d", i), Ref: fmt.Sprintf("SUP-%06d", i), Name: fmt.Sprintf("Supplier %06d Textiles Co Ltd", i),
			Country: "CN", Commodities: []string{"cotton", "garments"}, Tier: 1 + i%3, Inherent: 40, Signals: 5,
			Exposure: float64(i%1000) / 10, Level: risk.High, Factors: fs}
	}
	return d
}

// printed renders the supplier-risk PDF through the fake printer and
// returns the page the printer was given.
func printed(t *testing.T, d report.Data) string {
	t.Helper()
	var buf bytes.Buffer
	if err := (report.Renderer{PDF: fakePrinter{}}).Render(context.Background(), &buf, report.SupplierRisk, report.PDF, d); err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(buf.String(), "%PDF-1.7 fake\n")
}

// TestPrintedRegisterIsBoundedAndSaysWhereTheRestIs: the page sent to the
// printer does not grow with the supply map (3,361 suppliers, the size that
// once failed, and 20,000 give the same page), it says how many parties it
// leaves out and where they are, and the CSV download still holds every
// party.
func TestPrintedRegisterIsBoundedAndSaysWhereTheRestIs(t *testing.T) {
	t.Parallel()
	small, large := printed(t, largeRegister(t, 3361)), printed(t, largeRegister(t, 20000))
	if grow := float64(len(large)) / float64(len(small)); grow > 1.01 {
		t.Errorf("the printed page grows with the register: %d bytes for 3,361 parties, %d for 20,000", len(small), len(large))
	}
	for _, want := range []string{
		"The 500 parties with the highest exposure (of 3,361)",
		"list all 3,361 parties with every figure",
		"Factors of the 100 parties with the highest exposure (of 3,361)",
		"The factors of the other 3,261 parties are in the CSV and XLSX downloads",
	} {
		if !strings.Contains(small, want) {
			t.Errorf("printed page lacks %q", want)
		}
	}
	if rows := strings.Count(small, "Textiles Co Ltd"); rows != report.PrintRegisterRows+report.PrintFactorParties*6 {
		t.Errorf("printed page names suppliers %d times, want %d register rows and %d factor rows", rows, report.PrintRegisterRows, report.PrintFactorParties*6)
	}
	// The highest exposure comes first: 99.9 belongs to parties 999, 1999
	// and 2999; party 0 scores 0.
	if i, j := strings.Index(small, "Supplier 000999 "), strings.Index(small, "Supplier 000000 "); i < 0 || j >= 0 {
		t.Errorf("register order: highest-exposure party at %d, lowest at %d", i, j)
	}

	var buf bytes.Buffer
	if err := (report.Renderer{}).Render(context.Background(), &buf, report.SupplierRisk, report.CSV, largeRegister(t, 3361)); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	parties := map[string]bool{}
	for _, r := range recs[1:] {
		if strings.HasPrefix(r[2], "p-") {
			parties[r[2]] = true
		}
	}
	if len(parties) != 3361 {
		t.Errorf("CSV annex covers %d parties, want all 3,361", len(parties))
	}
}

// TestSmallRegisterPrintsWhole: below the limits the printed report is
// the whole report, with no note about parties left out.
func TestSmallRegisterPrintsWhole(t *testing.T) {
	t.Parallel()
	page := printed(t, largeRegister(t, 40))
	if strings.Contains(page, "highest exposure (of") || strings.Contains(page, "downloads of this report") {
		t.Errorf("a register of 40 parties is cut when printed")
	}
	if n := strings.Count(page, "Textiles Co Ltd"); n != 40+40*6 {
		t.Errorf("printed page names suppliers %d times, want %d", n, 40+40*6)
	}
}
