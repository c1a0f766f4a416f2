package sqlstore

import (
	"cmp"
	"context"
	"database/sql/driver"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/supplychain"
)

// pairs are rows of two text columns for a feed table.
type pairs [][2]string

func (p pairs) Len() int                      { return len(p) }
func (p pairs) Value(i, col int) driver.Value { return p[i][col] }

func openSQLiteForTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "feed.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.write.Exec(feedTableSQL("feed_pairs", 1, "k", "v")); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestFeedTableReadsOneBatchInKeyOrder(t *testing.T) {
	db := openSQLiteForTest(t)
	first := db.feed.add(pairs{{"a", "3"}, {"b", "2"}, {"c", "1"}})
	other := db.feed.add(pairs{{"z", "9"}})
	defer db.feed.remove(first)
	defer db.feed.remove(other)

	rows, err := db.write.Query(`SELECT k, v FROM temp.feed_pairs WHERE batch = ? ORDER BY k`, first)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		got = append(got, k+v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a3", "b2", "c1"}; !slices.Equal(got, want) {
		t.Fatalf("batch %d read %v, want %v", first, got, want)
	}

	// The rows come sorted by the key, so SQLite sorts nothing for an
	// ORDER BY on it, and still sorts for any other order.
	for _, tc := range []struct {
		order  string
		sorter bool
	}{{"k", false}, {"k DESC", true}, {"v", true}, {"k, v", true}} {
		plan := queryPlan(t, db, `SELECT k, v FROM temp.feed_pairs WHERE batch = 1 ORDER BY `+tc.order)
		if got := strings.Contains(plan, "TEMP B-TREE"); got != tc.sorter {
			t.Errorf("ORDER BY %s: plan %q; a sorter: %v, want %v", tc.order, plan, got, tc.sorter)
		}
	}
}

func queryPlan(t *testing.T, db *DB, q string) string {
	t.Helper()
	rows, err := db.write.Query(`EXPLAIN QUERY PLAN ` + q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "; ")
}

func TestFeedTableRefusesReadsWithoutItsBatch(t *testing.T) {
	db := openSQLiteForTest(t)
	for _, tc := range []struct{ query, want string }{
		{`SELECT count(*) FROM temp.feed_pairs`, "only with batch = ?"},
		{`SELECT count(*) FROM temp.feed_pairs WHERE batch = 41`, "no rows registered as batch 41"},
		{`SELECT count(*) FROM temp.feed_pairs WHERE batch = 'one'`, "is not a number"},
	} {
		var n int
		err := db.write.QueryRow(tc.query).Scan(&n)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", tc.query, err, tc.want)
		}
	}
}

// Each database registers its feed on a driver of its own: rows added to
// one are never read through another, even under the same batch number.
func TestFeedsBelongToTheirDatabase(t *testing.T) {
	a, b := openSQLiteForTest(t), openSQLiteForTest(t)
	batch := a.feed.add(pairs{{"k", "v"}})
	defer a.feed.remove(batch)
	var n int
	if err := a.write.QueryRow(`SELECT count(*) FROM temp.feed_pairs WHERE batch = ?`, batch).Scan(&n); err != nil || n != 1 {
		t.Fatalf("own database: %d rows, %v", n, err)
	}
	if err := b.write.QueryRow(`SELECT count(*) FROM temp.feed_pairs WHERE batch = ?`, batch).Scan(&n); err == nil {
		t.Fatalf("another database read %d rows of batch %d", n, batch)
	}
	a.feed.remove(batch)
	if err := a.write.QueryRow(`SELECT count(*) FROM temp.feed_pairs WHERE batch = ?`, batch).Scan(&n); err == nil {
		t.Fatalf("a removed batch still read %d rows", n)
	}
}

