package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

var (
	alertsReaders  = []string{"admin", "analyst", "case_handler", "viewer"}
	alertsManagers = []string{"admin", "analyst", "case_handler"}
	settingsAdmins = []string{"admin"}
)

var alertsAuth = map[string][]string{
	"GET /alerts":                          alertsReaders,
	"GET /alerts/{id}":                     alertsReaders,
	"POST /alerts/{id}/acknowledge":        alertsManagers,
	"POST /alerts/{id}/assign":             alertsManagers,
	"POST /alerts/{id}/snooze":             alertsManagers,
	"POST /alerts/{id}/resolve":            alertsManagers,
	"GET /alerts/endpoints":                settingsAdmins,
	"POST /alerts/endpoints":               settingsAdmins,
	"POST /alerts/endpoints/{id}/delete":   settingsAdmins,
	"GET /alerts/sensitivity":              settingsAdmins,
	"POST /alerts/sensitivity":             settingsAdmins,
	"GET /alerts/closures":                 settingsAdmins,
	"POST /alerts/closures":                settingsAdmins,
	"POST /alerts/closures/{id}/delete":    settingsAdmins,
	"GET /api/v1/alerts":                   alertsReaders,
	"GET /api/v1/alerts/{id}":              alertsReaders,
	"POST /api/v1/alerts/{id}/acknowledge": alertsManagers,
	"POST /api/v1/alerts/{id}/assign":      alertsManagers,
	"POST /api/v1/alerts/{id}/snooze":      alertsManagers,
	"POST /api/v1/alerts/{id}/resolve":     alertsManagers,
	"GET /api/v1/alert-endpoints":          settingsAdmins,
	"POST /api/v1/alert-endpoints":         settingsAdmins,
	"DELETE /api/v1/alert-endpoints/{id}":  settingsAdmins,
	"GET /api/v1/alert-sensitivity":        settingsAdmins,
	"PUT /api/v1/alert-sensitivity":        settingsAdmins,
}

type alertsFixture struct {
	*fixture
	st *sqlstore.EarlyWarning
	db *sqlstore.DB
}

func newAlertsFixture(t *testing.T, db *sqlstore.DB) *alertsFixture {
	t.Helper()
	return alertsOn(newFixture(t, db), db)
}

// alertsOn wires early warning to the fixture's database.
func alertsOn(f *fixture, db *sqlstore.DB) *alertsFixture {
	st := db.EarlyWarning()
	f.deps.Alerts = &earlywarning.Service{Alerts: st, Endpoints: st, Clock: f.clock}
	f.deps.AlertEndpoints = st
	f.deps.AlertSignals = st
	f.deps.Suppliers = db.SupplyChain() // alerts name their parties
	return &alertsFixture{fixture: f, st: st, db: db}
}

