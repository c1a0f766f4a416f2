package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/screening"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

var (
	screeningReaders   = []string{"admin", "analyst", "case_handler", "viewer"}
	screeningReviewers = []string{"admin", "analyst"}
)

var screeningAuth = map[string][]string{
	"GET /screening":                               screeningReaders,
	"GET /api/v1/screening/lists":                  screeningReaders,
	"POST /api/v1/screening/lists":                 {"admin"},
	"POST /screening/run":                          screeningReviewers,
	"POST /screening/lists":                        {"admin"},
	"POST /screening/{id}/decide":                  screeningReviewers,
	"POST /screening/bulk":                         screeningReviewers,
	"POST /api/v1/screen":                          screeningReaders,
	"GET /api/v1/screening/reviews":                screeningReaders,
	"GET /api/v1/screening/reviews/{id}":           screeningReaders,
	"POST /api/v1/screening/reviews/{id}/decision": screeningReviewers,
	"POST /api/v1/screening/run":                   screeningReviewers,
}

type screeningFixture struct {
	*fixture
	db       *sqlstore.DB
	editions *memEditions
}

// memEditions keeps uploaded list editions in memory.
type memEditions struct {
	mu    sync.Mutex
	saved map[string]string // dataset -> origin
}

func (m *memEditions) Put(_ context.Context, dataset, origin string, _ []byte, _ time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.saved == nil {
		m.saved = map[string]string{}
	}
	m.saved[dataset] = origin
	return nil
}

// testWatchlist is a small list in the shape of the built-in ones.
func testWatchlist() *screening.Watchlist {
	return &screening.Watchlist{
		List: screening.List{Name: "uflpa", Source: "test list", Published: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), EntityCount: 3, SHA256: "v1"},
		Entities: []screening.Entity{
			{ID: "u1", Name: "Xinjiang Production and Construction Corps", Aliases: []string{"XPCC"}, Countries: []string{"CN"}, Kind: screening.KindOrganization, ListName: "uflpa"},
			{ID: "u2", Name: "Hoshine Silicon Industry Co., Ltd.", Countries: []string{"CN"}, Kind: screening.KindOrganization, ListName: "uflpa"},
			{ID: "u3", Name: "Ninestar Corporation", Countries: []string{"CN"}, Kind: screening.KindOrganization, ListName: "uflpa"},
		},
	}
}

func newScreeningFixture(t *testing.T, db *sqlstore.DB) *screeningFixture {
	t.Helper()
	return screeningOn(t, newFixture(t, db), db)
}

