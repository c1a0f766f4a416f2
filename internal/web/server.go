package web

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/refdata"
	"github.com/upstream-platform/upstream/internal/reporting"
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
}

// Deps are the services the server needs. Each capability adds its
// service here when it gains pages or API routes.
type Deps struct {
	Accounts *account.Service
	Alerts   *earlywarning.Service
	Impact   *impact.Service
	// Grievance runs intake, follow-up and case handling; Reports holds
	// the key sources, supplier search and webhook settings around it.
	Grievance *grievance.Service
	Reports   ReportDeps
	// Reporting makes reports and scorecards.
	Reporting *reporting.Service
	Screening *ScreeningDeps // watchlist screening and its review queue; nil turns it off
	Ready     Readiness
	Log       *slog.Logger
	Clock     kernel.Clock
	Config    Config

	// Suppliers reads the supply chain and its stored risk, SupplierRisk
	// one party's risk; Imports runs supplier imports. Watchlist and
	// GrievanceCounts feed the supplier page and Dashboard the dashboard;
	// each may be nil ("not available").
	Suppliers       SupplierReader
	SupplierRisk    RegisterPartyReader
	Imports         SupplierImporter
	Watchlist       WatchlistHitCounter
	GrievanceCounts GrievanceCounter
	Dashboard       DashboardSources

	// RecoveryKeys sets up an organisation's recovery key from the
	// settings page; Datasets lists the reference data in use. Either may
	// be nil.
	RecoveryKeys RecoveryKeys
	Datasets     func() []refdata.Dataset
}

// RecoveryKeys creates an organisation's recovery key: the private half is
// shown once and never stored.
type RecoveryKeys interface {
	HasRecoveryKey(ctx context.Context, orgID string) (bool, error)
	CreateRecoveryKey(ctx context.Context, orgID string) (printable string, err error)
}

// Server serves Upstream over HTTP.
type Server struct {
	Deps
	accounts *account.Service
	ready    Readiness
	log      *slog.Logger
	clock    kernel.Clock
	cfg      Config
	pages    map[string]*template.Template
	metrics  *metrics
	// quiet holds the reporter routes, which leave no access-log line: even
	// the time of a request could help identify who reported.
	quiet map[string]bool
}

// New builds a Server; it parses every template now so a broken one stops
// the program at start rather than on first use.
func New(d Deps) (*Server, error) {
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	return &Server{Deps: d, accounts: d.Accounts, ready: d.Ready, log: d.Log, clock: d.Clock, cfg: d.Config,
		pages: pages, metrics: newMetrics()}, nil
}

// Handler returns the complete HTTP handler with all middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
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
