package web

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/refdata"
	"github.com/upstream-platform/upstream/internal/reportdata"
	"github.com/upstream-platform/upstream/internal/screening"
	"github.com/upstream-platform/upstream/internal/survey"
)

// base is what every handler set shares: page rendering, the error
// answer, the log and the clock.
type base struct {
	log   *slog.Logger
	clock kernel.Clock
	cfg   Config
	pages localizedPages
	// locales are the staff pages' languages.
	locales *locales
	// jobs runs long API work in the background; nil when the server
	// has no job store.
	jobs *jobRunner
}

// opsHandlers answer the operator's probes: liveness, readiness, metrics.
type opsHandlers struct {
	*base
	ready   Readiness
	metrics *metrics
}

// accountHandlers are sign-in, the user's own account, user
// administration and the organisation's settings.
type accountHandlers struct {
	*base
	accounts     *account.Service
	recoveryKeys RecoveryKeys             // nil: the settings page says keys are set up elsewhere
	approvals    HandlerApprovals         // nil: no case key shown on the account page
	datasets     func() []refdata.Dataset // nil: the settings page lists none
	auditLog     audit.Reader             // nil: the audit-log page says it cannot be read
	cases        *grievance.Service       // nil: cases in the audit log are not named
}

// dashboardHandlers draw the landing page from the other capabilities'
// figures. A panel whose capability is off shows "not available".
type dashboardHandlers struct {
	*base
	supplyOn   bool // whether the supply chain capability is on
	suppliers  SupplierReader
	aggregates *aggregateCache
	cases      CaseCounter
	alerts     AlertCounter
	indicators IndicatorReader
}

// supplyHandlers are the supplier register, supplier pages, risk map and
// supplier import.
type supplyHandlers struct {
	*base
	suppliers  SupplierReader
	aggregates *aggregateCache
	// riskReader reads one party's stored risk; without one the supplier
	// page finds the party's row in the register.
	riskReader PartyRiskReader
	imports    SupplierImporter // nil when supplier import is off
	plots      PlotImporter     // nil when deforestation due diligence is off
	// referenceData reads the built-in reference tables the risk map
	// shades countries by, once per server, on first use.
	referenceData   func() (*refdata.Set, error)
	watchlist       WatchlistHitCounter
	grievanceCounts GrievanceCounter
	duplicates      DuplicateReview // nil: the duplicates page says it is not available
	siteAudits      SiteAuditAdmin  // nil: the audits page says it is not available
	users           userDirectory
}

// screeningHandlers are watchlist screening and its review queue.
type screeningHandlers struct {
	*base
	lists    *screening.LiveLists
	editions ListEditions
	reviews  *screening.ReviewService
	parties  screening.PartySource
	users    userDirectory
}

// intakeHandlers are the reporter's pages (grievance intake and follow-up)
// and the messaging webhooks that carry the same conversation.
type intakeHandlers struct {
	*base
	// accepting is false when the grievance mechanism is off. Reporter
	// pages still answer, exactly as for an organisation that takes no
	// reports, so nothing about the server's set-up leaks to a reporter.
	accepting bool
	grievance *grievance.Service
	keys      OrgKeySource
	suppliers SupplierFinder // nil hides the supplier search
	hooks     HookConfig
	exitURL   string
	orgs      orgDirectory
	// surveys, when on, answers messages that start or continue a survey
	// before grievance intake sees them.
	surveys *survey.Service
	// searches throttles the supplier search per organisation.
	searches *searchThrottle
}

// caseHandlers are the case handler's inbox and case pages.
type caseHandlers struct {
	*base
	grievance   *grievance.Service
	handlerKeys HandlerKeySource
	consents    ConsentReader
	users       userDirectory
	approvals   HandlerApprovals // nil: new handlers are approved on the command line only
	parties     SupplierReader   // nil when the supply chain is off: suppliers are linked by id only
}

// impactHandlers are the impact measurement pages and API.
type impactHandlers struct {
	*base
	impact     *impact.Service
	programmes impact.Catalogue
	survivors  *impact.Survivors
}

// alertHandlers are the early-warning pages and API.
type alertHandlers struct {
	*base
	alerts    *earlywarning.Service
	endpoints AlertEndpointAdmin
	signals   AlertSignalReader
	users     userDirectory
	parties   partyGetter // nil when the supply chain is off: parties go unnamed
}

