package archtest_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/testkit"
)

// repoFiles walks the repository's own files (no hidden folders, no
// installed node modules) and calls fn with each path relative to root.
func repoFiles(t *testing.T, root string, fn func(rel string, b []byte)) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil // symbolic links point at what a machine installed
		}
		rel, _ := filepath.Rel(root, path)
		if strings.HasPrefix(rel, "testdata"+string(filepath.Separator)) {
			return nil // copies of outside files, kept unaltered
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fn(filepath.ToSlash(rel), b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Nothing in the repository may read or point at files beside it: a clone
// in an empty folder must build, pass its tests and read its documents.
var outsidePath = regexp.MustCompile(`\.\./shared\b|"\.\.", "shared"`)

func TestNoPathOutsideRepository(t *testing.T) {
	root := testkit.RepoRoot(t)
	repoFiles(t, root, func(rel string, b []byte) {
		if rel == "internal/archtest/selfcontained_test.go" {
			return
		}
		for i, line := range strings.Split(string(b), "\n") {
			if outsidePath.MatchString(line) {
				t.Errorf("%s:%d reaches outside the repository: %s", rel, i+1, strings.TrimSpace(line))
			}
		}
	})
}

var (
	mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	// A capitalised document name such as DESIGN.md or CONTRIBUTING.md.
	mdName = regexp.MustCompile(`\b[A-Z][A-Z_-]+\.md\b`)
)

// Every relative link in a Markdown document resolves to a file in the
// repository, and every capitalised document it names exists in it.
func TestDocumentsReferOnlyToTheRepository(t *testing.T) {
	root := testkit.RepoRoot(t)
	names := map[string]bool{}
	var docs []string
	repoFiles(t, root, func(rel string, _ []byte) {
		names[filepath.Base(rel)] = true
		if strings.HasSuffix(rel, ".md") {
			docs = append(docs, rel)
		}
	})
	for _, rel := range docs {
		b, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			for _, m := range mdLink.FindAllStringSubmatch(line, -1) {
				target, _, _ := strings.Cut(m[1], "#")
				if target == "" || strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
					continue
				}
				p := filepath.Join(root, filepath.Dir(rel), filepath.FromSlash(target))
				if r, err := filepath.Rel(root, p); err != nil || strings.HasPrefix(r, "..") {
					t.Errorf("%s:%d links outside the repository: %s", rel, i+1, m[1])
				} else if _, err := os.Stat(p); err != nil {
					t.Errorf("%s:%d links to a missing file: %s", rel, i+1, m[1])
				}
			}
			for _, name := range mdName.FindAllString(line, -1) {
				if !names[name] {
					t.Errorf("%s:%d names %s, which is not in the repository", rel, i+1, name)
				}
			}
		}
	}
}
