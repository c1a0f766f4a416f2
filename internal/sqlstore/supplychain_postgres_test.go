package sqlstore_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/commodity"
	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// File sizes for PostgreSQL's batches of 10,000 parties and 20,000 links
// (the file has about 2.5 links per row): pgImportRows takes several
// batches of each, pgBatchRows more than one.
const (
	pgImportRows = 25_000
	pgBatchRows  = 12_000
)

// pgStore opens a fresh PostgreSQL store with one organisation, and a
// plain connection pool to the same database for looking at the rows.
func pgStore(t testing.TB) (*sqlstore.DB, *sql.DB, string) {
	t.Helper()
	ctx := context.Background()
	dsn := sqltest.DSN(t, sqlstore.Postgres)
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	org := account.Org{ID: kernel.NewID(), Slug: "pg", Name: "pg", CreatedAt: t0}
	if err := db.Accounts().CreateOrg(ctx, org); err != nil {
		t.Fatal(err)
	}
	return db, raw, org.ID
}

func benchOptions() ingest.Options {
	return ingest.Options{
		Name:    "bench.csv",
		Country: func(raw string) (string, error) { c, err := country.Lookup(raw); return c.Alpha2, err },
		Commodity: func(raw string) (string, bool) {
			c, known := commodity.Normalise(raw)
			return c.ID, known
		},
	}
}

// importFile imports data into the organisation and returns fn's error, or
// the import's.
func importFile(ctx context.Context, st *sqlstore.SupplyChain, orgID string, data []byte, after func(w supplychain.ImportWriter) error) error {
	return st.Import(ctx, orgID, func(w supplychain.ImportWriter) error {
		if _, err := ingest.Import(ctx, bytes.NewReader(data), benchOptions(), w); err != nil {
			return err
		}
		if after != nil {
			return after(w)
		}
		return nil
	})
}

// collect keeps what an importer sends, as the store should keep it: the
// last party of an id and the last link of a key.
type collect struct {
	parties map[string]supplychain.Party
	links   map[supplychain.LinkKey]supplychain.Link
}

func (c *collect) Party(p supplychain.Party) error { c.parties[p.ID] = p; return nil }
func (c *collect) Link(l supplychain.Link) error   { c.links[l.Key()] = l; return nil }

// digest is every stored row of the organisation's parties, links and
// register keys, as one text per table.
type digest struct {
	Parties, Links, Keys string
	NParties, NLinks     int
}

func pgDigest(t *testing.T, raw *sql.DB, orgID string) digest {
	t.Helper()
	var d digest
	for _, q := range []struct {
		dst *string
		n   *int
		sql string
	}{
		{&d.Parties, &d.NParties, `SELECT count(*), coalesce(md5(string_agg(p::text, '|' ORDER BY id)), '') FROM parties p WHERE org_id = $1`},
		{&d.Links, &d.NLinks, `SELECT count(*), coalesce(md5(string_agg(l::text, '|' ORDER BY buyer_id, supplier_id, commodity)), '') FROM links l WHERE org_id = $1`},
		{&d.Keys, nil, `SELECT count(*), coalesce(md5(string_agg(k::text, '|' ORDER BY party_id, commodity)), '') FROM register_keys k WHERE org_id = $1`},
	} {
		var n int
		if err := raw.QueryRow(q.sql, orgID).Scan(&n, q.dst); err != nil {
			t.Fatal(err)
		}
		if q.n != nil {
			*q.n = n
		}
	}
	return d
}

