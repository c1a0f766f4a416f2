package web

import (
	"bytes"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"

	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/vault"
)

func testLocale(t *testing.T, code string) *locale {
	t.Helper()
	ls, err := testLocales()
	if err != nil {
		t.Fatal(err)
	}
	l := ls.get(code)
	if l == nil {
		t.Fatalf("no locale %s", code)
	}
	return l
}

// Numbers and dates read as each language writes them; English reads
// exactly as the formatting helpers of format.go write it.
func TestNumbersAndDatesPerLocale(t *testing.T) {
	day := time.Date(2026, time.March, 4, 9, 5, 0, 0, time.UTC)
	for _, tc := range []struct {
		code                                 string
		num, small, whole, count, pct, pct1  string
		date, dateTime, zeroDays, oneEntries string
	}{
		{"en", "1,234,567.50", "53.66", "12", "3,361", "53.7%", "100%", "4 March 2026", "4 March 2026 09:05 UTC", "0 days", "1 entry"},
		{"es", "1.234.567,50", "53,66", "12", "3.361", "53,7\u00a0%", "100\u00a0%", "4 de marzo de 2026", "4 de marzo de 2026, 09:05 UTC", "0 días", "1 entrada"},
		{"fr", "1\u00a0234\u00a0567,50", "53,66", "12", "3\u00a0361", "53,7\u00a0%", "100\u00a0%", "4 mars 2026", "4 mars 2026 à 09:05 UTC", "0 jour", "1 entrée"},
		{"pt", "1.234.567,50", "53,66", "12", "3.361", "53,7%", "100%", "4 de março de 2026", "4 de março de 2026, 09:05 UTC", "0 dia", "1 entrada"},
	} {
		l := testLocale(t, tc.code)
		for _, c := range []struct{ got, want string }{
			{l.num(1234567.5), tc.num}, {l.num(53.65853658536586), tc.small}, {l.num(12), tc.whole}, {l.count(3361), tc.count},
			{l.percent(0.53658), tc.pct}, {l.percent(1), tc.pct1}, {l.date(day), tc.date}, {l.dateTime(day), tc.dateTime},
			{l.days(0), tc.zeroDays}, {l.countOf(1, "entry", "entries"), tc.oneEntries},
		} {
			// French groups with a no-break space of either width,
			// depending on the CLDR version: compare it as one.
			got := strings.ReplaceAll(c.got, "\u202f", "\u00a0")
			if got != c.want {
				t.Errorf("%s: got %q, want %q", tc.code, c.got, c.want)
			}
		}
	}
	en := testLocale(t, "en")
	for _, v := range []float64{53.65853658536586, 150.38636363636363, 7.627118644067797, 1234567.5, 12, -0.001, 12.5, -1200} {
		if en.num(v) != fmtNum(v) {
			t.Errorf("English %v: %q, format.go says %q", v, en.num(v), fmtNum(v))
		}
	}
	if en.percent(0.53658) != fmtPercent(0.53658) || en.count(-1200) != fmtCount(-1200) || en.days(12) != fmtDays(12) {
		t.Error("English counts and shares differ from format.go")
	}
}

// A language written right to left sets dir="rtl" on the page: adding its
// catalog is all it takes.
func TestRightToLeftLocale(t *testing.T) {
	for tag, want := range map[string]string{"ar": "rtl", "he": "rtl", "fa": "rtl", "ur": "rtl", "es": "ltr", "fr": "ltr", "pt": "ltr", "en": "ltr"} {
		if got := textDirection(language.MustParse(tag)); got != want {
			t.Errorf("%s: %s, want %s", tag, got, want)
		}
	}
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "locales"), 0o755)
	os.WriteFile(filepath.Join(dir, "locales", "en.json"), []byte(`{"name":"English","messages":{}}`), 0o644)
	os.WriteFile(filepath.Join(dir, "locales", "ar.json"), []byte(`{"name":"العربية","messages":{"Something went wrong":"حدث خطأ ما"}}`), 0o644)
	ls, err := loadLocales(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	pages, err := parseLocalizedPages(ls)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := pages["ar"]["error.html"].Execute(&buf, map[string]any{"Locale": ls.get("ar"), "Status": 404, "Message": "-"}); err != nil {
		t.Fatal(err)
	}
	if p := buf.String(); !strings.Contains(p, `<html lang="ar" dir="rtl">`) || !strings.Contains(p, "حدث خطأ ما") {
		t.Errorf("an Arabic page: %.300s", p)
	}
	if got := ls.match("ar-EG,en;q=0.5"); got.Code != "ar" {
		t.Errorf("Accept-Language ar-EG matched %s", got.Code)
	}
}

