package cli

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/web"
)

// TestTwoServersShareAPIState runs two servers on one database, as behind
// a load balancer, with the shared idempotency keys and request counts
// serve wires: a retry sent to the other server replays the first answer
// (and creates nothing twice, also when both arrive at once), and a user's
// quota is one quota across both servers.
func TestTwoServersShareAPIState(t *testing.T) {
	t.Parallel() // its own database
	for _, engine := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			dsn := sqltest.DSN(t, engine)
			clock := &kernel.FixedClock{T: time.Date(2026, 11, 25, 9, 0, 30, 0, time.UTC)}
			var servers []http.Handler
			var token string
			for i := range 2 {
				db, err := sqlstore.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				if _, err := db.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				accounts := account.NewService(db.Accounts(), account.NewHasher(account.TestArgon2, 2), clock)
				if i == 0 {
					org, _, err := accounts.EnsureOrg(ctx, "acme", "Acme")
					if err != nil {
						t.Fatal(err)
					}
					u, err := accounts.CreateUser(ctx, account.NewUser{OrgID: org.ID, Email: "admin@acme.example", Name: "Admin",
						Role: account.RoleAdmin, Password: "correct horse battery staple"})
					if err != nil {
						t.Fatal(err)
					}
					if _, token, err = accounts.CreateAPIToken(ctx, u, account.TokenRequest{Name: "integration",
						Scopes: account.Scopes{"users:write"}}); err != nil {
						t.Fatal(err)
					}
				}
				st := db.APIState()
				srv, err := web.New(web.Deps{Accounts: accounts, Ready: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: clock,
					Idempotency: sharedIdempotency{st: st, clock: clock}, RateCounts: &sharedRateCounts{st: st}, Jobs: st,
					Config: web.Config{APIRateLimit: 40, Version: "test"}})
				if err != nil {
					t.Fatal(err)
				}
				servers = append(servers, srv.Handler())
			}
			call := func(i int, method, path, body string, hdr map[string]string) (*http.Response, string) {
				req := httptest.NewRequest(method, "http://upstream.test"+path, strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				for k, v := range hdr {
					req.Header.Set(k, v)
				}
				rec := httptest.NewRecorder()
				servers[i].ServeHTTP(rec, req)
				b, _ := io.ReadAll(rec.Result().Body)
				return rec.Result(), string(b)
			}

			// Sixteen requests with one key, half to each server, at once:
			// one runs, and every other answer is its answer replayed (or
			// 409 while it runs). (The request is an invitation that this
			// server, without e-mail, refuses with a 400 naming the role:
			// an answer below 500 is kept like any other.)
			body := `{"email": "new@acme.example", "name": "New", "role": "emperor"}`
			key := map[string]string{"Idempotency-Key": "make-new-user"}
			var wg sync.WaitGroup
			var mu sync.Mutex
			created, other := 0, map[int]int{}
			for i := range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res, _ := call(i%2, "POST", "/api/v1/users", body, key)
					mu.Lock()
					defer mu.Unlock()
					if res.StatusCode == http.StatusBadRequest && res.Header.Get("Idempotent-Replayed") == "" {
						created++
					} else {
						other[res.StatusCode]++
					}
				}()
			}
			wg.Wait()
			if created != 1 {
				t.Fatalf("%d requests ran (others: %v)", created, other)
			}
			for st := range other {
				if st != http.StatusBadRequest && st != http.StatusConflict {
					t.Errorf("a concurrent retry answered %d", st)
				}
			}
			// Later retries to either server replay; a changed body is refused.
			for i := range 2 {
				res, b := call(i, "POST", "/api/v1/users", body, key)
				if res.StatusCode != http.StatusBadRequest || res.Header.Get("Idempotent-Replayed") != "true" || !strings.Contains(b, `"invalid"`) {
					t.Errorf("retry on server %d: status %d, replayed %q", i, res.StatusCode, res.Header.Get("Idempotent-Replayed"))
				}
			}
			if res, _ := call(1, "POST", "/api/v1/users", strings.Replace(body, "emperor", "viewer", 1), key); res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("a changed body with the key: %d", res.StatusCode)
			}

			// The quota (40 a minute) is shared: the requests so far count,
			// and alternating servers run out together.
			refused, served := 0, 0
			for i := range 60 {
				res, _ := call(i%2, "GET", "/api/v1/me", "", nil)
				switch res.StatusCode {
				case http.StatusOK:
					served++
				case http.StatusTooManyRequests:
					refused++
					if res.Header.Get("Retry-After") != "30" {
						t.Errorf("Retry-After %q, want 30", res.Header.Get("Retry-After"))
					}
				}
			}
			if served+16+3 != 40 || refused != 60-served {
				t.Errorf("%d served and %d refused after 19 counted requests, with a quota of 40 on both servers together", served, refused)
			}
			// The next window starts afresh on both.
			clock.T = clock.T.Add(time.Minute)
			for i := range 2 {
				if res, _ := call(i, "GET", "/api/v1/me", "", nil); res.StatusCode != http.StatusOK {
					t.Errorf("server %d in a new window: %d", i, res.StatusCode)
				}
			}
		})
	}
}
