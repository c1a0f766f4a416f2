package archtest_test

import (
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/testkit"
)

const module = "github.com/upstream-platform/upstream"

// Kinds of package, as docs/ARCHITECTURE.md names them.
var (
	adapters    = map[string]bool{"internal/sqlstore": true, "internal/web": true, "internal/jobs": true, "internal/chromium": true}
	testSupport = map[string]bool{"internal/testkit": true, "internal/sqlstore/sqltest": true, "internal/archtest": true}
	// Capability packages must not reach storage or transport directly.
	forbiddenInDomain = []string{"database/sql", "net/http", "github.com/jackc/", "modernc.org/", "github.com/chromedp/"}
)

// capabilityLayers orders the capability packages (docs/ARCHITECTURE.md,
// "Order among capabilities"): a capability imports only capabilities of
// a lower layer, and the kernel. A new capability package gets a layer
// here and in the document before it lands.
var capabilityLayers = map[string]int{
	// 1 foundations: identities, encryption, the audit log, code lists and
	// matching primitives; they know no other capability.
	"account": 1, "apijob": 1, "audit": 1, "commodity": 1, "country": 1, "facilitymatch": 1, "filemeta": 1, "vault": 1,
	// 2 reference data and plain records: datasets and maps, the supply
	// chain, impact programmes, alerts.
	"earlywarning": 2, "geo": 2, "impact": 2, "refdata": 2, "supplychain": 2,
	// 3 rules over one capability's records: risk scoring, grievance
	// cases, EUDR geolocation checks.
	"eudr": 3, "grievance": 3, "risk": 3,
	// 4 analyses that read other capabilities: importers, watchlist
	// screening, scorecards, worker-voice surveys.
	"ingest": 4, "scorecard": 4, "screening": 4, "survey": 4,
	// 5 pipelines and documents: the assessment pipeline, report rendering.
	"assessment": 5, "report": 5,
	// 6 report data gathered from every capability.
	"reportdata": 6,
}

// capabilityOf returns the capability package a directory belongs to:
// "internal/screening/x" belongs to "screening".
func capabilityOf(dir string) string {
	name, _, _ := strings.Cut(strings.TrimPrefix(dir, "internal/"), "/")
	return name
}

// layerViolation returns why capability dir may not import capability imp,
// or "".
func layerViolation(dir, imp string) string {
	from, to := capabilityOf(dir), capabilityOf(imp)
	if from == to {
		return ""
	}
	lf, okf := capabilityLayers[from]
	lt, okt := capabilityLayers[to]
	switch {
	case !okf:
		return "capability " + from + " has no layer: add it to capabilityLayers and docs/ARCHITECTURE.md"
	case !okt:
		return "capability " + to + " has no layer: add it to capabilityLayers and docs/ARCHITECTURE.md"
	case lt >= lf:
		return fmt.Sprintf("%s (layer %d) may import only capabilities of lower layers, and %s is layer %d", from, lf, to, lt)
	}
	return ""
}

// kindOf classifies a package directory relative to the repository root.
// Anything not named is a capability package and gets the strictest rule.
func kindOf(dir string) string {
	switch {
	case dir == "cmd/upstream":
		return "entry"
	case dir == "client":
		return "client"
	case dir == "internal/cli":
		return "root"
	case dir == "internal/kernel":
		return "kernel"
	case testSupport[dir]:
		return "test-support"
	case adapters[dir]:
		return "adapter"
	case strings.HasPrefix(dir, "internal/sqlstore/"), strings.HasPrefix(dir, "internal/web/"), strings.HasPrefix(dir, "internal/jobs/"):
		return "adapter"
	default:
		return "capability"
	}
}

// adapterOf returns the adapter a package belongs to, or "".
func adapterOf(dir string) string {
	for a := range adapters {
		if dir == a || strings.HasPrefix(dir, a+"/") {
			return a
		}
	}
	return ""
}

// violation returns why dir may not import imp, or "".
func violation(dir, imp string) string {
	internal, isInternal := strings.CutPrefix(imp, module+"/")
	kind := kindOf(dir)
	if isInternal && testSupport[internal] && kind != "test-support" {
		return "only tests may import test support"
	}
	switch kind {
	case "entry":
		if isInternal && internal != "internal/cli" {
			return "cmd/upstream may import only internal/cli"
		}
	case "client":
		// The generated API client is for other programs: it speaks
		// HTTP and knows Upstream only through the OpenAPI document.
		if isInternal {
			return "the API client imports nothing of Upstream"
		}
	case "kernel":
		if isInternal {
			return "the kernel imports nothing of Upstream"
		}
		for _, f := range forbiddenInDomain {
			if strings.HasPrefix(imp, f) {
				return "the kernel imports no storage or transport"
			}
		}
	case "capability":
		for _, f := range forbiddenInDomain {
			if imp == f || strings.HasPrefix(imp, f) || strings.HasPrefix(imp, f+"/") {
				return "capability packages import no storage or transport (" + f + ")"
			}
		}
		if isInternal {
			switch k := kindOf(internal); k {
			case "adapter", "root", "entry":
				return "capability packages never import a " + k
			case "capability":
				return layerViolation(dir, internal)
			}
		}
	case "adapter":
		if isInternal {
			if internal == "internal/cli" || internal == "cmd/upstream" {
				return "adapters never import the composition root"
			}
			if a := adapterOf(internal); a != "" && a != adapterOf(dir) {
				return "adapters never import each other"
			}
		}
	case "root":
		if isInternal && internal == "cmd/upstream" {
			return "nothing imports cmd/upstream"
		}
	}
	return ""
}

