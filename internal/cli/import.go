package cli

import (
	"context"
	"fmt"
	"github.com/upstream-platform/upstream/internal/account"
	"io"
	"os"
	"strings"

	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/facilitymatch"
	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/refdata"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/screening"
	"github.com/upstream-platform/upstream/internal/sqlstore"
)

const importUsage = `import FILE... [--audits FILE]... [--db DSN] --org SLUG [--new-org NAME] [--skip-bad-rows]

Supplier files (Upstream CSV, Open Supply Hub lists, GS1 EPCIS), audit files
and plot files of the EU Deforestation Regulation (GeoJSON, or CSV with
latitude and longitude or wkt columns) may come together. Plots get every
check of 'upstream eudr validate'; without --skip-bad-rows one bad plot or
row imports nothing.`

func runImport(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "import", importUsage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs, env)
	newOrg := fs.String("new-org", "", "create the organisation with this display name if it does not exist")
	skip := fs.Bool("skip-bad-rows", false, "import the good rows and skip (and count) the bad ones; without it one bad row imports nothing")
	var audits repeated
	fs.Var(&audits, "audits", "audit and certification file (CSV: supplier, scheme, date, result or grade, expiry, findings_<category>), stored after the supplier files; repeatable. An audit file given as FILE is recognised too")
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 && len(audits) == 0 {
		fs.Usage()
		return usageError("import needs at least one supplier or audit file (or a plot file); usage: upstream import FILE... [--audits FILE]... --org SLUG [--skip-bad-rows]")
	}
	if *org == "" {
		return usageError("--org is required (or set UPSTREAM_ORG): the slug of the organisation the suppliers belong to")
	}
	var named []assessment.NamedFile
	for i, f := range append(files, audits...) {
		if _, err := os.Stat(f); err != nil {
			return usageError("cannot read %s: %v", quoteOutside(f), unwrapPath(err))
		}
		nf := assessment.NamedFile{Name: f, Open: func() (io.ReadCloser, error) { return os.Open(f) }}
		if i >= len(files) {
			nf.Format = ingest.FormatAudits
		}
		named = append(named, nf)
	}
	db, err := openStore(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	var o account.Org
	if *newOrg != "" {
		o, _, err = newAccounts(env, db).EnsureOrg(ctx, *org, *newOrg)
	} else {
		o, err = orgBySlug(ctx, db, *org)
	}
	if err != nil {
		return err
	}
	svc, err := storedAssessmentService(ctx, db, env.Clock)
	if err != nil {
		return err
	}
	// Plot files are checked before anything is stored, so a bad plot
	// stores no supplier either.
	named, plots, err := checkPlotFiles(ctx, env, db, o.ID, named, *skip)
	if err != nil {
		return err
	}
	var sum assessment.Summary
	if len(named) > 0 || plots == nil {
		sum, err = svc.ImportAndRecompute(ctx, o.ID, named, *skip)
	}
	if err == nil && plots != nil {
		err = plots.save(ctx, o.ID)
	}
	for _, r := range sum.Files {
		printRowErrors(env, r.Result)
	}
	if err != nil {
		// One transaction: a failed file leaves nothing of any file
		// stored, so no file gets a summary line.
		return ingest.SkipHint(err, "use --skip-bad-rows to import the good rows")
	}
	for _, r := range sum.Files {
		fmt.Fprintln(env.Stdout, fileSummary(r))
	}
	if len(sum.Files) > 1 {
		t := sum.Total
		fmt.Fprintf(env.Stdout, "total: %d rows, %d parties, %d links, %d audits, %d skipped, %d unused EPCIS events\n",
			t.Rows, t.Parties, t.Links, t.Audits, t.Skipped, t.UnusedEvents)
	}
	for _, m := range sum.Matching.Merged {
		fmt.Fprintf(env.Stdout, "merged %q (%s) into %q: score %.2f, %s (undo: upstream merges --org %s --undo %s)\n",
			m.FromName, m.Origin.Where(), m.IntoName, m.Score, strings.Join(m.Reasons, ", "), o.Slug, m.ID)
	}
	if q := sum.Matching.Queued; q > 0 {
		fmt.Fprintf(env.Stdout, "%d possible duplicate facilities wait for review (web: Possible duplicates)\n", q)
	}
	if plots != nil {
		fmt.Fprintln(env.Stdout, plots.summary())
	}
	if sum.Levels == nil {
		return nil // plot files only: no supplier risk to recompute
	}
	n := sum.Levels
	fmt.Fprintf(env.Stdout, "risk recomputed for %d parties in %s: %d critical, %d high, %d medium, %d low, %d unknown (missing data)\n",
		n[""], o.Slug, n[risk.Critical], n[risk.High], n[risk.Medium], n[risk.Low], n[risk.Unknown])
	return nil
}

