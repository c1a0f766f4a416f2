package cli

import (
	"bytes"
	"context"
	_ "embed"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/eudr"
	"github.com/upstream-platform/upstream/internal/kernel"
)

//go:embed demodata/cocoa-plots.geojson
var demoCocoaPlots []byte

// demoCocoaChain are the parties of the demo's cocoa chain: a cooperative in
// Soubré selling to the demo organisation, and the farmers whose plots
// are in demoCocoaPlots.
const demoCocoaChain = `id,name,country,commodity,buyer_id,share,kind
COOP-SOUBRE,"Coopérative Agricole de Soubré (demo)",CI,cocoa,,100%,cooperative
F-001,"Kouadio Yao (demo)",CI,cocoa,COOP-SOUBRE,18%,farm
F-002,"Adjoua N'Guessan (demo)",CI,cocoa,COOP-SOUBRE,20%,farm
F-003,"Konan Kouassi (demo)",CI,cocoa,COOP-SOUBRE,8%,farm
F-004,"Aya Koffi (demo)",CI,cocoa,COOP-SOUBRE,22%,farm
F-005,"Yao Kouamé (demo)",CI,cocoa,COOP-SOUBRE,20%,farm
F-006,"Amenan Brou (demo)",CI,cocoa,COOP-SOUBRE,5%,farm
F-007,"Kouassi Akissi (demo)",CI,cocoa,COOP-SOUBRE,7%,farm
`

// Demo lot references: the first is complete, so a statement can be made
// from it; the second holds a plot with no evidence yet, so its checklist
// shows the gap.
const (
	demoLotReady = "DEMO-COCOA-2026-01"
	demoLotGap   = "DEMO-COCOA-2026-02"
)

// eudrCocoa seeds the EUDR part of the demo: the cocoa chain's parties,
// their plots, evidence on six of the seven plots, the operator, two lots
// and an assessment decided for the first lot.
func (d *demoSeeder) eudrCocoa(ctx context.Context) error {
	st := d.db.EUDR()
	if _, err := st.Lot(ctx, d.org.ID, demoLotReady); err == nil || !kernel.IsCode(err, kernel.NotFound) {
		return err
	}
	if d.suppliers != nil {
		if _, err := d.suppliers.ImportAndRecompute(ctx, d.org.ID, []assessment.NamedFile{
			assessment.ReaderFile("demo-cocoa-chain.csv", strings.NewReader(demoCocoaChain)),
		}, false); err != nil {
			return err
		}
	}
	svc, err := newEUDRService(ctx, d.env, d.db)
	if err != nil {
		return err
	}
	if _, err := svc.ImportPlots(ctx, d.org.ID, "demo-cocoa-plots.geojson", eudr.FormatGeoJSON, bytes.NewReader(demoCocoaPlots)); err != nil {
		return err
	}
	plots, err := st.ListPlots(ctx, d.org.ID)
	if err != nil {
		return err
	}
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	now := d.env.Clock.Now()
	report := []byte("%PDF-1.4\n% " + demoLabel + ": a stand-in for a monitoring service's forest-loss report\n")
	var ready, all []string
	for _, p := range plots {
		all = append(all, p.ID)
		if p.Ref == "PLOT-007" {
			continue // left without evidence: the second lot's gap
		}
		ready = append(ready, p.ID)
		file := eudr.NewFile("", "forest-loss-"+strings.ToLower(p.Ref)+".pdf", "application/pdf", report)
		if err := st.AddEvidence(ctx, d.org.ID, eudr.Evidence{PlotID: p.ID, Kind: eudr.ForestLoss, Source: demoLabel + ": forest monitoring service",
			Date: day("2026-04-10"), PeriodFrom: eudr.Cutoff, PeriodTo: day("2026-04-01"), LossHa: 0,
			Method: "Tree cover loss (Hansen GFC), 10% canopy, 30 m, with radar alerts", RecordedBy: "Demo analyst", RecordedAt: now}, &file); err != nil {
			return err
		}
		if err := st.AddEvidence(ctx, d.org.ID, eudr.Evidence{PlotID: p.ID, Kind: eudr.LandTitle, Source: demoLabel + ": rural land certificate",
			Date: day("2019-05-02"), RecordedBy: "Demo analyst", RecordedAt: now}, nil); err != nil {
			return err
		}
	}
	if err := st.SaveOperator(ctx, d.org.ID, eudr.Operator{Name: d.org.Name, Country: "BE", Address: "Rue de la Démo 1, 1000 Bruxelles", EORI: "BE0000000000", Size: eudr.Large}); err != nil {
		return err
	}
	for _, l := range []eudr.Lot{
		{ID: kernel.NewID(), Ref: demoLotReady, Commodity: "cocoa", HSCodes: []string{"1801"}, Description: "Cocoa beans, whole, raw, fermented and dried",
			NetMassKg: 24000, Activity: eudr.Import, PeriodFrom: day("2026-05-01"), PeriodTo: day("2026-05-31"), PlotIDs: ready, CreatedAt: now},
		{ID: kernel.NewID(), Ref: demoLotGap, Commodity: "cocoa", HSCodes: []string{"1801"}, Description: "Cocoa beans, whole, raw, fermented and dried",
			NetMassKg: 12500, Activity: eudr.Import, PeriodFrom: day("2026-06-01"), PeriodTo: day("2026-06-30"), PlotIDs: all, CreatedAt: now},
	} {
		if err := st.SaveLot(ctx, d.org.ID, l); err != nil {
			return err
		}
	}
	answers := eudr.Answers{Forests: eudr.Yes, IndigenousPeoples: eudr.No, Claims: eudr.No, CountryConcerns: eudr.No, Mixing: eudr.No, Certified: eudr.Yes,
		Notes: map[string]string{"b": "cocoa agroforest; the Taï National Park lies 60 km west", "j": "the cooperative bags and tags each farmer's beans at the buying post"}}
	if _, err := svc.Assess(ctx, d.org.ID, demoLotReady, answers); err != nil {
		return err
	}
	if _, err := svc.Decide(ctx, d.org.ID, demoLotReady, eudr.Negligible, "Demo analyst",
		demoLabel+": every plot analysed from 31 December 2020 with no forest loss, land certificates on file, no grievance on land or environment"); err != nil {
		return err
	}
	_, err = svc.Assess(ctx, d.org.ID, demoLotGap, answers)
	return err
}