// screeningOn wires screening to the fixture's database, with the test
// watchlist and three parties, two of them on it.
func screeningOn(t *testing.T, f *fixture, db *sqlstore.DB) *screeningFixture {
	t.Helper()
	wl := testWatchlist()
	editions := &memEditions{}
	f.deps.Screening = &ScreeningDeps{
		Lists:    screening.NewLiveLists([]*screening.Watchlist{wl}),
		Editions: editions,
		Reviews:  &screening.ReviewService{Store: db.Screening(), Audit: db.AuditLog(), Clock: f.clock},
		Parties:  db.SupplyChain(),
	}
	err := db.SupplyChain().UpsertParties(context.Background(), f.org.ID, []supplychain.Party{
		{ID: "s1", Name: "Hoshine Silicon Industry Company Limited", Kind: supplychain.KindCompany, Country: "CN"},
		{ID: "s2", Name: "Ninestar Corp", Kind: supplychain.KindCompany, Country: "CN"},
		{ID: "s3", Name: "Green Valley Cotton Cooperative", Kind: supplychain.KindCompany, Country: "IN"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &screeningFixture{fixture: f, db: db, editions: editions}
}

func (f *screeningFixture) session(t *testing.T, role account.Role) string {
	t.Helper()
	_, s := f.login(t, f.users[role].Email, testPassword, "")
	if s == "" {
		t.Fatalf("login %s failed", role)
	}
	return s
}

func scrDecode(t *testing.T, res *http.Response, v any) {
	t.Helper()
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func TestAPIScreen(t *testing.T) {
	t.Parallel() // its own database and server
	f := newScreeningFixture(t, sqltest.Open(t, sqlstore.SQLite))
	s := f.session(t, account.RoleViewer)
	tests := []struct {
		name       string
		body       string
		status     int
		wantEntity string // first hit of the first result
		wantMsg    string
	}{
		{"single", `{"name":"Hoshine Silicon Industry Company Limited","country":"China"}`, 200, "u2", ""},
		{"single, acronym", `{"name":"XPCC"}`, 200, "u1", ""},
		{"single, no hit", `{"name":"Green Valley Cotton Cooperative"}`, 200, "", ""},
		{"batch", `{"queries":[{"id":"a","name":"Ninestar Corp","country":"CN"},{"id":"b","name":"Acme Textiles"}]}`, 200, "u3", ""},
		{"empty name", `{"name":"  "}`, 400, "", "name"},
		{"both forms", `{"name":"x","queries":[{"name":"y"}]}`, 400, "", "either"},
		{"empty batch", `{"queries":[]}`, 400, "", "give a name"},
		{"bad query in batch", `{"queries":[{"name":"ok name"},{"name":""}]}`, 400, "", "queries[1]"},
		{"weak, default threshold", `{"name":"Hoshine Garments"}`, 200, "", ""},
		{"weak, threshold 0 reports it", `{"name":"Hoshine Garments","threshold":0}`, 200, "u2", ""},
		{"bad threshold", `{"name":"x","threshold":2}`, 400, "", "threshold"},
		{"unknown field", `{"nom":"x"}`, 400, "", "unknown field"},
		{"too long", `{"name":"` + strings.Repeat("a", 10000) + `"}`, 400, "", "long"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := f.do(t, "POST", "/api/v1/screen", tc.body, s, nil)
			if res.StatusCode != tc.status {
				b, _ := io.ReadAll(res.Body)
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.status, b)
			}
			if tc.status != 200 {
				var e problemJSON
				scrDecode(t, res, &e)
				if !strings.Contains(e.Detail, tc.wantMsg) {
					t.Fatalf("message %q lacks %q", e.Detail, tc.wantMsg)
				}
				return
			}
			var out struct {
				Hits    []hitJSON
				Results []resultJSON
			}
			scrDecode(t, res, &out)
			hits := out.Hits
			if len(out.Results) > 0 {
				hits = out.Results[0].Hits
				if len(out.Results) != 2 || out.Results[1].Query.ID != "b" || len(out.Results[1].Hits) != 0 {
					t.Fatalf("batch results %+v", out.Results)
				}
			}
			if tc.wantEntity == "" {
				if len(hits) != 0 {
					t.Fatalf("unexpected hits %+v", hits)
				}
				return
			}
			if len(hits) == 0 || hits[0].EntityID != tc.wantEntity || hits[0].List != "uflpa" || len(hits[0].Reasons) == 0 || (hits[0].Score < screening.DefaultThreshold) != strings.Contains(tc.body, `"threshold":0}`) {
				t.Fatalf("hits %+v", hits)
			}
		})
	}
}

func TestScreeningOffWithoutDeps(t *testing.T) {
	t.Parallel() // its own database and server
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	_, s := f.login(t, "viewer@acme.example", testPassword, "")
	if res := f.do(t, "POST", "/api/v1/screen", `{"name":"x"}`, s, nil); res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d", res.StatusCode)
	}
}

// TestScreeningQueue screens the stored suppliers, lists the queue, decides
// hits through the page and the API, and checks another organisation sees
// none of it.
func TestScreeningQueue(t *testing.T) {
	t.Parallel() // its own database and server
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f := newScreeningFixture(t, db)
		analyst := f.session(t, account.RoleAnalyst)
		viewer := f.session(t, account.RoleViewer)

		res := f.do(t, "POST", "/screening/run", "", analyst, nil)
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(flashOf(t, res), "Screened 3 suppliers: 2 new hits") {
			t.Fatalf("screen all: %d %q", res.StatusCode, flashOf(t, res))
		}
		res = f.do(t, "GET", res.Header.Get("Location"), "", viewer, nil)
		page := scrBody(t, res)
		for _, want := range []string{"Hoshine Silicon Industry Company Limited", "Ninestar Corporation", "2 pending"} {
			if !strings.Contains(page, want) {
				t.Errorf("queue page lacks %q", want)
			}
		}
		if strings.Contains(page, "/decide") {
			t.Error("a viewer is offered the decision forms")
		}

		var list struct{ Items []reviewJSON }
		scrDecode(t, f.do(t, "GET", "/api/v1/screening/reviews", "", viewer, nil), &list)
		if len(list.Items) != 2 {
			t.Fatalf("API lists %d pending items", len(list.Items))
		}
		// The lists in use, as hits name them.
		var lists screeningListsJSON
		scrDecode(t, f.do(t, "GET", "/api/v1/screening/lists", "", viewer, nil), &lists)
		if len(lists.Lists) == 0 || lists.Lists[0].Entities == 0 || lists.Lists[0].SHA256 != list.Items[0].ListSHA && len(lists.Lists) == 1 {
			t.Fatalf("lists in use: %+v", lists)
		}
		ids := map[string]string{}
		for _, it := range list.Items {
			ids[it.PartyID] = it.ID
		}

		steps := []struct {
			name, path, body string
			json             bool
			status           int
		}{
			{"dismiss without reason on the page", "/screening/" + ids["s1"] + "/decide", "decision=dismissed&reason=", false, 400},
			{"dismiss on the page", "/screening/" + ids["s1"] + "/decide", url.Values{"decision": {"dismissed"}, "reason": {"a different Hoshine, Ningbo"}}.Encode(), false, 303},
			{"unknown decision through the API", "/api/v1/screening/reviews/" + ids["s2"] + "/decision", `{"status":"maybe"}`, true, 400},
			{"confirm through the API", "/api/v1/screening/reviews/" + ids["s2"] + "/decision", `{"status":"confirmed","reason":"same LEI"}`, true, 200},
			{"unknown item", "/api/v1/screening/reviews/" + kernel.NewID() + "/decision", `{"status":"confirmed"}`, true, 404},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				res := f.do(t, "POST", st.path, st.body, analyst, nil)
				if res.StatusCode != st.status {
					t.Fatalf("status %d, want %d: %s", res.StatusCode, st.status, scrBody(t, res))
				}
			})
		}
		var item reviewJSON
		scrDecode(t, f.do(t, "GET", "/api/v1/screening/reviews/"+ids["s1"], "", viewer, nil), &item)
		if item.Status != "dismissed" || item.Decision == nil || item.Decision.Reason != "a different Hoshine, Ningbo" ||
			item.Decision.Reviewer != f.users[account.RoleAnalyst].ID {
			t.Fatalf("dismissed item %+v", item)
		}
		var actions []string
		err := db.AuditLog().Entries(context.Background(), f.org.ID, 1, func(e audit.Entry) error {
			if strings.HasPrefix(e.Action, "screening.") {
				actions = append(actions, e.Action)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(actions, " "); got != "screening.run screening.hit.dismiss screening.hit.confirm" {
			t.Fatalf("audit %q", got)
		}

		// Another organisation sees and decides nothing of Acme's.
		other, _, err := f.accounts.EnsureOrg(context.Background(), "globex", "Globex")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.accounts.CreateUser(context.Background(), account.NewUser{OrgID: other.ID, Email: "a@globex.example", Name: "a", Role: account.RoleAdmin, Password: testPassword}); err != nil {
			t.Fatal(err)
		}
		_, globex := f.login(t, "a@globex.example", testPassword, "")
		if res := f.do(t, "GET", "/api/v1/screening/reviews/"+ids["s1"], "", globex, nil); res.StatusCode != http.StatusNotFound {
			t.Fatalf("other organisation reads an item: %d", res.StatusCode)
		}
		if res := f.do(t, "POST", "/screening/"+ids["s2"]+"/decide", "decision=dismissed&reason=x", globex, nil); res.StatusCode != http.StatusNotFound {
			t.Fatalf("other organisation decides an item: %d", res.StatusCode)
		}
		var theirs struct{ Items []reviewJSON }
		scrDecode(t, f.do(t, "GET", "/api/v1/screening/reviews?status=all", "", globex, nil), &theirs)
		if len(theirs.Items) != 0 {
			t.Fatalf("other organisation lists %d items", len(theirs.Items))
		}
		var run map[string]int
		scrDecode(t, f.do(t, "POST", "/api/v1/screening/run", "", globex, nil), &run)
		if run["parties"] != 0 || run["new"] != 0 {
			t.Fatalf("other organisation screened Acme's suppliers: %v", run)
		}
	})
}

