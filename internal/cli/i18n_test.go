package cli_test

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/testkit"
)

// TestStaffPagesInEachLanguage runs the demo and reads the staff pages in
// Spanish, French and Portuguese.
//
// In Chromium with scripts off, the admin chooses French on the account
// page; the confirmation, the menu and the pages are then French, with
// French numbers and dates, and axe-core finds nothing on them.
//
// Then each demo role, in each language, follows every link reachable
// from the menu (one page of each kind) and fails on any page that is not
// in its language, that shows one of the catalog's English sentences
// instead of its translation, or that shows a run of English text outside
// what people wrote.
func TestStaffPagesInEachLanguage(t *testing.T) {
	testkit.SkipIfShort(t, "the demo in three languages")
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "i18n.db")
	s := startServer(t, map[string]string{"UPSTREAM_DB": dsn}, "--demo")
	demo := demoSecrets(t, s.out.String())
	catalogs := readCatalogs(t)

	t.Run("switch without script", func(t *testing.T) {
		axe := axeSource(t)
		if axe == "" {
			testkit.Missing(t, axeMissing)
		}
		shots := os.Getenv("UPSTREAM_SCREENSHOTS")
		if shots == "" {
			shots = t.TempDir()
		}
		b := &journeyBrowser{t: t, ctx: testkit.Browser(t, true), base: s.base, axe: axe, shots: shots, name: "admin", noScript: true}
		b.do(scripts(false))
		b.do(focusEmulation)
		b.open("/login", "#email", "")
		b.signIn(demo.passwords["admin"], "admin@demo.example")
		b.open("/account", "#language-heading", "Language")
		if b.scriptsRun() {
			t.Fatal("the page's scripts run: the switch must be shown to work without them")
		}
		b.do(chromedp.SetValue(chromedp.CSS("#language"), "fr"), chromedp.Submit(chromedp.CSS("#language")))
		b.wait("#flash", "Les pages sont désormais en Français.")
		if lang := b.eval(`document.documentElement.lang + " " + document.documentElement.dir`); lang != "fr ltr" {
			t.Errorf("after choosing French the page says lang/dir %q", lang)
		}
		b.wait("h1", "Mon compte")
		b.wait("header.top nav", "Fournisseurs")
		b.check("fr-account")

		// Numbers: French groups thousands with a no-break space and writes
		// percentages as "53,7 %".
		b.open("/", "main", "Risque chez les fournisseurs")
		overview := b.eval(`document.querySelector("main").innerText`)
		if !regexp.MustCompile(`\d,\d\x{a0}%`).MatchString(overview) {
			t.Errorf("the French dashboard shows no share written the French way (12,5 %%): %s", clip(overview))
		}
		if regexp.MustCompile(`\d\.\d+%`).MatchString(overview) {
			t.Errorf("the French dashboard shows an English share: %s", clip(overview))
		}
		b.check("fr-dashboard")
		b.open("/suppliers", "h1", "Registre des fournisseurs")
		b.check("fr-register")
		// Dates: the alerts list gives when each alert was last seen.
		b.open("/alerts", "h1", "Alertes")
		alerts := b.eval(`document.querySelector("main").innerText`)
		if !regexp.MustCompile(`\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4} à \d{2}:\d{2} UTC`).MatchString(alerts) {
			t.Errorf("the French alerts list shows no date written the French way: %s", clip(alerts))
		}
		b.check("fr-alerts")
		for _, path := range []string{"/account", "/", "/suppliers", "/alerts"} {
			b.open(path, "h1", "")
			if vs := b.audit(); len(vs) > 0 {
				for _, v := range vs {
					t.Errorf("%s in French: axe-core %s (%s): %s, %d elements", path, v.ID, v.Impact, v.Help, len(v.Nodes))
				}
			}
		}

		// Back to the browser's language (Chromium asks for English).
		b.open("/account", "#language", "")
		b.do(chromedp.SetValue(chromedp.CSS("#language"), ""), chromedp.Submit(chromedp.CSS("#language")))
		b.wait("#flash", "The pages now follow your browser's language (English).")
	})

	t.Run("every page, role and language", func(t *testing.T) {
		people := []struct{ role, email string }{
			{"admin", "admin@demo.example"}, {"analyst", "analyst@demo.example"}, {"case_handler", "handler@demo.example"},
			{"viewer", "viewer@demo.example"},
		}
		for _, code := range []string{"es", "fr", "pt"} {
			for _, who := range people {
				t.Run(code+"/"+who.role, func(t *testing.T) {
					c := signedInClient(t, s.base, who.email, demo.passwords[who.role])
					res, err := c.PostForm(s.base+"/account/language", url.Values{"language": {code}})
					if err != nil {
						t.Fatal(err)
					}
					res.Body.Close()
					pages, left, seen := crawlInLanguage(t, c, s.base, code, catalogs[code])
					// Every page in the language, as each role reads it,
					// shows no English run of text beyond what people
					// wrote (marked class="text" or with its own lang, or
					// quoted); the shapes still being translated are
					// logged, and must still be reached.
					for _, shape := range strictPages[who.role] {
						if !seen[shape] {
							t.Errorf("%s, %s: the crawl never reached %s", code, who.role, shape)
						}
					}
					keys := make([]string, 0, len(left))
					for k := range left {
						keys = append(keys, k)
					}
					sort.Strings(keys)
					for _, k := range keys {
						t.Errorf("%s, %s: %s shows English: %s", code, who.role, k, strings.Join(left[k], " | "))
					}
					t.Logf("%s, %s: %d pages read, %d with English left outside the catalogs", code, who.role, pages, len(left))
				})
			}
		}
	})
}

