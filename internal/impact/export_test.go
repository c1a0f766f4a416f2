package impact_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
)

func TestReportCSV(t *testing.T) {
	ctx := context.Background()
	clock := &kernel.FixedClock{T: time.Date(2027, 5, 1, 9, 0, 0, 0, time.UTC)}
	svc := &impact.Service{Store: newMemStore(), Clock: clock}
	m := impact.DemoModel()
	m.Programme = "=HYPERLINK(\"http://x\")"
	p, err := svc.CreateProgramme(ctx, "org", m, impact.DefaultDimensions())
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.RecordObservations(ctx, "org", p.ID, impact.DemoObservations()); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AnalyseSROI(ctx, "org", p.ID, impact.DemoMap()); err != nil {
		t.Fatal(err)
	}
	rows, err := svc.ReportCSV(ctx, "org", p.ID)
	if err != nil {
		t.Fatal(err)
	}
	find := func(section, item, field string) (string, bool) {
		for _, r := range rows {
			if len(r) != len(impact.ReportCSVHeader) {
				t.Fatalf("row %v has %d cells", r, len(r))
			}
			if r[0] == section && r[1] == item && r[2] == field {
				return r[3], true
			}
		}
		return "", false
	}
	if v, _ := find("programme", p.ID, "name"); !strings.HasPrefix(v, "'=") {
		t.Errorf("programme name %q is not guarded against formula injection", v)
	}
	if v, ok := find("indicator", impact.DemoTrained, "level"); !ok || v != "output" {
		t.Errorf("trained level %q", v)
	}
	if _, ok := find("period", impact.DemoTrained, "2026Q4"); !ok {
		t.Error("no period figure for the last demo quarter")
	}
	var sroi bool
	for _, r := range rows {
		sroi = sroi || r[0] == "sroi" && r[2] == "ratio"
	}
	if !sroi {
		t.Error("no SROI ratio row")
	}
	if _, err := svc.ReportCSV(ctx, "org", "no-such-programme"); !kernel.IsCode(err, kernel.NotFound) {
		t.Errorf("unknown programme: %v", err)
	}
	if _, err := svc.ReportCSV(ctx, "other-org", p.ID); !kernel.IsCode(err, kernel.NotFound) {
		t.Errorf("another organisation's programme: %v", err)
	}
}

func TestReplaceModelKeepsStoredObservationsValid(t *testing.T) {
	ctx := context.Background()
	clock := &kernel.FixedClock{T: time.Date(2027, 5, 1, 9, 0, 0, 0, time.UTC)}
	svc := &impact.Service{Store: newMemStore(), Clock: clock}
	p, err := impact.SeedDemo(ctx, svc, "org")
	if err != nil {
		t.Fatal(err)
	}
	m := impact.DemoModel()
	m.Indicators = m.Indicators[1:] // drops DEMO-TRAINED, which has observations
	if _, err := svc.ReplaceModel(ctx, "org", p.ID, m); !kernel.IsCode(err, kernel.Invalid) ||
		!strings.Contains(kernel.ErrorMessage(err), "does not fit the observations already stored") {
		t.Fatalf("dropping an observed indicator: %v", err)
	}
	m = impact.DemoModel()
	m.Programme = "Renamed programme"
	clock.T = clock.T.Add(time.Hour)
	got, err := svc.ReplaceModel(ctx, "org", p.ID, m)
	if err != nil {
		t.Fatal(err)
	}
	if got.Model.Programme != "Renamed programme" || !got.UpdatedAt.Equal(clock.T) {
		t.Errorf("replaced programme %q updated %v", got.Model.Programme, got.UpdatedAt)
	}
}
