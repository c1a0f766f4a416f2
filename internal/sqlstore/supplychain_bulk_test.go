package sqlstore_test

import (
	"bytes"
	"context"
	"database/sql"
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
	raw, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(dsn, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query("SELECT name, coalesce(sql, '') FROM sqlite_schema WHERE type = 'index'")
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

// TestLargeImportKeepsEveryIndex imports enough rows into an empty store
// for SQLite to drop the secondary indexes of parties and links while it
// writes (supplychain_bulk.go): afterwards every index is there with its
// definition, the store answers queries that read by them, and a large
// import that fails on a bad row after the indexes were dropped stores
// nothing and leaves them all in place. A second import into the now
// larger store keeps its indexes throughout.
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
			var before map[string]string
			if e == sqlstore.SQLite {
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
			if _, total, err := st.ListParties(ctx, org.ID, supplychain.PartyFilter{}, kernel.Page{}); err != nil || total != 0 {
				t.Fatalf("after the failed import: %d parties stored, %v", total, err)
			}
			if e == sqlstore.SQLite {
				if diff := cmp.Diff(before, schemaIndexes(t, dsn)); diff != "" {
					t.Fatalf("indexes after the failed import (-before +after):\n%s", diff)
				}
			}

			for range 2 { // the first import fills an empty store, the second replaces it
				if err := imp(st, org.ID, data); err != nil {
					t.Fatal(err)
				}
				if e == sqlstore.SQLite {
					if diff := cmp.Diff(before, schemaIndexes(t, dsn)); diff != "" {
						t.Fatalf("indexes after the import (-before +after):\n%s", diff)
					}
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
