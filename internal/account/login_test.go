package account_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

const rightPassword = "long enough password"

type loginFixture struct {
	svc   *account.Service
	clock *kernel.FixedClock
	org   account.Org
	user  account.User
}

func newLoginFixture(t *testing.T, db *sqlstore.DB, th account.Throttle) loginFixture {
	t.Helper()
	ctx := context.Background()
	clock := &kernel.FixedClock{T: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	svc := account.NewService(db.Accounts(), account.NewHasher(account.TestArgon2, 2), clock)
	svc.SetThrottle(th)
	org, _, err := svc.EnsureOrg(ctx, "ngo", "NGO")
	if err != nil {
		t.Fatal(err)
	}
	u, err := svc.CreateUser(ctx, account.NewUser{OrgID: org.ID, Email: "handler@ngo.example", Name: "H", Role: account.RoleCaseHandler, Password: rightPassword})
	if err != nil {
		t.Fatal(err)
	}
	return loginFixture{svc: svc, clock: clock, org: org, user: u}
}

// noGlobal is the default throttle without the server-wide limit, so that
// the tests below see only the per-name count.
func noGlobal() account.Throttle {
	th := account.DefaultThrottle
	th.Global = account.Rate{}
	return th
}

type outcome struct {
	code kernel.Code
	msg  string
	ok   bool
}

func attempt(ctx context.Context, svc *account.Service, email, password, code string) outcome {
	_, token, err := svc.Login(ctx, email, password, code)
	if err != nil {
		return outcome{code: kernel.ErrorCode(err), msg: kernel.ErrorMessage(err)}
	}
	return outcome{ok: token != ""}
}

// parallel runs n attempts, at most width at a time, and returns their outcomes.
func parallel(n, width int, fn func(i int) outcome) []outcome {
	out := make([]outcome, n)
	sem := make(chan struct{}, width)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out[i] = fn(i)
		}()
	}
	wg.Wait()
	return out
}

// TestParallelWrongPasswordsCheckAtMostFree: 300 wrong passwords at 30 in
// parallel get at most Free passwords checked; the rest are told the
// account is locked. Before the count was taken atomically in the store,
// most of them were checked.
func TestParallelWrongPasswordsCheckAtMostFree(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f := newLoginFixture(t, db, noGlobal())
		ctx := context.Background()
		out := parallel(300, 30, func(int) outcome { return attempt(ctx, f.svc, f.user.Email, "wrong password here", "") })
		checked, locked := 0, 0
		for _, o := range out {
			switch {
			case o.ok:
				t.Fatal("a wrong password signed in")
			case o.code == kernel.Unauthorised:
				checked++
			case o.code == kernel.RateLimited:
				locked++
			default:
				t.Fatalf("unexpected answer %v %q", o.code, o.msg)
			}
		}
		if checked > account.DefaultThrottle.Free || checked+locked != 300 {
			t.Fatalf("%d wrong passwords checked (at most %d allowed), %d refused as locked", checked, account.DefaultThrottle.Free, locked)
		}
	})
}

// TestRightPasswordAfterParallelWrongOnesIsLocked: 59 parallel wrong
// passwords lock the account, so the right one right after is refused.
func TestRightPasswordAfterParallelWrongOnesIsLocked(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f := newLoginFixture(t, db, noGlobal())
		ctx := context.Background()
		parallel(59, 30, func(int) outcome { return attempt(ctx, f.svc, f.user.Email, "wrong password here", "") })
		if o := attempt(ctx, f.svc, f.user.Email, rightPassword, ""); o.ok || o.code != kernel.RateLimited {
			t.Fatalf("right password after 59 wrong ones: %+v", o)
		}
		// The lock expires; the right password then works and resets the count.
		f.clock.Advance(account.DefaultThrottle.MaxLock + time.Second)
		if o := attempt(ctx, f.svc, f.user.Email, rightPassword, ""); !o.ok {
			t.Fatalf("right password after the lock expired: %+v", o)
		}
		for i := 1; i < account.DefaultThrottle.Free; i++ {
			if o := attempt(ctx, f.svc, f.user.Email, "wrong password here", ""); o.code != kernel.Unauthorised {
				t.Fatalf("after a reset, wrong attempt %d: %+v", i, o)
			}
		}
	})
}

// TestLockExpiresAndCountResets: the lock ends on its own, doubles with
// each failure after it, and a day without attempts forgets the count.
func TestLockExpiresAndCountResets(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		th := noGlobal()
		f := newLoginFixture(t, db, th)
		ctx := context.Background()
		for range th.Free {
			attempt(ctx, f.svc, f.user.Email, "wrong password here", "")
		}
		if o := attempt(ctx, f.svc, f.user.Email, rightPassword, ""); o.code != kernel.RateLimited || o.msg != "too many failed attempts; try again in 30s" {
			t.Fatalf("after %d wrong: %+v", th.Free, o)
		}
		f.clock.Advance(th.BaseLock)
		attempt(ctx, f.svc, f.user.Email, "wrong password here", "")
		if o := attempt(ctx, f.svc, f.user.Email, rightPassword, ""); o.msg != "too many failed attempts; try again in 1m0s" {
			t.Fatalf("second lock should be twice as long: %+v", o)
		}
		f.clock.Advance(th.ResetAfter + 2*time.Minute)
		for i := 1; i < th.Free; i++ {
			if o := attempt(ctx, f.svc, f.user.Email, "wrong password here", ""); o.code != kernel.Unauthorised {
				t.Fatalf("a day later the count should start again; attempt %d: %+v", i, o)
			}
		}
		if o := attempt(ctx, f.svc, f.user.Email, rightPassword, ""); !o.ok {
			t.Fatalf("right password: %+v", o)
		}
	})
}

