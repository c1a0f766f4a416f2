package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// TestNewUserAddressElsewhereIsNotConfirmed: addresses are unique across
// the server because they sign in, but an admin of one organisation must
// not learn that an address has an account at another. Adding a user is an
// invitation, and the admin's answer, in the page and the API, is the same
// for an address that has an account at another organisation as for a new
// one: same status, same message, same listing. Only the e-mails differ,
// and they go to the address's owner: a new address gets the link, a taken
// one a note without a link. An address already in the admin's own
// organisation is named plainly.
func TestNewUserAddressElsewhereIsNotConfirmed(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		other, _, err := f.accounts.EnsureOrg(ctx, "shelter", "Riverside Shelter")
		if err != nil {
			t.Fatal(err)
		}
		const elsewhere, fresh = "handler@shelter.example", "newcomer@elsewhere.example"
		if _, err := f.accounts.CreateUser(ctx, account.NewUser{OrgID: other.ID, Email: elsewhere, Name: "Handler", Role: account.RoleCaseHandler, Password: testPassword}); err != nil {
			t.Fatal(err)
		}
		_, s := f.login(t, "admin@acme.example", testPassword, "")
		// The answer with the address replaced by a placeholder.
		page := func(email string) (int, string) {
			form := url.Values{"email": {email}, "name": {"New"}, "role": {"viewer"}}
			res := f.do(t, "POST", "/admin/users", form.Encode(), s, nil)
			return res.StatusCode, strings.ReplaceAll(flashOf(t, res)+res.Header.Get("Location"), email, "ADDRESS")
		}
		api := func(email string) (int, string) {
			res := f.do(t, "POST", "/api/v1/users", `{"email":"`+email+`","name":"New","role":"viewer"}`, s, nil)
			b, _ := io.ReadAll(res.Body)
			b = regexp.MustCompile(`"request_id": "[0-9a-f]+"`).ReplaceAll(b, nil)
			return res.StatusCode, strings.ReplaceAll(string(b), email, "ADDRESS")
		}
		for _, ask := range []struct {
			name string
			do   func(string) (int, string)
		}{{"page", page}, {"API", api}} {
			codeTaken, taken := ask.do(elsewhere)
			codeFresh, free := ask.do(fresh)
			if codeTaken != codeFresh || taken != free {
				t.Errorf("%s: an address at another organisation answers %d %q, a new one %d %q", ask.name, codeTaken, taken, codeFresh, free)
			}
			if codeFresh != http.StatusSeeOther && codeFresh != http.StatusAccepted {
				t.Errorf("%s: invitation answered %d %s", ask.name, codeFresh, free)
			}
			for _, leak := range []string{"exists", "already", "another organisation", "Riverside", "shelter"} {
				if strings.Contains(taken, leak) {
					t.Errorf("%s: the answer for an address at another organisation says %q: %s", ask.name, leak, taken)
				}
			}
		}
		// The list of waiting invitations shows both alike.
		res := f.do(t, "GET", "/admin/users", "", s, nil)
		b, _ := io.ReadAll(res.Body)
		row := func(email string) string {
			m := regexp.MustCompile(`<tr><td>` + regexp.QuoteMeta(email) + `</td>(.*?)</tr>`).FindStringSubmatch(string(b))
			if m == nil {
				t.Fatalf("%s not listed as invited", email)
			}
			return m[1]
		}
		if row(elsewhere) != row(fresh) {
			t.Errorf("the invitations list tells the addresses apart: %q, %q", row(elsewhere), row(fresh))
		}
		// The e-mails: the link only to the new address; the owner of the
		// taken one is told, and gets no link.
		if f.invitationPath(t, fresh) == "" {
			t.Error("the new address got no link")
		}
		if f.invitationPath(t, elsewhere) != "" {
			t.Error("the taken address got a link")
		}
		if m, _ := f.mail.last(elsewhere); !strings.Contains(m.body, "already has an account") || !strings.Contains(m.body, "Acme") {
			t.Errorf("the note to the taken address: %q", m.body)
		}
		// In the admin's own organisation the duplicate is named.
		form := url.Values{"email": {"analyst@acme.example"}, "name": {"A"}, "role": {"viewer"}}
		res = f.do(t, "POST", "/admin/users", form.Encode(), s, nil)
		if b, _ := io.ReadAll(res.Body); res.StatusCode != http.StatusConflict || !strings.Contains(string(b), "already has an account in this organisation") {
			t.Errorf("duplicate in the same organisation: %d", res.StatusCode)
		}
		// Without e-mail the answer is the same refusal for every address.
		f.accounts.Invitations = account.Invitations{}
		codeTaken, taken := api(elsewhere)
		codeFresh, free := api(fresh)
		if codeTaken != http.StatusServiceUnavailable || codeTaken != codeFresh || taken != free {
			t.Errorf("without e-mail: %d %q against %d %q", codeTaken, taken, codeFresh, free)
		}
	})
}

