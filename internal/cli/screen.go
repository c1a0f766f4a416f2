package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/screening"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/web"
)

const screenUsage = "screen NAMES.csv [--watchlist FILE]... [--threshold 0..1] [--format csv|json] [--out FILE]"

// repeated is a flag that may be given several times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

// screenColumns are the output fields, in order (CSV columns, JSON keys).
var screenColumns = []string{"query_id", "query_name", "entity_id", "entity_name", "matched_name", "list", "score", "reasons"}

// screenBatch is how many queries are screened between writes.
const screenBatch = 8192

func runScreen(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "screen", screenUsage)
	var lists repeated
	fs.Var(&lists, "watchlist", "watchlist file (OFAC sdn.csv or cons_prim.csv, with their alt/add files given too or found beside them, FollowTheMoney JSON lines, UFLPA Entity List HTML or CSV, CBP WRO CSV, or id,name,aliases,country,list CSV); repeatable; default: the built-in UFLPA and CBP WRO lists")
	threshold := fs.Float64("threshold", screening.DefaultThreshold, "lowest score reported, 0..1 (0 reports every candidate)")
	format := fs.String("format", "csv", "output format: csv or json (one object per line)")
	out := fs.String("out", "", "output file (default: standard output)")
	positional, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 1 {
		fs.Usage()
		return usageError("screen needs exactly one NAMES.csv file (got %d); usage: upstream %s", len(positional), screenUsage)
	}
	if *threshold < 0 || *threshold > 1 {
		return usageError("--threshold must be between 0 and 1, not %v", *threshold)
	}
	if *format != "csv" && *format != "json" {
		return usageError("--format must be csv or json, not %q", *format)
	}
	// The names are read while the lists load and the index is built, on
	// the other core; a bad names file is still the error reported first,
	// before any warning about the lists.
	type readNames struct {
		qs  []screening.Query
		err error
	}
	names := make(chan readNames, 1)
	go func() {
		qs, err := readQueries(env, positional[0])
		names <- readNames{qs, err}
	}()
	ix, warnings, listErr := screenIndex(env, lists)
	got := <-names
	if got.err != nil {
		return got.err
	}
	for _, msg := range warnings {
		fmt.Fprintln(env.Stderr, msg)
	}
	if listErr != nil {
		return listErr
	}
	queries := got.qs
	if err := ctx.Err(); err != nil {
		return err
	}
	w := env.Stdout
	var fh *os.File
	if *out != "" {
		fh, err = os.Create(*out)
		if err != nil {
			return usageError("cannot create --out file: %v", err)
		}
		w = fh
	}
	err = writeScreen(ctx, w, progressWriter(env.Stderr), ix, queries, screening.Options{Threshold: threshold, Limit: 10}, *format)
	if fh != nil {
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(*out)
		}
	}
	return err
}

// screenIndex loads the lists to screen against (the built-in ones when
// files is empty) and builds their index. warnings are the messages about
// built-in lists more than 90 days old, for standard error.
func screenIndex(env *Env, files []string) (*screening.Index, []string, error) {
	if len(files) > 0 {
		wls, err := screening.LoadFiles(files...)
		if err != nil {
			return nil, nil, err
		}
		return screening.NewIndex(wls...), nil, nil
	}
	wls, err := screening.BuiltinLists()
	if err != nil {
		return nil, nil, kernel.Wrap(kernel.Internal, err, "built-in lists")
	}
	var warnings []string
	now := env.Clock.Now()
	for _, wl := range wls {
		if screening.Stale(wl.List, now) {
			warnings = append(warnings, fmt.Sprintf("upstream screen: warning: the built-in list %s was published on %s, more than 90 days ago; download a newer one and pass it with --watchlist",
				wl.List.Name, wl.List.Published.Format("2006-01-02")))
		}
	}
	return screening.NewIndex(wls...), warnings, nil
}

// parseInterleaved parses flags that may come before or after positional
// arguments ("screen NAMES.csv --watchlist X") and returns the positional
// ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	return fs.Args(), nil
}

