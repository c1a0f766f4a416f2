package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/upstream-platform/upstream/internal/eudr"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

const eudrPlots = `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"PLOT-1","properties":{"ProducerName":"Kouadio Yao","ProducerCountry":"CI","producer_ref":"F-001","supplier_ref":"COOP","commodity":"cocoa","Area":2.5,"production_start":"2025-10-01","production_end":"2026-03-31"},"geometry":{"type":"Point","coordinates":[-6.601234,5.790120]}},
{"type":"Feature","id":"PLOT-2","properties":{"ProducerName":"Aya Koffi","ProducerCountry":"CI","producer_ref":"F-002","commodity":"cocoa"},"geometry":{"type":"Polygon","coordinates":[[[-6.592345,5.781234],[-6.589912,5.781301],[-6.589850,5.778456],[-6.592290,5.778390],[-6.592345,5.781234]]]}}]}`

func TestEUDRStore(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.EUDR()
		a, b := tn.a.ID, tn.b.ID

		if _, err := st.Operator(ctx, a); !kernel.IsCode(err, kernel.NotFound) {
			t.Fatalf("operator before saving: %v", err)
		}
		op := eudr.Operator{Name: "Chocolaterie Exemple SA", Country: "BE", Address: "Rue de l'Exemple 1", EORI: "BE0123456789", Size: eudr.Large}
		if err := st.SaveOperator(ctx, a, op); err != nil {
			t.Fatal(err)
		}
		if got, err := st.Operator(ctx, a); err != nil || got != op {
			t.Fatalf("operator %+v %v", got, err)
		}

		plots, problems, err := eudr.ReadGeoJSON("plots.geojson", strings.NewReader(eudrPlots))
		if err != nil || len(problems) > 0 {
			t.Fatal(err, problems)
		}
		for i := range plots {
			plots[i].ID = eudr.PlotID(plots[i])
		}
		if err := st.SavePlots(ctx, a, plots); err != nil {
			t.Fatal(err)
		}
		if err := st.SavePlots(ctx, a, plots); err != nil { // the same import again replaces
			t.Fatal(err)
		}
		got, err := st.ListPlots(ctx, a)
		if err != nil || len(got) != 2 {
			t.Fatalf("plots %d %v", len(got), err)
		}
		if diff := cmp.Diff(plots, got); diff != "" {
			t.Errorf("plots round trip (-want +got):\n%s", diff)
		}
		if got[0].Geometry.Point.LatDecimals != 6 {
			t.Errorf("decimals lost: %+v", got[0].Geometry.Point)
		}
		if _, err := st.Plots(ctx, a, []string{plots[1].ID, "nope"}); !kernel.IsCode(err, kernel.NotFound) {
			t.Errorf("missing plot: %v", err)
		}
		if other, err := st.ListPlots(ctx, b); err != nil || len(other) != 0 {
			t.Errorf("org B sees plots: %d %v", len(other), err)
		}

		ev := eudr.Evidence{PlotID: plots[0].ID, Kind: eudr.ForestLoss, Source: "Forest monitoring service", Date: t0,
			PeriodFrom: eudr.Cutoff, PeriodTo: t0, Method: "Hansen GFC v1.11", RecordedBy: "Marie", RecordedAt: t0}
		file := eudr.NewFile("", "analysis.pdf", "application/pdf", []byte("%PDF-1.7 analysis"))
		if err := st.AddEvidence(ctx, a, ev, &file); err != nil {
			t.Fatal(err)
		}
		if err := st.AddEvidence(ctx, b, ev, nil); !kernel.IsCode(err, kernel.NotFound) {
			t.Errorf("evidence on another organisation's plot: %v", err)
		}
		bad := ev
		bad.Method = ""
		if err := st.AddEvidence(ctx, a, bad, nil); !kernel.IsCode(err, kernel.Invalid) {
			t.Errorf("evidence without a method: %v", err)
		}
		evs, err := st.Evidence(ctx, a, []string{plots[0].ID, plots[1].ID})
		if err != nil || len(evs[plots[0].ID]) != 1 || len(evs[plots[1].ID]) != 0 {
			t.Fatalf("evidence %v %v", evs, err)
		}
		f, err := st.File(ctx, a, evs[plots[0].ID][0].FileID)
		if err != nil || string(f.Content) != "%PDF-1.7 analysis" || f.SHA256 != file.SHA256 || f.Name != "analysis.pdf" {
			t.Fatalf("file %+v %v", f, err)
		}
		if _, err := st.File(ctx, b, f.ID); !kernel.IsCode(err, kernel.NotFound) {
			t.Errorf("org B reads org A's file: %v", err)
		}

		lot := eudr.Lot{ID: kernel.NewID(), Ref: "SHIP-041", Commodity: "cocoa", HSCodes: []string{"1801"}, Description: "Cocoa beans", NetMassKg: 24000,
			Activity: eudr.Import, PlotIDs: []string{plots[0].ID, plots[1].ID}, CreatedAt: t0}
		if err := st.SaveLot(ctx, a, lot); err != nil {
			t.Fatal(err)
		}
		dup := lot
		dup.ID = kernel.NewID()
		if err := st.SaveLot(ctx, a, dup); !kernel.IsCode(err, kernel.Conflict) {
			t.Errorf("second lot with the same reference: %v", err)
		}
		stray := lot
		stray.ID, stray.Ref, stray.PlotIDs = kernel.NewID(), "SHIP-042", []string{"not-a-plot"}
		if err := st.SaveLot(ctx, a, stray); !kernel.IsCode(err, kernel.NotFound) {
			t.Errorf("lot naming an unknown plot: %v", err)
		}
		for _, key := range []string{lot.ID, "SHIP-041"} {
			if got, err := st.Lot(ctx, a, key); err != nil || !cmp.Equal(got, lot) {
				t.Errorf("lot by %s: %v %s", key, err, cmp.Diff(lot, got))
			}
		}
		if _, err := st.Lot(ctx, b, "SHIP-041"); !kernel.IsCode(err, kernel.NotFound) {
			t.Errorf("org B reads org A's lot: %v", err)
		}

		as := eudr.Assessment{LotID: lot.ID, Criteria: []eudr.Criterion{{Key: "a", Level: eudr.Medium}}}
		if err := st.SaveAssessment(ctx, a, as); err != nil {
			t.Fatal(err)
		}
		as.Conclusion, as.DecidedBy, as.Reason, as.DecidedAt = eudr.Negligible, "Marie", "clean", t0
		if err := st.SaveAssessment(ctx, a, as); err != nil {
			t.Fatal(err)
		}
		cur, err := st.Assessment(ctx, a, lot.ID)
		if err != nil || cur.Conclusion != eudr.Negligible || cur.DecidedBy != "Marie" {
			t.Fatalf("latest assessment %+v %v", cur, err)
		}
		if _, err := st.Assessment(ctx, b, lot.ID); !kernel.IsCode(err, kernel.NotFound) {
			t.Errorf("org B reads the assessment: %v", err)
		}

		s := eudr.Statement{ID: kernel.NewID(), Kind: eudr.DueDiligence, Reference: lot.Ref, LotID: lot.ID, Operator: op, MadeBy: "Marie", MadeAt: t0}
		if err := st.SaveStatement(ctx, a, s, []byte(`{}`), []byte(`{"type":"FeatureCollection","features":[]}`)); err != nil {
			t.Fatal(err)
		}
		if err := st.SaveStatement(ctx, b, s, nil, nil); !kernel.IsCode(err, kernel.NotFound) {
			t.Errorf("statement on another organisation's lot: %v", err)
		}
		sts, err := st.Statements(ctx, a, lot.ID)
		if err != nil || len(sts) != 1 || sts[0].ID != s.ID || !sts[0].MadeAt.Equal(t0) {
			t.Fatalf("statements %+v %v", sts, err)
		}
		// The documents come back as made, to the statement's organisation
		// only.
		made, sub, gj, err := st.StatementFiles(ctx, a, s.ID)
		if err != nil || made.ID != s.ID || made.LotID != lot.ID || string(sub) != `{}` || string(gj) != `{"type":"FeatureCollection","features":[]}` {
			t.Fatalf("statement files %+v %q %q %v", made, sub, gj, err)
		}
		if _, _, _, err := st.StatementFiles(ctx, b, s.ID); !kernel.IsCode(err, kernel.NotFound) {
			t.Errorf("org B reads the statement's files: %v", err)
		}

		// Grievance counts read categories only, for the named parties.
		producer := supplychain.RefID("F-001")
		for i, cats := range []string{"land_rights", "environmental_harm wage_theft", "withholding_of_wages", "land_rights"} {
			supplier := producer
			if i == 3 {
				supplier = "someone-else"
			}
			if err := db.ExecForTest(ctx, `INSERT INTO grievance_reports (id, org_id, categories, supplier_id, received, channel, severity, stage, stage_since, n)
				VALUES ($1, $2, $3, $4, '2026-11-01', 'web', 'high', 'received', '2026-11-01', $5)`, kernel.NewID(), a, cats, supplier, i+1); err != nil {
				t.Fatal(err)
			}
		}
		n, err := st.LandEnvironmentGrievances(ctx, a, plots[0].PartyIDs())
		if err != nil || n != 2 {
			t.Errorf("grievances %d %v, want 2", n, err)
		}
		if n, err := st.LandEnvironmentGrievances(ctx, b, plots[0].PartyIDs()); err != nil || n != 0 {
			t.Errorf("org B grievances %d %v", n, err)
		}
	})
}
