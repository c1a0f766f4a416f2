package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/facilitymatch"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/refdata"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// Two imports of the same facilities as two brands list them: the second
// names Hanes Ink with its legal form and coordinates (the same place)
// and a Dhaka knitter with another spelling and a vaguer address (a
// possible duplicate).
const (
	mergeFirstCSV = `id,name,kind,country,address,buyer_id,commodity,share
BR,Northwind Apparel Ltd,company,GB,,,cotton,
H1,Hanes Ink,facility,HN,"Parque Industrial Inhdelva Norte, Edificio 11 y 12, Cortes",BR,cotton,0.4
D1,Dhaka Knit Wear Ltd,facility,BD,"Plot 12, Road 4, Tongi",BR,cotton,
`
	mergeSecondCSV = `id,name,kind,country,address,lat,lng,buyer_id,commodity,share
BR2,Contoso Retail GmbH,company,DE,,,,,cotton,
H2,Hanes Ink S.A. de C.V.,facility,HN,"PARQUE INDUSTRIAL Inhdelva Norte,Edificio 11 y 12,Cortes Honduras",15.45,-87.95,BR2,cotton,0.5
D2,Dhaka Knitwear Limited,facility,BD,Tongi Industrial Area,,,BR2,cotton,
`
)

type mergeWorld struct {
	db  *sqlstore.DB
	svc *assessment.Service
	org string
}

