package report_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/report"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/scorecard"
)

// TestDataModelHasNoPlaceForReporterData walks every type reachable from
// Data and fails on any field whose name suggests grievance content or
// anything identifying a reporter: the safest report is one that has
// nowhere to put them.
func TestDataModelHasNoPlaceForReporterData(t *testing.T) {
	forbidden := regexp.MustCompile(`(?i)narrative|contact|identity|reporter|phone|email|address|message|attachment|comment|description|locator|receipt|handler|body|note`)
	seen := map[reflect.Type]bool{}
	var walk func(path string, ty reflect.Type)
	walk = func(path string, ty reflect.Type) {
		for ty.Kind() == reflect.Pointer || ty.Kind() == reflect.Slice || ty.Kind() == reflect.Map {
			ty = ty.Elem()
		}
		if ty.Kind() != reflect.Struct || seen[ty] {
			return
		}
		seen[ty] = true
		for i := 0; i < ty.NumField(); i++ {
			f := ty.Field(i)
			if forbidden.MatchString(f.Name) {
				t.Errorf("%s.%s: the report data model must not have a field like this", path, f.Name)
			}
			walk(path+"."+f.Name, f.Type)
		}
	}
	walk("Data", reflect.TypeOf(report.Data{}))
}

const (
	canaryNote    = "CANARY-NARRATIVE-7f3a my supervisor took my passport"
	canarySource  = "CANARY-REPORTER-+44 7700 900123"
	canaryEdition = "CANARY-EDITION-reporter@example.org"
)

var canaries = []string{"CANARY", "7700 900123", "reporter@example.org", "passport"}

func allFormats(t *testing.T, d report.Data) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, k := range report.Kinds() {
		for _, f := range []report.Format{report.HTML, report.CSV, report.XLSX, report.PDF} {
			var buf bytes.Buffer
			if err := (report.Renderer{PDF: fakePrinter{}}).Render(context.Background(), &buf, k, f, d); err != nil {
				t.Fatalf("%s %s: %v", k, f, err)
			}
			if f == report.XLSX {
				for name, part := range unzip(t, buf.Bytes()) {
					out[string(k)+"/"+name] = part
				}
				continue
			}
			out[string(k)+"."+string(f)] = buf.Bytes()
		}
	}
	return out
}

// TestNoGrievanceContentReachesAReport feeds canaries into every input a
// caller could fill from grievance data and checks none reaches any
// output, in any format.
func TestNoGrievanceContentReachesAReport(t *testing.T) {
	d := demoData(t)
	// A grievance signal in the risk register whose note, source and
	// edition were filled carelessly from a case.
	d.Parties[2].Factors = append(d.Parties[2].Factors, risk.Factor{
		Kind: "signal", Source: canarySource, Edition: canaryEdition, Indicator: string(risk.Grievance),
		Value: "2: " + canaryNote, Points: 20, Contribution: 4,
	})
	for name, out := range allFormats(t, d) {
		for _, c := range canaries {
			if bytes.Contains(out, []byte(c)) {
				t.Errorf("%s contains canary %q", name, c)
			}
		}
	}
}

func TestGrievanceCategoryMustBeACode(t *testing.T) {
	d := demoData(t)
	d.Grievance.ByCategory = append(d.Grievance.ByCategory, report.CategoryCount{Category: grievance.Category(canaryNote), N: 9})
	var buf bytes.Buffer
	err := (report.Renderer{}).Render(context.Background(), &buf, report.DueDiligence, report.HTML, d)
	if !kernel.IsCode(err, kernel.Invalid) {
		t.Fatalf("error %v, want invalid", err)
	}
	for _, c := range canaries {
		if strings.Contains(err.Error(), c) || bytes.Contains(buf.Bytes(), []byte(c)) {
			t.Errorf("the error or output repeats the canary %q: %v", c, err)
		}
	}
}

