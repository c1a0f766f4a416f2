package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/testkit"
)

// TestBrowserJourneys runs the real program ("serve --demo" on a temporary
// SQLite file) and walks the journeys of the people who use it in headless
// Chromium: the admin signs in, imports suppliers, opens the risk map and a
// supplier, confirms a screening hit and looks at the alerts; a worker
// reports with JavaScript off and comes back with the receipt; the case
// handler works that case; the main pages are seen again on a phone's
// screen. Every page visited is written as a PNG screenshot and checked:
// axe-core finds no serious or critical violation, keyboard focus is
// visible on every control, and on a phone nothing widens the page.
func TestBrowserJourneys(t *testing.T) {
	t.Parallel()
	testkit.SkipIfShort(t, "the end-to-end journeys")
	axe := axeSource(t)
	if axe == "" {
		t.Logf("%s is missing: the journeys run without it, and the accessibility subtest skips", axeMissing)
	}
	began := time.Now()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "e2e.db")
	s := startServer(t, map[string]string{"UPSTREAM_DB": dsn}, "--demo")
	demo := demoSecrets(t, s.out.String())
	shots := os.Getenv("UPSTREAM_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots of every page go to %s", shots)

	// Each person has a browser of their own, started just before their
	// first step (testkit.Browser gives a browser 90 s to live). Staff
	// browsers run scripts, so axe also sees the pages as Upstream's own
	// script enhances them. The reporter's runs with scripts off, switched
	// on only while axe-core audits a page (axe schedules its work on
	// timers, which never fire with scripts off).
	var browsers []*journeyBrowser
	newBrowser := func(name string, noScript bool) *journeyBrowser {
		t.Helper()
		b := &journeyBrowser{t: t, ctx: testkit.Browser(t, true), base: s.base, axe: axe, shots: shots, name: name, noScript: noScript}
		if noScript {
			b.do(scripts(false))
		}
		// A headless tab never has the window's focus, and without it no
		// element matches :focus; emulate it so focus styles can be checked.
		b.do(focusEmulation)
		browsers = append(browsers, b)
		return b
	}
	admin := newBrowser("admin", false)
	t.Logf("server and browser ready after %v", time.Since(began).Round(time.Millisecond))

	var imported bool
	step := func(name string, f func(t *testing.T)) {
		t.Helper()
		at := time.Now()
		t.Run(name, func(t *testing.T) {
			for _, b := range browsers {
				b.t = t
			}
			f(t)
		})
		for _, b := range browsers {
			b.t = t
		}
		t.Logf("%s: %v", name, time.Since(at).Round(time.Millisecond))
	}

	step("admin signs in", func(t *testing.T) {
		admin.open("/login", "h1", "Sign in")
		admin.check("login")
		admin.signIn(demo.passwords["admin"], "admin@demo.example")
		admin.wait("main h1", "")
		admin.check("dashboard")

		// Enrol an authenticator app, then sign in again with the second
		// factor (a recovery code: a fresh app code would have to wait for
		// the next 30-second step, since a code is never accepted twice).
		admin.open("/account", "h1", "My account")
		admin.do(chromedp.Click(chromedp.CSS(`form[action="/account/2fa/begin"] button`)))
		secret := strings.TrimSpace(admin.waitText("#totp-secret", ""))
		admin.check("account-2fa-enrol")
		code, err := account.TOTPCode(secret, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		admin.do(chromedp.SendKeys(chromedp.CSS("#code"), code), chromedp.Submit(chromedp.CSS("#code")))
		recovery := strings.TrimSpace(admin.waitText("#recovery-codes code", ""))
		admin.check("account-2fa-recovery-codes")
		admin.do(chromedp.Click(chromedp.CSS("form.logout button")))
		admin.wait("h1", "Sign in")
		admin.do(
			chromedp.SendKeys(chromedp.CSS("#email"), "admin@demo.example"),
			chromedp.SendKeys(chromedp.CSS("#password"), demo.passwords["admin"]),
			chromedp.Submit(chromedp.CSS("#password")),
		)
		admin.wait("label[for=code]", "")
		admin.check("login-second-factor")
		admin.do(
			chromedp.SendKeys(chromedp.CSS("#password"), demo.passwords["admin"]),
			chromedp.SendKeys(chromedp.CSS("#code"), recovery),
			chromedp.Submit(chromedp.CSS("#code")),
		)
		admin.wait("header.top", "admin@demo.example")
	})

	step("import suppliers", func(t *testing.T) {
		// Asked from the signed-in page, so the answer is the route's own.
		status, err := chromedp.Run(admin.ctx, chromedp.Evaluate[int](`fetch("/suppliers/import").then(r => r.status)`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		if status != http.StatusOK {
			t.Fatalf("GET /suppliers/import answered %d: the import page is part of the journey", status)
		}
		admin.open("/suppliers/import", "h1", "Import")
		admin.check("import-form")
		csv, err := filepath.Abs(filepath.Join("testdata", "e2e", "suppliers.csv"))
		if err != nil {
			t.Fatal(err)
		}
		admin.do(
			chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{csv}),
			chromedp.Click(chromedp.CSS("#skip_bad_rows")),
			chromedp.Submit(chromedp.CSS("#files")),
		)
		admin.wait("#row-errors", "suppliers.csv:7")
		admin.wait("#row-errors", "Atlantis")
		admin.wait("#import-summary", "6")
		admin.check("import-result")
		imported = true
	})

	step("risk map to a supplier", func(t *testing.T) {
		if !imported {
			t.Fatal("nothing was imported, so the map has no suppliers")
		}
		admin.open("/risk-map", "h1", "Risk map")
		admin.check("risk-map")
		admin.do(chromedp.Click(chromedp.CSS(`#worldmap a[data-code="CI"] path`)))
		admin.wait("h1", "Côte d'Ivoire")
		if loc := admin.eval(`location.pathname + location.search`); loc != "/suppliers?country=CI" {
			t.Errorf("the map led to %s", loc)
		}
		admin.check("register-CI")
		// The demo's own suppliers share the country: find the imported one.
		admin.open("/suppliers?country=CI&q=Lagune", "#register", "Lagune Cacao Export SARL")
		admin.do(chromedp.Click(chromedp.CSS(`#register a[href^="/suppliers/"]`)))
		admin.wait("#factors", "child labour")
		admin.wait("#factors", "Bureau of International Labor Affairs")
		admin.check("supplier")
	})

	step("confirm a screening hit", func(t *testing.T) {
		if !imported {
			t.Fatal("nothing was imported, so there is nothing to screen")
		}
		// The queue may already hold the demo's own hits: look at the
		// imported supplier's alone, screening everyone first if it has none.
		admin.open("/suppliers?q=Hoshine", "#register", "Hoshine")
		party := strings.TrimPrefix(admin.href(`#register a[href^="/suppliers/"]`), "/suppliers/")
		if party == "" {
			t.Fatal("the imported supplier is not in the register")
		}
		queue := "/screening?status=all&party=" + url.QueryEscape(party)
		admin.open(queue, "h1", "screening")
		if !admin.has("#queue input[id^='hit-']") {
			admin.do(chromedp.Click(chromedp.CSS("#screen-all")))
			admin.wait("#flash", "new hits")
			admin.check("screening-ran")
			admin.open(queue, "h1", "screening")
		}
		admin.wait("#queue", "Hoshine")
		admin.check("screening-queue")
		id := admin.eval(`(() => { const b = document.querySelector("#queue input[id^='hit-']"); return b ? b.id.slice(4) : ""; })()`)
		if id == "" {
			t.Fatal("no hit to confirm in the review queue")
		}
		admin.do(
			chromedp.Click(chromedp.CSS("#hit-"+id)),
			chromedp.SendKeys(chromedp.CSS("#bulk-reason"), "same legal name and region as the listed entity"),
			chromedp.Click(chromedp.CSS("#bulk-confirm")),
		)
		admin.wait("#flash", "confirmed")
		admin.check("screening-confirmed")
	})

	step("alerts", func(t *testing.T) {
		admin.open("/alerts", "h1", "Alerts")
		admin.wait("table#alerts tbody", ":")
		admin.check("alerts")
		admin.do(chromedp.Click(chromedp.CSS(`table#alerts tbody a[href^="/alerts/"]`)))
		admin.wait("main", "Acknowledge")
		admin.check("alert")
		// The demo's grievance alert comes from the detector the
		// organisation runs, and its page draws the series behind it.
		admin.open("/alerts", "h1", "Alerts")
		href := admin.eval(`[...document.querySelectorAll("table#alerts tbody tr")].filter(r => r.textContent.includes("grievance reports")).map(r => r.querySelector("a").getAttribute("href")).join(" ")`)
		if !strings.HasPrefix(href, "/alerts/") || strings.Contains(href, " ") {
			t.Fatalf("one grievance-count alert expected in the demo, found %q", href)
		}
		admin.open(href, "#series-summary", "The detector alarmed on")
		admin.wait("#alert", "negative-binomial CUSUM")
		admin.check("alert-series")
	})

	step("the other staff pages", func(t *testing.T) {
		// Pages off the main menu, on a laptop's screen (the menu's pages
		// follow on a phone's).
		for _, p := range []struct{ path, name string }{
			{"/risk-map?by=gsi", "risk-map-gsi"},
			{"/scorecards", "scorecard"},
			{"/alerts/endpoints", "alert-endpoints"},
		} {
			admin.open(p.path, "h1", "")
			admin.check(p.name)
		}
		// Every page of the main menu again on a phone's screen.
		admin.do(chromedp.EmulateViewport(375, 740))
		defer admin.do(chromedp.EmulateViewport(1280, 900))
		admin.open("/", "h1", "")
		for _, href := range strings.Fields(admin.eval(`[...new Set(Array.from(document.querySelectorAll("header nav a")).map(a => a.getAttribute("href")))].join(" ")`)) {
			admin.phone(href, phoneName(href))
		}
		admin.do(chromedp.EmulateViewport(1280, 900))

		admin.open("/impact", "h1", "")
		if href := admin.href(`main a[href^="/impact/programmes/"]`); href != "" {
			admin.open(href, "h1", "")
			admin.check("impact-programme")
			if href := admin.href(`main a[href*="/sroi/"]`); href != "" {
				admin.open(href, "h1", "")
				admin.check("impact-sroi")
			}
		}
	})

	var receipt, narrative, caseHref string
	reporter := newBrowser("reporter", true)
	step("worker reports without JavaScript", func(t *testing.T) {
		reporter.open("/report/demo", "h1", "")
		if reporter.scriptsRun() {
			t.Fatal("the reporter's browser runs scripts; the form must be tried with them off")
		}
		reporter.check("report-form")
		reporter.open("/report/demo?lang=ar", "h1", "")
		reporter.check("report-form-ar")
		reporter.open("/report/demo", "h1", "")
		narrative = fmt.Sprintf("Test report %d: the agency took our passports at the airport.", time.Now().UnixNano())
		reporter.do(
			chromedp.Click(chromedp.CSS(`input[name="category"]`)),
			chromedp.SendKeys(chromedp.CSS("#narrative"), narrative),
			chromedp.SendKeys(chromedp.CSS("#country"), "MY"),
			chromedp.Click(chromedp.CSS("#send")),
		)
		receipt = strings.TrimSpace(reporter.waitText("#receipt", "-"))
		if !regexp.MustCompile(`^\d{4}(-\d{4}){4}$`).MatchString(receipt) {
			t.Fatalf("receipt %q is not five groups of four digits", receipt)
		}
		reporter.check("report-receipt")
		reporter.open("/report/demo/follow-up", "#receipt-input", "")
		reporter.check("follow-up-form")
		reporter.followUp(receipt)
		reporter.wait("main", narrative)
		reporter.check("follow-up-new")
		// The receipt printed by the demo start opens the demo's first report.
		reporter.followUp(demo.receipt)
		reporter.wait("#stage", "")
		reporter.check("follow-up-demo")
	})

	handler := newBrowser("handler", false)
	step("case handler works the case", func(t *testing.T) {
		if receipt == "" {
			t.Fatal("no report was submitted, so there is no case to work")
		}
		handler.open("/login", "h1", "Sign in")
		handler.signIn(demo.passwords["case_handler"], "handler@demo.example")
		handler.open("/cases", "h1", "Cases")
		handler.check("cases")
		locator := strings.ReplaceAll(receipt, "-", "")[:grievance.LocatorDigits]
		caseHref = handler.eval(fmt.Sprintf(`(() => { const a = Array.from(document.querySelectorAll("#inbox a")).find(a => a.textContent.startsWith(%q)); return a ? a.getAttribute("href") : ""; })()`, locator+"-"))
		if caseHref == "" {
			t.Fatalf("the new report (locator %s) is not in the case inbox", locator)
		}
		handler.open(caseHref, "h1", "Case "+locator)
		handler.wait("#narrative", narrative)
		handler.check("case")
		handler.do(
			chromedp.SetValue(chromedp.CSS("#to"), "acknowledged"),
			chromedp.Submit(chromedp.CSS("#to")),
		)
		handler.wait("#case-stage", "Acknowledged")
		reply := "Thank you. We have opened your report and will visit the agency this week."
		handler.do(
			chromedp.SendKeys(chromedp.CSS("textarea#text"), reply),
			chromedp.Submit(chromedp.CSS("textarea#text")),
		)
		handler.wait("#thread", reply)
		handler.check("case-worked")

		reporter.followUp(receipt)
		reporter.wait("#thread", reply)
		reporter.wait("#stage", "")
		reporter.check("follow-up-reply")
	})

	step("on a phone", func(t *testing.T) {
		handler.do(chromedp.EmulateViewport(375, 740))
		reporter.do(chromedp.EmulateViewport(360, 640))
		defer handler.do(chromedp.EmulateViewport(1280, 900))
		defer reporter.do(chromedp.EmulateViewport(1280, 900))
		if caseHref != "" {
			handler.phone(caseHref, "phone-case")
		}
		for _, p := range []string{"/cases", "/"} {
			handler.phone(p, phoneName(p)+"-handler")
		}
		reporter.phone("/report/demo", "phone-report-form")
		reporter.phone("/report/demo?lang=ar", "phone-report-form-ar")
		if receipt != "" {
			reporter.followUp(receipt)
			reporter.check("phone-follow-up")
		}
	})

	t.Logf("journeys took %v in all, %v of it in axe-core, %v in the focus check, %v in screenshots", time.Since(began).Round(time.Millisecond), axeTime.Round(time.Millisecond), focusTime.Round(time.Millisecond), shotTime.Round(time.Millisecond))
	t.Run("accessibility", func(t *testing.T) {
		if axe == "" {
			testkit.Missing(t, axeMissing)
		}
	})
	if !t.Failed() && axe != "" {
		for _, k := range knownViolations {
			if !k.seen {
				t.Logf("known violation %s at %s no longer found: remove its entry from knownViolations", k.rule, k.target)
			}
		}
	}
}

// demo holds what "serve --demo" prints once: each demo user's password and
// a receipt for the follow-up page.
type demo struct {
	passwords map[string]string
	receipt   string
}

func demoSecrets(t *testing.T, out string) demo {
	t.Helper()
	d := demo{passwords: map[string]string{}}
	for _, m := range regexp.MustCompile(`(?m)^Demo (\w+): \S+  password: (\S+)`).FindAllStringSubmatch(out, -1) {
		d.passwords[m[1]] = m[2]
	}
	if m := regexp.MustCompile(`(?m)^Demo receipt [^:]*: (\S+)$`).FindStringSubmatch(out); m != nil {
		d.receipt = m[1]
	}
	if d.passwords["admin"] == "" || d.passwords["case_handler"] == "" || d.receipt == "" {
		t.Fatalf("serve --demo did not print the admin and handler passwords and a receipt:\n%s", out)
	}
	return d
}

// axeSource reads axe-core as installed by "npm ci --prefix tools/a11y",
// or returns "" when it is not installed.
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testkit.RepoRoot(t), "tools", "a11y", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		return ""
	}
	return string(b)
}

