package web

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// TestImpactModelForms edits the demo programme's logic model one step,
// link and indicator at a time through the forms, as an analyst: every
// change says what it did, and every refusal names the field or the step
// in words, never an id or a JSON path, and changes nothing.
func TestImpactModelForms(t *testing.T) {
	t.Parallel()
	f := newImpactFixture(t, sqltest.Open(t, sqlstore.SQLite))
	pid := f.prog.ID
	base := "/impact/programmes/" + pid
	current := func() *impact.Programme { return f.programme(t, pid) }
	post := func(path string, v url.Values) (*http.Response, string) {
		t.Helper()
		return f.postModelForm(t, pid, path, "", v)
	}
	steps := []struct {
		name      string
		path      string
		form      url.Values
		status    int
		want      string // in the flash after a redirect, in the page otherwise
		notInPage []string
	}{
		{"an outcome needs the step before it", base + "/steps", url.Values{"kind": {"outcome"}, "title": {"Knows where to get help"}}, 400,
			"Comes after: choose the step that leads to this outcome", nil},
		{"a title is needed", base + "/steps", url.Values{"kind": {"activity"}, "title": {" "}}, 400, "Title: enter a title", nil},
		{"an edit on a page someone else changed", base + "/steps", url.Values{"kind": {"activity"}, "title": {"Legal clinics"}, "version": {"1"}}, 409,
			"changed by someone else", nil},
		{"add an output after an activity", base + "/steps", url.Values{"kind": {"output"}, "title": {"Legal advice sessions"}, "after": {"support"}}, 303,
			"Added the output “Legal advice sessions”, following the activity “Psychosocial support”.", nil},
		{"rename a step", base + "/steps/sessions", url.Values{"action": {"save"}, "title": {"Counselling sessions given"}}, 303,
			"Saved the output “Counselling sessions given”.", nil},
		{"removing a link that would strand an outcome", base + "/links", url.Values{"action": {"delete"}, "from": {"employed"}, "to": {"income"}}, 400,
			"The outcome “Stable, higher income”: not reached from any activity", []string{`outcome "income"`}},
		{"removing a step whose indicator has observations", base + "/steps/placed", url.Values{"action": {"delete"}}, 400,
			"the indicator “Survivors placed in jobs” is not in the logic model", []string{`indicator "DEMO-PLACED"`}},
		{"a link that skips a step", base + "/links", url.Values{"from": {"training"}, "to": {"employed"}, "action": {"add"}}, 400,
			"The link from the activity “Vocational training” to the outcome “In decent work six months on”: skips a step", []string{`activity "training"`}},
		{"a link with an assumption and evidence", base + "/links", url.Values{"from": {"support"}, "to": {"output-12"}, "action": {"add"},
			"assumption": {"Survivors can reach the clinic"}, "risk": {"medium"}, "evidence": {"Clinic logs 2025"}, "strength": {"moderate"}}, 303,
			"The activity “Psychosocial support” already leads to the output “Legal advice sessions”; added an assumption and evidence.", nil},
		{"an indicator with a word for a number", base + "/indicators", url.Values{"action": {"save"}, "name": {"Legal advice sessions held"}, "unit": {"sessions"},
			"node": {"output-12"}, "direction": {"higher"}, "aggregation": {"sum"}, "baseline": {"none"}, "baseline_date": {"2026-01-01"}, "target": {"40"}, "target_date": {"31/12/2026"}}, 400,
			"Baseline: enter a number", nil},
		{"an indicator's dates are named", base + "/indicators", url.Values{"action": {"save"}, "name": {"Legal advice sessions held"}, "unit": {"sessions"},
			"node": {"output-12"}, "direction": {"higher"}, "aggregation": {"sum"}, "baseline": {"0"}, "baseline_date": {"2026-01-01"}, "target": {"40"}, "target_date": {"31/12/2026"}}, 400,
			"Target date: enter a date like 2026-01-31", nil},
		{"a target below the baseline", base + "/indicators", url.Values{"action": {"save"}, "name": {"Legal advice sessions held"}, "unit": {"sessions"},
			"node": {"output-12"}, "direction": {"higher"}, "aggregation": {"sum"}, "baseline": {"50"}, "baseline_date": {"2026-01-01"}, "target": {"40"}, "target_date": {"2026-12-31"}}, 400,
			"The indicator “Legal advice sessions held”: direction is higher but target 40 is not above baseline 50", nil},
		{"add an indicator", base + "/indicators", url.Values{"action": {"save"}, "name": {"Legal advice sessions held"}, "unit": {"sessions"},
			"node": {"output-12"}, "direction": {"higher"}, "aggregation": {"sum"}, "baseline": {"0"}, "baseline_date": {"2026-01-01"}, "target": {"1,200"}, "target_date": {"2026-12-31"}}, 303,
			"Added the indicator “Legal advice sessions held”; observation files name it legal-advice-sessions-held.", nil},
		{"an indicator's code is its own", base + "/indicators", url.Values{"action": {"save"}, "name": {"Sessions again"}, "code": {"legal-advice-sessions-held"}, "unit": {"sessions"},
			"node": {"output-12"}, "direction": {"higher"}, "aggregation": {"sum"}, "baseline": {"0"}, "baseline_date": {"2026-01-01"}, "target": {"5"}, "target_date": {"2026-12-31"}}, 400,
			"Code: “legal-advice-sessions-held” is the code of the indicator “Legal advice sessions held”", nil},
		{"remove an indicator", base + "/indicators", url.Values{"action": {"delete"}, "original": {"legal-advice-sessions-held"}}, 303,
			"Removed the indicator “Legal advice sessions held”.", nil},
		{"remove an indicator no longer there", base + "/indicators", url.Values{"action": {"delete"}, "original": {"legal-advice-sessions-held"}}, 400,
			"Indicator: it is no longer in the model", nil},
		{"remove an indicator not named", base + "/indicators", url.Values{"action": {"delete"}}, 400,
			"Indicator: it is no longer in the model", nil},
		{"remove a link", base + "/links", url.Values{"from": {"support"}, "to": {"output-12"}, "action": {"delete"}}, 303,
			"Removed the link from the activity “Psychosocial support” to the output “Legal advice sessions”.", nil},
		{"remove a step", base + "/steps/output-12", url.Values{"action": {"delete"}}, 303, "Removed the output “Legal advice sessions”.", nil},
	}
	for _, st := range steps {
		before := current()
		res, page := post(st.path, st.form)
		if res.StatusCode != st.status {
			t.Fatalf("%s: status %d, want %d:\n%.2000s", st.name, res.StatusCode, st.status, page)
		}
		if st.status == http.StatusSeeOther {
			if msg := flashOf(t, res); msg != st.want {
				t.Errorf("%s: message %q, want %q", st.name, msg, st.want)
			}
			continue
		}
		if !strings.Contains(page, st.want) {
			i := strings.Index(page, "problems error")
			t.Errorf("%s: page lacks %q; problems: %.400s", st.name, st.want, page[max(i, 0):])
		}
		for _, n := range st.notInPage {
			if strings.Contains(page, n) {
				t.Errorf("%s: page shows %q", st.name, n)
			}
		}
		if after := current(); !after.UpdatedAt.Equal(before.UpdatedAt) {
			t.Errorf("%s: a refused change changed the model", st.name)
		}
	}
	m := current().Model
	if n, ok := m.Node("sessions"); !ok || n.Title != "Counselling sessions given" {
		t.Errorf("renamed step: %+v", n)
	}
	if _, ok := m.Node("output-12"); ok {
		t.Error("the removed step is still in the model")
	}
	if len(m.Indicators) != len(impact.DemoModel().Indicators) {
		t.Errorf("%d indicators, want the demo's %d", len(m.Indicators), len(impact.DemoModel().Indicators))
	}
	// A viewer reads the model but gets no forms, and cannot post one.
	res, page := f.call(t, "viewer", "GET", base, "", nil)
	if res.StatusCode != 200 || strings.Contains(string(page), `id="add-step"`) || strings.Contains(string(page), `id="sroi-fields"`) {
		t.Errorf("viewer: status %d, forms shown: %v", res.StatusCode, strings.Contains(string(page), `id="add-step"`))
	}
	res, _ = f.call(t, "viewer", "POST", base+"/steps", "application/x-www-form-urlencoded", strings.NewReader("kind=activity&title=x"))
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("viewer posting a step: status %d", res.StatusCode)
	}
}