func TestSmallGrievanceCountsAreWithheld(t *testing.T) {
	d := demoData(t)
	d.Grievance = &report.Grievance{Total: 14,
		ByCategory:       []report.CategoryCount{{grievance.DebtBondage, 9}, {grievance.ChildLabour, 2}, {grievance.Isolation, 0}, {grievance.Deception, 3}},
		ByStage:          []report.StageCount{{grievance.StageClosed, 10}, {grievance.StageReceived, 4}},
		RemediesProposed: 3, RemediesAccepted: 1, MedianDaysToAcknowledge: 4}
	doc, err := report.Build(report.DueDiligence, d)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*report.Figure{}
	for _, f := range doc.Figures {
		if f.Source.Title == "Upstream grievance mechanism (aggregates)" {
			got[f.Measure] = f
		}
	}
	tests := []struct {
		measure    string
		suppressed bool
		value      float64
	}{
		{"category debt_bondage", false, 9},
		{"category child_labour", true, 0},
		{"category deception", true, 0},
		{"category isolation", false, 0}, // no reports is not sensitive
		{"received", false, 14},
		// 4 alone would be hidden; then 10 would give it away by
		// subtraction from the total, so it is hidden too.
		{"at stage received", true, 0},
		{"at stage closed", true, 0},
		{"remedies proposed", true, 0},
		{"remedies accepted by those affected", true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.measure, func(t *testing.T) {
			f, ok := got[tc.measure]
			if !ok {
				t.Fatalf("no figure %q", tc.measure)
			}
			if f.Suppressed != tc.suppressed || f.Value != tc.value {
				t.Errorf("suppressed %v value %v, want %v %v", f.Suppressed, f.Value, tc.suppressed, tc.value)
			}
			if f.Suppressed && (f.Raw() != "" || !strings.Contains(f.Text, "fewer than")) {
				t.Errorf("withheld figure shows %q / %q", f.Raw(), f.Text)
			}
		})
	}
	small := d
	small.Grievance = &report.Grievance{Total: 3, MedianDaysToAcknowledge: 2.5}
	doc, err = report.Build(report.DueDiligence, small)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range doc.Figures {
		if f.Measure == "median days to acknowledge" && !f.Suppressed {
			t.Errorf("median over %d cases shown: %v", small.Grievance.Total, f.Value)
		}
	}
}

func TestEveryFigureHasASource(t *testing.T) {
	d := demoData(t)
	for _, k := range report.Kinds() {
		doc, err := report.Build(k, d)
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]bool{}
		for _, s := range doc.Sources {
			ids[s.ID] = true
		}
		for _, f := range doc.Figures {
			if f.Source == nil || !ids[f.Source.ID] || f.Source.Title == "" {
				t.Errorf("%s: figure %s (%s) has no listed source", k, f.ID, f.Measure)
			}
		}
		var html bytes.Buffer
		if err := report.WriteHTML(&html, doc); err != nil {
			t.Fatal(err)
		}
		// Every number in a table cell is a figure with a source.
		cells := regexp.MustCompile(`<td class="num">(.*?)</td>`).FindAllStringSubmatch(html.String(), -1)
		for _, c := range cells {
			if !strings.Contains(c[1], `data-source="S`) {
				t.Errorf("%s: numeric cell without a source: %s", k, c[1])
			}
		}
	}
}

