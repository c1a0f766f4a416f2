package web

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
)

// TestDashboardFromServices feeds the dashboard from the real alert and
// impact services when no dashboard source is given, and checks what each
// role sees.
func TestDashboardFromServices(t *testing.T) {
	t.Parallel() // its own database and server
	db := sqltest.Open(t, sqlstore.SQLite)
	af := newAlertsFixture(t, db)
	f := af.fixture
	f.deps.Impact = &impact.Service{Store: db.Impact(), Clock: f.clock}
	f.deps.ImpactRecords = db.Impact()
	if _, err := impact.SeedDemo(context.Background(), f.deps.Impact, f.org.ID); err != nil {
		t.Fatal(err)
	}
	af.raise(t, f.org.ID, "p1", earlywarning.SeverityHigh)
	af.raise(t, f.org.ID, "p2", earlywarning.SeverityLow)
	tests := []struct {
		role      account.Role
		want, not []string
	}{
		{account.RoleViewer, []string{`id="alerts-open">2<`, `id="indicators"`, "Progress from baseline to target"}, []string{`href="/cases"`}},
		{account.RoleAnalyst, []string{`id="alerts-open">2<`, "<dd>1</dd>"}, nil},
		{account.RoleAdmin, []string{`id="alerts-open">2<`}, nil},
	}
	// Figures are rounded for people: no value in the indicators table has
	// more than two decimals (the demo's averages and ratios have many).
	long := regexp.MustCompile(`\d\.\d{3,}`)
	for _, tc := range tests {
		t.Run(string(tc.role), func(t *testing.T) {
			_, b := af.call(t, string(tc.role), "GET", "/", "")
			if i, j := strings.Index(b, `<table id="indicators">`), strings.Index(b, "</table>\n</div>\n<p><a href=\"/impact\">"); i >= 0 && j > i {
				if m := long.FindString(b[i:j]); m != "" {
					t.Errorf("indicators show %q, not rounded for people", m)
				}
			} else if tc.role == account.RoleViewer {
				t.Error("no indicators table")
			}
			for _, w := range tc.want {
				if !strings.Contains(b, w) {
					t.Errorf("dashboard lacks %q", w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(b, w) {
					t.Errorf("dashboard has %q", w)
				}
			}
		})
	}
}
