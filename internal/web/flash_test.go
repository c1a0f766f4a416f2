package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/screening"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
	"github.com/upstream-platform/upstream/internal/vault"
)

// flashOf is the message a response leaves for the next page, read from
// its cookie ("" when it leaves none).
func flashOf(t *testing.T, res *http.Response) string {
	t.Helper()
	for _, c := range res.Cookies() {
		if c.Name != flashCookie || c.Value == "" {
			continue
		}
		body, _, _ := strings.Cut(c.Value, ".")
		msg, err := base64.RawURLEncoding.DecodeString(body)
		if err != nil {
			t.Fatalf("flash cookie %q: %v", c.Value, err)
		}
		return string(msg)
	}
	return ""
}

// pageConfirmations says, for every state-changing page route, how the
// person learns what it did: "flash" routes redirect with a message the
// next page shows once; "page" routes answer with a page that shows the
// result itself (a secret shown once, an import's summary, a form's own
// error). A new form route must be added here, and say what it did.
var pageConfirmations = map[string]string{
	"POST /login":                               "page", // the page asked for
	"POST /logout":                              "page", // the sign-in page
	"POST /invitations/{token}":                 "page", // "your account is ready"
	"POST /account/2fa/begin":                   "page", // the QR code to scan
	"POST /account/2fa/confirm":                 "page", // the recovery codes, once
	"POST /account/tokens":                      "page", // the new token, once
	"POST /account/tokens/{id}/revoke":          "flash",
	"POST /account/language":                    "flash",
	"POST /admin/users":                         "flash",
	"POST /admin/users/{id}/disable":            "flash",
	"POST /admin/users/{id}/enable":             "flash",
	"POST /admin/users/{id}/reset-2fa":          "flash",
	"POST /admin/settings/retention":            "flash",
	"POST /admin/settings/emergency":            "page", // the settings page says what was saved
	"POST /admin/settings/emergency/delete":     "page",
	"POST /admin/settings/supplier-search":      "page",
	"POST /admin/settings/recovery-key":         "page", // the recovery key, once
	"POST /alerts/{id}/acknowledge":             "flash",
	"POST /alerts/{id}/assign":                  "flash",
	"POST /alerts/{id}/snooze":                  "flash",
	"POST /alerts/{id}/resolve":                 "flash",
	"POST /alerts/endpoints":                    "page", // the endpoint's signing secret, once
	"POST /alerts/endpoints/{id}/delete":        "flash",
	"POST /alerts/sensitivity":                  "flash",
	"POST /alerts/closures":                     "flash",
	"POST /alerts/closures/{id}/delete":         "flash",
	"POST /scorecards/answers":                  "page", // the grade summary names the answer
	"POST /scorecards/suppliers/{id}/answers":   "page",
	"POST /surveys":                             "page", // the new survey says it was created
	"POST /surveys/{id}/questions":              "page",
	"POST /cases/spam":                          "flash",
	"POST /cases/handlers/{id}/approve":         "flash",
	"POST /cases/{id}/stage":                    "flash",
	"POST /cases/{id}/triage":                   "flash",
	"POST /cases/{id}/assign":                   "flash",
	"POST /cases/{id}/messages":                 "flash",
	"POST /cases/{id}/remedies":                 "flash",
	"POST /cases/{id}/remedies/{rid}/implement": "flash",
	"POST /cases/{id}/remedies/{rid}/withdraw":  "flash",
	"POST /cases/{id}/referral":                 "flash",
	"POST /cases/{id}/access":                   "flash",
	"POST /suppliers/duplicates/merge":          "page", // the duplicates page says what was merged
	"POST /suppliers/duplicates/keep-apart":     "page",
	"POST /suppliers/merges/{id}/undo":          "page",
	"POST /suppliers/duplicates/os-id/accept":   "page", // the duplicates page says which OS ID was given
	"POST /suppliers/duplicates/os-id/reject":   "page",
	"POST /suppliers/audits/delete":             "flash",
	"POST /suppliers/import":                    "page", // the import's summary and row errors
	"POST /screening/run":                       "flash",
	"POST /screening/lists":                     "flash",
	"POST /screening/{id}/decide":               "flash",
	"POST /screening/bulk":                      "flash",
	"POST /eudr/plots":                          "page", // the import summary and the problems found
	"POST /eudr/operator":                       "page", // the EUDR forms answer with their page saying what was done
	"POST /eudr/lots":                           "page",
	"POST /eudr/lots/{ref}":                     "page",
	"POST /eudr/lots/{ref}/assessment":          "page",
	"POST /eudr/lots/{ref}/mitigation":          "page",
	"POST /eudr/lots/{ref}/decision":            "page",
	"POST /eudr/plots/{id}/evidence":            "page",
	"POST /eudr/lots/{ref}/statement":           "page", // the lot page says which statement was made
	"POST /impact/programmes":                   "flash",
	"POST /impact/programmes/{id}/model":        "flash",
	"POST /impact/programmes/{id}/steps":        "flash",
	"POST /impact/programmes/{id}/steps/{step}": "flash",
	"POST /impact/programmes/{id}/links":        "flash",
	"POST /impact/programmes/{id}/indicators":   "flash",
	"POST /impact/programmes/{id}/observations": "flash",
	"POST /impact/programmes/{id}/entry":        "flash",
	"POST /impact/programmes/{id}/sroi":         "flash",
}

