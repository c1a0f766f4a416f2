package cli

import (
	"context"
	"io"
	"os"

	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

const graphUsage = "graph FILE... [--format json|csv|graphml] [--country CODE] [--commodity NAME] [--tier N] [--from ID --depth N] [--out FILE]"

func runGraph(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "graph", graphUsage)
	format := fs.String("format", "json", "output format: json (one object with parties and links), csv (one link a row) or graphml (Gephi, yEd)")
	countryFlag := fs.String("country", "", "only parties in this country (code or name)")
	commodityFlag := fs.String("commodity", "", "only parties supplying this commodity, and links of it")
	tier := fs.Int("tier", 0, "only parties of this tier (1 = direct suppliers)")
	from := fs.String("from", "", "only parties within --depth links of this party (its id in the file)")
	depth := fs.Int("depth", 1, "with --from: how many links up and down the chain")
	out := fs.String("out", "", "output file (default: standard output)")
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		fs.Usage()
		return usageError("graph needs at least one file; usage: upstream %s", graphUsage)
	}
	var write func(supplychain.Export, io.Writer) error
	switch *format {
	case "json":
		write = supplychain.Export.WriteJSON
	case "csv":
		write = supplychain.Export.WriteCSV
	case "graphml":
		write = supplychain.Export.WriteGraphML
	default:
		return usageError("--format must be json, csv or graphml, not %q", *format)
	}
	if *tier < 0 || *depth < 1 {
		return usageError("--tier must be 0 or more and --depth 1 or more")
	}
	n := normalisers()
	f := supplychain.ExportFilter{Tier: *tier, Depth: *depth}
	if *countryFlag != "" {
		if f.Country, err = n.Country(*countryFlag); err != nil {
			return usageError("--country: %v", err)
		}
	}
	if *commodityFlag != "" {
		f.Commodity, _ = n.Commodity(*commodityFlag)
	}
	g := supplychain.NewGraph()
	partySrc := map[string]string{}
	linkSrc := map[supplychain.LinkKey]string{}
	refs := map[string]bool{}
	for _, path := range files {
		fh, err := os.Open(path)
		if err != nil {
			return usageError("cannot open %s: %v", quoteOutside(path), unwrapPath(err))
		}
		opts := n.Options(path, false)
		opts.KnownRef = func(ref string) bool { return refs[ref] }
		var c ingest.SourcedCollector
		res, err := ingest.Import(ctx, fh, opts, &c)
		fh.Close()
		printRowErrors(env, res)
		if err != nil {
			return err
		}
		if _, err := g.Merge(c.Parties, c.Links); err != nil {
			return err
		}
		for _, p := range c.Parties {
			if p.Ref != "" {
				refs[p.Ref] = true
			}
			if _, ok := partySrc[p.ID]; !ok {
				partySrc[p.ID] = where(path, c.PartySources[p.ID])
			}
		}
		for k, s := range c.LinkSources {
			if _, ok := linkSrc[k]; !ok {
				linkSrc[k] = where(path, s)
			}
		}
	}
	if *from != "" {
		f.From = *from
		if _, ok := g.Party(f.From); !ok {
			f.From = supplychain.RefID(*from) // the id column of a supplier CSV
			if _, ok := g.Party(f.From); !ok {
				return usageError("--from: no party %q in the files", *from)
			}
		}
	}
	e := g.Export(f, func(id string) string { return partySrc[id] }, func(k supplychain.LinkKey) string { return linkSrc[k] })
	return writeOutput(env, *out, func(w io.Writer) error { return write(e, w) })
}
