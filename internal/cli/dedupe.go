package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/facilitymatch"
	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

const dedupeUsage = "dedupe FILE... [--format csv|json] [--same 0..1] [--review 0..1] [--out FILE]"

// dedupeColumns are the output fields, in order (CSV columns, JSON keys).
var dedupeColumns = []string{"a", "b", "score", "decision", "reasons"}

// located is a party read from a file, with where it was read.
type located struct {
	party supplychain.Party
	where string // FILE:LINE
}

func runDedupe(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "dedupe", dedupeUsage)
	def := facilitymatch.DefaultThresholds()
	format := fs.String("format", "csv", "output format: csv or json (one object per line)")
	same := fs.Float64("same", def.Same, "lowest score of a pair reported as the same facility, 0..1")
	review := fs.Float64("review", def.Review, "lowest score of a pair reported for review, 0..1")
	out := fs.String("out", "", "output file (default: standard output)")
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		fs.Usage()
		return usageError("dedupe needs at least one file; usage: upstream %s", dedupeUsage)
	}
	if *format != "csv" && *format != "json" {
		return usageError("--format must be csv or json, not %q", *format)
	}
	m, err := facilitymatch.New(facilitymatch.Thresholds{Same: *same, Review: *review})
	if err != nil {
		return usageError("%v", err)
	}
	var parties []located
	for _, path := range files {
		got, err := readLocated(ctx, env, path)
		if err != nil {
			return err
		}
		parties = append(parties, got...)
	}
	recs := make([]facilitymatch.Record, len(parties))
	for i, p := range parties {
		recs[i] = matchRecord(p.party)
	}
	pairs, err := m.Match(ctx, recs, 0)
	if err != nil {
		return err
	}
	return writeOutput(env, *out, func(w io.Writer) error {
		return writePairs(w, *format, parties, pairs)
	})
}

// readLocated reads every party of one file (any supported format) with
// the line it was read on.
func readLocated(ctx context.Context, env *Env, path string) ([]located, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, usageError("cannot open %s: %v", quoteOutside(path), unwrapPath(err))
	}
	defer fh.Close()
	var c ingest.SourcedCollector
	res, err := ingest.Import(ctx, fh, normalisers().Options(path, false), &c)
	printRowErrors(env, res)
	if err != nil {
		return nil, err
	}
	out := make([]located, 0, len(c.Parties))
	seen := map[string]int{}
	for _, p := range c.Parties {
		// An EPCIS master-data element replaces the bare party an
		// event made earlier: keep the fuller one, once.
		if i, ok := seen[p.ID]; ok {
			out[i].party = p
			continue
		}
		seen[p.ID] = len(out)
		out = append(out, located{party: p, where: where(path, c.PartySources[p.ID])})
	}
	return out, nil
}

// where formats a source as FILE:LINE (FILE#EVENTID for EPCIS events that
// have an id).
func where(path string, src ingest.Source) string {
	if src.EventID != "" {
		return path + "#" + src.EventID
	}
	return path + ":" + strconv.Itoa(src.Line)
}

// matchRecord is what the matcher compares of a party.
func matchRecord(p supplychain.Party) facilitymatch.Record {
	r := facilitymatch.Record{Name: p.Name, Address: p.Address, Country: p.Country, OSID: p.OSID, LEI: p.LEI, GLN: p.GLN}
	if p.Lat != nil && p.Lng != nil {
		r.Lat, r.Lng, r.HasCoord = *p.Lat, *p.Lng, true
	}
	return r
}

func writePairs(w io.Writer, format string, parties []located, pairs []facilitymatch.Pair) error {
	score := func(s float64) string { return strconv.FormatFloat(s, 'f', 3, 64) }
	if format == "json" {
		enc := json.NewEncoder(w)
		for _, p := range pairs {
			rec := struct {
				A        string   `json:"a"`
				B        string   `json:"b"`
				Score    float64  `json:"score"`
				Decision string   `json:"decision"`
				Reasons  []string `json:"reasons"`
			}{parties[p.A].where, parties[p.B].where, p.Score, string(p.Decision), p.Reasons}
			rec.Score, _ = strconv.ParseFloat(score(p.Score), 64)
			if err := enc.Encode(rec); err != nil {
				return fmt.Errorf("writing pairs: %w", err)
			}
		}
		return nil
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(dedupeColumns); err != nil {
		return fmt.Errorf("writing pairs: %w", err)
	}
	for _, p := range pairs {
		if err := cw.Write([]string{parties[p.A].where, parties[p.B].where, score(p.Score), string(p.Decision), strings.Join(p.Reasons, "; ")}); err != nil {
			return fmt.Errorf("writing pairs: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}