// Each person chooses the language of the staff pages on their account
// page, with a form that works without script; without a choice the
// browser's Accept-Language decides. The choice is stored with the user,
// confirmed in the new language, and a cross-site post is refused.
func TestLanguageSwitch(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		_, s := f.login(t, "viewer@acme.example", testPassword, "")
		french := map[string]string{"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"}
		get := func(hdr map[string]string) (*http.Response, string) {
			res := f.do(t, "GET", "/account", "", s, hdr)
			return res, body(t, res)
		}
		res, p := get(french)
		if !strings.Contains(p, `<html lang="fr" dir="ltr">`) || !strings.Contains(p, "<h1>Mon compte</h1>") || res.Header.Get("Content-Language") != "fr" {
			t.Fatalf("with no choice, Accept-Language fr should give French: %.400s", p)
		}
		if _, p := get(nil); !strings.Contains(p, `<html lang="en" dir="ltr">`) || !strings.Contains(p, "<h1>My account</h1>") {
			t.Fatalf("no choice and no Accept-Language should give English")
		}
		res = f.do(t, "POST", "/account/language", url.Values{"language": {"es"}}.Encode(), s, french)
		if res.StatusCode != http.StatusSeeOther || flashOf(t, res) != "Las páginas están ahora en Español." {
			t.Fatalf("choosing Spanish: %d %q", res.StatusCode, flashOf(t, res))
		}
		u, err := f.accounts.Store.UserByEmail(t.Context(), "viewer@acme.example")
		if err != nil || u.Language != "es" {
			t.Fatalf("stored language %q, %v", u.Language, err)
		}
		if _, p := get(french); !strings.Contains(p, `<html lang="es" dir="ltr">`) || !strings.Contains(p, "<h1>Mi cuenta</h1>") ||
			!strings.Contains(p, `<option value="es" lang="es" selected>Español</option>`) || !strings.Contains(p, ">Cerrar sesión<") {
			t.Fatalf("the choice should win over Accept-Language: %.600s", p)
		}
		res = f.do(t, "POST", "/account/language", url.Values{"language": {"xx"}}.Encode(), s, nil)
		if p := body(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(p, "Idioma: elija uno de los idiomas ofrecidos.") {
			t.Errorf("an unknown language: %d", res.StatusCode)
		}
		res = f.do(t, "POST", "/account/language", url.Values{"language": {"pt"}}.Encode(), s, map[string]string{"Sec-Fetch-Site": "cross-site"})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("a cross-site post: %d", res.StatusCode)
		}
		if u, _ := f.accounts.Store.UserByEmail(t.Context(), "viewer@acme.example"); u.Language != "es" {
			t.Errorf("a refused post changed the language to %q", u.Language)
		}
		res = f.do(t, "POST", "/account/language", url.Values{"language": {""}}.Encode(), s, french)
		if msg := flashOf(t, res); msg != "Les pages suivent désormais la langue de votre navigateur (Français)." {
			t.Errorf("back to the browser's language: %q", msg)
		}
		if _, p := get(map[string]string{"Accept-Language": "pt-BR"}); !strings.Contains(p, "<h1>Minha conta</h1>") {
			t.Errorf("following the browser again should give Portuguese for pt-BR")
		}
	})
}

