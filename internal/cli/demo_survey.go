package cli

import (
	"context"
	"fmt"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
	"github.com/upstream-platform/upstream/internal/survey"
)

// demoSurveyTitle names the demo survey; the seeder looks for it to seed
// only once.
const demoSurveyTitle = "Recruitment, documents and wages (demo)"

// demoSurveyShares are, per site in order, the share of respondents in
// rounds 1 and 2 who do not hold their own documents: one site gets worse
// (an alert), one improves, one stays clean, and one has too few answers
// to show.
var demoSurveyShares = []struct {
	respondents [2]int
	noDocuments [2]float64
}{
	{[2]int{42, 38}, [2]float64{0.12, 0.45}},
	{[2]int{35, 40}, [2]float64{0.40, 0.10}},
	{[2]int{28, 30}, [2]float64{0, 0}},
	{[2]int{3, 4}, [2]float64{0.5, 0.5}},
}

// surveyDemo seeds one survey with two rounds across four garment and
// footwear facilities of the demo supply chain: round 1 closed a month ago
// and round 2 is open today, with answers from both, a few of them free
// text sealed to the case handlers.
func (d *demoSeeder) surveyDemo(ctx context.Context) error {
	if d.surveys == nil {
		return nil
	}
	existing, err := d.surveys.Surveys(ctx, d.org.ID)
	if err != nil {
		return err
	}
	for _, sv := range existing {
		if sv.Title == demoSurveyTitle {
			return nil
		}
	}
	var sites []string
	for _, kind := range []supplychain.Kind{supplychain.KindFacility} {
		parties, _, err := d.db.SupplyChain().ListParties(ctx, d.org.ID, supplychain.PartyFilter{Kind: kind}, kernel.Page{Limit: 200})
		if err != nil {
			return err
		}
		for _, p := range parties {
			if len(sites) < len(demoSurveyShares) && p.Country != "" {
				sites = append(sites, p.ID)
			}
		}
	}
	if len(sites) < len(demoSurveyShares) {
		return nil // a demo without enough facilities has no survey
	}
	var qs []survey.Question
	for _, k := range []string{"own_documents", "recruitment_fee", "still_owe", "paid_in_full", "weekly_hours", "children_working", "anything_else"} {
		q, _ := survey.LibraryQuestion(k)
		qs = append(qs, q)
	}
	today := grievance.Today(d.env.Clock)
	sv, err := d.surveys.Create(ctx, d.org.ID, survey.Survey{
		Title: demoSurveyTitle, Languages: []string{"en", "es", "fr", "pt", "zh-Hans", "ar"}, Questions: qs,
		Target:   survey.Target{SiteIDs: sites},
		Schedule: survey.Schedule{Opens: today.AddDays(-35), Closes: today.AddDays(-21), Rounds: 2, EveryDays: 35},
	})
	if err != nil {
		return err
	}
	for i, site := range sv.Sites {
		shares := demoSurveyShares[i]
		for round := 1; round <= 2; round++ {
			n := shares.respondents[round-1]
			no := int(shares.noDocuments[round-1]*float64(n) + 0.5)
			for j := range n {
				answers := map[string]string{"own_documents": "yes", "recruitment_fee": "no", "paid_in_full": "yes",
					"weekly_hours": fmt.Sprint(48 + (j*7)%20), "children_working": "no"}
				if j < no {
					answers["own_documents"] = "no"
					answers["recruitment_fee"] = "yes"
					answers["still_owe"] = "yes"
				}
				if round == 2 {
					// Today's round goes through the respondent's page, free
					// text sealed like a real answer.
					if j == 0 && no > 0 {
						answers["anything_else"] = "The agent keeps our passports until the contract ends (demo text)."
					}
					if err := d.surveys.SubmitWeb(ctx, d.org.ID, site.Code, answers); err != nil {
						return err
					}
					continue
				}
				if err := d.db.Surveys().PutResponse(ctx, d.org.ID, survey.Response{SurveyID: sv.ID, Round: 1, SiteID: site.ID,
					Respondent: fmt.Sprintf("demo-%d-%d", i, j), Channel: survey.SMS, Day: today.AddDays(-30), Answers: answers}); err != nil {
					return err
				}
			}
		}
	}
	// The sites' scores take the survey's evidence now, not at the next
	// import.
	if d.suppliers != nil {
		if _, err := d.suppliers.Recompute(ctx, d.org.ID); err != nil {
			return err
		}
	}
	fmt.Fprintf(d.env.Stdout, "Demo survey: %q across %d sites; a site's respondent page is /survey/demo/%s\n", sv.Title, len(sv.Sites), sv.Sites[0].Code)
	return nil
}
