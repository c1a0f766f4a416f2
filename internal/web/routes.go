package web

import (
	"net/http"

	"github.com/upstream-platform/upstream/internal/account"
)

// access says who may call a route.
type access int

const (
	public        access = iota // anyone, signed in or not
	signedIn                    // a signed-in user holding the route's permission
	reporterRoute               // public, and nothing about the caller is logged
)

// route is one entry of the route table.
type route struct {
	pattern string
	access  access
	perm    account.Permission
	handler http.HandlerFunc
}

// routes is the one list of every route and the permission it needs. Each
// capability keeps its group in its own file; this function joins them.
func (s *Server) routes() []route {
	var all []route
	for _, group := range [][]route{
		s.coreRoutes(),
		s.alertRoutes(),
		s.impactRoutes(),
		s.reportsRoutes(),
		s.reportRoutes(), s.hookRoutes(), s.caseRoutes(),
		s.supplyRoutes(),
		s.screeningRoutes(),
	} {
		all = append(all, group...)
	}
	return all
}

// coreRoutes are health, sign-in, own account and user administration.
func (s *Server) coreRoutes() []route {
	return []route{
		{"GET /healthz", public, "", s.healthz},
		{"GET /readyz", public, "", s.readyz},
		{"GET /metrics", public, "", s.metricsHandler},

		{"GET /login", public, "", s.loginPage},
		{"POST /login", public, "", s.loginSubmit},
		{"POST /logout", public, "", s.logout},

		{"GET /{$}", signedIn, account.PermSelf, s.home},
		{"GET /account", signedIn, account.PermSelf, s.accountPage},
		{"POST /account/2fa/begin", signedIn, account.PermSelf, s.totpBegin},
		{"POST /account/2fa/confirm", signedIn, account.PermSelf, s.totpConfirm},
		{"POST /account/tokens", signedIn, account.PermSelf, s.tokenCreate},
		{"POST /account/tokens/{id}/revoke", signedIn, account.PermSelf, s.tokenRevoke},

		{"GET /admin/users", signedIn, account.PermUsersManage, s.usersPage},
		{"POST /admin/users", signedIn, account.PermUsersManage, s.userCreate},
		{"POST /admin/users/{id}/disable", signedIn, account.PermUsersManage, s.userDisable},
		{"POST /admin/users/{id}/enable", signedIn, account.PermUsersManage, s.userEnable},
		{"POST /admin/users/{id}/reset-2fa", signedIn, account.PermUsersManage, s.userReset2FA},
		{"GET /admin/settings", signedIn, account.PermSettingsManage, s.settingsPage},
		{"POST /admin/settings/retention", signedIn, account.PermSettingsManage, s.settingsRetention},
		{"POST /admin/settings/recovery-key", signedIn, account.PermSettingsManage, s.settingsRecoveryKey},

		{"GET /api/v1/me", signedIn, account.PermSelf, s.apiMe},
		{"GET /api/v1/users", signedIn, account.PermUsersManage, s.apiUsers},
		{"POST /api/v1/users", signedIn, account.PermUsersManage, s.apiUserCreate},
	}
}