// Country names follow the language of the page: CLDR territory names in
// Spanish, French and Portuguese, the ISO 3166 names Upstream keeps in
// English, and the code itself when neither knows it.
func TestCountryNamesPerLocale(t *testing.T) {
	for _, tc := range []struct{ code, de, ci, us, xk string }{
		{"en", "Germany", "Côte d'Ivoire", "United States", "Kosovo"},
		{"es", "Alemania", "Côte d’Ivoire", "Estados Unidos", "Kosovo"},
		{"fr", "Allemagne", "Côte d’Ivoire", "États-Unis", "Kosovo"},
		{"pt", "Alemanha", "Costa do Marfim", "Estados Unidos", "Kosovo"},
	} {
		l := testLocale(t, tc.code)
		for _, c := range []struct{ in, want string }{{"DE", tc.de}, {"ci", tc.ci}, {"US", tc.us}, {"XK", tc.xk}, {"ZZ", "ZZ"}} {
			if got := l.country(c.in); got != c.want {
				t.Errorf("%s: country(%q) = %q, want %q", tc.code, c.in, got, c.want)
			}
		}
		if got := l.country(""); got != l.tr("unknown") {
			t.Errorf("%s: no country reads %q", tc.code, got)
		}
	}
}

// The settings page and the audit log read in the admin's language, with
// what each entry did, the country of a guidance text and the dates
// written the language's way.
func TestSettingsAndAuditLogInFrench(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		_, s := f.login(t, "admin@acme.example", testPassword, "")
		fr := map[string]string{"Accept-Language": "fr"}
		res := f.do(t, "POST", "/admin/settings/emergency", url.Values{"country": {"Germany"}, "lang": {"es"}, "text": {"Llame al 112."}}.Encode(), s, fr)
		page := body(t, res)
		for _, want := range []string{"<h1>Paramètres</h1>", "Consignes d’urgence enregistrées pour le pays Allemagne en Español.", "<td>Allemagne</td>", "Clé de récupération"} {
			if !strings.Contains(page, want) {
				t.Errorf("the French settings page lacks %q", want)
			}
		}
		res = f.do(t, "POST", "/admin/settings/retention", url.Values{"retention_days": {"many"}}.Encode(), s, fr)
		if p := body(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(p, "Conservation : saisissez un nombre entier de jours.") {
			t.Errorf("a bad retention in French: %d", res.StatusCode)
		}
		res = f.do(t, "GET", "/admin/audit-log?from=31/03/2026", "", s, fr)
		page = body(t, res)
		for _, want := range []string{"<h1>Journal d’audit</h1>", "De : saisissez une date, par exemple 31 mars 2026.", "N’importe qui"} {
			if !strings.Contains(page, want) {
				t.Errorf("the French audit log lacks %q", want)
			}
		}
		page = body(t, f.do(t, "GET", "/admin/audit-log", "", s, fr))
		for _, want := range []string{"a défini des consignes d’urgence", "25 novembre 2026 à 09:00 UTC", "les paramètres de l’organisation"} {
			if !strings.Contains(page, want) {
				t.Errorf("the French audit log lacks %q:\n%s", want, page)
			}
		}
	})
}