// readQueries reads the names to screen: a CSV with a header holding name
// and optionally id and country (case-insensitive). Rows without an id get
// their line number. Every row is checked before anything is screened.
func readQueries(env *Env, path string) ([]screening.Query, error) {
	var r io.Reader
	if path == "-" {
		r = env.Stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, usageError("cannot open %s: %v", quoteOutside(path), unwrapPath(err))
		}
		defer f.Close()
		r = f
	}
	cr := csv.NewReader(bufio.NewReaderSize(r, 64*1024))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	hdr, err := cr.Read()
	if err == io.EOF {
		return nil, usageError("%s: the file is empty; expected a header with a name column", quoteOutside(path))
	}
	if err != nil {
		return nil, csvInputError(path, err)
	}
	idC, nameC, countryC := -1, -1, -1
	for i, h := range hdr {
		switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) {
		case "id":
			idC = i
		case "name":
			nameC = i
		case "country":
			countryC = i
		}
	}
	if nameC < 0 {
		return nil, usageError("%s:1: no name column in the header (found %q); expected columns id, name and optionally country", path, strings.Join(hdr, ","))
	}
	var qs []screening.Query
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvInputError(path, err)
		}
		line, _ := cr.FieldPos(0)
		cell := func(i int) string {
			if i < 0 || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		q := screening.Query{ID: cell(idC), Name: cell(nameC), Country: cell(countryC)}
		if q.ID == "" {
			q.ID = strconv.Itoa(line)
		}
		if err := screening.ValidateQuery(q); err != nil {
			return nil, usageError("%s:%d: column name: %s", path, line, kernel.ErrorMessage(err))
		}
		qs = append(qs, q)
	}
	return qs, nil
}

func csvInputError(path string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return usageError("%s:%d: column %d: %v", path, pe.Line, pe.Column, pe.Err)
	}
	return usageError("%s: %v", path, err)
}

// screenRecord is one output line.
type screenRecord struct {
	QueryID     string   `json:"query_id"`
	QueryName   string   `json:"query_name"`
	EntityID    string   `json:"entity_id"`
	EntityName  string   `json:"entity_name"`
	MatchedName string   `json:"matched_name"`
	List        string   `json:"list"`
	Score       float64  `json:"score"`
	Reasons     []string `json:"reasons"`
}

