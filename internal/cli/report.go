package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/chromium"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/report"
	"github.com/upstream-platform/upstream/internal/reportdata"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/scorecard"
	"github.com/upstream-platform/upstream/internal/sqlstore"
)

const reportUsage = "report scorecard|supplier-risk|due-diligence --org SLUG [--db DSN] --format html|pdf|csv|xlsx " +
	"[--regulation uk-msa|eu-csddd|de-lksg|eu-eudr|us-uflpa] [--subject PARTY_ID] [--out FILE]"

func runReport(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "report", reportUsage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs, env)
	format := fs.String("format", "html", "html, pdf (needs headless Chromium), csv or xlsx")
	regulation := fs.String("regulation", "", "keep only the due-diligence sections this regulation asks for: uk-msa, eu-csddd, de-lksg, eu-eudr or us-uflpa")
	subject := fs.String("subject", "", "report on one supplier (its party id) and its chain instead of the whole organisation")
	out := fs.String("out", "", "write the report to FILE instead of standard output")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		fs.Usage()
		return usageError("report needs one kind: scorecard, supplier-risk or due-diligence; usage: upstream %s", reportUsage)
	}
	req, err := reportdata.ParseRequest(rest[0], *format, *regulation, *subject)
	if err != nil {
		return err
	}
	if req.Regulation != "" && req.Kind != report.DueDiligence {
		return usageError("--regulation applies to due-diligence reports only, not to %s", req.Kind)
	}
	if *org == "" {
		return usageError("--org is required (or set UPSTREAM_ORG): the slug of the organisation to report on")
	}
	var printer report.PDFPrinter
	if req.Format == report.PDF {
		p, err := chromium.Find()
		if err != nil {
			return err
		}
		printer = p
	}
	db, err := openExisting(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	o, err := orgBySlug(ctx, db, *org)
	if err != nil {
		return err
	}
	svc, err := newReporting(env, db, printer)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := svc.Render(ctx, &buf, reportingOrg(o), req); err != nil {
		if req.Subject != "" && kernel.IsCode(err, kernel.NotFound) {
			return usageError("--subject: %v", kernel.ErrorMessage(err))
		}
		return err
	}
	if *out == "" {
		_, err = env.Stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return kernel.Wrap(kernel.Invalid, err, "cannot write %s", quoteOutside(*out))
	}
	fmt.Fprintf(env.Stderr, "wrote %s (%d bytes)\n", quoteOutside(*out), buf.Len())
	return nil
}

// reportingOrg is the organisation as reports name it.
func reportingOrg(o account.Org) reportdata.Org {
	return reportdata.Org{ID: o.ID, Slug: o.Slug, Name: o.Name}
}

// newReporting wires the reporting service over the store. printer may be
// nil: PDF output then fails with a message saying what to install.
func newReporting(env *Env, db *sqlstore.DB, printer report.PDFPrinter) (*reportdata.Service, error) {
	weights := scorecard.DefaultWeights()
	path, err := env.setting("SCORECARD_WEIGHTS")
	if err != nil {
		return nil, err
	}
	if path != "" {
		w, err := scorecard.LoadWeights(path)
		if err != nil {
			return nil, err
		}
		weights = w
	}
	rw := risk.DefaultWeights()
	rd := db.Reporting()
	eudrService, err := newEUDRService(context.Background(), env, db)
	if err != nil {
		return nil, err
	}
	return &reportdata.Service{
		EUDR:        eudrService,
		SupplyChain: rd,
		Grievances:  rd,
		Channel:     rd,
		Screening:   rd,
		Impact:      db.Impact(),
		Scorecards:  &scorecard.Service{Store: db.Scorecards(), Weights: weights, Clock: env.Clock, Audit: db.AuditLog()},
		Renderer:    report.Renderer{PDF: printer},
		RiskMethod:  report.Method{Name: "Upstream risk method", Version: rw.Version, Origin: rw.Origin},
		Clock:       env.Clock,
	}, nil
}
