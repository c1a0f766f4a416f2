package web

import (
	"context"
	"html"
	"io"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/screening"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// The text domain packages and handlers build (the early-warning
// sensitivities, the report choices, the impact diagrams and charts, the
// SROI figures) reads in the page's language; English pages keep their
// words.

// pageIn fetches path as the session's user with the browser asking for
// lang, and returns the page as text (entities decoded).
func (f *fixture) pageIn(t *testing.T, session, lang, path string) string {
	t.Helper()
	res := f.do(t, "GET", path, "", session, map[string]string{"Accept-Language": lang})
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("%s in %s: %d %.300s", path, lang, res.StatusCode, b)
	}
	return html.UnescapeString(string(b))
}

// checkWords fails for every wanted text the page lacks and every
// unwanted one it shows.
func checkWords(t *testing.T, what, page string, want, notWant []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
	for _, w := range notWant {
		if strings.Contains(page, w) {
			t.Errorf("%s shows %q", what, w)
		}
	}
}

func TestSensitivityPageInSpanish(t *testing.T) {
	t.Parallel() // its own database and server
	f := newAlertsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	_, session := f.login(t, f.users["admin"].Email, testPassword, "")
	page := f.pageIn(t, session, "es", "/alerts/sensitivity")
	checkWords(t, "the Spanish sensitivity page", page,
		[]string{"Equilibrada (predeterminada)", "Detecta la mayor cantidad de aumentos en tres días", "La menor cantidad de falsas alarmas",
			"<td>1,83</td>", "<td>89,5\u00a0%</td>", "<td>1,5</td>"},
		[]string{"Balanced (default)", "Catches the most rises", "false alarms per 1,000", "<td>1.83</td>"})
	en := f.pageIn(t, session, "en", "/alerts/sensitivity")
	checkWords(t, "the English sensitivity page", en,
		[]string{"Balanced (default)", "Catches the most rises within three days, at nearly two false alarms per 1,000 series-days.", "<td>1.83</td>"}, nil)
}

func TestReportChoicesInPortuguese(t *testing.T) {
	t.Parallel() // its own database and server
	f := newReportsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	_, page := f.call(t, "analyst", "GET", "/reports", "", map[string]string{"Accept-Language": "pt-BR"})
	page = html.UnescapeString(page)
	checkWords(t, "the Portuguese reports page", page,
		[]string{"Scorecard: a nota da organização, de A a F", "Risco de fornecedores: o risco de cada fornecedor",
			"PDF (um cadastro longo de fornecedores imprime suas 500 partes", "Lei britânica de Escravidão Moderna de 2015", "As seis etapas (sem filtro)"},
		[]string{"the organisation's grade A to F", "every supplier's risk", "UK Modern Slavery Act", "All six steps"})
}

