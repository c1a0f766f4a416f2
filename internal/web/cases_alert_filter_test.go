package web

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/vault"
)

// TestCaseInboxBehindAnAlert: the link from an early-warning alert opens
// the inbox kept to the reports about its country received in its days,
// says so in words, and keeps the filter when the handler narrows it
// further; a day written wrongly is refused by name.
func TestCaseInboxBehindAnAlert(t *testing.T) {
	t.Parallel() // its own database and server
	g := newGFixture(t, sqltest.Open(t, sqlstore.SQLite), vault.TestParams())
	g.login(t, "case_handler@acme.example", testPassword, "") // makes the handler's key
	bd, _, _ := g.submitReport(t, "acme", url.Values{"narrative": {"wages withheld at the spinning mill"}, "country": {"BD"}}, nil)
	gh, _, _ := g.submitReport(t, "acme", url.Values{"narrative": {"no protective equipment"}, "country": {"GH"}}, nil)
	if bd == "" || gh == "" {
		t.Fatal("a report was not received")
	}
	today := g.clock.Now().UTC().Format(time.DateOnly)
	tomorrow := g.clock.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	_, session := g.login(t, "case_handler@acme.example", testPassword, "")
	get := func(q url.Values) (int, string) {
		t.Helper()
		res := g.do(t, "GET", "/cases?"+q.Encode(), "", session, nil)
		return res.StatusCode, body(t, res)
	}
	status, page := get(url.Values{"country": {"BD"}, "stage": {"all"}, "from": {today}, "to": {today}})
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	if !strings.Contains(page, `id="cases-about" role="status">Cases about Bangladesh received from`) {
		t.Error("the inbox does not say which cases it keeps to")
	}
	if !strings.Contains(page, locatorOf(bd)) || strings.Contains(page, locatorOf(gh)) {
		t.Error("want the Bangladesh report only")
	}
	if !strings.Contains(page, `<input type="hidden" name="country" value="BD">`) || !strings.Contains(page, `id="clear-filters"`) {
		t.Error("narrowing the list further would lose the alert's filter")
	}
	if _, page = get(url.Values{"country": {"BD"}, "stage": {"all"}, "from": {tomorrow}}); strings.Contains(page, locatorOf(bd)) {
		t.Error("a report received before the days asked for is listed")
	}
	if status, page = get(url.Values{"country": {"BD"}, "from": {"3 March"}}); status != 400 || !strings.Contains(page, "write the day as YYYY-MM-DD") {
		t.Errorf("a wrongly written day: status %d", status)
	}
}
