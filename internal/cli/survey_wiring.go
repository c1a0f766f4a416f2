package cli

import (
	"context"
	"fmt"

	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/risk"

	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/survey"
	"github.com/upstream-platform/upstream/internal/web"
)

// newSurveys wires worker-voice surveys over the grievance mechanism's
// vault, keys and conversation hasher: free-text answers are sealed to the
// same recipients as new reports, and respondents' numbers are hashed with
// the same server secret (in a namespace of their own).
func newSurveys(env *Env, db *sqlstore.DB, g *grievanceParts) (web.SurveyDeps, error) {
	svc, err := survey.NewService(survey.Config{
		Store: db.Surveys(), Keys: g.Intake.Keys, Sites: supplierSites{db.SupplyChain()},
		Vault: g.Vault, Hasher: g.Intake.Hooks.Hasher, Clock: env.Clock,
	})
	if err != nil {
		return web.SurveyDeps{}, err
	}
	publicURL, err := env.setting("PUBLIC_URL")
	if err != nil {
		return web.SurveyDeps{}, err
	}
	return web.SurveyDeps{Service: svc, PublicURL: publicURL}, nil
}

// supplierSites resolves a survey target supplier to the facilities that
// supply it directly, or to the supplier itself when the map holds none.
type supplierSites struct{ st *sqlstore.SupplyChain }

func (s supplierSites) SitesOf(ctx context.Context, orgID, supplierID string) ([]string, error) {
	if _, err := s.st.GetParty(ctx, orgID, supplierID); err != nil {
		return nil, err
	}
	suppliers, _, err := s.st.PartyLinks(ctx, orgID, supplierID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range suppliers {
		out = append(out, l.Supplier)
	}
	if len(out) == 0 {
		out = []string{supplierID}
	}
	return out, nil
}

// signalSources merges the signals of several sources, party by party.
type signalSources []assessment.SignalSource

func (ss signalSources) PartySignals(ctx context.Context, orgID string) (map[string][]risk.Signal, error) {
	out := map[string][]risk.Signal{}
	for _, s := range ss {
		m, err := s.PartySignals(ctx, orgID)
		if err != nil {
			return nil, err
		}
		for id, sigs := range m {
			out[id] = append(out[id], sigs...)
		}
	}
	return out, nil
}

// surveySignals turns the latest survey results into risk signals about
// the sites surveyed: per site, survey and hazard, the strongest finding
// counts once (the others are named in its note), as the risk model counts
// one listing per hazard.
type surveySignals struct {
	store survey.EvidenceStore
	clock kernel.Clock
}

func (s surveySignals) PartySignals(ctx context.Context, orgID string) (map[string][]risk.Signal, error) {
	ev, err := survey.LatestEvidence(ctx, s.store, grievance.Today(s.clock), orgID)
	if err != nil {
		return nil, err
	}
	type key struct{ site, survey, hazard string }
	best := map[key]survey.Evidence{}
	others := map[key]int{}
	var order []key
	for _, e := range ev {
		if surveyStrength(e) == 0 {
			continue
		}
		k := key{e.SiteID, e.SurveyID, string(e.Hazard)}
		b, seen := best[k]
		if !seen {
			order = append(order, k)
		}
		if !seen || surveyStrength(e) > surveyStrength(b) || (surveyStrength(e) == surveyStrength(b) && e.Share > b.Share) {
			if seen {
				others[k]++
			}
			best[k] = e
		} else {
			others[k]++
		}
	}
	out := map[string][]risk.Signal{}
	for _, k := range order {
		e := best[k]
		note := fmt.Sprintf("%s: %d of %d respondents (%.0f%%)", grievance.Label(e.Indicator, "en"), e.Concerning, e.Respondents, 100*e.Share)
		if n := others[k]; n > 0 {
			note += fmt.Sprintf("; %d more question(s) on the same hazard agree", n)
		}
		out[e.SiteID] = append(out[e.SiteID], risk.Signal{Kind: risk.SurveyFinding, Value: surveyStrength(e),
			Source: "worker-voice survey “" + e.SurveyTitle + "”", Edition: fmt.Sprintf("round %d, %s", e.Round, e.Day), Note: note})
	}
	return out, nil
}

// surveyStrength is a finding's signal value: 3 for strong evidence on a
// severe indicator, 2 for strong, 1 for moderate; weak evidence (a count
// under 5) and none give no signal.
func surveyStrength(e survey.Evidence) float64 {
	switch e.Strength {
	case survey.StrengthStrong:
		if e.Severe {
			return 3
		}
		return 2
	case survey.StrengthModerate:
		return 1
	}
	return 0
}
