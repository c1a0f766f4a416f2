package testkit

import (
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"
)

var update = flag.Bool("update", false, "rewrite golden files and generated test data")

// Updating reports whether the tests run with -update, to rewrite what they
// compare against.
func Updating() bool { return *update }

// Golden compares got with the golden file at path. With -update it writes
// got there instead (making the folder), for the change to be read in the
// diff before it is committed.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs from the golden file (-want +got; run go test -update after checking):\n%s", path, diff)
	}
}

// GoldenWords compares the words of got with those of the golden file at
// path, for text extracted from a laid-out document such as a PDF: line
// breaks, spacing, page breaks and the order in which an extractor walks
// table cells change with fonts and renderer versions, the words do not.
// Words are compared as a multiset after Unicode compatibility
// normalisation (so a font's "ﬁ" ligature reads as "fi"); a word missing,
// added or changed fails. With -update it writes got to path.
func GoldenWords(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		Golden(t, path, got)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	missing, extra := wordDiff(Words(string(want)), Words(string(got)))
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("the words of the text differ from %s (run go test -update after checking)\nmissing: %q\nunexpected: %q\ngot:\n%s",
			path, missing, extra, got)
	}
}

// Words splits text into words after NFKC normalisation.
func Words(text string) []string {
	return strings.Fields(norm.NFKC.String(text))
}

// wordDiff returns the words of want not in got and of got not in want,
// counting repeats, each sorted.
func wordDiff(want, got []string) (missing, extra []string) {
	count := map[string]int{}
	for _, w := range want {
		count[w]++
	}
	for _, w := range got {
		count[w]--
	}
	for w, n := range count {
		for ; n > 0; n-- {
			missing = append(missing, w)
		}
		for ; n < 0; n++ {
			extra = append(extra, w)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	return missing, extra
}
