package web

import (
	"bytes"
	"context"
	"fmt"
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
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/vault"
)

const testPassword = "correct horse battery"

type fixture struct {
	// deps are the server's dependencies; a test may change them, and the
	// next request is served by a server built from the new ones.
	deps     *Deps
	h        http.Handler
	built    *builtServer
	servers  []*builtServer // every server built, for waitForJobs
	accounts *account.Service
	clock    *kernel.FixedClock
	org      account.Org
	users    map[account.Role]account.User
	logs     *strings.Builder
	mail     *fakeMail
}

// fakeMail keeps the e-mails the server sends (invitations).
type fakeMail struct {
	mu   sync.Mutex
	sent []sentMail
}

type sentMail struct{ to, subject, body string }

func (m *fakeMail) SendMail(_ context.Context, to, subject, body string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, sentMail{to, subject, body})
	return nil
}

// last is the newest e-mail to an address.
func (m *fakeMail) last(to string) (sentMail, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.sent) - 1; i >= 0; i-- {
		if m.sent[i].to == to {
			return m.sent[i], true
		}
	}
	return sentMail{}, false
}

var invitationLink = regexp.MustCompile(`https://upstream\.test(/invitations/[a-z2-7]+)`)

// invitationPath is the link path of the newest invitation to an
// address, "" when its e-mail holds none.
func (f *fixture) invitationPath(t *testing.T, to string) string {
	t.Helper()
	m, ok := f.mail.last(to)
	if !ok {
		t.Fatalf("no e-mail to %s", to)
	}
	if l := invitationLink.FindStringSubmatch(m.body); l != nil {
		return l[1]
	}
	return ""
}

// addUser invites a person as the admin of session and completes the
// invitation with password, as the person would; it returns the new
// account's session.
func (f *fixture) addUser(t *testing.T, adminSession, email, name string, role account.Role, password string) string {
	t.Helper()
	form := url.Values{"email": {email}, "name": {name}, "role": {string(role)}}
	if res := f.do(t, "POST", "/admin/users", form.Encode(), adminSession, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite %s: %d", email, res.StatusCode)
	}
	path := f.invitationPath(t, email)
	if path == "" {
		t.Fatalf("the e-mail to %s has no link", email)
	}
	res := f.do(t, "POST", path, url.Values{"name": {name}, "password": {password}, "password2": {password}}.Encode(), "", nil)
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("accept the invitation of %s: %d %s", email, res.StatusCode, b)
	}
	_, s := f.login(t, email, password, "")
	if s == "" {
		t.Fatalf("%s cannot sign in", email)
	}
	return s
}