// raise stores a party named "Mill " and its id, and raises a watchlist
// alert about it.
func (f *alertsFixture) raise(t *testing.T, orgID, party string, sev earlywarning.Severity) earlywarning.Alert {
	t.Helper()
	if err := f.db.SupplyChain().UpsertParties(context.Background(), orgID, []supplychain.Party{{ID: party, Ref: party, Name: "Mill " + party, Kind: supplychain.KindCompany, Country: "GH"}}); err != nil {
		t.Fatal(err)
	}
	a, _, err := f.deps.Alerts.Raise(context.Background(), earlywarning.Trigger{OrgID: orgID, Key: "rule/watchlist-hit/party:" + party,
		Kind: earlywarning.KindWatchlistHit, Subject: earlywarning.Subject{Kind: earlywarning.SubjectParty, ID: party},
		Detector: "threshold:watchlist-hit", Severity: sev, Score: 0.95, At: f.clock.Now(), Source: "screening:hit/" + party})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (f *alertsFixture) call(t *testing.T, role, method, path, body string) (*http.Response, string) {
	t.Helper()
	// A fresh sign-in per call, since tests move the clock past the idle
	// timeout to make alerts overdue.
	_, session := f.login(t, f.users[account.Role(role)].Email, testPassword, "")
	if session == "" {
		t.Fatalf("login %s", role)
	}
	res := f.do(t, method, path, body, session, nil)
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestAlertsAPI(t *testing.T) {
	t.Parallel() // its own database and server
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f := newAlertsFixture(t, db)
		a := f.raise(t, f.org.ID, "supplier-1", earlywarning.SeverityHigh)
		low := f.raise(t, f.org.ID, "supplier-2", earlywarning.SeverityLow)
		f.clock.Advance(5 * time.Hour) // past the 4 h acknowledgement target of a high alert
		analyst := f.users[account.RoleAnalyst]
		base := "/api/v1/alerts/" + a.ID
		tests := []struct {
			name, role, method, path, body string
			status                         int
			check                          func(t *testing.T, body string)
		}{
			{"list unresolved", "viewer", "GET", "/api/v1/alerts", "", 200, func(t *testing.T, body string) {
				var out struct{ Alerts []alertJSON }
				json.Unmarshal([]byte(body), &out)
				if len(out.Alerts) != 2 || !out.Alerts[0].Overdue && !out.Alerts[1].Overdue {
					t.Fatalf("list: %s", body)
				}
			}},
			{"filter by severity", "viewer", "GET", "/api/v1/alerts?severity=high", "", 200, func(t *testing.T, body string) {
				if strings.Contains(body, low.ID) || !strings.Contains(body, a.ID) {
					t.Fatalf("severity filter: %s", body)
				}
			}},
			{"bad filter", "viewer", "GET", "/api/v1/alerts?state=closed", "", 400, nil},
			{"bad limit", "viewer", "GET", "/api/v1/alerts?limit=x", "", 400, nil},
			{"get", "viewer", "GET", base, "", 200, func(t *testing.T, body string) {
				if !strings.Contains(body, `"overdue": true`) || !strings.Contains(body, `"key": "rule/watchlist-hit/party:supplier-1"`) {
					t.Fatalf("get: %s", body)
				}
			}},
			{"viewer cannot acknowledge", "viewer", "POST", base + "/acknowledge", "{}", 403, nil},
			{"acknowledge", "analyst", "POST", base + "/acknowledge", "{}", 200, func(t *testing.T, body string) {
				if !strings.Contains(body, `"state": "acknowledged"`) || !strings.Contains(body, `"overdue": false`) ||
					!strings.Contains(body, `"acknowledged_by": "`+analyst.ID+`"`) {
					t.Fatalf("acknowledge: %s", body)
				}
			}},
			{"acknowledge twice", "analyst", "POST", base + "/acknowledge", "{}", 409, nil},
			{"unknown field", "analyst", "POST", base + "/assign", `{"user":"x"}`, 400, nil},
			{"assign a stranger", "analyst", "POST", base + "/assign", `{"user_id":"` + kernel.NewID() + `"}`, 400, nil},
			{"assign", "analyst", "POST", base + "/assign", `{"user_id":"` + analyst.ID + `"}`, 200, nil},
			{"assigned to me", "analyst", "GET", "/api/v1/alerts?assigned_to=me", "", 200, func(t *testing.T, body string) {
				if !strings.Contains(body, a.ID) || strings.Contains(body, low.ID) {
					t.Fatalf("assigned to me: %s", body)
				}
			}},
			{"snooze too long", "analyst", "POST", base + "/snooze", `{"hours": 5000}`, 400, nil},
			{"snooze both ways", "analyst", "POST", base + "/snooze", `{"hours": 1, "until": "2026-12-01T00:00:00Z"}`, 400, nil},
			{"snooze", "analyst", "POST", base + "/snooze", `{"until": "2026-11-26T09:00:00Z"}`, 200, func(t *testing.T, body string) {
				if !strings.Contains(body, `"snoozed": true`) {
					t.Fatalf("snooze: %s", body)
				}
			}},
			{"resolve without a note", "case_handler", "POST", base + "/resolve", `{"resolution":"  "}`, 400, nil},
			{"resolve", "case_handler", "POST", base + "/resolve", `{"resolution":"supplier audited; hit was a namesake"}`, 200, nil},
			{"resolved list", "viewer", "GET", "/api/v1/alerts?state=resolved", "", 200, func(t *testing.T, body string) {
				if !strings.Contains(body, "namesake") || strings.Contains(body, low.ID) {
					t.Fatalf("resolved: %s", body)
				}
			}},
			{"missing alert", "viewer", "GET", "/api/v1/alerts/" + kernel.NewID(), "", 404, nil},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				res, body := f.call(t, tc.role, tc.method, tc.path, tc.body)
				if res.StatusCode != tc.status {
					t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.status, body)
				}
				if tc.check != nil {
					tc.check(t, body)
				}
			})
		}
	})
}

