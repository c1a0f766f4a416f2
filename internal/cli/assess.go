package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"html/template"
	"io"
	"os"
	"runtime/debug"
	"strconv"

	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/screening"
)

const assessUsage = "assess FILE... [--watchlist FILE]... [--audits FILE]... [--format csv|json|html] [--out FILE]"

// assessMemoryLimit is the soft memory limit of an assess run unless
// GOMEMLIMIT sets one.
const assessMemoryLimit = 1600 << 20

// assessGCPercent is the collector's target (GOGC) of an assess run unless
// GOGC sets one.
const assessGCPercent = 200

func runAssess(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "assess", assessUsage)
	var lists repeated
	fs.Var(&lists, "watchlist", "watchlist file to screen party names against (any format 'upstream screen' reads); repeatable; default: the built-in UFLPA and CBP WRO lists")
	var audits repeated
	fs.Var(&audits, "audits", "audit and certification file (CSV: supplier, scheme, date, result or grade, expiry, findings_<category>); repeatable")
	format := fs.String("format", "csv", "output format: csv, json (one object per line) or html")
	out := fs.String("out", "", "output file (default: standard output)")
	skip := fs.Bool("skip-bad-rows", false, "skip bad rows (reporting them) instead of stopping")
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		fs.Usage()
		return usageError("assess needs at least one supplier file; usage: upstream %s", assessUsage)
	}
	if *format != "csv" && *format != "json" && *format != "html" {
		return usageError("--format must be csv, json or html, not %q", *format)
	}
	engine, err := newRiskEngine(nil)
	if err != nil {
		return err
	}
	wls, err := loadWatchlists(env, "assess", lists)
	if err != nil {
		return err
	}
	if env.Getenv("GOMEMLIMIT") == "" {
		// A register of a million parties holds about 0.5 GiB live; the
		// soft limit makes the collector work harder near 1.6 GiB, so
		// that the peak stays under 2 GiB with garbage from several cores.
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(assessMemoryLimit))
	}
	if env.Getenv("GOGC") == "" {
		// The chain stays live from reading to the last row written, so
		// collecting each time the heap grows by the live heap spends
		// cycles finding little garbage; growing by twice it halves the
		// cycles, and the soft limit above still caps the peak.
		defer debug.SetGCPercent(debug.SetGCPercent(assessGCPercent))
	}
	c := assessment.NewChain()
	// Names are screened on the other cores while the files are read.
	sc := c.StartScreening(screening.NewIndex(wls...), wls)
	progress := newProgress(env, c)
	for _, path := range files {
		if isAuditFile(path) {
			// Recognised from its header, as `upstream import` does.
			audits = append(audits, path)
			continue
		}
		if err := readFile(ctx, env, c, path, *skip, progress); err != nil {
			sc.Finish()
			return err
		}
	}
	progress.done()
	sc.Finish()
	if c.Len() == 0 {
		// A file can be valid and still name no party (EPCIS events that
		// only retract earlier ones): the register is then empty, not an
		// error.
		fmt.Fprintln(env.Stderr, "upstream assess: the files name no parties; the register is empty")
	}
	if err := addAudits(env, c, audits); err != nil {
		return err
	}
	a, err := c.Assess(engine)
	if err != nil {
		return err
	}
	return writeOutput(env, *out, func(w io.Writer) error {
		return writeRegister(ctx, w, *format, a, engine, files)
	})
}

// readFile reads one supplier file into the chain. A bad file stops the
// run: its row errors go to standard error and the error says how many
// there were.
func readFile(ctx context.Context, env *Env, c *assessment.Chain, path string, skip bool, p *progress) error {
	fh, err := os.Open(path)
	if err != nil {
		return usageError("cannot open %s: %v", quoteOutside(path), unwrapPath(err))
	}
	defer fh.Close()
	res, err := c.Read(ctx, p.reader(fh), path, normalisers(), skip)
	printRowErrors(env, res)
	return ingest.SkipHint(err, "use --skip-bad-rows to assess the good rows")
}

// isAuditFile reports whether the file at path is an audit and
// certification file; one that cannot be read is left to the supplier
// reader, which says why.
func isAuditFile(path string) bool {
	fh, err := os.Open(path)
	if err != nil {
		return false
	}
	defer fh.Close()
	f, err := ingest.Detect(bufio.NewReaderSize(fh, 64<<10), path)
	return err == nil && f == ingest.FormatAudits
}