func newFixture(t *testing.T, db *sqlstore.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	clock := &kernel.FixedClock{T: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	accounts := account.NewService(db.Accounts(), account.NewHasher(account.TestArgon2, 2), clock)
	al := db.AuditLog()
	accounts.Audit = func(ctx context.Context, org, actor, action, object string, detail map[string]string) error {
		_, err := audit.Append(ctx, al, clock, audit.Record{Org: org, Actor: actor, Action: action, Object: object, Detail: detail})
		return err
	}
	logs := &strings.Builder{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	deps := &Deps{Accounts: accounts, Ready: db, Log: log, Clock: clock, Config: Config{CookieSecure: true, Version: "test", MetricsToken: testMetricsToken},
		Jobs: db.APIState(), AuditLog: al}
	org, _, err := accounts.EnsureOrg(ctx, "acme", "Acme")
	if err != nil {
		t.Fatal(err)
	}
	mail := &fakeMail{}
	accounts.Invitations = account.Invitations{Mail: mail, LinkBase: "https://upstream.test"}
	f := &fixture{deps: deps, accounts: accounts, clock: clock, org: org, users: map[account.Role]account.User{}, logs: logs, mail: mail}
	// Every API answer a test receives is checked against the OpenAPI
	// document.
	f.h = validatingAPI(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { f.server(t).h.ServeHTTP(w, r) }))
	// Background jobs finish before the database closes.
	t.Cleanup(f.waitForJobs)
	for _, r := range account.Roles {
		u, err := accounts.CreateUser(ctx, account.NewUser{OrgID: org.ID, Email: string(r) + "@acme.example", Name: string(r), Role: r, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		f.users[r] = u
	}
	return f
}

// waitForJobs waits for the background jobs of every server the fixture
// built so far.
func (f *fixture) waitForJobs() {
	for _, b := range f.servers {
		if b.srv.jobs != nil {
			b.srv.jobs.wg.Wait()
		}
	}
}

// builtServer is a server built from one version of a fixture's deps.
type builtServer struct {
	key string // fmt %#v of the deps it was built from
	srv *Server
	h   http.Handler
}

// testLocales and testPages are the catalogs and parsed templates, shared
// by every server a test builds.
var (
	testLocales = sync.OnceValues(func() (*locales, error) { return loadLocales(localeFiles) })
	testPages   = sync.OnceValues(func() (localizedPages, error) {
		ls, err := testLocales()
		if err != nil {
			return nil, err
		}
		return parseLocalizedPages(ls)
	})
)

// server returns the server for the fixture's current deps, building a new
// one when a test has changed them since the last request.
func (f *fixture) server(t testing.TB) *builtServer {
	t.Helper()
	key := fmt.Sprintf("%#v", *f.deps)
	if f.built != nil && f.built.key == key {
		return f.built
	}
	pages, err := testPages()
	if err != nil {
		t.Fatal(err)
	}
	ls, _ := testLocales()
	srv, err := newServer(*f.deps, ls, pages)
	if err != nil {
		t.Fatal(err)
	}
	f.built = &builtServer{key: key, srv: srv, h: srv.Handler()}
	f.servers = append(f.servers, f.built)
	return f.built
}

// login signs a user in and returns the session cookie value.
func (f *fixture) login(t *testing.T, email, password, code string) (*http.Response, string) {
	t.Helper()
	form := url.Values{"email": {email}, "password": {password}}
	if code != "" {
		form.Set("code", code)
	}
	res := f.do(t, "POST", "/login", form.Encode(), "", nil)
	for _, c := range res.Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			return res, c.Value
		}
	}
	return res, ""
}

func (f *fixture) do(t *testing.T, method, path, body, session string, hdr map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, "http://upstream.test"+path, strings.NewReader(body))
	if method == "POST" && !strings.HasPrefix(path, "/api/") {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if session != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec.Result()
}

// authTables hold, per capability, which roles may call each route;
// "public" routes need no sign-in. Every route must appear in one of them.
var authTables = []map[string][]string{coreAuth, impactAuth, alertsAuth, reportAuth, hooksAuth, casesAuth, screeningAuth, reportsAuth, supplyAuth, supplyAPIAuth, surveysAuth, eudrAuth}

func allowedRolesTable() map[string][]string {
	all := map[string][]string{}
	for _, t := range authTables {
		for k, v := range t {
			all[k] = v
		}
	}
	return all
}

var coreAuth = map[string][]string{
	"GET /healthz":                          {"public"},
	"GET /readyz":                           {"public"},
	"GET /metrics":                          {"public"},
	"GET /login":                            {"public"},
	"POST /login":                           {"public"},
	"POST /logout":                          {"public"},
	"GET /invitations/{token}":              {"public"},
	"POST /invitations/{token}":             {"public"},
	"GET /{$}":                              {"admin", "analyst", "case_handler", "viewer"},
	"GET /account":                          {"admin", "analyst", "case_handler", "viewer"},
	"POST /account/2fa/begin":               {"admin", "analyst", "case_handler", "viewer"},
	"POST /account/2fa/confirm":             {"admin", "analyst", "case_handler", "viewer"},
	"POST /account/tokens":                  {"admin", "analyst", "case_handler", "viewer"},
	"POST /account/tokens/{id}/revoke":      {"admin", "analyst", "case_handler", "viewer"},
	"POST /account/language":                {"admin", "analyst", "case_handler", "viewer"},
	"GET /admin/users":                      {"admin"},
	"POST /admin/users":                     {"admin"},
	"POST /admin/users/{id}/disable":        {"admin"},
	"POST /admin/users/{id}/enable":         {"admin"},
	"POST /admin/users/{id}/reset-2fa":      {"admin"},
	"GET /admin/settings":                   {"admin"},
	"GET /admin/audit-log":                  {"admin"},
	"POST /admin/settings/retention":        {"admin"},
	"POST /admin/settings/recovery-key":     {"admin"},
	"POST /admin/settings/emergency":        {"admin"},
	"POST /admin/settings/emergency/delete": {"admin"},
	"POST /admin/settings/supplier-search":  {"admin"},
	"GET /api/v1/openapi.json":              {"public"},
	"GET /api-reference":                    {"public"},
	"GET /api/v1/me":                        {"admin", "analyst", "case_handler", "viewer"},
	"GET /api/v1/tokens":                    {"admin", "analyst", "case_handler", "viewer"},
	"GET /api/v1/users":                     {"admin"},
	"POST /api/v1/users":                    {"admin"},
	"GET /api/v1/jobs":                      {"admin", "analyst", "case_handler", "viewer"},
	"GET /api/v1/jobs/{id}":                 {"admin", "analyst", "case_handler", "viewer"},
	"GET /api/v1/jobs/{id}/result":          {"admin", "analyst", "case_handler", "viewer"},
}

func TestEveryRoleAgainstEveryRoute(t *testing.T) {
	t.Parallel() // its own database and server
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	sessions := map[string]string{"anonymous": ""}
	for role, u := range f.users {
		_, s := f.login(t, u.Email, testPassword, "")
		if s == "" {
			t.Fatalf("login %s failed", role)
		}
		sessions[string(role)] = s
	}
	allowedRoles := allowedRolesTable()
	routes := f.server(t).srv.routes()
	if len(routes) != len(allowedRoles) {
		t.Errorf("route table has %d routes, authorisation table %d: add every new route to allowedRoles", len(routes), len(allowedRoles))
	}
	for _, rt := range routes {
		allowed, ok := allowedRoles[rt.pattern]
		if !ok {
			t.Errorf("route %s is missing from the authorisation table", rt.pattern)
			continue
		}
		method, path, _ := strings.Cut(rt.pattern, " ")
		path = pathParam.ReplaceAllStringFunc(strings.ReplaceAll(path, "{$}", ""), func(p string) string {
			if p == "{org}" {
				return f.org.Slug
			}
			return kernel.NewID()
		})
		for _, who := range []string{"anonymous", "admin", "analyst", "case_handler", "viewer"} {
			t.Run(rt.pattern+"/"+who, func(t *testing.T) {
				if rt.pattern == "POST /logout" && who != "anonymous" {
					t.Skip("signing out would end the shared session")
				}
				body := ""
				if strings.HasPrefix(path, "/api/") && method == "POST" {
					body = "{}"
				}
				res := f.do(t, method, path, body, sessions[who], nil)
				want := slicesContains(allowed, "public") || slicesContains(allowed, who)
				refused := res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden ||
					(res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/login?next="))
				if slicesContains(allowed, "public") {
					// Public routes answer 401 for wrong credentials and redirect
					// to /login after sign-out; only a 403 is a refusal there.
					refused = res.StatusCode == http.StatusForbidden
				}
				if want && refused {
					t.Errorf("%s should be allowed, got %d", who, res.StatusCode)
				}
				if !want && !refused {
					t.Errorf("%s should be refused, got %d", who, res.StatusCode)
				}
				if !want && who != "anonymous" && res.StatusCode != http.StatusForbidden {
					t.Errorf("%s signed in but not allowed: want 403, got %d", who, res.StatusCode)
				}
			})
		}
	}
}

var pathParam = regexp.MustCompile(`\{[a-z_]+\.{0,3}\}`)

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestCrossSiteFormPostIsRefused(t *testing.T) {
	t.Parallel() // its own database and server
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	_, admin := f.login(t, "admin@acme.example", testPassword, "")
	form := url.Values{"email": {"mallory@evil.example"}, "name": {"m"}, "role": {"admin"}}.Encode()
	tests := []struct {
		name   string
		hdr    map[string]string
		status int
	}{
		{"cross-site fetch metadata", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, http.StatusForbidden},
		{"foreign origin only", map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"same-origin", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://upstream.test"}, http.StatusSeeOther},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := f.do(t, "POST", "/admin/users", form, admin, tc.hdr)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.status)
			}
		})
	}
	invited, _ := f.accounts.Store.ListInvitations(context.Background(), f.org.ID, f.clock.Now())
	if len(invited) != 1 || len(f.mail.sent) != 1 {
		t.Fatalf("want exactly one invitation (by the same-origin post), have %d, %d e-mails", len(invited), len(f.mail.sent))
	}
	// A cross-site login attempt is refused too (login CSRF).
	res := f.do(t, "POST", "/login", url.Values{"email": {"admin@acme.example"}, "password": {testPassword}}.Encode(), "",
		map[string]string{"Sec-Fetch-Site": "cross-site"})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site login: %d", res.StatusCode)
	}
}