func newMergeWorld(t *testing.T, db *sqlstore.DB, match bool) mergeWorld {
	t.Helper()
	ctx := context.Background()
	org := account.Org{ID: kernel.NewID(), Slug: "m", Name: "M", CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := db.Accounts().CreateOrg(ctx, org); err != nil {
		t.Fatal(err)
	}
	ref, err := refdata.Default()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := risk.NewEngine(ref, risk.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	svc := &assessment.Service{Store: db.SupplyChain(), Engine: eng, Normalisers: assessment.StandardNormalisers(), Pending: db.SupplyChain()}
	if match {
		if svc.Matcher, err = facilitymatch.New(facilitymatch.DefaultThresholds()); err != nil {
			t.Fatal(err)
		}
	}
	return mergeWorld{db: db, svc: svc, org: org.ID}
}

func (w mergeWorld) importCSV(t *testing.T, name, body string) assessment.Summary {
	t.Helper()
	sum, err := w.svc.ImportAndRecompute(context.Background(), w.org, []assessment.NamedFile{assessment.ReaderFile(name, strings.NewReader(body))}, false)
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return sum
}

// state is every stored party in full and every link.
type state struct {
	Parties []supplychain.Party
	Links   []supplychain.Link
}

func (w mergeWorld) state(t *testing.T) state {
	t.Helper()
	ctx := context.Background()
	ps, _, err := w.db.SupplyChain().ListParties(ctx, w.org, supplychain.PartyFilter{}, kernel.Page{Limit: kernel.MaxPageLimit})
	if err != nil {
		t.Fatal(err)
	}
	_, ls, err := w.db.SupplyChain().Graph(ctx, w.org)
	if err != nil {
		t.Fatal(err)
	}
	return state{ps, ls}
}

func TestImportMergesTheSameFacilityAndUndoRestoresBoth(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		w := newMergeWorld(t, db, true)
		// The same two imports without matching: what undoing must give.
		plain := newMergeWorld(t, sqltest.Open(t, db.Engine), false)
		plain.importCSV(t, "first.csv", mergeFirstCSV)
		plain.importCSV(t, "second.csv", mergeSecondCSV)
		want := plain.state(t)

		if sum := w.importCSV(t, "first.csv", mergeFirstCSV); len(sum.Matching.Merged) != 0 || sum.Matching.Queued != 0 {
			t.Fatalf("a first import of distinct facilities matched: %+v", sum.Matching)
		}
		sum := w.importCSV(t, "second.csv", mergeSecondCSV)
		h1, h2 := supplychain.RefID("H1"), supplychain.RefID("H2")
		if len(sum.Matching.Merged) != 1 {
			t.Fatalf("merged %+v, want Hanes Ink S.A. de C.V. into Hanes Ink", sum.Matching.Merged)
		}
		m := sum.Matching.Merged[0]
		if m.Into != h1 || m.From != h2 || m.Rule != supplychain.RuleAutomatic || m.Score < facilitymatch.DefaultThresholds().Same {
			t.Errorf("merge %+v", m)
		}
		// Provenance: the import, the file and the row the merged facility
		// was read from, and the rule and score that merged it.
		if m.Origin.ImportID == "" || m.Origin.File != "second.csv" || m.Origin.Line != 3 || len(m.Reasons) == 0 {
			t.Errorf("provenance %+v, want the import, second.csv line 3 and reasons", m.Origin)
		}
		if sum.Matching.Queued != 1 {
			t.Errorf("queued %d pairs, want the Dhaka knitters", sum.Matching.Queued)
		}
		st := db.SupplyChain()
		stored, err := st.Merge(ctx, w.org, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Origin != m.Origin || stored.FromName != "Hanes Ink S.A. de C.V." || stored.IntoName != "Hanes Ink" {
			t.Errorf("stored merge %+v", stored)
		}
		if _, err := st.GetParty(ctx, w.org, h2); !kernel.IsCode(err, kernel.NotFound) {
			t.Errorf("the merged facility is still stored: %v", err)
		}
		kept, err := st.GetParty(ctx, w.org, h1)
		if err != nil {
			t.Fatal(err)
		}
		if kept.Lat == nil || *kept.Lat != 15.45 {
			t.Errorf("the kept facility did not get the coordinates it lacked: %+v", kept)
		}
		_, buyers, err := st.PartyLinks(ctx, w.org, h1)
		if err != nil {
			t.Fatal(err)
		}
		if len(buyers) != 2 {
			t.Errorf("Hanes Ink supplies %+v, want its own buyer and the merged one's", buyers)
		}
		pairs, n, err := st.OpenPairs(ctx, w.org, kernel.Page{})
		if err != nil || n != 1 || pairs[0].A != supplychain.RefID("D1") || pairs[0].B != supplychain.RefID("D2") || pairs[0].Origin.Line != 4 {
			t.Fatalf("open pairs %+v (%d), %v", pairs, n, err)
		}

		undone, err := w.svc.UndoMerge(ctx, st, w.org, m.ID, "analyst-1")
		if err != nil {
			t.Fatal(err)
		}
		if undone.UndoneBy != "analyst-1" || undone.UndoneAt.IsZero() {
			t.Errorf("undo %+v", undone)
		}
		if diff := cmp.Diff(want, w.state(t)); diff != "" {
			t.Errorf("after undo the store differs from the imports without the merge (-want +got):\n%s", diff)
		}
		if _, err := w.svc.UndoMerge(ctx, st, w.org, m.ID, "analyst-1"); !kernel.IsCode(err, kernel.Conflict) {
			t.Errorf("a second undo: %v, want a conflict", err)
		}
		// Kept apart by the undo: importing the file again merges nothing.
		if sum := w.importCSV(t, "second.csv", mergeSecondCSV); len(sum.Matching.Merged) != 0 {
			t.Errorf("a pair kept apart was merged again: %+v", sum.Matching.Merged)
		}
		if diff := cmp.Diff(want, w.state(t)); diff != "" {
			t.Errorf("after importing again (-want +got):\n%s", diff)
		}
	})
}

func TestReimportedMergeIsUndoneOnce(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		w := newMergeWorld(t, db, true)
		plain := newMergeWorld(t, sqltest.Open(t, db.Engine), false)
		for _, x := range []mergeWorld{w, plain} {
			x.importCSV(t, "first.csv", mergeFirstCSV)
			x.importCSV(t, "second.csv", mergeSecondCSV)
		}
		want := plain.state(t)
		first := w.importCSV(t, "second.csv", mergeSecondCSV).Matching.Merged
		_ = first
		st := db.SupplyChain()
		ms, n, err := st.Merges(ctx, w.org, kernel.Page{})
		if err != nil || n != 2 {
			t.Fatalf("merges %+v (%d), %v: want the first merge and the one of the same file imported again", ms, n, err)
		}
		latest, earlier := ms[0], ms[1]
		if earlier.SupersededBy != latest.ID {
			t.Errorf("the earlier merge is not superseded by the later: %+v", earlier)
		}
		if _, err := w.svc.UndoMerge(ctx, st, w.org, earlier.ID, "a"); !kernel.IsCode(err, kernel.Conflict) {
			t.Errorf("undoing a superseded merge: %v, want a conflict", err)
		}
		if _, err := w.svc.UndoMerge(ctx, st, w.org, latest.ID, "a"); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, w.state(t)); diff != "" {
			t.Errorf("after undo (-want +got):\n%s", diff)
		}
	})
}

