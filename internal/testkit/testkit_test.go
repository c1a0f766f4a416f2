package testkit_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/upstream-platform/upstream/internal/testkit"
)

// The outside samples under testdata/ stay byte for byte what was published.
func TestSamplesUnaltered(t *testing.T) {
	testkit.VerifySums(t, filepath.Join(testkit.RepoRoot(t), "testdata"))
}

// recorder stands in for a test to see what VerifySums reports.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, format)
}
func (r *recorder) Fatal(args ...any) { r.Fatalf("fatal") }
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

func verify(dir string) []string {
	r := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		testkit.VerifySums(r, dir)
	}()
	<-done
	return r.errors
}

func TestVerifySumsCatchesChanges(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.csv", "hello\n")
	// sha256sum of "hello\n"
	write("SHA256SUMS", "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  a.csv\n")
	if errs := verify(dir); len(errs) != 0 {
		t.Fatalf("unaltered file reported: %v", errs)
	}
	write("a.csv", "hello!\n")
	if errs := verify(dir); len(errs) != 1 || !strings.Contains(errs[0], "differs") {
		t.Errorf("altered file: %v", errs)
	}
	write("SHA256SUMS", "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  gone.csv\n")
	if errs := verify(dir); len(errs) == 0 {
		t.Error("missing file not reported")
	}
	write("SHA256SUMS", "")
	if errs := verify(dir); len(errs) == 0 {
		t.Error("empty list not reported")
	}
}

func TestGoldenWordsIgnoresLayout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "want.txt")
	if err := os.WriteFile(path, []byte("Due-diligence report\n\nSupplier  of\fﬁsh yes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	testkit.GoldenWords(t, path, []byte("Due-diligence report Supplier\nof fish\n\nyes"))
	testkit.GoldenWords(t, path, []byte("yes Due-diligence\nreport Supplier of fish"))
}

func TestGoldenWordsCatchesChangedWords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "want.txt")
	if err := os.WriteFile(path, []byte("risk high\nrisk"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, got := range []string{"risk high", "risk low risk", "risk high risk extra"} {
		r := &recorder{}
		done := make(chan struct{})
		go func() { defer close(done); testkit.GoldenWords(r, path, []byte(got)) }()
		<-done
		if len(r.errors) != 1 {
			t.Errorf("%q: %d errors, want 1", got, len(r.errors))
		}
	}
}
