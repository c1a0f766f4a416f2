package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

func TestAPIErrorsAreProblemDetails(t *testing.T) {
	t.Parallel() // its own database and server
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	_, admin := f.login(t, f.users[account.RoleAdmin].Email, testPassword, "")
	_, viewer := f.login(t, f.users[account.RoleViewer].Email, testPassword, "")
	tests := []struct {
		name, method, path, body, session string
		status                            int
		code, detail                      string
	}{
		{"not signed in", "GET", "/api/v1/me", "", "", 401, "unauthorised", "please sign in"},
		{"role refused", "GET", "/api/v1/users", "", viewer, 403, "forbidden", "does not allow"},
		{"bad body", "POST", "/api/v1/users", `{"email": 1}`, admin, 400, "invalid", "request body"},
		{"unknown field", "POST", "/api/v1/users", `{"nick": "x"}`, admin, 400, "invalid", "nick"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := f.do(t, tc.method, tc.path, tc.body, tc.session, nil)
			var p problemJSON
			if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != tc.status || res.Header.Get("Content-Type") != "application/problem+json" ||
				p.Status != tc.status || p.Code != tc.code || !strings.Contains(p.Detail, tc.detail) ||
				p.Type != "about:blank" || p.Title != http.StatusText(tc.status) || p.Instance != tc.path || p.RequestID == "" {
				t.Errorf("status %d, type %q, problem %+v", res.StatusCode, res.Header.Get("Content-Type"), p)
			}
		})
	}
}

func TestAPIETagAndIfNoneMatch(t *testing.T) {
	t.Parallel() // its own database and server
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	_, admin := f.login(t, f.users[account.RoleAdmin].Email, testPassword, "")
	res := f.do(t, "GET", "/api/v1/users", "", admin, nil)
	tag := res.Header.Get("ETag")
	if res.StatusCode != 200 || !strings.HasPrefix(tag, `"`) || res.Header.Get("Cache-Control") != "private, no-cache" {
		t.Fatalf("status %d, ETag %q, Cache-Control %q", res.StatusCode, tag, res.Header.Get("Cache-Control"))
	}
	res = f.do(t, "GET", "/api/v1/users", "", admin, map[string]string{"If-None-Match": `"other", ` + tag})
	if b, _ := io.ReadAll(res.Body); res.StatusCode != http.StatusNotModified || len(b) != 0 || res.Header.Get("ETag") != tag {
		t.Fatalf("unchanged: status %d, ETag %q, body %q", res.StatusCode, res.Header.Get("ETag"), b)
	}
	// A change gives a new representation and a new ETag.
	if err := f.accounts.SetDisabled(context.Background(), f.org.ID, f.users[account.RoleViewer].ID, true, "test"); err != nil {
		t.Fatal(err)
	}
	res = f.do(t, "GET", "/api/v1/users", "", admin, map[string]string{"If-None-Match": tag})
	if res.StatusCode != 200 || res.Header.Get("ETag") == tag {
		t.Fatalf("changed: status %d, ETag %q", res.StatusCode, res.Header.Get("ETag"))
	}
	// Errors carry no ETag.
	if res := f.do(t, "GET", "/api/v1/users", "", "", nil); res.Header.Get("ETag") != "" {
		t.Error("an error has an ETag")
	}
}

func TestAPIIfMatch(t *testing.T) {
	t.Parallel() // its own database and server
	f := newAlertsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	a := f.raise(t, f.org.ID, "supplier-1", earlywarning.SeverityHigh)
	_, analyst := f.login(t, f.users[account.RoleAnalyst].Email, testPassword, "")
	path := "/api/v1/alerts/" + a.ID
	tag := f.do(t, "GET", path, "", analyst, nil).Header.Get("ETag")
	// Someone else changes the alert: the stale ETag is refused and
	// nothing changes.
	if res := f.do(t, "POST", path+"/snooze", `{"hours": 2}`, analyst, nil); res.StatusCode != 200 {
		t.Fatalf("snooze: %d", res.StatusCode)
	}
	res := f.do(t, "POST", path+"/resolve", `{"resolution": "fixed"}`, analyst, map[string]string{"If-Match": tag})
	var p problemJSON
	_ = json.NewDecoder(res.Body).Decode(&p)
	if res.StatusCode != http.StatusPreconditionFailed || p.Code != "conflict" {
		t.Fatalf("stale If-Match: status %d, %+v", res.StatusCode, p)
	}
	if got, _ := f.deps.Alerts.Alerts.Alert(context.Background(), f.org.ID, a.ID); got.State == earlywarning.StateResolved {
		t.Fatal("a refused change was made")
	}
	// The current ETag lets it through.
	tag = f.do(t, "GET", path, "", analyst, nil).Header.Get("ETag")
	if res := f.do(t, "POST", path+"/resolve", `{"resolution": "fixed"}`, analyst, map[string]string{"If-Match": tag}); res.StatusCode != 200 {
		t.Fatalf("current If-Match: status %d", res.StatusCode)
	}
	// A route that changes no single resource refuses If-Match rather
	// than ignoring it.
	_, admin := f.login(t, f.users[account.RoleAdmin].Email, testPassword, "")
	if res := f.do(t, "POST", "/api/v1/users", `{}`, admin, map[string]string{"If-Match": tag}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("If-Match on a collection: status %d", res.StatusCode)
	}
}