func TestImpactPagesInFrench(t *testing.T) {
	t.Parallel() // its own database and server
	f := newImpactFixture(t, sqltest.Open(t, sqlstore.SQLite))
	pid := f.prog.ID
	analyses, err := f.svc.Store.Analyses(context.Background(), f.org.ID, pid)
	if err != nil || len(analyses) == 0 {
		t.Fatalf("the demo programme has no analysis: %v", err)
	}
	page := f.pageIn(t, f.sessions["analyst"], "fr", "/impact/programmes/"+pid)
	checkWords(t, "the French programme page", page,
		[]string{"11 étapes en cinq colonnes, des ressources à l’impact, reliées par 11 liens de causalité.",
			"Réalisations : ce que le programme a produit", "Mesures d’activité.", "somme ; plus c’est élevé, mieux c’est",
			"98\u00a0% du chemin entre la référence et la cible", "Les barres montrent le chiffre de chaque période", "Par sexe, toutes périodes",
			">femme<", "0 le 1 janvier 2026", `<span class="kind-badge kind-output">réalisation</span>`,
			"Réalisation « Survivors complete training » mène à résultat « In decent work six months on »",
			"Moyenne, pondérée par les personnes derrière chaque chiffre", "Ressource : Funder grant",
			// The programme's own words stay as written, marked as such.
			`<li class="text"><strong>Funder grant</strong>`, `<td class="text">Funder grant</td>`},
		[]string{"steps in five columns", "Outputs: what the programme delivered", "of the way from baseline to target", "Bars show each period",
			"higher is better", "By sex", "kind-output\">output<", "2 Jan 2006", "Average, weighted by"})
	sroi := f.pageIn(t, f.sessions["analyst"], "fr", "/impact/programmes/"+pid+"/sroi/"+analyses[0].ID)
	ratio := f.pageIn(t, f.sessions["analyst"], "en", "/impact/programmes/"+pid+"/sroi/"+analyses[0].ID)
	checkWords(t, "the English SROI page", ratio, []string{"Sensitivity of the SROI ratio " + analyses[0].Result.RatioDisplay, "Break-even 1:1"}, nil)
	frRatio := strings.Replace(analyses[0].Result.RatioDisplay, ".", ",", 1)
	checkWords(t, "the French SROI page", sroi,
		[]string{"Sensibilité du ratio SROI " + frRatio, "Pour chaque hypothèse, une barre allant du ratio", "Équilibre 1:1", "Effet d’aubaine",
			"Hypothèse à la baisse", "points sur chaque résultat", "Base " + frRatio},
		[]string{"Sensitivity of the SROI ratio", "For each assumption", "Break-even", "Deadweight", "points on every outcome", "months"})
}

// A domain sentence stored as its English (an EUDR finding, why simplified
// due diligence does not apply) is recognised and shown in the page's
// language; what no message accounts for stays as written.
func TestSentencesRecognised(t *testing.T) {
	fr, en := testLocale(t, "fr"), testLocale(t, "en")
	tests := []struct{ english, french string }{
		{"Côte d'Ivoire (CI) is not a low-risk country", "Côte d’Ivoire (CI) n’est pas un pays à faible risque"},
		{"Forests present: yes: cocoa agroforest; the park lies 60 km west", "Forêts présentes : oui : cocoa agroforest; the park lies 60 km west"},
		{"Côte d'Ivoire (CI): standard", "Côte d’Ivoire (CI) : standard"},
		{"Ghana (GH): high; Côte d'Ivoire (CI): not benchmarked", "Ghana (GH) : élevé; Côte d’Ivoire (CI) : non classé"},
		{"No complete forest-loss analysis for 7 of 12 plot(s): P1, P2, P3, P4, P5, and 2 more",
			"Pas d’analyse complète de perte forestière pour 7 parcelle(s) sur 12 : P1, P2, P3, P4, P5, and 2 more"},
		{"Land title or right of use from Cadastre expired on 2026-01-31", "Titre foncier ou droit d’usage de Cadastre expiré le 31 janvier 2026"},
		{"Forest loss after 31 December 2020 on PLOT-9 (2.5 ha)", "Perte forestière après le 31 décembre 2020 sur PLOT-9 (2,5 ha)"},
		{"Analysis does not cover the period", "L’analyse ne couvre pas la période"},
		// Words people wrote, and a sentence no message knows.
		{"Demo data: every plot analysed", "Demo data: every plot analysed"},
		{"the cooperative bags and tags each farmer's beans", "the cooperative bags and tags each farmer's beans"},
	}
	for _, tt := range tests {
		if got := fr.sentence(tt.english); got != tt.french {
			t.Errorf("%q in French: %q, want %q", tt.english, got, tt.french)
		}
		if got := en.sentence(tt.english); got != tt.english {
			t.Errorf("%q in English: %q", tt.english, got)
		}
	}
}

