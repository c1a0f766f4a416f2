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

// routes is the one list of every route: method and pattern, who may call
// it, and the handler set that answers. A capability that is off keeps its
// routes here, answering "not available" (see features.go).
func (s *Server) routes() []route {
	ops, acc, home := s.ops, s.account, s.dashboard
	sup, scr, in, cs, im, al, rp := s.supply, s.screening, s.intake, s.cases, s.impact, s.alerts, s.reports
	sv := s.surveys
	f := s.features
	self, users, settings := account.PermSelf, account.PermUsersManage, account.PermSettingsManage
	var all []route
	for _, group := range [][]route{
		// Health, sign-in, own account and user administration.
		{
			{"GET /healthz", public, "", ops.healthz},
			{"GET /readyz", public, "", ops.readyz},
			{"GET /metrics", public, "", ops.metricsHandler},

			{"GET /login", public, "", acc.loginPage},
			{"POST /login", public, "", acc.loginSubmit},
			{"POST /logout", public, "", acc.logout},
			{"GET /invitations/{token}", public, "", acc.invitationPage},
			{"POST /invitations/{token}", public, "", acc.invitationAccept},

			{"GET /{$}", signedIn, self, home.dashboard},
			{"GET /account", signedIn, self, acc.accountPage},
			{"POST /account/2fa/begin", signedIn, self, acc.totpBegin},
			{"POST /account/2fa/confirm", signedIn, self, acc.totpConfirm},
			{"POST /account/tokens", signedIn, self, acc.tokenCreate},
			{"POST /account/tokens/{id}/revoke", signedIn, self, acc.tokenRevoke},
			{"POST /account/language", signedIn, self, acc.languageSet},

			{"GET /admin/users", signedIn, users, acc.usersPage},
			{"POST /admin/users", signedIn, users, acc.userCreate},
			{"POST /admin/users/{id}/disable", signedIn, users, acc.userDisable},
			{"POST /admin/users/{id}/enable", signedIn, users, acc.userEnable},
			{"POST /admin/users/{id}/reset-2fa", signedIn, users, acc.userReset2FA},
			{"GET /admin/settings", signedIn, settings, acc.settingsPage},
			{"GET /admin/audit-log", signedIn, settings, acc.auditLogPage},
			{"POST /admin/settings/retention", signedIn, settings, acc.settingsRetention},
			{"POST /admin/settings/recovery-key", signedIn, settings, acc.settingsRecoveryKey},
			{"POST /admin/settings/emergency", signedIn, settings, acc.settingsGuidance},
			{"POST /admin/settings/emergency/delete", signedIn, settings, acc.settingsGuidanceDelete},
			{"POST /admin/settings/supplier-search", signedIn, settings, acc.settingsSupplierSearch},

			{"GET /api/v1/openapi.json", public, "", s.serveOpenAPI},
			{"GET /api-reference", public, "", s.apiReference},
			{"GET /api/v1/me", signedIn, self, acc.apiMe},
			{"GET /api/v1/tokens", signedIn, self, acc.apiTokens},
			{"GET /api/v1/users", signedIn, users, acc.apiUsers},
			{"POST /api/v1/users", signedIn, users, acc.apiUserCreate},
		},
		// Background jobs of the API: each user polls their own.
		s.jobRoutes(),

		// Early warning: alerts for anyone who may read them, transitions
		// for those who manage them, and delivery endpoints for admins.
		s.when(f.alerts, []route{
			{"GET /alerts", signedIn, account.PermAlertsRead, al.alertsPage},
			{"GET /alerts/{id}", signedIn, account.PermAlertsRead, al.alertPage},
			{"POST /alerts/{id}/acknowledge", signedIn, account.PermAlertsManage, al.alertAcknowledge},
			{"POST /alerts/{id}/assign", signedIn, account.PermAlertsManage, al.alertAssign},
			{"POST /alerts/{id}/snooze", signedIn, account.PermAlertsManage, al.alertSnooze},
			{"POST /alerts/{id}/resolve", signedIn, account.PermAlertsManage, al.alertResolve},

			{"GET /alerts/endpoints", signedIn, settings, al.endpointsPage},
			{"POST /alerts/endpoints", signedIn, settings, al.endpointCreate},
			{"POST /alerts/endpoints/{id}/delete", signedIn, settings, al.endpointDelete},
			{"GET /alerts/sensitivity", signedIn, settings, al.sensitivityPage},
			{"POST /alerts/sensitivity", signedIn, settings, al.sensitivitySave},
			{"GET /alerts/closures", signedIn, settings, al.closuresPage},
			{"POST /alerts/closures", signedIn, settings, al.closureAdd},
			{"POST /alerts/closures/{id}/delete", signedIn, settings, al.closureDelete},

			{"GET /api/v1/alerts", signedIn, account.PermAlertsRead, al.apiAlerts},
			{"GET /api/v1/alerts/{id}", signedIn, account.PermAlertsRead, al.apiAlert},
			{"POST /api/v1/alerts/{id}/acknowledge", signedIn, account.PermAlertsManage, al.apiAlertAcknowledge},
			{"POST /api/v1/alerts/{id}/assign", signedIn, account.PermAlertsManage, al.apiAlertAssign},
			{"POST /api/v1/alerts/{id}/snooze", signedIn, account.PermAlertsManage, al.apiAlertSnooze},
			{"POST /api/v1/alerts/{id}/resolve", signedIn, account.PermAlertsManage, al.apiAlertResolve},
			{"GET /api/v1/alert-endpoints", signedIn, settings, al.apiEndpoints},
			{"POST /api/v1/alert-endpoints", signedIn, settings, al.apiEndpointCreate},
			{"DELETE /api/v1/alert-endpoints/{id}", signedIn, settings, al.apiEndpointDelete},
			{"GET /api/v1/alert-sensitivity", signedIn, settings, al.apiSensitivity},
			{"PUT /api/v1/alert-sensitivity", signedIn, settings, al.apiSensitivitySet},
		}),

		// Impact measurement. Reading needs impact.read and changing
		// impact.write; survivor-level records and unsuppressed breakdowns
		// need case access (cases.handle), and everyone else sees
		// breakdowns with groups under impact.MinGroupSize suppressed.
		s.when(f.impact, s.impactRoutes(im)),

		// Due-diligence reports and scorecards: reading needs reports.read,
		// answering the questionnaire suppliers.write.
		s.when(f.reports, []route{
			{"GET /reports", signedIn, account.PermReportsRead, rp.reportsPage},
			{"GET /reports/download", signedIn, account.PermReportsRead, rp.reportDownload},
			{"GET /scorecards", signedIn, account.PermReportsRead, rp.orgScorecardPage},
			{"POST /scorecards/answers", signedIn, account.PermSuppliersWrite, rp.orgAnswerSubmit},
			{"GET /scorecards/suppliers/{id}", signedIn, account.PermReportsRead, rp.supplierScorecardPage},
			{"POST /scorecards/suppliers/{id}/answers", signedIn, account.PermSuppliersWrite, rp.supplierAnswerSubmit},
			{"GET /scorecards/files/{file}", signedIn, account.PermReportsRead, rp.orgEvidenceFile},
			{"GET /scorecards/suppliers/{id}/files/{file}", signedIn, account.PermReportsRead, rp.supplierEvidenceFile},

			{"GET /api/v1/reports/{kind}", signedIn, account.PermReportsRead, rp.apiReport},
			{"POST /api/v1/reports/{kind}", signedIn, account.PermReportsRead, rp.apiReportJob},
			{"GET /api/v1/scorecards/organisation", signedIn, account.PermReportsRead, rp.apiOrgScorecard},
			{"GET /api/v1/scorecards/suppliers/{id}", signedIn, account.PermReportsRead, rp.apiSupplierScorecard},
			{"POST /api/v1/scorecards/answers", signedIn, account.PermSuppliersWrite, rp.apiScorecardAnswer},
		}),

		// Grievance intake: the reporter's pages and the messaging
		// webhooks. Public, and never logged. They answer even when the
		// grievance mechanism is off, as for an organisation that takes
		// no reports.
		{
			{"GET /report/{org}", reporterRoute, "", in.intakeForm},
			{"POST /report/{org}", reporterRoute, "", in.intakeSubmit},
			{"GET /report/{org}/follow-up", reporterRoute, "", in.followUpForm},
			{"POST /report/{org}/follow-up", reporterRoute, "", in.followUpSubmit},
			{"POST /hooks/{org}/twilio", reporterRoute, "", in.hookTwilio},
			{"POST /hooks/{org}/messages", reporterRoute, "", in.hookMessages},
		},

		// Worker-voice surveys: the respondent's page is public and never
		// logged, like the reporter's; designing needs suppliers.write,
		// results (suppressed below 5 respondents) cases.aggregate, and
		// free-text answers a case handler's unlocked key.
		s.when(f.surveys, []route{
			{"GET /survey/{org}/{code}", reporterRoute, "", sv.surveyForm},
			{"POST /survey/{org}/{code}", reporterRoute, "", sv.surveySubmit},
			{"POST /hooks/{org}/voice", reporterRoute, "", in.hookVoice},
			{"GET /surveys", signedIn, account.PermCasesAggregate, sv.surveysPage},
			{"POST /surveys", signedIn, account.PermSuppliersWrite, sv.surveyCreate},
			{"GET /surveys/{id}", signedIn, account.PermCasesAggregate, sv.surveyDetail},
			{"POST /surveys/{id}/questions", signedIn, account.PermSuppliersWrite, sv.surveyAddQuestion},
			{"GET /surveys/{id}/sites/{site}/qr.svg", signedIn, account.PermCasesAggregate, sv.surveyQR},
			{"GET /surveys/{id}/texts", signedIn, account.PermCasesHandle, sv.surveyTexts},
			{"GET /api/v1/surveys", signedIn, account.PermCasesAggregate, sv.apiSurveys},
			{"POST /api/v1/surveys", signedIn, account.PermSuppliersWrite, sv.apiSurveyCreate},
			{"GET /api/v1/surveys/{id}", signedIn, account.PermCasesAggregate, sv.apiSurvey},
			{"POST /api/v1/surveys/{id}/questions", signedIn, account.PermSuppliersWrite, sv.apiSurveyAddQuestion},
		}),

		// Grievance cases, for case handlers only.
		s.when(f.cases, []route{
			{"GET /cases", signedIn, account.PermCasesHandle, cs.caseInbox},
			{"POST /cases/spam", signedIn, account.PermCasesHandle, cs.casesMarkSpam},
			{"POST /cases/handlers/{id}/approve", signedIn, account.PermCasesHandle, cs.caseHandlerApprove},
			{"GET /cases/{id}", signedIn, account.PermCasesHandle, cs.casePage},
			{"GET /cases/{id}/attachments/{aid}", signedIn, account.PermCasesHandle, cs.caseAttachment},
			{"POST /cases/{id}/stage", signedIn, account.PermCasesHandle, cs.caseStage},
			{"POST /cases/{id}/triage", signedIn, account.PermCasesHandle, cs.caseTriage},
			{"POST /cases/{id}/assign", signedIn, account.PermCasesHandle, cs.caseAssign},
			{"POST /cases/{id}/messages", signedIn, account.PermCasesHandle, cs.caseMessage},
			{"POST /cases/{id}/remedies", signedIn, account.PermCasesHandle, cs.caseRemedyPropose},
			{"POST /cases/{id}/remedies/{rid}/implement", signedIn, account.PermCasesHandle, cs.caseRemedyImplement},
			{"GET /cases/{id}/remedies/{rid}/evidence", signedIn, account.PermCasesHandle, cs.caseRemedyEvidence},
			{"POST /cases/{id}/remedies/{rid}/withdraw", signedIn, account.PermCasesHandle, cs.caseRemedyWithdraw},
			{"POST /cases/{id}/referral", signedIn, account.PermCasesHandle, cs.caseReferral},
			{"POST /cases/{id}/access", signedIn, account.PermCasesHandle, cs.caseGrant},
			{"GET /api/v1/cases", signedIn, account.PermCasesHandle, cs.apiCases},
			{"GET /api/v1/cases/{id}", signedIn, account.PermCasesHandle, cs.apiCase},
			{"POST /api/v1/cases/{id}/stage", signedIn, account.PermCasesHandle, cs.apiCaseStage},
		}),

		// Supply chain: the supplier register, supplier pages and risk
		// map, and the same register and parties as JSON.
		s.when(f.supply, []route{
			{"GET /suppliers", signedIn, account.PermSuppliersRead, sup.supplierRegister},
			{"GET /suppliers/export.csv", signedIn, account.PermSuppliersRead, sup.supplierExport},
			{"GET /suppliers/{id}", signedIn, account.PermSuppliersRead, sup.supplierPage},
			{"GET /suppliers/duplicates", signedIn, account.PermSuppliersRead, sup.duplicatesPage},
			{"GET /suppliers/audits", signedIn, account.PermSuppliersRead, sup.siteAuditsPage},
			{"POST /suppliers/audits/delete", signedIn, account.PermSuppliersWrite, sup.siteAuditDelete},
			{"GET /api/v1/suppliers/audits", signedIn, account.PermSuppliersRead, sup.apiSiteAudits},
			{"DELETE /api/v1/suppliers/{id}/audits/{scheme}/{date}", signedIn, account.PermSuppliersWrite, sup.apiSiteAuditDelete},
			{"POST /suppliers/duplicates/merge", signedIn, account.PermSuppliersWrite, sup.duplicatesMerge},
			{"POST /suppliers/duplicates/keep-apart", signedIn, account.PermSuppliersWrite, sup.duplicatesKeepApart},
			{"POST /suppliers/merges/{id}/undo", signedIn, account.PermSuppliersWrite, sup.mergeUndo},
			{"POST /suppliers/duplicates/os-id/accept", signedIn, account.PermSuppliersWrite, sup.oshAccept},
			{"POST /suppliers/duplicates/os-id/reject", signedIn, account.PermSuppliersWrite, sup.oshReject},
			{"GET /api/v1/suppliers", signedIn, account.PermSuppliersRead, sup.apiSuppliers},
			{"GET /api/v1/suppliers/{id}", signedIn, account.PermSuppliersRead, sup.apiSupplier},
			{"GET /api/v1/graph", signedIn, account.PermSuppliersRead, sup.apiGraph},
		}),
		s.when(feature{f.supply.name, f.supply.on, "the risk map is not available on this server"}, []route{
			{"GET /risk-map", signedIn, account.PermSuppliersRead, sup.riskMap},
		}),
		// Supplier import, from the page and the API.
		s.whenImports([]route{
			{"GET /suppliers/import", signedIn, account.PermSuppliersWrite, sup.supplierImportForm},
			{"POST /suppliers/import", signedIn, account.PermSuppliersWrite, sup.supplierImport},
			{"POST /api/v1/suppliers/import", signedIn, account.PermSuppliersWrite, sup.apiSupplierImport},
			{"GET /suppliers/import/templates/{kind}", signedIn, account.PermSuppliersWrite, sup.supplierImportTemplate},
			{"POST /api/v1/suppliers/audits", signedIn, account.PermSuppliersWrite, sup.apiAuditImport},
		}),

		// Deforestation due diligence: reading needs suppliers.read, making
		// a statement suppliers.write.
		s.when(f.eudr, s.eudrRoutes(s.eudr)),

		// Watchlist screening: anyone who reads suppliers may screen names
		// and see the queue; confirming, dismissing and filing hits need
		// the review permission.
		s.when(f.screening, []route{
			{"GET /screening", signedIn, account.PermSuppliersRead, scr.screeningPage},
			{"POST /screening/run", signedIn, account.PermScreeningReview, scr.screeningRun},
			{"POST /screening/lists", signedIn, account.PermSettingsManage, scr.screeningReplaceList},
			{"POST /screening/{id}/decide", signedIn, account.PermScreeningReview, scr.screeningDecide},
			{"POST /screening/bulk", signedIn, account.PermScreeningReview, scr.screeningBulk},

			{"POST /api/v1/screen", signedIn, account.PermSuppliersRead, scr.apiScreen},
			{"GET /api/v1/screening/reviews", signedIn, account.PermSuppliersRead, scr.apiReviews},
			{"GET /api/v1/screening/lists", signedIn, account.PermSuppliersRead, scr.apiScreeningLists},
			{"POST /api/v1/screening/lists", signedIn, account.PermSettingsManage, scr.apiReplaceList},
			{"GET /api/v1/screening/reviews/{id}", signedIn, account.PermSuppliersRead, scr.apiReview},
			{"POST /api/v1/screening/reviews/{id}/decision", signedIn, account.PermScreeningReview, scr.apiReviewDecide},
			{"POST /api/v1/screening/run", signedIn, account.PermScreeningReview, scr.apiScreeningRun},
		}),
	} {
		all = append(all, group...)
	}
	return all
}

