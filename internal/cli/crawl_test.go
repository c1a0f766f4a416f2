package cli_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/testkit"
)

// What people must never read on a staff page: database ids, codes as the
// program spells them, and raw JSON. Ids in links and attributes are
// fine; so is text inside code, pre, kbd and samp, which is shown as
// something to type.
var unreadable = []struct {
	what string
	re   *regexp.Regexp
}{
	{"an id", regexp.MustCompile(`(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`)},
	{"a long hexadecimal id", regexp.MustCompile(`(?i)\b[0-9a-f]{20,}\b`)},
	{"a code", regexp.MustCompile(`\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b`)},
	{"a list or dataset code", regexp.MustCompile(`\b(?:cbp-wro|ilab-goods|ilab-findings|gsi-2023|eudr-benchmark|eudr-commodities)\b`)},
	{"raw JSON", regexp.MustCompile(`[{\[]\s*"[^"\n]{1,60}"\s*:`)},
	// 53.65853658536586, not a dotted date such as 9.6.2023.
	{"a number not rounded for reading", regexp.MustCompile(`(?:^|[^0-9.])[0-9]+\.[0-9]{5,}(?:[^0-9.]|$)`)},
}

// visibleText is the text a person sees on the page: text nodes that are
// rendered, outside code-like elements.
const visibleText = `(() => {
  const skip = new Set(["CODE", "PRE", "KBD", "SAMP", "SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT"]);
  const out = [];
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = w.nextNode(); n; n = w.nextNode()) {
    const e = n.parentElement;
    if (!e || e.closest("code, pre, kbd, samp, script, style, template, noscript")) continue;
    if (e.tagName !== "OPTION" && !e.checkVisibility()) continue;
    out.push(n.textContent);
  }
  return out.join(" ").replace(/\s+/g, " ");
})()`

// pageLinks lists the same-site links of the page's main part and menu.
const pageLinks = `Array.from(document.querySelectorAll("header nav a[href], main a[href]:not([download])")).map(a => a.getAttribute("href")).join("\n")`

// crawlable keeps links to pages: no downloads, API, sign-out, public
// reporter pages or anchors.
func crawlable(href string) bool {
	if !strings.HasPrefix(href, "/") || strings.HasPrefix(href, "//") {
		return false
	}
	u, err := url.Parse(href)
	if err != nil {
		return false
	}
	p := u.Path
	for _, prefix := range []string{"/api/", "/static/", "/report/", "/survey/", "/hooks/", "/logout", "/reports/download", "/healthz", "/readyz", "/metrics"} {
		if strings.HasPrefix(p, prefix) {
			return false
		}
	}
	if strings.Contains(p, "/attachments/") || strings.Contains(p, "/files/") || strings.Contains(p, "/download") || strings.Contains(p, "/export") {
		return false
	}
	for _, ext := range []string{".csv", ".xlsx", ".pdf", ".json", ".geojson", ".svg", ".png"} {
		if strings.HasSuffix(p, ext) {
			return false
		}
	}
	return true
}

var idLike = regexp.MustCompile(`^[0-9A-Za-z_-]*[0-9][0-9A-Za-z_-]{5,}$`)

