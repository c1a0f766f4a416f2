package web

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// TestNewUserAddressElsewhereIsNotConfirmed: addresses are unique across
// the server because they sign in, but an admin of one organisation must
// not learn that an address has an account at another. The users page and
// the API answer an address in use elsewhere without saying it exists or
// where, and without naming the other organisation; the same admin is told
// plainly about an address already in their own organisation.
func TestNewUserAddressElsewhereIsNotConfirmed(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		other, _, err := f.accounts.EnsureOrg(ctx, "shelter", "Riverside Shelter")
		if err != nil {
			t.Fatal(err)
		}
		const elsewhere = "handler@shelter.example"
		if _, err := f.accounts.CreateUser(ctx, account.NewUser{OrgID: other.ID, Email: elsewhere, Name: "Handler", Role: account.RoleCaseHandler, Password: testPassword}); err != nil {
			t.Fatal(err)
		}
		_, s := f.login(t, "admin@acme.example", testPassword, "")
		post := func(email string) (int, string) {
			form := url.Values{"email": {email}, "name": {"New"}, "role": {"viewer"}, "password": {"tangerine lantern orbit"}}
			res := f.do(t, "POST", "/admin/users", form.Encode(), s, nil)
			b, _ := io.ReadAll(res.Body)
			m := regexp.MustCompile(`(?s)<p[^>]*class="error"[^>]*>(.*?)</p>`).FindSubmatch(b)
			if m == nil {
				return res.StatusCode, ""
			}
			return res.StatusCode, html.UnescapeString(string(m[1]))
		}
		code, msg := post(elsewhere)
		if code == http.StatusSeeOther || msg == "" {
			t.Fatalf("address at another organisation: %d %q", code, msg)
		}
		for _, leak := range []string{"exists", "already", "another organisation", "Riverside", "shelter"} {
			if strings.Contains(msg, leak) {
				t.Errorf("the answer for an address at another organisation says %q: %s", leak, msg)
			}
		}
		if msg != account.ErrAddressUnavailable {
			t.Errorf("answer %q, want the general %q", msg, account.ErrAddressUnavailable)
		}
		// The API says the same.
		res := f.do(t, "POST", "/account/tokens", "name=ci&scope_users=write&expires=30", s, nil)
		body, _ := io.ReadAll(res.Body)
		tok := regexp.MustCompile(`id="new-token">(upk_[a-z2-7]+)<`).FindSubmatch(body)
		if tok == nil {
			t.Fatal("no API token shown")
		}
		res = f.do(t, "POST", "/api/v1/users", `{"email":"`+elsewhere+`","name":"N","role":"viewer","password":"tangerine lantern orbit"}`, "",
			map[string]string{"Authorization": "Bearer " + string(tok[1])})
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode == http.StatusCreated || strings.Contains(string(b), "exists") || strings.Contains(string(b), "Riverside") {
			t.Errorf("API answer for an address at another organisation: %d %s", res.StatusCode, b)
		}
		// In the admin's own organisation the duplicate is named.
		if _, msg := post("analyst@acme.example"); !strings.Contains(msg, "already has an account in this organisation") {
			t.Errorf("duplicate in the same organisation: %q", msg)
		}
	})
}