// impactRoutes are the impact measurement pages and API.
func (s *Server) impactRoutes(im *impactHandlers) []route {
	read, write, cases := account.PermImpactRead, account.PermImpactWrite, account.PermCasesHandle
	return []route{
		{"GET /impact", signedIn, read, im.impactListPage},
		{"POST /impact/programmes", signedIn, write, im.impactCreateSubmit},
		{"GET /impact/programmes/{id}", signedIn, read, im.impactProgrammePage},
		{"POST /impact/programmes/{id}/model", signedIn, write, im.impactModelSubmit},
		{"POST /impact/programmes/{id}/steps", signedIn, write, im.impactStepAdd},
		{"POST /impact/programmes/{id}/steps/{step}", signedIn, write, im.impactStepEdit},
		{"POST /impact/programmes/{id}/links", signedIn, write, im.impactLinkEdit},
		{"POST /impact/programmes/{id}/indicators", signedIn, write, im.impactIndicatorEdit},
		{"POST /impact/programmes/{id}/observations", signedIn, write, im.impactUploadSubmit},
		{"GET /impact/programmes/{id}/entry", signedIn, write, im.impactEntryPage},
		{"POST /impact/programmes/{id}/entry", signedIn, write, im.impactEntrySubmit},
		{"POST /impact/programmes/{id}/sroi", signedIn, write, im.impactSROISubmit},
		{"GET /impact/programmes/{id}/sroi/{analysis}", signedIn, read, im.impactSROIPage},
		{"GET /impact/programmes/{id}/report.csv", signedIn, read, im.impactReportCSV},

		{"GET /api/v1/programmes", signedIn, read, im.apiProgrammes},
		{"POST /api/v1/programmes", signedIn, write, im.apiProgrammeCreate},
		{"GET /api/v1/programmes/{id}", signedIn, read, im.apiProgramme},
		{"PUT /api/v1/programmes/{id}/model", signedIn, write, im.apiModelPut},
		{"POST /api/v1/programmes/{id}/observations", signedIn, write, im.apiObservationsAdd},
		{"POST /api/v1/programmes/{id}/observations/csv", signedIn, write, im.apiObservationsCSV},
		{"GET /api/v1/programmes/{id}/progress", signedIn, read, im.apiProgress},
		{"GET /api/v1/programmes/{id}/indicators/{code}/breakdown", signedIn, read, im.apiBreakdownProtected},
		{"GET /api/v1/programmes/{id}/indicators/{code}/breakdown/full", signedIn, cases, im.apiBreakdownFull},
		{"POST /api/v1/programmes/{id}/sroi", signedIn, write, im.apiSROIAnalyse},
		{"GET /api/v1/programmes/{id}/sroi", signedIn, read, im.apiSROIList},

		{"POST /api/v1/survivors", signedIn, cases, im.apiSurvivorNew},
		{"GET /api/v1/survivors/{subject}/consent", signedIn, cases, im.apiConsent},
		{"POST /api/v1/survivors/{subject}/consent", signedIn, cases, im.apiConsentRecord},
		{"GET /api/v1/programmes/{id}/survivor-outcomes", signedIn, cases, im.apiSurvivorOutcomes},
		{"POST /api/v1/programmes/{id}/survivor-outcomes", signedIn, cases, im.apiSurvivorOutcomesAdd},
		{"POST /api/v1/programmes/{id}/survivor-outcomes/observations", signedIn, cases, im.apiSurvivorObservations},
	}
}

// whenImports is when for supplier import, whose page says in place that
// imports are off rather than showing an error page.
func (s *Server) whenImports(rs []route) []route {
	if s.features.imports.on {
		return rs
	}
	out := s.when(s.features.imports, rs)
	for i := range out {
		switch out[i].pattern {
		case "GET /suppliers/import":
			out[i].handler = func(w http.ResponseWriter, r *http.Request) {
				s.render(w, r, http.StatusOK, "supply_import.html", map[string]any{"Available": false})
			}
		case "POST /suppliers/import":
			out[i].handler = func(w http.ResponseWriter, r *http.Request) {
				s.render(w, r, http.StatusServiceUnavailable, "supply_import.html", map[string]any{"Available": false})
			}
		case "GET /suppliers/import/templates/{kind}":
			out[i].handler = rs[i].handler // the files `upstream import` reads
		}
	}
	return out
}
