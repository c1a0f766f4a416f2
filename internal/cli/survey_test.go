package cli

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/refdata"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/supplychain"
	"github.com/upstream-platform/upstream/internal/survey"
)

// TestSurveyResultsMoveTheSiteScore: a garment factory's score rests on
// country and commodity context until its workers answer a survey; strong
// answers on withheld documents are evidence about the site itself and
// raise its score, and a later round in which nobody reports it brings the
// score back down.
func TestSurveyResultsMoveTheSiteScore(t *testing.T) {
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		clock := &kernel.FixedClock{T: time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)}
		org := account.Org{ID: kernel.NewID(), Slug: "brand", Name: "Brand", CreatedAt: clock.T}
		if err := db.Accounts().CreateOrg(ctx, org); err != nil {
			t.Fatal(err)
		}
		ref, err := refdata.Default()
		if err != nil {
			t.Fatal(err)
		}
		svc, err := newAssessmentService(ref, db, nil, clock)
		if err != nil {
			t.Fatal(err)
		}
		csv := "id,name,country,commodity\nF1,Chittagong Knitwear Ltd,BD,garments\n"
		if _, err := svc.ImportAndRecompute(ctx, org.ID, []assessment.NamedFile{assessment.ReaderFile("suppliers.csv", strings.NewReader(csv))}, false); err != nil {
			t.Fatal(err)
		}
		site := supplychain.RefID("F1")
		score := func() supplychain.PartyRisk {
			t.Helper()
			rows, _, err := db.SupplyChain().Register(ctx, org.ID, supplychain.RegisterFilter{}, supplychain.RegisterSort(""), kernel.Page{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if r.Party.ID == site {
					return r.Risk
				}
			}
			t.Fatalf("the site is not in the register")
			return supplychain.PartyRisk{}
		}
		before := score()

		q, _ := survey.LibraryQuestion("own_documents")
		opens, _ := grievance.ParseDay("2026-03-01")
		closes, _ := grievance.ParseDay("2026-03-10")
		sv := survey.Survey{ID: kernel.NewID(), OrgID: org.ID, Title: "Documents and fees", Languages: []string{"en"},
			Questions: []survey.Question{q}, Target: survey.Target{SiteIDs: []string{site}},
			Schedule: survey.Schedule{Opens: opens, Closes: closes, Rounds: 2, EveryDays: 30},
			Sites:    []survey.Site{{ID: site, Code: "7KQ3PA"}}}
		if err := db.Surveys().CreateSurvey(ctx, sv); err != nil {
			t.Fatal(err)
		}
		answer := func(round, n, no int) {
			for i := range n {
				v := "yes"
				if i < no {
					v = "no"
				}
				if err := db.Surveys().PutResponse(ctx, org.ID, survey.Response{SurveyID: sv.ID, Round: round, SiteID: site,
					Respondent: fmt.Sprintf("r%d-%d", round, i), Channel: survey.SMS, Day: opens, Answers: map[string]string{"own_documents": v}}); err != nil {
					t.Fatal(err)
				}
			}
		}
		answer(1, 30, 12) // 40% keep no documents of their own
		if _, err := svc.Recompute(ctx, org.ID); err != nil {
			t.Fatal(err)
		}
		during := score()
		if during.Own <= before.Own {
			t.Fatalf("strong survey evidence did not raise the site's score: %.1f before, %.1f after", before.Own, during.Own)
		}
		var found bool
		for _, f := range during.Factors {
			if strings.Contains(f.Source, "worker-voice survey") && strings.Contains(f.Value, "12 of 30") {
				found = true
			}
		}
		if !found {
			t.Errorf("no survey factor among %+v", during.Factors)
		}
		t.Logf("site score: %.1f (%s) before the survey, %.1f (%s) with round 1", before.Own, before.Level, during.Own, during.Level)

		// Round 2: nobody reports it; the evidence of the latest round with
		// results is what counts.
		clock.T = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
		answer(2, 30, 0)
		if _, err := svc.Recompute(ctx, org.ID); err != nil {
			t.Fatal(err)
		}
		after := score()
		if after.Own >= during.Own {
			t.Errorf("an improved round did not lower the score: %.1f then %.1f", during.Own, after.Own)
		}
		t.Logf("site score with round 2: %.1f (%s)", after.Own, after.Level)
	})
}
