package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/screening"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

func reviewItem(org, party, entity string, score float64) screening.ReviewItem {
	e := &screening.Entity{ID: entity, Name: "ENTITY " + entity, ListName: "ofac-sdn"}
	h := screening.Hit{Entity: e, MatchedName: e.Name, Score: score, Reasons: []string{"word \"entity\" exact", "country agrees"}}
	return screening.NewReviewItem(org, party, "Party "+party, screening.List{Name: "ofac-sdn", SHA256: "v1"}, h,
		&kernel.FixedClock{T: t0})
}

func TestScreeningReviewRoundTrip(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.Screening()

		it := reviewItem(tn.a.ID, "p1", "306", 0.91)
		if err := st.PutReviewItem(ctx, it); err != nil {
			t.Fatal(err)
		}
		got, err := st.ReviewItem(ctx, tn.a.ID, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Entity != it.Entity || got.Score != 0.91 || len(got.Reasons) != 2 || got.Status != screening.StatusPending ||
			got.Decision != nil || !got.CreatedAt.Equal(t0) || got.Changed || got.Missing {
			t.Fatalf("round trip: %+v", got)
		}

		// A decision and a second put with a fresh id keep the first id.
		clock := &kernel.FixedClock{T: t0.Add(time.Hour)}
		if err := got.Decide(screening.StatusDismissed, "different bank", tn.userA.ID, clock); err != nil {
			t.Fatal(err)
		}
		if err := st.PutReviewItem(ctx, got); err != nil {
			t.Fatal(err)
		}
		again := reviewItem(tn.a.ID, "p1", "306", 0.93)
		again.Status, again.Decision = got.Status, got.Decision
		if err := st.PutReviewItem(ctx, again); err != nil {
			t.Fatal(err)
		}
		found, err := st.FindReviewItem(ctx, tn.a.ID, "p1", "ofac-sdn", "306")
		if err != nil {
			t.Fatal(err)
		}
		if found.ID != it.ID || found.Score != 0.93 || found.Status != screening.StatusDismissed ||
			found.Decision == nil || found.Decision.Reason != "different bank" || !found.Decision.At.Equal(clock.T) {
			t.Fatalf("after upsert: %+v %+v", found, found.Decision)
		}

		tests := []struct {
			name string
			it   screening.ReviewItem
			code kernel.Code
		}{
			{"no party", func() screening.ReviewItem { x := reviewItem(tn.a.ID, "", "1", 0.9); return x }(), kernel.Invalid},
			{"no org", reviewItem("", "p", "1", 0.9), kernel.Invalid},
			{"bad status", func() screening.ReviewItem { x := reviewItem(tn.a.ID, "p", "1", 0.9); x.Status = "maybe"; return x }(), kernel.Invalid},
			{"unknown org", reviewItem(kernel.NewID(), "p", "1", 0.9), ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				err := st.PutReviewItem(ctx, tc.it)
				if err == nil {
					t.Fatal("stored a bad item")
				}
				if tc.code != "" && kernel.ErrorCode(err) != tc.code {
					t.Fatalf("code %v, want %v (%v)", kernel.ErrorCode(err), tc.code, err)
				}
			})
		}
		if _, err := st.ReviewItem(ctx, tn.a.ID, kernel.NewID()); !kernel.IsCode(err, kernel.NotFound) {
			t.Fatalf("missing item: %v", err)
		}
	})
}