// reportHandlers are the due-diligence reports and scorecards.
type reportHandlers struct {
	*base
	reporting *reportdata.Service
	suppliers SupplierReader // nil when the supply chain is off: reports are on the whole organisation
}

// userDirectory is what pages read of an organisation's users, to name who
// did what and to find a case handler by email; account.Store provides it.
type userDirectory interface {
	User(ctx context.Context, orgID, id string) (account.User, error)
	ListUsers(ctx context.Context, orgID string) ([]account.User, error)
	UserByEmail(ctx context.Context, email string) (account.User, error)
}

// orgDirectory resolves the organisation named in a reporter's link.
type orgDirectory interface {
	OrgBySlug(ctx context.Context, slug string) (account.Org, error)
	OrgByID(ctx context.Context, id string) (account.Org, error)
	EmergencyGuidance(ctx context.Context, orgID string) ([]account.EmergencyGuidance, error)
}

// missingDeps collects the dependencies a capability that is on lacks.
type missingDeps []string

func (m *missingDeps) need(present bool, capability, field string) {
	if !present {
		*m = append(*m, capability+" needs Deps."+field)
	}
}

// newServer builds every handler set from d and the parsed pages.
func newServer(d Deps, ls *locales, pages localizedPages) (*Server, error) {
	var miss missingDeps
	miss.need(d.Accounts != nil, "the server", "Accounts")
	miss.need(d.Ready != nil, "the server", "Ready")
	miss.need(d.Log != nil, "the server", "Log")
	miss.need(d.Clock != nil, "the server", "Clock")
	f := featuresOf(d)
	if f.alerts.on {
		miss.need(d.Alerts.Alerts != nil, "early warning", "Alerts.Alerts")
		miss.need(d.AlertEndpoints != nil, "early warning", "AlertEndpoints")
		miss.need(d.AlertSignals != nil, "early warning", "AlertSignals")
	}
	if f.impact.on {
		miss.need(d.ImpactRecords != nil, "impact measurement", "ImpactRecords")
	}
	if f.cases.on {
		miss.need(d.Intake.Keys != nil, "the grievance mechanism", "Intake.Keys")
		miss.need(d.Intake.Handlers != nil, "the grievance mechanism", "Intake.Handlers")
		miss.need(d.Intake.Consents != nil, "the grievance mechanism", "Intake.Consents")
	}
	if f.surveys.on {
		miss.need(d.Suppliers != nil, "worker-voice surveys", "Suppliers")
	}
	if f.screening.on {
		miss.need(d.Screening.Reviews != nil, "watchlist screening", "Screening.Reviews")
		miss.need(d.Screening.Parties != nil, "watchlist screening", "Screening.Parties")
	}
	if len(miss) > 0 {
		return nil, errors.New("web: " + strings.Join(miss, "; "))
	}
	if off := f.off(); len(off) > 0 {
		d.Log.Info("web: capabilities off", "off", strings.Join(off, ", "))
	}

	b := &base{log: d.Log, clock: d.Clock, cfg: d.Config, pages: pages, locales: ls}
	if d.Jobs != nil {
		b.jobs = newJobRunner(d.Jobs, d.Clock, d.Log)
	}
	aggregates := newAggregateCache(d.Clock)
	s := &Server{base: b, accounts: d.Accounts, metrics: newMetrics(), features: f}
	s.conventions = newAPIConventions(d.Clock, d.Config.APIRateLimit, d.Idempotency, d.RateCounts)
	s.openAPI = sync.OnceValues(func() ([]byte, error) { return openAPIDocument(s.routes(), apiDocs()) })
	s.ops = &opsHandlers{base: b, ready: d.Ready, metrics: s.metrics}
	s.account = &accountHandlers{base: b, accounts: d.Accounts, recoveryKeys: d.RecoveryKeys, datasets: d.Datasets, approvals: d.Intake.Approvals,
		auditLog: d.AuditLog, cases: d.Grievance}

	dash := &dashboardHandlers{base: b, supplyOn: f.supply.on, suppliers: d.Suppliers, aggregates: aggregates,
		cases: d.Dashboard.Cases, alerts: d.Dashboard.Alerts, indicators: d.Dashboard.Indicators}
	if dash.cases == nil && f.cases.on {
		dash.cases = grievanceCases{d.Grievance}
	}
	if dash.alerts == nil && f.alerts.on {
		dash.alerts = storedAlerts{d.Alerts.Alerts}
	}
	if dash.indicators == nil && f.impact.on {
		dash.indicators = programmeIndicators{d.Impact, d.ImpactRecords}
	}
	var panelsOff []string
	if dash.cases == nil {
		dash.cases, panelsOff = panelOff{}, append(panelsOff, "dashboard cases")
	}
	if dash.alerts == nil {
		dash.alerts, panelsOff = panelOff{}, append(panelsOff, "dashboard alerts")
	}
	if dash.indicators == nil {
		dash.indicators, panelsOff = panelOff{}, append(panelsOff, "dashboard indicators")
	}
	s.dashboard = dash

	if f.supply.on {
		sup := &supplyHandlers{base: b, suppliers: d.Suppliers, aggregates: aggregates, imports: d.Imports,
			watchlist: d.Watchlist, grievanceCounts: d.GrievanceCounts, referenceData: sync.OnceValues(refdata.Default),
			duplicates: d.Duplicates, siteAudits: d.SiteAudits, users: d.Accounts.Store}
		// A supply-chain store that reads one party's risk directly is
		// preferred to the reporting reader's view of the register.
		if rr, ok := d.Suppliers.(PartyRiskReader); ok {
			sup.riskReader = rr
		} else if d.SupplierRisk != nil {
			sup.riskReader = registerPartyRisk{d.SupplierRisk}
		}
		if sup.watchlist == nil {
			sup.watchlist, panelsOff = panelOff{}, append(panelsOff, "supplier watchlist hits")
		}
		if sup.grievanceCounts == nil {
			sup.grievanceCounts, panelsOff = panelOff{}, append(panelsOff, "supplier grievance counts")
		}
		s.supply = sup
	}
	if len(panelsOff) > 0 {
		d.Log.Info("web: panels off", "off", strings.Join(panelsOff, ", "))
	}
	if f.screening.on {
		s.screening = &screeningHandlers{base: b, lists: d.Screening.Lists, editions: d.Screening.Editions,
			reviews: d.Screening.Reviews, parties: d.Screening.Parties, users: d.Accounts.Store}
	}
	s.intake = &intakeHandlers{base: b, accepting: f.cases.on, grievance: d.Grievance, keys: d.Intake.Keys,
		suppliers: d.Intake.Suppliers, hooks: d.Intake.Hooks, exitURL: d.Intake.ExitURL, orgs: d.Accounts.Store,
		searches: newSearchThrottle()}
	if f.cases.on {
		s.cases = &caseHandlers{base: b, grievance: d.Grievance, handlerKeys: d.Intake.Handlers,
			consents: d.Intake.Consents, users: d.Accounts.Store, approvals: d.Intake.Approvals, parties: d.Suppliers}
	}
	if f.impact.on {
		s.impact = &impactHandlers{base: b, impact: d.Impact, programmes: d.ImpactRecords,
			survivors: &impact.Survivors{Store: d.ImpactRecords, Service: d.Impact}}
	}
	if f.alerts.on {
		s.alerts = &alertHandlers{base: b, alerts: d.Alerts, endpoints: d.AlertEndpoints, signals: d.AlertSignals, users: d.Accounts.Store}
		if d.Suppliers != nil {
			s.alerts.parties = d.Suppliers
		}
	}
	if f.reports.on {
		s.reports = &reportHandlers{base: b, reporting: d.Reporting, suppliers: d.Suppliers}
	}
	if f.surveys.on {
		s.surveys = &surveyHandlers{base: b, surveys: d.Surveys.Service, parties: d.Suppliers,
			orgs: d.Accounts.Store, publicURL: d.Surveys.PublicURL}
		if f.cases.on {
			s.surveys.grievance, s.surveys.keys = d.Grievance, d.Intake.Keys
		}
		s.intake.surveys = d.Surveys.Service
	}
	if f.eudr.on {
		s.eudr = &eudrHandlers{base: b, eudr: d.EUDR}
		if s.supply != nil {
			s.supply.plots = d.EUDR // plot files come in through the supplier import too
		}
	}
	return s, nil
}
