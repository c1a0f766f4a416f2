package cli_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/testkit"
	"github.com/upstream-platform/upstream/internal/web"
)

var (
	recoveryKeyRE = regexp.MustCompile(`UPR1(-[0-9A-Z]{4}){14}`)
	receiptRE     = regexp.MustCompile(`id="receipt"[^>]*>([0-9-]+)<`)
	caseLinkRE    = regexp.MustCompile(`href="/cases/([0-9a-f-]{36})"`)
)

// browser is a cookie-keeping client that does not follow redirects.
func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func postForm(t *testing.T, c *http.Client, u string, form url.Values) (int, string) {
	t.Helper()
	res, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func signIn(t *testing.T, base, email, password string) *http.Client {
	t.Helper()
	c := browser()
	if code, body := postForm(t, c, base+"/login", url.Values{"email": {email}, "password": {password}}); code != http.StatusSeeOther {
		t.Fatalf("login %s: %d %s", email, code, body)
	}
	return c
}

// TestLostHandlerPasswordAndRecoveryKey walks the recovery path end to
// end: a handler reads a case; an administrator sets a new password (the
// old key is lost with the old password); the handler signs in, gets a new
// key and cannot read the case; the recovery key (read from standard
// input) restores access; a wrong key restores nothing.
func TestLostHandlerPasswordAndRecoveryKey(t *testing.T) {
	t.Parallel()
	for _, engine := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			dsn := sqltest.DSN(t, engine)
			vars := map[string]string{"UPSTREAM_DB": dsn, "UPSTREAM_ADMIN_EMAIL": "root@example.org", "UPSTREAM_ADMIN_PASSWORD": "a very long password"}
			s := startServer(t, vars)
			const email, pw1, pw2 = "handler@example.org", "first handler password", "second handler password"
			if code, out, errs := run(t, vars, pw1+"\n", "user", "add", "--org", "main", "--email", email, "--role", "case_handler"); code != 0 {
				t.Fatalf("user add: %d %s %s", code, out, errs)
			}
			// A report before keys init: the channel is closed, not broken.
			if code, _ := postForm(t, browser(), s.base+"/report/main", url.Values{"narrative": {"too early"}}); code != http.StatusServiceUnavailable {
				t.Fatalf("intake without a recovery key: %d", code)
			}
			code, out, errs := run(t, vars, "", "keys", "init", "--org", "main")
			recovery := recoveryKeyRE.FindString(out)
			if code != 0 || recovery == "" {
				t.Fatalf("keys init: %d %q %s", code, out, errs)
			}
			if code, _, _ := run(t, vars, "", "keys", "init", "--org", "main"); code != 2 {
				t.Fatalf("a second keys init must refuse: %d", code)
			}
			// The intake form's supplier search reads the imported register.
			csv := filepath.Join(t.TempDir(), "suppliers.csv")
			os.WriteFile(csv, []byte("id,name,country\nS1,Golden Thread Spinning Mills,IN\nS2,Blue River Fisheries,TH\n"), 0o600)
			if code, _, errs := run(t, vars, "", "import", csv, "--org", "main"); code != 0 {
				t.Fatalf("import: %s", errs)
			}
			// The search is an organisation setting, off until an admin
			// turns it on.
			if _, page := get(t, browser(), s.base+"/report/main?q=golden"); strings.Contains(page, "Golden Thread") {
				t.Fatalf("supplier search on by default: %s", page)
			}
			setSupplierSearch(t, vars["UPSTREAM_DB"], "main")
			if _, page := get(t, browser(), s.base+"/report/main?q=thread"); strings.Contains(page, "Golden Thread") {
				t.Fatalf("a word inside a name is not its prefix: %s", page)
			}
			if _, page := get(t, browser(), s.base+"/report/main?q=golden"); !strings.Contains(page, "> Golden Thread Spinning Mills (IN)</label>") || strings.Contains(page, "Blue River") {
				t.Fatalf("supplier search: %s", page)
			}
			h := signIn(t, s.base, email, pw1) // first sign-in makes the handler's key
			// The first handler's key waits until the recovery-key holder
			// compares its fingerprint and approves it.
			_, account := get(t, h, s.base+"/account")
			fp := regexp.MustCompile(`id="key-fingerprint">([A-Z2-7-]+)<`).FindStringSubmatch(account)
			if fp == nil || !strings.Contains(account, "Waiting for approval") {
				t.Fatalf("account page: %s", account)
			}
			if code, _, _ := run(t, vars, recovery+"\n", "keys", "approve", "--org", "main", "--handler", email, "--fingerprint", "AAAA-BBBB-CCCC-DDDD-EEEE"); code != 2 {
				t.Fatalf("keys approve with a wrong fingerprint: %d", code)
			}
			if code, out, errs := run(t, vars, recovery+"\n", "keys", "approve", "--org", "main", "--handler", email, "--fingerprint", fp[1]); code != 0 {
				t.Fatalf("keys approve: %d %s %s", code, out, errs)
			}
			code, page := postForm(t, browser(), s.base+"/report/main", url.Values{"narrative": {"the supervisor keeps our ID cards"}, "category": {"retention_of_documents"}})
			if code != 200 || receiptRE.FindStringSubmatch(page) == nil {
				t.Fatalf("intake: %d %s", code, page)
			}
			_, inbox := get(t, h, s.base+"/cases")
			m := caseLinkRE.FindStringSubmatch(inbox)
			if m == nil {
				t.Fatalf("no case in the inbox: %s", inbox)
			}
			caseURL := s.base + "/cases/" + m[1]
			if code, page := get(t, h, caseURL); code != 200 || !strings.Contains(page, "keeps our ID cards") {
				t.Fatalf("handler reads the case: %d", code)
			}

			if code, _, errs := run(t, vars, pw2+"\n", "user", "set-password", "--email", email); code != 0 {
				t.Fatalf("set-password: %s", errs)
			}
			h = signIn(t, s.base, email, pw2)
			if code, page := get(t, h, caseURL); code != http.StatusForbidden {
				t.Fatalf("with a new password and no recovery, the case must stay closed: %d %s", code, page)
			}
			wrong := "UPR1-" + strings.Repeat("AAAA-", 13) + "AAAA"
			if code, _, _ := run(t, vars, wrong+"\n", "keys", "recover", "--org", "main", "--handler", email); code != 2 {
				t.Fatalf("a malformed recovery key: %d", code)
			}
			if code, _ := get(t, h, caseURL); code != http.StatusForbidden {
				t.Fatalf("still closed after a failed recovery: %d", code)
			}
			code, out, errs = run(t, vars, recovery+"\n", "keys", "recover", "--org", "main", "--handler", email)
			if code != 0 || !strings.Contains(out, "Restored access to 1 reports") {
				t.Fatalf("keys recover: %d %q %s", code, out, errs)
			}
			if code, page := get(t, h, caseURL); code != 200 || !strings.Contains(page, "keeps our ID cards") {
				t.Fatalf("after recovery: %d", code)
			}
			if code, out, errs := run(t, vars, "", "audit", "verify"); code != 0 {
				t.Fatalf("audit verify: %s %s", out, errs)
			}
			if strings.Contains(s.out.String(), recovery) || strings.Contains(s.out.String(), "keeps our ID cards") {
				t.Fatal("a secret reached the server log")
			}
		})
	}
}

