package account

import "fmt"

// Role is what a user may do inside their organisation.
type Role string

const (
	RoleAdmin       Role = "admin"        // manages users, settings and data; does not read cases unless also a handler
	RoleAnalyst     Role = "analyst"      // works on suppliers, risk, screening, impact
	RoleCaseHandler Role = "case_handler" // reads and handles grievance cases
	RoleViewer      Role = "viewer"       // reads dashboards and registers
)

// Roles lists every role, most privileged first.
var Roles = []Role{RoleAdmin, RoleAnalyst, RoleCaseHandler, RoleViewer}

// ParseRole validates a role name.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("unknown role %q (want admin, analyst, case_handler or viewer)", s)
}

// Permission names one thing a signed-in user may do. Routes and commands
// name the permission they need; Allowed decides.
type Permission string

const (
	PermSelf            Permission = "self"             // own profile, second factor, own API tokens
	PermUsersManage     Permission = "users.manage"     // add, disable users; reset second factors
	PermSuppliersRead   Permission = "suppliers.read"   // supplier register, risk, map
	PermSuppliersWrite  Permission = "suppliers.write"  // imports and edits
	PermScreeningReview Permission = "screening.review" // confirm or dismiss watchlist hits
	PermCasesHandle     Permission = "cases.handle"     // read and act on grievance cases
	PermCasesAggregate  Permission = "cases.aggregate"  // suppressed grievance counts only
	PermImpactRead      Permission = "impact.read"
	PermImpactWrite     Permission = "impact.write"
	PermAlertsRead      Permission = "alerts.read"
	PermAlertsManage    Permission = "alerts.manage"
	PermReportsRead     Permission = "reports.read"
	PermSettingsManage  Permission = "settings.manage" // keys, reference data, retention
)

// policy is the single table of who may do what. Admins deliberately lack
// cases.handle: grievance content is for case handlers only.
var policy = map[Role][]Permission{
	RoleAdmin: {PermSelf, PermUsersManage, PermSuppliersRead, PermSuppliersWrite, PermScreeningReview,
		PermCasesAggregate, PermImpactRead, PermImpactWrite, PermAlertsRead, PermAlertsManage,
		PermReportsRead, PermSettingsManage},
	RoleAnalyst: {PermSelf, PermSuppliersRead, PermSuppliersWrite, PermScreeningReview, PermCasesAggregate,
		PermImpactRead, PermImpactWrite, PermAlertsRead, PermAlertsManage, PermReportsRead},
	RoleCaseHandler: {PermSelf, PermSuppliersRead, PermCasesHandle, PermCasesAggregate, PermAlertsRead,
		PermAlertsManage, PermImpactRead, PermReportsRead},
	RoleViewer: {PermSelf, PermSuppliersRead, PermCasesAggregate, PermImpactRead, PermAlertsRead, PermReportsRead},
}

// Allowed reports whether role grants perm. It is the one place where
// authorisation is decided.
func Allowed(role Role, perm Permission) bool {
	for _, p := range policy[role] {
		if p == perm {
			return true
		}
	}
	return false
}