// progressWriter returns stderr when it is a terminal, else nil: progress
// lines are for people watching, not for logs.
func progressWriter(stderr io.Writer) io.Writer {
	f, ok := stderr.(*os.File)
	if !ok {
		return nil
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return f
}

func writeScreen(ctx context.Context, w, progress io.Writer, ix *screening.Index, qs []screening.Query, opts screening.Options, format string) error {
	bw := bufio.NewWriterSize(w, 64*1024)
	var cw *csv.Writer
	var enc *json.Encoder
	if format == "csv" {
		cw = csv.NewWriter(bw)
		if err := cw.Write(screenColumns); err != nil {
			return err
		}
	} else {
		enc = json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
	}
	// The next batch is screened while this one is written, so writing
	// does not leave a core idle. Results come in query order.
	batches := make(chan []screening.Result, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(batches)
		for start := 0; start < len(qs); start += screenBatch {
			if ctx.Err() != nil {
				return
			}
			res := ix.SearchBatch(qs[start:min(start+screenBatch, len(qs))], opts)
			select {
			case batches <- res:
			case <-stop:
				return
			}
		}
	}()
	done := 0
	for results := range batches {
		if progress != nil {
			fmt.Fprintf(progress, "\rscreening: %d of %d names", done, len(qs))
		}
		done += len(results)
		for _, res := range results {
			for _, h := range res.Hits {
				rec := screenRecord{
					QueryID: res.Query.ID, QueryName: res.Query.Name, EntityID: h.Entity.ID, EntityName: h.Entity.Name,
					MatchedName: h.MatchedName, List: h.Entity.ListName, Score: h.Score, Reasons: h.Reasons,
				}
				if rec.Reasons == nil {
					rec.Reasons = []string{}
				}
				var err error
				if cw != nil {
					cells := []string{rec.QueryID, rec.QueryName, rec.EntityID, rec.EntityName, rec.MatchedName, rec.List,
						strconv.FormatFloat(rec.Score, 'f', 3, 64), strings.Join(rec.Reasons, "; ")}
					for i, c := range cells {
						cells[i] = kernel.SpreadsheetCell(c)
					}
					err = cw.Write(cells)
				} else {
					err = enc.Encode(rec)
				}
				if err != nil {
					return kernel.Wrap(kernel.Internal, err, "writing results")
				}
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if progress != nil {
		fmt.Fprintf(progress, "\rscreening: %d of %d names\n", len(qs), len(qs))
	}
	if cw != nil {
		cw.Flush()
		if err := cw.Error(); err != nil {
			return kernel.Wrap(kernel.Internal, err, "writing results")
		}
	}
	if err := bw.Flush(); err != nil {
		return kernel.Wrap(kernel.Internal, err, "writing results")
	}
	return nil
}

// watchlistOverrides returns the operator's stored replacements of the
// built-in lists (`upstream refdata replace watchlist-uflpa FILE`), by
// dataset id. A stored file that no longer loads is an error.
func watchlistOverrides(ctx context.Context, db *sqlstore.DB) (map[string]*screening.Watchlist, error) {
	out := map[string]*screening.Watchlist{}
	if db == nil {
		return out, nil
	}
	overrides, err := db.RefdataOverrides().List(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range overrides {
		if !screening.IsListDataset(o.Dataset) {
			continue
		}
		wl, err := screening.LoadReplacement(o.Dataset, o.Origin, o.Content, o.LoadedAt)
		if err != nil {
			return nil, fmt.Errorf("stored replacement of %s (from %s) no longer loads; fix it with 'upstream refdata replace' or 'reset': %w", o.Dataset, o.Origin, err)
		}
		out[o.Dataset] = wl
	}
	return out, nil
}

// servedWatchlists returns the lists the web server screens against: the
// files named in UPSTREAM_WATCHLISTS (separated like PATH) when it is set,
// otherwise the built-in UFLPA and CBP lists, each replaced by the stored
// newer copy when the operator gave one. Lists older than 90 days are
// logged as a warning.
func servedWatchlists(ctx context.Context, env *Env, db *sqlstore.DB, log *slog.Logger) ([]*screening.Watchlist, error) {
	var wls []*screening.Watchlist
	v, err := env.setting("WATCHLISTS")
	if err != nil {
		return nil, err
	}
	if v != "" {
		var paths []string
		for _, p := range filepath.SplitList(v) {
			if p != "" {
				paths = append(paths, p)
			}
		}
		var err error
		if wls, err = screening.LoadFiles(paths...); err != nil {
			return nil, fmt.Errorf("UPSTREAM_WATCHLISTS: %w", err)
		}
	} else {
		repl, err := watchlistOverrides(ctx, db)
		if err != nil {
			return nil, err
		}
		if wls, err = screening.DefaultLists(repl); err != nil {
			return nil, kernel.Wrap(kernel.Internal, err, "built-in lists")
		}
	}
	now := env.Clock.Now()
	for _, wl := range wls {
		if screening.Stale(wl.List, now) {
			log.Warn("watchlist older than 90 days: download a newer copy and run 'upstream refdata replace'",
				"list", wl.List.Name, "published", wl.List.Published.Format("2006-01-02"))
		}
	}
	return wls, nil
}

// newScreeningDeps builds the index and the review queue the web server
// serves. The index is built once at start; restart to apply a new list.
// With demo set and no UPSTREAM_WATCHLISTS, the built-in demonstration
// copy of the OFAC SDN list is served beside the built-in lists.
func newScreeningDeps(ctx context.Context, env *Env, db *sqlstore.DB, log *slog.Logger, demo bool) (*web.ScreeningDeps, error) {
	wls, err := servedWatchlists(ctx, env, db, log)
	if err != nil {
		return nil, err
	}
	if v, err := env.setting("WATCHLISTS"); err == nil && v == "" && demo {
		sdn, err := screening.DemoOFACSDN()
		if err != nil {
			return nil, err
		}
		log.Warn("serving the demonstration copy of the OFAC SDN list of July 2021: it is out of date",
			"list", sdn.List.Name, "published", sdn.List.Published.Format("2006-01-02"))
		wls = append(wls, sdn)
	}
	live := screening.NewLiveLists(wls)
	ix, _ := live.Current()
	entities, names := ix.Len()
	listNames := make([]string, len(wls))
	for i, wl := range wls {
		listNames[i] = wl.List.Name
	}
	log.Info("watchlists indexed", "lists", strings.Join(listNames, ", "), "entities", entities, "names", names)
	deps := &web.ScreeningDeps{Lists: live,
		Reviews: &screening.ReviewService{Store: db.Screening(), Audit: db.AuditLog(), Clock: env.Clock, Signals: db.EarlyWarning(), Runs: db.Screening()},
		Parties: db.SupplyChain()}
	if v, err := env.setting("WATCHLISTS"); err == nil && v == "" {
		// The built-in lists are in use: administrators may upload newer
		// editions from the screening page.
		deps.Editions = db.RefdataOverrides()
	}
	return deps, nil
}
