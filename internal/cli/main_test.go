package cli_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/cli"
	"github.com/upstream-platform/upstream/internal/jobs"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/screening"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// run executes the program in-process and returns its exit status and output.
func run(t *testing.T, vars map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: mapEnv(vars)}
	code := cli.Main(context.Background(), env, args)
	return code, out.String(), errb.String()
}

func mapEnv(vars map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := vars[k]; ok {
			return v
		}
		if k == "UPSTREAM_ARGON2" {
			return "test"
		}
		return ""
	}
}

// server runs "upstream serve" on a free port until the test ends.
type server struct {
	base   string
	out    *syncBuffer
	cancel context.CancelFunc
	done   chan int
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func startServer(t *testing.T, vars map[string]string, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	s := &server{out: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	env := &cli.Env{Stdout: s.out, Stderr: s.out, Getenv: mapEnv(vars), Ready: func(a string) { ready <- a }}
	go func() {
		s.done <- cli.Main(ctx, env, append([]string{"serve", "--addr", "127.0.0.1:0", "--cookie-secure=false"}, args...))
	}()
	select {
	case a := <-ready:
		s.base = "http://" + a
	case code := <-s.done:
		t.Fatalf("serve exited with %d: %s", code, s.out.String())
	case <-time.After(3 * time.Minute):
		// Generous: with --demo the server answers once the sample data is
		// in, which takes long on a loaded machine.
		t.Fatalf("serve did not start: %s", s.out.String())
	}
	t.Cleanup(func() { s.stop(t) })
	return s
}

func (s *server) stop(t *testing.T) int {
	s.cancel()
	select {
	case code := <-s.done:
		s.done <- code
		return code
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not shut down")
		return -1
	}
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestServeEndToEnd(t *testing.T) {
	t.Parallel()
	for _, engine := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			dsn := sqltest.DSN(t, engine)
			vars := map[string]string{"UPSTREAM_DB": dsn, "UPSTREAM_ADMIN_EMAIL": "root@example.org", "UPSTREAM_ADMIN_PASSWORD": "a very long password"}
			s := startServer(t, vars)
			c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			if code, body := get(t, c, s.base+"/healthz"); code != 200 || body != "ok\n" {
				t.Fatalf("healthz: %d %q", code, body)
			}
			if code, _ := get(t, c, s.base+"/readyz"); code != 200 {
				t.Fatalf("readyz: %d", code)
			}
			res, err := c.PostForm(s.base+"/login", url.Values{"email": {"root@example.org"}, "password": {"a very long password"}})
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther || len(res.Cookies()) == 0 {
				t.Fatalf("admin login: %d", res.StatusCode)
			}
			if code := s.stop(t); code != 0 {
				t.Fatalf("graceful shutdown exit %d: %s", code, s.out.String())
			}
			if !strings.Contains(s.out.String(), "created the first admin") {
				t.Errorf("no bootstrap log line: %s", s.out.String())
			}
			if strings.Contains(s.out.String(), "a very long password") {
				t.Error("the admin password reached the log")
			}
		})
	}
}

