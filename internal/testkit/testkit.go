// Package testkit holds helpers shared by tests: locating the sample data in
// the repository's testdata folder, checking data copies against their
// recorded checksums, and skipping loudly (or failing, under CI) when an
// optional dependency is missing.
package testkit

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
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

// Data returns the path of a file or folder under the repository's top-level
// testdata folder, where the outside samples the tests read are kept with
// their source and licence (testdata/SOURCES.md). A missing path fails the
// test: everything a test reads lives in the repository.
func Data(t testing.TB, elem ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{RepoRoot(t), "testdata"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("test data %s: %v (copy it into testdata/ and record its source in testdata/SOURCES.md)", filepath.Join(elem...), err)
	}
	return p
}

// VerifySums checks every file listed in dir/SHA256SUMS (the format
// sha256sum writes: hash, two spaces, path relative to dir) against its
// recorded hash, so that copies of published data stay byte for byte what
// was published. It fails for a listed file that is missing or altered.
func VerifySums(t testing.TB, dir string) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		want, name, ok := strings.Cut(text, "  ")
		if !ok || len(want) != 64 {
			t.Fatalf("%s/SHA256SUMS:%d: want \"HASH  PATH\", got %q", dir, line, text)
		}
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Errorf("%s/SHA256SUMS:%d: %v", dir, line, err)
			continue
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != want {
			t.Errorf("%s differs from the published file (SHA-256 %s, recorded %s)", name, got, want)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatalf("%s/SHA256SUMS lists no files", dir)
	}
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

// SkipIfShort skips a slow test (a real browser, a built binary, an
// end-to-end journey) under go test -short, the inner loop; make test runs
// everything.
func SkipIfShort(t testing.TB, what string) {
	t.Helper()
	if testing.Short() {
		t.Skipf("-short: skipping %s", what)
	}
}