// TestEveryFormRouteSaysWhatItDid: every state-changing route outside the
// API, the webhooks and the reporter's pages is listed above with the way
// it confirms what it did, and every route listed as confirming with a
// flash does: posted as a browser would (a same-origin form, as a role
// allowed to, on data it can act on), it redirects, and the next page
// shows a non-empty message in its flash region. flashSteps posts each;
// where another test checks a message's exact words, the step names it.
func TestEveryFormRouteSaysWhatItDid(t *testing.T) {
	t.Parallel()
	w := newFlashWorld(t)
	for _, rt := range w.server(t).srv.routes() {
		method, path, _ := strings.Cut(rt.pattern, " ")
		if method == "GET" || method == "HEAD" || rt.access == reporterRoute || strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/hooks/") {
			continue
		}
		if _, ok := pageConfirmations[rt.pattern]; !ok {
			t.Errorf("%s changes something: add it to pageConfirmations and make it say what it did", rt.pattern)
		}
	}
	said := map[string]bool{}
	english := w.confirmations(t, "en", said)
	for route, how := range pageConfirmations {
		if how == "flash" && !said[route] {
			t.Errorf("%s is declared as confirming with a flash, but no step here shows it does: add one to flashSteps", route)
		}
	}
	// The same forms from a Spanish browser say what they did in Spanish:
	// not the English sentence, and no English words around the values.
	spanish := newFlashWorld(t).confirmations(t, "es", nil)
	for i, st := range spanish {
		if i >= len(english) || st.msg == "" {
			continue
		}
		if words := englishWords(st.msg); st.msg == english[i].msg || len(words) > 0 {
			t.Errorf("%s: from a Spanish browser the message reads %q (English: %q; English words: %v)", st.route, st.msg, english[i].msg, words)
		}
	}
}

// confirmation is the message one step's form left for the next page.
type confirmation struct{ route, msg string }

// confirmations runs every flash step with the browser asking for lang,
// checks that each leaves a message the next page shows, marks the routes
// that did in said (when not nil), and returns the messages in order.
func (w *flashWorld) confirmations(t *testing.T, lang string, said map[string]bool) []confirmation {
	t.Helper()
	var out []confirmation
	for _, st := range w.flashSteps(t, lang) {
		if pageConfirmations[st.route] != "flash" {
			t.Errorf("%s: a step for a route not declared as confirming with a flash", st.route)
		}
		req := st.req()
		msg, shown := w.postAndFollow(t, st.role, lang, req)
		switch {
		case msg == "":
			t.Errorf("%s (%s, %s): the form left no message for the next page", st.route, lang, req.path)
		case shown != msg:
			t.Errorf("%s (%s, %s): the next page's flash region reads %q, want %q", st.route, lang, req.path, shown, msg)
		case said != nil:
			said[st.route] = true
		}
		out = append(out, confirmation{st.route, msg})
	}
	return out
}