func TestAlertEndpointsAPI(t *testing.T) {
	t.Parallel() // its own database and server
	f := newAlertsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	res, body := f.call(t, "admin", "POST", "/api/v1/alert-endpoints", `{"channel":"webhook","target":"https://hooks.example/u","min_severity":"high"}`)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", res.StatusCode, body)
	}
	var out struct {
		Endpoint earlywarning.Endpoint
		Secret   string
	}
	json.Unmarshal([]byte(body), &out)
	if !strings.HasPrefix(out.Secret, "whsec_") || len(out.Secret) < 40 {
		t.Fatalf("secret %q", out.Secret)
	}
	stored, err := f.st.Endpoint(context.Background(), f.org.ID, out.Endpoint.ID)
	if err != nil || string(stored.Secret) != out.Secret {
		t.Fatalf("stored secret differs from the one shown (%v)", err)
	}
	// The secret is shown once: never in a listing.
	_, list := f.call(t, "admin", "GET", "/api/v1/alert-endpoints", "")
	if strings.Contains(list, out.Secret) || !strings.Contains(list, out.Endpoint.ID) {
		t.Fatalf("listing: %s", list)
	}
	if res, _ := f.call(t, "admin", "POST", "/api/v1/alert-endpoints", `{"channel":"email","target":"not an address"}`); res.StatusCode != 400 {
		t.Fatalf("bad email: %d", res.StatusCode)
	}
	if res, _ := f.call(t, "admin", "DELETE", "/api/v1/alert-endpoints/"+out.Endpoint.ID, ""); res.StatusCode != http.StatusNoContent {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	if res, _ := f.call(t, "admin", "DELETE", "/api/v1/alert-endpoints/"+out.Endpoint.ID, ""); res.StatusCode != http.StatusNotFound {
		t.Fatalf("delete again: %d", res.StatusCode)
	}
}

