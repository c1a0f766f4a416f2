package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/vault"
)

var casesAuth = map[string][]string{
	"GET /cases":                                {"case_handler"},
	"GET /api/v1/cases":                         {"case_handler"},
	"GET /api/v1/cases/{id}":                    {"case_handler"},
	"POST /api/v1/cases/{id}/stage":             {"case_handler"},
	"POST /cases/spam":                          {"case_handler"},
	"POST /cases/handlers/{id}/approve":         {"case_handler"},
	"GET /cases/{id}":                           {"case_handler"},
	"GET /cases/{id}/attachments/{aid}":         {"case_handler"},
	"POST /cases/{id}/stage":                    {"case_handler"},
	"POST /cases/{id}/triage":                   {"case_handler"},
	"POST /cases/{id}/assign":                   {"case_handler"},
	"POST /cases/{id}/messages":                 {"case_handler"},
	"POST /cases/{id}/remedies":                 {"case_handler"},
	"POST /cases/{id}/remedies/{rid}/implement": {"case_handler"},
	"GET /cases/{id}/remedies/{rid}/evidence":   {"case_handler"},
	"POST /cases/{id}/remedies/{rid}/withdraw":  {"case_handler"},
	"POST /cases/{id}/referral":                 {"case_handler"},
	"POST /cases/{id}/access":                   {"case_handler"},
}

// locatorOf returns the locator digits of a displayed receipt.
func locatorOf(receipt string) string {
	return strings.ReplaceAll(receipt, "-", "")[:grievance.LocatorDigits]
}

func (g *gFixture) reportIDByReceipt(t *testing.T, receipt string) string {
	t.Helper()
	recs, err := g.st.ReceiptsByLocator(context.Background(), g.org.ID, locatorOf(receipt))
	if err != nil || len(recs) != 1 {
		t.Fatalf("receipts on the locator: %d, %v", len(recs), err)
	}
	return recs[0].ReportID
}

func (g *gFixture) post(t *testing.T, path, session string, form url.Values) *http.Response {
	t.Helper()
	return g.do(t, "POST", path, form.Encode(), session, nil)
}