func TestHTMLIsSelfContainedAndBidiSafe(t *testing.T) {
	out := render(t, report.SupplierRisk, report.HTML, demoData(t))
	s := string(out)
	for _, bad := range []string{"<script", "<link", "src=", "@import", "url(", "http://", "https://"} {
		if strings.Contains(s, bad) {
			t.Errorf("HTML contains %q: it must need nothing from outside", bad)
		}
	}
	for _, want := range []string{
		`<html lang="en" dir="ltr">`, `<meta charset="utf-8">`, "@page { size: A4",
		`<bdi dir="auto" lang="zh">新疆棉业有限公司</bdi>`,
		`<bdi dir="auto" lang="ar">شركة النسيج المتحدة</bdi>`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	// The register is sorted by exposure, highest first.
	if i, j := strings.Index(s, "新疆棉业有限公司"), strings.Index(s, "Golden Thread"); i < 0 || j < 0 || i > j {
		t.Error("register is not sorted by exposure")
	}
}

func TestRegulationFilter(t *testing.T) {
	for _, req := range report.Regulations() {
		t.Run(string(req.Regulation), func(t *testing.T) {
			d := demoData(t)
			d.Regulation = req.Regulation
			doc, err := report.Build(report.DueDiligence, d)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range doc.Sections {
				for _, st := range report.Steps() {
					if s.ID == string(st) {
						got = append(got, s.ID)
						if s.Reference == "" {
							t.Errorf("section %s names no provision", s.ID)
						}
					}
				}
			}
			var want []string
			for _, st := range req.Steps() {
				want = append(want, string(st))
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("sections %v, want %v", got, want)
			}
		})
	}
	want := map[report.Regulation][]report.Step{
		report.UKMSA: {"embed", "identify", "prevent", "track", "communicate"},
		report.CSDDD: report.Steps(),
		report.LkSG:  report.Steps(),
		report.EUDR:  {"embed", "identify", "prevent", "track", "communicate"},
		report.UFLPA: {"embed", "identify", "prevent", "track"},
	}
	for _, req := range report.Regulations() {
		if !reflect.DeepEqual(req.Steps(), want[req.Regulation]) {
			t.Errorf("%s: steps %v, want %v", req.Regulation, req.Steps(), want[req.Regulation])
		}
	}
	if _, err := report.ParseRegulation("fr-vigilance"); !kernel.IsCode(err, kernel.Invalid) {
		t.Errorf("unknown regulation: %v", err)
	}
}

func TestDataErrors(t *testing.T) {
	tests := []struct {
		name  string
		kind  report.Kind
		edit  func(d *report.Data)
		field string
	}{
		{"org name", report.SupplierRisk, func(d *report.Data) { d.Org.Name = " " }, "org.name"},
		{"generated at", report.SupplierRisk, func(d *report.Data) { d.GeneratedAt = time.Time{} }, "generated_at"},
		{"period", report.SupplierRisk, func(d *report.Data) { d.Period.To = d.Period.From.AddDate(0, 0, -1) }, "period.to"},
		{"regulation", report.DueDiligence, func(d *report.Data) { d.Regulation = "xx" }, "regulation"},
		{"party id", report.SupplierRisk, func(d *report.Data) { d.Parties[1].ID = "" }, "parties[1].id"},
		{"party exposure", report.SupplierRisk, func(d *report.Data) { d.Parties[0].Exposure = 101 }, "parties[0].exposure"},
		{"factor", report.SupplierRisk, func(d *report.Data) { d.Parties[1].Factors[0].Contribution = nan() }, "parties[1].factors[0].contribution"},
		{"screened", report.DueDiligence, func(d *report.Data) { d.Screening.Screened = 99 }, "screening.screened"},
		{"stage", report.DueDiligence, func(d *report.Data) { d.Grievance.ByStage[0].Stage = "lost" }, "grievance.by_stage[0].stage"},
		{"negative count", report.DueDiligence, func(d *report.Data) { d.Grievance.ByCategory[0].N = -1 }, "grievance.by_category[0].n"},
		{"accepted", report.DueDiligence, func(d *report.Data) { d.Grievance.RemediesAccepted = 7 }, "grievance.remedies_accepted"},
		{"indicator", report.DueDiligence, func(d *report.Data) { d.Impact.Indicators[0].Latest = nan() }, "impact.indicators[0].latest"},
		{"scorecard missing", report.BrandScorecard, func(d *report.Data) { d.Scorecard = nil }, "scorecard"},
		{"history", report.BrandScorecard, func(d *report.Data) { d.History[0].AsOf = time.Time{} }, "history[0].as_of"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := demoData(t)
			tc.edit(&d)
			_, err := report.Build(tc.kind, d)
			var fe *report.FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("error %v, want a field error on %s", err, tc.field)
			}
			if !kernel.IsCode(err, kernel.Invalid) {
				t.Errorf("code %s", kernel.ErrorCode(err))
			}
		})
	}
	if _, err := report.ParseKind("annual"); !kernel.IsCode(err, kernel.Invalid) {
		t.Errorf("ParseKind: %v", err)
	}
	if _, err := report.ParseFormat("docx"); !kernel.IsCode(err, kernel.Invalid) {
		t.Errorf("ParseFormat: %v", err)
	}
}

func nan() float64 { var z float64; return z / z }

func TestPDFGoesThroughThePrinter(t *testing.T) {
	d := demoData(t)
	var buf bytes.Buffer
	err := (report.Renderer{}).Render(context.Background(), &buf, report.BrandScorecard, report.PDF, d)
	if !kernel.IsCode(err, kernel.Unavailable) {
		t.Fatalf("PDF without a printer: %v, want unavailable", err)
	}
	out := render(t, report.BrandScorecard, report.PDF, d)
	html := render(t, report.BrandScorecard, report.HTML, d)
	if !bytes.HasPrefix(out, []byte("%PDF")) || !bytes.HasSuffix(out, html) {
		t.Error("the printer did not receive the HTML report")
	}
	failing := report.Renderer{PDF: printerFunc(func(context.Context, []byte) ([]byte, error) { return nil, errors.New("chromium crashed") })}
	if err := failing.Render(context.Background(), &buf, report.BrandScorecard, report.PDF, d); !kernel.IsCode(err, kernel.Unavailable) {
		t.Errorf("failing printer: %v", err)
	}
}

type printerFunc func(context.Context, []byte) ([]byte, error)

func (f printerFunc) PrintPDF(ctx context.Context, html []byte) ([]byte, error) { return f(ctx, html) }

var _ report.PDFPrinter = printerFunc(nil)

func TestSupplierScorecardReport(t *testing.T) {
	// A supplier's own scorecard renders through the same template.
	sc, err := scorecard.DefaultWeights().Score(scorecard.Evidence{
		Subject: scorecard.Subject{Kind: scorecard.Supplier, ID: "p-1", Name: "شركة النسيج المتحدة"}, AsOf: day(2026, 6, 30)})
	if err != nil {
		t.Fatal(err)
	}
	d := demoData(t)
	d.Scorecard, d.History = &sc, nil
	out := string(render(t, report.BrandScorecard, report.HTML, d))
	if !strings.Contains(out, `grade-F`) || !strings.Contains(out, "Missing evidence") {
		t.Error("supplier scorecard with no evidence should show grade F and list the missing evidence")
	}
}
