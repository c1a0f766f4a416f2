package jobs_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/jobs"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/survey"
	"github.com/upstream-platform/upstream/internal/vault"
)

type noKeys struct{}

func (noKeys) OrgKeys(context.Context, string) (grievance.OrgKeys, error) {
	return grievance.OrgKeys{}, kernel.Errorf(kernel.Unavailable, "no keys in this test")
}

type fixedSites struct{}

func (fixedSites) SitesOf(context.Context, string, string) ([]string, error) { return nil, nil }

// TestSurveyDaily: a site whose workers answer worse in round 2 than in
// round 1 raises one alert, once; after the survey ends the numbers'
// hashes are forgotten.
func TestSurveyDaily(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		clock := &kernel.FixedClock{T: t0} // 2026-11-25
		org := newOrg(t, db)
		v, _ := vault.New(vault.TestParams(), rand.Reader)
		hasher, _ := vault.NewConversationHasher([]byte(strings.Repeat("k", 32)))
		svc, err := survey.NewService(survey.Config{Store: db.Surveys(), Keys: noKeys{}, Sites: fixedSites{}, Vault: v, Hasher: hasher, Clock: clock})
		if err != nil {
			t.Fatal(err)
		}
		q, _ := survey.LibraryQuestion("own_documents")
		opens, _ := grievance.ParseDay("2026-11-01")
		closes, _ := grievance.ParseDay("2026-11-07")
		sv, err := svc.Create(ctx, org.ID, survey.Survey{Title: "Documents", Languages: []string{"en"}, Questions: []survey.Question{q},
			Target:   survey.Target{SiteIDs: []string{"site-1"}},
			Schedule: survey.Schedule{Opens: opens, Closes: closes, Rounds: 2, EveryDays: 21}})
		if err != nil {
			t.Fatal(err)
		}
		put := func(round, n, no int) {
			for i := range n {
				a := "yes"
				if i < no {
					a = "no"
				}
				if err := db.Surveys().PutResponse(ctx, org.ID, survey.Response{SurveyID: sv.ID, Round: round, SiteID: "site-1",
					Respondent: fmt.Sprintf("h%d-%d", round, i), Channel: survey.SMS, Day: opens, Answers: map[string]string{"own_documents": a}}); err != nil {
					t.Fatal(err)
				}
			}
		}
		put(1, 40, 4)  // 10% without their documents
		put(2, 40, 20) // 50%
		ew := db.EarlyWarning()
		job := &jobs.SurveyDaily{SurveyJobs: jobs.SurveyJobs{Orgs: db.Accounts(), Surveys: svc,
			Alerts: &earlywarning.Service{Alerts: ew, Endpoints: ew, Clock: clock}, Clock: clock}}
		for i, want := range []int{1, 0} {
			n, err := job.Run(ctx)
			if err != nil || n != want {
				t.Fatalf("run %d: %d alerts, %v; want %d", i+1, n, err, want)
			}
		}
		list, err := ew.ListAlerts(ctx, org.ID, earlywarning.AlertFilter{}, kernel.Page{Limit: 10})
		if err != nil || len(list) != 1 {
			t.Fatalf("alerts: %d %v", len(list), err)
		}
		a := list[0]
		if a.Kind != earlywarning.KindSurveyWorsening || a.Subject.ID != "site-1" || a.Severity != earlywarning.SeverityHigh ||
			!strings.Contains(a.Source, "from 10% to 50%") || strings.Contains(a.Source, "own_documents") {
			t.Errorf("alert = %+v", a)
		}
		// After the last round closes, the hashes go.
		clock.T = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		if _, err := job.Run(ctx); err != nil {
			t.Fatal(err)
		}
		rs, _ := db.Surveys().Responses(ctx, org.ID, sv.ID, 2)
		for _, r := range rs {
			if strings.HasPrefix(r.Respondent, "h2-") {
				t.Fatalf("respondent %q kept after the survey ended", r.Respondent)
			}
		}
	})
}