func TestScreeningReviewListing(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.Screening()
		// 1,003 items over 3 parties: EachPartyHit must page past 1,000.
		for i := range 1003 {
			it := reviewItem(tn.a.ID, fmt.Sprintf("p%d", i%3), fmt.Sprintf("e%04d", i), 0.8+float64(i%10)/100)
			it.UpdatedAt = t0.Add(time.Duration(i) * time.Second)
			switch i % 4 {
			case 1:
				it.Status = screening.StatusConfirmed
				it.Decision = &screening.Decision{Status: it.Status, Reviewer: tn.userA.ID, At: t0}
			case 2:
				it.Status = screening.StatusDismissed
				it.Decision = &screening.Decision{Status: it.Status, Reason: "no", Reviewer: tn.userA.ID, At: t0}
				it.Changed = true
			case 3:
				it.Missing = true
			}
			if err := st.PutReviewItem(ctx, it); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			name string
			f    screening.ReviewFilter
			want int
		}{
			{"all, first page", screening.ReviewFilter{OrgID: tn.a.ID, Page: kernel.Page{Limit: 100}}, 100},
			{"pending", screening.ReviewFilter{OrgID: tn.a.ID, Status: screening.StatusPending, Page: kernel.Page{Limit: 500}}, 500},
			{"pending, last page", screening.ReviewFilter{OrgID: tn.a.ID, Status: screening.StatusPending, Page: kernel.Page{Limit: 500, Offset: 500}}, 1},
			{"confirmed of one party", screening.ReviewFilter{OrgID: tn.a.ID, Status: screening.StatusConfirmed, PartyID: "p1", Page: kernel.Page{Limit: 500}}, 84},
			{"changed", screening.ReviewFilter{OrgID: tn.a.ID, Changed: true, Page: kernel.Page{Limit: 500}}, 251},
			{"other organisation", screening.ReviewFilter{OrgID: tn.b.ID}, 0},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got, err := st.ListReviewItems(ctx, tc.f)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != tc.want {
					t.Fatalf("%d items, want %d", len(got), tc.want)
				}
				for i := 1; i < len(got); i++ {
					if got[i].UpdatedAt.After(got[i-1].UpdatedAt) {
						t.Fatalf("not most recent first at %d", i)
					}
				}
			})
		}
		if _, err := st.ListReviewItems(ctx, screening.ReviewFilter{}); !kernel.IsCode(err, kernel.Invalid) {
			t.Fatalf("listing without an organisation: %v", err)
		}
		counts, err := st.CountReviewItems(ctx, tn.a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if counts[screening.StatusPending] != 501 || counts[screening.StatusConfirmed] != 251 || counts[screening.StatusDismissed] != 251 {
			t.Fatalf("counts %v", counts)
		}
		n, last := 0, ""
		err = st.EachPartyHit(ctx, tn.a.ID, []screening.ReviewStatus{screening.StatusConfirmed, screening.StatusPending}, func(it screening.ReviewItem) error {
			if it.Missing || it.Status == screening.StatusDismissed || it.PartyID < last {
				t.Fatalf("item %+v after party %s", it, last)
			}
			last = it.PartyID
			n++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n != 251+251 { // confirmed, and pending that are not missing
			t.Fatalf("EachPartyHit gave %d items", n)
		}
	})
}

// TestScreeningTenantIsolation checks every method of the review store
// against a second organisation.
func TestScreeningTenantIsolation(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.Screening()
		it := reviewItem(tn.a.ID, "p1", "306", 0.9)
		if err := st.PutReviewItem(ctx, it); err != nil {
			t.Fatal(err)
		}
		checks := []struct {
			name string
			run  func() error
		}{
			{"ReviewItem", func() error {
				_, err := st.ReviewItem(ctx, tn.b.ID, it.ID)
				return wantCode(err, kernel.NotFound)
			}},
			{"FindReviewItem", func() error {
				_, err := st.FindReviewItem(ctx, tn.b.ID, "p1", "ofac-sdn", "306")
				return wantCode(err, kernel.NotFound)
			}},
			{"ListReviewItems", func() error {
				got, err := st.ListReviewItems(ctx, screening.ReviewFilter{OrgID: tn.b.ID, PartyID: "p1"})
				if err == nil && len(got) > 0 {
					return fmt.Errorf("saw %d items of another organisation", len(got))
				}
				return err
			}},
			{"CountReviewItems", func() error {
				got, err := st.CountReviewItems(ctx, tn.b.ID)
				if err == nil && len(got) > 0 {
					return fmt.Errorf("counted %v", got)
				}
				return err
			}},
			{"EachPartyHit", func() error {
				return st.EachPartyHit(ctx, tn.b.ID, []screening.ReviewStatus{screening.StatusPending}, func(screening.ReviewItem) error {
					return fmt.Errorf("saw an item of another organisation")
				})
			}},
			{"PutReviewItem with another organisation's id", func() error {
				x := it
				x.OrgID, x.Status = tn.b.ID, screening.StatusDismissed
				x.Decision = &screening.Decision{Status: x.Status, Reason: "x", Reviewer: tn.userB.ID, At: t0}
				if err := wantCode(st.PutReviewItem(ctx, x), kernel.Conflict); err != nil {
					return err
				}
				orig, err := st.ReviewItem(ctx, tn.a.ID, it.ID)
				if err == nil && orig.Status != screening.StatusPending {
					return fmt.Errorf("another organisation changed the item: %+v", orig)
				}
				return err
			}},
		}
		for _, c := range checks {
			t.Run(c.name, func(t *testing.T) {
				if err := c.run(); err != nil {
					t.Fatal(err)
				}
			})
		}
	})
}

