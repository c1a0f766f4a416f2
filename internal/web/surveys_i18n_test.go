package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// TestSurveyQuestionsInTheReadersLanguage: survey questions are their
// authors' words in each language the survey has. A staff page shows a
// question in the reader's language when the survey has it, and otherwise
// in the language it has, marked with that language; the status, dates,
// indicators and conditions around it are in the reader's language.
func TestSurveyQuestionsInTheReadersLanguage(t *testing.T) {
	g, parties := surveyFixture(t, sqltest.Open(t, sqlstore.SQLite))
	_, analyst := g.login(t, g.users[account.RoleAnalyst].Email, testPassword, "")
	form := url.Values{"title": {"Housing"}, "language": {"en", "es"}, "question": {"own_documents"},
		"site": {parties["M"].ID}, "opens": {"2026-11-20"}, "closes": {"2026-12-03"}, "rounds": {"1"}}
	res := g.do(t, "POST", "/surveys", form.Encode(), analyst, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create survey: %d", res.StatusCode)
	}
	detail, _, _ := strings.Cut(res.Header.Get("Location"), "?")
	q := url.Values{"kind": {"choice"}, "text_en": {"Where do you sleep?"}, "text_es": {"¿Dónde duerme?"},
		"options_en": {"In a dormitory at the site\nIn my own home\nElsewhere"}, "options_es": {"En un dormitorio del lugar\nEn mi casa\nEn otro lugar"},
		"indicator": {"abusive_conditions"}, "concern": {"1"}, "show_if": {"own_documents=no"}}
	if res := g.do(t, "POST", detail+"/questions", q.Encode(), analyst, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add question: %d %s", res.StatusCode, body(t, res))
	}
	get := func(path, lang string) string {
		t.Helper()
		res := g.do(t, "GET", path, "", analyst, map[string]string{"Accept-Language": lang})
		page := body(t, res)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s in %s: %d", path, lang, res.StatusCode)
		}
		return page
	}
	for _, tc := range []struct {
		path, lang string
		want, not  []string
	}{
		// The survey has Spanish: the questions read in Spanish, unmarked.
		{detail, "es", []string{"<li>¿Dónde duerme? (", "pregunta 1 se responde «No»", "abierta (ronda 1 de 1)", "Ronda 1: del 20 de noviembre de 2026 al 3 de diciembre de 2026"},
			[]string{"Where do you sleep?", "asked only if", "open (round", `<span lang="en" dir="auto">`}},
		// It has no French: the authors' English, marked as English.
		{detail, "fr", []string{`<li><span lang="en" dir="auto">Where do you sleep?</span> (`, "ouverte (vague 1 sur 1)"}, []string{"<li>Where do you sleep?", "open (round"}},
		// English reads as before.
		{detail, "en", []string{"<li>Where do you sleep? (Abusive working and living conditions), asked only if question 1 is answered “No”</li>"}, nil},
		{"/surveys", "pt", []string{"aberta (rodada 1 de 1)", "20 de novembro de 2026 a 3 de dezembro de 2026"}, []string{"open (round", " to "}},
	} {
		page := get(tc.path, tc.lang)
		for _, w := range tc.want {
			if !strings.Contains(page, w) {
				t.Errorf("%s in %s lacks %q", tc.path, tc.lang, w)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(page, w) {
				t.Errorf("%s in %s shows %q", tc.path, tc.lang, w)
			}
		}
	}
}

// TestAccountTokenAreasInTheReadersLanguage: the areas an API token may
// reach are named in the reader's language on the account page.
func TestAccountTokenAreasInTheReadersLanguage(t *testing.T) {
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	_, s := f.login(t, f.users[account.RoleAnalyst].Email, testPassword, "")
	es := map[string]string{"Accept-Language": "es"}
	res := f.do(t, "POST", "/account/tokens", url.Values{"name": {"Hoja de cálculo"}, "scope_suppliers": {"read"}, "expires": {"90"}}.Encode(), s, es)
	res.Body.Close()
	page := body(t, f.do(t, "GET", "/account", "", s, es))
	for _, want := range []string{"<legend>Proveedores, importaciones y diligencia debida</legend>", "<li>Proveedores, importaciones y diligencia debida: solo lectura</li>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the Spanish account page lacks %q", want)
		}
	}
	for _, not := range []string{"Suppliers, imports and due diligence", "Grievance cases and their counts", "read only"} {
		if strings.Contains(page, not) {
			t.Errorf("the Spanish account page shows %q", not)
		}
	}
}
