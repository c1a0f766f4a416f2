package web

import (
	"context"
	"embed"
	"github.com/upstream-platform/upstream/internal/eudr"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/apijob"
	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/refdata"
	"github.com/upstream-platform/upstream/internal/reportdata"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Readiness is what /readyz asks of the database.
type Readiness interface {
	Ping(ctx context.Context) error
	CheckSchema(ctx context.Context) error
}

// Config is how the server behaves.
type Config struct {
	// CookieSecure marks the session cookie Secure. Browsers accept Secure
	// cookies from http://localhost, so it stays on outside tests.
	CookieSecure bool
	Version      string
	// MetricsToken is the bearer token /metrics asks for; empty turns
	// /metrics off (404). Request counts per route tell when things happen,
	// so they are not for anyone who asks.
	MetricsToken string
	// APIRateLimit is how many API requests a user may make a minute (on
	// all servers together when they share Deps.RateCounts); 0 means
	// DefaultAPIRateLimit.
	APIRateLimit int
}

// Deps are the services the server needs, grouped by the capability whose
// pages they serve. A capability whose service is absent is off: New logs
// it once, and its routes answer "not available" (503) from the route
// table. A capability that is on must have every dependency it lists; New
// refuses to build a server with one missing.
type Deps struct {
	// Accounts, Ready, Log and Clock are always required.
	Accounts *account.Service
	Ready    Readiness
	Log      *slog.Logger
	Clock    kernel.Clock
	Config   Config

	// Alerts runs early warning; AlertEndpoints changes delivery endpoints
	// and AlertSignals reads the series an alert's chart draws; both are
	// required with it.
	Alerts         *earlywarning.Service
	AlertEndpoints AlertEndpointAdmin
	AlertSignals   AlertSignalReader

	// Impact measures programmes; ImpactRecords, required with it, lists
	// programmes and keeps survivor-level records.
	Impact        *impact.Service
	ImpactRecords ImpactRecords

	// Grievance runs intake, follow-up and case handling; Intake holds
	// the key sources, supplier search and webhook settings around it.
	Grievance *grievance.Service
	Intake    IntakeDeps
	// Reporting makes reports and scorecards.
	Reporting *reportdata.Service
	Screening *ScreeningDeps // watchlist screening and its review queue

	// Suppliers reads the supply chain and its stored risk, SupplierRisk
	// one party's risk; Imports runs supplier imports (its own switch).
	// Watchlist and GrievanceCounts feed panels of the supplier page and
	// Dashboard those of the dashboard; a panel without its source shows
	// "not available".
	Suppliers    SupplierReader
	SupplierRisk RegisterPartyReader
	Imports      SupplierImporter
	// Duplicates is the possible-duplicates queue and the facility
	// merges; nil leaves the page saying it is not available.
	Duplicates DuplicateReview
	// SiteAudits lists and deletes the stored audits and certifications;
	// nil leaves their page saying it is not available.
	SiteAudits      SiteAuditAdmin
	Watchlist       WatchlistHitCounter
	GrievanceCounts GrievanceCounter
	Dashboard       DashboardSources

	// RecoveryKeys sets up an organisation's recovery key from the
	// settings page; Datasets lists the reference data in use. Either may
	// be absent, and the settings page says so.
	RecoveryKeys RecoveryKeys
	Datasets     func() []refdata.Dataset
	// AuditLog is read by the audit-log page; nil leaves it saying the
	// log cannot be read here.
	AuditLog audit.Reader

	// Surveys runs worker-voice surveys; it needs Suppliers to name sites.
	Surveys SurveyDeps

	// Idempotency keeps the API's idempotency keys and RateCounts counts
	// API requests per user; nil keeps them in this server's memory.
	// Servers behind one balancer share them through the database.
	Idempotency IdempotencyStore
	RateCounts  RateCounter

	// EUDR runs deforestation due diligence: plots, lots, statements.
	EUDR *eudr.Service

	// Jobs keeps the API's background jobs (reports, imports) where every
	// server sees them; nil turns jobs off (their routes answer 503).
	Jobs apijob.Store
}

// RecoveryKeys creates an organisation's recovery key: the private half is
// shown once and never stored.
type RecoveryKeys interface {
	HasRecoveryKey(ctx context.Context, orgID string) (bool, error)
	CreateRecoveryKey(ctx context.Context, orgID string) (printable string, err error)
}

// Server serves Upstream over HTTP: the middleware, the route table and
// one handler set per capability. Each set holds the shared base and only
// the dependencies its handlers call.
type Server struct {
	*base
	accounts *account.Service // authenticates every signed-in request
	metrics  *metrics
	features features
	// quiet holds the reporter routes, which leave no access-log line: even
	// the time of a request could help identify who reported.
	quiet map[string]bool

	ops       *opsHandlers
	account   *accountHandlers
	dashboard *dashboardHandlers
	supply    *supplyHandlers
	screening *screeningHandlers
	intake    *intakeHandlers
	cases     *caseHandlers
	impact    *impactHandlers
	alerts    *alertHandlers
	reports   *reportHandlers
	surveys   *surveyHandlers
	eudr      *eudrHandlers

	// openAPI is the OpenAPI document, drawn once from the route table.
	openAPI func() ([]byte, error)
	// conventions are the API's shared rules; mux is the route table as
	// served, which a conditional update reads its resource through.
	conventions *apiConventions
	mux         *http.ServeMux
}

// New builds a Server; it parses every template now so a broken one stops
// the program at start rather than on first use, and checks that every
// capability that is on has all it needs.
func New(d Deps) (*Server, error) {
	ls, err := loadLocales(localeFiles)
	if err != nil {
		return nil, err
	}
	pages, err := parseLocalizedPages(ls)
	if err != nil {
		return nil, err
	}
	return newServer(d, ls, pages)
}

// Handler returns the complete HTTP handler with all middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.mux = mux
	s.quiet = map[string]bool{}
	for _, rt := range s.routes() {
		mux.Handle(rt.pattern, s.guard(rt))
		if rt.access == reporterRoute {
			s.quiet[rt.pattern] = true
		}
	}
	static, _ := fs.Sub(staticFiles, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheFor(24*time.Hour, http.FileServerFS(static))))
	var h http.Handler = mux
	h = s.crossOrigin(h)
	h = securityHeaders(h)
	h = s.observe(h) // outermost after recovery: sees the final status
	h = s.recoverPanics(h)
	return h
}

func cacheFor(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age="+itoa(int(d.Seconds())))
		h.ServeHTTP(w, r)
	})
}