func TestEUDRLotPageInFrench(t *testing.T) {
	t.Parallel() // its own database and server
	f, plots := eudrFormsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	analyst := sessionOf(t, f, "analyst")
	lot := url.Values{"ref": {"SHIP-9"}, "commodity": {"cocoa"}, "hs_codes": {"1801"}, "description": {"Cocoa beans"}, "net_mass_kg": {"12500"},
		"activity": {"domestic"}, "plots": {plots[0].ID, plots[1].ID}}
	if res := f.do(t, "POST", "/eudr/lots", lot.Encode(), analyst, nil); res.StatusCode != 200 {
		t.Fatalf("create the lot: %d", res.StatusCode)
	}
	answers := url.Values{"forests": {"yes"}, "note_b": {"agroforest"}, "indigenous": {"no"}}
	if res := f.do(t, "POST", "/eudr/lots/SHIP-9/assessment", answers.Encode(), analyst, nil); res.StatusCode >= 400 {
		t.Fatalf("assess: %d", res.StatusCode)
	}
	page := f.pageIn(t, analyst, "fr", "/eudr/lots/SHIP-9")
	checkWords(t, "the French lot page", page,
		[]string{"Côte d’Ivoire (CI) n’est pas un pays à faible risque", "Risque attribué au pays de production (art. 29)",
			`Forêts présentes : oui : <span class="text">agroforest</span>`, "Peuples autochtones présents : non", "Aucun peuple autochtone présent",
			"Mise sur le marché de produits fabriqués dans l’UE", "12\u00a0500 kg", "Cacao", "Pas encore d’analyse de perte forestière (lacune)",
			"Règlement (UE) 2023/1115, annexe I", "(b) Y a-t-il des forêts dans le pays ou la zone de production ?", "Enregistrer le lot"},
		[]string{"is not a low-risk country", "Risk assigned to the country", "Forests present", "No indigenous peoples present",
			"Placing on the market", "12,500 kg", "Analysis does not cover", "No forest-loss analysis", "Regulation (EU) 2023/1115",
			"Are there forests", "Save the lot"})
	en := f.pageIn(t, analyst, "en", "/eudr/lots/SHIP-9")
	checkWords(t, "the English lot page", en,
		[]string{"Côte d'Ivoire (CI) is not a low-risk country", `Forests present: yes: <span class="text">agroforest</span>`, "12,500 kg",
			"Placing on the market of products produced in the EU"}, nil)
	plot := f.pageIn(t, analyst, "pt-BR", "/eudr/plots/"+plots[0].ID)
	checkWords(t, "the Portuguese plot page", plot,
		[]string{"Ainda sem análise de perda florestal (lacuna)", "um título de propriedade, direito de uso ou licença", "Cacau"},
		[]string{"No forest-loss analysis", "a land title, right of use or permit", "not stated"})
}

// The built-in lists' names and the explanations of each hit read in the
// page's language on the screening page; the API keeps the English.
func TestScreeningPageInFrench(t *testing.T) {
	t.Parallel() // its own database and server
	fr := testLocale(t, "fr")
	builtin, err := screening.BuiltinLists()
	if err != nil {
		t.Fatal(err)
	}
	demo, err := screening.DemoOFACSDN()
	if err != nil {
		t.Fatal(err)
	}
	for _, wl := range append(builtin, demo) {
		if got := fr.sentence(wl.List.Source); got == wl.List.Source {
			t.Errorf("the list %q has no French name: add its name to screeningSentences", wl.List.Source)
		}
	}

	f := newScreeningFixture(t, sqltest.Open(t, sqlstore.SQLite))
	// A supplier whose words come in another order and whose country is
	// not the list's: two factors lower its score.
	if err := f.db.SupplyChain().UpsertParties(context.Background(), f.org.ID, []supplychain.Party{
		{ID: "s9", Name: "Silicon Hoshine Industry Company Limited", Kind: supplychain.KindCompany, Country: "US"}}); err != nil {
		t.Fatal(err)
	}
	analyst := f.session(t, account.RoleAnalyst)
	if res := f.do(t, "POST", "/screening/run", "", analyst, nil); res.StatusCode >= 400 {
		t.Fatalf("screen all: %d", res.StatusCode)
	}
	page := f.pageIn(t, analyst, "fr", "/screening?status=pending")
	why := strings.Join(regexp.MustCompile(`(?s)<ul class="why">(.*?)</ul>`).FindAllString(page, -1), "\n")
	if why == "" {
		t.Fatalf("the French screening page explains no hit: %.2000s", page)
	}
	checkWords(t, "the French explanations", why, []string{"le pays CN concorde avec la liste"},
		[]string{"agrees with the list", "low weight", "spelling", "written together", "missing from the query", "not in the list name", "sounds alike"})
	factors := 0
	for _, li := range regexp.MustCompile(`<li>([^<]*)</li>`).FindAllStringSubmatch(why, -1) {
		if strings.Contains(li[1], "0.") || strings.Contains(li[1], "(x") {
			t.Errorf("a French explanation writes a figure the English way: %q", li[1])
		}
		if regexp.MustCompile(`\(×[0-9]+,[0-9]{2}\)`).MatchString(li[1]) {
			factors++
		}
	}
	if factors == 0 {
		t.Errorf("no French explanation shows a factor as ×0,97: %s", why)
	}
}

