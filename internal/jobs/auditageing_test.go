package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/jobs"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/refdata"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// countingRecompute counts the recomputes the job asks for.
type countingRecompute struct {
	svc *assessment.Service
	n   int
}

func (c *countingRecompute) Recompute(ctx context.Context, orgID string) (map[risk.Level]int, error) {
	c.n++
	return c.svc.Recompute(ctx, orgID)
}

// A passed audit counts for 24 months and a certificate until it expires:
// the stored scores change on those days without any import, and on no
// other day is anything recomputed.
func TestAuditAgeingRecomputesWhenAuditsAge(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		clock := &kernel.FixedClock{T: t0} // 2026-11-25
		ref, err := refdata.Default()
		if err != nil {
			t.Fatal(err)
		}
		engine, err := risk.NewEngine(ref, risk.DefaultWeights())
		if err != nil {
			t.Fatal(err)
		}
		sc := db.SupplyChain()
		svc := &assessment.Service{Store: sc, Engine: engine, Normalisers: assessment.StandardNormalisers(),
			Signals: assessment.StoredAudits{Store: sc, Clock: clock}, Pending: sc, Clock: clock}
		org := newOrg(t, db)
		other := newOrgSlug(t, db, "no-audits")
		const suppliers = "id,name,country,commodity\nM1,Dhaka Knit Mill,BD,garments\nM2,Chittagong Dye Works,BD,garments\n"
		files := []assessment.NamedFile{
			assessment.ReaderFile("suppliers.csv", strings.NewReader(suppliers)),
			// M1 passed SA8000 23 months ago; M2's certificate runs out in
			// three days.
			assessment.ReaderFile("audits.csv", strings.NewReader("supplier,scheme,date,result,expiry\nM1,SA8000,2024-12-20,pass,\nM2,amfori BSCI,2025-06-01,A,2026-11-28\n")),
		}
		if _, err := svc.ImportAndRecompute(ctx, org.ID, files, false); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.ImportAndRecompute(ctx, other.ID, []assessment.NamedFile{assessment.ReaderFile("suppliers.csv", strings.NewReader(suppliers))}, false); err != nil {
			t.Fatal(err)
		}
		rec := &countingRecompute{svc: svc}
		job := &jobs.AuditAgeing{Orgs: db.Accounts(), Store: sc, Risk: rec, Clock: clock}
		party := func(ref string) (exposure float64, sources string) {
			t.Helper()
			p, err := db.Reporting().RegisterParty(ctx, org.ID, supplychain.RefID(ref))
			if err != nil {
				t.Fatal(err)
			}
			var ss []string
			for _, f := range p.Factors {
				ss = append(ss, f.Indicator+" "+f.Source+" "+f.Edition)
			}
			return p.Exposure, strings.Join(ss, "; ")
		}
		run := func(wantOrgs int) {
			t.Helper()
			before := rec.n
			res, err := job.Run(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if res.Orgs != wantOrgs || rec.n-before != wantOrgs {
				t.Fatalf("%s: %+v, %d recomputes; want %d organisations", clock.Now().Format(time.DateOnly), res, rec.n-before, wantOrgs)
			}
		}
		m1Before, m1Sources := party("M1")
		m2Before, m2Sources := party("M2")
		if !strings.Contains(m1Sources, "SA8000 audit 2024-12-20") || !strings.Contains(m2Sources, "amfori BSCI audit 2025-06-01") {
			t.Fatalf("audits not scored after import: M1 %s; M2 %s", m1Sources, m2Sources)
		}
		// The first look cannot know when the scores were made: it
		// recomputes the organisation with audits (and not the other).
		run(1)
		clock.Advance(24 * time.Hour)
		run(0) // nothing aged in a day
		clock.Advance(3 * 24 * time.Hour)
		run(1) // 2026-11-29: M2's certificate has expired
		m2After, m2Sources := party("M2")
		if m2After <= m2Before || !strings.Contains(m2Sources, string(risk.AuditExpired)) {
			t.Errorf("M2 after expiry: exposure %v (was %v), factors %s", m2After, m2Before, m2Sources)
		}
		if m1, _ := party("M1"); m1 != m1Before {
			t.Errorf("M1 moved from %v to %v before its audit aged", m1Before, m1)
		}
		clock.T = time.Date(2027, 1, 1, 10, 0, 0, 0, time.UTC)
		run(1) // M1's audit is past its 24 months
		m1After, m1Sources := party("M1")
		if m1After <= m1Before || strings.Contains(m1Sources, "SA8000") {
			t.Errorf("M1 after 24 months: exposure %v (was %v), factors %s", m1After, m1Before, m1Sources)
		}
		run(0)
	})
}
