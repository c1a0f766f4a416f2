// Package testkit holds helpers shared by tests: locating the shared reference
// and sample data that sits beside the repository, and skipping loudly (or
// failing, under CI) when an optional dependency is missing.
package testkit

import (
	"os"
	"path/filepath"
	"testing"
)

// RepoRoot returns the directory holding go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("testkit: go.mod not found above the working directory")
		}
		dir = parent
	}
}

// SharedData returns the path of a file or folder in the shared data set that
// sits beside the repository (../shared/data). When it is absent the test is
// skipped, or fails when CI=true, since CI always provides it.
func SharedData(t testing.TB, elem ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{RepoRoot(t), "..", "shared", "data"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		Missing(t, "shared data "+filepath.Join(elem...))
	}
	return p
}

// Missing skips the test because something optional is not installed, and
// fails it instead under CI, where everything must be present.
func Missing(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("MISSING under CI: %s", what)
	}
	t.Skipf("SKIPPED: %s is not available on this machine", what)
}