func TestScreeningPageFilters(t *testing.T) {
	t.Parallel() // its own database and server
	f := newScreeningFixture(t, sqltest.Open(t, sqlstore.SQLite))
	s := f.session(t, account.RoleAdmin)
	f.do(t, "POST", "/screening/run", "", s, nil)
	tests := []struct {
		query  string
		status int
		want   string
	}{
		{"", 200, "<td>Ninestar Corporation"},
		{"?status=confirmed", 200, "No hits match."},
		{"?status=all&page=1", 200, "<td>Hoshine Silicon Industry Co., Ltd."},
		{"?list=uflpa&sort=score", 200, "highest score first (page 1)"},
		{"?list=ofac-sdn", 200, "No hits match."},
		{"?status=maybe", 400, "not one of"},
		{"?sort=size", 400, "not one of score, supplier"},
		{"?page=0", 400, "not a page number"},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			res := f.do(t, "GET", "/screening"+tc.query, "", s, nil)
			body := scrBody(t, res)
			if res.StatusCode != tc.status || !strings.Contains(body, tc.want) {
				t.Fatalf("status %d, want %d with %q", res.StatusCode, tc.status, tc.want)
			}
		})
	}
	// Every form control on the queue page has a label.
	body := scrBody(t, f.do(t, "GET", "/screening", "", s, nil))
	// The lists show their edition and its age (the fixture's clock is
	// 2026-11-25).
	if !strings.Contains(body, "edition of 1 October 2026, 55 days old") || strings.Contains(body, "older than 90 days") {
		t.Errorf("lists on the page: want the edition of 1 October 2026, 55 days old and no staleness warning")
	}
	for _, m := range regexp.MustCompile(`<input id="([^"]+)"`).FindAllStringSubmatch(body, -1) {
		if !strings.Contains(body, `<label for="`+m[1]+`"`) {
			t.Errorf("input %s has no label", m[1])
		}
	}
}

