package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
	"github.com/upstream-platform/upstream/internal/survey"
	"github.com/upstream-platform/upstream/internal/vault"
)

var surveysAuth = map[string][]string{
	"GET /survey/{org}/{code}":              {"public"},
	"POST /survey/{org}/{code}":             {"public"},
	"POST /hooks/{org}/voice":               {"public"},
	"GET /surveys":                          {"admin", "analyst", "case_handler", "viewer"},
	"POST /surveys":                         {"admin", "analyst"},
	"GET /surveys/{id}":                     {"admin", "analyst", "case_handler", "viewer"},
	"POST /surveys/{id}/questions":          {"admin", "analyst"},
	"GET /surveys/{id}/sites/{site}/qr.svg": {"admin", "analyst", "case_handler", "viewer"},
	"GET /surveys/{id}/texts":               {"case_handler"},
	"GET /api/v1/surveys":                   {"admin", "analyst", "case_handler", "viewer"},
	"POST /api/v1/surveys":                  {"admin", "analyst"},
	"GET /api/v1/surveys/{id}":              {"admin", "analyst", "case_handler", "viewer"},
	"POST /api/v1/surveys/{id}/questions":   {"admin", "analyst"},
}

// sitesOfStore resolves a supplier to the parties that supply it, as the
// command line's wiring does.
type sitesOfStore struct{ st *sqlstore.SupplyChain }

func (s sitesOfStore) SitesOf(ctx context.Context, orgID, supplierID string) ([]string, error) {
	sup, _, err := s.st.PartyLinks(ctx, orgID, supplierID)
	var out []string
	for _, l := range sup {
		out = append(out, l.Supplier)
	}
	return out, err
}

// surveyFixture is the grievance fixture with the supply chain and
// surveys wired in.
func surveyFixture(t *testing.T, db *sqlstore.DB) (*gFixture, map[string]supplychain.Party) {
	t.Helper()
	g := newGFixture(t, db, vault.TestParams())
	parties := seedSupply(t, db.SupplyChain(), g.org.ID)
	svc, err := survey.NewService(survey.Config{Store: db.Surveys(), Keys: orgKeysFromStore{g.st}, Sites: sitesOfStore{db.SupplyChain()},
		Vault: g.v, Hasher: g.deps.Intake.Hooks.Hasher, Clock: g.clock})
	if err != nil {
		t.Fatal(err)
	}
	g.deps.Suppliers = db.SupplyChain()
	g.deps.Surveys = SurveyDeps{Service: svc, PublicURL: testPublicURL}
	return g, parties
}

var surveyCodeRE = regexp.MustCompile(`/survey/acme/([0-9A-Z]{6})"`)

