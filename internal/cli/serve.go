package cli

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/chromium"
	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/jobs"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/report"
	"github.com/upstream-platform/upstream/internal/screening"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/web"
)

func runServe(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "serve", "serve [--db DSN] [--addr HOST:PORT] [--demo]")
	dsn := dbFlag(fs, env)
	addr := optString(fs, env, "ADDR")
	demo := optBool(fs, env, "DEMO")
	secure := optBool(fs, env, "COOKIE_SECURE")
	logs := logFlags(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		return usageError("--addr %q: want HOST:PORT, for example 127.0.0.1:8080", *addr)
	}
	log, err := logs.logger(env)
	if err != nil {
		return err
	}
	// Take the address before anything is created or printed: on a busy
	// port the demo's one-time passwords would otherwise be shown for
	// accounts nobody can then sign in to.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return kernel.Wrap(kernel.Invalid, err, "cannot listen on %s (in use, or not an address of this machine); choose another with --addr", *addr)
	}
	defer ln.Close()
	// The server answers from now on: a waiting page and health checks
	// until the application is ready, so that a demo filling its sample
	// data, or a migration's recompute, is seen to be under way.
	doing := "starting"
	if *demo {
		doing = "preparing the demo data"
	}
	handoff := web.NewHandoff(doing)
	hs := &http.Server{
		Handler:           handoff,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	defer hs.Close() // a start that fails stops answering
	log.Info("upstream answering while it starts", "addr", "http://"+ln.Addr().String(), "doing", doing)
	if env.Starting != nil {
		env.Starting(ln.Addr().String())
	}

	db, err := openStore(ctx, *dsn, true)
	if err != nil {
		return err
	}
	defer db.Close()
	accounts := newAccounts(env, db)
	griev, err := newGrievance(env, db, log)
	if err != nil {
		return err
	}
	accounts.Keys = griev.Keys
	if argon2Params(env) != account.DefaultArgon2 {
		log.Warn("UPSTREAM_ARGON2=test: passwords use a cheap test cost; never use this in production")
	}
	if err := bootstrapAccounts(ctx, env, log, accounts, *demo); err != nil {
		return err
	}

	ew := db.EarlyWarning()
	alerts := &earlywarning.Service{Alerts: ew, Endpoints: ew, Clock: env.Clock}
	smtp, err := settings(env, "SMTP_ADDR", "SMTP_FROM", "SMTP_USER", "SMTP_PASSWORD")
	if err != nil {
		return err
	}
	email := &jobs.SMTPSender{Addr: smtp["SMTP_ADDR"], From: smtp["SMTP_FROM"], User: smtp["SMTP_USER"], Password: smtp["SMTP_PASSWORD"], Clock: env.Clock}
	if err := email.Validate(); err != nil {
		return err
	}
	// Admins invite people by e-mail; without a mail server and the public
	// address for the link, the users page says invitations are off.
	if publicURL, err := env.setting("PUBLIC_URL"); err != nil {
		return err
	} else if email.Addr != "" && publicURL != "" {
		accounts.Invitations = account.Invitations{Mail: email, LinkBase: publicURL}
	}

	screeningDeps, err := newScreeningDeps(ctx, env, db, log, *demo)
	if err != nil {
		return err
	}
	// PDF reports need headless Chromium; without it the other formats work.
	var printer report.PDFPrinter
	if p, err := chromium.Find(); err == nil {
		printer = p
	} else {
		log.Info("PDF reports are off: no headless Chromium found")
	}
	reports, err := newReporting(env, db, printer)
	if err != nil {
		return err
	}
	ref, err := loadRefdata(ctx, db)
	if err != nil {
		return err
	}
	var lists []screening.List
	if screeningDeps != nil {
		_, lists = screeningDeps.Lists.Current()
	}
	suppliers, err := newAssessmentService(ref, db, lists, env.Clock)
	if err != nil {
		return err
	}
	if n, err := recomputePending(ctx, db, suppliers); err != nil {
		return err
	} else if n > 0 {
		log.Info("risk recomputed under the current method after a migration", "organisations", n)
	}
	surveys, err := newSurveys(env, db, griev)
	if err != nil {
		return err
	}
	if *demo {
		log.Info("filling the demo organisation with sample data; the application opens once it is done")
		seeder := &demoSeeder{env: env, log: log, db: db, accounts: accounts, griev: griev, alerts: alerts,
			suppliers: suppliers, screening: screeningDeps, surveys: surveys.Service}
		if err := seeder.run(ctx); err != nil {
			return err
		}
	}
	eudrService, err := newEUDRService(ctx, env, db)
	if err != nil {
		return err
	}
	allow, err := env.setting("WEBHOOK_ALLOW")
	if err != nil {
		return err
	}
	allowed, err := jobs.ParseAllowList(allow)
	if err != nil {
		return usageError("UPSTREAM_WEBHOOK_ALLOW: %v", err)
	}
	metricsToken, err := env.setting("METRICS_TOKEN")
	if err != nil {
		return err
	}
	rateText, err := env.setting("API_RATE_LIMIT")
	if err != nil {
		return err
	}
	rateLimit, _ := strconv.Atoi(rateText) // checked by the setting
	apiState := db.APIState()
	// Idempotency keys live in the database on both engines, so they
	// outlast a restart; request counts too on PostgreSQL, where several
	// servers may share the database (on SQLite one server holds it, and
	// counting in memory spares a write per request).
	var rateCounts web.RateCounter
	if db.Engine == sqlstore.Postgres {
		rateCounts = &sharedRateCounts{st: apiState}
	}
	srv, err := web.New(web.Deps{Idempotency: sharedIdempotency{st: apiState, clock: env.Clock}, RateCounts: rateCounts, Surveys: surveys, EUDR: eudrService, RecoveryKeys: recoveryKeys{vault: griev.Vault, store: griev.Store}, Datasets: ref.Datasets, AuditLog: db.AuditLog(),
		Accounts: accounts, Alerts: alerts, AlertEndpoints: ew, AlertSignals: ew, Impact: &impact.Service{Store: db.Impact(), Clock: env.Clock}, ImpactRecords: db.Impact(),
		Grievance: griev.Service, Intake: griev.Intake, Screening: screeningDeps, Reporting: reports, Ready: db, Log: log, Clock: env.Clock,
		Suppliers: db.SupplyChain(), SupplierRisk: db.Reporting(), GrievanceCounts: db.Reporting(), Imports: suppliers, Watchlist: watchlistHits{db.Screening()},
		Duplicates: duplicateReview{store: db.SupplyChain(), svc: suppliers, clock: env.Clock}, SiteAudits: suppliers, Jobs: apiState,
		Config: web.Config{CookieSecure: *secure, Version: Version, MetricsToken: metricsToken, APIRateLimit: rateLimit}})
	if err != nil {
		return fmt.Errorf("start web server: %w", err)
	}
	handoff.Set(srv.Handler())
	log.Info("upstream listening", "addr", "http://"+ln.Addr().String(), "db", db.Engine, "version", Version)
	if env.Ready != nil {
		env.Ready(ln.Addr().String())
	}
	// Background jobs start once the server listens, and stop (releasing
	// their leases to other servers) before the database closes.
	sched := jobs.NewScheduler(db.Jobs(), ew, alerts, env.Clock, log,
		jobs.Config{Webhook: jobs.NewWebhookSender(10*time.Second, env.Clock, Version, jobs.AddressPolicy{Allow: allowed}), Email: email})
	sched.AddGrievanceJobs(jobs.GrievanceJobs{Orgs: db.Accounts(), Counts: db.Grievances(), Signals: ew,
		Cases: griev.Service, Alerts: alerts, Clock: env.Clock})
	sched.AddSurveyJobs(jobs.SurveyJobs{Orgs: db.Accounts(), Surveys: surveys.Service, Alerts: alerts, Clock: env.Clock})
	auditCheckpoints, err := env.setting("AUDIT_CHECKPOINTS")
	if err != nil {
		return err
	}
	sealing := &jobs.AuditCheckpoints{Chains: db.AuditLog(), Clock: env.Clock, Out: log}
	if auditCheckpoints != "" {
		sealing.Log = jobs.CheckpointFile{Path: auditCheckpoints}
	}
	sched.AddAuditCheckpointJob(sealing)
	sched.AddRiskChangeJob(&jobs.RiskChanges{Orgs: db.Accounts(), Store: db.SupplyChain(), Signals: ew, Clock: env.Clock})
	sched.AddAuditAgeingJob(&jobs.AuditAgeing{Orgs: db.Accounts(), Store: db.SupplyChain(), Risk: suppliers, Clock: env.Clock})
	if err := addOSHLookup(env, sched, db); err != nil {
		return err
	}
	// Sign-in counts of names not tried for a day are dropped; most are
	// addresses of nobody, counted only so that they answer like real ones.
	sched.Add(jobs.Job{Name: "account.login-attempts", Every: time.Hour, Run: func(ctx context.Context) error {
		_, err := db.Accounts().PurgeLoginAttempts(ctx, env.Clock.Now().Add(-accounts.Throttle.ResetAfter))
		return err
	}})
	sched.Start(ctx)
	defer sched.Stop()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sched.Stop()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// bootstrapAccounts creates the first admin from UPSTREAM_ADMIN_EMAIL and
// UPSTREAM_ADMIN_PASSWORD, and with --demo the demo organisation.
func bootstrapAccounts(ctx context.Context, env *Env, log *slog.Logger, accounts *account.Service, demo bool) error {
	admin, err := settings(env, "ADMIN_EMAIL", "ADMIN_PASSWORD", "ORG", "ORG_NAME")
	if err != nil {
		return err
	}
	email, password := admin["ADMIN_EMAIL"], admin["ADMIN_PASSWORD"]
	if (email == "") != (password == "") {
		return usageError("set both UPSTREAM_ADMIN_EMAIL and UPSTREAM_ADMIN_PASSWORD, or neither")
	}
	if demo {
		return ensureDemo(ctx, env, log, accounts, email, password)
	}
	if email == "" {
		n, err := accounts.Store.CountAdmins(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			log.Warn("no administrator yet: create the first one with " +
				"'upstream user add --org main --new-org \"Main organisation\" --email EMAIL --role admin' (password on standard input), " +
				"or start serve once with UPSTREAM_ADMIN_EMAIL and UPSTREAM_ADMIN_PASSWORD set")
		}
		return nil
	}
	org := admin["ORG"]
	if org == "" {
		org = "main"
	}
	created, err := accounts.Bootstrap(ctx, org, admin["ORG_NAME"], email, password)
	if err != nil {
		return err
	}
	if created {
		log.Info("created the first admin", "email", email)
	}
	return nil
}

const demoAdminEmail = "admin@demo.example"

// ensureDemo creates (once) the organisation "demo" and its admin. Without
// admin variables the admin gets a one-time password printed here.
func ensureDemo(ctx context.Context, env *Env, log *slog.Logger, accounts *account.Service, email, password string) error {
	org, _, err := accounts.EnsureOrg(ctx, "demo", "Demo organisation (sample data)")
	if err != nil {
		return err
	}
	printPassword := false
	if email == "" {
		email = demoAdminEmail
		printPassword = true
	}
	if _, err := accounts.Store.UserByEmail(ctx, email); err == nil {
		return nil
	} else if !kernel.IsCode(err, kernel.NotFound) {
		return err
	}
	if printPassword {
		if password, err = oneTimePassword(); err != nil {
			return err
		}
	}
	if _, err := accounts.CreateUser(ctx, account.NewUser{By: "demo", OrgID: org.ID, Email: email, Name: "Demo admin", Role: account.RoleAdmin, Password: password}); err != nil {
		return err
	}
	log.Info("created the demo organisation's admin", "org", "demo", "email", email)
	if printPassword {
		fmt.Fprintf(env.Stdout, "Demo admin: %s  password: %s  (shown once; change it after signing in)\n", email, password)
	}
	return nil
}

func oneTimePassword() (string, error) {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%5 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return sb.String(), nil
}
