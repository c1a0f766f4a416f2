package cli

import (
	"context"

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
		Store: db.Surveys(), Keys: g.Reports.Keys, Sites: supplierSites{db.SupplyChain()},
		Vault: g.Vault, Hasher: g.Reports.Hooks.Hasher, Clock: env.Clock,
	})
	if err != nil {
		return web.SurveyDeps{}, err
	}
	return web.SurveyDeps{Service: svc, PublicURL: envString(env, "PUBLIC_URL", "")}, nil
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