func TestAlertPages(t *testing.T) {
	t.Parallel() // its own database and server
	f := newAlertsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	a := f.raise(t, f.org.ID, "supplier-1", earlywarning.SeverityCritical)
	f.raise(t, f.org.ID, "supplier-2", earlywarning.SeverityLow)
	f.clock.Advance(2 * time.Hour)
	page := "/alerts/" + a.ID
	analyst := f.users[account.RoleAnalyst]
	balanced, _ := earlywarning.SensitivityByName(earlywarning.SensitivityBalanced)
	balancedTimely := strings.TrimSuffix(fmt.Sprintf("%.1f", 100*balanced.HeldOut.Timely), ".0") + "%" // one decimal, as the page writes shares
	balancedFalseAlarms := fmt.Sprintf("%.2f", balanced.HeldOut.FalseAlarmsPer1000)
	tests := []struct {
		name, role, method, path, form string
		status                         int
		want, unwanted                 []string
	}{
		{"list", "viewer", "GET", "/alerts", "", 200, []string{"Mill supplier-1", "Mill supplier-2", "watchlist match", "threshold rule (watchlist hit)", "overdue"}, nil},
		{"filter", "viewer", "GET", "/alerts?severity=high&state=open", "", 200, []string{"supplier-1"}, []string{"supplier-2"}},
		{"bad filter", "viewer", "GET", "/alerts?severity=urgent", "", 400, []string{"not one of low, medium, high, critical"}, nil},
		{"viewer sees no forms", "viewer", "GET", page, "", 200, []string{"critical alert"}, []string{"Acknowledge", "Resolve"}},
		{"manager sees forms", "analyst", "GET", page, "", 200, []string{"Acknowledge", "Assign to", "Snooze", "What was done"}, nil},
		{"acknowledge", "analyst", "POST", page + "/acknowledge", "", 303, nil, nil},
		{"acknowledged", "viewer", "GET", page, "", 200, []string{"acknowledged", "by analyst, "}, []string{"overdue", "analyst@acme.example"}},
		{"acknowledge twice shows why", "analyst", "POST", page + "/acknowledge", "", 409, []string{"already acknowledged"}, nil},
		{"assign", "analyst", "POST", page + "/assign", url.Values{"user": {analyst.ID}}.Encode(), 303, nil, nil},
		{"snooze", "analyst", "POST", page + "/snooze", "hours=24", 303, nil, nil},
		{"bad snooze", "analyst", "POST", page + "/snooze", "hours=-1", 400, []string{"number of hours"}, nil},
		{"snoozed in list", "viewer", "GET", "/alerts", "", 200, []string{"snoozed until", "<td>analyst</td>"}, []string{"analyst@acme.example"}},
		{"resolve needs a note", "analyst", "POST", page + "/resolve", "resolution=", 400, []string{"resolution missing"}, nil},
		{"resolve", "analyst", "POST", page + "/resolve", "resolution=" + url.QueryEscape("remediation plan agreed"), 303, nil, nil},
		{"resolved gone from default list", "viewer", "GET", "/alerts", "", 200, []string{"supplier-2"}, []string{"supplier-1"}},
		{"resolved list", "viewer", "GET", "/alerts?state=resolved", "", 200, []string{"supplier-1"}, nil},
		{"resolved page has no forms", "analyst", "GET", page, "", 200, []string{"remediation plan agreed"}, []string{"What was done"}},
		{"endpoints page", "admin", "GET", "/alerts/endpoints", "", 200, []string{"No endpoints yet"}, nil},
		{"add webhook", "admin", "POST", "/alerts/endpoints", "channel=webhook&target=" + url.QueryEscape("https://hooks.example/x") + "&min_severity=medium", 201,
			[]string{`id="new-secret">whsec_`, "https://hooks.example/x"}, nil},
		{"secret not shown again", "admin", "GET", "/alerts/endpoints", "", 200, []string{"https://hooks.example/x"}, []string{"whsec_"}},
		{"add bad email", "admin", "POST", "/alerts/endpoints", "channel=email&target=nobody", 400, []string{"not a single email address"}, nil},
		{"sensitivity page", "admin", "GET", "/alerts/sensitivity", "", 200,
			[]string{`value="balanced" checked`, "Earliest warning", "Fewest false alarms", balancedTimely, balancedFalseAlarms}, []string{"Sensitivity saved"}},
		{"choose a sensitivity", "admin", "POST", "/alerts/sensitivity", "sensitivity=quiet", 303, nil, nil},
		{"the sensitivity chosen", "admin", "GET", "/alerts/sensitivity", "", 200,
			[]string{`value="quiet" checked`}, []string{`value="balanced" checked`}},
		{"unknown sensitivity", "admin", "POST", "/alerts/sensitivity", "sensitivity=loud", 400,
			[]string{`sensitivity &#34;loud&#34; is not one of`, `value="quiet" checked`}, nil},
		{"no sensitivity chosen", "admin", "POST", "/alerts/sensitivity", "", 400, []string{"Choose one of the sensitivities"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, body := f.call(t, tc.role, tc.method, tc.path, tc.form)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.status)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, u := range tc.unwanted {
				if strings.Contains(body, u) {
					t.Errorf("page has %q", u)
				}
			}
		})
	}
}

// TestAlertsOtherOrganisation: an alert of another organisation is not
// found, neither on pages nor through the API.
func TestAlertsOtherOrganisation(t *testing.T) {
	t.Parallel() // its own database and server
	f := newAlertsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	other, _, err := f.accounts.EnsureOrg(context.Background(), "other", "Other")
	if err != nil {
		t.Fatal(err)
	}
	a := f.raise(t, other.ID, "theirs", earlywarning.SeverityHigh)
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/alerts/" + a.ID, ""},
		{"POST", "/alerts/" + a.ID + "/acknowledge", ""},
		{"POST", "/alerts/" + a.ID + "/resolve", "resolution=x"},
		{"GET", "/api/v1/alerts/" + a.ID, ""},
		{"POST", "/api/v1/alerts/" + a.ID + "/acknowledge", "{}"},
	} {
		if res, _ := f.call(t, "admin", c.method, c.path, c.body); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s %s: %d, want 404", c.method, c.path, res.StatusCode)
		}
	}
	if _, body := f.call(t, "admin", "GET", "/api/v1/alerts?state=all", ""); strings.Contains(body, a.ID) {
		t.Error("the list shows another organisation's alert")
	}
	got, _ := f.st.Alert(context.Background(), other.ID, a.ID)
	if got.State != earlywarning.StateOpen {
		t.Fatalf("another organisation's alert changed: %s", got.State)
	}
}