// printRowErrors writes every kept row error and warning to standard error,
// one per line, as file:line:column: reason.
func printRowErrors(env *Env, res ingest.Result) {
	for _, e := range res.Errors {
		fmt.Fprintln(env.Stderr, rowLine(e))
	}
	if n := res.ErrorCount - len(res.Errors); n > 0 {
		fmt.Fprintf(env.Stderr, "... and %d more bad rows\n", n)
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(env.Stderr, "warning: "+rowLine(w))
	}
}

// loadWatchlists loads the given files, or the built-in lists with a
// warning when they are old.
func loadWatchlists(env *Env, cmd string, paths []string) ([]*screening.Watchlist, error) {
	if len(paths) == 0 {
		wls, err := screening.BuiltinLists()
		if err != nil {
			return nil, kernel.Wrap(kernel.Internal, err, "built-in lists")
		}
		now := env.Clock.Now()
		for _, wl := range wls {
			if screening.Stale(wl.List, now) {
				fmt.Fprintf(env.Stderr, "upstream %s: warning: the built-in list %s was published on %s, more than 90 days ago; download a newer one and pass it with --watchlist\n",
					cmd, wl.List.Name, wl.List.Published.Format("2006-01-02"))
			}
		}
		return wls, nil
	}
	return screening.LoadFiles(paths...)
}

// writeOutput writes to --out (removing a half-written file on error) or to
// standard output.
func writeOutput(env *Env, path string, write func(io.Writer) error) error {
	if path == "" {
		bw := bufio.NewWriterSize(env.Stdout, 1<<16)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	fh, err := os.Create(path)
	if err != nil {
		return usageError("cannot create --out file %s: %v", quoteOutside(path), unwrapPath(err))
	}
	bw := bufio.NewWriterSize(fh, 1<<16)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// csvEncoder writes register rows as CSV records; the factors and hits
// columns hold JSON.
type csvEncoder struct {
	w   io.Writer
	buf []byte
}

func (e *csvEncoder) Encode(r assessment.Row) error {
	b, err := assessment.AppendCSV(e.buf[:0], &r)
	e.buf = b
	if err != nil {
		return err
	}
	_, err = e.w.Write(b)
	return err
}

func (e *csvEncoder) Flush() error { return nil }

// jsonEncoder writes one JSON object per row and line.
type jsonEncoder struct {
	w   io.Writer
	buf []byte
}

func (e *jsonEncoder) Encode(r assessment.Row) error {
	b, err := assessment.AppendJSON(e.buf[:0], &r)
	e.buf = b
	if err != nil {
		return err
	}
	_, err = e.w.Write(b)
	return err
}

func (e *jsonEncoder) Flush() error { return nil }

// htmlEncoder writes one table row per register row.
type htmlEncoder struct{ w io.Writer }

func (e htmlEncoder) Encode(r assessment.Row) error {
	return registerHTML.ExecuteTemplate(e.w, "row", r)
}
func (e htmlEncoder) Flush() error { return nil }

// addAudits reads audit files and gives their signals to the parties they
// name, as of today. Any bad row or audit naming no supplier stops the
// run, every one of them reported.
func addAudits(env *Env, c *assessment.Chain, files []string) error {
	var bad []ingest.RowError
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			return usageError("cannot read %s: %v", quoteOutside(path), unwrapPath(err))
		}
		audits, rows, err := ingest.ReadAudits(f, path)
		f.Close()
		if err != nil {
			return kernel.Wrap(kernel.Invalid, err, "audits")
		}
		bad = append(bad, rows...)
		bad = append(bad, c.AddAudits(audits, path, env.Clock.Now())...)
	}
	for _, b := range bad {
		fmt.Fprintln(env.Stderr, "upstream assess: "+rowLine(b))
	}
	if len(bad) > 0 {
		return kernel.Errorf(kernel.Invalid, "%d bad audit rows; nothing was assessed", len(bad))
	}
	return nil
}

