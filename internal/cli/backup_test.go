package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// A backup taken while imports write is a consistent database: restored,
// it opens, passes its integrity check and holds whole imports only.
func TestBackupWhileWritingAndRestore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "live.db")
	pw := map[string]string{"UPSTREAM_PASSWORD": "a very long password"}
	if code, _, errOut := run(t, pw, "", "user", "add", "--db", dsn, "--org", "acme", "--new-org", "Acme", "--email", "a@example.org", "--role", "admin"); code != 0 {
		t.Fatal(errOut)
	}
	// Imports keep writing while the backup runs.
	var wg sync.WaitGroup
	var stop atomic.Bool
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; !stop.Load() && i < 50; i++ {
			f := writeFile(t, dir, "s.csv", "id,name,country\nA,Alpha Cocoa,GH\nB,Beta Farms,CI\n")
			run(t, nil, "", "import", f, "--db", dsn, "--org", "acme")
		}
	}()
	backup := filepath.Join(dir, "backup.db")
	code, out, errOut := run(t, nil, "", "backup", "--db", dsn, "--out", backup)
	stop.Store(true)
	wg.Wait()
	if code != 0 || !strings.Contains(out, "wrote "+backup) {
		t.Fatalf("backup: exit %d: %s%s", code, out, errOut)
	}
	if code, _, errOut := run(t, nil, "", "backup", "--db", dsn, "--out", backup); code != 2 || !strings.Contains(errOut, "already exists") {
		t.Errorf("a second backup onto the same file: exit %d: %s", code, errOut)
	}

	restored := "sqlite:" + filepath.Join(dir, "restored.db")
	if code, out, errOut := run(t, nil, "", "restore", backup, "--db", restored); code != 0 {
		t.Fatalf("restore: exit %d: %s%s", code, out, errOut)
	}
	code, out, errOut = run(t, nil, "", "user", "list", "--db", restored, "--org", "acme")
	if code != 0 || !strings.Contains(out, "a@example.org") {
		t.Fatalf("the restored database: exit %d: %s%s", code, out, errOut)
	}
	// Restoring over a database needs --replace and keeps the old one.
	if code, _, errOut := run(t, nil, "", "restore", backup, "--db", restored); code != 2 || !strings.Contains(errOut, "--replace") {
		t.Errorf("restore over a database: exit %d: %s", code, errOut)
	}
	if code, out, errOut := run(t, nil, "", "restore", backup, "--db", restored, "--replace"); code != 0 || !strings.Contains(out, "moved the old database to") {
		t.Errorf("restore --replace: exit %d: %s%s", code, out, errOut)
	}
	aside, _ := filepath.Glob(filepath.Join(dir, "restored.db.replaced-*"))
	if len(aside) == 0 {
		t.Error("the replaced database was not kept")
	}
}

func TestRestoreRefusesWhatIsNotABackup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notDB := writeFile(t, dir, "x.db", "id,name\n1,a\n")
	target := filepath.Join(dir, "target.db")
	for _, tt := range []struct{ file, want string }{
		{notDB, "not a usable backup: it is not an SQLite database"},
		{filepath.Join(dir, "missing.db"), "cannot read the backup"},
	} {
		code, _, errOut := run(t, nil, "", "restore", tt.file, "--db", "sqlite:"+target)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("restore %s: exit %d: %s", tt.file, code, errOut)
		}
		if _, err := os.Stat(target); err == nil {
			t.Fatalf("a refused restore created %s", target)
		}
	}
	if code, _, errOut := run(t, nil, "", "backup", "--db", "sqlite:"+filepath.Join(dir, "none.db"), "--out", filepath.Join(dir, "b.db")); code != 2 || !strings.Contains(errOut, "no database at") {
		t.Errorf("backup of a missing database: exit %d: %s", code, errOut)
	}
}

