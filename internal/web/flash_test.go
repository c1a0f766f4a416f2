package web

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// flashOf is the message a response leaves for the next page, read from
// its cookie ("" when it leaves none).
func flashOf(t *testing.T, res *http.Response) string {
	t.Helper()
	for _, c := range res.Cookies() {
		if c.Name != flashCookie || c.Value == "" {
			continue
		}
		body, _, _ := strings.Cut(c.Value, ".")
		msg, err := base64.RawURLEncoding.DecodeString(body)
		if err != nil {
			t.Fatalf("flash cookie %q: %v", c.Value, err)
		}
		return string(msg)
	}
	return ""
}

// pageConfirmations says, for every state-changing page route, how the
// person learns what it did: "flash" routes redirect with a message the
// next page shows once; "page" routes answer with a page that shows the
// result itself (a secret shown once, an import's summary, a form's own
// error). A new form route must be added here, and say what it did.
var pageConfirmations = map[string]string{
	"POST /login":                               "page", // the page asked for
	"POST /logout":                              "page", // the sign-in page
	"POST /invitations/{token}":                 "page", // "your account is ready"
	"POST /account/2fa/begin":                   "page", // the QR code to scan
	"POST /account/2fa/confirm":                 "page", // the recovery codes, once
	"POST /account/tokens":                      "page", // the new token, once
	"POST /account/tokens/{id}/revoke":          "flash",
	"POST /account/language":                    "flash",
	"POST /admin/users":                         "flash",
	"POST /admin/users/{id}/disable":            "flash",
	"POST /admin/users/{id}/enable":             "flash",
	"POST /admin/users/{id}/reset-2fa":          "flash",
	"POST /admin/settings/retention":            "flash",
	"POST /admin/settings/emergency":            "page", // the settings page says what was saved
	"POST /admin/settings/emergency/delete":     "page",
	"POST /admin/settings/supplier-search":      "page",
	"POST /admin/settings/recovery-key":         "page", // the recovery key, once
	"POST /alerts/{id}/acknowledge":             "flash",
	"POST /alerts/{id}/assign":                  "flash",
	"POST /alerts/{id}/snooze":                  "flash",
	"POST /alerts/{id}/resolve":                 "flash",
	"POST /alerts/endpoints":                    "page", // the endpoint's signing secret, once
	"POST /alerts/endpoints/{id}/delete":        "flash",
	"POST /alerts/sensitivity":                  "flash",
	"POST /alerts/closures":                     "flash",
	"POST /alerts/closures/{id}/delete":         "flash",
	"POST /scorecards/answers":                  "page", // the grade summary names the answer
	"POST /scorecards/suppliers/{id}/answers":   "page",
	"POST /surveys":                             "page", // the new survey says it was created
	"POST /surveys/{id}/questions":              "page",
	"POST /cases/spam":                          "flash",
	"POST /cases/handlers/{id}/approve":         "flash",
	"POST /cases/{id}/stage":                    "flash",
	"POST /cases/{id}/triage":                   "flash",
	"POST /cases/{id}/assign":                   "flash",
	"POST /cases/{id}/messages":                 "flash",
	"POST /cases/{id}/remedies":                 "flash",
	"POST /cases/{id}/remedies/{rid}/implement": "flash",
	"POST /cases/{id}/remedies/{rid}/withdraw":  "flash",
	"POST /cases/{id}/referral":                 "flash",
	"POST /cases/{id}/access":                   "flash",
	"POST /suppliers/duplicates/merge":          "page", // the duplicates page says what was merged
	"POST /suppliers/duplicates/keep-apart":     "page",
	"POST /suppliers/merges/{id}/undo":          "page",
	"POST /suppliers/duplicates/os-id/accept":   "page", // the duplicates page says which OS ID was given
	"POST /suppliers/duplicates/os-id/reject":   "page",
	"POST /suppliers/audits/delete":             "flash",
	"POST /suppliers/import":                    "page", // the import's summary and row errors
	"POST /screening/run":                       "flash",
	"POST /screening/lists":                     "flash",
	"POST /screening/{id}/decide":               "flash",
	"POST /screening/bulk":                      "flash",
	"POST /eudr/plots":                          "page", // the import summary and the problems found
	"POST /eudr/operator":                       "page", // the EUDR forms answer with their page saying what was done
	"POST /eudr/lots":                           "page",
	"POST /eudr/lots/{ref}":                     "page",
	"POST /eudr/lots/{ref}/assessment":          "page",
	"POST /eudr/lots/{ref}/mitigation":          "page",
	"POST /eudr/lots/{ref}/decision":            "page",
	"POST /eudr/plots/{id}/evidence":            "page",
	"POST /eudr/lots/{ref}/statement":           "page", // the lot page says which statement was made
	"POST /impact/programmes":                   "flash",
	"POST /impact/programmes/{id}/model":        "flash",
	"POST /impact/programmes/{id}/steps":        "flash",
	"POST /impact/programmes/{id}/steps/{step}": "flash",
	"POST /impact/programmes/{id}/links":        "flash",
	"POST /impact/programmes/{id}/indicators":   "flash",
	"POST /impact/programmes/{id}/observations": "flash",
	"POST /impact/programmes/{id}/entry":        "flash",
	"POST /impact/programmes/{id}/sroi":         "flash",
}