// shape is a link with its ids and query values left out, so the crawl
// opens one page of each kind (one supplier, one case) and not every
// supplier of the register.
func shape(href string) string {
	u, _ := url.Parse(href)
	parts := strings.Split(u.Path, "/")
	for i, p := range parts {
		if idLike.MatchString(p) {
			parts[i] = "{id}"
		}
	}
	keys := make([]string, 0, len(u.Query()))
	for k := range u.Query() {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return strings.Join(parts, "/") + "?" + strings.Join(keys, "&")
}

// pageShot writes a full-page screenshot of the page the crawl is on, as
// a desktop screen (1280 px wide) shows it, to
// $UPSTREAM_SCREENSHOTS/ROLE/NN-PATH.png when UPSTREAM_SCREENSHOTS names a
// directory; then the crawl goes on at a phone's width. Pages are numbered
// in the order the crawl opened them.
func pageShot(t *testing.T, ctx context.Context, role string, n int, href string) {
	t.Helper()
	dir := os.Getenv("UPSTREAM_SCREENSHOTS")
	if dir == "" {
		return
	}
	dir = filepath.Join(dir, role)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	c, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(c, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Errorf("screenshot of %s: %v", href, err)
		return
	}
	shot, err := chromedp.Run(c, chromedp.FullScreenshot(80))
	if err == nil {
		name := strings.Trim(shotName.ReplaceAllString(strings.TrimPrefix(href, "/"), "-"), "-")
		err = os.WriteFile(filepath.Join(dir, fmt.Sprintf("%03d-%s.jpg", n, cmp.Or(name, "home"))), shot, 0o644)
	}
	if err != nil {
		t.Errorf("screenshot of %s: %v", href, err)
	}
	if err := chromedp.Do(c, chromedp.EmulateViewport(375, 740)); err != nil {
		t.Errorf("back to a phone's width after %s: %v", href, err)
	}
}

// shotName is what a screenshot's file name keeps of a page's address.
var shotName = regexp.MustCompile(`[^A-Za-z0-9]+`)

// TestBrowserCrawlShowsNoIdsOrCodes signs in to the demo as each staff
// role (admin, analyst, case handler and viewer) on a phone's screen (375 px wide), follows every link reachable
// from the menu (one page of each kind, so the seeded supplier, case,
// alert, programme and survey pages are among them) and fails on any id,
// code or raw JSON in what the page shows, on a page wider than the
// screen (a wide table scrolls inside its own box instead) and on any
// axe-core finding of any impact (WCAG 2.1 A and AA and axe's best
// practices), so every kind of page stays at no violations. With
// UPSTREAM_SCREENSHOTS=DIR it also writes a full-page screenshot of every
// page it opens, role by role (see pageShot):
//
//	UPSTREAM_SCREENSHOTS=/tmp/shots go test ./internal/cli -run TestBrowserCrawlShowsNoIdsOrCodes
func TestBrowserCrawlShowsNoIdsOrCodes(t *testing.T) {
	testkit.SkipIfShort(t, "a crawl of the demo in headless Chromium")
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "crawl.db")
	axe := axeSource(t)
	if axe == "" {
		testkit.Missing(t, axeMissing)
	}
	s := startServer(t, map[string]string{"UPSTREAM_DB": dsn}, "--demo")
	demo := demoSecrets(t, s.out.String())
	people := []struct{ role, email string }{
		{"admin", "admin@demo.example"}, {"analyst", "analyst@demo.example"}, {"case_handler", "handler@demo.example"},
		{"viewer", "viewer@demo.example"},
	}
	for _, who := range people {
		t.Run(who.role, func(t *testing.T) {
			ctx := testkit.Browser(t, true)
			step := func(actions ...chromedp.Action[chromedp.Void]) error {
				c, cancel := context.WithTimeout(ctx, time.Minute)
				defer cancel()
				return chromedp.Do(c, actions...)
			}
			if err := step(
				chromedp.EmulateViewport(375, 740),
				chromedp.Navigate(s.base+"/login"),
				chromedp.WaitVisible(chromedp.CSS("#email")),
				chromedp.SendKeys(chromedp.CSS("#email"), who.email),
				chromedp.SendKeys(chromedp.CSS("#password"), demo.passwords[who.role]),
				chromedp.Submit(chromedp.CSS("#password")),
				chromedp.WaitVisible(chromedp.CSS("header.top form.logout")),
			); err != nil {
				t.Fatalf("sign in: %v", err)
			}
			queue, seen := []string{"/"}, map[string]bool{shape("/"): true}
			var problems []string
			pages := 0
			var axeTook time.Duration
			for len(queue) > 0 && pages < 120 {
				href := queue[0]
				queue = queue[1:]
				if err := step(chromedp.Navigate(s.base+href), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
					if strings.Contains(err.Error(), "net::ERR_ABORTED") {
						continue // a download, not a page
					}
					problems = append(problems, fmt.Sprintf("%s: does not load: %v", href, err))
					continue
				}
				pages++
				c, cancel := context.WithTimeout(ctx, time.Minute)
				text, err1 := chromedp.Run(c, chromedp.Evaluate[string](visibleText))
				links, err2 := chromedp.Run(c, chromedp.Evaluate[string](pageLinks))
				overflow, err3 := chromedp.Run(c, chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
				if err3 == nil && overflow > 0 {
					problems = append(problems, fmt.Sprintf("%s is %d px wider than a 375 px screen", href, overflow))
				}
				cancel()
				at := time.Now()
				problems = append(problems, crawlAudit(ctx, axe, href)...)
				axeTook += time.Since(at)
				pageShot(t, ctx, who.role, pages, href)
				if err1 != nil || err2 != nil {
					problems = append(problems, fmt.Sprintf("%s: cannot be read: %v %v", href, err1, err2))
					continue
				}
				for _, u := range unreadable {
					for _, m := range u.re.FindAllStringIndex(text, 3) {
						problems = append(problems, fmt.Sprintf("%s shows %s: …%s…", href, u.what, text[max(0, m[0]-40):min(len(text), m[1]+40)]))
					}
				}
				for _, l := range strings.Split(links, "\n") {
					if l = strings.TrimSpace(l); crawlable(l) && !seen[shape(l)] {
						seen[shape(l)] = true
						queue = append(queue, l)
					}
				}
			}
			t.Logf("%s: %d pages read, %d kinds of page seen, %v of it in axe-core", who.role, pages, len(seen), axeTook.Round(time.Millisecond))
			for _, p := range problems {
				t.Error(p)
			}
		})
	}
}

// crawlAudit runs axe-core on the page the crawl is on (at a phone's
// width, with the page's own scripts having run) and names every
// violation of any impact, element by element.
func crawlAudit(ctx context.Context, axe, href string) []string {
	c, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if _, err := chromedp.Run(c, chromedp.Evaluate[chromedp.Void](axe)); err != nil {
		return []string{fmt.Sprintf("%s: inject axe-core: %v", href, err)}
	}
	out, err := chromedp.Run(c, chromedp.Evaluate[string](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		return []string{fmt.Sprintf("%s: run axe-core: %v", href, err)}
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		return []string{fmt.Sprintf("%s: axe-core result: %v", href, err)}
	}
	var found []string
	for _, v := range vs {
		for _, n := range v.Nodes {
			found = append(found, fmt.Sprintf("%s: accessibility (%s) %s: %s\n  at %s\n  %s", href, v.Impact, v.ID, v.Help, n.Target, strings.ReplaceAll(n.Summary, "\n", "\n  ")))
		}
	}
	return found
}