// TestImpactFormsInTheReadersLanguage posts the logic model's step, link
// and indicator forms from French and Spanish pages: what each did, and
// every problem beside a field, reads in the page's language, the steps
// named by their kind in that language and the titles as written; a
// figure is read with the language's decimal comma.
func TestImpactFormsInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	f := newImpactFixture(t, sqltest.Open(t, sqlstore.SQLite))
	pid := f.prog.ID
	base := "/impact/programmes/" + pid
	current := func() *impact.Programme { return f.programme(t, pid) }
	indicator := func(extra ...string) url.Values {
		v := url.Values{"action": {"save"}, "name": {"Legal advice sessions held"}, "unit": {"sessions"}, "node": {"output-12"},
			"direction": {"higher"}, "aggregation": {"sum"}, "baseline": {"2,5"}, "baseline_date": {"2026-01-01"}, "target": {"1 200"}, "target_date": {"2026-12-31"}}
		for i := 0; i+1 < len(extra); i += 2 {
			v.Set(extra[i], extra[i+1])
		}
		return v
	}
	// indicatorFor is the indicator form measuring the demo's sessions
	// output, for refusals before the new output is added.
	indicatorFor := func(_ string, extra ...string) url.Values {
		v := indicator(extra...)
		v.Set("node", "sessions")
		return v
	}
	steps := []struct {
		name, lang, path string
		form             url.Values
		status           int
		want             string // the flash after a redirect, else in the page
		english          string // what the old page said, which must be gone
	}{
		{"an outcome needs the step before it", "fr", base + "/steps", url.Values{"kind": {"outcome"}, "title": {"Knows where to get help"}}, 400,
			"Vient après : choisissez l’étape qui mène à ce résultat : un résultat ou un impact doit découler des activités du programme", "Comes after:"},
		{"a title is needed, in Spanish", "es", base + "/steps", url.Values{"kind": {"activity"}, "title": {" "}}, 400,
			"Título: introduzca un título, como «Trabajadores formados en sus derechos»", "enter a title"},
		{"an edit on a page someone else changed", "fr", base + "/steps", url.Values{"kind": {"activity"}, "title": {"Legal clinics"}, "version": {"1"}}, 409,
			"Quelqu’un d’autre a modifié le modèle logique après l’ouverture de cette page ; rien n’a donc été enregistré.", "changed by someone else"},
		{"removing a link that would strand an outcome", "fr", base + "/links", url.Values{"action": {"delete"}, "from": {"employed"}, "to": {"income"}}, 400,
			"Résultat « Stable, higher income » : aucune activité n’y mène ; reliez-le depuis une réalisation ou un résultat antérieur", "not reached"},
		{"a link that skips a step", "fr", base + "/links", url.Values{"from": {"training"}, "to": {"employed"}, "action": {"add"}}, 400,
			"Le lien activité « Vocational training » → résultat « In decent work six months on » : saute une étape ; ajoutez entre les deux : réalisation", "skips a step"},
		{"a link that leads back", "es", base + "/links", url.Values{"from": {"income"}, "to": {"employed"}, "action": {"add"}}, 400,
			"Estos pasos vuelven al primero: resultado «In decent work six months on» → resultado «Stable, higher income» → resultado «In decent work six months on»; un resultado no puede conducir de vuelta a sí mismo", "ycle"},
		{"removing a step whose indicator has observations", "fr", base + "/steps/placed", url.Values{"action": {"delete"}}, 400,
			"l’indicateur « Survivors placed in jobs » ne figure pas dans le modèle logique", "is not in the logic model"},
		{"a target below the baseline", "fr", base + "/indicators", indicatorFor("output", "baseline", "50", "target", "40"), 400,
			"L’indicateur « Legal advice sessions held » : le sens est « plus c’est élevé, mieux c’est », mais la cible 40 n’est pas au-dessus de la référence 50", "direction is higher"},
		{"add an output after an activity", "fr", base + "/steps", url.Values{"kind": {"output"}, "title": {"Legal advice sessions"}, "after": {"support"}}, 303,
			"Ajouté : réalisation « Legal advice sessions », après activité « Psychosocial support ».", ""},
		{"a step renamed to nothing", "fr", base + "/steps/sessions", url.Values{"action": {"save"}, "title": {""}}, 400,
			"Titre : saisissez un titre ; pour retirer l’étape, utilisez Retirer l’étape", "to take the step out"},
		{"rename a step, in Spanish", "es", base + "/steps/sessions", url.Values{"action": {"save"}, "title": {"Counselling sessions given"}}, 303,
			"Guardado: producto «Counselling sessions given».", ""},
		{"remove a link", "fr", base + "/links", url.Values{"from": {"support"}, "to": {"output-12"}, "action": {"delete"}}, 303,
			"Lien supprimé : activité « Psychosocial support » ne mène plus à réalisation « Legal advice sessions ».", ""},
		{"remove a link no longer there", "fr", base + "/links", url.Values{"from": {"support"}, "to": {"output-12"}, "action": {"delete"}}, 400,
			"Lien : activité « Psychosocial support » ne mène plus à réalisation « Legal advice sessions »", "no longer leads to"},
		{"a link needs its steps", "fr", base + "/links", url.Values{"from": {"support"}, "action": {"add"}}, 400,
			"Mène à : choisissez l’étape à laquelle il mène", "choose the step it leads to"},
		{"a risk without its assumption", "fr", base + "/links", url.Values{"from": {"support"}, "to": {"output-12"}, "action": {"add"}, "risk": {"high"}}, 400,
			"Hypothèse : écrivez l’hypothèse dont vous avez choisi le risque", "write the assumption"},
		{"link two steps", "fr", base + "/links", url.Values{"from": {"support"}, "to": {"output-12"}, "action": {"add"}}, 303,
			"Lien ajouté : activité « Psychosocial support » mène à réalisation « Legal advice sessions ».", ""},
		{"evidence for a link already there", "pt", base + "/links", url.Values{"from": {"support"}, "to": {"output-12"}, "action": {"add"},
			"assumption": {"Survivors can reach the clinic"}, "evidence": {"Clinic logs 2025"}}, 303,
			"O vínculo já existia: atividade “Psychosocial support” leva a produto “Legal advice sessions”; adicionado: uma premissa e evidências.", ""},
		{"an indicator with a word for a number", "fr", base + "/indicators", indicator("baseline", "aucun"), 400,
			"Référence : saisissez un nombre, comme 1200 ou 3,5", "enter a number"},
		{"an indicator's date", "fr", base + "/indicators", indicator("target_date", "31/12/2026"), 400,
			"Date cible : saisissez une date comme 2026-01-31", "enter a date"},
		{"an indicator without a unit", "fr", base + "/indicators", indicator("unit", ""), 400,
			"Unité : indiquez ce qu’est une unité : personnes, hectares, %…", "enter what one unit is"},
		{"an indicator of an activity", "fr", base + "/indicators", indicator("node", "support"), 400,
			"Mesure : activité « Psychosocial support » n’est ni une réalisation, ni un résultat, ni un impact", "is not an output"},
		{"add an indicator, figures written the French way", "fr", base + "/indicators", indicator(), 303,
			"Indicateur « Legal advice sessions held » ajouté ; les fichiers d’observations le nomment legal-advice-sessions-held.", ""},
		{"an indicator's code is its own", "fr", base + "/indicators", indicator("name", "Sessions again", "code", "legal-advice-sessions-held"), 400,
			"Code : « legal-advice-sessions-held » est le code de l’indicateur « Legal advice sessions held » ; choisissez-en un autre", "is the code of"},
		{"save an indicator", "fr", base + "/indicators", indicator("original", "legal-advice-sessions-held"), 303,
			"Indicateur « Legal advice sessions held » enregistré.", ""},
		{"remove an indicator", "fr", base + "/indicators", url.Values{"action": {"delete"}, "original": {"legal-advice-sessions-held"}}, 303,
			"Indicateur « Legal advice sessions held » supprimé.", ""},
		{"remove an indicator no longer there", "fr", base + "/indicators", url.Values{"action": {"delete"}, "original": {"legal-advice-sessions-held"}}, 400,
			"Indicateur : ne figure plus dans le modèle", "no longer in the model"},
		{"remove a step with its link", "fr", base + "/steps/output-12", url.Values{"action": {"delete"}}, 303,
			"Supprimé : réalisation « Legal advice sessions », avec 1 lien.", ""},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			before := current()
			res, page := f.postModelForm(t, pid, st.path, st.lang, st.form)
			if res.StatusCode != st.status {
				t.Fatalf("status %d, want %d:\n%.2000s", res.StatusCode, st.status, page)
			}
			if st.status == http.StatusSeeOther {
				if msg := flashOf(t, res); msg != st.want {
					t.Errorf("message %q,\nwant    %q", msg, st.want)
				}
				return
			}
			i := max(strings.Index(page, "problems error"), 0)
			if !strings.Contains(page, st.want) {
				t.Errorf("page lacks %q; problems: %.600s", st.want, page[i:])
			}
			if strings.Contains(page[i:], st.english) {
				t.Errorf("page still says %q: %.600s", st.english, page[i:])
			}
			if after := current(); !after.UpdatedAt.Equal(before.UpdatedAt) {
				t.Error("a refused change changed the model")
			}
		})
	}
}

