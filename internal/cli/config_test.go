package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/cli"
	"github.com/upstream-platform/upstream/internal/testkit"
)

const (
	configBegin = "<!-- BEGIN configuration table: generated from internal/cli/config.go by `go test ./internal/cli -run TestREADMEConfiguration -update` -->\n"
	configEnd   = "<!-- END configuration table -->"
)

// The README's configuration section is the option table; -update
// rewrites it.
func TestREADMEConfiguration(t *testing.T) {
	t.Parallel()
	path := filepath.Join(testkit.RepoRoot(t), "README.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i, j := strings.Index(readme, configBegin), strings.Index(readme, configEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the markers of the configuration table:\n%s...%s", configBegin, configEnd)
	}
	got := readme[i+len(configBegin) : j]
	want := cli.ConfigurationReference()
	if got == want {
		return
	}
	if testkit.Updating() {
		if err := os.WriteFile(path, []byte(readme[:i+len(configBegin)]+want+readme[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("the configuration table in README.md differs from internal/cli/config.go; run go test ./internal/cli -run TestREADMEConfiguration -update\nwant:\n%s", want)
}

// Every UPSTREAM_ variable the program reads is in the table, so the
// README and `upstream config` cover it.
func TestEveryVariableIsInTheTable(t *testing.T) {
	t.Parallel()
	table := cli.ConfigurationReference()
	root := testkit.RepoRoot(t)
	re := regexp.MustCompile(`UPSTREAM_[A-Z0-9_]+`)
	for _, dir := range []string{"cmd", "internal"} {
		filepath.WalkDir(filepath.Join(root, dir), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") || strings.Contains(p, "testkit") || strings.Contains(p, "sqltest") {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			for _, v := range re.FindAllString(string(b), -1) {
				v = strings.TrimSuffix(v, "_FILE")
				if v == "UPSTREAM_" || strings.HasSuffix(v, "_") {
					continue
				}
				if !strings.Contains(table, "`"+v+"`") {
					rel, _ := filepath.Rel(root, p)
					t.Errorf("%s reads %s, which is not in the configuration table", rel, v)
				}
			}
			return nil
		})
	}
}

func TestConfigCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "smtp")
	if err := os.WriteFile(secretFile, []byte("s3cret-password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{
		"UPSTREAM_DB":                 "postgres://app:pg-password@db.example.org:5432/upstream",
		"UPSTREAM_SMTP_PASSWORD_FILE": secretFile,
		"UPSTREAM_HOOK_SECRET":        "hook-secret-value",
		"UPSTREAM_ADDR":               "0.0.0.0:9000",
	}
	code, out, errOut := run(t, vars, "", "config")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, secret := range []string{"s3cret-password", "hook-secret-value", "pg-password"} {
		if strings.Contains(out, secret) {
			t.Errorf("config printed the secret %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"0.0.0.0:9000", "UPSTREAM_ADDR", "postgres://app:xxxxx@db.example.org:5432/upstream", "UPSTREAM_SMTP_PASSWORD_FILE", "(set, hidden)", "(not set)", "127.0.0.1:8080"} {
		if want == "127.0.0.1:8080" {
			if strings.Contains(out, want) {
				t.Errorf("the default address shows although UPSTREAM_ADDR is set:\n%s", out)
			}
			continue
		}
		if !strings.Contains(out, want) {
			t.Errorf("config output lacks %q:\n%s", want, out)
		}
	}

	code, out, _ = run(t, vars, "", "config", "--format", "json")
	var rows []struct{ Variable, Value, Source string }
	if code != 0 || json.Unmarshal([]byte(out), &rows) != nil || len(rows) < 20 {
		t.Fatalf("json: exit %d, %d rows: %s", code, len(rows), out)
	}
	for _, r := range rows {
		if r.Variable == "UPSTREAM_LOG_LEVEL" && (r.Value != "info" || r.Source != "default") {
			t.Errorf("LOG_LEVEL row %+v", r)
		}
	}
}

func TestConfigRefusesBadSettings(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"unreadable file", map[string]string{"UPSTREAM_SMTP_PASSWORD_FILE": filepath.Join(dir, "missing")}, []string{"config"}, "UPSTREAM_SMTP_PASSWORD_FILE: cannot read"},
		{"variable and file", map[string]string{"UPSTREAM_HOOK_SECRET": "x", "UPSTREAM_HOOK_SECRET_FILE": filepath.Join(dir, "x")}, []string{"config"}, "not both"},
		{"bad level", map[string]string{"UPSTREAM_LOG_LEVEL": "loud"}, []string{"config"}, "UPSTREAM_LOG_LEVEL \"loud\": want debug, info, warn, error"},
		{"bad url", map[string]string{"UPSTREAM_PUBLIC_URL": "example.org"}, []string{"config"}, "UPSTREAM_PUBLIC_URL"},
		{"short secret hidden", map[string]string{"UPSTREAM_CONVERSATION_SECRET": "short-secret"}, []string{"config"}, "UPSTREAM_CONVERSATION_SECRET (hidden): too short"},
		{"bad addr flag", nil, []string{"serve", "--addr", "nonsense"}, "--addr \"nonsense\": want HOST:PORT"},
		{"bad addr variable", map[string]string{"UPSTREAM_ADDR": "nonsense"}, []string{"serve"}, "UPSTREAM_ADDR \"nonsense\": want HOST:PORT"},
		{"bad bool", map[string]string{"UPSTREAM_DEMO": "perhaps"}, []string{"serve"}, "UPSTREAM_DEMO=\"perhaps\": want true or false"},
		{"unreadable smtp password at serve", map[string]string{"UPSTREAM_DB": "sqlite:" + filepath.Join(dir, "u.db"), "UPSTREAM_SMTP_ADDR": "mail.example.org:587", "UPSTREAM_SMTP_FROM": "a@example.org", "UPSTREAM_SMTP_USER": "a", "UPSTREAM_SMTP_PASSWORD_FILE": filepath.Join(dir, "missing")}, []string{"serve", "--addr", "127.0.0.1:0"}, "UPSTREAM_SMTP_PASSWORD_FILE: cannot read"},
		{"bad org", nil, []string{"import", "x.csv", "--org", "Not A Slug"}, "--org \"Not A Slug\": want an organisation slug"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, tt.vars, "", tt.args...)
			if code != 2 || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q, want 2 and %q", code, errOut, tt.want)
			}
			if strings.Contains(out+errOut, "short-secret") {
				t.Errorf("a secret was printed: %s%s", out, errOut)
			}
		})
	}
}
