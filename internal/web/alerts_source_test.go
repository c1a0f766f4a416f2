package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// TestAlertSourceInTheReadersLanguage: an alert page says what raised the
// alert in the reader's words, not the stored English: a survey's shift
// is a translated sentence with the survey's title and question quoted
// and marked as their authors' words, a reference dataset is described in
// the reader's language, and a source Upstream cannot read is marked as
// English.
func TestAlertSourceInTheReadersLanguage(t *testing.T) {
	t.Parallel() // its own database and server
	f := newAlertsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	ctx := context.Background()
	org := f.org.ID
	if err := f.db.SupplyChain().UpsertParties(ctx, org, []supplychain.Party{{ID: "site-1", Ref: "site-1", Name: "Ribeira Mill", Kind: supplychain.KindFacility, Country: "BR"}}); err != nil {
		t.Fatal(err)
	}
	raise := func(key string, kind earlywarning.Kind, subject earlywarning.Subject, source string) string {
		t.Helper()
		a, _, err := f.deps.Alerts.Raise(ctx, earlywarning.Trigger{OrgID: org, Key: key, Kind: kind, Subject: subject,
			Detector: "two-round comparison", Severity: earlywarning.SeverityHigh, Score: 3.2, At: f.clock.Now(), Source: source})
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	site := earlywarning.Subject{Kind: earlywarning.SubjectParty, ID: "site-1"}
	survey := raise("survey/s1/2/site-1/fee", earlywarning.KindSurveyWorsening, site, earlywarning.SurveySource{
		Survey: `Recruitment <and> "wages"`, ToRound: 2, FromRound: 1, Indicator: grievance.Label(grievance.DebtBondage, "en"),
		Question: "Did you pay a fee, or borrow money, to get this job?", From: 0.12, To: 0.45}.String())
	dataset := raise("demo/refdata", earlywarning.KindRefdataUpdate, earlywarning.Subject{Kind: earlywarning.SubjectDataset, ID: "ilab-goods"},
		"Demo data: a new ILAB list edition is available")
	anomaly := raise("anomaly/country:BR", earlywarning.KindGrievanceCount, earlywarning.Subject{Kind: earlywarning.SubjectCountry, ID: "BR"},
		earlywarning.DetectorSource{Detector: "nbcusum"}.String())
	screened := raise("rule/watchlist-hit/party:site-1", earlywarning.KindWatchlistHit, site, earlywarning.ScreeningSource{List: "uflpa", Entity: "e-77"}.String())
	other := raise("rule/custom/party:site-1", earlywarning.KindRiskScoreChange, site, "supplier self-assessment imported")

	_, session := f.login(t, f.users[account.RoleAnalyst].Email, testPassword, "")
	get := func(path, lang string) string {
		t.Helper()
		res := f.do(t, "GET", path, "", session, map[string]string{"Accept-Language": lang})
		page := pageText(t, res)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d\n%.500s", path, res.StatusCode, page)
		}
		return page
	}
	for _, tc := range []struct {
		id, lang  string
		want, not []string
	}{
		{survey, "es", []string{
			`encuesta «<span class="text" dir="auto">Recruitment &lt;and&gt; &#34;wages&#34;</span>», ronda 2 frente a la ronda 1: respuestas preocupantes (` + grievance.Label(grievance.DebtBondage, "es") + `) a «<span class="text" lang="en">Did you pay a fee, or borrow money, to get this job?</span>», del 12`,
			"45\u00a0%"}, []string{"round 2 against round 1", "concerning answers to"}},
		{survey, "en", []string{`survey “<span class="text" dir="auto">Recruitment &lt;and&gt; &#34;wages&#34;</span>”, round 2 against round 1: Debt bondage concerning answers to “<span class="text" lang="en">Did you pay a fee`, "from 12% to 45%"}, nil},
		{dataset, "fr", []string{"Liste de l’ILAB (ministère du Travail des États-Unis) des biens produits par le travail des enfants ou le travail forcé",
			"une nouvelle édition de la liste de l’ILAB est disponible (données de démonstration)"}, []string{"ILAB List of Goods", "Demo data"}},
		{anomaly, "pt", []string{"a contagem diária de denúncias, lida pelo detector", "Brasil"}, []string{"earlywarning:nbcusum"}},
		{screened, "es", []string{"una coincidencia en "}, []string{"e-77", "screening: uflpa"}},
		{other, "es", []string{`<dd id="alert-source"><span lang="en">supplier self-assessment imported</span></dd>`}, nil},
	} {
		page := get("/alerts/"+tc.id, tc.lang)
		for _, w := range tc.want {
			if !strings.Contains(page, w) {
				t.Errorf("alert %s in %s lacks %q\n%s", tc.id, tc.lang, w, between(page, `id="alert-source"`, "</dd>"))
			}
		}
		for _, w := range tc.not {
			if strings.Contains(page, w) {
				t.Errorf("alert %s in %s shows %q", tc.id, tc.lang, w)
			}
		}
	}
	if list := get("/alerts", "es"); strings.Contains(list, "ILAB List of Goods") || !strings.Contains(list, "Lista de la ILAB") {
		t.Errorf("the Spanish alert list does not describe the ILAB list in Spanish")
	}
}