// TestCrashLosesNoAcknowledgedReport builds the real program, runs it on
// each engine, streams submissions from several reporters, kills it with
// SIGKILL mid-stream, restarts it and opens every receipt that was shown.
func TestCrashLosesNoAcknowledgedReport(t *testing.T) {
	t.Parallel()
	testkit.SkipIfShort(t, "building the binary and crashing it")
	dir := t.TempDir()
	bin := filepath.Join(dir, "upstream")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/upstream").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	for _, engine := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(string(engine), func(t *testing.T) { crashAndRestart(t, bin, sqltest.DSN(t, engine)) })
	}
}

func crashAndRestart(t *testing.T, bin, dsn string) {
	vars := map[string]string{"UPSTREAM_DB": dsn, "UPSTREAM_ADMIN_EMAIL": "root@example.org", "UPSTREAM_ADMIN_PASSWORD": "a very long password"}
	if code, _, errs := run(t, vars, "", "migrate"); code != 0 {
		t.Fatal(errs)
	}
	start := func() (*exec.Cmd, string) {
		cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--cookie-secure=false")
		cmd.Env = append(os.Environ(), "UPSTREAM_LOG_FORMAT=json", "UPSTREAM_DB="+dsn,
			"UPSTREAM_ADMIN_EMAIL=root@example.org", "UPSTREAM_ADMIN_PASSWORD=a very long password")
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		addr := make(chan string, 1)
		go func() {
			sc := bufio.NewScanner(stderr)
			for sc.Scan() {
				var m map[string]any
				if json.Unmarshal(sc.Bytes(), &m) == nil && m["msg"] == "upstream listening" {
					a, _ := m["addr"].(string)
					addr <- a
				}
			}
		}()
		select {
		case a := <-addr:
			return cmd, a
		case <-time.After(60 * time.Second):
			cmd.Process.Kill()
			t.Fatal("the server did not start")
			return nil, ""
		}
	}
	cmd, base := start()
	if code, _, errs := run(t, vars, "", "keys", "init", "--org", "main"); code != 0 {
		cmd.Process.Kill()
		t.Fatal(errs)
	}
	type shown struct{ receipt, text string }
	var (
		mu    sync.Mutex
		got   []shown
		wg    sync.WaitGroup
		stop  = make(chan struct{})
		limit = 400 // bounded: at most this many submissions in all
		sent  int
	)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Timeout: 10 * time.Second}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				mu.Lock()
				if sent >= limit {
					mu.Unlock()
					return
				}
				sent++
				mu.Unlock()
				text := fmt.Sprintf("worker %d report %d about unpaid overtime", w, i)
				res, err := c.PostForm(base+"/report/main", url.Values{"narrative": {text}})
				if err != nil {
					return // the server is gone
				}
				b, err := io.ReadAll(res.Body)
				res.Body.Close()
				if err != nil || res.StatusCode != 200 {
					continue
				}
				if m := receiptRE.FindSubmatch(b); m != nil {
					mu.Lock()
					got = append(got, shown{string(m[1]), text})
					mu.Unlock()
				}
			}
		}()
	}
	// Kill it once some receipts have been shown, however long that takes
	// on a loaded machine: the other submissions are then in flight.
	const before = 20
	shownSoFar := func() int { mu.Lock(); defer mu.Unlock(); return len(got) }
	for deadline := time.Now().Add(2 * time.Minute); shownSoFar() < before && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	close(stop)
	wg.Wait()
	if len(got) < before {
		t.Fatalf("only %d receipts were shown in two minutes; the server did not take submissions", len(got))
	}
	cmd, base = start()
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	c := &http.Client{Timeout: 30 * time.Second}
	for _, s := range got {
		code, page := postForm(t, c, base+"/report/main/follow-up", url.Values{"receipt": {s.receipt}})
		if code != 200 || !strings.Contains(page, s.text) {
			t.Errorf("receipt shown before the crash does not open its report: %d", code)
		}
	}
	t.Logf("%d receipts shown before SIGKILL, all open after restart", len(got))
}

// TestHookSecretPerOrganisation: each organisation gets its own messaging
// webhook secret from the master secret.
func TestHookSecretPerOrganisation(t *testing.T) {
	vars := map[string]string{"UPSTREAM_HOOK_SECRET": "master secret of this server"}
	_, a, _ := run(t, vars, "", "keys", "hook-secret", "--org", "acme")
	_, b, _ := run(t, vars, "", "keys", "hook-secret", "--org", "beta")
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if len(a) != 64 || a == b || a != web.MessagesHookSecret("master secret of this server", "acme") {
		t.Fatalf("secrets %q and %q", a, b)
	}
	if code, _, _ := run(t, nil, "", "keys", "hook-secret", "--org", "acme"); code != 2 {
		t.Fatalf("without a master secret: exit %d", code)
	}
}

// setSupplierSearch turns on an organisation's supplier search in the
// database a running server uses.
func setSupplierSearch(t *testing.T, dsn, slug string) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	o, err := db.Accounts().OrgBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Accounts().SetSupplierSearch(ctx, o.ID, true); err != nil {
		t.Fatal(err)
	}
}