func scrBody(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func reviewFilterFor(orgID, partyID string) screening.ReviewFilter {
	return screening.ReviewFilter{OrgID: orgID, PartyID: partyID}
}

// TestScreeningPageShowsDecision checks a decided hit shows the decision,
// the reviewer's address and the reason.
func TestScreeningPageShowsDecision(t *testing.T) {
	t.Parallel() // its own database and server
	f := newScreeningFixture(t, sqltest.Open(t, sqlstore.SQLite))
	s := f.session(t, account.RoleAnalyst)
	f.do(t, "POST", "/screening/run", "", s, nil)
	items, err := f.db.Screening().ListReviewItems(context.Background(), reviewFilterFor(f.org.ID, "s1"))
	if err != nil || len(items) != 1 {
		t.Fatalf("items %v %v", items, err)
	}
	res := f.do(t, "POST", "/screening/"+items[0].ID+"/decide", "decision=dismissed&reason=another+Hoshine&status=all", s, nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/screening?status=all" || !strings.HasPrefix(flashOf(t, res), "Hit dismissed: ") {
		t.Fatalf("decide: %d %s %q", res.StatusCode, res.Header.Get("Location"), flashOf(t, res))
	}
	body := scrBody(t, f.do(t, "GET", res.Header.Get("Location"), "", s, nil))
	for _, want := range []string{"by analyst on", ": another Hoshine"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// FuzzAPIScreen sends arbitrary bodies to POST /api/v1/screen: the answer is
// a result or a 400 with a message, never a server error.
func FuzzAPIScreen(f *testing.F) {
	for _, seed := range []string{
		`{"name":"Ninestar Corp","country":"CN"}`,
		`{"queries":[{"id":"1","name":"XPCC"},{"name":"Hoshine"}],"threshold":0.5,"limit":3}`,
		`{"name":"\u0000\uffff","identifiers":["","x"]}`,
		`{"queries":null}`, `[]`, `{"name":1}`, ``,
	} {
		f.Add(seed)
	}
	wl := testWatchlist()
	srv := &screeningHandlers{base: &base{log: slog.New(slog.NewTextHandler(io.Discard, nil))},
		lists: screening.NewLiveLists([]*screening.Watchlist{wl})}
	f.Fuzz(func(t *testing.T, body string) {
		rec := httptest.NewRecorder()
		srv.apiScreen(rec, httptest.NewRequest("POST", "/api/v1/screen", strings.NewReader(body)))
		res := rec.Result()
		if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d for %q", res.StatusCode, body)
		}
	})
}

// TestScreeningReplaceList: an administrator uploads a newer edition of a
// built-in list on the screening page; it is stored, used at once and
// named with its date; a file that does not load changes nothing; other
// roles may not replace lists.
func TestScreeningReplaceList(t *testing.T) {
	f := newScreeningFixture(t, sqltest.Open(t, sqlstore.SQLite))
	admin := f.session(t, account.RoleAdmin)
	upload := func(session, dataset, name, content string) *http.Response {
		t.Helper()
		ctype, body := multipartBody(t, "file", name, content, map[string]string{"dataset": dataset})
		req := httptest.NewRequest("POST", "http://upstream.test/screening/lists", body)
		req.Header.Set("Content-Type", ctype)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, req)
		return rec.Result()
	}
	page := scrBody(t, f.do(t, "GET", "/screening", "", admin, nil))
	if !strings.Contains(page, `action="/screening/lists"`) || !strings.Contains(page, `<label for="replace-file"`) {
		t.Fatal("administrators see no upload form")
	}
	if body := scrBody(t, f.do(t, "GET", "/screening", "", f.session(t, account.RoleAnalyst), nil)); strings.Contains(body, `action="/screening/lists"`) {
		t.Error("analysts see the upload form")
	}
	if res := upload(f.session(t, account.RoleAnalyst), screening.DatasetUFLPA, "uflpa.csv", "x"); res.StatusCode != http.StatusForbidden {
		t.Errorf("analyst upload: status %d, want 403", res.StatusCode)
	}

	// A file of another layout is refused with the reason; the list in
	// use stays.
	res := upload(admin, screening.DatasetUFLPA, "wro.csv", "Effective Date,Country Code,Country,Merchandise,WRO/Finding,Industry,Status,Entity,Remarks\n1/1/2020,CN,China,x,WRO,,Active,Acme,\n")
	body := scrBody(t, res)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "the list was not replaced") {
		t.Fatalf("wrong layout: status %d", res.StatusCode)
	}
	if len(f.editions.saved) != 0 {
		t.Errorf("a refused file was stored: %v", f.editions.saved)
	}

	newer := "name,aliases,uflpa_section,date_added\nNew Polysilicon Works Co. Ltd.,,Section 2(d)(2)(B)(ii),2026-11-20\nXinjiang Production and Construction Corps,XPCC,Section 2(d)(2)(B)(v),2021-06-24\n"
	res = upload(admin, screening.DatasetUFLPA, "uflpa_2026-11.csv", newer)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: status %d: %s", res.StatusCode, scrBody(t, res))
	}
	msg := flashOf(t, res)
	page = scrBody(t, f.do(t, "GET", res.Header.Get("Location"), "", admin, nil))
	if !strings.Contains(msg, "UFLPA Entity List replaced by uflpa_2026-11.csv: 2 entries, edition of 2026-11-20") || !strings.Contains(page, "edition of 20 November 2026, 5 days old") {
		t.Errorf("the page does not confirm the new edition")
	}
	if f.editions.saved[screening.DatasetUFLPA] != "uflpa_2026-11.csv" {
		t.Errorf("stored editions %v", f.editions.saved)
	}
	var out struct{ Hits []hitJSON }
	scrDecode(t, f.do(t, "POST", "/api/v1/screen", `{"name":"New Polysilicon Works Company Limited"}`, admin, nil), &out)
	if len(out.Hits) == 0 || !strings.Contains(out.Hits[0].EntityName, "New Polysilicon") {
		t.Errorf("the new edition is not screened against: %+v", out.Hits)
	}
}