// fileSummary is the line saying what one imported file held.
func fileSummary(r assessment.FileResult) string {
	if r.Format == ingest.FormatAudits {
		return fmt.Sprintf("%s: %s, %d rows, %d audits stored, %d skipped", quoteOutside(r.Name), r.Format, r.Rows, r.Audits, r.Skipped)
	}
	return fmt.Sprintf("%s: %s, %d rows, %d parties, %d links, %d skipped, %d unused EPCIS events",
		quoteOutside(r.Name), r.Format, r.Rows, r.Parties, r.Links, r.Skipped, r.UnusedEvents)
}

const recomputeUsage = `recompute --org SLUG [--db DSN]

Scores every stored supplier of the organisation again: after a change of
reference data, or to finish an import whose recompute did not run (the
server also finishes those when it starts).`

func runRecompute(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "recompute", recomputeUsage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *org == "" {
		return usageError("recompute needs --org SLUG (or UPSTREAM_ORG)")
	}
	db, err := openStore(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	o, err := orgBySlug(ctx, db, *org)
	if err != nil {
		return err
	}
	svc, err := storedAssessmentService(ctx, db, env.Clock)
	if err != nil {
		return err
	}
	levels, err := svc.Recompute(ctx, o.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s: %d parties scored\n", o.Slug, levels[""])
	return nil
}

// storedAssessmentService is the assessment service the commands use: it
// scores with the operator's stored reference-data replacements, as the
// server does, and screens against no lists of its own.
func storedAssessmentService(ctx context.Context, db *sqlstore.DB, clock kernel.Clock) (*assessment.Service, error) {
	ref, err := loadRefdata(ctx, db)
	if err != nil {
		return nil, err
	}
	return newAssessmentService(ref, db, nil, clock)
}

// newAssessmentService wires the supply-chain pipeline to the store, to
// the screening review queue, whose confirmed and pending hits become risk
// signals at every recompute, and to worker-voice survey results, which
// become signals about the sites surveyed, and to the stored audits and
// certifications, which become signals about the parties audited; the web
// server's import page can get the same service.
func newAssessmentService(ref *refdata.Set, db *sqlstore.DB, lists []screening.List, clock kernel.Clock) (*assessment.Service, error) {
	engine, err := newRiskEngine(ref)
	if err != nil {
		return nil, err
	}
	// Reading signals needs the queue's store only: no audit, no clock.
	reviews := &screening.ReviewService{Store: db.Screening()}
	matcher, err := facilitymatch.New(facilitymatch.DefaultThresholds())
	if err != nil {
		return nil, err
	}
	return &assessment.Service{Store: db.SupplyChain(), Engine: engine, Normalisers: normalisers(),
		Signals: signalSources{reviewSignals{reviews: reviews, lists: lists}, surveySignals{store: db.Surveys(), clock: clock},
			assessment.StoredAudits{Store: db.SupplyChain(), Clock: clock}},
		Pending: db.SupplyChain(), Matcher: matcher, Clock: clock, AuditLog: db.AuditLog()}, nil
}

// reviewSignals gives the recompute the review queue's signals; lists, when
// known, name each signal's list edition.
type reviewSignals struct {
	reviews *screening.ReviewService
	lists   []screening.List
}

func (s reviewSignals) PartySignals(ctx context.Context, orgID string) (map[string][]risk.Signal, error) {
	return s.reviews.PartySignals(ctx, orgID, s.lists)
}
