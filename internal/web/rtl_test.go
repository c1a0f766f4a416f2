package web

import (
	"context"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// physicalSide is a CSS declaration tied to the left or right of the
// screen rather than to where a line starts or ends: in a right-to-left
// page it lands on the wrong side.
var physicalSide = regexp.MustCompile(`(?i)\b(?:(?:margin|padding|border)-(?:left|right)\b|(?:text-align|float|clear)\s*:\s*(?:left|right)\b|(?:^|[;{\s])(?:left|right)\s*:)`)

// Every stylesheet is written with logical properties (margin-inline-start,
// text-align: start, …), so pages are ready for right-to-left languages.
func TestStylesheetsHaveNoLeftOrRight(t *testing.T) {
	sheets, err := fs.Glob(staticFiles, "static/*.css")
	if err != nil || len(sheets) == 0 {
		t.Fatalf("no stylesheets: %v", err)
	}
	for _, name := range sheets {
		b, err := fs.ReadFile(staticFiles, name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if m := physicalSide.FindString(line); m != "" && !strings.HasPrefix(strings.TrimSpace(line), "/*") {
				t.Errorf("%s:%d: %q is tied to a side of the screen; use the logical property (inline-start / inline-end, start / end): %s", name, i+1, strings.TrimSpace(m), strings.TrimSpace(line))
			}
		}
	}
}

// TestBrowserRightToLeftStyles lays a staff page out right to left, as an
// Arabic or Hebrew page would be, and checks that what sits at the start
// of a line moves to the right: the danger note's bar, a table's first
// column's text, and a number column's figures to the other side.
func TestBrowserRightToLeftStyles(t *testing.T) {
	f, _, _ := supplyFixture(t)
	ts, ctx := f.browse(t, true)
	c, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(c, browserSignIn(ts.URL+"/risk-map", "analyst@acme.example", testPassword)); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(c, "h1", "Risk map"); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []struct{ dir, want string }{
		{"ltr", "bar on the left|name on the left|figures on the right"},
		{"rtl", "bar on the right|name on the right|figures on the left"},
	} {
		got, err := chromedp.Run(c, chromedp.Evaluate[string](`(() => {
  document.documentElement.dir = "`+dir.dir+`";
  const note = document.createElement("p");
  note.className = "danger-note";
  note.textContent = "1 case says someone is in danger.";
  document.querySelector("main").prepend(note);
  const st = getComputedStyle(note);
  const bar = parseFloat(st.borderRightWidth) > 0 && parseFloat(st.borderLeftWidth) === 0 ? "bar on the right"
    : parseFloat(st.borderLeftWidth) > 0 && parseFloat(st.borderRightWidth) === 0 ? "bar on the left" : "bar on " + st.borderLeftWidth + " / " + st.borderRightWidth;
  note.remove();
  const side = (cell, what) => {
    const r = document.createRange();
    r.selectNodeContents(cell);
    const text = r.getBoundingClientRect(), box = cell.getBoundingClientRect();
    return what + (text.left - box.left < box.right - text.right ? " on the left" : " on the right");
  };
  const row = document.querySelector("#map-table tbody tr");
  return [bar, side(row.cells[0], "name"), side(row.querySelector("td.num"), "figures")].join("|");
})()`))
		if err != nil {
			t.Fatal(err)
		}
		if got != dir.want {
			t.Errorf("dir=%s: %s, want %s", dir.dir, got, dir.want)
		}
	}
}