// strictPages are, per role, pages (by shape) the crawl must reach: those
// translated first, and the domain text's pages.
var strictPages = map[string][]string{
	"admin": {"/admin/settings?", "/admin/audit-log?", "/scorecards?", "/alerts/sensitivity?", "/reports?", "/eudr?", "/eudr/lots/{id}?",
		"/eudr/plots/{id}?", "/impact/programmes/{id}?", "/impact/programmes/{id}/sroi/{id}?", "/screening?"},
	"analyst":      {"/scorecards?", "/scorecards/suppliers/{id}?", "/eudr/lots/{id}?", "/impact/programmes/{id}/sroi/{id}?", "/screening?"},
	"case_handler": {"/cases/{id}?", "/eudr/lots/{id}?", "/screening?"},
}

// readCatalogs reads the staff pages' translations from the repository:
// language code, then English message, then translation.
func readCatalogs(t *testing.T) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, code := range []string{"es", "fr", "pt"} {
		b, err := os.ReadFile(filepath.Join(testkit.RepoRoot(t), "internal", "web", "locales", code+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var f struct {
			Messages map[string]string `json:"messages"`
		}
		if err := json.Unmarshal(b, &f); err != nil {
			t.Fatal(err)
		}
		out[code] = f.Messages
	}
	return out
}

// signedInClient signs in over HTTP and keeps the session cookie.
func signedInClient(t *testing.T, base, email, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), `action="/logout"`) {
		t.Fatalf("sign in as %s failed: %.300s", email, body)
	}
	return c
}

var (
	hrefAttr = regexp.MustCompile(`<a [^>]*href="([^"]+)"`)
	htmlLang = regexp.MustCompile(`<html lang="([^"]+)"`)
	// hiddenParts are not read as the page's language: scripts, code, and
	// what a form field holds (what people typed or will edit).
	hiddenParts = regexp.MustCompile(`(?is)<(script|style|code|pre|kbd|samp|head|textarea)\b.*?</(script|style|code|pre|kbd|samp|head|textarea)>`)
	// quoted is words cited inside a sentence (a name, a question, a
	// step's title): they are in their authors' language.
	quoted = regexp.MustCompile(`“[^”]*”|"[^"]*"|«[^»]*»`)
	// englishWords are words that, two or more in a short run, mark an
	// English sentence.
	englishWords = map[string]bool{"the": true, "and": true, "of": true, "to": true, "is": true, "are": true, "was": true, "with": true,
		"for": true, "not": true, "by": true, "this": true, "from": true, "or": true, "be": true, "has": true, "have": true, "their": true,
		"they": true, "its": true, "in": true, "at": true, "it": true, "an": true}
)

