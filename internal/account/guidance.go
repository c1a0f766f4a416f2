package account

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// EmergencyGuidance is what an organisation tells a reporter to do when
// someone is in danger now (whom to call, where to go), in one language,
// for reporters in one country or, with Country empty, anywhere. It is
// shown on the reporter pages and the receipt page; Upstream itself never
// contacts anyone.
type EmergencyGuidance struct {
	OrgID     string
	Country   string // ISO 3166 alpha-2, or "" for any country
	Lang      string // a reporter-page language code, e.g. "es", "zh-Hans"
	Text      string
	UpdatedAt time.Time
}

// MaxGuidanceBytes bounds one guidance text; reporter pages must stay
// small on a 2G connection.
const MaxGuidanceBytes = 2000

// Validate checks the fields an admin enters.
func (g EmergencyGuidance) Validate() error {
	switch {
	case g.Country != "" && (len(g.Country) != 2 || strings.ToUpper(g.Country) != g.Country || !isLetters(g.Country)):
		return kernel.Errorf(kernel.Invalid, "country: %q is not a two-letter ISO 3166 code (leave it empty for every country)", g.Country)
	case g.Lang == "":
		return kernel.Errorf(kernel.Invalid, "language: choose the language of the guidance")
	case strings.TrimSpace(g.Text) == "":
		return kernel.Errorf(kernel.Invalid, "guidance: write what a reporter should do (to remove it, delete it instead)")
	case len(g.Text) > MaxGuidanceBytes:
		return kernel.Errorf(kernel.Invalid, "guidance: at most %d bytes (this one has %d)", MaxGuidanceBytes, len(g.Text))
	case !utf8.ValidString(g.Text):
		return kernel.Errorf(kernel.Invalid, "guidance: the text is not valid UTF-8")
	}
	return nil
}

func isLetters(s string) bool {
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// PickGuidance chooses what a reporter sees: guidance for their country in
// their language, else for any country in their language, else for their
// country in another language, else for any country in another language
// (the lowest language code, so the choice is stable). Guidance in the
// reporter's language for anywhere beats their country's in a language
// they may not read.
func PickGuidance(all []EmergencyGuidance, country, lang string) (EmergencyGuidance, bool) {
	country = strings.ToUpper(strings.TrimSpace(country))
	rank := func(g EmergencyGuidance) int {
		switch {
		case g.Country == country && country != "" && g.Lang == lang:
			return 4
		case g.Country == "" && g.Lang == lang:
			return 3
		case g.Country == country && country != "":
			return 2
		case g.Country == "":
			return 1
		}
		return 0
	}
	var best EmergencyGuidance
	bestRank := 0
	for _, g := range all {
		r := rank(g)
		if r > bestRank || (r == bestRank && r > 0 && g.Lang < best.Lang) {
			best, bestRank = g, r
		}
	}
	return best, bestRank > 0
}

// Audit actions of the reporter-page settings.
const (
	ActionGuidanceSet    = "account.guidance.set"
	ActionGuidanceDelete = "account.guidance.delete"
	ActionSupplierSearch = "account.supplier_search"
)

// SetEmergencyGuidance validates and stores guidance, audited under by.
func (s *Service) SetEmergencyGuidance(ctx context.Context, by string, g EmergencyGuidance) error {
	g.Country = strings.ToUpper(strings.TrimSpace(g.Country))
	g.Text = strings.TrimSpace(g.Text)
	if err := g.Validate(); err != nil {
		return err
	}
	g.UpdatedAt = s.Clock.Now()
	if err := s.auditOrg(ctx, g.OrgID, by, ActionGuidanceSet, map[string]string{"country": g.Country, "lang": g.Lang}); err != nil {
		return err
	}
	return s.Store.SetEmergencyGuidance(ctx, g)
}

// DeleteEmergencyGuidance removes guidance, audited under by.
func (s *Service) DeleteEmergencyGuidance(ctx context.Context, by, orgID, country, lang string) error {
	if err := s.auditOrg(ctx, orgID, by, ActionGuidanceDelete, map[string]string{"country": country, "lang": lang}); err != nil {
		return err
	}
	return s.Store.DeleteEmergencyGuidance(ctx, orgID, country, lang)
}

// SetSupplierSearch turns the intake form's supplier search on or off,
// audited under by.
func (s *Service) SetSupplierSearch(ctx context.Context, by, orgID string, on bool) error {
	state := "off"
	if on {
		state = "on"
	}
	if err := s.auditOrg(ctx, orgID, by, ActionSupplierSearch, map[string]string{"state": state}); err != nil {
		return err
	}
	return s.Store.SetSupplierSearch(ctx, orgID, on)
}

func (s *Service) auditOrg(ctx context.Context, orgID, by, action string, detail map[string]string) error {
	if s.Audit == nil {
		return nil
	}
	if by == "" {
		by = "unknown"
	}
	return s.Audit(ctx, orgID, by, action, "org:"+orgID, detail)
}