const axeMissing = "axe-core for the accessibility check (run: npm ci --prefix tools/a11y)"

// journeyBrowser is one headless Chromium and the test step using it.
type journeyBrowser struct {
	t     *testing.T
	ctx   context.Context
	base  string
	axe   string
	shots string
	name  string
	// noScript: page scripts are off in this browser.
	noScript bool
}

// scripts switches the page's own scripts on or off for the tab.
func scripts(on bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return err
	})
}

var focusEmulation = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	_, err := cdp.Call(ctx, t, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
	return err
})

// fullPNG captures the whole page as a PNG, encoded for speed rather than
// size.
var fullPNG = chromedp.Action[[]byte](func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
	yes := true
	r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format: page.CaptureScreenshotFormatPng, CaptureBeyondViewport: &yes, FromSurface: &yes, OptimizeForSpeed: &yes})
	if err != nil {
		return nil, err
	}
	return r.Data, nil
})

// scriptsRun reports whether a timer set from the page fires: with scripts
// off, DevTools can still evaluate, but nothing the page schedules runs.
func (b *journeyBrowser) scriptsRun() bool {
	b.t.Helper()
	b.eval(`(window.__upstreamProbe = "", setTimeout(() => { window.__upstreamProbe = "ran"; }, 0), "")`)
	time.Sleep(300 * time.Millisecond)
	return b.eval(`window.__upstreamProbe`) == "ran"
}

