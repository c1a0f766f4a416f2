package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/testkit"
)

// TestBrowserAPIReference opens the API reference in headless Chromium
// with scripts off, signed out and then signed in: every operation of the
// document the server serves is drawn, visible, with its method and path;
// the contents lead to each capability and an operation's schema link to
// the schema; and the page passes the suite's accessibility smoke check
// and axe-core (WCAG 2.1 A and AA).
func TestBrowserAPIReference(t *testing.T) {
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	f.deps.Config.CookieSecure = false // httptest serves plain http on 127.0.0.1
	ts := httptest.NewServer(f.h)
	defer ts.Close()

	// The operations the document names, by anchor.
	doc, _ := io.ReadAll(f.do(t, "GET", "/api/v1/openapi.json", "", "", nil).Body)
	var d struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{} // anchor -> "METHOD path"
	for path, item := range d.Paths {
		for method, op := range item {
			want["op-"+op.OperationID] = strings.ToUpper(method) + " " + path
		}
	}
	if len(want) < 40 {
		t.Fatalf("only %d operations in the document", len(want))
	}

	ctx := testkit.Browser(t, false)
	check := func(when string) {
		t.Helper()
		if err := waitForText(ctx, "h1", "API reference"); err != nil {
			t.Fatal(err)
		}
		// What the browser drew: each operation's heading text, and
		// whether the operation takes up room on the page.
		drawn, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`Object.fromEntries(
			[...document.querySelectorAll("article.api-op")].map(a => [a.id,
				(a.getBoundingClientRect().height > 0 ? "" : "hidden: ") + a.querySelector("h3").innerText.replace(/\s+/g, " ").trim()]))`))
		if err != nil {
			t.Fatal(err)
		}
		for anchor, op := range want {
			got, ok := drawn[anchor]
			switch {
			case !ok:
				t.Errorf("%s: %s is not on the page", when, op)
			case got != op:
				t.Errorf("%s: %s is drawn as %q", when, op, got)
			}
		}
		if len(drawn) != len(want) {
			t.Errorf("%s: %d operations drawn, the document has %d", when, len(drawn), len(want))
		}
		checkAccessibility(t, ctx, "API reference, "+when)
	}

	// Signed out: the reference is public.
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/api-reference")); err != nil {
		t.Fatal(err)
	}
	check("signed out")
	if scripts, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.scripts.length`)); scripts != 0 {
		t.Errorf("the reference has %d scripts", scripts)
	}

	// The contents lead to a capability, and an operation's answer to
	// its schema, by links alone.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`nav.toc a[href="#tag-cases"]`))); err != nil {
		t.Fatalf("the contents have no link to Cases: %v", err)
	}
	if err := waitForHash(ctx, "#tag-cases"); err != nil {
		t.Error(err)
	}
	if inView, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const r = document.getElementById("tag-cases").getBoundingClientRect();
		return r.top >= -2 && r.top < window.innerHeight; })()`)); !inView {
		t.Error("following the contents to Cases does not bring it into view")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#op-getCasesById a[href="#schema-CaseEnvelope"]`))); err != nil {
		t.Fatalf("one case's answer has no link to its schema: %v", err)
	}
	if err := waitForHash(ctx, "#schema-CaseEnvelope"); err != nil {
		t.Error(err)
	}

	// Signed in, from the application, the same page.
	if err := chromedp.Do(ctx, browserSignIn(ts.URL+"/account", "analyst@acme.example", testPassword)); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "h1", "account"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/api-reference")); err != nil {
		t.Fatal(err)
	}
	check("signed in")
	screenshot(t, ctx, "api-reference.png")

	// axe-core, in a browser of its own: it schedules its work with the
	// page's timers, which need scripts on (the page has none of its own).
	axe, err := os.ReadFile(filepath.Join(testkit.RepoRoot(t), "tools", "a11y", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		testkit.Missing(t, "axe-core for the accessibility check (run: npm ci --prefix tools/a11y)")
	}
	actx := testkit.Browser(t, true)
	if err := chromedp.Do(actx, chromedp.Navigate(ts.URL+"/api-reference")); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(actx, "h1", "API reference"); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(actx, chromedp.Evaluate[chromedp.Void](string(axe))); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	tctx, cancel := context.WithTimeout(actx, 4*time.Minute)
	defer cancel()
	out, err := chromedp.Run(tctx, chromedp.Evaluate[string](`(async () => {
		const r = await axe.run(document, {resultTypes: ["violations"],
			runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}});
		return r.violations.map(v => v.impact + " " + v.id + ": " + v.help + " at " +
			v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")).join("\n");
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	if out != "" {
		t.Errorf("axe-core finds on the API reference:\n%s", out)
	}
}

// waitForHash waits until the address ends with hash: following an
// in-page link changes the address without loading a page.
func waitForHash(ctx context.Context, hash string) error {
	deadline := time.Now().Add(10 * time.Second)
	var loc string
	for time.Now().Before(deadline) {
		loc, _ = chromedp.Run(ctx, chromedp.Location())
		if strings.HasSuffix(loc, hash) {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("the browser is at %s, not at %s", loc, hash)
}