// TestEveryFormRouteSaysWhatItDid: every state-changing route outside the
// API, the webhooks and the reporter's pages is listed above with the way
// it confirms what it did.
func TestEveryFormRouteSaysWhatItDid(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	for _, rt := range f.server(t).srv.routes() {
		method, path, _ := strings.Cut(rt.pattern, " ")
		if method == "GET" || method == "HEAD" || rt.access == reporterRoute || strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/hooks/") {
			continue
		}
		if _, ok := pageConfirmations[rt.pattern]; !ok {
			t.Errorf("%s changes something: add it to pageConfirmations and make it say what it did", rt.pattern)
		}
	}
}

// TestFormsConfirmWhatTheyDid runs the account, settings and alert forms
// and reads the message each leaves for the next page.
func TestFormsConfirmWhatTheyDid(t *testing.T) {
	t.Parallel()
	f := newAlertsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	_, admin := f.login(t, f.users[account.RoleAdmin].Email, testPassword, "")
	a := f.raise(t, f.org.ID, "supplier-9", earlywarning.SeverityHigh)
	analyst := f.users[account.RoleAnalyst]
	ep := earlywarning.Endpoint{ID: "endpoint-1", OrgID: f.org.ID, Channel: earlywarning.ChannelEmail, Target: "alerts@acme.example", MinSeverity: earlywarning.SeverityLow}
	if err := f.st.CreateEndpoint(context.Background(), ep, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, form, want string
	}{
		{"invite a user", "/admin/users", "email=ana%40acme.example&name=Ana+Lopes&role=case_handler", "An invitation to join as case handler is on its way to Ana Lopes (ana@acme.example)."},
		{"disable a user", "/admin/users/" + analyst.ID + "/disable", "", analyst.Name + " is disabled"},
		{"enable a user", "/admin/users/" + analyst.ID + "/enable", "", analyst.Name + " is enabled"},
		{"reset a second factor", "/admin/users/" + analyst.ID + "/reset-2fa", "", "The second factor of " + analyst.Name + " is reset"},
		{"retention", "/admin/settings/retention", "retention_days=400", "kept for 400 days after their case closes"},
		{"acknowledge an alert", "/alerts/" + a.ID + "/acknowledge", "", "Alert acknowledged"},
		{"assign an alert", "/alerts/" + a.ID + "/assign", "user=" + analyst.ID, "Alert assigned to " + analyst.Name + "."},
		{"snooze an alert", "/alerts/" + a.ID + "/snooze", "hours=4", "Alert snoozed until"},
		{"resolve an alert", "/alerts/" + a.ID + "/resolve", "resolution=checked+with+the+supplier", "Alert resolved."},
		{"sensitivity", "/alerts/sensitivity", "sensitivity=quiet", "Sensitivity saved: Fewer false alarms."},
		{"closure", "/alerts/closures", "from=2026-04-13&to=2026-04-15&kind=holiday&label=Songkran", "Closure added: Songkran, 13 April 2026 to 15 April 2026."},
		{"remove an endpoint", "/alerts/endpoints/" + ep.ID + "/delete", "", "Delivery endpoint removed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := f.do(t, "POST", tc.path, tc.form, admin, nil)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("status %d: %s", res.StatusCode, body(t, res))
			}
			if msg := flashOf(t, res); !strings.Contains(msg, tc.want) {
				t.Errorf("message %q, want %q", msg, tc.want)
			}
		})
	}
}

// withFlash sends a request with a session and a flash cookie.
func withFlash(t *testing.T, f *fixture, path, session string, flash *http.Cookie) *http.Response {
	t.Helper()
	req := httptest.NewRequest("GET", "http://upstream.test"+path, nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
	req.AddCookie(flash)
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec.Result()
}

// TestFlashShownOnceAndOnlyToItsSession: the message is shown on the next
// page and cleared; the same cookie with another session, or with its text
// changed, shows nothing.
func TestFlashShownOnceAndOnlyToItsSession(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	_, admin := f.login(t, f.users[account.RoleAdmin].Email, testPassword, "")
	_, other := f.login(t, f.users[account.RoleAdmin].Email, testPassword, "")
	res := f.do(t, "POST", "/admin/settings/retention", "retention_days=200", admin, nil)
	var flash *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == flashCookie {
			flash = c
		}
	}
	if flash == nil || !flash.HttpOnly || flash.SameSite != http.SameSiteLaxMode || !flash.Secure {
		t.Fatalf("flash cookie %+v: want HttpOnly, SameSite=Lax, Secure", flash)
	}
	want := "kept for 200 days"

	page := withFlash(t, f, "/admin/settings", admin, flash)
	if b := body(t, page); !strings.Contains(b, `id="flash">Retention saved: grievance records are kept for 200 days`) {
		t.Errorf("the next page does not say what was done:\n%.2000s", b)
	}
	cleared := false
	for _, c := range page.Cookies() {
		cleared = cleared || (c.Name == flashCookie && c.MaxAge < 0)
	}
	if !cleared {
		t.Error("the message is not cleared once shown")
	}
	if b := body(t, withFlash(t, f, "/admin/settings", other, flash)); strings.Contains(b, want) {
		t.Error("another session's browser shows the message")
	}
	body64, sig, _ := strings.Cut(flash.Value, ".")
	msg, _ := base64.RawURLEncoding.DecodeString(body64)
	forged := &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(msg), "200", "900", 1))) + "." + sig}
	if b := body(t, withFlash(t, f, "/admin/settings", admin, forged)); strings.Contains(b, "900 days") {
		t.Error("a message with changed text is shown")
	}
}