// englishWords are the words of msg that English sentences are made of
// and Spanish ones are not; the values in the messages (names, titles)
// have none.
func englishWords(msg string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(msg), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if englishWord[w] {
			out = append(out, w)
		}
	}
	return out
}

var englishWord = map[string]bool{"the": true, "is": true, "are": true, "was": true, "were": true, "and": true, "to": true, "of": true, "for": true,
	"with": true, "now": true, "your": true, "their": true, "they": true, "it": true, "has": true, "have": true, "as": true, "on": true, "by": true,
	"from": true, "longer": true, "can": true}

// flashWorld is one organisation with every capability wired to one
// database, and something for each form to act on: a case, alerts,
// watchlist hits, an impact programme, supplier audits.
type flashWorld struct {
	*gFixture
	alerts    *alertsFixture
	screening *screeningFixture
	impact    *impactFixture
	sessions  map[account.Role]string
}

func newFlashWorld(t *testing.T) *flashWorld {
	t.Helper()
	db := sqltest.Open(t, sqlstore.SQLite)
	g := newGFixture(t, db, vault.TestParams())
	siteAuditsOn(t, g.fixture, db)
	w := &flashWorld{gFixture: g, alerts: alertsOn(g.fixture, db), screening: screeningOn(t, g.fixture, db), impact: impactOn(t, g.fixture, db),
		sessions: map[account.Role]string{}}
	for role, u := range g.users {
		_, s := g.login(t, u.Email, testPassword, "")
		if s == "" {
			t.Fatalf("login %s", role)
		}
		w.sessions[role] = s
	}
	return w
}

// flashRequest is one form post: url-encoded, or multipart when it sends
// a file.
type flashRequest struct {
	path string
	form url.Values
	// file, when set, is sent as the form's file field with form's
	// fields beside it.
	file *struct{ field, name, content string }
}

// flashStep posts to one flash route; req is built when its turn comes,
// from what earlier steps made.
type flashStep struct {
	route string
	role  account.Role
	req   func() flashRequest
	// words names the test that checks the message's exact words, where
	// one does.
	words string
}

// postAndFollow posts req as role from the site's own page, then follows
// the redirect with the flash cookie it set, as the browser does; it
// returns the message the cookie carries and the text of the next page's
// flash region.
func (w *flashWorld) postAndFollow(t *testing.T, role account.Role, lang string, req flashRequest) (msg, shown string) {
	t.Helper()
	sameSite := map[string]string{"Origin": "http://upstream.test", "Sec-Fetch-Site": "same-origin", "Accept-Language": lang}
	var res *http.Response
	if req.file != nil {
		extra := map[string]string{}
		for k := range req.form {
			extra[k] = req.form.Get(k)
		}
		ctype, b := multipartBody(t, req.file.field, req.file.name, req.file.content, extra)
		raw, _ := io.ReadAll(b)
		sameSite["Content-Type"] = ctype
		res = w.do(t, "POST", req.path, string(raw), w.sessions[role], sameSite)
		delete(sameSite, "Content-Type")
	} else {
		res = w.do(t, "POST", req.path, req.form.Encode(), w.sessions[role], sameSite)
	}
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("%s: status %d, want a redirect:\n%.1500s", req.path, res.StatusCode, body(t, res))
		return "", ""
	}
	msg = flashOf(t, res)
	var flash *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == flashCookie && c.Value != "" {
			flash = c
		}
	}
	if flash == nil {
		return "", ""
	}
	next, _, _ := strings.Cut(res.Header.Get("Location"), "#")
	page := body(t, withFlash(t, w.fixture, next, w.sessions[role], lang, flash))
	if _, region, ok := strings.Cut(page, `id="flash">`); ok {
		region, _, _ = strings.Cut(region, "</p>")
		shown = html.UnescapeString(region)
	}
	return msg, shown
}