// TestUnknownEmailAnswersLikeKnown: the same attempts against an address
// that belongs to nobody get exactly the same answers, lock message
// included, as against a real user's address.
func TestUnknownEmailAnswersLikeKnown(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f := newLoginFixture(t, db, noGlobal())
		ctx := context.Background()
		run := func(email string) []outcome {
			var out []outcome
			for range 8 {
				out = append(out, attempt(ctx, f.svc, email, "wrong password here", ""))
			}
			return out
		}
		known, unknown := run(f.user.Email), run("nobody@ngo.example")
		malformed := run("not an email")
		for i := range known {
			if known[i] != unknown[i] || known[i] != malformed[i] {
				t.Fatalf("attempt %d: known %+v, unknown %+v, malformed %+v", i+1, known[i], unknown[i], malformed[i])
			}
		}
		if known[len(known)-1].code != kernel.RateLimited {
			t.Fatalf("8 wrong attempts should lock: %+v", known)
		}
	})
}

// TestGlobalSignInThrottle: beyond the server-wide rate every name is told
// to wait, whoever it belongs to.
func TestGlobalSignInThrottle(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		th := account.DefaultThrottle
		th.Global = account.Rate{Burst: 3, Every: time.Second}
		f := newLoginFixture(t, db, th)
		ctx := context.Background()
		for i, email := range []string{"a@x.example", "b@x.example", "c@x.example"} {
			if o := attempt(ctx, f.svc, email, "wrong password here", ""); o.code != kernel.Unauthorised {
				t.Fatalf("attempt %d within the burst: %+v", i, o)
			}
		}
		if o := attempt(ctx, f.svc, f.user.Email, rightPassword, ""); o.code != kernel.RateLimited {
			t.Fatalf("beyond the global rate: %+v", o)
		}
		f.clock.Advance(time.Second)
		if o := attempt(ctx, f.svc, f.user.Email, rightPassword, ""); !o.ok {
			t.Fatalf("after a token is free again: %+v", o)
		}
	})
}

func enrolTOTP(t *testing.T, f loginFixture) (string, []string) {
	t.Helper()
	ctx := context.Background()
	secret, _, err := f.svc.BeginTOTP(ctx, f.user)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := account.TOTPCode(secret, f.clock.Now())
	codes, err := f.svc.ConfirmTOTP(ctx, f.org.ID, f.user.ID, code)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(30 * time.Second)
	return secret, codes
}

// TestSecondFactorCodesAreSingleUseUnderConcurrency: 8 parallel sign-ins
// with one recovery code, and 8 with one TOTP code, each let exactly one in.
// The throttle is set wide so that every attempt reaches the code check.
func TestSecondFactorCodesAreSingleUseUnderConcurrency(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		th := noGlobal()
		th.Free = 1000
		f := newLoginFixture(t, db, th)
		ctx := context.Background()
		secret, recovery := enrolTOTP(t, f)
		count := func(out []outcome) int {
			n := 0
			for _, o := range out {
				if o.ok {
					n++
				}
			}
			return n
		}
		out := parallel(8, 8, func(int) outcome { return attempt(ctx, f.svc, f.user.Email, rightPassword, recovery[0]) })
		if n := count(out); n != 1 {
			t.Fatalf("one recovery code signed in %d times: %+v", n, out)
		}
		if o := attempt(ctx, f.svc, f.user.Email, rightPassword, recovery[0]); o.ok {
			t.Fatal("a used recovery code signed in again")
		}
		if o := attempt(ctx, f.svc, f.user.Email, rightPassword, recovery[1]); !o.ok {
			t.Fatalf("another recovery code: %+v", o)
		}
		code, _ := account.TOTPCode(secret, f.clock.Now())
		out = parallel(8, 8, func(int) outcome { return attempt(ctx, f.svc, f.user.Email, rightPassword, code) })
		if n := count(out); n != 1 {
			t.Fatalf("one TOTP code signed in %d times: %+v", n, out)
		}
	})
}

// TestTokensRevokedByNewPasswordOrDisable: a new password and disabling the
// user revoke their API tokens for good; enabling again does not bring
// them back.
func TestTokensRevokedByNewPasswordOrDisable(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f := newLoginFixture(t, db, noGlobal())
		ctx := context.Background()
		_, first, err := f.svc.CreateAPIToken(ctx, f.user, account.TokenRequest{Name: "ci", Scopes: account.Scopes{"suppliers:read"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AuthenticateToken(ctx, first); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SetPassword(ctx, f.org.ID, f.user.ID, "another long enough password"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AuthenticateToken(ctx, first); !kernel.IsCode(err, kernel.Unauthorised) {
			t.Fatalf("token after a new password: %v", err)
		}
		_, second, _ := f.svc.CreateAPIToken(ctx, f.user, account.TokenRequest{Name: "ci2", Scopes: account.Scopes{"suppliers:read"}})
		if err := f.svc.SetDisabled(ctx, f.org.ID, f.user.ID, true, "test"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SetDisabled(ctx, f.org.ID, f.user.ID, false, "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AuthenticateToken(ctx, second); !kernel.IsCode(err, kernel.Unauthorised) {
			t.Fatalf("token after disable and enable: %v", err)
		}
		toks, _ := db.Accounts().ListAPITokens(ctx, f.org.ID, f.user.ID)
		for _, tk := range toks {
			if tk.RevokedAt.IsZero() {
				t.Fatalf("token %s not revoked", tk.Name)
			}
		}
	})
}