func TestAnalystMergesAndKeepsApartFromTheQueue(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		w := newMergeWorld(t, db, true)
		plain := newMergeWorld(t, sqltest.Open(t, db.Engine), true)
		for _, x := range []mergeWorld{w, plain} {
			x.importCSV(t, "first.csv", mergeFirstCSV)
			x.importCSV(t, "second.csv", mergeSecondCSV)
		}
		want := plain.state(t)
		st := db.SupplyChain()
		d1, d2 := supplychain.RefID("D1"), supplychain.RefID("D2")
		m, err := w.svc.MergePair(ctx, st, w.org, d1, d2, "analyst-1")
		if err != nil {
			t.Fatal(err)
		}
		if m.Rule != supplychain.RuleAnalyst || m.Actor != "analyst-1" || m.Into != d1 || m.From != d2 {
			t.Errorf("merge %+v", m)
		}
		if _, err := w.svc.MergePair(ctx, st, w.org, d1, d2, "analyst-1"); !kernel.IsCode(err, kernel.Conflict) {
			t.Errorf("merging a decided pair again: %v", err)
		}
		if _, n, _ := st.OpenPairs(ctx, w.org, kernel.Page{}); n != 0 {
			t.Errorf("%d pairs still open after the merge", n)
		}
		if _, err := w.svc.UndoMerge(ctx, st, w.org, m.ID, "analyst-2"); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, w.state(t)); diff != "" {
			t.Errorf("after undo (-want +got):\n%s", diff)
		}
		p, err := plain.svc.KeepApart(ctx, plain.db.SupplyChain(), plain.org, d2, d1, "analyst-1")
		if err != nil || p.Status != supplychain.PairKeptApart {
			t.Fatalf("keep apart: %+v, %v", p, err)
		}
		if sum := plain.importCSV(t, "second.csv", mergeSecondCSV); sum.Matching.Queued != 0 {
			t.Errorf("a pair kept apart was queued again")
		}
	})
}

// TestFreshImportMatchesAsAStoredOne imports both brands' files in one
// import, once into an organisation with no party yet (where the matcher
// is given the facilities the import wrote without reading them back) and
// once into one that already holds an unrelated party (where they are
// read from the store): the merges, the queued pairs and the stored
// parties and links must be the same.
func TestFreshImportMatchesAsAStoredOne(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		files := func() []assessment.NamedFile {
			return []assessment.NamedFile{assessment.ReaderFile("first.csv", strings.NewReader(mergeFirstCSV)),
				assessment.ReaderFile("second.csv", strings.NewReader(mergeSecondCSV))}
		}
		type outcome struct {
			Merged []string
			Queued int
			State  state
		}
		run := func(w mergeWorld) outcome {
			sum, err := w.svc.Import(ctx, w.org, files(), false)
			if err != nil {
				t.Fatal(err)
			}
			var o outcome
			for _, m := range sum.Matching.Merged {
				o.Merged = append(o.Merged, m.From+">"+m.Into)
			}
			o.Queued = sum.Matching.Queued
			o.State = w.state(t)
			return o
		}
		fresh := newMergeWorld(t, db, true)
		got := run(fresh)
		if len(got.Merged) != 1 || got.Queued != 1 {
			t.Fatalf("fresh import: merged %v, queued %d; want Hanes Ink merged and the Dhaka knitters queued", got.Merged, got.Queued)
		}
		stored := newMergeWorld(t, sqltest.Open(t, db.Engine), true)
		other := supplychain.Party{ID: supplychain.RefID("OTHER"), Ref: "OTHER", Name: "Far Away Mill", Kind: supplychain.KindFacility, Country: "VN"}
		if err := stored.db.SupplyChain().UpsertParties(ctx, stored.org, []supplychain.Party{other}); err != nil {
			t.Fatal(err)
		}
		want := run(stored)
		var kept []supplychain.Party
		for _, p := range want.State.Parties {
			if p.ID != other.ID {
				kept = append(kept, p)
			}
		}
		want.State.Parties = kept
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("fresh import differs from one into a store with a party (-stored +fresh):\n%s", diff)
		}
	})
}