// TestInvitationIsCompletedByThePerson: the person opens the link, sees
// the organisation and role, chooses a password (a weak one or a mistyped
// second one leaves the link usable) and signs in; the link then works no
// more, and neither do a replaced link or one past its 7 days. Invitation
// and account creation are audited with the role.
func TestInvitationIsCompletedByThePerson(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		_, admin := f.login(t, "admin@acme.example", testPassword, "")
		invite := func(email string) string {
			form := url.Values{"email": {email}, "name": {"Ana Lopes"}, "role": {"case_handler"}}
			if res := f.do(t, "POST", "/admin/users", form.Encode(), admin, nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("invite: %d", res.StatusCode)
			}
			return f.invitationPath(t, email)
		}
		link := invite("ana@acme.example")
		res := f.do(t, "GET", link, "", "", nil)
		b, _ := io.ReadAll(res.Body)
		for _, want := range []string{"Join Acme on Upstream", "case handler", "ana@acme.example", `value="Ana Lopes"`} {
			if !strings.Contains(string(b), want) {
				t.Errorf("the invitation page lacks %q", want)
			}
		}
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Error("the invitation page may be cached")
		}
		accept := func(link, pw, pw2 string) (int, string) {
			res := f.do(t, "POST", link, url.Values{"name": {"Ana Lopes"}, "password": {pw}, "password2": {pw2}}.Encode(), "", nil)
			b, _ := io.ReadAll(res.Body)
			return res.StatusCode, string(b)
		}
		if code, body := accept(link, "aaaaaaaaaaaa", "aaaaaaaaaaaa"); code != http.StatusBadRequest || !strings.Contains(body, "Join Acme") {
			t.Fatalf("weak password: %d", code)
		}
		if code, _ := accept(link, "tangerine lantern orbit", "tangerine lantern orbits"); code != http.StatusBadRequest {
			t.Fatalf("mistyped second password: %d", code)
		}
		if code, body := accept(link, "tangerine lantern orbit", "tangerine lantern orbit"); code != http.StatusOK || !strings.Contains(body, "Your account is ready") {
			t.Fatalf("accept: %d", code)
		}
		if _, s := f.login(t, "ana@acme.example", "tangerine lantern orbit", ""); s == "" {
			t.Fatal("the invited person cannot sign in")
		}
		u, err := f.accounts.Store.UserByEmail(ctx, "ana@acme.example")
		if err != nil || u.Role != account.RoleCaseHandler || u.OrgID != f.org.ID || u.Name != "Ana Lopes" {
			t.Fatalf("account %+v %v", u, err)
		}
		if code, body := accept(link, "another fine passphrase", "another fine passphrase"); code != http.StatusNotFound || !strings.Contains(body, "does not work any more") {
			t.Fatalf("second use: %d", code)
		}
		if res := f.do(t, "GET", link, "", "", nil); res.StatusCode != http.StatusNotFound {
			t.Fatalf("used link opened: %d", res.StatusCode)
		}

		// A newer invitation replaces the older link.
		first := invite("bo@acme.example")
		second := invite("bo@acme.example")
		if code, _ := accept(first, "tangerine lantern orbit", "tangerine lantern orbit"); code != http.StatusNotFound {
			t.Fatalf("replaced link: %d", code)
		}
		// A link expires after 7 days.
		f.clock.Advance(account.InvitationLifetime)
		if code, _ := accept(second, "tangerine lantern orbit", "tangerine lantern orbit"); code != http.StatusNotFound {
			t.Fatalf("expired link: %d", code)
		}
		if res := f.do(t, "GET", "/invitations/notarealinvitationlinkatall", "", "", nil); res.StatusCode != http.StatusNotFound {
			t.Fatalf("made-up link: %d", res.StatusCode)
		}
		actions := map[string][]string{}
		if err := db.AuditLog().Entries(ctx, f.org.ID, 0, func(e audit.Entry) error {
			d, _ := json.Marshal(e.Detail)
			actions[e.Action] = append(actions[e.Action], string(d))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(actions[account.ActionUserInvite]) != 3 || !strings.Contains(actions[account.ActionUserInvite][0], "case_handler") {
			t.Errorf("invitations audited: %v", actions[account.ActionUserInvite])
		}
		if got := actions[account.ActionUserCreate]; len(got) < 1 || !strings.Contains(got[len(got)-1], "case_handler") {
			t.Errorf("the account made audited as %v", got)
		}
	})
}