// TestPostgresImportLarge imports a file of several batches twice: the
// stored rows are what the file says (the last of repeats), and the second
// import changes nothing.
func TestPostgresImportLarge(t *testing.T) {
	t.Parallel() // each test has its own database
	db, raw, orgID := pgStore(t)
	ctx := context.Background()
	st := db.SupplyChain()
	data := supplierCSV(pgImportRows)
	want := &collect{parties: map[string]supplychain.Party{}, links: map[supplychain.LinkKey]supplychain.Link{}}
	if _, err := ingest.Import(ctx, bytes.NewReader(data), benchOptions(), want); err != nil {
		t.Fatal(err)
	}
	if err := importFile(ctx, st, orgID, data, nil); err != nil {
		t.Fatal(err)
	}
	first := pgDigest(t, raw, orgID)
	if first.NParties != len(want.parties) || first.NLinks != len(want.links) || len(want.links) < 2*pgImportRows {
		t.Fatalf("stored %d parties and %d links, want %d and %d", first.NParties, first.NLinks, len(want.parties), len(want.links))
	}
	ps, ls, err := st.Graph(ctx, orgID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		w := want.parties[p.ID]
		if p.Country != w.Country || !cmp.Equal(p.Commodities, w.Commodities) {
			t.Fatalf("party %s stored as %+v, sent %+v", p.ID, p, w)
		}
	}
	for _, l := range ls {
		w, ok := want.links[l.Key()]
		if !ok || !cmp.Equal(l.Share, w.Share) {
			t.Fatalf("link %+v stored, sent %+v", l, w)
		}
	}
	for _, id := range []string{"S0", "S12345", "S" + strconv.Itoa(pgImportRows-1)} {
		p := want.parties[supplychain.RefID(id)]
		got, err := st.GetParty(ctx, orgID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("party %s (-sent +stored):\n%s", id, diff)
		}
	}
	if err := importFile(ctx, st, orgID, data, nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, pgDigest(t, raw, orgID)); diff != "" {
		t.Errorf("importing the same file again changed the rows (-first +second):\n%s", diff)
	}
}