func TestDoctor(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "u.db")
	pw := map[string]string{"UPSTREAM_PASSWORD": "a very long password"}
	if code, _, errOut := run(t, pw, "", "user", "add", "--db", dsn, "--org", "acme", "--new-org", "Acme", "--email", "a@example.org", "--role", "admin"); code != 0 {
		t.Fatal(errOut)
	}
	code, out, errOut := run(t, nil, "", "doctor", "--db", dsn)
	if code != 0 {
		t.Fatalf("doctor on a healthy database: exit %d: %s%s", code, out, errOut)
	}
	for _, want := range []string{"ok    database", "acme has no recovery key", "watchlists", "ilab-goods", "disk", "UPSTREAM_SMTP_ADDR is not set",
		"warn  audit            UPSTREAM_AUDIT_CHECKPOINTS is not set", "UPSTREAM_AUDIT_CHECKPOINTS=/"} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}
	// With a checkpoint file it says where checkpoints go, creating nothing;
	// a file in a missing folder or one it cannot read fails it.
	cp := filepath.Join(dir, "checkpoints.log")
	code, out, _ = run(t, map[string]string{"UPSTREAM_AUDIT_CHECKPOINTS": cp}, "", "doctor", "--db", dsn)
	if code != 0 || !strings.Contains(out, "ok    audit") || strings.Contains(out, "AUDIT_CHECKPOINTS is not set") {
		t.Errorf("doctor with a checkpoint file: exit %d:\n%s", code, out)
	}
	if _, err := os.Stat(cp); err == nil {
		t.Error("doctor created the checkpoint file")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".upstream-doctor-*")); len(left) > 0 {
		t.Errorf("doctor left %v", left)
	}
	code, out, _ = run(t, map[string]string{"UPSTREAM_AUDIT_CHECKPOINTS": filepath.Join(dir, "no-such-folder", "cp.log")}, "", "doctor", "--db", dsn)
	if code != 1 || !strings.Contains(out, "FAIL  audit") || !strings.Contains(out, "does not exist") {
		t.Errorf("doctor with a checkpoint file in a missing folder: exit %d:\n%s", code, out)
	}
	if err := os.WriteFile(cp, []byte("not a checkpoint\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ = run(t, map[string]string{"UPSTREAM_AUDIT_CHECKPOINTS": cp}, "", "doctor", "--db", dsn)
	if code != 1 || !strings.Contains(out, "FAIL  audit") {
		t.Errorf("doctor with an unreadable checkpoint file: exit %d:\n%s", code, out)
	}
	// A mail server that does not answer and a bad setting fail it.
	vars := map[string]string{"UPSTREAM_SMTP_ADDR": "127.0.0.1:1", "UPSTREAM_LOG_LEVEL": "loud"}
	code, out, _ = run(t, vars, "", "doctor", "--db", dsn)
	if code != 1 || !strings.Contains(out, "FAIL  e-mail") || !strings.Contains(out, "FAIL  configuration") {
		t.Errorf("doctor with an unreachable mail server: exit %d:\n%s", code, out)
	}
	// A missing database fails it without creating one.
	missing := filepath.Join(dir, "missing.db")
	code, out, _ = run(t, nil, "", "doctor", "--db", "sqlite:"+missing)
	if code != 1 || !strings.Contains(out, "FAIL  database") {
		t.Errorf("doctor on a missing database: exit %d:\n%s", code, out)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("doctor created a database")
	}
}

func TestHealthcheck(t *testing.T) {
	t.Parallel()
	s := startServer(t, map[string]string{"UPSTREAM_DB": "sqlite:" + filepath.Join(t.TempDir(), "h.db")})
	if code, out, errOut := run(t, nil, "", "healthcheck", "--url", s.base+"/readyz"); code != 0 || !strings.Contains(out, "ready") {
		t.Errorf("healthcheck of a running server: exit %d: %s%s", code, out, errOut)
	}
	addr := strings.TrimPrefix(s.base, "http://")
	if code, _, errOut := run(t, map[string]string{"UPSTREAM_ADDR": addr}, "", "healthcheck"); code != 0 {
		t.Errorf("healthcheck from UPSTREAM_ADDR: exit %d: %s", code, errOut)
	}
	s.stop(t)
	if code, _, _ := run(t, nil, "", "healthcheck", "--url", s.base+"/readyz"); code != 1 {
		t.Errorf("healthcheck of a stopped server: exit %d, want 1", code)
	}
}