func wantCode(err error, code kernel.Code) error {
	if !kernel.IsCode(err, code) {
		return fmt.Errorf("got %v, want a %v error", err, code)
	}
	return nil
}

// TestScreeningReviewService runs the review queue's rules on the real
// store: filing, decisions with audit entries, re-screening after a list
// update, signals for risk, and screening the stored parties.
func TestScreeningReviewService(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		clock := &kernel.FixedClock{T: t0}
		svc := &screening.ReviewService{Store: db.Screening(), Audit: db.AuditLog(), Clock: clock}

		v1 := []*screening.Watchlist{{List: screening.List{Name: "test", SHA256: "v1", Published: t0}, Entities: []screening.Entity{
			{ID: "1", Name: "XINJIANG PRODUCTION AND CONSTRUCTION CORPS", Countries: []string{"CN"}, ListName: "test"},
			{ID: "2", Name: "HOSHINE SILICON INDUSTRY CO LTD", Countries: []string{"CN"}, ListName: "test"},
			{ID: "3", Name: "BANCO NACIONAL DE CUBA", Countries: []string{"CU"}, ListName: "test"},
		}}}
		parties := []supplychain.Party{
			{ID: "s1", Name: "Xinjiang Production & Construction Corps", Country: "CN"},
			{ID: "s2", Name: "Hoshine Silicon Industry Co., Ltd.", Country: "CN"},
			{ID: "s3", Name: "Green Valley Cotton Cooperative", Country: "IN"},
		}
		src := fakeParties{org: tn.a.ID, parties: parties}
		lists := []screening.List{v1[0].List}
		sum, skipped, err := svc.ScreenParties(ctx, tn.a.ID, tn.userA.ID, screening.NewIndex(v1...), lists, src, screening.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if skipped != 0 || sum.Parties != 3 || sum.New != 2 || sum.Changed != 0 {
			t.Fatalf("first screening: %+v skipped %d", sum, skipped)
		}
		pending, err := db.Screening().ListReviewItems(ctx, screening.ReviewFilter{OrgID: tn.a.ID, Status: screening.StatusPending})
		if err != nil || len(pending) != 2 {
			t.Fatalf("pending %v %v", pending, err)
		}
		byParty := map[string]screening.ReviewItem{}
		for _, it := range pending {
			byParty[it.PartyID] = it
		}

		decisions := []struct {
			name    string
			org, id string
			status  screening.ReviewStatus
			reason  string
			code    kernel.Code
		}{
			{"confirm", tn.a.ID, byParty["s1"].ID, screening.StatusConfirmed, "", ""},
			{"dismiss without reason", tn.a.ID, byParty["s2"].ID, screening.StatusDismissed, " ", kernel.Invalid},
			{"dismiss", tn.a.ID, byParty["s2"].ID, screening.StatusDismissed, "a different Hoshine", ""},
			{"other organisation", tn.b.ID, byParty["s1"].ID, screening.StatusDismissed, "x", kernel.NotFound},
		}
		for _, d := range decisions {
			t.Run(d.name, func(t *testing.T) {
				_, err := svc.Decide(ctx, d.org, d.id, d.status, d.reason, tn.userA.ID)
				if d.code == "" && err != nil || d.code != "" && !kernel.IsCode(err, d.code) {
					t.Fatalf("err %v, want %q", err, d.code)
				}
			})
		}
		var actions []string
		err = db.AuditLog().Entries(ctx, tn.a.ID, 1, func(e audit.Entry) error {
			actions = append(actions, e.Action)
			for _, v := range e.Detail {
				if strings.Contains(strings.ToLower(v), "hoshine") || strings.Contains(v, "different") {
					t.Errorf("audit entry %s carries a name or reason: %v", e.Action, e.Detail)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(actions, " "); got != "screening.run screening.hit.confirm screening.hit.dismiss" {
			t.Fatalf("audit actions %q", got)
		}

		signals, err := svc.PartySignals(ctx, tn.a.ID, lists)
		if err != nil {
			t.Fatal(err)
		}
		if len(signals) != 1 || len(signals["s1"]) != 1 || signals["s1"][0].Kind != risk.WatchlistConfirmed ||
			signals["s1"][0].Edition != "2026-11-25" {
			t.Fatalf("signals %+v", signals)
		}

		// The list is updated: Hoshine's entry changes name, Xinjiang's
		// entity leaves the list, and Banco stays.
		v2 := []*screening.Watchlist{{List: screening.List{Name: "test", SHA256: "v2"}, Entities: []screening.Entity{
			{ID: "2", Name: "HOSHINE SILICON INDUSTRY CO LTD", Aliases: []string{"HOSHINE SILICON INDUSTRY COMPANY"}, Countries: []string{"CN", "HK"}, ListName: "test"},
			{ID: "3", Name: "BANCO NACIONAL DE CUBA", Countries: []string{"CU"}, ListName: "test"},
			{ID: "4", Name: "GREEN VALLEY COTTON COOPERATIVE", Countries: []string{"IN"}, ListName: "test"},
		}}}
		clock.T = t0.Add(24 * time.Hour)
		sum, _, err = svc.ScreenParties(ctx, tn.a.ID, tn.userA.ID, screening.NewIndex(v2...), []screening.List{v2[0].List}, src, screening.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if sum.New != 1 || sum.Missing != 1 {
			t.Fatalf("re-screening: %+v", sum)
		}
		s1, err := db.Screening().ReviewItem(ctx, tn.a.ID, byParty["s1"].ID)
		if err != nil {
			t.Fatal(err)
		}
		if !s1.Missing || !s1.Changed || s1.Status != screening.StatusConfirmed || s1.Decision == nil {
			t.Fatalf("confirmed hit gone from the list: %+v", s1)
		}
		s2, err := db.Screening().ReviewItem(ctx, tn.a.ID, byParty["s2"].ID)
		if err != nil {
			t.Fatal(err)
		}
		if s2.Status != screening.StatusDismissed || s2.Decision.Reason != "a different Hoshine" || s2.ListSHA != "v2" {
			t.Fatalf("dismissed hit after re-screening: %+v", s2)
		}
		signals, err = svc.PartySignals(ctx, tn.a.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(signals["s1"]) != 0 || len(signals["s3"]) != 1 || signals["s3"][0].Kind != risk.WatchlistPossible {
			t.Fatalf("signals after re-screening %+v", signals)
		}
		if other, err := svc.PartySignals(ctx, tn.b.ID, nil); err != nil || len(other) != 0 {
			t.Fatalf("signals of another organisation: %v %v", other, err)
		}
	})
}

type fakeParties struct {
	org     string
	parties []supplychain.Party
}

func (f fakeParties) ListParties(_ context.Context, orgID string, _ supplychain.PartyFilter, page kernel.Page) ([]supplychain.Party, int, error) {
	if orgID != f.org || page.Offset >= len(f.parties) {
		return nil, 0, nil
	}
	return f.parties[page.Offset:min(len(f.parties), page.Offset+page.Limit)], len(f.parties), nil
}

// TestScreeningReviewSortAndList orders the queue by score and by
// supplier, and keeps one list's hits, on both engines.
func TestScreeningReviewSortAndList(t *testing.T) {
	t.Parallel() // each test has its own database
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		tn := seedTenants(t, db.Accounts())
		st := db.Screening()
		for i, c := range []struct {
			party, list string
			score       float64
		}{{"pb", "ofac-sdn", 0.81}, {"pa", "uflpa", 0.97}, {"pb", "uflpa", 0.92}, {"pa", "ofac-sdn", 0.85}, {"pc", "ofac-sdn", 0.99}} {
			it := reviewItem(tn.a.ID, c.party, fmt.Sprintf("e%d", i), c.score)
			it.ListName = c.list
			if err := st.PutReviewItem(ctx, it); err != nil {
				t.Fatal(err)
			}
		}
		order := func(f screening.ReviewFilter) string {
			t.Helper()
			f.OrgID = tn.a.ID
			got, err := st.ListReviewItems(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, it := range got {
				out = append(out, fmt.Sprintf("%s/%.2f", it.PartyID, it.Score))
			}
			return strings.Join(out, " ")
		}
		for _, tc := range []struct {
			name string
			f    screening.ReviewFilter
			want string
		}{
			{"by score", screening.ReviewFilter{Sort: screening.SortScore}, "pc/0.99 pa/0.97 pb/0.92 pa/0.85 pb/0.81"},
			{"by supplier", screening.ReviewFilter{Sort: screening.SortSupplier}, "pa/0.97 pa/0.85 pb/0.92 pb/0.81 pc/0.99"},
			{"one list by score", screening.ReviewFilter{ListName: "uflpa", Sort: screening.SortScore}, "pa/0.97 pb/0.92"},
		} {
			if got := order(tc.f); got != tc.want {
				t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
			}
		}
		if _, err := st.ListReviewItems(ctx, screening.ReviewFilter{OrgID: tn.a.ID, Sort: "size"}); !kernel.IsCode(err, kernel.Invalid) {
			t.Errorf("unknown sort: %v", err)
		}
	})
}