// TestEveryRoleAgainstCaseRoutes runs every role against every case route
// on a real case, with the grievance mechanism wired: only the case
// handler who holds the case's key gets in; the admin (no cases.handle)
// and a second handler without a key for the case are refused.
func TestEveryRoleAgainstCaseRoutes(t *testing.T) {
	t.Parallel() // its own database and server
	g := newGFixture(t, sqltest.Open(t, sqlstore.SQLite), vault.TestParams())
	ctx := context.Background()
	sessions := map[string]string{"anonymous": ""}
	for role, u := range g.users {
		_, s := g.login(t, u.Email, testPassword, "")
		sessions[string(role)] = s
	}
	// The handler signed in before the report, so it is wrapped to them.
	rc, _, _ := g.submitReport(t, "acme", url.Values{"narrative": {"case route test"}}, map[string][]byte{"p.jpg": jpegBytes("x")})
	id := g.reportIDByReceipt(t, rc)
	// A second handler, created and signed in after the report, holds no key for it.
	other, err := g.accounts.CreateUser(ctx, account.NewUser{OrgID: g.org.ID, Email: "other@acme.example", Name: "o", Role: account.RoleCaseHandler, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	_, sessions["other_handler"] = g.login(t, other.Email, testPassword, "")
	atts, _ := g.st.Attachments(ctx, g.org.ID, id)
	for _, rt := range caseRoutes(g.server(t).srv.routes()) {
		method, path, _ := strings.Cut(rt.pattern, " ")
		path = strings.NewReplacer("{id}", id, "{aid}", atts[0].ID, "{rid}", "00000000-0000-7000-8000-000000000000").Replace(path)
		for _, who := range []string{"anonymous", "admin", "analyst", "viewer", "other_handler", "case_handler"} {
			t.Run(rt.pattern+"/"+who, func(t *testing.T) {
				res := g.do(t, method, path, "", sessions[who], nil)
				switch who {
				case "anonymous":
					if res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusUnauthorized {
						t.Fatalf("anonymous: %d", res.StatusCode)
					}
				case "admin", "analyst", "viewer":
					if res.StatusCode != http.StatusForbidden {
						t.Fatalf("%s: %d", who, res.StatusCode)
					}
				case "other_handler":
					if path != "/cases" && path != "/cases/spam" && res.StatusCode != http.StatusForbidden {
						t.Fatalf("a handler without the case's key: %d", res.StatusCode)
					}
				case "case_handler":
					if res.StatusCode == http.StatusForbidden || res.StatusCode == http.StatusUnauthorized || res.StatusCode >= 500 {
						t.Fatalf("the case's handler: %d", res.StatusCode)
					}
				}
			})
		}
	}
}

// TestMarkSpamDestroysNewReportsAudited: a handler ticks junk reports in
// the inbox and marks them as spam; they are destroyed, each with its own
// audit entry, while an acknowledged case ticked by mistake and the
// genuine report left unticked survive.
func TestMarkSpamDestroysNewReportsAudited(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		g := newGFixture(t, db, vault.TestParams())
		ctx := context.Background()
		_, h := g.login(t, "case_handler@acme.example", testPassword, "")
		var junk []string
		for range 3 {
			rc, _, _ := g.submitReport(t, "acme", url.Values{"narrative": {"junk junk"}}, nil)
			junk = append(junk, g.reportIDByReceipt(t, rc))
		}
		rc, _, _ := g.submitReport(t, "acme", url.Values{"narrative": {"they took our passports"}}, nil)
		genuine := g.reportIDByReceipt(t, rc)
		rc, _, _ = g.submitReport(t, "acme", url.Values{"narrative": {"acknowledged already"}}, nil)
		worked := g.reportIDByReceipt(t, rc)
		if res := g.post(t, "/cases/"+worked+"/stage", h, url.Values{"to": {"acknowledged"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("acknowledge: %d", res.StatusCode)
		}
		inbox := body(t, g.do(t, "GET", "/cases", "", h, nil))
		if !strings.Contains(inbox, `name="report" value="`+junk[0]+`"`) || strings.Contains(inbox, `name="report" value="`+worked+`"`) {
			t.Fatal("the inbox offers a spam box for new reports only")
		}
		if res := g.post(t, "/cases/spam", h, url.Values{"report": junk}); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("without confirmation: %d", res.StatusCode)
		}
		res := g.post(t, "/cases/spam", h, url.Values{"report": append(slices.Clone(junk), worked), "confirm": {"yes"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("mark as spam: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if msg := flashOf(t, res); !strings.Contains(msg, "3 reports were marked as spam") {
			t.Fatalf("no confirmation of what was done: %q", msg)
		}
		for _, id := range junk {
			if r, err := g.st.Report(ctx, g.org.ID, id); err != nil || !r.Purged {
				t.Fatalf("junk report %s not destroyed: %v", id, err)
			}
		}
		for _, id := range []string{genuine, worked} {
			if r, err := g.st.Report(ctx, g.org.ID, id); err != nil || r.Purged {
				t.Fatalf("report %s destroyed: %v", id, err)
			}
		}
		spam := 0
		err := db.AuditLog().Entries(ctx, g.org.ID, 0, func(e audit.Entry) error {
			if e.Action == grievance.ActionMarkSpam {
				spam++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if spam != 3 {
			t.Fatalf("%d spam audit entries, want 3", spam)
		}
		// One report, on a Spanish page: the words around the count agree
		// with it.
		rc, _, _ = g.submitReport(t, "acme", url.Values{"narrative": {"junk"}}, nil)
		one := g.reportIDByReceipt(t, rc)
		res = g.do(t, "POST", "/cases/spam", url.Values{"report": {one}, "confirm": {"yes"}}.Encode(), h, map[string]string{"Accept-Language": "es"})
		if msg := flashOf(t, res); !strings.Contains(msg, "1 denuncia marcada como spam y destruida") {
			t.Fatalf("one report on a Spanish page: %q", msg)
		}
	})
}

func TestHandlerWorksCaseToClosure(t *testing.T) {
	t.Parallel() // its own database and server
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		g := newGFixture(t, db, vault.TestParams())
		ctx := context.Background()
		_, h := g.login(t, "case_handler@acme.example", testPassword, "")
		rc, _, _ := g.submitReport(t, "acme", url.Values{"narrative": {"wages held back three months"}, "category": {"withholding_of_wages"},
			"contact": {"ask for Ana at the gate"}, "identity": {"Ana Pereira"}}, nil)
		id := g.reportIDByReceipt(t, rc)

		inbox := body(t, g.do(t, "GET", "/cases", "", h, nil))
		if !strings.Contains(inbox, "/cases/"+id) || !strings.Contains(inbox, "Withholding of wages") {
			t.Fatalf("inbox: %s", inbox)
		}
		page := body(t, g.do(t, "GET", "/cases/"+id, "", h, nil))
		if !strings.Contains(page, "wages held back three months") || strings.Contains(page, "Ana Pereira") {
			t.Fatal("the case page shows the narrative and hides identity by default")
		}
		if page := body(t, g.do(t, "GET", "/cases/"+id+"?show=identity", "", h, nil)); !strings.Contains(page, "Ana Pereira") {
			t.Fatal("identity not shown on request")
		}
		steps := []struct {
			path string
			form url.Values
		}{
			{"/stage", url.Values{"to": {"acknowledged"}}},
			{"/messages", url.Values{"text": {"Thank you, we are looking into it"}}},
			{"/messages", url.Values{"text": {"internal: call the auditor"}, "internal": {"1"}}},
			{"/stage", url.Values{"to": {"investigating"}, "note": {"site visit planned"}}},
			{"/triage", url.Values{"category": {"withholding_of_wages", "debt_bondage"}, "severity": {"high"}, "country": {"bd"}}},
			{"/stage", url.Values{"to": {"remediation"}}},
			{"/remedies", url.Values{"type": {"back_pay"}, "amount": {"450.00"}, "currency": {"usd"}, "description": {"three months of wages"}}},
		}
		for _, st := range steps {
			if res := g.post(t, "/cases/"+id+st.path, h, st.form); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s: %d %s", st.path, res.StatusCode, body(t, res))
			}
		}
		// Referral without consent needs an override reason.
		if res := g.post(t, "/cases/"+id+"/referral", h, url.Values{"purpose": {"share_with_authorities"}, "note": {"district office inspector Ruiz"}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("referral without consent or override: %d", res.StatusCode)
		}
		if res := g.post(t, "/cases/"+id+"/referral", h, url.Values{"purpose": {"share_with_authorities"}, "override": {"legal_duty"}, "note": {"district office inspector Ruiz"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("referral with override: %d", res.StatusCode)
		}
		// The reporter sees the reply (not the internal note) and accepts the remedy.
		_, view := g.followUp(t, "acme", url.Values{"receipt": {rc}})
		if !strings.Contains(view, "Thank you, we are looking into it") || strings.Contains(view, "call the auditor") || strings.Contains(view, "inspector Ruiz") {
			t.Fatalf("reporter view: %s", view)
		}
		rems, _ := g.st.Remedies(ctx, g.org.ID, id)
		if res, page := g.followUp(t, "acme", url.Values{"receipt": {rc}, "action": {"remedy"}, "remedy": {rems[0].ID}, "decision": {"accept"}}); res.StatusCode != 200 {
			t.Fatalf("accept: %d %s", res.StatusCode, page)
		}
		for _, st := range []struct {
			path string
			form url.Values
		}{
			{"/remedies/" + rems[0].ID + "/implement", url.Values{"note": {"paid in cash, worker signed"}, "day": {g.clock.Now().Format("2006-01-02")}}},
			{"/stage", url.Values{"to": {"closed"}, "reason": {"resolved"}}},
		} {
			if res := g.post(t, "/cases/"+id+st.path, h, st.form); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s: %d %s", st.path, res.StatusCode, body(t, res))
			}
		}
		r, _ := g.st.Report(ctx, g.org.ID, id)
		if r.Case.Stage != grievance.StageClosed || r.Triage.Severity != grievance.SeverityHigh || r.Triage.Country != "BD" {
			t.Fatalf("report after closure: %+v", r.Case)
		}
		_, view = g.followUp(t, "acme", url.Values{"receipt": {rc}, "action": {"message"}, "text": {"thank you, we were paid"}})
		if !strings.Contains(view, grievance.StageLabel(grievance.StageClosed, "en")) {
			t.Fatal("the reporter sees the case closed and can still give feedback")
		}
		// Every view and change is in the audit log, and the chain verifies.
		var actions []string
		g.db.AuditLog().Entries(ctx, g.org.ID, 0, func(e audit.Entry) error { actions = append(actions, e.Action); return nil })
		joined := strings.Join(actions, " ")
		for _, want := range []string{grievance.ActionReportView, grievance.ActionKeyUnwrap, grievance.ActionStageChange, grievance.ActionConsentOver, grievance.ActionRemedyChange, grievance.ActionTriageChange} {
			if !strings.Contains(joined, want) {
				t.Errorf("audit log lacks %s", want)
			}
		}
		if _, err := audit.Verify(ctx, g.db.AuditLog(), g.org.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func TestInboxPutsOverdueCasesFirst(t *testing.T) {
	t.Parallel() // its own database and server
	g := newGFixture(t, sqltest.Open(t, sqlstore.SQLite), vault.TestParams())
	_, h := g.login(t, "case_handler@acme.example", testPassword, "")
	old, _, _ := g.submitReport(t, "acme", url.Values{"narrative": {"older report"}}, nil)
	g.clock.Advance(9 * 24 * time.Hour)
	_, h = g.login(t, "case_handler@acme.example", testPassword, "") // the first session has expired
	young, _, _ := g.submitReport(t, "acme", url.Values{"narrative": {"newer report"}}, nil)
	inbox := body(t, g.do(t, "GET", "/cases", "", h, nil))
	i, j := strings.Index(inbox, "/cases/"+g.reportIDByReceipt(t, old)), strings.Index(inbox, "/cases/"+g.reportIDByReceipt(t, young))
	if i < 0 || j < 0 || i > j {
		t.Fatalf("the overdue case must come first (positions %d, %d)", i, j)
	}
	if !strings.Contains(inbox, "Overdue by 2 days, escalation level 1") || !strings.Contains(inbox, `class="overdue"`) {
		t.Fatalf("overdue status not shown: %s", inbox)
	}
}

// caseRoutes are the routes of the case pages.
func caseRoutes(all []route) []route {
	var out []route
	for _, rt := range all {
		if _, path, _ := strings.Cut(rt.pattern, " "); strings.HasPrefix(path, "/cases") {
			out = append(out, rt)
		}
	}
	return out
}

// TestAdminCannotGrantItselfCaseAccess: an admin invites a case handler
// at an address it controls (in the page and with an API token), completes
// the invitation with a password of its choosing and signs in as them, but no report is shared with that key until an
// approved case handler compares its fingerprint and approves it; the
// admin's token and the new handler cannot approve; every step is audited.
func TestAdminCannotGrantItselfCaseAccess(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		g := newGFixture(t, db, vault.TestParams())
		ctx := context.Background()
		_, h := g.login(t, trustedHandler, testPassword, "")
		_, admin := g.login(t, "admin@acme.example", testPassword, "")
		mallory := g.addUser(t, admin, "mallory@acme.example", "Mallory", account.RoleCaseHandler, testPassword)
		_, tok, err := g.accounts.CreateAPIToken(ctx, g.users[account.RoleAdmin], account.TokenRequest{Name: "automation", Scopes: account.RoleScopes(account.RoleAdmin)})
		if err != nil {
			t.Fatal(err)
		}
		bearer := map[string]string{"Authorization": "Bearer " + tok}
		if res := g.do(t, "POST", "/api/v1/users", `{"email":"trent@acme.example","name":"Trent","role":"case_handler"}`, "", bearer); res.StatusCode != http.StatusAccepted {
			t.Fatalf("API token invites a handler: %d", res.StatusCode)
		}
		if res := g.do(t, "POST", g.invitationPath(t, "trent@acme.example"), url.Values{"password": {testPassword}, "password2": {testPassword}}.Encode(), "", nil); res.StatusCode != http.StatusOK {
			t.Fatalf("trent's invitation: %d", res.StatusCode)
		}
		if _, s := g.login(t, "trent@acme.example", testPassword, ""); s == "" {
			t.Fatal("trent cannot sign in")
		}
		rc, _, _ := g.submitReport(t, "acme", url.Values{"narrative": {"before approval"}, "identity": {"Ana Pereira"}}, nil)
		before := g.reportIDByReceipt(t, rc)
		for _, email := range []string{"mallory@acme.example", "trent@acme.example"} {
			u, _ := g.accounts.Store.UserByEmail(ctx, email)
			if _, err := g.st.WrappedKey(ctx, before, "handler:"+u.ID); !kernel.IsCode(err, kernel.NotFound) {
				t.Fatalf("a report was wrapped to %s before approval: %v", email, err)
			}
		}
		if res := g.do(t, "GET", "/cases/"+before, "", mallory, nil); res.StatusCode != http.StatusForbidden {
			t.Fatalf("unapproved handler opens a report: %d", res.StatusCode)
		}
		m, _ := g.accounts.Store.UserByEmail(ctx, "mallory@acme.example")
		page := body(t, g.do(t, "GET", "/account", "", mallory, nil))
		fp := regexp.MustCompile(`id="key-fingerprint">([A-Z2-7-]+)<`).FindStringSubmatch(page)
		if fp == nil || !strings.Contains(page, "Waiting for approval") {
			t.Fatalf("the new handler's account page shows no fingerprint waiting for approval")
		}
		approve := "/cases/handlers/" + m.ID + "/approve"
		if res := g.post(t, approve, mallory, url.Values{"fingerprint": {fp[1]}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("the new handler approves itself: %d", res.StatusCode)
		}
		if res := g.do(t, "POST", approve, "fingerprint="+fp[1], "", bearer); res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("the admin's API token approves: %d", res.StatusCode)
		}
		if res := g.post(t, approve, admin, url.Values{"fingerprint": {fp[1]}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("the admin approves: %d", res.StatusCode)
		}
		inbox := body(t, g.do(t, "GET", "/cases", "", h, nil))
		if !strings.Contains(inbox, "New case handlers waiting for your approval") || !strings.Contains(inbox, "mallory@acme.example") || !strings.Contains(inbox, "trent@acme.example") {
			t.Fatal("the existing handler is not told of the new handlers")
		}
		if res := g.post(t, approve, h, url.Values{"fingerprint": {"AAAA-BBBB-CCCC-DDDD-EEEE"}}); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("a wrong fingerprint: %d", res.StatusCode)
		}
		if res := g.post(t, approve, h, url.Values{"fingerprint": {strings.ToLower(fp[1])}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("approval: %d", res.StatusCode)
		}
		rc, _, _ = g.submitReport(t, "acme", url.Values{"narrative": {"after approval"}}, nil)
		after := g.reportIDByReceipt(t, rc)
		if res := g.do(t, "GET", "/cases/"+after, "", mallory, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("approved handler opens a new report: %d", res.StatusCode)
		}
		if res := g.do(t, "GET", "/cases/"+before, "", mallory, nil); res.StatusCode != http.StatusForbidden {
			t.Fatalf("approval shares reports from before it: %d", res.StatusCode)
		}
		actions := map[string]int{}
		err = db.AuditLog().Entries(ctx, g.org.ID, 0, func(e audit.Entry) error {
			actions[e.Action]++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if actions[account.ActionUserCreate] < 2 || actions[account.ActionUserInvite] != 2 || actions[grievance.ActionHandlerKeyApproved] != 1 {
			t.Fatalf("audit log: %v", actions)
		}
	})
}

// TestIdentityRevealAuditedSeparately: opening a case is audited as a
// view; showing the reporter's identity adds an entry of its own, so the
// audit log tells who saw whom.
func TestIdentityRevealAuditedSeparately(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		g := newGFixture(t, db, vault.TestParams())
		ctx := context.Background()
		_, h := g.login(t, trustedHandler, testPassword, "")
		rc, _, _ := g.submitReport(t, "acme", url.Values{"narrative": {"wages held back"}, "identity": {"Ana Pereira"}}, nil)
		id := g.reportIDByReceipt(t, rc)
		count := func() (views, reveals int) {
			err := db.AuditLog().Entries(ctx, g.org.ID, 0, func(e audit.Entry) error {
				switch e.Action {
				case grievance.ActionReportView:
					views++
				case grievance.ActionIdentityReveal:
					reveals++
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return views, reveals
		}
		g.do(t, "GET", "/cases/"+id, "", h, nil)
		if v, r := count(); v != 1 || r != 0 {
			t.Fatalf("after a plain view: %d views, %d reveals", v, r)
		}
		if page := body(t, g.do(t, "GET", "/cases/"+id+"?show=identity", "", h, nil)); !strings.Contains(page, "Ana Pereira") {
			t.Fatal("identity not shown on request")
		}
		if v, r := count(); v != 2 || r != 1 {
			t.Fatalf("after revealing the identity: %d views, %d reveals", v, r)
		}
	})
}
