package web

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// TestSafeNextStaysOnSite: the page to return to after sign-in is a path
// on this host, whatever the link carried. "/%09/evil.example/x" used to
// pass: the browser drops the tab and leaves the site.
func TestSafeNextStaysOnSite(t *testing.T) {
	for _, tc := range []struct{ next, want string }{
		{"/suppliers?tier=2", "/suppliers?tier=2"},
		{"/cases/0190-abc", "/cases/0190-abc"},
		{"/a%20b", "/a%20b"},
		{"", "/"},
		{"/\t/evil.example/x", "/"},
		{"/\n/evil.example", "/"},
		{"//evil.example/x", "/"},
		{"/\\evil.example", "/"},
		{"\\\\evil.example", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"evil.example", "/"},
		{"/%2F/evil.example", "/%2F/evil.example"},
		{"http:/evil.example", "/"},
	} {
		if got := safeNext(tc.next); got != tc.want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.next, got, tc.want)
		}
	}
}

// TestSignInRedirectStaysOnSite signs in with the attacker's next value.
func TestSignInRedirectStaysOnSite(t *testing.T) {
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	form := url.Values{"email": {"viewer@acme.example"}, "password": {testPassword}, "next": {"/\t/evil.example/x"}}
	res := f.do(t, "POST", "/login", form.Encode(), "", nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("redirect after sign-in: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
}