// flashSteps are the posts to every flash route from a browser asking for
// lang, in an order where each finds what it needs: a case is worked from
// acknowledgement to a remedy carried out, alerts are handled, hits
// decided, the demo programme edited, and people's accounts changed last.
func (w *flashWorld) flashSteps(t *testing.T, lang string) []flashStep {
	ctx := context.Background()
	org := w.org.ID
	handler, analyst := w.users[account.RoleCaseHandler], w.users[account.RoleAnalyst]
	post := func(path string, form url.Values) func() flashRequest {
		return func() flashRequest { return flashRequest{path: path, form: form} }
	}

	// A case, and a second report to mark as spam.
	rc, _, _ := w.submitReport(t, "acme", url.Values{"narrative": {"wages held back three months"}, "category": {"withholding_of_wages"}}, nil)
	id := w.reportIDByReceipt(t, rc)
	junk, _, _ := w.submitReport(t, "acme", url.Values{"narrative": {"junk junk"}}, nil)
	kase := "/cases/" + id
	remedy := func(i int) string {
		t.Helper()
		rems, err := w.st.Remedies(ctx, org, id)
		if err != nil || len(rems) <= i {
			t.Fatalf("remedies of the case: %d, %v", len(rems), err)
		}
		return rems[i].ID
	}
	// A second case handler, waiting for approval.
	mallory := w.addUser(t, w.sessions[account.RoleAdmin], "mallory@acme.example", "Mallory", account.RoleCaseHandler, testPassword)
	fingerprint := regexp.MustCompile(`id="key-fingerprint">([A-Z2-7-]+)<`)

	a := w.alerts.raise(t, org, "supplier-9", earlywarning.SeverityHigh)
	ep := earlywarning.Endpoint{ID: "endpoint-1", OrgID: org, Channel: earlywarning.ChannelEmail, Target: "alerts@acme.example", MinSeverity: earlywarning.SeverityLow}
	if err := w.alerts.st.CreateEndpoint(ctx, ep, w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	hits := func() []screening.ReviewItem {
		t.Helper()
		items, err := w.db.Screening().ListReviewItems(ctx, screening.ReviewFilter{OrgID: org, Status: screening.StatusPending})
		if err != nil || len(items) == 0 {
			t.Fatalf("pending hits: %d, %v", len(items), err)
		}
		return items
	}
	prog := w.impact.prog
	version := func() string {
		t.Helper()
		p, err := w.impact.svc.Programme(ctx, org, prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		return modelVersion(p)
	}
	grid := entryProgramme(t, w.impact)
	model, err := json.Marshal(impact.DemoModel())
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := w.accounts.CreateAPIToken(ctx, w.users[account.RoleViewer], account.TokenRequest{Name: "spreadsheet", Scopes: account.RoleScopes(account.RoleViewer)})
	if err != nil {
		t.Fatal(err)
	}
	w.addUser(t, w.sessions[account.RoleAdmin], "bea@acme.example", "Bea", account.RoleAnalyst, testPassword)
	beaUser, err := w.accounts.Store.UserByEmail(ctx, "bea@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	const cases, admin, analysts, viewer = account.RoleCaseHandler, account.RoleAdmin, account.RoleAnalyst, account.RoleViewer
	uflpa := "name,aliases,uflpa_section,date_added\nNew Polysilicon Works Co. Ltd.,,Section 2(d)(2)(B)(ii),2026-11-20\n"

	return []flashStep{
		// The case, as its handler.
		{route: "POST /cases/{id}/stage", role: cases, req: post(kase+"/stage", url.Values{"to": {"acknowledged"}})},
		{route: "POST /cases/{id}/messages", role: cases, req: post(kase+"/messages", url.Values{"text": {"Thank you, we are looking into it"}})},
		{route: "POST /cases/{id}/triage", role: cases, req: post(kase+"/triage", url.Values{"category": {"withholding_of_wages"}, "severity": {"high"}, "country": {"bd"}})},
		{route: "POST /cases/{id}/assign", role: cases, req: post(kase+"/assign", url.Values{"assignee": {handler.ID}})},
		{route: "POST /cases/{id}/referral", role: cases, req: post(kase+"/referral", url.Values{"purpose": {"share_with_authorities"}, "override": {"legal_duty"},
			"note": {"district office inspector Ruiz"}})},
		{route: "POST /cases/{id}/stage", role: cases, req: post(kase+"/stage", url.Values{"to": {"investigating"}})},
		{route: "POST /cases/{id}/stage", role: cases, req: post(kase+"/stage", url.Values{"to": {"remediation"}})},
		{route: "POST /cases/{id}/remedies", role: cases, req: post(kase+"/remedies", url.Values{"type": {"back_pay"}, "amount": {"450.00"}, "currency": {"usd"},
			"description": {"three months of wages"}})},
		{route: "POST /cases/{id}/remedies", role: cases, req: post(kase+"/remedies", url.Values{"type": {"back_pay"}, "amount": {"120.00"}, "currency": {"usd"},
			"description": {"overtime of the last month"}})},
		{route: "POST /cases/{id}/remedies/{rid}/withdraw", role: cases, req: func() flashRequest {
			return flashRequest{path: kase + "/remedies/" + remedy(1) + "/withdraw"}
		}},
		{route: "POST /cases/{id}/remedies/{rid}/implement", role: cases, req: func() flashRequest {
			r := remedy(0)
			if res, page := w.followUp(t, "acme", url.Values{"receipt": {rc}, "action": {"remedy"}, "remedy": {r}, "decision": {"accept"}}); res.StatusCode != http.StatusOK {
				t.Fatalf("the reporter accepts the remedy: %d %.500s", res.StatusCode, page)
			}
			return flashRequest{path: kase + "/remedies/" + r + "/implement", form: url.Values{"note": {"paid in cash, worker signed"}, "day": {w.clock.Now().Format("2006-01-02")}}}
		}},
		{route: "POST /cases/handlers/{id}/approve", role: cases, req: func() flashRequest {
			fp := fingerprint.FindStringSubmatch(body(t, w.do(t, "GET", "/account", "", mallory, nil)))
			if fp == nil {
				t.Fatal("the new case handler's account page shows no fingerprint")
			}
			u, err := w.accounts.Store.UserByEmail(ctx, "mallory@acme.example")
			if err != nil {
				t.Fatal(err)
			}
			return flashRequest{path: "/cases/handlers/" + u.ID + "/approve", form: url.Values{"fingerprint": {fp[1]}}}
		}},
		{route: "POST /cases/{id}/access", role: cases, req: post(kase+"/access", url.Values{"email": {"mallory@acme.example"}})},
		{route: "POST /cases/spam", role: cases, words: "TestMarkSpamDestroysNewReportsAudited",
			req: func() flashRequest {
				return flashRequest{path: "/cases/spam", form: url.Values{"report": {w.reportIDByReceipt(t, junk)}, "confirm": {"yes"}}}
			}},

		// Alerts and their settings: the words are TestFormsConfirmWhatTheyDid's.
		{route: "POST /alerts/{id}/acknowledge", role: analysts, req: post("/alerts/"+a.ID+"/acknowledge", nil), words: "TestFormsConfirmWhatTheyDid"},
		{route: "POST /alerts/{id}/assign", role: analysts, req: post("/alerts/"+a.ID+"/assign", url.Values{"user": {analyst.ID}}), words: "TestFormsConfirmWhatTheyDid"},
		{route: "POST /alerts/{id}/snooze", role: analysts, req: post("/alerts/"+a.ID+"/snooze", url.Values{"hours": {"4"}}), words: "TestFormsConfirmWhatTheyDid"},
		{route: "POST /alerts/{id}/resolve", role: analysts, req: post("/alerts/"+a.ID+"/resolve", url.Values{"resolution": {"checked with the supplier"}}), words: "TestFormsConfirmWhatTheyDid"},
		{route: "POST /alerts/sensitivity", role: admin, req: post("/alerts/sensitivity", url.Values{"sensitivity": {"quiet"}}), words: "TestFormsConfirmWhatTheyDid"},
		{route: "POST /alerts/closures", role: admin, req: post("/alerts/closures", url.Values{"from": {"2026-04-13"}, "to": {"2026-04-15"}, "kind": {"holiday"},
			"label": {"Songkran"}}), words: "TestFormsConfirmWhatTheyDid"},
		{route: "POST /alerts/closures/{id}/delete", role: admin, req: func() flashRequest {
			stored, err := w.alerts.st.Closures(ctx, org, 0, 1<<30)
			if err != nil || len(stored) == 0 {
				t.Fatalf("closures: %d, %v", len(stored), err)
			}
			return flashRequest{path: "/alerts/closures/" + stored[0].ID + "/delete"}
		}},
		{route: "POST /alerts/endpoints/{id}/delete", role: admin, req: post("/alerts/endpoints/"+ep.ID+"/delete", nil), words: "TestFormsConfirmWhatTheyDid"},

		// Screening.
		{route: "POST /screening/run", role: analysts, req: post("/screening/run", nil), words: "TestScreeningQueue"},
		{route: "POST /screening/{id}/decide", role: analysts, words: "TestScreeningPageShowsDecision", req: func() flashRequest {
			return flashRequest{path: "/screening/" + hits()[0].ID + "/decide", form: url.Values{"decision": {"dismissed"}, "reason": {"a different Hoshine, Ningbo"}}}
		}},
		{route: "POST /screening/bulk", role: analysts, words: "TestScreeningBulkDecisions", req: func() flashRequest {
			form := url.Values{"decision": {"confirmed"}, "reason": {"same registered address"}}
			for _, h := range hits() {
				form.Add("hit", h.ID)
			}
			return flashRequest{path: "/screening/bulk", form: form}
		}},
		{route: "POST /screening/lists", role: admin, words: "TestScreeningReplaceList", req: func() flashRequest {
			return flashRequest{path: "/screening/lists", form: url.Values{"dataset": {screening.DatasetUFLPA}},
				file: &struct{ field, name, content string }{"file", "uflpa_2026-11.csv", uflpa}}
		}},

		// Suppliers.
		{route: "POST /suppliers/audits/delete", role: analysts, words: "TestSiteAuditsPageListsAndDeletes",
			req: post("/suppliers/audits/delete", url.Values{"party": {supplychain.RefID("M1")}, "scheme": {"SA8000"}, "date": {"2026-06-01"}})},

		// Impact: the words of the logic-model forms are TestImpactModelForms'.
		{route: "POST /impact/programmes", role: analysts, req: post("/impact/programmes", url.Values{"name": {"Legal aid in Dhaka"}})},
		{route: "POST /impact/programmes/{id}/model", role: analysts, req: post("/impact/programmes/"+prog.ID+"/model", url.Values{"model": {string(model)}})},
		{route: "POST /impact/programmes/{id}/steps", role: analysts, words: "TestImpactModelForms", req: func() flashRequest {
			return flashRequest{path: "/impact/programmes/" + prog.ID + "/steps", form: url.Values{"kind": {"output"}, "title": {"Legal advice sessions"},
				"after": {"support"}, "version": {version()}}}
		}},
		{route: "POST /impact/programmes/{id}/steps/{step}", role: analysts, words: "TestImpactModelForms", req: func() flashRequest {
			return flashRequest{path: "/impact/programmes/" + prog.ID + "/steps/sessions", form: url.Values{"action": {"save"}, "title": {"Counselling sessions given"},
				"version": {version()}}}
		}},
		{route: "POST /impact/programmes/{id}/links", role: analysts, words: "TestImpactModelForms", req: func() flashRequest {
			return flashRequest{path: "/impact/programmes/" + prog.ID + "/links", form: url.Values{"from": {"support"}, "to": {"sessions"}, "action": {"add"},
				"assumption": {"Survivors can reach the clinic"}, "risk": {"medium"}, "evidence": {"Clinic logs 2025"}, "strength": {"moderate"}, "version": {version()}}}
		}},
		{route: "POST /impact/programmes/{id}/indicators", role: analysts, words: "TestImpactModelForms", req: func() flashRequest {
			return flashRequest{path: "/impact/programmes/" + prog.ID + "/indicators", form: url.Values{"action": {"save"}, "name": {"Legal advice sessions held"},
				"unit": {"sessions"}, "node": {"sessions"}, "direction": {"higher"}, "aggregation": {"sum"}, "baseline": {"0"}, "baseline_date": {"2026-01-01"},
				"target": {"40"}, "target_date": {"2026-12-31"}, "version": {version()}}}
		}},
		{route: "POST /impact/programmes/{id}/observations", role: analysts, req: func() flashRequest {
			return flashRequest{path: "/impact/programmes/" + prog.ID + "/observations",
				file: &struct{ field, name, content string }{"file", "q.csv", "indicator,period,value\n" + impact.DemoTrained + ",2027Q1,5\n"}}
		}},
		{route: "POST /impact/programmes/{id}/entry", role: analysts, words: "TestImpactEntryGrid", req: post("/impact/programmes/"+grid.ID+"/entry",
			url.Values{"indicator": {"T"}, "type": {"quarterly"}, "year": {"2026"}, "place.0": {""}, "place.1": {"Ghana"}, "place.2": {"Kenya"},
				"v.2.0": {"15"}, "was.2.0": {"12"}})},
		{route: "POST /impact/programmes/{id}/sroi", role: analysts, words: "TestImpactMapForm", req: post("/impact/programmes/"+prog.ID+"/sroi",
			url.Values{"currency": {"usd"}, "discount": {"3.5"}, "inputs": {"1"}, "outcomes": {"1"},
				"in-0-stakeholder": {"Funder"}, "in-0-description": {"Grant"}, "in-0-value": {"120,000"},
				"out-0-stakeholder": {"Survivors"}, "out-0-outcome": {"In decent work"}, "out-0-indicator": {impact.DemoEmployed},
				"out-0-quantity": {"80"}, "out-0-proxy": {"4200"}, "out-0-deadweight": {"25"}, "out-0-attribution": {"10"},
				"out-0-drop_off": {"20"}, "out-0-duration": {"3"}, "out-0-start": {"during"}})},

		// People and settings, last: they change who may do what.
		{route: "POST /admin/users", role: admin, words: "TestFormsConfirmWhatTheyDid",
			req: post("/admin/users", url.Values{"email": {"ana@acme.example"}, "name": {"Ana Lopes"}, "role": {"case_handler"}})},
		{route: "POST /admin/users/{id}/reset-2fa", role: admin, req: post("/admin/users/"+beaUser.ID+"/reset-2fa", nil), words: "TestFormsConfirmWhatTheyDid"},
		{route: "POST /admin/users/{id}/disable", role: admin, req: post("/admin/users/"+beaUser.ID+"/disable", nil), words: "TestFormsConfirmWhatTheyDid"},
		{route: "POST /admin/users/{id}/enable", role: admin, req: post("/admin/users/"+beaUser.ID+"/enable", nil), words: "TestFormsConfirmWhatTheyDid"},
		{route: "POST /admin/settings/retention", role: admin, req: post("/admin/settings/retention", url.Values{"retention_days": {"400"}}),
			words: "TestFormsConfirmWhatTheyDid"},
		{route: "POST /account/tokens/{id}/revoke", role: viewer, req: post("/account/tokens/"+token.ID+"/revoke", nil)},
		// The language chosen is another than the browser's, as people do.
		{route: "POST /account/language", role: viewer, req: post("/account/language", url.Values{"language": {map[bool]string{true: "fr", false: "es"}[lang == "es"]}})},
	}
}

// TestFormsConfirmWhatTheyDid runs the account, settings and alert forms
// and reads the message each leaves for the next page.
func TestFormsConfirmWhatTheyDid(t *testing.T) {
	t.Parallel()
	f := newAlertsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	_, admin := f.login(t, f.users[account.RoleAdmin].Email, testPassword, "")
	a := f.raise(t, f.org.ID, "supplier-9", earlywarning.SeverityHigh)
	analyst := f.users[account.RoleAnalyst]
	ep := earlywarning.Endpoint{ID: "endpoint-1", OrgID: f.org.ID, Channel: earlywarning.ChannelEmail, Target: "alerts@acme.example", MinSeverity: earlywarning.SeverityLow}
	if err := f.st.CreateEndpoint(context.Background(), ep, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, form, want string
	}{
		{"invite a user", "/admin/users", "email=ana%40acme.example&name=Ana+Lopes&role=case_handler", "An invitation to join as case handler is on its way to Ana Lopes (ana@acme.example)."},
		{"disable a user", "/admin/users/" + analyst.ID + "/disable", "", analyst.Name + " is disabled"},
		{"enable a user", "/admin/users/" + analyst.ID + "/enable", "", analyst.Name + " is enabled"},
		{"reset a second factor", "/admin/users/" + analyst.ID + "/reset-2fa", "", "The second factor of " + analyst.Name + " is reset"},
		{"retention", "/admin/settings/retention", "retention_days=400", "kept for 400 days after their case closes"},
		{"acknowledge an alert", "/alerts/" + a.ID + "/acknowledge", "", "Alert acknowledged"},
		{"assign an alert", "/alerts/" + a.ID + "/assign", "user=" + analyst.ID, "Alert assigned to " + analyst.Name + "."},
		{"snooze an alert", "/alerts/" + a.ID + "/snooze", "hours=4", "Alert snoozed until"},
		{"resolve an alert", "/alerts/" + a.ID + "/resolve", "resolution=checked+with+the+supplier", "Alert resolved."},
		{"sensitivity", "/alerts/sensitivity", "sensitivity=quiet", "Sensitivity saved: Fewer false alarms."},
		{"closure", "/alerts/closures", "from=2026-04-13&to=2026-04-15&kind=holiday&label=Songkran", "Closure added: Songkran, 13 April 2026 to 15 April 2026."},
		{"remove an endpoint", "/alerts/endpoints/" + ep.ID + "/delete", "", "Delivery endpoint removed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := f.do(t, "POST", tc.path, tc.form, admin, nil)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("status %d: %s", res.StatusCode, body(t, res))
			}
			if msg := flashOf(t, res); !strings.Contains(msg, tc.want) {
				t.Errorf("message %q, want %q", msg, tc.want)
			}
		})
	}
}

// withFlash sends a request with a session and a flash cookie, from a
// browser asking for lang ("" for none).
func withFlash(t *testing.T, f *fixture, path, session, lang string, flash *http.Cookie) *http.Response {
	t.Helper()
	req := httptest.NewRequest("GET", "http://upstream.test"+path, nil)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
	req.AddCookie(flash)
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec.Result()
}

// TestFlashShownOnceAndOnlyToItsSession: the message is shown on the next
// page and cleared; the same cookie with another session, or with its text
// changed, shows nothing.
func TestFlashShownOnceAndOnlyToItsSession(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sqltest.Open(t, sqlstore.SQLite))
	_, admin := f.login(t, f.users[account.RoleAdmin].Email, testPassword, "")
	_, other := f.login(t, f.users[account.RoleAdmin].Email, testPassword, "")
	res := f.do(t, "POST", "/admin/settings/retention", "retention_days=200", admin, nil)
	var flash *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == flashCookie {
			flash = c
		}
	}
	if flash == nil || !flash.HttpOnly || flash.SameSite != http.SameSiteLaxMode || !flash.Secure {
		t.Fatalf("flash cookie %+v: want HttpOnly, SameSite=Lax, Secure", flash)
	}
	want := "kept for 200 days"

	page := withFlash(t, f, "/admin/settings", admin, "", flash)
	if b := body(t, page); !strings.Contains(b, `id="flash">Retention saved: grievance records are kept for 200 days`) {
		t.Errorf("the next page does not say what was done:\n%.2000s", b)
	}
	cleared := false
	for _, c := range page.Cookies() {
		cleared = cleared || (c.Name == flashCookie && c.MaxAge < 0)
	}
	if !cleared {
		t.Error("the message is not cleared once shown")
	}
	if b := body(t, withFlash(t, f, "/admin/settings", other, "", flash)); strings.Contains(b, want) {
		t.Error("another session's browser shows the message")
	}
	body64, sig, _ := strings.Cut(flash.Value, ".")
	msg, _ := base64.RawURLEncoding.DecodeString(body64)
	forged := &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(msg), "200", "900", 1))) + "." + sig}
	if b := body(t, withFlash(t, f, "/admin/settings", admin, "", forged)); strings.Contains(b, "900 days") {
		t.Error("a message with changed text is shown")
	}
}