// TestClosureCalendarPage: an admin adds a closure through the form (bad
// input is shown again, naming the field), sees it listed in words, and
// deletes it; another organisation's closure cannot be deleted.
func TestClosureCalendarPage(t *testing.T) {
	t.Parallel() // its own database and server
	f := newAlertsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	ctx := context.Background()
	orgID := f.users[account.RoleAdmin].OrgID
	steps := []struct {
		name, form string
		status     int
		want       []string
	}{
		{"backwards", "from=2026-04-10&to=2026-04-08&kind=holiday&label=Songkran", 400, []string{"Last day: 2026-04-08 is before from", `value="Songkran"`}},
		{"no date", "from=&kind=holiday&label=Songkran", 400, []string{"First day: enter a date"}},
		{"no label", "from=2026-04-13&to=2026-04-15&kind=holiday&label=", 400, []string{"What it was: say what the closure was"}},
		{"too long", "from=2026-01-01&to=2026-12-31&kind=outage&label=Year", 400, []string{"Last day: 365 days from 2026-01-01 to 2026-12-31 is more than 92"}},
		{"bad kind", "from=2026-04-13&kind=strike&label=x", 400, []string{"Kind: choose holiday or outage"}},
		{"add", "from=2026-04-13&to=2026-04-15&kind=holiday&label=Songkran", 303, nil},
		{"add one day", "from=2026-05-10&kind=outage&label=" + url.QueryEscape("Hotline down"), 303, nil},
	}
	for _, st := range steps {
		res, body := f.call(t, "admin", "POST", "/alerts/closures", st.form)
		if res.StatusCode != st.status {
			t.Fatalf("%s: status %d, want %d: %s", st.name, res.StatusCode, st.status, body)
		}
		for _, w := range st.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: page lacks %q", st.name, w)
			}
		}
	}
	_, page := f.call(t, "admin", "GET", "/alerts/closures", "")
	for _, w := range []string{"13 April 2026 to 15 April 2026", "Songkran", "Holiday: reports arrive late", "10 May 2026", "Outage: reports were lost", "Every series"} {
		if !strings.Contains(page, w) {
			t.Errorf("calendar lacks %q", w)
		}
	}
	stored, err := f.st.Closures(ctx, orgID, 0, 1<<30)
	if err != nil || len(stored) != 2 || stored[0].Label != "Songkran" || stored[0].CreatedBy != f.users[account.RoleAdmin].ID {
		t.Fatalf("stored: %+v %v", stored, err)
	}
	other, _, err := f.accounts.EnsureOrg(ctx, "other", "Other")
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := f.st.AddClosure(ctx, earlywarning.ClosurePeriod{OrgID: other.ID, From: stored[0].From, To: stored[0].To, Kind: earlywarning.Holiday, Label: "Theirs", CreatedAt: f.clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if res, _ := f.call(t, "admin", "POST", "/alerts/closures/"+theirs.ID+"/delete", ""); res.StatusCode != http.StatusNotFound {
		t.Errorf("deleting another organisation's closure: %d, want 404", res.StatusCode)
	}
	if _, page := f.call(t, "admin", "GET", "/alerts/closures", ""); strings.Contains(page, "Theirs") {
		t.Error("the calendar shows another organisation's closure")
	}
	if res, _ := f.call(t, "admin", "POST", "/alerts/closures/"+stored[0].ID+"/delete", ""); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	if left, _ := f.st.Closures(ctx, orgID, 0, 1<<30); len(left) != 1 || left[0].Label != "Hotline down" {
		t.Errorf("after delete: %+v", left)
	}
}
