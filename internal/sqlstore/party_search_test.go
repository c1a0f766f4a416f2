package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// TestRegisterSearch: a register search finds a party by any word of its
// name, address or identifiers, from the start of the word, whatever the
// case or accents, with every word typed required; the same on both
// engines, for another organisation's parties never, and in step with
// every later change of a party.
func TestRegisterSearch(t *testing.T) {
	t.Parallel() // each engine has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.SupplyChain()
		parties := []supplychain.Party{
			{ID: "p-sao", Ref: "SAO", Name: "Têxteis São Paulo Ltda.", Kind: supplychain.KindCompany, Country: "BR", Address: "Rua 25 de Março 1200, Brás"},
			{ID: "p-gt", Ref: "GT", Name: "Golden Thread Spinning Mills", Kind: supplychain.KindFacility, Country: "IN", Address: "Plot 14, Tiruppur", OSID: "IN2019303BQ3FZP"},
			{ID: "p-lei", Ref: "LEI", Name: "Northern Cocoa Traders", Kind: supplychain.KindCompany, Country: "GH", LEI: "5493001KJTIIGC8Y1R12", GLN: "0614141003006"},
			{ID: "p-jp", Ref: "JP", Name: "株式会社 東京紡績", Kind: supplychain.KindCompany, Country: "JP", Address: "東京都 港区"},
			{ID: "p-ru", Ref: "RU", Name: "ООО Ромашка Текстиль", Kind: supplychain.KindCompany, Country: "RU"},
			{ID: "p-paul", Ref: "PAUL", Name: "Paulina Garments", Kind: supplychain.KindCompany, Country: "BD", Address: "Gazipur"},
		}
		if err := st.UpsertParties(ctx, tn.a.ID, parties); err != nil {
			t.Fatal(err)
		}
		// Another organisation's party shares every word: never found.
		if err := st.UpsertParties(ctx, tn.b.ID, []supplychain.Party{{ID: "p-sao", Ref: "SAO", Name: "Têxteis São Paulo Ltda.", Kind: supplychain.KindCompany, Country: "BR"}}); err != nil {
			t.Fatal(err)
		}
		search := func(t *testing.T, typed string, sort supplychain.RegisterSort, page kernel.Page) ([]string, int) {
			t.Helper()
			list, total, err := st.Register(ctx, tn.a.ID, supplychain.RegisterFilter{Search: typed}, sort, page)
			if err != nil {
				t.Fatal(err)
			}
			var refs []string
			for _, e := range list {
				refs = append(refs, e.Party.Ref)
			}
			return refs, total
		}
		tests := []struct {
			name, typed string
			want        []string
		}{
			{"a later word of the name", "paulo", []string{"SAO"}},
			{"the start of a word, any case", "PAUL", []string{"PAUL", "SAO"}},
			{"accents aside", "texteis sao", []string{"SAO"}},
			{"accents typed where none are stored", "Páulina", []string{"PAUL"}},
			{"every word is needed", "paul garments", []string{"PAUL"}},
			{"words in any order", "mills golden", []string{"GT"}},
			{"an address word", "tiruppur", []string{"GT"}},
			{"an accented address word typed plain", "marco bras", []string{"SAO"}},
			{"an OS ID", "in2019303bq3fzp", []string{"GT"}},
			{"the start of an LEI", "5493001K", []string{"LEI"}},
			{"a GLN", "0614141003006", []string{"LEI"}},
			{"Japanese", "東京紡績", []string{"JP"}},
			{"a Japanese address", "港区", []string{"JP"}},
			{"Cyrillic in another case", "РОМАШКА", []string{"RU"}},
			{"punctuation typed", "golden-thread, spinning!", []string{"GT"}},
			{"the middle of a word finds nothing", "olden", nil},
			{"only punctuation finds nothing", "&&", nil},
			{"a word no party has", "zz", nil},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got, total := search(t, tc.typed, supplychain.SortName, kernel.Page{})
				if diff := cmp.Diff(tc.want, got); diff != "" || total != len(tc.want) {
					t.Errorf("search %q = %v (total %d), want %v", tc.typed, got, total, tc.want)
				}
			})
		}
		// Combined with the other filters, sorted and paged like the rest
		// of the register.
		list, total, err := st.Register(ctx, tn.a.ID, supplychain.RegisterFilter{Search: "paul", Country: "BD"}, supplychain.SortName, kernel.Page{})
		if err != nil || total != 1 || len(list) != 1 || list[0].Party.Ref != "PAUL" {
			t.Errorf("search and country: %v %d %v", list, total, err)
		}
		if got, total := search(t, "paul", supplychain.SortName, kernel.Page{Limit: 1, Offset: 1}); total != 2 || cmp.Diff([]string{"SAO"}, got) != "" {
			t.Errorf("second page: %v of %d", got, total)
		}

		// A party renamed is found by its new name only.
		renamed := parties[5]
		renamed.Name = "Meghna Knitwear"
		if err := st.UpsertParties(ctx, tn.a.ID, []supplychain.Party{renamed}); err != nil {
			t.Fatal(err)
		}
		if got, _ := search(t, "paulina", "", kernel.Page{}); got != nil {
			t.Errorf("old name still found: %v", got)
		}
		if got, _ := search(t, "meghna", "", kernel.Page{}); cmp.Diff([]string{"PAUL"}, got) != "" {
			t.Errorf("new name: %v", got)
		}
		// An OS ID the Open Supply Hub look-up attaches is searchable.
		if err := st.RecordOSHLookup(ctx, tn.a.ID, supplychain.OSHLookup{PartyID: "p-sao", OSID: "BR2021111AAAAAA", Decision: "same", At: time.Now()}); err != nil {
			t.Fatal(err)
		}
		if got, _ := search(t, "br2021111", "", kernel.Page{}); cmp.Diff([]string{"SAO"}, got) != "" {
			t.Errorf("attached OS ID: %v", got)
		}
		if got, _ := search(t, "texteis", "", kernel.Page{}); cmp.Diff([]string{"SAO"}, got) != "" {
			t.Errorf("name after an OS ID was attached: %v", got)
		}
		// Parties stored before the search existed get their keys from
		// the migration's backfill.
		if err := db.ExecForTest(ctx, "DELETE FROM party_search"); err != nil {
			t.Fatal(err)
		}
		if got, _ := search(t, "golden", "", kernel.Page{}); got != nil {
			t.Fatalf("found with no key: %v", got)
		}
		if err := db.FillSearchWordsForTest(ctx); err != nil {
			t.Fatal(err)
		}
		if got, _ := search(t, "golden", "", kernel.Page{}); cmp.Diff([]string{"GT"}, got) != "" {
			t.Errorf("after the backfill: %v", got)
		}
		// A merge: the facility kept is found by the address it took from
		// the one merged into it, the one merged is found no more; undoing
		// the merge puts both back as they were.
		if err := st.UpsertParties(ctx, tn.a.ID, []supplychain.Party{
			{ID: "p-k1", Ref: "K1", Name: "Karnaphuli Knit Composite", Kind: supplychain.KindFacility, Country: "BD"},
			{ID: "p-k2", Ref: "K2", Name: "Karnaphuli Knitting Unit", Kind: supplychain.KindFacility, Country: "BD", Address: "Kalurghat Heavy Industrial Area, Chattogram"},
		}); err != nil {
			t.Fatal(err)
		}
		var merge supplychain.Merge
		if err := st.Import(ctx, tn.a.ID, func(iw supplychain.ImportWriter) error {
			var err error
			merge, err = iw.(*sqlstore.Writer).MergeFacility(supplychain.Merge{Into: "p-k1", From: "p-k2", Rule: supplychain.RuleAnalyst, Actor: "analyst", At: time.Now()})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got, _ := search(t, "kalurghat", "", kernel.Page{}); cmp.Diff([]string{"K1"}, got) != "" {
			t.Errorf("merged: the kept facility by the address it took: %v", got)
		}
		if got, _ := search(t, "knitting unit", "", kernel.Page{}); got != nil {
			t.Errorf("merged: the merged facility is still found: %v", got)
		}
		if _, err := st.UndoMerge(ctx, tn.a.ID, merge.ID, "analyst", time.Now()); err != nil {
			t.Fatal(err)
		}
		if got, _ := search(t, "kalurghat", "", kernel.Page{}); cmp.Diff([]string{"K2"}, got) != "" {
			t.Errorf("merge undone: the address finds %v, want the facility it belongs to", got)
		}
		if got, _ := search(t, "karnaphuli", "", kernel.Page{}); cmp.Diff([]string{"K1", "K2"}, got) != "" {
			t.Errorf("merge undone: %v", got)
		}

		// A party deleted leaves the index.
		if err := db.ExecForTest(ctx, "DELETE FROM parties WHERE org_id = $1 AND id = $2", tn.a.ID, "p-gt"); err != nil {
			t.Fatal(err)
		}
		if got, _ := search(t, "golden", "", kernel.Page{}); got != nil {
			t.Errorf("deleted party found: %v", got)
		}
	})
}
