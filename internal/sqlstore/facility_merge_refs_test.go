package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/screening"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// refsSnapshot is every row of every table that names parties besides
// parties and links, in a fixed order.
func refsSnapshot(t *testing.T, db *sqlstore.DB, org string) map[string][][]string {
	t.Helper()
	out := map[string][][]string{}
	for _, tc := range sqlstore.PartyRefColumnsForTest() {
		if _, ok := out[tc[0]]; ok {
			continue
		}
		rows, err := db.QueryForTest(context.Background(), "SELECT * FROM "+tc[0]+" WHERE org_id = $1", org)
		if err != nil {
			t.Fatalf("%s: %v", tc[0], err)
		}
		slices.SortFunc(rows, func(a, b []string) int { return strings.Compare(strings.Join(a, "\x00"), strings.Join(b, "\x00")) })
		out[tc[0]] = rows
	}
	return out
}

// A merge moves to the kept facility what named the merged one: its
// audits, watchlist hits, EPCIS event records, grievance cases, early-
// warning signals and alerts, scorecard answers and Open Supply Hub
// look-up. What the kept facility already has (the same audit, a hit on
// the same list entry, a look-up of its own) stays as it is, and the
// merged facility's copy is set aside. Undoing the merge puts every row
// back exactly as it was.
func TestMergeMovesWhatNamesTheFacilityAndUndoPutsItBack(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		w := newMergeWorld(t, db, true)
		w.importCSV(t, "first.csv", mergeFirstCSV)
		w.importCSV(t, "second.csv", mergeSecondCSV)
		st := db.SupplyChain()
		d1, d2 := supplychain.RefID("D1"), supplychain.RefID("D2")
		at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
		day := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }

		// Audits: one only the merged facility has, and one both have
		// (same scheme and date, different results).
		err := st.Import(ctx, w.org, func(iw supplychain.ImportWriter) error {
			wr := iw.(*sqlstore.Writer)
			for _, a := range []struct {
				party  string
				audit  ingest.Audit
				source string
			}{
				{d2, ingest.Audit{Line: 2, Scheme: "SMETA", Date: day("2025-04-02"), Outcome: ingest.AuditPassed, Result: "pass"}, "d2.csv"},
				{d2, ingest.Audit{Line: 3, Scheme: "amfori BSCI", Date: day("2025-06-10"), Outcome: ingest.AuditFailed, Result: "E"}, "d2.csv"},
				{d1, ingest.Audit{Line: 2, Scheme: "amfori BSCI", Date: day("2025-06-10"), Outcome: ingest.AuditPassed, Result: "B"}, "d1.csv"},
			} {
				if err := wr.Audit(a.party, a.source, a.audit); err != nil {
					return err
				}
			}
			// The link the merged facility's buyer has, as an EPCIS event made it.
			return wr.RecordEventLinks(supplychain.LinkKey{Buyer: supplychain.RefID("BR2"), Supplier: d2, Commodity: "cotton"}, []string{"urn:uuid:ev-1"})
		})
		if err != nil {
			t.Fatal(err)
		}
		// Watchlist hits: one on an entry only the merged facility hit,
		// one on an entry both hit.
		sc := db.Screening()
		for _, it := range []screening.ReviewItem{
			{ID: kernel.NewID(), OrgID: w.org, PartyID: d2, PartyName: "Dhaka Knitwear Limited", ListName: "sdn", EntityID: "E1", Entity: "Dhaka Knit", Matched: "Dhaka Knit", Score: 0.9, Status: screening.StatusPending, CreatedAt: at, UpdatedAt: at},
			{ID: kernel.NewID(), OrgID: w.org, PartyID: d2, PartyName: "Dhaka Knitwear Limited", ListName: "sdn", EntityID: "E2", Entity: "Knit Wear", Matched: "Knitwear", Score: 0.8, Status: screening.StatusPending, CreatedAt: at, UpdatedAt: at},
			{ID: kernel.NewID(), OrgID: w.org, PartyID: d1, PartyName: "Dhaka Knit Wear Ltd", ListName: "sdn", EntityID: "E2", Entity: "Knit Wear", Matched: "Knit Wear", Score: 0.85, Status: screening.StatusPending, CreatedAt: at, UpdatedAt: at},
		} {
			if err := sc.PutReviewItem(ctx, it); err != nil {
				t.Fatal(err)
			}
		}
		// What other capabilities keep about the merged facility.
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO grievance_reports (id, org_id, locator, categories, supplier_id, received, channel, severity, stage, stage_since, n)
				VALUES ($1, $2, $3, '[]', $4, '2026-02-01', 'web', 'high', 'received', '2026-02-01', 1)`, []any{kernel.NewID(), w.org, "LOC-1", d2}},
			{`INSERT INTO ew_signals (id, org_id, kind, subject_kind, subject_id, at, value, source) VALUES ($1, $2, 'risk_change', 'party', $3, $4, 12.5, 'test')`,
				[]any{kernel.NewID(), w.org, d2, at}},
			{`INSERT INTO ew_signals (id, org_id, kind, subject_kind, subject_id, at, value, source) VALUES ($1, $2, 'grievance_count', 'country', $3, $4, 1, 'test')`,
				[]any{kernel.NewID(), w.org, d2, at}}, // another kind of subject with the same id: not a party, stays
			{`INSERT INTO scorecard_answers (id, org_id, subject_kind, subject_id, question_id, answered_on, body, created_at) VALUES ($1, $2, 'supplier', $3, 'q1', $4, '{}', $4)`,
				[]any{kernel.NewID(), w.org, d2, at}},
			{`INSERT INTO osh_lookups (org_id, party_id, os_id, name, address, score, decision, reasons, looked_at) VALUES ($1, $2, 'BD2020X', 'Dhaka Knitwear', 'Tongi', 0.7, 'review', '[]', $3)`,
				[]any{w.org, d2, at}},
			{`INSERT INTO osh_lookups (org_id, party_id, os_id, name, address, score, decision, reasons, looked_at) VALUES ($1, $2, 'BD2020Y', 'Dhaka Knit Wear', 'Tongi', 0.9, 'same', '[]', $3)`,
				[]any{w.org, d1, at}},
		} {
			if err := db.ExecForTest(ctx, q.sql, q.args...); err != nil {
				t.Fatalf("%s: %v", q.sql, err)
			}
		}
		before := refsSnapshot(t, db, w.org)

		m, err := w.svc.MergePair(ctx, st, w.org, d1, d2, "analyst-1")
		if err != nil {
			t.Fatal(err)
		}
		audits, err := st.AuditsOf(ctx, w.org, d1)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range audits {
			got = append(got, fmt.Sprintf("%s %s %s", a.Scheme, a.Date.Format(time.DateOnly), a.Result))
		}
		if want := []string{"SMETA 2025-04-02 pass", "amfori BSCI 2025-06-10 B"}; !slices.Equal(slices.Sorted(slices.Values(got)), want) {
			t.Errorf("audits of the kept facility %v, want %v", got, want)
		}
		if it, err := sc.FindReviewItem(ctx, w.org, d1, "sdn", "E1"); err != nil || it.PartyName != "Dhaka Knitwear Limited" {
			t.Errorf("the merged facility's watchlist hit did not move: %+v, %v", it, err)
		}
		if it, err := sc.FindReviewItem(ctx, w.org, d1, "sdn", "E2"); err != nil || it.Score != 0.85 {
			t.Errorf("the kept facility's own hit on the same entry changed: %+v, %v", it, err)
		}
		// Nothing that names parties names the merged facility any more,
		// but for the signal about something else with the same id.
		for _, tc := range sqlstore.PartyRefColumnsForTest() {
			rows, err := db.QueryForTest(ctx, fmt.Sprintf("SELECT * FROM %s WHERE org_id = $1 AND %s = $2", tc[0], tc[1]), w.org, d2)
			if err != nil {
				t.Fatal(err)
			}
			if tc[0] == "ew_signals" && len(rows) == 1 {
				continue
			}
			if len(rows) > 0 {
				t.Errorf("%s.%s still names the merged facility after the merge: %v", tc[0], tc[1], rows)
			}
		}
		for _, tc := range []struct{ table, column string }{
			{"grievance_reports", "supplier_id"}, {"scorecard_answers", "subject_id"}, {"epcis_link_events", "supplier_id"},
		} {
			rows, err := db.QueryForTest(ctx, fmt.Sprintf("SELECT count(*) FROM %s WHERE org_id = $1 AND %s = $2", tc.table, tc.column), w.org, d1)
			if err != nil || rows[0][0] != "1" {
				t.Errorf("%s names the kept facility %v times (%v), want once", tc.table, rows, err)
			}
		}

		if _, err := w.svc.UndoMerge(ctx, st, w.org, m.ID, "analyst-2"); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(before, refsSnapshot(t, db, w.org)); diff != "" {
			t.Errorf("after undo, what names the facilities differs from before the merge (-before +after):\n%s", diff)
		}
	})
}

// An analyst's decision on an Open Supply Hub suggestion: accepting gives
// the facility the OS ID, rejecting leaves it without; either takes the
// suggestion out of the queue and the facility out of the look-ups, and a
// second decision is refused.
func TestOSHSuggestionDecisions(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		w := newMergeWorld(t, db, false)
		w.importCSV(t, "first.csv", mergeFirstCSV)
		st := db.SupplyChain()
		at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
		h1, d1 := supplychain.RefID("H1"), supplychain.RefID("D1")
		for _, l := range []supplychain.OSHLookup{
			{PartyID: h1, OSID: "HN2021100ABCDEF", Name: "Hanes Ink SA", Score: 0.7, Decision: "review", At: at},
			{PartyID: d1, OSID: "BD2020999XYZ123", Name: "Dhaka Knitting", Score: 0.6, Decision: "review", At: at},
		} {
			if err := st.RecordOSHLookup(ctx, w.org, l); err != nil {
				t.Fatal(err)
			}
		}
		l, err := st.DecideOSHSuggestion(ctx, w.org, h1, true, "analyst-1", at)
		if err != nil || l.Decision != supplychain.OSHAccepted || l.OSID != "HN2021100ABCDEF" {
			t.Fatalf("accept: %+v, %v", l, err)
		}
		if p, err := st.GetParty(ctx, w.org, h1); err != nil || p.OSID != "HN2021100ABCDEF" {
			t.Errorf("OS ID after accepting: %q, %v", p.OSID, err)
		}
		if _, err := st.DecideOSHSuggestion(ctx, w.org, d1, false, "analyst-1", at); err != nil {
			t.Fatal(err)
		}
		if p, _ := st.GetParty(ctx, w.org, d1); p.OSID != "" {
			t.Errorf("a rejected suggestion gave the OS ID %q", p.OSID)
		}
		if rs, err := st.OSHReviews(ctx, w.org, 10); err != nil || len(rs) != 0 {
			t.Errorf("suggestions left after deciding both: %+v, %v", rs, err)
		}
		if left, err := st.FacilitiesToLookUp(ctx, w.org, 10); err != nil || len(left) != 0 {
			t.Errorf("facilities to look up again: %+v, %v", left, err)
		}
		if _, err := st.DecideOSHSuggestion(ctx, w.org, d1, true, "analyst-2", at); !kernel.IsCode(err, kernel.Conflict) {
			t.Errorf("a second decision: %v, want a conflict", err)
		}
		if _, err := st.DecideOSHSuggestion(ctx, w.org, supplychain.RefID("BR"), true, "analyst-2", at); !kernel.IsCode(err, kernel.NotFound) {
			t.Errorf("a facility without a suggestion: %v, want not found", err)
		}
	})
}