// crawlInLanguage follows the links of every page reachable from the
// menu, one page of each kind, and checks each is in code's language. It
// returns the number of pages read and, per page, the English runs of text
// that no catalog message accounts for, and the shapes of the pages read.
func crawlInLanguage(t *testing.T, c *http.Client, base, code string, catalog map[string]string) (int, map[string][]string, map[string]bool) {
	t.Helper()
	// The catalog's English sentences whose translation differs: one of
	// them on a page means a wrapped text was not translated.
	var english []string
	for k, v := range catalog {
		if k != v && len(strings.Fields(k)) >= 3 && !strings.Contains(k, "%") {
			english = append(english, k)
		}
	}
	queue, seen := []string{"/"}, map[string]bool{shape("/"): true}
	left := map[string][]string{}
	read := map[string]bool{}
	pages := 0
	for len(queue) > 0 && pages < 150 {
		href := queue[0]
		queue = queue[1:]
		res, err := c.Get(base + href)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			continue
		}
		page := string(b)
		pages++
		read[shape(href)] = true
		if m := htmlLang.FindStringSubmatch(page); m == nil || m[1] != code {
			t.Errorf("%s: the page is not in %s (lang %v)", href, code, m)
		}
		text := html.UnescapeString(outsidePeopleText(hiddenParts.ReplaceAllString(page, " ")))
		chunks := map[string]bool{}
		for _, part := range strings.Split(text, "\x00") {
			chunks[strings.Join(strings.Fields(part), " ")] = true
		}
		for _, e := range english {
			// A whole text between tags, as a wrapped message is: the
			// same words inside a longer sentence of the domain's own
			// text are not a wrapped message left in English.
			if chunks[e] {
				t.Errorf("%s in %s shows the English %q instead of %q", href, code, e, catalog[e])
			}
		}
		var runs []string
		for _, part := range strings.Split(text, "\x00") {
			words := strings.Fields(strings.ToLower(quoted.ReplaceAllString(part, " ")))
			n := 0
			for _, w := range words {
				if englishWords[strings.Trim(w, ".,;:()“”\"'")] {
					n++
				}
			}
			if len(words) >= 4 && n >= 2 && !slices.Contains(runs, strings.Join(strings.Fields(part), " ")) {
				runs = append(runs, strings.Join(strings.Fields(part), " "))
			}
		}
		if len(runs) > 0 {
			if len(runs) > 3 && os.Getenv("I18N_ALL") == "" {
				runs = append(runs[:3], fmt.Sprintf("and %d more", len(runs)-3))
			}
			left[shape(href)] = runs
		}
		for _, m := range hrefAttr.FindAllStringSubmatch(page, -1) {
			l := html.UnescapeString(m[1])
			if crawlable(l) && !seen[shape(l)] {
				seen[shape(l)] = true
				queue = append(queue, l)
			}
		}
	}
	return pages, left, read
}

// voidElements never have a closing tag.
var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

var (
	tagName   = regexp.MustCompile(`^</?([a-zA-Z][a-zA-Z0-9-]*)`)
	ownText   = regexp.MustCompile(`\sclass="[^"]*\btext\b[^"]*"|\slang="[^"]*"`)
	allTagsAt = regexp.MustCompile(`(?s)<[^>]*>`)
)

// outsidePeopleText returns a page's text with a NUL at every tag, leaving
// out text people wrote (a report, a message, guidance in another
// language, a programme's own steps): whatever sits inside an element
// marked class="text" or with a lang of its own (the page's <html lang>
// aside), however deeply nested.
func outsidePeopleText(page string) string {
	var b strings.Builder
	var stack []string // open elements; "!" marks one whose text is people's
	exempt := 0
	last := 0
	for _, loc := range allTagsAt.FindAllStringIndex(page, -1) {
		if exempt == 0 {
			b.WriteString(page[last:loc[0]])
		}
		b.WriteString("\x00")
		last = loc[1]
		tag := page[loc[0]:loc[1]]
		m := tagName.FindStringSubmatch(tag)
		if m == nil {
			continue // a comment or doctype
		}
		name := strings.ToLower(m[1])
		switch {
		case strings.HasPrefix(tag, "</"):
			for i := len(stack) - 1; i >= 0; i-- {
				if strings.TrimPrefix(stack[i], "!") == name {
					for _, open := range stack[i:] {
						if strings.HasPrefix(open, "!") {
							exempt--
						}
					}
					stack = stack[:i]
					break
				}
			}
		case voidElements[name] || strings.HasSuffix(tag, "/>"):
		case name != "html" && ownText.MatchString(tag):
			stack = append(stack, "!"+name)
			exempt++
		default:
			stack = append(stack, name)
		}
	}
	if exempt == 0 {
		b.WriteString(page[last:])
	}
	return b.String()
}