func TestServeDemoCreatesAdminOnce(t *testing.T) {
	t.Parallel()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "demo.db")
	vars := map[string]string{"UPSTREAM_DB": dsn}
	s := startServer(t, vars, "--demo")
	s.stop(t)
	out := s.out.String()
	for _, want := range []string{"Demo admin: admin@demo.example  password: ", "Demo case_handler: handler@demo.example  password: ",
		"Demo recovery key", "Demo receipt to try the follow-up page", "ofac-sdn"} {
		if !strings.Contains(out, want) {
			t.Fatalf("demo start did not print %q:\n%s", want, out)
		}
	}
	s2 := startServer(t, vars, "--demo")
	s2.stop(t)
	if strings.Contains(s2.out.String(), "password:") || strings.Contains(s2.out.String(), "Demo recovery key") {
		t.Fatal("second start printed new demo secrets")
	}
	db, err := sqlstore.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	org, err := db.Accounts().OrgBySlug(context.Background(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	ids, _ := db.Grievances().ReportIDs(context.Background(), org.ID)
	stages := map[string]int{}
	for _, id := range ids {
		r, err := db.Grievances().Report(context.Background(), org.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		stages[string(r.Case.Stage)]++
	}
	if len(ids) == 0 || len(stages) < 5 {
		t.Errorf("demo grievances: %d reports in stages %v; want every stage", len(ids), stages)
	}
	if ps, _ := db.Impact().Programmes(context.Background(), org.ID); len(ps) != 1 {
		t.Errorf("demo programmes: %d after two starts", len(ps))
	}
	if _, total, _ := db.SupplyChain().ListParties(context.Background(), org.ID, supplychain.PartyFilter{}, kernel.Page{Limit: 1}); total < 3000 || total > 3020 {
		t.Errorf("demo supply chain: %d parties after two starts", total)
	}
	if n, _ := db.Screening().CountReviewItems(context.Background(), org.ID); n[screening.StatusConfirmed] != 1 || n[screening.StatusPending] == 0 {
		t.Errorf("demo screening queue: %v", n)
	}
	// The demo holds audits and certifications, each a factor of its
	// supplier's score.
	if code, stdout, e := run(t, vars, "", "site-audits", "--org", "demo"); code != 0 || strings.Count(stdout, "\n") != 7 ||
		!strings.Contains(stdout, "SA8000") || !strings.Contains(stdout, "amfori BSCI") || !strings.Contains(stdout, "failed (E)") {
		t.Errorf("demo audits: exit %d\n%s%s", code, stdout, e)
	}
	reg, err := db.Reporting().RegisterParties(context.Background(), org.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	audited := 0
	for _, p := range reg {
		for _, f := range p.Factors {
			if strings.HasSuffix(f.Source, " audit") {
				audited++
				break
			}
		}
	}
	if audited != 7 {
		t.Errorf("demo: %d parties carry an audit factor, want 7", audited)
	}
	// The demo's cocoa chain makes a statement; its second lot shows a gap.
	out = filepath.Join(t.TempDir(), "statement.json")
	if code, stdout, e := run(t, vars, "", "eudr", "statement", "--org", "demo", "--lot", "DEMO-COCOA-2026-01", "--by", "Demo analyst", "--out", out); code != 0 || !strings.Contains(stdout, "6 plot(s)") {
		t.Errorf("demo statement: exit %d %s %s", code, stdout, e)
	}
	if code, stdout, _ := run(t, vars, "", "eudr", "checklist", "--org", "demo", "--lot", "DEMO-COCOA-2026-02"); code != 2 || !strings.Contains(stdout, "PLOT-007: No forest-loss analysis (gap)") {
		t.Errorf("demo checklist of the second lot: exit %d\n%s", code, stdout)
	}
	code, list, _ := run(t, vars, "", "user", "list", "--org", "demo")
	if code != 0 || strings.Count(list, "admin@demo.example") != 1 {
		t.Fatalf("user list: %d %s", code, list)
	}
}

func TestUserCommands(t *testing.T) {
	t.Parallel()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "u.db")
	vars := map[string]string{"UPSTREAM_DB": dsn}
	if code, _, e := run(t, vars, "", "migrate"); code != 0 {
		t.Fatalf("migrate: %s", e)
	}
	steps := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"add to missing org", "plum orchard lantern\n", []string{"user", "add", "--org", "ngo", "--email", "a@ngo.example", "--role", "admin"}, 2, `no organisation "ngo"`},
		{"add", "plum orchard lantern\n", []string{"user", "add", "--org", "ngo", "--new-org", "An NGO", "--email", "a@ngo.example", "--role", "admin"}, 0, "added a@ngo.example (admin) to ngo"},
		{"duplicate", "plum orchard lantern\n", []string{"user", "add", "--org", "ngo", "--email", "A@ngo.example", "--role", "viewer"}, 2, "already has an account"},
		{"weak password", "aaaaaaaaaaaa\n", []string{"user", "add", "--org", "ngo", "--email", "b@ngo.example"}, 2, "repeats characters"},
		{"short password", "short\n", []string{"user", "add", "--org", "ngo", "--email", "b@ngo.example"}, 2, "at least 12"},
		{"no password", "", []string{"user", "add", "--org", "ngo", "--email", "b@ngo.example"}, 2, "no password given"},
		{"bad role", "plum orchard lantern\n", []string{"user", "add", "--org", "ngo", "--email", "b@ngo.example", "--role", "god"}, 2, "unknown role"},
		{"list", "", []string{"user", "list", "--org", "ngo"}, 0, "a@ngo.example"},
		{"disable", "", []string{"user", "disable", "--email", "a@ngo.example"}, 0, "disabled"},
		{"set-password", "another-password-1\n", []string{"user", "set-password", "--email", "a@ngo.example"}, 0, "password changed"},
		{"reset-2fa", "", []string{"user", "reset-2fa", "--email", "a@ngo.example"}, 0, "second factor removed"},
		{"unknown user", "", []string{"user", "disable", "--email", "nobody@ngo.example"}, 2, "no user with email"},
		{"unknown subcommand", "", []string{"user", "promote"}, 2, "unknown user subcommand"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			code, out, errOut := run(t, vars, st.stdin, st.args...)
			if code != st.code || !strings.Contains(out+errOut, st.want) {
				t.Fatalf("exit %d (want %d), output %q / %q, want %q", code, st.code, out, errOut, st.want)
			}
		})
	}
}

