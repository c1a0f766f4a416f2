package cli_test

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
)

// A demo start on a busy port fails before it creates or prints anything,
// so the next start on a free port still shows the one-time passwords.
func TestServeDemoOnBusyPortPrintsNoSecrets(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "demo.db")
	vars := map[string]string{"UPSTREAM_DB": dsn}
	code, out, errOut := run(t, vars, "", "serve", "--demo", "--addr", busy.Addr().String())
	if code != 2 || !strings.Contains(errOut, "cannot listen on "+busy.Addr().String()) {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out+errOut, "password") || strings.Contains(out+errOut, "recovery key") {
		t.Fatalf("a failed start printed secrets:\n%s%s", out, errOut)
	}
	s := startServer(t, vars, "--demo")
	s.stop(t)
	if !strings.Contains(s.out.String(), "Demo admin: admin@demo.example  password: ") {
		t.Fatalf("the start after the failed one printed no admin password:\n%s", s.out.String())
	}
}

// Plain serve on an empty database says how to create the first admin.
func TestServeEmptyDatabaseSaysHowToCreateAdmin(t *testing.T) {
	t.Parallel()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "new.db")
	s := startServer(t, map[string]string{"UPSTREAM_DB": dsn})
	s.stop(t)
	if out := s.out.String(); !strings.Contains(out, "no administrator yet") || !strings.Contains(out, "upstream user add --org main") {
		t.Fatalf("no hint about the first admin:\n%s", out)
	}
	s2 := startServer(t, map[string]string{"UPSTREAM_DB": dsn, "UPSTREAM_ADMIN_EMAIL": "root@example.org", "UPSTREAM_ADMIN_PASSWORD": "a very long password"})
	s2.stop(t)
	s3 := startServer(t, map[string]string{"UPSTREAM_DB": dsn})
	s3.stop(t)
	if strings.Contains(s3.out.String(), "no administrator yet") {
		t.Fatalf("hint shown with an administrator present:\n%s", s3.out.String())
	}
}
