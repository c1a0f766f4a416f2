package web

import (
	"context"
	"maps"
	"net/url"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/refdata"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// subjectView is what an alert is about, as a person reads it: a name and,
// where Upstream has a page for it, a link.
type subjectView struct {
	Name string
	Href string
}

// partyGetter finds a party for the alert pages to name; the supplier
// register provides it, and without it parties are not named.
type partyGetter interface {
	GetParty(ctx context.Context, orgID, id string) (supplychain.Party, error)
}

// datasetTitles describe the built-in reference datasets in words the
// catalogs translate: the publications' own titles are English proper
// names, which the description carries in the reader's language.
var datasetTitles = map[string]string{
	refdata.ILABGoods:     translatable("ILAB List of Goods Produced by Child Labor or Forced Labor"),
	refdata.ILABFindings:  translatable("ILAB Findings on the Worst Forms of Child Labor"),
	refdata.GSI:           translatable("Global Slavery Index 2023"),
	refdata.EUDRBenchmark: translatable("EUDR country benchmark"),
	refdata.EUDRList:      translatable("EUDR commodities"),
	refdata.ISO3166:       translatable("ISO 3166 countries"),
}

// subjectOf names an alert's subject in l's language.
func (s *alertHandlers) subjectOf(ctx context.Context, l *locale, orgID string, sub earlywarning.Subject) subjectView {
	switch sub.Kind {
	case earlywarning.SubjectParty:
		name := l.tr("a supplier no longer in the register")
		if s.parties != nil {
			if p, err := s.parties.GetParty(ctx, orgID, sub.ID); err == nil && p.Name != "" {
				name = p.Name
			}
		}
		return subjectView{Name: name, Href: "/suppliers/" + sub.ID}
	case earlywarning.SubjectCountry:
		if c, ok := country.ByAlpha2(strings.ToUpper(sub.ID)); ok {
			return subjectView{Name: l.country(c.Alpha2), Href: "/suppliers?country=" + c.Alpha2}
		}
	case earlywarning.SubjectCategory:
		return subjectView{Name: l.tr("grievances: %v", grievance.Label(grievance.Category(sub.ID), l.Code))}
	case earlywarning.SubjectDataset:
		if t, ok := datasetTitles[sub.ID]; ok {
			return subjectView{Name: l.tr(t)}
		}
		return subjectView{Name: l.tr("reference data: %v", words(sub.ID))}
	case earlywarning.SubjectCase:
		return subjectView{Name: l.tr("a grievance case"), Href: "/cases/" + sub.ID}
	case earlywarning.SubjectOrg:
		return subjectView{Name: l.tr("the whole organisation")}
	case earlywarning.SubjectRegion:
		return subjectView{Name: l.tr("region %v", sub.ID)}
	}
	return subjectView{Name: words(string(sub.Kind)) + " " + sub.ID}
}

// signalLabels say what each kind of signal measures.
var signalLabels = map[earlywarning.Kind]string{
	earlywarning.KindGrievanceCount:  translatable("grievance reports"),
	earlywarning.KindWatchlistHit:    translatable("watchlist match"),
	earlywarning.KindRiskScoreChange: translatable("risk score change"),
	earlywarning.KindRefdataUpdate:   translatable("reference data updated"),
	earlywarning.KindCaseOverdue:     translatable("case overdue"),
	earlywarning.KindSurveyWorsening: translatable("worker survey results worsened"),
	earlywarning.KindIntakeFlood:     translatable("flood of reports"),
}

func signalLabel(l *locale, k earlywarning.Kind) string {
	if s, ok := signalLabels[k]; ok {
		return l.tr(escapeVerbs(s))
	}
	return words(string(k))
}

// detectorLabel names the detector that raised an alert: "threshold:
// watchlist-hit" reads "threshold rule (watchlist hit)".
func detectorLabel(l *locale, d string) string {
	switch {
	case d == "nbcusum":
		return l.tr("negative-binomial CUSUM (cumulative sum of evidence for a rise)")
	case d == "cusum":
		return l.tr("CUSUM (cumulative sum of deviations)")
	case d == "ewma":
		return l.tr("EWMA (moving average)")
	case strings.HasPrefix(d, "threshold:"):
		return l.tr("threshold rule (%v)", words(strings.TrimPrefix(d, "threshold:")))
	}
	return words(d)
}

// alertLink is a link from an alert to what lies behind it.
type alertLink struct{ Text, Href string }

// behindLinks lead from an alert to the suppliers, country and cases
// behind it, each only for people allowed to open that page. The cases
// link keeps to the reports received from a week before the alert was
// first seen to when it was last seen, the days its rise is made of.
func (s *alertHandlers) behindLinks(ctx context.Context, l *locale, p account.Principal, a earlywarning.Alert, subject subjectView) []alertLink {
	var links []alertLink
	suppliers, cases := p.Can(account.PermSuppliersRead), p.Can(account.PermCasesHandle)
	countryLink := func(code string) {
		if c, ok := country.ByAlpha2(strings.ToUpper(code)); ok && suppliers {
			links = append(links, alertLink{l.tr("Suppliers in %v", l.country(c.Alpha2)), "/suppliers?country=" + url.QueryEscape(c.Alpha2)})
		}
	}
	window := url.Values{"stage": {"all"},
		"from": {a.FirstSeen.UTC().AddDate(0, 0, -7).Format(time.DateOnly)}, "to": {a.LastSeen.UTC().Format(time.DateOnly)}}
	casesLink := func(key, value string) {
		if !cases {
			return
		}
		v := maps.Clone(window)
		v.Set(key, value)
		links = append(links, alertLink{l.tr("Cases about %v received from %v to %v", subject.Name, l.date(a.FirstSeen.AddDate(0, 0, -7)), l.date(a.LastSeen)),
			"/cases?" + v.Encode()})
	}
	switch a.Subject.Kind {
	case earlywarning.SubjectParty:
		if suppliers {
			links = append(links, alertLink{l.tr("Supplier: %v", subject.Name), subject.Href})
		}
		if s.parties != nil {
			if party, err := s.parties.GetParty(ctx, a.OrgID, a.Subject.ID); err == nil && party.Country != "" {
				countryLink(party.Country)
			}
		}
		casesLink("supplier", a.Subject.ID)
	case earlywarning.SubjectCountry:
		countryLink(a.Subject.ID)
		casesLink("country", strings.ToUpper(a.Subject.ID))
	case earlywarning.SubjectCategory:
		casesLink("category", a.Subject.ID)
	case earlywarning.SubjectCase:
		if cases {
			links = append(links, alertLink{l.tr("Open the case"), subject.Href})
		}
	}
	return links
}