// A factor that moved a hit's score is written with the multiplication
// sign and the reader's decimal mark, whether the note is a message the
// catalog knows, holds other values, or is new to it; the note as stored
// keeps its English "x0.97".
func TestScoreFactorsInTheReadersLanguage(t *testing.T) {
	fr, es, en := testLocale(t, "fr"), testLocale(t, "es"), testLocale(t, "en")
	tests := []struct {
		l          *locale
		note, want string
	}{
		{fr, "word order differs (x0.97)", "l’ordre des mots diffère (×0,97)"},
		{fr, "matched a weak alias (x0.92)", "correspond à un alias faible (×0,92)"},
		{fr, "a number in the list name is not in the query (x0.75)", "un nombre du nom de la liste est absent de la requête (×0,75)"},
		{fr, "country US differs from the list (CN) (x0.90)", "le pays US diffère de la liste (CN) (×0,90)"},
		{fr, "6 of 7 syllables and list words matched (x0.86)", "6 syllabes et mots de la liste sur 7 concordent (×0,86)"},
		{fr, `the query has a legal form ("LLC"): it names a company, not a vessel (x0.85)`,
			`la requête contient une forme juridique ("LLC") : elle désigne une entreprise, alors que l’entrée est de type navire (×0,85)`},
		{es, "the given name's syllables are in another order than on the list (x0.75)", "las sílabas del nombre de pila están en otro orden que en la lista (×0,75)"},
		{fr, "a note no message knows (x0.50)", "a note no message knows (×0,50)"},
		{en, "word order differs (x0.97)", "word order differs (×0.97)"},
		{en, "country US differs from the list (CN) (x0.90)", "country US differs from the list (CN) (×0.90)"},
		{fr, "country CN agrees with the list", "le pays CN concorde avec la liste"},
	}
	for _, tt := range tests {
		if got := tt.l.reason(tt.note); got != tt.want {
			t.Errorf("%s: %q\n got %q\nwant %q", tt.l.Code, tt.note, got, tt.want)
		}
	}
}

// An evidence file the scorecard refuses is refused in the reader's
// language.
func TestScorecardFileErrorInFrench(t *testing.T) {
	t.Parallel() // its own database and server
	f := newReportsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	answer := url.Values{"question_id": {"policy.forced_labour"}, "response": {"yes"}, "answered_on": {"2026-11-20"}, "doc_date": {"2026-11-01"}}
	body, hdr := answerForm(t, answer, "policy.txt", []byte("We prohibit forced labour.\n"))
	hdr["Accept-Language"] = "fr"
	res, page := f.call(t, "analyst", "POST", "/scorecards/suppliers/"+url.PathEscape(f.grinder)+"/answers", body, hdr)
	page = html.UnescapeString(page)
	checkWords(t, "the French refusal", page, []string{"Fichier : policy.txt n’est ni un document PDF ni une photo (JPEG, PNG, WebP)"},
		[]string{"is not a PDF document or a photo"})
	if res.StatusCode != 400 {
		t.Errorf("status %d", res.StatusCode)
	}
}