func TestAPIRateLimitHeaders(t *testing.T) {
	t.Parallel() // its own database and server
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	f.deps.Config.APIRateLimit = 3
	_, viewer := f.login(t, f.users[account.RoleViewer].Email, testPassword, "")
	_, analyst := f.login(t, f.users[account.RoleAnalyst].Email, testPassword, "")
	for i := 1; i <= 3; i++ {
		res := f.do(t, "GET", "/api/v1/me", "", viewer, nil)
		want := fmt.Sprintf(`"per-user";r=%d;t=`, 3-i)
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("RateLimit"), want) ||
			res.Header.Get("RateLimit-Policy") != `"per-user";q=3;w=60` {
			t.Fatalf("request %d: status %d, RateLimit %q, policy %q", i, res.StatusCode, res.Header.Get("RateLimit"), res.Header.Get("RateLimit-Policy"))
		}
	}
	res := f.do(t, "GET", "/api/v1/me", "", viewer, nil)
	var p problemJSON
	_ = json.NewDecoder(res.Body).Decode(&p)
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || p.Code != "rate_limited" {
		t.Fatalf("over the limit: status %d, Retry-After %q, %+v", res.StatusCode, res.Header.Get("Retry-After"), p)
	}
	// Another user has a quota of their own; the window ends.
	if res := f.do(t, "GET", "/api/v1/me", "", analyst, nil); res.StatusCode != 200 {
		t.Errorf("another user: %d", res.StatusCode)
	}
	f.clock.Advance(61e9)
	_, viewer = f.login(t, f.users[account.RoleViewer].Email, testPassword, "")
	if res := f.do(t, "GET", "/api/v1/me", "", viewer, nil); res.StatusCode != 200 {
		t.Errorf("next window: %d", res.StatusCode)
	}
}

func TestAPIIdempotencyKeys(t *testing.T) {
	t.Parallel() // its own database and server
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	_, admin := f.login(t, f.users[account.RoleAdmin].Email, testPassword, "")
	// Each invitation that runs sends one e-mail.
	users := func() int {
		f.mail.mu.Lock()
		defer f.mail.mu.Unlock()
		return len(f.mail.sent)
	}
	before := users()
	body := `{"email": "once@acme.example", "name": "Once", "role": "viewer"}`
	key := map[string]string{"Idempotency-Key": "create-once-1"}
	first := f.do(t, "POST", "/api/v1/users", body, admin, key)
	firstBody, _ := io.ReadAll(first.Body)
	if first.StatusCode != http.StatusAccepted {
		t.Fatalf("first: %d %s", first.StatusCode, firstBody)
	}
	again := f.do(t, "POST", "/api/v1/users", body, admin, key)
	againBody, _ := io.ReadAll(again.Body)
	if again.StatusCode != http.StatusAccepted || string(againBody) != string(firstBody) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: status %d, replayed %q, same body %v", again.StatusCode, again.Header.Get("Idempotent-Replayed"), string(againBody) == string(firstBody))
	}
	other := f.do(t, "POST", "/api/v1/users", strings.Replace(body, "Once", "Twice", 1), admin, key)
	if other.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("same key, other body: %d", other.StatusCode)
	}
	if n := users(); n != before+1 {
		t.Fatalf("%d invitations sent, want 1", n-before)
	}
	bad := f.do(t, "POST", "/api/v1/users", body, admin, map[string]string{"Idempotency-Key": "has space"})
	if bad.StatusCode != http.StatusBadRequest {
		t.Errorf("a bad key: %d", bad.StatusCode)
	}

	// Concurrent requests with one key: exactly one runs; the others
	// replay its answer or are told it is still running.
	body = `{"email": "race@acme.example", "name": "Race", "role": "viewer"}`
	const n = 16
	statuses := make([]int, n)
	replayed := make([]bool, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := f.do(t, "POST", "/api/v1/users", body, admin, map[string]string{"Idempotency-Key": "race-1"})
			statuses[i], replayed[i] = res.StatusCode, res.Header.Get("Idempotent-Replayed") == "true"
		}()
	}
	wg.Wait()
	ran := 0
	for i, st := range statuses {
		switch {
		case st == http.StatusAccepted && !replayed[i]:
			ran++
		case st == http.StatusAccepted && replayed[i], st == http.StatusConflict:
		default:
			t.Errorf("request %d: status %d", i, st)
		}
	}
	if ran != 1 {
		t.Errorf("%d requests ran, want exactly 1 (statuses %v)", ran, statuses)
	}
	if got := users(); got != before+2 {
		t.Errorf("%d invitations in all after the race, want %d", got, before+2)
	}
}
