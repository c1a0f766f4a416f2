package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

const siteAuditsUsage = `site-audits --org SLUG [--db DSN] [--delete --supplier REF --scheme SCHEME --date YYYY-MM-DD]

Lists the audits and certifications stored for the organisation's
suppliers (latest first): supplier, scheme, date, result, expiry, findings
and the file each came from. --delete removes one, named by its supplier
(the id in the organisation's files), scheme and date as listed; the
deletion is recorded in the audit log and the organisation's risk is
recomputed without it.`

func runSiteAudits(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "site-audits", siteAuditsUsage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs, env)
	del := fs.Bool("delete", false, "delete the audit named by --supplier, --scheme and --date")
	supplier := fs.String("supplier", "", "with --delete: the supplier audited, by the id in the organisation's files")
	scheme := fs.String("scheme", "", "with --delete: the audit's scheme, as listed (SA8000, amfori BSCI, ...)")
	date := fs.String("date", "", "with --delete: the audit's date, YYYY-MM-DD")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *org == "" {
		return usageError("site-audits needs --org SLUG (or UPSTREAM_ORG)")
	}
	var day time.Time
	if *del {
		if *supplier == "" || *scheme == "" || *date == "" {
			return usageError("--delete needs --supplier, --scheme and --date")
		}
		var err error
		if day, err = time.Parse(time.DateOnly, *date); err != nil {
			return usageError("--date %q is not a date written YYYY-MM-DD", *date)
		}
	} else if *supplier != "" || *scheme != "" || *date != "" {
		return usageError("--supplier, --scheme and --date name an audit to --delete")
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
	if *del {
		id, err := partyByRef(ctx, db.SupplyChain(), o.ID, *supplier)
		if err != nil {
			return err
		}
		a, err := svc.DeleteAudit(ctx, o.ID, "cli", id, *scheme, day)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "deleted: the %s audit of %s dated %s; risk recomputed without it\n",
			a.Scheme, quoteOutside(a.PartyName), a.Date.Format(time.DateOnly))
		return nil
	}
	audits, err := svc.Audits(ctx, o.ID)
	if err != nil {
		return err
	}
	if len(audits) == 0 {
		fmt.Fprintf(env.Stdout, "%s: no audits or certifications are stored\n", o.Slug)
	}
	for _, a := range audits {
		fmt.Fprintln(env.Stdout, describeSiteAudit(a))
	}
	return nil
}

// partyByRef finds a stored party by the id in the organisation's files,
// else by its own id.
func partyByRef(ctx context.Context, st interface {
	GetParty(ctx context.Context, orgID, id string) (supplychain.Party, error)
}, orgID, ref string) (string, error) {
	for _, id := range []string{supplychain.RefID(ref), ref} {
		_, err := st.GetParty(ctx, orgID, id)
		if err == nil {
			return id, nil
		}
		if !kernel.IsCode(err, kernel.NotFound) {
			return "", err
		}
	}
	return "", kernel.Errorf(kernel.NotFound, "no stored supplier has the id %s", quoteOutside(ref))
}

// describeSiteAudit is one line on a stored audit for the command line.
func describeSiteAudit(a ingest.StoredAudit) string {
	var b strings.Builder
	who := a.PartyRef
	if who == "" {
		who = a.Supplier
	}
	fmt.Fprintf(&b, "%s  %s  %s (%s)  %s", a.Date.Format(time.DateOnly), a.Scheme, quoteOutside(a.PartyName), who, assessment.DescribeOutcome(a.Audit))
	if !a.Expiry.IsZero() {
		fmt.Fprintf(&b, ", expires %s", a.Expiry.Format(time.DateOnly))
	}
	if f := assessment.DescribeFindings(a.Audit); f != "" {
		b.WriteString("; findings: " + f)
	}
	if a.File != "" {
		fmt.Fprintf(&b, "; from %s line %d", quoteOutside(a.File), a.Line)
	}
	return b.String()
}
