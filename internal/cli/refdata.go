package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/refdata"
	"github.com/upstream-platform/upstream/internal/screening"
	"github.com/upstream-platform/upstream/internal/sqlstore"
)

const refdataUsage = `refdata list [--db DSN]
       upstream refdata replace DATASET FILE [--db DSN]
       upstream refdata reset DATASET [--db DSN]`

func runRefdata(ctx context.Context, env *Env, args []string) error {
	if subcommandHelp(env, args, refdataUsage) {
		return flag.ErrHelp
	}
	if len(args) == 0 {
		return usageError("usage: upstream %s", refdataUsage)
	}
	sub := args[0]
	fs := newFlagSet(env, "refdata "+sub, refdataUsage)
	dsn := dbFlag(fs, env)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	switch sub {
	case "list":
		if err := noArgs(fs); err != nil {
			return err
		}
		return refdataList(ctx, env, *dsn)
	case "replace":
		if fs.NArg() != 2 {
			return usageError("usage: upstream refdata replace DATASET FILE; datasets: %v", append(refdata.IDs(), screening.ListDatasets()...))
		}
		return refdataReplace(ctx, env, *dsn, fs.Arg(0), fs.Arg(1))
	case "reset":
		if fs.NArg() != 1 {
			return usageError("usage: upstream refdata reset DATASET")
		}
		db, err := openStore(ctx, *dsn, true)
		if err != nil {
			return err
		}
		defer db.Close()
		if err := db.RefdataOverrides().Delete(ctx, fs.Arg(0)); err != nil {
			if kernel.IsCode(err, kernel.NotFound) {
				return usageError("dataset %q has no replacement; it already uses the built-in data", fs.Arg(0))
			}
			return err
		}
		fmt.Fprintf(env.Stdout, "%s: back to the built-in data (restart running servers to apply)\n", fs.Arg(0))
		return nil
	default:
		return usageError("unknown refdata subcommand %q: want list, replace or reset", sub)
	}
}

// loadRefdata returns the built-in reference data with the operator's
// stored replacements applied. A stored file that no longer validates is an
// error: running on silently different data would be worse.
func loadRefdata(ctx context.Context, db *sqlstore.DB) (*refdata.Set, error) {
	set, err := refdata.Default()
	if err != nil {
		return nil, err
	}
	if db == nil {
		return set, nil
	}
	overrides, err := db.RefdataOverrides().List(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range overrides {
		if screening.IsListDataset(o.Dataset) {
			continue // watchlists are read by watchlistOverrides
		}
		if err := set.LoadBytes(o.Dataset, o.Origin, o.Content); err != nil {
			return nil, fmt.Errorf("stored replacement of %s (from %s) no longer loads; fix it with 'upstream refdata replace' or 'reset': %w", o.Dataset, o.Origin, err)
		}
	}
	return set, nil
}

func refdataList(ctx context.Context, env *Env, dsn string) error {
	var db *sqlstore.DB
	if d, err := openExisting(ctx, dsn); err == nil {
		db = d
		defer db.Close()
	} else {
		fmt.Fprintf(env.Stderr, "note: showing built-in data only; database not read: %v\n", err)
	}
	set, err := loadRefdata(ctx, db)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DATASET\tROWS\tEDITION\tLICENCE\tSHA256\tORIGIN")
	for _, d := range set.Datasets() {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\n", d.ID, d.Rows, d.Edition, d.Licence, d.SHA256[:12], d.Origin)
	}
	repl, err := watchlistOverrides(ctx, db)
	if err != nil {
		return err
	}
	wls, err := screening.DefaultLists(repl)
	if err != nil {
		return err
	}
	for i, wl := range wls {
		origin := "built-in"
		if _, ok := repl[screening.ListDatasets()[i]]; ok {
			origin = "replaced"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\n", screening.ListDatasets()[i], wl.List.EntityCount,
			wl.List.Published.Format("2006-01-02"), "public domain (US government work)", wl.List.SHA256[:12], origin)
	}
	return tw.Flush()
}

func refdataReplace(ctx context.Context, env *Env, dsn, dataset, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return kernel.Wrap(kernel.Invalid, err, "cannot read %s", quoteOutside(path))
	}
	if screening.IsListDataset(dataset) {
		return replaceWatchlist(ctx, env, dsn, dataset, path, data)
	}
	// Validate completely before anything is stored.
	check, err := refdata.Default()
	if err != nil {
		return err
	}
	if err := check.LoadBytes(dataset, path, data); err != nil {
		return err
	}
	d, _ := check.Dataset(dataset)
	db, err := openStore(ctx, dsn, true)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.RefdataOverrides().Put(ctx, dataset, filepath.Base(path), data, env.Clock.Now()); err != nil {
		return err
	}
	if err := signalRefdataUpdate(ctx, env, db, dataset, d.SHA256, d.Rows); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s: replaced with %s (%d rows, sha256 %s); restart running servers to apply\n", dataset, quoteOutside(filepath.Base(path)), d.Rows, d.SHA256[:12])
	return nil
}

// signalRefdataUpdate tells every organisation's early warning that a
// dataset changed: scores may move, and people should hear why.
func signalRefdataUpdate(ctx context.Context, env *Env, db *sqlstore.DB, dataset, sha string, rows int) error {
	orgs, err := db.Accounts().ListOrgs(ctx)
	if err != nil {
		return err
	}
	sigs := make([]earlywarning.Signal, 0, len(orgs))
	for _, o := range orgs {
		sigs = append(sigs, earlywarning.Signal{ID: "rd-" + o.ID + "-" + dataset + "-" + sha[:16], OrgID: o.ID,
			Kind: earlywarning.KindRefdataUpdate, Subject: earlywarning.Subject{Kind: earlywarning.SubjectDataset, ID: dataset},
			At: env.Clock.Now(), Value: float64(rows), Source: "upstream refdata replace"})
	}
	return db.EarlyWarning().PutSignals(ctx, sigs)
}

// replaceWatchlist stores a newer download of a built-in watchlist after
// loading it completely with the list's own loader.
func replaceWatchlist(ctx context.Context, env *Env, dsn, dataset, path string, data []byte) error {
	now := env.Clock.Now()
	wl, err := screening.LoadReplacement(dataset, filepath.Base(path), data, now)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, dsn, true)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.RefdataOverrides().Put(ctx, dataset, filepath.Base(path), data, now); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s: replaced with %s (%d entries, published %s, sha256 %s); restart running servers to apply\n",
		dataset, filepath.Base(path), wl.List.EntityCount, wl.List.Published.Format("2006-01-02"), wl.List.SHA256[:12])
	return nil
}
