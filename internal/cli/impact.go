package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
)

const impactUsage = "impact list --org SLUG [--db DSN] | impact export --org SLUG --programme ID [--db DSN] [--out FILE]"

// runImpact lists an organisation's impact programmes and exports one
// programme's report as the same long-form CSV the web page downloads.
func runImpact(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "impact", impactUsage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs, env)
	programme := fs.String("programme", "", "export: the programme's id, as 'impact list' shows it")
	out := fs.String("out", "", "export: write the CSV to FILE instead of standard output")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 || rest[0] != "list" && rest[0] != "export" {
		fs.Usage()
		return usageError("impact needs one action, list or export; usage: upstream %s", impactUsage)
	}
	if *org == "" {
		return usageError("--org is required (or set UPSTREAM_ORG): the slug of the organisation")
	}
	if rest[0] == "export" && *programme == "" {
		return usageError("impact export needs --programme ID; 'upstream impact list --org %s' shows the ids", *org)
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
	if rest[0] == "list" {
		progs, err := db.Impact().Programmes(ctx, o.ID)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tPROGRAMME\tINDICATORS")
		for _, p := range progs {
			fmt.Fprintf(tw, "%s\t%s\t%d\n", p.ID, p.Model.Programme, len(p.Model.Indicators))
		}
		return tw.Flush()
	}
	svc := &impact.Service{Store: db.Impact(), Clock: env.Clock}
	rows, err := svc.ReportCSV(ctx, o.ID, *programme)
	if kernel.IsCode(err, kernel.NotFound) {
		return usageError("organisation %q has no impact programme %q; 'upstream impact list --org %s' shows the ids", *org, *programme, *org)
	}
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write(impact.ReportCSVHeader)
	cw.WriteAll(rows)
	if err := cw.Error(); err != nil {
		return err
	}
	if *out == "" {
		_, err = env.Stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return kernel.Wrap(kernel.Invalid, err, "cannot write %s", quoteOutside(*out))
	}
	fmt.Fprintf(env.Stderr, "wrote %s (%d rows)\n", quoteOutside(*out), len(rows))
	return nil
}
