package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

const importUsage = "import FILE... --db DSN [--org SLUG] [--skip-bad-rows]"

func runImport(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "import", importUsage)
	dsn := dbFlag(fs, env)
	org := fs.String("org", envString(env, "ORG", ""), "slug of the organisation to import into (UPSTREAM_ORG)")
	skip := fs.Bool("skip-bad-rows", false, "import the good rows and skip (and count) the bad ones; without it one bad row imports nothing")
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		fs.Usage()
		return usageError("import needs at least one supplier file; usage: upstream %s", importUsage)
	}
	if *org == "" {
		return usageError("--org is required (or set UPSTREAM_ORG): the slug of the organisation the suppliers belong to")
	}
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			return usageError("cannot read %s: %v", f, err)
		}
	}
	engine, err := newRiskEngine()
	if err != nil {
		return err
	}
	db, err := openStore(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	o, err := db.Accounts().OrgBySlug(ctx, *org)
	if kernel.IsCode(err, kernel.NotFound) {
		return usageError("no organisation %q; create it with 'upstream user add --org %s --new-org NAME ...'", *org, *org)
	}
	if err != nil {
		return err
	}
	st := db.SupplyChain()
	results, err := importFiles(ctx, env, st, o.ID, files, *skip)
	var total ingest.Result
	for i, r := range results {
		fmt.Fprintf(env.Stdout, "%s: %s, %d rows, %d parties, %d links, %d skipped, %d unused EPCIS events\n",
			files[i], r.Format, r.Rows, r.Parties, r.Links, r.Skipped, r.UnusedEvents)
		total.Rows += r.Rows
		total.Parties += r.Parties
		total.Links += r.Links
		total.Skipped += r.Skipped
		total.UnusedEvents += r.UnusedEvents
	}
	if err != nil {
		return err
	}
	if len(files) > 1 {
		fmt.Fprintf(env.Stdout, "total: %d rows, %d parties, %d links, %d skipped, %d unused EPCIS events\n",
			total.Rows, total.Parties, total.Links, total.Skipped, total.UnusedEvents)
	}
	counts, err := recomputeRisk(ctx, st, engine, o.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "risk recomputed for %d parties in %s: %d critical, %d high, %d medium, %d low\n",
		counts[""], o.Slug, counts[risk.Critical], counts[risk.High], counts[risk.Medium], counts[risk.Low])
	return nil
}

// importFiles imports every file into the organisation in one transaction,
// so a bad row in any file (without skip) writes nothing at all. It returns
// the result of each file read, and prints their row errors on standard
// error.
func importFiles(ctx context.Context, env *Env, st *sqlstore.SupplyChain, orgID string, files []string, skip bool) ([]ingest.Result, error) {
	var results []ingest.Result
	err := st.Import(ctx, orgID, func(w *sqlstore.Writer) error {
		for _, path := range files {
			res, err := importFile(ctx, w, path, skip)
			results = append(results, res)
			printRowErrors(env, res)
			if err != nil {
				return err
			}
			if err := w.Flush(); err != nil {
				return err
			}
		}
		return nil
	})
	return results, err
}

func importFile(ctx context.Context, w *sqlstore.Writer, path string, skip bool) (ingest.Result, error) {
	fh, err := os.Open(path)
	if err != nil {
		return ingest.Result{}, usageError("cannot open %s: %v", path, err)
	}
	defer fh.Close()
	opts := ingestOptions(path, skip)
	// A buyer_id may name a supplier stored by an earlier import.
	var lookupErr error
	opts.KnownRef = func(ref string) bool {
		known, err := w.Known(supplychain.RefID(ref))
		if err != nil && lookupErr == nil {
			lookupErr = err
		}
		return known
	}
	res, err := ingest.Import(ctx, fh, opts, w)
	if err == nil {
		err = lookupErr
	}
	return res, err
}

// recomputeRisk scores every party of the organisation, infers tiers,
// propagates exposure and stores the result. It returns the number of
// parties at each level of exposure, and the total under "".
func recomputeRisk(ctx context.Context, st *sqlstore.SupplyChain, e *risk.Engine, orgID string) (map[risk.Level]int, error) {
	ps, ls, err := st.Graph(ctx, orgID)
	if err != nil {
		return nil, err
	}
	c := newChain()
	for _, p := range ps {
		// Stored parties passed validation on the way in; only what
		// scoring reads is loaded.
		c.index[p.ID] = int32(len(c.parties))
		c.parties = append(c.parties, chainParty{id: p.ID, country: p.Country, commodities: p.Commodities})
	}
	for _, l := range ls {
		if err := c.Link(l); err != nil {
			return nil, err
		}
	}
	a, err := c.assess(e)
	if err != nil {
		return nil, err
	}
	counts := map[risk.Level]int{"": len(c.parties)}
	rows := func(yield func(supplychain.PartyRisk, error) bool) {
		for i, p := range c.parties {
			fs, err := c.explain(e, a, i)
			if err != nil {
				yield(supplychain.PartyRisk{}, err)
				return
			}
			level := e.Level(a.exposure[i])
			counts[level]++
			r := supplychain.PartyRisk{ID: p.id, Tier: int(a.tier[i]), Inherent: a.inherent[i], Signals: a.signals[i],
				Own: a.own[i], Exposure: a.exposure[i], Level: string(level), Factors: make([]supplychain.Factor, len(fs))}
			for k, f := range fs {
				r.Factors[k] = supplychain.Factor{Kind: f.Kind, Source: f.Source, Edition: f.Edition, Indicator: f.Indicator,
					Value: f.Value, Points: f.Points, Contribution: f.Contribution}
			}
			if !yield(r, nil) {
				return
			}
		}
	}
	if err := st.SaveRisk(ctx, orgID, rows); err != nil {
		return nil, err
	}
	return counts, nil
}