// TestImpactPageErrorsInTheReadersLanguage: what the impact pages refuse
// (a programme with no name, an impact map not given, figures to enter
// for a programme with no indicator yet) is said in the page's language.
func TestImpactPageErrorsInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	f := newImpactFixture(t, sqltest.Open(t, sqlstore.SQLite))
	fr := map[string]string{"Accept-Language": "fr"}
	read := func(res *http.Response) string {
		b, _ := io.ReadAll(res.Body)
		return html.UnescapeString(string(b))
	}
	res := f.do(t, "POST", "/impact/programmes", url.Values{"name": {" "}}.Encode(), f.sessions["analyst"], fr)
	checkWords(t, "a programme without a name", read(res), []string{"nom : manquant ; donnez un nom au programme"}, []string{"give the programme a name"})
	ctype, body := multipartBody(t, "", "", "", map[string]string{"map": " "})
	sent, _ := io.ReadAll(body)
	res = f.do(t, "POST", "/impact/programmes/"+f.prog.ID+"/sroi", string(sent), f.sessions["analyst"], map[string]string{"Accept-Language": "fr", "Content-Type": ctype})
	checkWords(t, "an impact map not given", read(res), []string{"carte d’impact : collez le JSON ou choisissez un fichier"}, []string{"paste the JSON"})
	res = f.do(t, "POST", "/impact/programmes", url.Values{"name": {"Programme sans indicateur"}}.Encode(), f.sessions["analyst"], fr)
	where := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(where, "/impact/programmes/") {
		t.Fatalf("creating a programme: status %d, sent to %q", res.StatusCode, where)
	}
	res = f.do(t, "GET", strings.SplitN(where, "#", 2)[0]+"/entry", "", f.sessions["analyst"], fr)
	checkWords(t, "figures for a programme with no indicator", read(res),
		[]string{"ce programme n’a pas encore d’indicateur : ajoutez-en un avant de saisir des chiffres"}, []string{"no indicators yet"})
}