func TestLoginThrottling(t *testing.T) {
	t.Parallel() // its own database and server
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	email := "viewer@acme.example"
	for i := 1; i <= 5; i++ {
		res, _ := f.login(t, email, "wrong password!!", "")
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d", i, res.StatusCode)
		}
	}
	// The fifth wrong attempt locked the account for a while...
	res, s := f.login(t, email, testPassword, "")
	if res.StatusCode != http.StatusTooManyRequests || s != "" {
		t.Fatalf("locked account: status %d, session %q", res.StatusCode, s)
	}
	// ...each further failure doubles the lock...
	f.clock.Advance(31 * time.Second)
	f.login(t, email, "wrong password!!", "")
	f.clock.Advance(31 * time.Second)
	if res, _ := f.login(t, email, testPassword, ""); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("lock should have doubled to 60 s; status %d", res.StatusCode)
	}
	// ...but it always expires, and the right password then works and resets the count.
	f.clock.Advance(15 * time.Minute)
	if _, s := f.login(t, email, testPassword, ""); s == "" {
		t.Fatal("the right user is locked out after the lock expired")
	}
	for i := 1; i < 5; i++ {
		if res, _ := f.login(t, email, "wrong password!!", ""); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("after a reset, attempt %d: status %d", i, res.StatusCode)
		}
	}
	if _, s := f.login(t, email, testPassword, ""); s == "" {
		t.Fatal("failed count not reset by the earlier successful sign-in")
	}
}

