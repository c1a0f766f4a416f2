package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/vault"
)

// TestEmergencyGuidanceOnReporterPages: an admin writes what to do when
// someone is in danger, per country and language; the reporter sees it in
// their language on the form, the follow-up page and the receipt, which
// leads with it when they ticked "someone is in danger". Saving and
// removing are confirmed, audited and stored on both engines.
func TestEmergencyGuidanceOnReporterPages(t *testing.T) {
	t.Parallel()
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		g := newGFixture(t, db, vault.TestParams())
		_, admin := g.login(t, "admin@acme.example", testPassword, "")
		save := func(country, lang, text string) string {
			t.Helper()
			res := g.do(t, "POST", "/admin/settings/emergency", url.Values{"country": {country}, "lang": {lang}, "text": {text}}.Encode(), admin, nil)
			page := body(t, res)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("save guidance %s/%s: %d %s", country, lang, res.StatusCode, page)
			}
			return page
		}
		if page := save("", "es", "Si alguien corre peligro, llame al 911 o a la línea 800-LIBRES."); !strings.Contains(page, "Emergency guidance saved for every country in Español.") {
			t.Fatalf("no confirmation:\n%s", page)
		}
		save("India", "en", "In India call 112, or the Shakti Vahini helpline 011-4224-4224.")
		save("", "en", "Call your local emergency number.")
		res := g.do(t, "POST", "/admin/settings/emergency", url.Values{"country": {"Atlantis"}, "lang": {"en"}, "text": {"x"}}.Encode(), admin, nil)
		if page := body(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "is not a country") {
			t.Fatalf("unknown country: %d", res.StatusCode)
		}
		if res := g.do(t, "POST", "/admin/settings/emergency", url.Values{"lang": {"xx"}, "text": {"x"}}.Encode(), admin, nil); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("unknown language: %d", res.StatusCode)
		}

		form := body(t, g.do(t, "GET", "/report/acme?lang=es", "", "", nil))
		if !strings.Contains(form, "Si alguien está en peligro ahora") || !strings.Contains(form, "línea 800-LIBRES") {
			t.Fatalf("the Spanish form lacks the guidance:\n%s", form)
		}
		if fu := body(t, g.do(t, "GET", "/report/acme/follow-up?lang=es", "", "", nil)); !strings.Contains(fu, "800-LIBRES") {
			t.Error("the follow-up page lacks the guidance")
		}
		// French has none of its own: the reporter still gets guidance.
		if fr := body(t, g.do(t, "GET", "/report/acme?lang=fr", "", "", nil)); !strings.Contains(fr, "Call your local emergency number.") {
			t.Error("a language without guidance shows none")
		}
		rc, res, page := g.submitReport(t, "acme", url.Values{"lang": {"en"}, "narrative": {"the supervisor locked the dormitory"},
			"country": {"in"}, "danger": {"1"}}, nil)
		if res.StatusCode != http.StatusOK || rc == "" {
			t.Fatalf("submit: %d %s", res.StatusCode, page)
		}
		if i, j := strings.Index(page, "Shakti Vahini"), strings.Index(page, `id="receipt"`); i < 0 || j < 0 || i > j {
			t.Fatalf("the receipt does not lead with India's guidance:\n%s", page)
		}
		if n := len(page); n > 100<<10 {
			t.Errorf("receipt page weighs %d bytes", n)
		}

		res = g.do(t, "POST", "/admin/settings/emergency/delete", url.Values{"country": {""}, "lang": {"es"}}.Encode(), admin, nil)
		if page := body(t, res); res.StatusCode != http.StatusOK || !strings.Contains(page, "removed for every country in Español.") {
			t.Fatalf("delete: %d", res.StatusCode)
		}
		if form := body(t, g.do(t, "GET", "/report/acme?lang=es", "", "", nil)); strings.Contains(form, "800-LIBRES") {
			t.Error("removed guidance is still shown")
		}
		var actions []string
		g.db.AuditLog().Entries(context.Background(), g.org.ID, 1, func(e audit.Entry) error {
			actions = append(actions, e.Action)
			return nil
		})
		if n := strings.Count(strings.Join(actions, " "), "account.guidance."); n != 4 {
			t.Errorf("%d guidance changes audited, want 4 (3 saves, 1 removal): %v", n, actions)
		}
	})
}