// TestIndicatorFiguresInTheReadersLanguage: a French page shows an
// indicator's figures with the decimal comma it reads back, so saving the
// form unchanged keeps them.
func TestIndicatorFiguresInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	f := newImpactFixture(t, sqltest.Open(t, sqlstore.SQLite))
	base := "/impact/programmes/" + f.prog.ID
	p, err := f.svc.Programme(context.Background(), f.org.ID, f.prog.ID)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"action": {"save"}, "name": {"Share in work"}, "unit": {"%"}, "node": {"employed"}, "direction": {"higher"},
		"aggregation": {"latest"}, "baseline": {"12,5"}, "baseline_date": {"2026-01-01"}, "target": {"40,25"}, "target_date": {"2026-12-31"},
		"version": {modelVersion(p)}}
	if res := f.do(t, "POST", base+"/indicators", form.Encode(), f.sessions["analyst"], map[string]string{"Accept-Language": "fr"}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d", res.StatusCode)
	}
	p, err = f.svc.Programme(context.Background(), f.org.ID, f.prog.ID)
	if err != nil {
		t.Fatal(err)
	}
	ind, ok := p.Model.Indicator("share-in-work")
	if !ok || ind.Baseline.Value != 12.5 || ind.Target.Value != 40.25 {
		t.Fatalf("stored %+v", ind)
	}
	page := f.pageIn(t, f.sessions["analyst"], "fr", base)
	checkWords(t, "the French indicator form", page, []string{`name="baseline" value="12,5"`, `name="target" value="40,25"`}, nil)
}

