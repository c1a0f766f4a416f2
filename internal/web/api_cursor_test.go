package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

type cursorAnswer struct {
	Suppliers  []supplierJSON `json:"suppliers"`
	Users      []userJSON     `json:"users"`
	Next       string         `json:"next"`
	NextCursor string         `json:"next_cursor"`
}

// TestAPICursorPagination follows next links through the register while
// parties are added between pages, on both engines: every party there at
// the start is listed once, in order; the Link header and the body agree;
// a cursor is refused with other filters or when damaged.
func TestAPICursorPagination(t *testing.T) {
	t.Parallel() // its own database and server
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f, _, sessions := apiFixture(t, db)
		analyst := sessions[account.RoleAnalyst]
		var all cursorAnswer
		getJSON(t, f, "/api/v1/suppliers?sort=name", analyst, &all)
		if len(all.Suppliers) < 5 || all.Next != "" || all.NextCursor != "" {
			t.Fatalf("whole register: %d parties, next %q", len(all.Suppliers), all.Next)
		}
		path, added := "/api/v1/suppliers?sort=name&limit=2", 0
		var seen []string
		for pages := 0; path != ""; pages++ {
			var page cursorAnswer
			res := getJSON(t, f, path, analyst, &page)
			if res.StatusCode != http.StatusOK || len(page.Suppliers) > 2 || pages > 20 {
				t.Fatalf("%s: status %d, %d parties", path, res.StatusCode, len(page.Suppliers))
			}
			for _, s := range page.Suppliers {
				seen = append(seen, s.Name)
			}
			link := res.Header.Get("Link")
			if page.Next != "" && link != "<"+page.Next+`>; rel="next"` || page.Next == "" && link != "" {
				t.Fatalf("Link %q beside next %q", link, page.Next)
			}
			if page.Next != "" {
				u, _ := url.Parse(page.Next)
				if u.Query().Get("cursor") != page.NextCursor || u.Query().Get("sort") != "name" || u.Query().Get("limit") != "2" {
					t.Fatalf("next %q keeps neither cursor, filters nor limit", page.Next)
				}
			}
			path = page.Next
			// A party whose name sorts first, and one that sorts last,
			// arrive between pages.
			for _, name := range []string{"Aaa New " + string(rune('a'+added)), "Zzz New " + string(rune('a'+added))} {
				p := supplychain.Party{ID: supplychain.RefID(name), Ref: name, Name: name, Kind: supplychain.KindCompany, Country: "CI"}
				if err := db.SupplyChain().UpsertParties(context.Background(), f.org.ID, []supplychain.Party{p}); err != nil {
					t.Fatal(err)
				}
			}
			added++
		}
		var want []string
		for _, s := range all.Suppliers {
			want = append(want, s.Name)
		}
		var kept []string
		for _, n := range seen {
			if !strings.Contains(n, " New ") {
				kept = append(kept, n)
			}
		}
		if strings.Join(kept, "|") != strings.Join(want, "|") {
			t.Fatalf("paged with inserts:\n%v\nwant\n%v", kept, want)
		}

		// A cursor is bound to its list and filters, and checked.
		var first cursorAnswer
		getJSON(t, f, "/api/v1/suppliers?sort=name&limit=1", analyst, &first)
		for _, bad := range []string{
			"/api/v1/suppliers?sort=exposure&cursor=" + first.NextCursor,
			"/api/v1/users?cursor=" + first.NextCursor,
			"/api/v1/suppliers?sort=name&cursor=" + first.NextCursor[:len(first.NextCursor)-3],
			"/api/v1/suppliers?sort=name&cursor=%21%21",
			"/api/v1/suppliers?limit=501",
			"/api/v1/suppliers?limit=0",
		} {
			session := analyst
			if strings.HasPrefix(bad, "/api/v1/users") {
				session = sessions[account.RoleAdmin]
			}
			var p problemJSON
			res := getJSON(t, f, bad, session, &p)
			if res.StatusCode != http.StatusBadRequest || len(p.Errors) != 1 || (p.Errors[0].Field != "cursor" && p.Errors[0].Field != "limit") {
				t.Errorf("%s: status %d, %+v", bad, res.StatusCode, p)
			}
		}
	})
}

// TestEveryAPIListPages checks that each list the document marks as one
// answers its first page with a next link when there is more, and that the
// next link gives the rest.
func TestEveryAPIListPages(t *testing.T) {
	t.Parallel() // its own database and server
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	_, admin := f.login(t, f.users[account.RoleAdmin].Email, testPassword, "")
	var first cursorAnswer
	res := getJSON(t, f, "/api/v1/users?limit=3", admin, &first)
	if res.StatusCode != 200 || len(first.Users) != 3 || first.Next == "" {
		t.Fatalf("first page: status %d, %d users, next %q", res.StatusCode, len(first.Users), first.Next)
	}
	var rest cursorAnswer
	getJSON(t, f, first.Next, admin, &rest)
	if len(rest.Users) != len(f.users)-3 || rest.Next != "" || rest.Users[0].Email <= first.Users[2].Email {
		t.Fatalf("rest: %+v", rest)
	}
	lists := 0
	for _, d := range apiDocs() {
		if d.list {
			lists++
		}
	}
	if lists < 8 {
		t.Errorf("only %d lists are marked as lists", lists)
	}
}