func (b *journeyBrowser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	// Each action gets its own limit, so a slow machine slows the journey
	// down without failing it, and a hung page fails the step it is in.
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s browser: %v", b.name, err)
	}
}

// open navigates to path and waits until css contains want.
func (b *journeyBrowser) open(path, css, want string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base + path))
	b.wait(css, want)
	if title := b.eval(`document.title`); strings.HasPrefix(title, "Error") {
		b.t.Fatalf("%s browser: %s shows an error page: %s", b.name, path, clip(b.eval(`document.querySelector("main") ? document.querySelector("main").textContent : ""`)))
	}
}

func (b *journeyBrowser) signIn(password, email string) {
	b.t.Helper()
	b.do(
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Submit(chromedp.CSS("#password")),
	)
	b.wait("header.top", email)
}

// phone opens path on the (already narrowed) screen, checks it and fails
// when the page is wider than the screen.
func (b *journeyBrowser) phone(path, name string) {
	b.t.Helper()
	b.open(path, "h1", "")
	b.check(name)
	if wide := b.eval(overflowCheck); wide != "" {
		b.t.Errorf("%s: %s is wider than a phone's screen: %s", name, path, wide)
	}
}

// phoneName names the screenshot of path on a phone.
func phoneName(path string) string {
	if path == "/" {
		return "phone-overview"
	}
	return "phone" + strings.ReplaceAll(path, "/", "-")
}