// TestImpactMapForm analyses an impact map typed into the form: problems
// name the row and field in words, rates are percentages, empty rows are
// ignored and "More rows" adds rows without saving anything.
func TestImpactMapForm(t *testing.T) {
	t.Parallel()
	f := newImpactFixture(t, sqltest.Open(t, sqlstore.SQLite))
	path := "/impact/programmes/" + f.prog.ID + "/sroi"
	full := func() url.Values {
		return url.Values{"currency": {"usd"}, "discount": {"3.5"}, "inputs": {"3"}, "outcomes": {"3"},
			"in-0-stakeholder": {"Funder"}, "in-0-description": {"Grant"}, "in-0-value": {"120,000"},
			"in-2-stakeholder": {"Employers"}, "in-2-value": {"30000"},
			"out-1-stakeholder": {"Survivors"}, "out-1-outcome": {"In decent work"}, "out-1-indicator": {impact.DemoEmployed},
			"out-1-quantity": {"80"}, "out-1-proxy": {"4200"}, "out-1-deadweight": {"25"}, "out-1-attribution": {"10%"},
			"out-1-drop_off": {"20"}, "out-1-duration": {"3"}, "out-1-start": {"during"}}
	}
	with := func(k, v string) url.Values {
		f := full()
		f.Set(k, v)
		return f
	}
	tests := []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"a proxy in words", with("out-1-proxy", "a lot"), 400, "Outcome 2, proxy value: enter a number"},
		{"a rate over 100", with("out-1-deadweight", "125"), 400, "Outcome 2, deadweight: 125% is not between 0 and 100"},
		{"a row with no one", with("in-0-stakeholder", ""), 400, "Input 1, who contributed: enter who gave the input"},
		{"a duration too long", with("out-1-duration", "80"), 400, "Outcome 2, lasts: enter a whole number of years from 1 to 50"},
		{"a currency that is not one", with("currency", "dollars"), 400, "Currency: want a three-letter ISO 4217 code"},
		{"a negative input", with("in-2-value", "-5"), 400, "Input 3, value: negative (-5)"},
		{"more rows", with("more", "1"), 200, `id="out-4-stakeholder"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, b := f.call(t, "analyst", "POST", path, "application/x-www-form-urlencoded", strings.NewReader(tc.form.Encode()))
			page := html.UnescapeString(string(b))
			if res.StatusCode != tc.status || !strings.Contains(page, tc.want) {
				t.Fatalf("status %d, want %d and %q:\n%.3000s", res.StatusCode, tc.status, tc.want, page)
			}
			if strings.Contains(page, "outcomes[") || strings.Contains(page, "inputs[") {
				t.Error("the page shows a JSON path")
			}
			// What was typed is kept.
			if !strings.Contains(page, `value="Survivors"`) {
				t.Error("the form lost what was typed")
			}
		})
	}
	res, _ := f.call(t, "analyst", "POST", path, "application/x-www-form-urlencoded", strings.NewReader(full().Encode()))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d", res.StatusCode)
	}
	if msg := flashOf(t, res); !strings.HasPrefix(msg, "Social return on investment analysed and saved: ") || !strings.HasSuffix(msg, " from 2 inputs and 1 outcome.") {
		t.Errorf("message %q", msg)
	}
	list, err := f.svc.Analyses(context.Background(), f.org.ID, f.prog.ID)
	if err != nil || len(list) == 0 {
		t.Fatalf("no analysis stored (%v)", err)
	}
	m := list[0].Map
	if m.Currency != "USD" || m.DiscountRate != 0.035 || len(m.Inputs) != 2 || m.Inputs[0].Value != 120000 || len(m.Outcomes) != 1 {
		t.Fatalf("stored map %+v", m)
	}
	if o := m.Outcomes[0]; o.Deadweight != 0.25 || o.Attribution != 0.1 || o.DropOff != 0.2 || o.Displacement != 0 || o.Indicator != impact.DemoEmployed || o.DurationYears != 3 {
		t.Errorf("stored outcome %+v", o)
	}
	// The next form starts from the map just analysed.
	_, b := f.call(t, "analyst", "GET", "/impact/programmes/"+f.prog.ID, "", nil)
	if page := string(b); !strings.Contains(page, `id="in-1-value" name="in-1-value" value="30000"`) || !strings.Contains(page, `id="out-0-deadweight" name="out-0-deadweight" value="25"`) {
		t.Error("the form does not start from the latest analysis")
	}
}

// TestImpactMapFormInFrench: the SROI form on a French page reads figures
// with the decimal comma and names each row, field and problem in French,
// the impact map's own problems included.
func TestImpactMapFormInFrench(t *testing.T) {
	t.Parallel()
	f := newImpactFixture(t, sqltest.Open(t, sqlstore.SQLite))
	path := "/impact/programmes/" + f.prog.ID + "/sroi"
	full := func() url.Values {
		return url.Values{"currency": {"eur"}, "discount": {"3,5"}, "inputs": {"3"}, "outcomes": {"2"},
			"in-0-stakeholder": {"Funder"}, "in-0-value": {"120 000"}, "in-2-stakeholder": {"Employers"}, "in-2-value": {"30000,50"},
			"out-1-stakeholder": {"Survivors"}, "out-1-outcome": {"In decent work"}, "out-1-quantity": {"80"}, "out-1-proxy": {"4200"},
			"out-1-deadweight": {"12,5"}, "out-1-duration": {"3"}, "out-1-start": {"during"}}
	}
	with := func(k, v string) url.Values {
		f := full()
		f.Set(k, v)
		return f
	}
	post := func(form url.Values) (*http.Response, string) {
		res := f.do(t, "POST", path, form.Encode(), f.sessions["analyst"], map[string]string{"Accept-Language": "fr"})
		b, _ := io.ReadAll(res.Body)
		return res, html.UnescapeString(string(b))
	}
	tests := []struct {
		name, want, english string
		form                url.Values
	}{
		{"a count in words", "Résultat 2, combien : saisissez un nombre, comme 1200 ou 3,5", "enter a number", with("out-1-quantity", "beaucoup")},
		{"a rate over 100", "Résultat 2, effet d’aubaine : 125,5 % n’est pas entre 0 et 100", "is not between", with("out-1-deadweight", "125,5")},
		{"a rate in words", "Résultat 2, effet d’aubaine : saisissez un pourcentage de 0 à 100, comme 25", "enter a percentage", with("out-1-deadweight", "un quart")},
		{"a row with no one", "Ressource 1, qui a contribué : indiquez qui a fourni la ressource, comme « Bailleur de fonds »", "enter who gave", with("in-0-stakeholder", "")},
		{"no discount rate", "Taux d’actualisation : saisissez un taux en pourcentage, comme 3,5", "enter a rate", with("discount", "")},
		{"a currency that is not one", `Devise : un code ISO 4217 de trois lettres majuscules est attendu, comme GBP ; reçu : "DOLLARS"`, "want a three-letter", with("currency", "dollars")},
		{"a negative input", "Ressource 3, valeur : négatif (-5) : les valeurs des ressources sont de 0 ou plus", "input values are", with("in-2-value", "-5")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, page := post(tc.form)
			i := max(strings.Index(page, "The analysis was not made"), strings.Index(page, "problems error"), 0)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, tc.want) {
				t.Fatalf("status %d, want 400 and %q:\n%.1500s", res.StatusCode, tc.want, page[i:])
			}
			if strings.Contains(page[i:], tc.english) {
				t.Errorf("the page still says %q", tc.english)
			}
		})
	}
	res, _ := post(full())
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d", res.StatusCode)
	}
	list, err := f.svc.Analyses(context.Background(), f.org.ID, f.prog.ID)
	if err != nil || len(list) == 0 {
		t.Fatalf("no analysis stored (%v)", err)
	}
	m := list[0].Map
	if m.DiscountRate != 0.035 || len(m.Inputs) != 2 || m.Inputs[0].Value != 120000 || m.Inputs[1].Value != 30000.5 || m.Outcomes[0].Deadweight != 0.125 {
		t.Fatalf("stored map %+v", m)
	}
}

// TestBrowserImpactFormsWithoutScript: with scripts off, an analyst adds an
// outcome after an output, sees the diagram gain a box, adds an indicator
// to it, and analyses a return from the impact map form after fixing the
// problem it names.
func TestBrowserImpactFormsWithoutScript(t *testing.T) {
	f := newImpactFixture(t, sqltest.Open(t, sqlstore.SQLite))
	ts, ctx := f.browse(t, false)
	signInAs(t, ctx, ts.URL, "/impact/programmes/"+f.prog.ID, "analyst@acme.example")
	boxes := func() int {
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.logic-model rect").length`))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#add-step"))); err != nil {
		t.Fatal(err)
	}
	before := boxes()
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#new-step-kind"), "outcome"),
		chromedp.SendKeys(chromedp.CSS("#new-step-title"), "Knows where to get legal help"),
		chromedp.SetValue(chromedp.CSS("#new-step-after"), "sessions"),
		chromedp.Click(chromedp.CSS("#add-step-button")),
	); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#flash", "Added the outcome “Knows where to get legal help”, following the output “Counselling sessions held”."); err != nil {
		t.Fatal(err)
	}
	if got := boxes(); got != before+1 {
		t.Errorf("the diagram has %d boxes after adding a step, want %d", got, before+1)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#new-indicator summary")),
		chromedp.SendKeys(chromedp.CSS("#ind-new-name"), "Survivors who know where to get legal help"),
		chromedp.SendKeys(chromedp.CSS("#ind-new-unit"), "%"),
		chromedp.SetValue(chromedp.CSS("#ind-new-node"), "outcome-12"),
		chromedp.SetValue(chromedp.CSS("#ind-new-aggregation"), "ratio"),
		chromedp.SendKeys(chromedp.CSS("#ind-new-baseline"), "20"),
		chromedp.SetValue(chromedp.CSS("#ind-new-baseline_date"), "2026-01-01"),
		chromedp.SendKeys(chromedp.CSS("#ind-new-target"), "60"),
		chromedp.SetValue(chromedp.CSS("#ind-new-target_date"), "2027-01-01"),
		chromedp.Submit(chromedp.CSS("#ind-new-name")),
	); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#flash", "Added the indicator “Survivors who know where to get legal help”"); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#progress", "Survivors who know where to get legal help"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#in-0-stakeholder"), "Funder"),
		chromedp.SendKeys(chromedp.CSS("#in-0-value"), "50000"),
		chromedp.SendKeys(chromedp.CSS("#out-0-stakeholder"), "Survivors"),
		chromedp.SendKeys(chromedp.CSS("#out-0-outcome"), "Know where to get legal help"),
		chromedp.SendKeys(chromedp.CSS("#out-0-quantity"), "120"),
		chromedp.SendKeys(chromedp.CSS("#out-0-proxy"), "about 300"),
		chromedp.SendKeys(chromedp.CSS("#out-0-duration"), "2"),
		chromedp.Click(chromedp.CSS("#sroi-analyse")),
	); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#sroi-form", "Outcome 1, proxy value: enter a number"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#out-0-proxy"), "300"),
		chromedp.Click(chromedp.CSS("#sroi-analyse")),
	); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#flash", "Social return on investment analysed and saved"); err != nil {
		t.Fatal(err)
	}
}

// programme reads the programme id back as stored.
func (f *impactFixture) programme(t *testing.T, id string) *impact.Programme {
	t.Helper()
	p, err := f.svc.Programme(context.Background(), f.org.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// postModelForm posts a logic-model form of programme id as the analyst,
// from a page in lang ("" for the default), with the model's current
// version unless the form names one, and returns the response and the
// page it shows, unescaped.
func (f *impactFixture) postModelForm(t *testing.T, id, path, lang string, v url.Values) (*http.Response, string) {
	t.Helper()
	if _, ok := v["version"]; !ok {
		v.Set("version", modelVersion(f.programme(t, id)))
	}
	var hdr map[string]string
	if lang != "" {
		hdr = map[string]string{"Accept-Language": lang}
	}
	res := f.do(t, "POST", path, v.Encode(), f.sessions["analyst"], hdr)
	b, _ := io.ReadAll(res.Body)
	return res, html.UnescapeString(string(b))
}