// TestPostgresImportReplacesParty re-imports parties: they take the new
// columns and keep their risk until the recompute; those whose country or
// commodities changed lose their register keys (the recompute writes them
// again), the others keep them.
func TestPostgresImportReplacesParty(t *testing.T) {
	t.Parallel() // each test has its own database
	db, raw, orgID := pgStore(t)
	ctx := context.Background()
	st := db.SupplyChain()
	ps, ls := cocoaChain()
	if err := st.UpsertParties(ctx, orgID, ps); err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertLinks(ctx, orgID, ls); err != nil {
		t.Fatal(err)
	}
	var rs []supplychain.PartyRisk
	for i, p := range ps {
		rs = append(rs, supplychain.PartyRisk{ID: p.ID, Tier: 1 + i, Exposure: 10 * float64(i+1), Level: "low", Country: p.Country, Commodities: p.Commodities})
	}
	if err := st.SaveRisk(ctx, orgID, sqlstore.RiskRows(rs)); err != nil {
		t.Fatal(err)
	}
	keys := func(id string) int {
		t.Helper()
		var n int
		if err := raw.QueryRow("SELECT count(*) FROM register_keys WHERE org_id = $1 AND party_id = $2", orgID, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	grinder, trader, coop, farm := ps[0], ps[1], ps[2], ps[3]
	if keys(grinder.ID) != 2 || keys(trader.ID) != 3 || keys(coop.ID) != 2 || keys(farm.ID) != 2 {
		t.Fatalf("register keys before = %d, %d, %d, %d; want 2, 3, 2, 2", keys(grinder.ID), keys(trader.ID), keys(coop.ID), keys(farm.ID))
	}
	moved := trader
	moved.Name, moved.Country, moved.LEI = "Abidjan Trading SA", "GH", ""
	moved.Attributes = map[string]string{"note": "moved"}
	dropped := coop
	dropped.Commodities = []string{"coffee"}
	renamed := grinder
	renamed.Name, renamed.Workers = "Grinder Europe II", 90
	// The farm is sent again as it is.
	sent := []supplychain.Party{moved, dropped, renamed, farm}
	if err := st.UpsertParties(ctx, orgID, sent); err != nil {
		t.Fatal(err)
	}
	for _, p := range sent {
		got, err := st.GetParty(ctx, orgID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("re-imported party %s (-sent +stored):\n%s", p.Ref, diff)
		}
	}
	if keys(trader.ID) != 0 || keys(coop.ID) != 0 || keys(grinder.ID) != 2 || keys(farm.ID) != 2 {
		t.Errorf("register keys after = trader %d, cooperative %d (country, commodities changed: want 0), grinder %d, farm %d (want 2)",
			keys(trader.ID), keys(coop.ID), keys(grinder.ID), keys(farm.ID))
	}
	for i, p := range ps {
		var tier int
		var exposure float64
		if err := raw.QueryRow("SELECT tier, exposure FROM parties WHERE org_id = $1 AND id = $2", orgID, p.ID).Scan(&tier, &exposure); err != nil {
			t.Fatal(err)
		}
		if tier != rs[i].Tier || exposure != rs[i].Exposure {
			t.Errorf("party %s's risk after the import = tier %d, exposure %v; want it kept until the recompute (%d, %v)", p.Ref, tier, exposure, rs[i].Tier, rs[i].Exposure)
		}
	}
}

// newOrg adds an organisation with nothing stored.
func newOrg(t testing.TB, db *sqlstore.DB) string {
	t.Helper()
	org := account.Org{ID: kernel.NewID(), Slug: "o" + strings.ToLower(kernel.NewID()[24:]), Name: "another", CreatedAt: t0}
	if err := db.Accounts().CreateOrg(context.Background(), org); err != nil {
		t.Fatal(err)
	}
	return org.ID
}

// TestPostgresImportRepeats sends the same party and the same link more
// than once, in one batch and in batches apart, into a new organisation
// (whose batches go straight into the stored tables until a key repeats)
// and into one with parties stored: the last one wins.
func TestPostgresImportRepeats(t *testing.T) {
	t.Parallel() // each test has its own database
	db, _, _ := pgStore(t)
	ctx := context.Background()
	st := db.SupplyChain()
	ps, _ := cocoaChain()
	g, tr := ps[0], ps[1]
	renamed := g
	renamed.Name = "Grinder Europe II"
	link := func(share float64) supplychain.Link {
		return supplychain.Link{Buyer: g.ID, Supplier: tr.ID, Commodity: "cocoa", Share: fp(share)}
	}
	filler := supplierCSV(pgBatchRows)
	tests := []struct {
		name string
		send []any // parties and links in order; nil sends the filler file
	}{
		{"in one batch", []any{g, tr, renamed, link(0.1), link(0.2), link(0.4)}},
		{"party in batches apart", []any{g, tr, link(0.4), nil, renamed}},
		{"link in batches apart", []any{renamed, tr, link(0.1), nil, link(0.4)}},
		{"both in batches apart", []any{g, tr, link(0.1), nil, renamed, link(0.4)}},
	}
	for _, tt := range tests {
		for _, org := range []string{"new", "stored"} {
			t.Run(tt.name+"/"+org, func(t *testing.T) {
				orgID := newOrg(t, db)
				if org == "stored" {
					if err := st.UpsertParties(ctx, orgID, ps); err != nil {
						t.Fatal(err)
					}
					if err := st.UpsertLinks(ctx, orgID, []supplychain.Link{link(0.9)}); err != nil {
						t.Fatal(err)
					}
				}
				err := st.Import(ctx, orgID, func(w supplychain.ImportWriter) error {
					for _, v := range tt.send {
						var err error
						switch v := v.(type) {
						case supplychain.Party:
							err = w.Party(v)
						case supplychain.Link:
							err = w.Link(v)
						default:
							_, err = ingest.Import(ctx, bytes.NewReader(filler), benchOptions(), w)
						}
						if err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				got, err := st.GetParty(ctx, orgID, g.ID)
				if err != nil || got.Name != renamed.Name {
					t.Errorf("repeated party stored as %q, %v; want the last", got.Name, err)
				}
				suppliers, _, err := st.PartyLinks(ctx, orgID, g.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(suppliers) != 1 || suppliers[0].Share == nil || *suppliers[0].Share != 0.4 {
					t.Errorf("repeated link stored as %+v; want one, with the last share 0.4", suppliers)
				}
			})
		}
	}
}

// TestPostgresImportManyBatches flushes after every few rows, for more
// batches than go straight into the stored tables of a new organisation,
// and compares the result with the same file imported in big batches.
func TestPostgresImportManyBatches(t *testing.T) {
	t.Parallel() // each test has its own database
	db, raw, orgID := pgStore(t)
	ctx := context.Background()
	st := db.SupplyChain()
	data := supplierCSV(2000)
	err := st.Import(ctx, orgID, func(w supplychain.ImportWriter) error {
		_, err := ingest.Import(ctx, bytes.NewReader(data), benchOptions(), &flushEvery{w: w, n: 50})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &collect{parties: map[string]supplychain.Party{}, links: map[supplychain.LinkKey]supplychain.Link{}}
	if _, err := ingest.Import(ctx, bytes.NewReader(data), benchOptions(), want); err != nil {
		t.Fatal(err)
	}
	got := pgDigest(t, raw, orgID)
	if got.NParties != len(want.parties) || got.NLinks != len(want.links) {
		t.Fatalf("stored %d parties and %d links, want %d and %d", got.NParties, got.NLinks, len(want.parties), len(want.links))
	}
	// The same, in big batches, into another new organisation.
	other := newOrg(t, db)
	if err := importFile(ctx, st, other, data, nil); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`SELECT count(*) FROM (SELECT ` + pgPartyValues + ` FROM parties WHERE org_id = $1
			EXCEPT SELECT ` + pgPartyValues + ` FROM parties WHERE org_id = $2) d`,
		`SELECT count(*) FROM (SELECT buyer_id, supplier_id, commodity, share FROM links WHERE org_id = $1
			EXCEPT SELECT buyer_id, supplier_id, commodity, share FROM links WHERE org_id = $2) d`,
	} {
		var differ int
		if err := raw.QueryRow(q, orgID, other).Scan(&differ); err != nil {
			t.Fatal(err)
		}
		if differ != 0 {
			t.Errorf("%d rows differ between an import in small batches and one in big batches: %s", differ, q)
		}
	}
}

// pgPartyValues are the columns of parties that an import writes, but the
// organisation.
const pgPartyValues = `id, ref, name, name_key, kind, country, region, address, lat, lng, os_id, lei, gln, workers,
	commodities, unknown_commodities, attributes`

// flushEvery flushes the writer after every n rows it is sent.
type flushEvery struct {
	w       supplychain.ImportWriter
	n, sent int
}

func (f *flushEvery) Party(p supplychain.Party) error { return f.after(f.w.Party(p)) }
func (f *flushEvery) Link(l supplychain.Link) error   { return f.after(f.w.Link(l)) }

func (f *flushEvery) after(err error) error {
	if err != nil {
		return err
	}
	if f.sent++; f.sent%f.n == 0 {
		return f.w.Flush()
	}
	return nil
}

// TestPostgresImportFailureWritesNothing fails imports at several points,
// after batches were COPYed, into an organisation with parties stored and
// into a new one: nothing of them stays, removed register keys included,
// and the connections serve the next import.
func TestPostgresImportFailureWritesNothing(t *testing.T) {
	t.Parallel() // each test has its own database
	db, raw, stored := pgStore(t)
	ctx := context.Background()
	st := db.SupplyChain()
	// Something stored before, with risk, that the failed imports replace.
	ps, ls := cocoaChain()
	if err := st.UpsertParties(ctx, stored, ps); err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertLinks(ctx, stored, ls); err != nil {
		t.Fatal(err)
	}
	var rs []supplychain.PartyRisk
	for _, p := range ps {
		rs = append(rs, supplychain.PartyRisk{ID: p.ID, Tier: 1, Exposure: 50, Level: "medium", Country: p.Country, Commodities: p.Commodities})
	}
	if err := st.SaveRisk(ctx, stored, sqlstore.RiskRows(rs)); err != nil {
		t.Fatal(err)
	}
	data := supplierCSV(pgBatchRows)
	ghost := supplychain.RefID("ghost")
	boom := errors.New("the file ended early")
	// A party that moved loses its register keys in the import.
	changed := ps[0]
	changed.Name, changed.Country = "Grinder Belgium", "BE"
	tests := []struct {
		name  string
		after func(w supplychain.ImportWriter, orgID string, before digest) error
		code  kernel.Code
		msg   string
	}{
		{"the file fails after a batch", func(w supplychain.ImportWriter, orgID string, before digest) error {
			if err := w.Party(changed); err != nil {
				return err
			}
			if err := w.Flush(); err != nil {
				return err
			}
			// Written rows are not visible outside the transaction.
			var n int
			if err := raw.QueryRow("SELECT count(*) FROM parties WHERE org_id = $1", orgID).Scan(&n); err != nil {
				return err
			}
			if n != before.NParties {
				return fmt.Errorf("another connection sees %d parties during the import, want %d", n, before.NParties)
			}
			return boom
		}, "", boom.Error()},
		{"a link names an unknown party after a batch", func(w supplychain.ImportWriter, _ string, _ digest) error {
			if err := w.Party(changed); err != nil {
				return err
			}
			return w.Link(supplychain.Link{Buyer: ghost, Supplier: ps[0].ID, Commodity: "cocoa"})
		}, kernel.NotFound, ghost},
		{"the database refuses a value", func(w supplychain.ImportWriter, _ string, _ digest) error {
			bad := changed
			bad.Address = "a\x00b" // PostgreSQL text holds no NUL
			return w.Party(bad)
		}, "", "copy parties"},
	}
	for _, tt := range tests {
		for _, org := range []string{"stored", "new"} {
			t.Run(tt.name+"/"+org, func(t *testing.T) {
				orgID := stored
				if org == "new" {
					orgID = newOrg(t, db)
				}
				before := pgDigest(t, raw, orgID)
				err := importFile(ctx, st, orgID, data, func(w supplychain.ImportWriter) error {
					return tt.after(w, orgID, before)
				})
				if err == nil || !strings.Contains(err.Error(), tt.msg) || (tt.code != "" && !kernel.IsCode(err, tt.code)) {
					t.Fatalf("err = %v (%s), want %q (%s)", err, kernel.ErrorCode(err), tt.msg, tt.code)
				}
				if diff := cmp.Diff(before, pgDigest(t, raw, orgID)); diff != "" {
					t.Errorf("a failed import changed the rows (-before +after):\n%s", diff)
				}
			})
		}
	}
	// The connections the failed imports ran on still import.
	for range 3 {
		if err := st.UpsertParties(ctx, stored, []supplychain.Party{changed}); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := st.GetParty(ctx, stored, changed.ID); err != nil || got.Name != changed.Name {
		t.Errorf("after the failures, party = %q, %v", got.Name, err)
	}
}

// BenchmarkImportPostgres is BenchmarkImportSQLite on PostgreSQL (given by
// UPSTREAM_TEST_POSTGRES): the parse-only baseline; an import into a fresh
// database; the same into an organisation with a party stored, which takes
// the temporary tables; and an import of the same file again, every party
// and link then an upsert. PostgreSQL works in processes of its own, so
// rows/cpu-s counts the CPU time of this process and of the database's
// server processes (backends); rows/client-cpu-s this process's alone.
func BenchmarkImportPostgres(b *testing.B) {
	if os.Getenv(sqltest.PostgresEnv) == "" {
		b.Skip(sqltest.PostgresEnv + " is not set")
	}
	n := 100_000
	if v := os.Getenv("UPSTREAM_BENCH_PARTIES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatalf("UPSTREAM_BENCH_PARTIES: %v", err)
		}
	}
	data := supplierCSV(n)
	ctx := context.Background()
	b.Run("baseline-parse-only", func(b *testing.B) {
		var cpu time.Duration
		for b.Loop() {
			cpu0 := cpuTime()
			res, err := ingest.Import(ctx, bytes.NewReader(data), benchOptions(), discard{})
			if err != nil || res.Rows != n {
				b.Fatalf("%d rows, %v", res.Rows, err)
			}
			cpu += cpuTime() - cpu0
		}
		reportRows(b, n, cpu)
	})
	run := func(b *testing.B, db *sqlstore.DB, raw *sql.DB, orgID string, client, server *time.Duration) {
		cpu0, srv0 := cpuTime(), backendCPU(b, raw)
		if err := importFile(ctx, db.SupplyChain(), orgID, data, nil); err != nil {
			b.Fatal(err)
		}
		*client += cpuTime() - cpu0
		*server += backendCPU(b, raw).Sub(srv0)
	}
	report := func(b *testing.B, client, server time.Duration) {
		reportRows(b, n, client+server)
		b.ReportMetric(float64(n)*float64(b.N)/client.Seconds(), "rows/client-cpu-s")
	}
	// "-no-search" leaves the register search's words unwritten: the ratio
	// is what indexing for search costs, in one run.
	for _, variant := range []string{"postgres-fresh", "postgres-fresh-no-search"} {
		b.Run(variant, func(b *testing.B) {
			var client, server time.Duration
			for b.Loop() {
				b.StopTimer()
				db, raw, orgID := pgStore(b)
				if variant != "postgres-fresh" {
					db.SkipSearchIndexForTest()
				}
				b.StartTimer()
				run(b, db, raw, orgID, &client, &server)
			}
			report(b, client, server)
		})
	}
	// An organisation with a party stored takes every batch through the
	// temporary tables.
	b.Run("postgres-into-stored", func(b *testing.B) {
		var client, server time.Duration
		for b.Loop() {
			b.StopTimer()
			db, raw, orgID := pgStore(b)
			ps, _ := cocoaChain()
			if err := db.SupplyChain().UpsertParties(ctx, orgID, ps[:1]); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			run(b, db, raw, orgID, &client, &server)
		}
		report(b, client, server)
	})
	b.Run("postgres-reimport", func(b *testing.B) {
		db, raw, orgID := pgStore(b)
		if err := importFile(ctx, db.SupplyChain(), orgID, data, nil); err != nil {
			b.Fatal(err)
		}
		var client, server time.Duration
		for b.Loop() {
			run(b, db, raw, orgID, &client, &server)
		}
		report(b, client, server)
	})
}

// backends is the CPU time used so far by each server process connected
// to the database of raw, by process id.
type backends map[int]time.Duration

// backendCPU reads the CPU time of the database's server processes (other
// than raw's own) from /proc: the server runs on this machine in the
// benchmarks. It is empty where /proc cannot be read.
func backendCPU(b *testing.B, raw *sql.DB) backends {
	b.Helper()
	conn, err := raw.Conn(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.QueryContext(context.Background(),
		"SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	out := backends{}
	for rows.Next() {
		var pid int
		if err := rows.Scan(&pid); err != nil {
			b.Fatal(err)
		}
		if cpu, ok := procCPU(pid); ok {
			out[pid] = cpu
		}
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return out
}

// Sub is the CPU time used between before and now, counting processes that
// started since in full.
func (now backends) Sub(before backends) time.Duration {
	var d time.Duration
	for pid, cpu := range now {
		d += cpu - before[pid]
	}
	return d
}

// procCPU is the user and system time of process pid (/proc/PID/stat
// fields 14 and 15, in clock ticks of 1/100 s on Linux).
func procCPU(pid int) (time.Duration, bool) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	// The command name, field 2, is in parentheses and may hold spaces.
	s := string(raw)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:]) // from field 3
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, true
}