// chunks.lastByKey keeps, for each key, the row given last, in key order: the
// same as writing the rows one by one, each replacing the one before.
func TestLastByKeyKeepsTheLastOfEachKey(t *testing.T) {
	type row struct{ key, value string }
	byKey := func(a, b *row) int { return cmp.Compare(a.key, b.key) }
	rng := rand.New(rand.NewPCG(7, 11))
	for trial := range 200 {
		rows := make([]row, rng.IntN(40))
		want := map[string]string{}
		for i := range rows {
			rows[i] = row{key: string(rune('a' + rng.IntN(8))), value: string(rune('0' + i%10))}
			want[rows[i].key] = rows[i].value
		}
		// Added in batches of any size, as a writer stages them.
		var staged chunks[row]
		for start := 0; start < len(rows); {
			end := min(len(rows), start+1+rng.IntN(6))
			staged.add(rows[start:end])
			start = end
		}
		kept := staged.lastByKey(byKey)
		if len(kept) != len(want) {
			t.Fatalf("trial %d: kept %d rows, want %d", trial, len(kept), len(want))
		}
		for k, r := range kept {
			if want[r.key] != r.value {
				t.Fatalf("trial %d: key %s kept value %s, the last given was %s", trial, r.key, r.value, want[r.key])
			}
			if k > 0 && kept[k-1].key >= r.key {
				t.Fatalf("trial %d: keys out of order: %s then %s", trial, kept[k-1].key, r.key)
			}
		}
	}
}

// partyValue gives, for every column the feed table of parties declares,
// that column's value, as the driver takes it; partyArgs, which PostgreSQL
// copies, gives the same after the organisation.
func TestPartyValueGivesEachColumnItsField(t *testing.T) {
	lat, lng := 13.1, -86.2
	p := supplychain.Party{ID: "p1", Ref: "R-1", Name: "Formosa Textil S.A.", Kind: supplychain.KindFacility, Country: "NI", Region: "Managua",
		Address: "Km 12 1/2 Carretera Norte", Lat: &lat, Lng: &lng, OSID: "NI2020", LEI: "5493001KJTIIGC8Y1R12", GLN: "0614141000012",
		Workers: 40, Commodities: []string{"cotton"}, UnknownCommodities: []string{"lace"}, Attributes: map[string]string{"tier": "2"},
		InferredCommodities: []string{"textiles"}, InferredFrom: "sector"}
	want := map[string]driver.Value{"id": "p1", "ref": "R-1", "name": "Formosa Textil S.A.", "name_key": supplychain.NormalKey(p.Name),
		"kind": "facility", "country": "NI", "region": "Managua", "address": "Km 12 1/2 Carretera Norte", "lat": 13.1, "lng": -86.2,
		"os_id": "NI2020", "lei": "5493001KJTIIGC8Y1R12", "gln": "0614141000012", "workers": int64(40), "commodities": `["cotton"]`,
		"unknown_commodities": `["lace"]`, "attributes": `{"tier":"2"}`, "inferred_commodities": `["textiles"]`, "inferred_from": "sector"}
	if len(want) != len(partyColumnNames)-1 {
		t.Fatalf("the test knows %d columns, the feed declares %d", len(want), len(partyColumnNames)-1)
	}
	args := (&Writer{org: "org"}).partyArgs(nil, p)
	for col, name := range partyColumnNames[1:] {
		if got := partyValue(&p, col); got != want[name] {
			t.Errorf("column %s: %v (%T), want %v (%T)", name, got, got, want[name], want[name])
		}
		if args[col+1] != want[name] {
			t.Errorf("partyArgs, column %s: %v, want %v", name, args[col+1], want[name])
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("a column past the declared ones gave a value")
		}
	}()
	partyValue(&p, len(partyColumnNames)-1)
}

// A party with only the usual values crosses as NULL where it can, and
// the INSERT's columns give those values back.
func TestPartyFeedCrossesUsualValuesAsNull(t *testing.T) {
	p := supplychain.Party{ID: "p2", Name: "Plain", Kind: supplychain.KindFarm, Country: "GH"}
	for col, name := range partyColumnNames[1:] {
		got := partyRows{&p}.Value(0, col)
		def, usual := partyFeedDefaults[name]
		if usual && got != nil {
			t.Errorf("column %s: %v crosses, want NULL", name, got)
		}
		if usual && !strings.Contains(partyFeedSelect, "ifnull("+name+", '"+def+"')") {
			t.Errorf("the INSERT does not give %s its usual value %q back: %s", name, def, partyFeedSelect)
		}
	}
}
