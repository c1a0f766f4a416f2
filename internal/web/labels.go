package web

import (
	"regexp"
	"strings"

	"github.com/upstream-platform/upstream/internal/account"
)

// Labels for the codes the system keeps (roles, statuses, remedy types,
// consent purposes...): people read the label, never the code. A code
// without an entry of its own is shown with its underscores and hyphens
// as spaces, which reads as words, so a new code never reaches a page
// as back_pay.

var roleLabels = map[account.Role]string{
	account.RoleAdmin:       "administrator",
	account.RoleAnalyst:     "analyst",
	account.RoleCaseHandler: "case handler",
	account.RoleViewer:      "viewer",
}

// roleLabel names a role as a person reads it.
func roleLabel(r account.Role) string {
	if l, ok := roleLabels[r]; ok {
		return l
	}
	return words(string(r))
}

// plainCodes are codes whose own words read well as a label; they are
// listed so that the catalogs translate those words too (see
// TestCatalogsAreComplete).
var plainCodes = []string{
	"low", "medium", "high", "critical", "unknown", "unassessed", "normal", "high_risk",
	"active", "expired", "revoked", "pending", "confirmed", "dismissed",
	"proposed", "accepted", "contested", "implemented", "withdrawn",
	"web", "sms", "messaging", "referral", "reveal_identity", "anonymised_statistics", "share_with_authorities",
	"risk_to_life", "child_at_risk", "legal_duty", "court_ordered",
	"open", "acknowledged", "unresolved", "resolved", "unfounded", "duplicate", "unreachable", "remedy_contested", "new_information",
	"person", "organization", "vessel", "aircraft",
	"grievance", "audit_finding", "survey_finding", "audit_failed", "audit_expired", "audit_passed",
	"weak", "moderate", "strong", "sex", "age_group", "place", "female", "male", "other",
	"negligible", "error", "warning", "standard",
	// Parties and the risk score's factors: kinds and indicators.
	"company", "facility", "inherent", "signal", "supply chain", "child labour", "forced labour", "forced child labour",
	"made with inputs produced with exploited labour", "prevalence of modern slavery", "working children",
	"government effort against child labour", "exposure from suppliers", "context cap",
	"worse", "better", // survey changes
}

// codeLabels are the codes whose plain words would read badly.
var codeLabels = map[string]string{
	"back_pay":            "back pay",
	"share_with_supplier": "share with the supplier",
	"in_person":           "in person",
	"cbp-wro":             "CBP withhold release orders and findings",
	"uflpa":               "UFLPA Entity List",
	"watchlist_confirmed": "confirmed watchlist match",
	"watchlist_possible":  "possible watchlist match",
	"out_of_scope":        "out of scope",
	"sms":                 "SMS",
	"web":                 "web form",
	"whatsapp":            "WhatsApp",
	"ivr":                 "phone keypad",
	"no-loss-found":       "no forest loss found",
	"no-analysis":         "no forest-loss analysis",
	"loss-found":          "forest loss found",
	"geolocation-error":   "geolocation error",
}

// label is a code as a person reads it; text that is not a code (a
// source's title, a name) is left as it is.
func label(code string) string {
	if l, ok := codeLabels[code]; ok {
		return l
	}
	if codeShape.MatchString(code) {
		return words(code)
	}
	return code
}

// isCode reports whether s is a code the system keeps, which label turns
// into words, rather than text such as a source's title.
func isCode(s string) bool {
	_, ok := codeLabels[s]
	return ok || codeShape.MatchString(s)
}

// codeShape is what a code looks like: lower-case words joined by
// underscores or hyphens.
var codeShape = regexp.MustCompile(`^[a-z0-9]+(?:[_-][a-z0-9]+)+$`)

// words turns a code into words: "in_remediation" reads "in remediation".
func words(code string) string {
	return strings.NewReplacer("_", " ", "-", " ").Replace(code)
}