// TestSupplierSearchSetting: the reporting form's supplier search is off
// until an admin turns it on; then it needs at least 4 letters, shows at
// most 5 names, and is throttled per organisation.
func TestSupplierSearchSetting(t *testing.T) {
	t.Parallel()
	g := newGFixture(t, sqltest.Open(t, sqlstore.SQLite), vault.TestParams())
	var many fakeSuppliers
	for i := range 12 {
		many = append(many, SupplierMatch{ID: fmt.Sprint(i), Name: fmt.Sprintf("Golden Thread Unit %02d", i), Country: "IN"})
	}
	g.deps.Intake.Suppliers = many

	page := body(t, g.do(t, "GET", "/report/acme?lang=en&q=golden", "", "", nil))
	if strings.Contains(page, `name="q"`) || strings.Contains(page, "Golden Thread") {
		t.Fatal("the supplier search is on by default")
	}
	_, admin := g.login(t, "admin@acme.example", testPassword, "")
	res := g.do(t, "POST", "/admin/settings/supplier-search", "supplier_search=on", admin, nil)
	if p := body(t, res); res.StatusCode != http.StatusOK || !strings.Contains(p, "supplier search is now on") {
		t.Fatalf("turn on: %d", res.StatusCode)
	}

	page = body(t, g.do(t, "GET", "/report/acme?lang=en&q=gol", "", "", nil))
	if !strings.Contains(page, `name="q"`) || strings.Contains(page, "Golden Thread") || !strings.Contains(page, "at least 4 letters") {
		t.Fatalf("three letters answered names, or no hint:\n%s", page)
	}
	page = body(t, g.do(t, "GET", "/report/acme?lang=en&q=gold", "", "", nil))
	if n := strings.Count(page, `name="supplier_id" value="`) - strings.Count(page, `value="none"`); n != 5 {
		t.Fatalf("%d names shown for a broad prefix, want at most 5", n)
	}
	// Nine more searches use the burst of ten (the three-letter one did
	// not count); the next is refused in the reporter's language, until
	// time passes.
	for i := range 9 {
		if res := g.do(t, "GET", "/report/acme?lang=en&q=golden+"+fmt.Sprint(i), "", "", nil); res.StatusCode != http.StatusOK {
			t.Fatalf("search %d: %d", i+2, res.StatusCode)
		}
	}
	res = g.do(t, "GET", "/report/acme?lang=es&q=golden", "", "", nil)
	if p := body(t, res); res.StatusCode != http.StatusTooManyRequests || !strings.Contains(p, reporterText["es"]["err_wait"]) || strings.Contains(p, "Golden Thread") {
		t.Fatalf("search 11: %d", res.StatusCode)
	}
	// The form itself still answers while searches wait.
	if res := g.do(t, "GET", "/report/acme?lang=en", "", "", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("form during the throttle: %d", res.StatusCode)
	}
	g.clock.Advance(7 * time.Second)
	if res := g.do(t, "GET", "/report/acme?lang=en&q=golden", "", "", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("after waiting: %d", res.StatusCode)
	}
	res = g.do(t, "POST", "/admin/settings/supplier-search", "supplier_search=off", admin, nil)
	if p := body(t, res); !strings.Contains(p, "supplier search is now off") {
		t.Fatal("turn off: no confirmation")
	}
	if p := body(t, g.do(t, "GET", "/report/acme?lang=en&q=golden", "", "", nil)); strings.Contains(p, "Golden Thread") {
		t.Error("names shown after the search was turned off")
	}
}