func TestBadInputExitCodes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.db")
	os.WriteFile(corrupt, bytes.Repeat([]byte("not sqlite at all "), 300), 0o600)

	newer := "sqlite:" + filepath.Join(dir, "newer.db")
	if code, _, e := run(t, nil, "", "migrate", "--db", newer); code != 0 {
		t.Fatal(e)
	}
	db, err := sqlstore.Open(context.Background(), newer)
	if err != nil {
		t.Fatal(err)
	}
	if err := sqltest.PretendNewerSchema(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	db.Close()

	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no command", nil, 2, "Usage"},
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
		{"unknown flag", []string{"serve", "--colour"}, 2, "flag provided but not defined"},
		{"malformed DSN", []string{"migrate", "--db", "mysql://x"}, 2, "use sqlite:PATH or postgres://"},
		{"unreachable PostgreSQL", []string{"migrate", "--db", "postgres://u:pw@127.0.0.1:1/x?connect_timeout=2"}, 1, "cannot reach"},
		{"corrupt SQLite", []string{"migrate", "--db", "sqlite:" + corrupt}, 2, "not a valid Upstream database"},
		{"schema from a newer version", []string{"serve", "--db", newer, "--addr", "127.0.0.1:0"}, 2, "newer Upstream"},
		{"bad address", []string{"serve", "--addr", "nonsense"}, 2, "want HOST:PORT"},
		{"stray argument", []string{"migrate", "extra"}, 2, "unexpected argument"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := run(t, nil, "", tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d (want %d), stderr %q, want %q", code, tc.code, errOut, tc.want)
			}
			if strings.Contains(errOut, "goroutine") || strings.Contains(errOut, "panic") {
				t.Fatalf("panic trace: %s", errOut)
			}
			if tc.code != 0 && strings.Count(strings.TrimSpace(lastLine(errOut)), "\n") > 0 {
				t.Fatalf("error is not one line: %q", errOut)
			}
		})
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func TestLockedSQLite(t *testing.T) {
	t.Parallel()
	// A new file held by another process in rollback-journal mode cannot
	// even be switched to WAL.
	path := filepath.Join(t.TempDir(), "locked.db")
	release, err := sqltest.HoldExclusiveLock(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	code, _, errOut := run(t, nil, "", "migrate", "--db", "sqlite:"+path)
	if code != 1 || !strings.Contains(errOut, "locked by another process") {
		t.Fatalf("locked: exit %d %q", code, errOut)
	}
}

func TestAuditVerifyCommand(t *testing.T) {
	t.Parallel()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "a.db")
	vars := map[string]string{"UPSTREAM_DB": dsn}
	if code, out, e := run(t, vars, "", "audit", "verify"); code != 0 || !strings.Contains(out, "empty") {
		// verify needs a migrated database
		if code, _, e2 := run(t, vars, "", "migrate"); code != 0 {
			t.Fatal(e, e2)
		}
	}
	db, err := sqlstore.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := audit.Append(context.Background(), db.AuditLog(), kernel.SystemClock{}, audit.Record{Org: "org-x", Actor: "system", Action: "test.event", Object: "things:1"}); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := run(t, vars, "", "audit", "verify")
	if code != 0 || !strings.Contains(out, "org-x: ok, 3 entries, checkpoint 3:") {
		t.Fatalf("verify: %d %q %q", code, out, errOut)
	}
	// Rewrite an entry behind the application's back (the triggers stop the
	// application; an attacker with the file drops them first).
	db.ExecForTest(context.Background(), "DROP TRIGGER audit_log_no_update")
	if err := db.ExecForTest(context.Background(), "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"); err != nil {
		t.Fatal(err)
	}
	code, out, _ = run(t, vars, "", "audit", "verify")
	if code != 1 || !strings.Contains(out, "BROKEN") {
		t.Fatalf("tampered chain: %d %q", code, out)
	}
	if code, _, e := run(t, vars, "", "audit", "check"); code != 2 || !strings.Contains(e, "usage") {
		t.Fatalf("bad subcommand: %d %q", code, e)
	}
}