func TestTOTPEnrolmentAndLogin(t *testing.T) {
	t.Parallel() // its own database and server
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		email := "analyst@acme.example"
		_, s := f.login(t, email, testPassword, "")
		res := f.do(t, "POST", "/account/2fa/begin", "", s, nil)
		body, _ := io.ReadAll(res.Body)
		m := regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`).FindSubmatch(body)
		if res.StatusCode != 200 || m == nil {
			t.Fatalf("begin: %d %s", res.StatusCode, body)
		}
		secret := string(m[1])
		if res := f.do(t, "POST", "/account/2fa/confirm", "code=000000", s, nil); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("wrong confirm code accepted: %d", res.StatusCode)
		}
		code, _ := account.TOTPCode(secret, f.clock.Now())
		res = f.do(t, "POST", "/account/2fa/confirm", "code="+code, s, nil)
		body, _ = io.ReadAll(res.Body)
		rc := regexp.MustCompile(`<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>`).FindAllSubmatch(body, -1)
		if res.StatusCode != 200 || len(rc) != account.RecoveryCodeCount {
			t.Fatalf("confirm: %d, %d recovery codes", res.StatusCode, len(rc))
		}

		f.clock.Advance(time.Minute)
		if res, s := f.login(t, email, testPassword, ""); s != "" || res.StatusCode != http.StatusUnauthorized {
			t.Fatal("password alone signed in with a second factor enrolled")
		}
		if _, s := f.login(t, email, testPassword, "123456"); s != "" {
			t.Fatal("wrong TOTP code signed in")
		}
		code, _ = account.TOTPCode(secret, f.clock.Now())
		if _, s := f.login(t, email, testPassword, code); s == "" {
			t.Fatal("right TOTP code refused")
		}
		if _, s := f.login(t, email, testPassword, code); s != "" {
			t.Fatal("a TOTP code was accepted twice")
		}
		recovery := strings.ToUpper(string(rc[0][1]))
		if _, s := f.login(t, email, testPassword, recovery); s == "" {
			t.Fatal("recovery code refused")
		}
		if _, s := f.login(t, email, testPassword, recovery); s != "" {
			t.Fatal("a recovery code was accepted twice")
		}
	})
}

func TestAPITokenAndSessionExpiry(t *testing.T) {
	t.Parallel() // its own database and server
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	_, s := f.login(t, "admin@acme.example", testPassword, "")
	res := f.do(t, "POST", "/account/tokens", "name=ci&scope_users=write&expires=30", s, nil)
	body, _ := io.ReadAll(res.Body)
	m := regexp.MustCompile(`id="new-token">(upk_[a-z2-7]+)<`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("no token shown: %d", res.StatusCode)
	}
	token := string(m[1])
	bearer := map[string]string{"Authorization": "Bearer " + token}
	res = f.do(t, "GET", "/api/v1/users", "", "", bearer)
	if res.StatusCode != 200 {
		t.Fatalf("token GET users: %d", res.StatusCode)
	}
	res = f.do(t, "POST", "/api/v1/users", `{"email":"new@acme.example","name":"N","role":"viewer"}`, "", bearer)
	if res.StatusCode != http.StatusAccepted {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("token POST users: %d %s", res.StatusCode, b)
	}
	res = f.do(t, "POST", "/api/v1/users", `{"email":"viewer@acme.example","name":"N","role":"viewer"}`, "", bearer)
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("duplicate user: %d", res.StatusCode)
	}
	res = f.do(t, "POST", "/api/v1/users", `{"email":"x@acme.example","name":"X","role":"viewer","password":"a long enough password"}`, "", bearer)
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("a password chosen by the admin: %d", res.StatusCode)
	}
	res = f.do(t, "POST", "/api/v1/users", `{"email":"x@acme.example","rol":"viewer"}`, "", bearer)
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown field: %d", res.StatusCode)
	}
	if res := f.do(t, "GET", "/api/v1/me", "", "", map[string]string{"Authorization": "Bearer upk_notatokenatall"}); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("bad token: %d", res.StatusCode)
	}
	// Sessions end after the idle timeout.
	f.clock.Advance(31 * time.Minute)
	if res := f.do(t, "GET", "/api/v1/me", "", s, nil); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("idle session still valid: %d", res.StatusCode)
	}
}

func TestSecurityHeadersAndLogs(t *testing.T) {
	t.Parallel() // its own database and server
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	req := httptest.NewRequest("GET", "/login?secret=canary-query", nil)
	req.RemoteAddr = "203.0.113.77:4242"
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	h := rec.Result().Header
	for k, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
	} {
		if h.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, h.Get(k), want)
		}
	}
	csp := h.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
	if h.Get("X-Request-ID") == "" {
		t.Error("no request ID")
	}
	if strings.Contains(f.logs.String(), "203.0.113.77") || strings.Contains(f.logs.String(), "canary-query") {
		t.Errorf("access log holds the client address or query: %s", f.logs.String())
	}
	if !strings.Contains(f.logs.String(), `route="GET /login"`) {
		t.Errorf("access log lacks the route: %s", f.logs.String())
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	t.Parallel() // its own database and server
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	for _, p := range []string{"/healthz", "/readyz"} {
		if res := f.do(t, "GET", p, "", "", nil); res.StatusCode != 200 {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}
	for _, hdr := range []map[string]string{nil, {"Authorization": "Bearer wrong"}} {
		if res := f.do(t, "GET", "/metrics", "", "", hdr); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("metrics without the token (%v): %d", hdr, res.StatusCode)
		}
	}
	res := f.do(t, "GET", "/metrics", "", "", map[string]string{"Authorization": "Bearer " + testMetricsToken})
	body, _ := io.ReadAll(res.Body)
	for _, want := range []string{`upstream_http_requests_total{route="GET /healthz",code="2xx"} 1`, "upstream_http_request_duration_seconds_bucket", "upstream_http_errors_total"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
}

const testMetricsToken = "metrics-test-token"

// TestMetricsNeverCountReporterRoutes: a report posted and the forms
// fetched leave no trace in the metrics, so a scraper cannot tell when
// reports arrive; a server without a token has no /metrics at all.
func TestMetricsNeverCountReporterRoutes(t *testing.T) {
	g := newGFixture(t, sqltest.Open(t, sqlstore.SQLite), vault.TestParams())
	g.do(t, "GET", "/report/acme", "", "", nil)
	if rc, _, _ := g.submitReport(t, "acme", url.Values{"narrative": {"metrics test"}}, nil); rc == "" {
		t.Fatal("no receipt")
	}
	g.do(t, "GET", "/healthz", "", "", nil)
	res := g.do(t, "GET", "/metrics", "", "", map[string]string{"Authorization": "Bearer " + testMetricsToken})
	page, _ := io.ReadAll(res.Body)
	if strings.Contains(string(page), "/report") || strings.Contains(string(page), "/hooks") || !strings.Contains(string(page), "GET /healthz") {
		t.Fatalf("metrics:\n%s", page)
	}
	off := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	off.deps.Config.MetricsToken = ""
	if res := off.do(t, "GET", "/metrics", "", "", nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("metrics without a configured token: %d", res.StatusCode)
	}
}

// TestReporterRoutesLeaveNoAccessLog: a reporter's visit leaves no log line
// at all, not even its time; staff routes still log.
func TestReporterRoutesLeaveNoAccessLog(t *testing.T) {
	t.Parallel() // its own database and server
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	f.do(t, "GET", "/report/acme?lang=fr", "", "", nil)
	f.do(t, "GET", "/report/acme/follow-up", "", "", nil)
	if strings.Contains(f.logs.String(), "/report/") {
		t.Fatalf("reporter route logged:\n%s", f.logs.String())
	}
	f.do(t, "GET", "/healthz", "", "", nil)
	if !strings.Contains(f.logs.String(), `route="GET /healthz"`) {
		t.Fatalf("staff routes stopped logging:\n%s", f.logs.String())
	}
}

func TestRetentionSetting(t *testing.T) {
	t.Parallel() // its own database and server
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	_, s := f.login(t, "admin@acme.example", testPassword, "")
	for _, tc := range []struct {
		value  string
		status int
	}{{"-1", http.StatusBadRequest}, {"ten", http.StatusBadRequest}, {"99999999", http.StatusBadRequest}, {"365", http.StatusSeeOther}} {
		if res := f.do(t, "POST", "/admin/settings/retention", "retention_days="+tc.value, s, nil); res.StatusCode != tc.status {
			t.Errorf("retention %q: status %d, want %d", tc.value, res.StatusCode, tc.status)
		}
	}
	org, _ := f.accounts.Store.OrgByID(context.Background(), f.org.ID)
	if org.RetentionDays != 365 {
		t.Fatalf("retention %d", org.RetentionDays)
	}
}

type fakeRecoveryKeys struct{ has bool }

func (f *fakeRecoveryKeys) HasRecoveryKey(context.Context, string) (bool, error) { return f.has, nil }
func (f *fakeRecoveryKeys) CreateRecoveryKey(context.Context, string) (string, error) {
	if f.has {
		return "", kernel.Errorf(kernel.Conflict, "the organisation already has a recovery key")
	}
	f.has = true
	return "UPR1-TEST-KEY", nil
}

func TestRecoveryKeyShownOnce(t *testing.T) {
	t.Parallel() // its own database and server
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	f.deps.RecoveryKeys = &fakeRecoveryKeys{}
	_, s := f.login(t, "admin@acme.example", testPassword, "")
	res := f.do(t, "GET", "/admin/settings", "", s, nil)
	body, _ := io.ReadAll(res.Body)
	if !strings.Contains(string(body), "no recovery key yet") {
		t.Fatalf("settings page without a key:\n%s", body)
	}
	res = f.do(t, "POST", "/admin/settings/recovery-key", "", s, nil)
	body, _ = io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated || !strings.Contains(string(body), "UPR1-TEST-KEY") {
		t.Fatalf("create: %d", res.StatusCode)
	}
	res = f.do(t, "GET", "/admin/settings", "", s, nil)
	body, _ = io.ReadAll(res.Body)
	if strings.Contains(string(body), "UPR1-TEST-KEY") || !strings.Contains(string(body), "has a recovery key") {
		t.Fatal("the key is shown again, or its presence is not")
	}
	if res := f.do(t, "POST", "/admin/settings/recovery-key", "", s, nil); res.StatusCode != http.StatusConflict {
		t.Fatalf("second create: %d", res.StatusCode)
	}
}

// TestTOTPSetupShowsQRCodeAndWorkingLink: enrolment draws the QR code on
// the server (an SVG in the page, no script) and links the otpauth: URI
// itself; html/template used to replace it with #ZgotmplZ.
func TestTOTPSetupShowsQRCodeAndWorkingLink(t *testing.T) {
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	_, s := f.login(t, "viewer@acme.example", testPassword, "")
	res := f.do(t, "POST", "/account/2fa/begin", "", s, nil)
	page, _ := io.ReadAll(res.Body)
	secret := regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`).FindSubmatch(page)
	if res.StatusCode != 200 || secret == nil {
		t.Fatalf("begin: %d", res.StatusCode)
	}
	if bytes.Contains(page, []byte("ZgotmplZ")) || !regexp.MustCompile(`href="otpauth://totp/[^"]*secret=`+string(secret[1])).Match(page) {
		t.Fatalf("no working otpauth: link in the page")
	}
	if !regexp.MustCompile(`(?s)<div id="totp-qr" class="qr"><svg [^>]*role="img"[^>]*>.*<path fill="#000" d="M`).Match(page) {
		t.Fatal("no QR code drawn in the page")
	}
	if bytes.Contains(page, []byte("<script")) {
		t.Fatal("the enrolment page carries script")
	}
}