// A case handler whose pages are in Spanish reads the case page in
// Spanish: labels, categories, dates, the country, and an amount typed and
// shown with the decimal comma; what the handler did is confirmed in
// Spanish, and a form error too.
func TestCasePageInSpanish(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		g := newGFixture(t, db, vault.TestParams())
		_, h := g.login(t, "case_handler@acme.example", testPassword, "")
		es := map[string]string{"Accept-Language": "es"}
		rc, _, _ := g.submitReport(t, "acme", url.Values{"narrative": {"wages held back"}, "category": {"withholding_of_wages"}}, nil)
		id := g.reportIDByReceipt(t, rc)
		post := func(path string, form url.Values) *http.Response {
			t.Helper()
			return g.do(t, "POST", "/cases/"+id+path, form.Encode(), h, es)
		}
		for _, st := range []struct {
			path string
			form url.Values
		}{
			{"/stage", url.Values{"to": {"acknowledged"}}},
			{"/stage", url.Values{"to": {"investigating"}}},
			{"/triage", url.Values{"category": {"withholding_of_wages"}, "severity": {"high"}, "country": {"de"}}},
			{"/stage", url.Values{"to": {"remediation"}}},
			{"/remedies", url.Values{"type": {"back_pay"}, "amount": {"36.000,50"}, "currency": {"usd"}, "description": {"three months"}}},
		} {
			if res := post(st.path, st.form); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s: %d %s", st.path, res.StatusCode, body(t, res))
			}
		}
		res := post("/remedies", url.Values{"type": {"back_pay"}, "amount": {"36,5,0"}, "currency": {"usd"}, "description": {"x"}})
		if p := body(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(p, "Importe: escríbalo así: 120,50.") {
			t.Errorf("a bad amount in Spanish: %d", res.StatusCode)
		}
		page := body(t, g.do(t, "GET", "/cases/"+id, "", h, es))
		for _, want := range []string{"<h1>Caso " + locatorOf(rc) + "-…</h1>", "Retención de salarios", "USD 36.000,50", "<dd>Alemania</dd>",
			"25 de noviembre de 2026", "Registrar que se llevó a cabo la reparación «salarios adeudados» de USD 36.000,50", "Consentimiento y derivación"} {
			if !strings.Contains(page, want) {
				t.Errorf("the Spanish case page lacks %q", want)
			}
		}
		for _, english := range []string{"Viewing this case is recorded", "Remedy records", "Move the case", "Withholding of wages", "USD 36,000.50"} {
			if strings.Contains(page, english) {
				t.Errorf("the Spanish case page shows %q", english)
			}
		}
	})
}

// The scorecard page reads in Portuguese, down to the explanations the
// scorecard package builds (kernel.Text): themes, questions, why each item
// earned what it did and what would move the grade, with Portuguese dates
// and decimals. The JSON API keeps its English.
func TestScorecardPageInPortuguese(t *testing.T) {
	f := newReportsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	pt := map[string]string{"Accept-Language": "pt-BR"}
	supplier := "/scorecards/suppliers/" + url.PathEscape(f.grinder)
	res, _ := f.call(t, "analyst", "POST", supplier+"/answers", url.Values{"question_id": {"policy.forced_labour"}, "response": {"yes"},
		"answered_on": {"2026-11-20"}, "doc_name": {"Política"}, "doc_date": {"2026-11-01"}}.Encode(), pt)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("answer: %d", res.StatusCode)
	}
	_, page := f.call(t, "analyst", "GET", supplier+"?answered=policy.forced_labour", "", pt)
	for _, want := range []string{"Scorecard: Grinder A", "Resposta salva: Existe uma política escrita", "Resumo", "O que mudaria a nota",
		"Políticas: Existe uma política escrita e assinada", "respondeu \"sim\" em 20 de novembro de 2026 com 1 documento(s), o mais recente datado de 1 de novembro de 2026 (emitido há 0 meses)",
		"Resposta atual: sim, dada em 20 de novembro de 2026", "Salvar a resposta", "sem resposta"} {
		if !strings.Contains(page, want) {
			t.Errorf("the Portuguese scorecard lacks %q", want)
		}
	}
	if m := regexp.MustCompile(`id="score">(\d+,\d) de 100<`).FindStringSubmatch(page); m == nil {
		t.Errorf("the score is not written with a decimal comma")
	}
	for _, english := range []string{"Is there a written, signed policy", "answered \"yes\"", "not answered", "What would move the grade"} {
		if strings.Contains(html.UnescapeString(page), english) {
			t.Errorf("the Portuguese scorecard shows %q", english)
		}
	}
	_, api := f.call(t, "analyst", "GET", "/api/v1/scorecards/suppliers/"+url.PathEscape(f.grinder), "", pt)
	if !strings.Contains(api, `answered \"yes\" on 2026-11-20 with 1 document(s)`) || !strings.Contains(api, "Is there a written, signed policy") {
		t.Errorf("the API should keep the English explanations: %.600s", api)
	}
}