// TestAuditVerifyWithCheckpointFile: serve's daily checkpoints, kept in a
// file, let `audit verify --checkpoints FILE` catch a chain rewritten
// consistently behind the application's back, which the chain alone does
// not show.
func TestAuditVerifyWithCheckpointFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "a.db")
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	appendAll := func(actors ...string) {
		for _, a := range actors {
			if _, err := audit.Append(ctx, db.AuditLog(), kernel.SystemClock{}, audit.Record{Org: "org-x", Actor: a, Action: "report.view", Object: "reports:1"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	appendAll("user:1", "user:2", "user:3")
	file := filepath.Join(dir, "checkpoints")
	if n, err := (&jobs.AuditCheckpoints{Chains: db.AuditLog(), Log: jobs.CheckpointFile{Path: file}, Clock: kernel.SystemClock{}}).Run(ctx); n != 1 || err != nil {
		t.Fatalf("seal: %d %v", n, err)
	}
	db.ExecForTest(ctx, "DROP TRIGGER audit_log_no_delete")
	if err := db.ExecForTest(ctx, "DELETE FROM audit_log WHERE org_id = 'org-x'"); err != nil {
		t.Fatal(err)
	}
	appendAll("user:1", "user:mallory", "user:3")
	vars := map[string]string{"UPSTREAM_DB": dsn}
	if code, out, e := run(t, vars, "", "audit", "verify"); code != 0 || !strings.Contains(out, "org-x: ok") {
		t.Fatalf("without checkpoints the forgery passes: %d %q %q", code, out, e)
	}
	code, out, _ := run(t, vars, "", "audit", "verify", "--checkpoints", file)
	if code != 1 || !strings.Contains(out, "org-x: BROKEN") || !strings.Contains(out, "rewritten") {
		t.Fatalf("verify --checkpoints: %d %q", code, out)
	}
	vars["UPSTREAM_AUDIT_CHECKPOINTS"] = file
	if code, out, _ := run(t, vars, "", "audit", "verify"); code != 1 || !strings.Contains(out, "BROKEN") {
		t.Fatalf("verify with UPSTREAM_AUDIT_CHECKPOINTS: %d %q", code, out)
	}
}