func TestSurveyEveryChannel(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		g, parties := surveyFixture(t, db)
		_, analyst := g.login(t, g.users[account.RoleAnalyst].Email, testPassword, "")
		// A case handler signs in first, so new free text is sealed to them.
		_, handler := g.login(t, g.users[account.RoleCaseHandler].Email, testPassword, "")
		_, viewer := g.login(t, g.users[account.RoleViewer].Email, testPassword, "")

		// The analyst finds the sites by name and creates the survey.
		res := g.do(t, "GET", "/surveys?q=Dhaka", "", analyst, nil)
		page := body(t, res)
		if res.StatusCode != 200 || !strings.Contains(page, "Dhaka Garments Ltd (BD)") || !strings.Contains(page, "Do you keep your own passport") {
			t.Fatalf("new survey form: %d\n%s", res.StatusCode, page)
		}
		form := url.Values{"title": {"Recruitment fees 2026"}, "language": {"en", "es"},
			"question": {"own_documents", "recruitment_fee", "still_owe", "anything_else"},
			"site":     {parties["M"].ID, parties["C"].ID},
			"opens":    {"2026-11-20"}, "closes": {"2026-12-03"}, "rounds": {"2"}, "every": {"60"}}
		res = g.do(t, "POST", "/surveys", form.Encode(), analyst, nil)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create survey: %d %s", res.StatusCode, body(t, res))
		}
		detail, _, _ := strings.Cut(res.Header.Get("Location"), "?")
		res = g.do(t, "GET", res.Header.Get("Location"), "", analyst, nil)
		page = body(t, res)
		for _, want := range []string{"Survey created", "Dhaka Garments Ltd (BD)", "Coopérative Soubré (CI)", "open (round 1 of 2)", "English, Español", "Results are hidden until at least 5 workers"} {
			if !strings.Contains(page, want) {
				t.Errorf("survey page lacks %q", want)
			}
		}
		if strings.Contains(page, parties["M"].ID) && !strings.Contains(page, "/sites/"+url.PathEscape(parties["M"].ID)) {
			t.Error("the survey page shows a site's id as text")
		}
		code := ""
		for _, sec := range strings.Split(page, `<section class="site">`)[1:] {
			if m := surveyCodeRE.FindStringSubmatch(sec); m != nil && strings.Contains(sec, "Dhaka Garments") {
				code = m[1]
			}
		}
		if code == "" {
			t.Fatalf("no link for Dhaka Garments' site:\n%s", page)
		}

		// A bad form, then a wrong survey code, answer plainly.
		if res := g.do(t, "POST", "/surveys", url.Values{"title": {""}}.Encode(), analyst, nil); res.StatusCode != 400 {
			t.Errorf("an empty survey form: %d", res.StatusCode)
		}
		if res := g.do(t, "GET", "/survey/acme/XXXXXX", "", "", nil); res.StatusCode != 404 || !strings.Contains(body(t, res), "not open") {
			t.Errorf("unknown code: %d", res.StatusCode)
		}

		// Web: the page in Spanish, no script, then three answers.
		res = g.do(t, "GET", "/survey/acme/"+code, "", "", map[string]string{"Accept-Language": "es-MX,es;q=0.9"})
		page = body(t, res)
		if res.StatusCode != 200 || !strings.Contains(page, "¿Guarda usted su propio pasaporte") || strings.Contains(page, "<script") {
			t.Fatalf("survey page in Spanish: %d\n%s", res.StatusCode, page)
		}
		if !strings.Contains(page, "Responda solo si respondió «Sí» a la pregunta 2") {
			t.Error("the follow-up question does not say when to answer it")
		}
		if len(res.Cookies()) != 0 {
			t.Error("the survey page set a cookie")
		}
		for i, doc := range []string{"no", "no", "no"} {
			f := url.Values{"lang": {"es"}, "q_own_documents": {doc}, "q_recruitment_fee": {"yes"}, "q_still_owe": {"yes"},
				"q_anything_else": {"CANARY-WEB-TEXT-" + string(rune('a'+i))}}
			if i == 0 { // this respondent also asks for a report
				f.Set("to_grievance", "yes")
			}
			reports := g.countReports(t)
			res = g.do(t, "POST", "/survey/acme/"+code, f.Encode(), "", nil)
			b := body(t, res)
			if res.StatusCode != 200 || !strings.Contains(b, "Gracias") {
				t.Fatalf("web answer: %d\n%s", res.StatusCode, b)
			}
			sent := strings.Contains(b, "Guarde este comprobante") && strings.Contains(b, "/report/acme/follow-up?lang=es")
			if sent != (i == 0) || g.countReports(t)-reports != map[bool]int{true: 1, false: 0}[i == 0] {
				t.Errorf("answer %d: a report was sent on %v (reports +%d), asked for %v", i, sent, g.countReports(t)-reports, i == 0)
			}
		}
		res = g.do(t, "POST", "/survey/acme/"+code, url.Values{"lang": {"en"}, "q_own_documents": {"maybe"}}.Encode(), "", nil)
		if b := body(t, res); res.StatusCode != 400 || !strings.Contains(b, "check your answer to question 1") {
			t.Errorf("a bad web answer: %d", res.StatusCode)
		}

		// SMS through the Twilio webhook: two workers.
		sid := 0
		for i, from := range []string{"+8801710000001", "+8801710000002"} {
			send := func(text string) string {
				t.Helper()
				sid++
				res, b := g.twilio(t, "acme", url.Values{"MessageSid": {"SM" + strconv.Itoa(sid)}, "From": {from}, "Body": {text}}, false)
				if res.StatusCode != 200 {
					t.Fatalf("twilio %q: %d %s", text, res.StatusCode, b)
				}
				return b
			}
			if b := send(strings.ToLower(code)); !strings.Contains(b, "1 English") {
				t.Fatalf("first SMS reply: %s", b)
			}
			send("1")
			send("2") // no own documents
			send("2") // no fee
			if b := send("CANARY-SMS-TEXT-" + string(rune('a'+i))); !strings.Contains(b, "Thank you") {
				t.Fatalf("last SMS reply: %s", b)
			}
		}
		// A message that is not a survey answer still reaches grievance intake.
		if _, b := g.twilio(t, "acme", url.Values{"MessageSid": {"SM-g"}, "From": {"+8801710000003"}, "Body": {"they keep our passports"}}, false); !strings.Contains(b, "receipt is") {
			t.Errorf("a grievance by SMS was not taken as a report: %s", b)
		}
		// The generic messaging webhook: a sixth worker.
		for i, text := range []string{code, "2", "2", "1", "1", "0"} {
			res, b := g.messages(t, "acme", genericMessage{ID: "m" + string(rune('a'+i)), From: "+8801710000009", Text: text}, g.clock.Now(), testHookSecret)
			if res.StatusCode != 200 {
				t.Fatalf("messages webhook %q: %d %s", text, res.StatusCode, b)
			}
			if i == 5 && !strings.Contains(b, "Gracias") {
				t.Errorf("messaging conversation did not finish in Spanish: %s", b)
			}
		}

		// Voice keypad: a seventh worker calls, enters the code's digits and
		// answers by key; the free-text question is not asked on a keypad.
		voice := func(digits string) string {
			t.Helper()
			form := url.Values{"CallSid": {"CA1"}, "From": {"+8801710000077"}}
			if digits != "" {
				form.Set("Digits", digits)
			}
			path := "/hooks/acme/voice"
			res := g.do(t, "POST", path, form.Encode(), "", map[string]string{"X-Twilio-Signature": twilioSignature(testTwilioToken, testPublicURL+path, form)})
			b := body(t, res)
			if res.StatusCode != 200 {
				t.Fatalf("voice %q: %d %s", digits, res.StatusCode, b)
			}
			return b
		}
		if b := voice(""); !strings.Contains(b, `<Gather input="dtmf"`) || !strings.Contains(b, `<Say language="es-US">Marque en el teclado`) {
			t.Errorf("call start: %s", b)
		}
		if b := voice("999999"); !strings.Contains(b, "not recognised") {
			t.Errorf("unknown keypad code: %s", b)
		}
		if b := voice(survey.Keypad(code) + "#"); !strings.Contains(b, "2 Español") {
			t.Errorf("keypad code: %s", b)
		}
		voice("1")
		voice("2")
		if b := voice("2"); !strings.Contains(b, "Thank you") || !strings.Contains(b, "<Hangup/>") || strings.Contains(b, "own words") {
			t.Errorf("end of the call: %s", b)
		}
		// A forged voice request is refused.
		if res := g.do(t, "POST", "/hooks/acme/voice", "From=%2B1&Digits=1", "", map[string]string{"X-Twilio-Signature": "forged"}); res.StatusCode != 401 {
			t.Errorf("forged voice webhook: %d", res.StatusCode)
		}

		// Seven respondents: the results show, as counts with intervals.
		res = g.do(t, "GET", detail, "", viewer, nil)
		page = body(t, res)
		if !strings.Contains(page, "7 respondents") || !strings.Contains(page, "No: 7, 100% (65%–100%)") || !strings.Contains(page, "Yes: 0") {
			t.Errorf("results after six answers:\n%s", page)
		}
		if strings.Contains(page, "CANARY") {
			t.Error("free text shown on the results page")
		}
		// Free text: case handlers only.
		if res := g.do(t, "GET", detail+"/texts", "", viewer, nil); res.StatusCode != 403 {
			t.Errorf("a viewer read free text: %d", res.StatusCode)
		}
		res = g.do(t, "GET", detail+"/texts", "", handler, nil)
		page = body(t, res)
		if res.StatusCode != 200 || !strings.Contains(page, "CANARY-WEB-TEXT-a") || !strings.Contains(page, "CANARY-SMS-TEXT-b") {
			t.Errorf("case handler's free text: %d\n%s", res.StatusCode, page)
		}
		// The QR code is an SVG drawn on the server.
		qr := regexp.MustCompile(`href="(/surveys/[^"]+/qr\.svg)"`).FindStringSubmatch(page)
		_ = qr
		res = g.do(t, "GET", detail+"/sites/"+url.PathEscape(parties["M"].ID)+"/qr.svg", "", viewer, nil)
		if b := body(t, res); res.StatusCode != 200 || !strings.HasPrefix(b, "<svg") {
			t.Errorf("QR code: %d %.80s", res.StatusCode, b)
		}
		// Nothing of the respondents reached the logs.
		for _, canary := range []string{"CANARY", "8801710000001", code} {
			if strings.Contains(g.logs.String(), canary) {
				t.Errorf("%q found in the logs", canary)
			}
		}
	})
}