func writeRegister(ctx context.Context, w io.Writer, format string, a *assessment.Assessment, e *risk.Engine, files []string) error {
	var newEncoder func(io.Writer) assessment.Encoder
	switch format {
	case "json":
		newEncoder = func(w io.Writer) assessment.Encoder { return &jsonEncoder{w: w} }
	case "html":
		if err := writeRegisterHead(w, a, e, files); err != nil {
			return err
		}
		newEncoder = func(w io.Writer) assessment.Encoder { return htmlEncoder{w} }
	default:
		cw := csv.NewWriter(w)
		if err := cw.Write(assessment.Columns); err != nil {
			return err
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		newEncoder = func(w io.Writer) assessment.Encoder { return &csvEncoder{w: w} }
	}
	if err := a.WriteRows(ctx, w, newEncoder); err != nil {
		return err
	}
	if format == "html" {
		return registerHTML.ExecuteTemplate(w, "foot", nil)
	}
	return nil
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

var registerHTML = template.Must(template.New("register").Funcs(template.FuncMap{"num": num}).Parse(`{{define "head"}}<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Supplier risk register</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1a1a1a}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3;position:sticky;top:0}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.level{font-weight:600;padding:.1em .4em;border-radius:3px}
.critical{background:#7f0000;color:#fff}.high{background:#d9480f;color:#fff}.medium{background:#ffd43b}.low{background:#e9ecef}
ul{margin:0;padding-left:1.1em}
small{color:#555}
</style>
</head>
<body>
<h1>Supplier risk register</h1>
<p>{{.Parties}} parties from {{range $i, $f := .Files}}{{if $i}}, {{end}}{{$f}}{{end}}, sorted by exposure (0-100).
Levels: medium from {{num .Medium}}, high from {{num .High}}, critical from {{num .Critical}}.
Every score is the sum of the contributions of its factors.</p>
<p>{{range .Levels}}<span class="level {{.Level}}">{{.Level}}</span> {{.Count}} &nbsp; {{end}}</p>
<table>
<thead><tr><th>id</th><th>name</th><th>country</th><th>commodities</th><th>tier</th><th>inherent</th><th>signals</th><th>exposure</th><th>level</th><th>factors</th><th>watchlist hits</th></tr></thead>
<tbody>
{{end}}{{define "row"}}<tr><td>{{.ID}}</td><td>{{.Name}}</td><td>{{.Country}}</td><td>{{range $i, $c := .Commodities}}{{if $i}}; {{end}}{{$c}}{{end}}</td><td class="n">{{with .Tier}}{{.}}{{end}}</td><td class="n">{{num .Inherent}}</td><td class="n">{{num .Signals}}</td><td class="n">{{num .Exposure}}</td><td><span class="level {{.Level}}">{{.Level}}</span></td>
<td>{{if .Factors}}<ul>{{range .Factors}}<li>{{.Indicator}}: {{.Value}} <b>+{{num .Contribution}}</b><br><small>{{.Source}}{{with .Edition}}, {{.}}{{end}}</small></li>{{end}}</ul>{{end}}</td>
<td>{{if .WatchlistHits}}<ul>{{range .WatchlistHits}}<li>{{.EntityName}} ({{.List}} {{.EntityID}}), matched "{{.MatchedName}}", score {{num .Score}}</li>{{end}}</ul>{{end}}</td></tr>
{{end}}{{define "foot"}}</tbody>
</table>
</body>
</html>
{{end}}`))

type levelCount struct {
	Level string
	Count int
}

func writeRegisterHead(w io.Writer, a *assessment.Assessment, e *risk.Engine, files []string) error {
	counts := a.Levels()
	var levels []levelCount
	for _, l := range []risk.Level{risk.Critical, risk.High, risk.Medium, risk.Low, risk.Unknown} {
		levels = append(levels, levelCount{string(l), counts[l]})
	}
	wt := e.Weights()
	head := struct {
		Parties                int
		Files                  []string
		Medium, High, Critical float64
		Levels                 []levelCount
	}{a.Len(), files, wt.Levels.Medium, wt.Levels.High, wt.Levels.Critical, levels}
	return registerHTML.ExecuteTemplate(w, "head", head)
}

// progress reports parties read on standard error when it is a terminal.
type progress struct {
	env   *Env
	c     *assessment.Chain
	shown int
	show  bool
}

func newProgress(env *Env, c *assessment.Chain) *progress {
	return &progress{env: env, c: c, show: isTerminal(env.Stderr)}
}

// reader wraps a file being read and reports progress as it is consumed.
func (p *progress) reader(r io.Reader) io.Reader {
	if !p.show {
		return r
	}
	return progressReader{r, p}
}

type progressReader struct {
	r io.Reader
	p *progress
}

func (pr progressReader) Read(b []byte) (int, error) {
	if n := pr.p.c.Len(); n >= pr.p.shown+100_000 {
		pr.p.shown = n - n%100_000
		fmt.Fprintf(pr.p.env.Stderr, "\rread %d parties", pr.p.shown)
	}
	return pr.r.Read(b)
}

func (p *progress) done() {
	if p.show && p.c.Len() >= 100_000 {
		fmt.Fprintf(p.env.Stderr, "\rread %d parties\n", p.c.Len())
	}
}
