package grievance

import (
	"slices"
	"sync"

	"golang.org/x/text/language"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Category is a stable code for what a report is about. Codes are stored in
// clear for routing and early warning, so they name kinds of harm, never
// people.
type Category string

// The eleven ILO indicators of forced labour.
const (
	AbuseOfVulnerability   Category = "abuse_of_vulnerability"
	Deception              Category = "deception"
	RestrictionOfMovement  Category = "restriction_of_movement"
	Isolation              Category = "isolation"
	PhysicalSexualViolence Category = "physical_sexual_violence"
	IntimidationThreats    Category = "intimidation_threats"
	RetentionOfDocuments   Category = "retention_of_documents"
	WithholdingOfWages     Category = "withholding_of_wages"
	DebtBondage            Category = "debt_bondage"
	AbusiveConditions      Category = "abusive_conditions"
	ExcessiveOvertime      Category = "excessive_overtime"
)

// Other kinds of harm.
const (
	ChildLabour Category = "child_labour"
	LandRights  Category = "land_rights"
	Environment Category = "environmental_harm"
	Other       Category = "other"
)

// Group is the family a category belongs to, for aggregates and risk
// signals.
type Group string

const (
	GroupForcedLabour Group = "forced_labour"
	GroupChildLabour  Group = "child_labour"
	GroupLandEnv      Group = "land_environment"
	GroupOther        Group = "other"
)

// Categories lists every category in the order forms show them.
func Categories() []Category {
	return []Category{
		AbuseOfVulnerability, Deception, RestrictionOfMovement, Isolation,
		PhysicalSexualViolence, IntimidationThreats, RetentionOfDocuments,
		WithholdingOfWages, DebtBondage, AbusiveConditions, ExcessiveOvertime,
		ChildLabour, LandRights, Environment, Other,
	}
}

// Valid reports whether c is a known category.
func (c Category) Valid() bool { return slices.Contains(Categories(), c) }

// ILOIndicator reports whether c is one of the ILO indicators of forced
// labour.
func (c Category) ILOIndicator() bool { return c.Group() == GroupForcedLabour }

// Group returns the family of c; unknown codes belong to GroupOther.
func (c Category) Group() Group {
	switch c {
	case AbuseOfVulnerability, Deception, RestrictionOfMovement, Isolation,
		PhysicalSexualViolence, IntimidationThreats, RetentionOfDocuments,
		WithholdingOfWages, DebtBondage, AbusiveConditions, ExcessiveOvertime:
		return GroupForcedLabour
	case ChildLabour:
		return GroupChildLabour
	case LandRights, Environment:
		return GroupLandEnv
	}
	return GroupOther
}

// ParseCategories checks a list of category codes from a form or a message,
// dropping duplicates and keeping the form's order. An empty list means
// Other.
func ParseCategories(codes []string) ([]Category, error) {
	if len(codes) > len(Categories()) {
		return nil, kernel.Errorf(kernel.Invalid, "too many categories")
	}
	seen := map[Category]bool{}
	for _, s := range codes {
		c := Category(s)
		if !c.Valid() {
			return nil, kernel.Errorf(kernel.Invalid, "unknown category %q", truncate(s, 40))
		}
		seen[c] = true
	}
	if len(seen) == 0 {
		return []Category{Other}, nil
	}
	out := make([]Category, 0, len(seen))
	for _, c := range Categories() {
		if seen[c] {
			out = append(out, c)
		}
	}
	return out, nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return string(r)
}

// Languages are the languages category labels are translated into, as
// BCP 47 tags. The first is the fallback.
var languageTags = []language.Tag{
	language.English,
	language.Spanish,
	language.French,
	language.Portuguese,
	language.MustParse("zh-Hans"),
	language.Arabic,
}

// Languages returns the supported language tags, English first.
func Languages() []string {
	out := make([]string, len(languageTags))
	for i, t := range languageTags {
		out[i] = t.String()
	}
	return out
}

var matcher = sync.OnceValue(func() language.Matcher { return language.NewMatcher(languageTags) })

// MatchLanguage picks the supported language that best fits the given tags
// or an Accept-Language header value ("pt-BR", "zh-CN", "ar-EG,en;q=0.5").
// It falls back to English.
func MatchLanguage(prefs ...string) string {
	var tags []language.Tag
	for _, p := range prefs {
		if len(p) > 256 {
			continue
		}
		if ts, _, err := language.ParseAcceptLanguage(p); err == nil {
			tags = append(tags, ts...)
		}
	}
	_, i, conf := matcher().Match(tags...)
	if conf == language.No {
		return languageTags[0].String()
	}
	return languageTags[i].String()
}

// RightToLeft reports whether a supported language is written right to
// left, for the page's dir attribute.
func RightToLeft(lang string) bool { return lang == "ar" }

// Label returns the category's label in the language (a tag from
// Languages), falling back to English for unknown languages and to the code
// itself for unknown categories.
func Label(c Category, lang string) string {
	if l, ok := labels[lang][c]; ok {
		return l
	}
	if l, ok := labels["en"][c]; ok {
		return l
	}
	return string(c)
}