// TestScreeningBulkDecisions decides the ticked hits with one reason:
// a dismissal needs the reason and changes nothing without it; each
// decision is stored with the reason and the page says which hits were
// decided; another organisation's hit is not found.
func TestScreeningBulkDecisions(t *testing.T) {
	t.Parallel() // its own database and server
	f := newScreeningFixture(t, sqltest.Open(t, sqlstore.SQLite))
	s := f.session(t, account.RoleAnalyst)
	f.do(t, "POST", "/screening/run", "", s, nil)
	items, err := f.db.Screening().ListReviewItems(context.Background(), screening.ReviewFilter{OrgID: f.org.ID})
	if err != nil || len(items) != 2 {
		t.Fatalf("items %v %v", items, err)
	}
	form := url.Values{"hit": {items[0].ID, items[1].ID}, "decision": {"dismissed"}, "status": {"pending"}}
	res := f.do(t, "POST", "/screening/bulk", form.Encode(), s, nil)
	if b := scrBody(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(b, "say why the ticked hits are not matches: nothing was changed") {
		t.Fatalf("dismissal without a reason: %d", res.StatusCode)
	}
	if got, _ := f.db.Screening().ReviewItem(context.Background(), f.org.ID, items[0].ID); got.Status != screening.StatusPending {
		t.Fatalf("a refused dismissal changed a hit: %s", got.Status)
	}
	form.Set("reason", "different registered address")
	res = f.do(t, "POST", "/screening/bulk", form.Encode(), s, nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/screening?status=pending" {
		t.Fatalf("bulk dismissal: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if msg := flashOf(t, res); !strings.HasPrefix(msg, "2 hits dismissed: ") || !strings.Contains(msg, "Ninestar Corp as Ninestar Corporation") {
		t.Errorf("message %q", msg)
	}
	for _, it := range items {
		got, err := f.db.Screening().ReviewItem(context.Background(), f.org.ID, it.ID)
		if err != nil || got.Status != screening.StatusDismissed || got.Decision == nil || got.Decision.Reason != "different registered address" {
			t.Errorf("hit %s after bulk dismissal: %+v %v", it.PartyName, got.Decision, err)
		}
	}
	res = f.do(t, "POST", "/screening/bulk", url.Values{"hit": {kernel.NewID()}, "decision": {"confirmed"}}.Encode(), s, nil)
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown hit: %d", res.StatusCode)
	}
	res = f.do(t, "POST", "/screening/bulk", url.Values{"decision": {"confirmed"}}.Encode(), s, nil)
	if b := scrBody(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(b, "tick the hits to decide") {
		t.Errorf("nothing ticked: %d", res.StatusCode)
	}
}