// followUp opens a report on the reporter's follow-up page.
func (b *journeyBrowser) followUp(receipt string) {
	b.t.Helper()
	b.open("/report/demo/follow-up", "#receipt-input", "")
	b.do(
		chromedp.SendKeys(chromedp.CSS("#receipt-input"), receipt),
		chromedp.Submit(chromedp.CSS("#receipt-input")),
	)
	b.wait("#stage", "")
}

func (b *journeyBrowser) wait(css, want string) {
	b.t.Helper()
	b.waitText(css, want)
}

// waitText polls until the element exists and its text contains want, and
// returns the text: after a submission the old page stays until the new one
// has loaded.
func (b *journeyBrowser) waitText(css, want string) string {
	b.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		text, err := chromedp.Run(b.ctx, chromedp.Evaluate[*string](fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? e.textContent : null; })()`, css)))
		if err == nil && text != nil {
			last = *text
			if strings.Contains(last, want) {
				return last
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	loc, _ := chromedp.Run(b.ctx, chromedp.Location())
	b.t.Fatalf("%s browser at %s: %s never contained %q; last text %q", b.name, loc, css, want, clip(last))
	return ""
}

// href returns the href of the first element matching css, or "".
func (b *journeyBrowser) href(css string) string {
	b.t.Helper()
	return b.eval(fmt.Sprintf(`(() => { const a = document.querySelector(%q); return a ? a.getAttribute("href") : ""; })()`, css))
}

func (b *journeyBrowser) has(css string) bool {
	b.t.Helper()
	return b.eval(fmt.Sprintf(`document.querySelector(%q) ? "yes" : ""`, css)) != ""
}

func (b *journeyBrowser) eval(js string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		b.t.Fatalf("%s browser: %v", b.name, err)
	}
	return v
}

// check writes the page as name.png and runs axe-core in it.
func (b *journeyBrowser) check(name string) {
	b.t.Helper()
	at := time.Now()
	shot, err := chromedp.Run(b.ctx, fullPNG)
	shotTime += time.Since(at)
	if err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
	} else if err := os.WriteFile(filepath.Join(b.shots, name+".png"), shot, 0o644); err != nil {
		b.t.Error(err)
	}
	var lesser []string
	at = time.Now()
	vs := b.audit()
	axeTime += time.Since(at)
	for _, v := range vs {
		if v.Impact != "serious" && v.Impact != "critical" {
			lesser = append(lesser, fmt.Sprintf("%s (%s, %d)", v.ID, v.Impact, len(v.Nodes)))
			continue
		}
		for _, n := range v.Nodes {
			msg := fmt.Sprintf("%s: accessibility (%s) %s: %s\n  at %s\n  %s", name, v.Impact, v.ID, v.Help, n.Target, strings.ReplaceAll(n.Summary, "\n", "\n  "))
			if k := knownViolation(v.ID, n.Target); k != nil {
				k.seen = true
				b.t.Logf("KNOWN, NOT YET FIXED in %s\n%s", k.fix, msg)
				continue
			}
			b.t.Error(msg)
		}
	}
	if len(lesser) > 0 {
		b.t.Logf("%s: moderate or minor accessibility findings: %s", name, strings.Join(lesser, ", "))
	}
	at = time.Now()
	unseen := b.eval(focusCheck)
	focusTime += time.Since(at)
	if unseen != "" {
		b.t.Errorf("%s: keyboard focus is not visible (WCAG 2.4.7) on:\n%s", name, unseen)
	}
}

// overflowCheck names the elements that stick out past the right edge of
// the screen (the left edge on right-to-left pages), forcing the whole page
// to scroll sideways; "" when none does.
const overflowCheck = `(() => {
  if (document.documentElement.scrollWidth <= window.innerWidth + 1) return "";
  const rtl = getComputedStyle(document.documentElement).direction === "rtl";
  const clipped = e => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible") return true;
    }
    return false;
  };
  return Array.from(document.querySelectorAll("body *")).filter(e => {
    const r = e.getBoundingClientRect();
    return (rtl ? r.left < -1 : r.right > window.innerWidth + 1) && !clipped(e);
  }).slice(0, 6).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.split(" ").join(".") : "")).join(", ") || "the page";
})()`

// focusCheck focuses every control a keyboard can reach and lists those
// whose look does not change when focused: no outline or box shadow, and
// (for shapes in an SVG, which show focus by their stroke) no change of
// stroke, fill, border or background. axe-core leaves visible focus to
// people.
const focusCheck = `(() => {
  const look = el => {
    const parts = [];
    for (const e of [el, el.firstElementChild && el.firstElementChild.tagName !== "title" ? el.firstElementChild : el.querySelector(":scope > :not(title)")]) {
      if (!e) continue;
      const st = getComputedStyle(e);
      parts.push(st.stroke, st.strokeWidth, st.fill, st.backgroundColor, st.borderColor, st.color, st.textDecorationLine);
    }
    return parts.join("|");
  };
  const bad = [];
  const sel = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])";
  for (const el of document.querySelectorAll(sel)) {
    if (el.disabled || !el.getClientRects().length) continue;
    const before = look(el);
    el.focus();
    if (document.activeElement !== el) continue;
    const st = getComputedStyle(el);
    const ring = (st.outlineStyle !== "none" && parseFloat(st.outlineWidth) > 0) || (st.boxShadow && st.boxShadow !== "none");
    if (!ring && look(el) === before) bad.push("  " + el.outerHTML.slice(0, 100));
    el.blur();
  }
  window.scrollTo(0, 0);
  return bad.slice(0, 10).join("\n");
})()`

// axeTime, focusTime and shotTime add up where the journeys spend their time.
var axeTime, focusTime, shotTime time.Duration

// knownViolations are serious findings in templates this test's owners do
// not maintain, each with the change that fixes it. They are logged loudly
// rather than failing the suite; delete an entry once its fix lands (the
// test says when an entry no longer matches anything).
var knownViolations = []*struct {
	rule, target, fix string
	seen              bool
}{}

func knownViolation(rule, target string) *struct {
	rule, target, fix string
	seen              bool
} {
	for _, k := range knownViolations {
		if k.rule == rule && k.target == target {
			return k
		}
	}
	return nil
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  string `json:"target"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

// axeRun asks axe-core for the violations of WCAG 2.1 A and AA and of its
// best practices. It is evaluated through the DevTools protocol, which the
// page's Content-Security-Policy does not govern, and works with the page's
// own scripts off.
const axeRun = `(async () => {
  const r = await axe.run(document, {resultTypes: ["violations"],
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}});
  return JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary || ""}))})));
})()`

func (b *journeyBrowser) audit() []axeViolation {
	b.t.Helper()
	if b.axe == "" {
		return nil
	}
	if b.noScript {
		b.do(scripts(true))
		defer b.do(scripts(false))
	}
	if b.eval(`typeof axe`) == "undefined" {
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](b.axe)); err != nil {
			b.t.Fatalf("inject axe-core: %v", err)
		}
	}
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("run axe-core: %v", err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		b.t.Fatalf("axe-core result: %v", err)
	}
	return vs
}

func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}
