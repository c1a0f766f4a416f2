package archtest_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/testkit"
)

const (
	drawingBegin = "<!-- capability layers: drawn by internal/archtest; go test ./internal/archtest -update redraws -->\n"
	drawingEnd   = "<!-- end of capability layers -->\n"
)

// layerDrawing draws the capability layers, top layer first, each
// capability with the capabilities it imports today.
func layerDrawing(imports map[string]map[string]bool) string {
	uses := map[string][]string{}
	for dir, imps := range imports {
		if kindOf(dir) != "capability" || !strings.HasPrefix(dir, "internal/") {
			continue
		}
		from := capabilityOf(dir)
		for imp := range imps {
			internal, ok := strings.CutPrefix(imp, module+"/")
			if !ok || kindOf(internal) != "capability" {
				continue
			}
			if to := capabilityOf(internal); to != from && !slices.Contains(uses[from], to) {
				uses[from] = append(uses[from], to)
			}
		}
	}
	top := 0
	byLayer := map[int][]string{}
	for name, l := range capabilityLayers {
		byLayer[l] = append(byLayer[l], name)
		top = max(top, l)
	}
	var b strings.Builder
	b.WriteString("```\n")
	for l := top; l >= 1; l-- {
		names := byLayer[l]
		sort.Strings(names)
		var alone []string
		first := true
		label := func() string {
			if first {
				first = false
				return fmt.Sprintf("layer %d  ", l)
			}
			return "         "
		}
		for _, n := range names {
			if len(uses[n]) == 0 {
				alone = append(alone, n)
				continue
			}
			deps := uses[n]
			sort.Slice(deps, func(i, j int) bool {
				if capabilityLayers[deps[i]] != capabilityLayers[deps[j]] {
					return capabilityLayers[deps[i]] > capabilityLayers[deps[j]]
				}
				return deps[i] < deps[j]
			})
			fmt.Fprintf(&b, "%s%s %s> %s\n", label(), n, strings.Repeat("─", max(2, 14-len(n))), strings.Join(deps, ", "))
		}
		if len(alone) > 0 {
			fmt.Fprintf(&b, "%s%s (kernel only)\n", label(), strings.Join(alone, ", "))
		}
		if l > 1 {
			b.WriteString("         │\n")
		}
	}
	b.WriteString("```\n")
	return b.String()
}

// TestArchitectureDocDrawsTheLayers keeps the drawing of the capability
// layers in docs/ARCHITECTURE.md true to the code: it is redrawn from the
// imports and the layer table above, and -update writes it.
func TestArchitectureDocDrawsTheLayers(t *testing.T) {
	path := filepath.Join(testkit.RepoRoot(t), "docs", "ARCHITECTURE.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	begin := bytes.Index(doc, []byte(drawingBegin))
	end := bytes.Index(doc, []byte(drawingEnd))
	if begin < 0 || end < begin {
		t.Fatalf("docs/ARCHITECTURE.md lacks the markers around the capability layers:\n%s...\n%s", drawingBegin, drawingEnd)
	}
	want := layerDrawing(shippedImports(t))
	got := string(doc[begin+len(drawingBegin) : end])
	if got == want {
		return
	}
	if testkit.Updating() {
		out := append(append(append([]byte{}, doc[:begin+len(drawingBegin)]...), want...), doc[end:]...)
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("the capability layers drawn in docs/ARCHITECTURE.md are out of date; run go test ./internal/archtest -update\nwant:\n%s", want)
}

// TestArchitectureDocTableOfLayers checks the table of layers in
// docs/ARCHITECTURE.md against capabilityLayers.
func TestArchitectureDocTableOfLayers(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(testkit.RepoRoot(t), "docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "## Order among capabilities")
	if !ok {
		t.Fatal(`docs/ARCHITECTURE.md has no section "Order among capabilities"`)
	}
	inDoc := map[string]int{}
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != 5 {
			continue
		}
		var layer int
		if _, err := fmt.Sscanf(strings.TrimSpace(cells[1]), "%d", &layer); err != nil {
			continue
		}
		for _, name := range strings.Split(cells[3], ",") {
			inDoc[strings.Trim(strings.TrimSpace(name), "`")] = layer
		}
	}
	for name, l := range capabilityLayers {
		if inDoc[name] != l {
			t.Errorf("%s is layer %d in capabilityLayers, %d in the table of docs/ARCHITECTURE.md", name, l, inDoc[name])
		}
	}
	for name := range inDoc {
		if _, ok := capabilityLayers[name]; !ok {
			t.Errorf("docs/ARCHITECTURE.md puts %s in a layer; capabilityLayers does not know it", name)
		}
	}
}
