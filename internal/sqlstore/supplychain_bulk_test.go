package sqlstore_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// schemaIndexes returns the CREATE INDEX statement of every index of the
// SQLite database at dsn, by name, read over a connection of its own.
func schemaIndexes(t *testing.T, dsn string) map[string]string {
	t.Helper()
	return schemaObjects(t, dsn, "index")
}

// schemaObjects returns the definition of every schema object of type typ
// (index, trigger) of the SQLite database at dsn, by name.
func schemaObjects(t *testing.T, dsn, typ string) map[string]string {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(dsn, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query("SELECT name, coalesce(sql, '') FROM sqlite_schema WHERE type = ?", typ)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			t.Fatal(err)
		}
		out[name] = def
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// searchIndexSound checks, on SQLite, that the register search's FTS5
// index holds exactly the words stored in party_search (FTS5's own
// integrity check of an index against its content table) and that a
// search for a word every one of n parties has finds n.
func searchIndexSound(t *testing.T, dsn string, n int) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(dsn, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`INSERT INTO party_search_fts (party_search_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Fatalf("search index against its words: %v", err)
	}
	var found int
	if err := raw.QueryRow(`SELECT count(*) FROM party_search_fts WHERE party_search_fts MATCH '"supplier"*'`).Scan(&found); err != nil || found != n {
		t.Fatalf("search for a word of every party found %d, want %d (%v)", found, n, err)
	}
}

// TestLargeImportKeepsEveryIndex imports enough rows into an empty store
// for SQLite to drop the secondary indexes of parties and links while it
// writes (supplychain_bulk.go): afterwards every index and trigger is
// there with its definition, the store answers queries that read by them,
// the search index matches the words, and a large import that fails on a
// bad row after the indexes were dropped, or after everything was
// written, stores nothing and leaves them all in place. A second import
// into the now larger store keeps its indexes throughout.
func TestLargeImportKeepsEveryIndex(t *testing.T) {
	t.Parallel() // each test has its own database
	ctx := context.Background()
	const n = 6000 // with its links, well over the bulk threshold
	data := supplierCSV(n)
	opts := ingest.Options{Name: "big.csv", Country: func(raw string) (string, error) {
		switch raw {
		case "Ivory Coast":
			return "CI", nil
		case "China":
			return "CN", nil
		}
		return raw, nil
	}, Commodity: func(raw string) (string, bool) { return strings.ReplaceAll(raw, " ", "-"), true }}
	imp := func(st *sqlstore.SupplyChain, orgID string, data []byte) error {
		return st.Import(ctx, orgID, func(w supplychain.ImportWriter) error {
			_, err := ingest.Import(ctx, bytes.NewReader(data), opts, w)
			return err
		})
	}
	// A bad share on the last row: the import fails after the indexes
	// were dropped.
	bad := append(bytes.Clone(data), []byte("S999999,Late Row,CN,shrimp,S1,150%,company,x,y,1,1,1\n")...)

	for _, e := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			dsn := sqltest.DSN(t, e)
			db, err := sqlstore.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			var before, triggers map[string]string
			if e == sqlstore.SQLite {
				triggers = schemaObjects(t, dsn, "trigger")
				if triggers["party_search_added"] == "" {
					t.Fatal("trigger party_search_added missing before the import: the test no longer covers the bulk path")
				}
				before = schemaIndexes(t, dsn)
				for _, name := range []string{"parties_name", "parties_name_key", "links_supplier"} {
					if before[name] == "" {
						t.Fatalf("index %s missing before the import: the test no longer covers the bulk path", name)
					}
				}
			}
			org := account.Org{ID: kernel.NewID(), Slug: "bulk", Name: "bulk", CreatedAt: t0}
			if err := db.Accounts().CreateOrg(ctx, org); err != nil {
				t.Fatal(err)
			}
			st := db.SupplyChain()

			if err := imp(st, org.ID, bad); !kernel.IsCode(err, kernel.Invalid) {
				t.Fatalf("bad row: err = %v, want invalid", err)
			}
			// Everything written and flushed, then a failure.
			late := errors.New("late failure")
			err = st.Import(ctx, org.ID, func(w supplychain.ImportWriter) error {
				if _, err := ingest.Import(ctx, bytes.NewReader(data), opts, w); err != nil {
					return err
				}
				if err := w.Flush(); err != nil {
					return err
				}
				return late
			})
			if !errors.Is(err, late) {
				t.Fatalf("failure after the flush: err = %v", err)
			}
			if _, total, err := st.ListParties(ctx, org.ID, supplychain.PartyFilter{}, kernel.Page{}); err != nil || total != 0 {
				t.Fatalf("after the failed imports: %d parties stored, %v", total, err)
			}
			if e == sqlstore.SQLite {
				if diff := cmp.Diff(before, schemaIndexes(t, dsn)); diff != "" {
					t.Fatalf("indexes after the failed imports (-before +after):\n%s", diff)
				}
				if diff := cmp.Diff(triggers, schemaObjects(t, dsn, "trigger")); diff != "" {
					t.Fatalf("triggers after the failed imports (-before +after):\n%s", diff)
				}
				searchIndexSound(t, dsn, 0)
			}

			for range 2 { // the first import fills an empty store, the second replaces it
				if err := imp(st, org.ID, data); err != nil {
					t.Fatal(err)
				}
				if e == sqlstore.SQLite {
					if diff := cmp.Diff(before, schemaIndexes(t, dsn)); diff != "" {
						t.Fatalf("indexes after the import (-before +after):\n%s", diff)
					}
					if diff := cmp.Diff(triggers, schemaObjects(t, dsn, "trigger")); diff != "" {
						t.Fatalf("triggers after the import (-before +after):\n%s", diff)
					}
					searchIndexSound(t, dsn, n)
				}
				_, total, err := st.ListParties(ctx, org.ID, supplychain.PartyFilter{}, kernel.Page{})
				if err != nil || total != n {
					t.Fatalf("%d parties stored, want %d (%v)", total, n, err)
				}
				// Read by name (the name-key index) and by supplier (the
				// links' supplier index).
				got, _, err := st.ListParties(ctx, org.ID, supplychain.PartyFilter{NamePrefix: "Supplier 5999 "}, kernel.Page{})
				if err != nil || len(got) != 1 || got[0].Ref != "S5999" {
					t.Fatalf("by name: %v, %v", got, err)
				}
				_, buyers, err := st.PartyLinks(ctx, org.ID, supplychain.RefID("S5999"))
				if err != nil || len(buyers) == 0 {
					t.Fatalf("buyers of S5999: %v, %v", buyers, err)
				}
			}
		})
	}
}

// TestRepeatsAcrossBatchesLastWins sends a party and a link twice in one
// import, several batches apart (and, in the second case, with a flush in
// between): on SQLite both are staged and written in key order at the
// flush (supplychain_bulk.go), and the one sent last must still win, as
// it does when each batch is written as it fills.
func TestRepeatsAcrossBatchesLastWins(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		st := db.SupplyChain()
		for _, flush := range []bool{false, true} {
			org := account.Org{ID: kernel.NewID(), Slug: fmt.Sprintf("last-%v", flush), Name: "last", CreatedAt: t0}
			if err := db.Accounts().CreateOrg(ctx, org); err != nil {
				t.Fatal(err)
			}
			ps, ls := cocoaChain()
			seedChain(t, st, org.ID)
			first, last := ps[1], ps[1]
			first.Name, last.Name, last.Country = "First Trading", "Last Trading", "GH"
			firstLink, lastLink := ls[1], ls[1]
			firstLink.Share, lastLink.Share = fp(0.2), fp(0.7)
			const filler = 1200 // several batches of parties and of links
			err := st.Import(ctx, org.ID, func(w supplychain.ImportWriter) error {
				if err := w.Party(first); err != nil {
					return err
				}
				if err := w.Link(firstLink); err != nil {
					return err
				}
				for i := range filler {
					ref := fmt.Sprintf("F%d", i)
					p := supplychain.Party{ID: supplychain.RefID(ref), Ref: ref, Name: "Filler " + ref, Kind: supplychain.KindFarm, Country: "CI"}
					if err := w.Party(p); err != nil {
						return err
					}
					if err := w.Link(supplychain.Link{Buyer: ps[0].ID, Supplier: p.ID, Commodity: "cocoa"}); err != nil {
						return err
					}
				}
				if flush {
					if err := w.Flush(); err != nil {
						return err
					}
				}
				if err := w.Party(last); err != nil {
					return err
				}
				return w.Link(lastLink)
			})
			if err != nil {
				t.Fatal(err)
			}
			got, err := st.GetParty(ctx, org.ID, last.ID)
			if err != nil || got.Name != last.Name || got.Country != last.Country {
				t.Errorf("flush %v: party sent twice = %q in %s (%v), want %q in %s", flush, got.Name, got.Country, err, last.Name, last.Country)
			}
			_, links, err := st.Graph(ctx, org.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(links) != len(ls)+filler {
				t.Errorf("flush %v: %d links, want %d", flush, len(links), len(ls)+filler)
			}
			for _, l := range links {
				if l.Key() == lastLink.Key() && (l.Share == nil || *l.Share != 0.7) {
					t.Errorf("flush %v: link sent twice has share %s, want 0.7", flush, shareText(l.Share))
				}
			}
		}
	})
}

func shareText(f *float64) string {
	if f == nil {
		return "none"
	}
	return fmt.Sprint(*f)
}

// An import larger than the SQLite stage writes the stage whenever it is
// full: what it stores is what one stage stores, parties sent again in a
// later stage and their search words included.
func TestStageWrittenWhenFullStoresWhatOneStageDoes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	org := account.Org{ID: kernel.NewID(), Slug: "stage", Name: "stage", CreatedAt: t0}
	lat := 5.6
	imported := func(limit int) (*sqlstore.DB, [][]string) {
		db := sqltest.Open(t, sqlstore.SQLite)
		if limit > 0 {
			db.SetStageLimitForTest(limit)
		}
		if err := db.Accounts().CreateOrg(ctx, org); err != nil {
			t.Fatal(err)
		}
		err := db.SupplyChain().Import(ctx, org.ID, func(w supplychain.ImportWriter) error {
			buyer := supplychain.Party{ID: supplychain.RefID("B"), Ref: "B", Name: "Buyer Brand", Kind: supplychain.KindCompany, Country: "DE"}
			if err := w.Party(buyer); err != nil {
				return err
			}
			sent := []string{"first", "again"}
			for round := range 2 { // the second round sends every fifth party again, changed
				for i := range 700 {
					if round == 1 && i%5 != 0 {
						continue
					}
					ref := fmt.Sprintf("S%d", i)
					p := supplychain.Party{ID: supplychain.RefID(ref), Ref: ref, Name: fmt.Sprintf("Supplier %d %s", i, sent[round]),
						Kind: supplychain.KindFacility, Country: "GH", Commodities: []string{"cocoa"}}
					if i%3 == 0 {
						p.Region, p.Lat, p.Lng, p.Attributes = "Ashanti", &lat, &lat, map[string]string{"round": fmt.Sprint(round)}
					}
					if err := w.Party(p); err != nil {
						return err
					}
					if err := w.Link(supplychain.Link{Buyer: buyer.ID, Supplier: p.ID, Commodity: "cocoa", Share: fp(float64(round+1) / 10)}); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("stage of %d rows: %v", limit, err)
		}
		var dump [][]string
		for _, q := range []string{
			`SELECT ` + strings.Join([]string{"id", "ref", "name", "name_key", "kind", "country", "region", "address", "lat", "lng", "os_id", "lei", "gln",
				"workers", "commodities", "unknown_commodities", "attributes", "inferred_commodities", "inferred_from"}, ", ") + ` FROM parties WHERE org_id = $1 ORDER BY id`,
			`SELECT buyer_id, supplier_id, commodity, share FROM links WHERE org_id = $1 ORDER BY buyer_id, supplier_id, commodity`,
			`SELECT party_id, words FROM party_search WHERE org_id = $1 ORDER BY party_id`,
		} {
			rows, err := db.QueryForTest(ctx, q, org.ID)
			if err != nil {
				t.Fatal(err)
			}
			dump = append(dump, rows...)
		}
		if err := db.ExecForTest(ctx, `INSERT INTO party_search_fts (party_search_fts) VALUES ('integrity-check')`); err != nil {
			t.Errorf("stage of %d rows: search index: %v", limit, err)
		}
		return db, dump
	}
	_, want := imported(0)
	if len(want) != 701+700+701 { // parties, links, search words
		t.Fatalf("one stage stored %d rows of parties, links and search words, want %d", len(want), 701+700+701)
	}
	for _, limit := range []int{1, 37, 500} {
		db, got := imported(limit)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("stage of %d rows stored other rows than one stage (-one stage +this one):\n%s", limit, diff)
		}
		// The search index has the words of the last sent: 140 of the
		// 700 suppliers were sent again.
		for word, want := range map[string]string{"first": "560", "again": "140"} {
			rows, err := db.QueryForTest(ctx, `SELECT count(*) FROM party_search_fts WHERE party_search_fts MATCH $1`, word)
			if err != nil || len(rows) != 1 || rows[0][0] != want {
				t.Errorf("stage of %d rows: %v parties found by %q (%v), want %s", limit, rows, word, err, want)
			}
		}
	}
}