func TestDependencyRule(t *testing.T) {
	imports := shippedImports(t)
	dirs := make([]string, 0, len(imports))
	for d := range imports {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, dir := range dirs {
		if kindOf(dir) == "capability" && strings.HasPrefix(dir, "internal/") {
			if _, ok := capabilityLayers[capabilityOf(dir)]; !ok {
				t.Errorf("capability %s has no layer: add it to capabilityLayers and docs/ARCHITECTURE.md", dir)
			}
		}
	}
	for _, dir := range dirs {
		for imp := range imports[dir] {
			if why := violation(dir, imp); why != "" {
				t.Errorf("%s imports %s: %s", dir, imp, why)
			}
		}
	}
}

// shippedImports maps each package directory (relative to the repository
// root) to the imports of its non-test Go files.
func shippedImports(t *testing.T) map[string]map[string]bool {
	t.Helper()
	root := testkit.RepoRoot(t)
	imports := map[string]map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		rel = filepath.ToSlash(rel)
		if imports[rel] == nil {
			imports[rel] = map[string]bool{}
		}
		for _, spec := range f.Imports {
			p, _ := strconv.Unquote(spec.Path.Value)
			imports[rel][p] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(imports) < 5 {
		t.Fatalf("found only %d packages: is the walk rooted right?", len(imports))
	}
	return imports
}

// TestRuleCatchesViolations proves the checker is not vacuous.
func TestRuleCatchesViolations(t *testing.T) {
	tests := []struct {
		dir, imp string
		bad      bool
	}{
		{"internal/risk", "database/sql", true},
		{"internal/risk", "net/http", true},
		{"internal/risk", "net/http/httptest", true},
		{"internal/risk", module + "/internal/sqlstore", true},
		{"internal/risk", module + "/internal/web", true},
		{"internal/risk", module + "/internal/cli", true},
		{"internal/risk", "github.com/jackc/pgx/v5", true},
		{"internal/risk", module + "/internal/testkit", true},
		{"internal/risk", module + "/internal/kernel", false},
		{"internal/risk", module + "/internal/supplychain", false},
		{"internal/risk", "net/url", false},
		{"internal/web", module + "/internal/sqlstore", true},
		{"internal/sqlstore", module + "/internal/web", true},
		{"internal/jobs", module + "/internal/sqlstore", true},
		{"internal/web", module + "/internal/account", false},
		{"internal/web", "net/http", false},
		{"internal/sqlstore", "database/sql", false},
		{"internal/cli", module + "/internal/sqlstore", false},
		{"internal/cli", module + "/internal/web", false},
		{"cmd/upstream", module + "/internal/web", true},
		{"cmd/upstream", module + "/internal/cli", false},
		{"client", "net/http", false},
		{"client", module + "/internal/web", true},
		{"client", module + "/internal/kernel", true},
		{"internal/kernel", module + "/internal/account", true},
		{"internal/sqlstore/sqltest", module + "/internal/testkit", false},
		// Order among capabilities: lower layers only.
		{"internal/supplychain", module + "/internal/risk", true},
		{"internal/screening", module + "/internal/assessment", true},
		{"internal/risk", module + "/internal/grievance", true},
		{"internal/grievance", module + "/internal/vault", false},
		{"internal/reportdata", module + "/internal/report", false},
		{"internal/report", module + "/internal/reportdata", true},
		{"internal/vault", module + "/internal/account", true},
		{"internal/nolayer", module + "/internal/kernel", false},
		{"internal/nolayer", module + "/internal/vault", true},
		{"internal/vault", module + "/internal/nolayer", true},
	}
	for _, tc := range tests {
		t.Run(tc.dir+"->"+tc.imp, func(t *testing.T) {
			if got := violation(tc.dir, tc.imp) != ""; got != tc.bad {
				t.Fatalf("violation = %v, want %v", got, tc.bad)
			}
		})
	}
}

func TestArchitectureDocListsEveryPackage(t *testing.T) {
	root := testkit.RepoRoot(t)
	doc, err := os.ReadFile(filepath.Join(root, "docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Join(root, "internal"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && !strings.Contains(string(doc), "`internal/"+e.Name()+"`") {
			t.Errorf("docs/ARCHITECTURE.md does not list internal/%s", e.Name())
		}
	}
}