func FuzzParseVoice(f *testing.F) {
	form := url.Values{"From": {"+15550001"}, "Digits": {"1#"}}
	f.Add(form.Encode(), twilioSignature("tok", "https://u.test/hooks/a/voice", form))
	f.Add("From=%ZZ", "x")
	f.Fuzz(func(t *testing.T, body, sig string) {
		c, err := parseVoice("tok", "https://u.test/hooks/a/voice", []byte(body), sig)
		if err != nil {
			return
		}
		if c.From == "" || len(c.Digits) > 16 || strings.Trim(c.Digits, "0123456789*#") != "" {
			t.Fatalf("accepted %+v", c)
		}
	})
}

func TestSurveyQuestionOfOurOwn(t *testing.T) {
	g, parties := surveyFixture(t, sqltest.Open(t, sqlstore.SQLite))
	_, analyst := g.login(t, g.users[account.RoleAnalyst].Email, testPassword, "")
	_, viewer := g.login(t, g.users[account.RoleViewer].Email, testPassword, "")
	form := url.Values{"title": {"Housing"}, "language": {"en", "es"}, "question": {"own_documents"},
		"site": {parties["M"].ID}, "opens": {"2026-11-20"}, "closes": {"2026-12-03"}, "rounds": {"1"}}
	res := g.do(t, "POST", "/surveys", form.Encode(), analyst, nil)
	detail, _, _ := strings.Cut(res.Header.Get("Location"), "?")
	add := func(f url.Values, session string) (*http.Response, string) {
		res := g.do(t, "POST", detail+"/questions", f.Encode(), session, nil)
		return res, body(t, res)
	}
	q := url.Values{"kind": {"choice"}, "text_en": {"Where do you sleep?"}, "text_es": {"¿Dónde duerme?"},
		"options_en": {"In a dormitory at the site\nIn my own home\nElsewhere"}, "options_es": {"En un dormitorio del lugar\nEn mi casa"},
		"indicator": {"abusive_conditions"}, "concern": {"1"}, "show_if": {"own_documents=no"}}
	if res, b := add(q, analyst); res.StatusCode != 400 || !strings.Contains(b, "options (Español): give as many options as in English") {
		t.Fatalf("options missing in Spanish: %d\n%s", res.StatusCode, b)
	}
	if res, _ := add(q, viewer); res.StatusCode != 403 {
		t.Errorf("a viewer added a question: %d", res.StatusCode)
	}
	q.Set("options_es", "En un dormitorio del lugar\nEn mi casa\nEn otro lugar")
	res, _ = add(q, analyst)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add question: %d", res.StatusCode)
	}
	res = g.do(t, "GET", res.Header.Get("Location"), "", analyst, nil)
	if b := body(t, res); !strings.Contains(b, "Question added") || !strings.Contains(b, "<li>Where do you sleep? (Abusive working and living conditions), asked only if question 1 is answered “No”</li>") {
		t.Errorf("survey page after adding:\n%s", b)
	}
	page := g.do(t, "GET", detail, "", analyst, nil)
	code := surveyCodeRE.FindStringSubmatch(body(t, page))
	if code == nil {
		t.Fatal("no site code")
	}
	res = g.do(t, "GET", "/survey/acme/"+code[1]+"?lang=es", "", "", nil)
	b := body(t, res)
	if !strings.Contains(b, "¿Dónde duerme?") || !strings.Contains(b, "En mi casa") || !strings.Contains(b, "Responda solo si respondió «No» a la pregunta 1") {
		t.Errorf("the respondent's page lacks the new question:\n%s", b)
	}
}
