package cli

import (
	"bufio"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/refdata"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/screening"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

const assessUsage = "assess FILE... [--watchlist FILE]... [--format csv|json|html] [--out FILE]"

// registerColumns are the register's fields, in order (CSV columns, JSON
// keys), as DESIGN.md fixes them.
var registerColumns = []string{"id", "name", "country", "commodities", "tier", "inherent", "signals", "exposure", "level", "factors", "watchlist_hits"}

func runAssess(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "assess", assessUsage)
	var lists repeated
	fs.Var(&lists, "watchlist", "watchlist file to screen party names against (any format 'upstream screen' reads); repeatable; default: the built-in UFLPA and CBP WRO lists")
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
	engine, err := newRiskEngine()
	if err != nil {
		return err
	}
	wls, err := loadWatchlists(env, "assess", lists)
	if err != nil {
		return err
	}
	c := newChain()
	progress := newProgress(env)
	for _, path := range files {
		if err := c.read(ctx, env, path, *skip, progress); err != nil {
			return err
		}
	}
	progress.done()
	if len(c.parties) == 0 {
		// A file can be valid and still name no party (EPCIS events that
		// only retract earlier ones): the register is then empty, not an
		// error.
		fmt.Fprintln(env.Stderr, "upstream assess: the files name no parties; the register is empty")
	}
	c.screen(screening.NewIndex(wls...), wls)
	res, err := c.assess(engine)
	if err != nil {
		return err
	}
	return writeOutput(env, *out, func(w io.Writer) error {
		return writeRegister(w, *format, c, res, engine, files)
	})
}

// newRiskEngine returns the scoring engine over the built-in reference data
// and weights.
func newRiskEngine() (*risk.Engine, error) {
	ref, err := refdata.Default()
	if err != nil {
		return nil, kernel.Wrap(kernel.Internal, err, "reference data")
	}
	return risk.NewEngine(ref, risk.DefaultWeights())
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
	var wls []*screening.Watchlist
	for _, p := range paths {
		wl, err := screening.LoadFile(p)
		if err != nil {
			return nil, err
		}
		wls = append(wls, wl)
	}
	return wls, nil
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
		return usageError("cannot create --out file: %v", err)
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

// chain is a supply graph held compactly for scoring a million parties:
// parties by position, links as pairs of positions.
type chain struct {
	index   map[string]int32 // party id -> position
	parties []chainParty
	links   []chainLink
}

type chainParty struct {
	id, ref, name, country string
	commodities, unknown   []string
	hits                   []screening.Hit // nil for almost every party
	signals                []risk.Signal
}

// chainLink says supplier supplies buyer; buyer -1 is the reporting
// organisation. share is risk.UnknownShare when not given.
type chainLink struct {
	buyer, supplier int32
	share           float32
}

func newChain() *chain { return &chain{index: map[string]int32{}} }

// Party adds p, replacing a party with the same id read before (a later
// file, or an EPCIS master-data update, knows more).
func (c *chain) Party(p supplychain.Party) error {
	cp := chainParty{id: p.ID, ref: p.Ref, name: p.Name, country: p.Country,
		commodities: slices.Clip(p.Commodities), unknown: slices.Clip(p.UnknownCommodities)}
	if i, ok := c.index[p.ID]; ok {
		c.parties[i] = cp
		return nil
	}
	if len(c.parties) >= math.MaxInt32-1 {
		return kernel.Errorf(kernel.Invalid, "more than %d parties", math.MaxInt32-1)
	}
	c.index[p.ID] = int32(len(c.parties))
	c.parties = append(c.parties, cp)
	return nil
}

// Link adds l; its parties were sent before it.
func (c *chain) Link(l supplychain.Link) error {
	s, ok := c.index[l.Supplier]
	if !ok {
		return kernel.Errorf(kernel.Internal, "link names supplier %s before the party", l.Supplier)
	}
	b := int32(-1)
	if l.Buyer != supplychain.Reporting {
		if b, ok = c.index[l.Buyer]; !ok {
			return kernel.Errorf(kernel.Internal, "link names buyer %s before the party", l.Buyer)
		}
	}
	share := risk.UnknownShare
	if l.Share != nil {
		share = float32(*l.Share)
	}
	c.links = append(c.links, chainLink{buyer: b, supplier: s, share: share})
	return nil
}

// read imports one file into the chain. A bad file stops the run: its row
// errors go to standard error and the error says how many there were.
func (c *chain) read(ctx context.Context, env *Env, path string, skip bool, p *progress) error {
	fh, err := os.Open(path)
	if err != nil {
		return usageError("cannot open %s: %v", path, err)
	}
	defer fh.Close()
	opts := ingestOptions(path, skip)
	opts.KnownRef = func(ref string) bool { _, ok := c.index[supplychain.RefID(ref)]; return ok }
	var sink ingest.Sink = c
	if p != nil {
		sink = p.wrap(c)
	}
	res, err := ingest.Import(ctx, fh, opts, sink)
	printRowErrors(env, res)
	return err
}

// printRowErrors writes every kept row error and warning to standard error,
// one per line, as file:line:column: reason.
func printRowErrors(env *Env, res ingest.Result) {
	for _, e := range res.Errors {
		fmt.Fprintln(env.Stderr, e.Error())
	}
	if n := res.ErrorCount - len(res.Errors); n > 0 {
		fmt.Fprintf(env.Stderr, "... and %d more bad rows\n", n)
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(env.Stderr, "warning: "+w.Error())
	}
}

// screenBatchSize is how many names are screened at a time, so the
// batch's results do not grow with the input.
const screenBatchSize = 8192

// screen searches every party's name in the index and keeps the hits as
// possible-match signals.
func (c *chain) screen(ix *screening.Index, wls []*screening.Watchlist) {
	if ix == nil {
		return
	}
	// Hits name the list of their entity, which for a file holding several
	// lists (the simple CSV's list column) is not the file's name.
	lists := map[string]screening.List{}
	for _, wl := range wls {
		lists[wl.List.Name] = wl.List
		for i := range wl.Entities {
			if _, ok := lists[wl.Entities[i].ListName]; !ok {
				lists[wl.Entities[i].ListName] = wl.List
			}
		}
	}
	qs := make([]screening.Query, 0, screenBatchSize)
	for lo := 0; lo < len(c.parties); lo += screenBatchSize {
		hi := min(lo+screenBatchSize, len(c.parties))
		qs = qs[:0]
		for i := lo; i < hi; i++ {
			p := &c.parties[i]
			qs = append(qs, screening.Query{ID: p.id, Name: p.name, Country: p.country})
		}
		for k, r := range ix.SearchBatch(qs, screening.Options{}) {
			if len(r.Hits) == 0 {
				continue
			}
			p := &c.parties[lo+k]
			p.hits = r.Hits
			for _, h := range r.Hits {
				l := lists[h.Entity.ListName]
				src := cmp.Or(l.Source, h.Entity.ListName)
				if h.Entity.ListName != l.Name && h.Entity.ListName != "" {
					src = h.Entity.ListName + " (" + cmp.Or(l.Source, l.Name) + ")"
				}
				edition := ""
				if !l.Published.IsZero() {
					edition = l.Published.Format("2006-01-02")
				}
				p.signals = append(p.signals, risk.Signal{Kind: risk.WatchlistPossible, Value: h.Score, Source: src, Edition: edition,
					Note: fmt.Sprintf("%q resembles %q (%s %s)", p.name, h.MatchedName, h.Entity.ListName, h.Entity.ID)})
			}
		}
	}
}

// assessment is the risk of every party of a chain, by position.
type assessment struct {
	tier                             []int32 // 0 when not connected to the reporting organisation
	inherent, signals, own, exposure []float64
	suppliers                        []int32 // direct suppliers, to explain exposure
	scored                           []bool  // false when the party has no country to score
}

// assess scores every party, infers tiers and propagates exposure. Links
// between the same two parties (one per commodity, or repeated across
// files) count once, with the largest share given, since shares of
// different commodities are not shares of one volume.
func (c *chain) assess(e *risk.Engine) (*assessment, error) {
	n := len(c.parties)
	a := &assessment{tier: make([]int32, n), inherent: make([]float64, n), signals: make([]float64, n),
		own: make([]float64, n), exposure: make([]float64, n), suppliers: make([]int32, n), scored: make([]bool, n)}
	for i := range c.parties {
		p := &c.parties[i]
		if p.country == "" {
			continue
		}
		sc, err := e.Score(risk.Input{Country: p.country, Commodities: p.commodities, Signals: p.signals})
		if err != nil {
			return nil, kernel.Wrap(kernel.ErrorCode(err), err, "party %s", p.label())
		}
		a.inherent[i], a.signals[i], a.own[i], a.scored[i] = sc.Inherent, sc.Signals, sc.Own, true
	}
	links := slices.Clone(c.links)
	slices.SortFunc(links, func(x, y chainLink) int {
		return cmp.Or(cmp.Compare(x.buyer, y.buyer), cmp.Compare(x.supplier, y.supplier))
	})
	var direct []int32
	rl := make([]risk.Link, 0, len(links))
	for k := 0; k < len(links); {
		l := links[k]
		share := l.share
		for k++; k < len(links) && links[k].buyer == l.buyer && links[k].supplier == l.supplier; k++ {
			share = max(share, links[k].share) // UnknownShare is below every share
		}
		if l.buyer < 0 {
			direct = append(direct, l.supplier)
			continue
		}
		rl = append(rl, risk.Link{Buyer: l.buyer, Supplier: l.supplier, Share: share})
		a.suppliers[l.buyer]++
	}
	g, err := risk.NewGraph(n, rl)
	if err != nil {
		return nil, err
	}
	if a.tier, err = risk.Tiers(g, direct); err != nil {
		return nil, err
	}
	if a.exposure, err = e.Propagate(g, a.own); err != nil {
		return nil, err
	}
	return a, nil
}

// explain returns the factors of party i: its own score's factors and, when
// suppliers raise its exposure, the supply-chain factor, so that the
// contributions add up to the exposure.
func (c *chain) explain(e *risk.Engine, a *assessment, i int) ([]risk.Factor, error) {
	p := &c.parties[i]
	if !a.scored[i] {
		return nil, nil
	}
	sc, err := e.Score(risk.Input{Country: p.country, Commodities: p.commodities, Signals: p.signals})
	if err != nil {
		return nil, err
	}
	fs := sc.Factors
	if a.exposure[i]-a.own[i] >= 0.005 {
		fs = append(fs, risk.ExposureFactor(a.own[i], a.exposure[i], int(a.suppliers[i])))
	}
	return fs, nil
}

// label names a party in messages: the file's own id when it has one.
func (p *chainParty) label() string {
	if p.ref != "" {
		return p.ref
	}
	return p.id
}

// round2 keeps two decimals: scores are read by people, and fixed rounding
// keeps output byte-identical across platforms.
func round2(v float64) float64 { return math.Round(v*100) / 100 }

type factorJSON struct {
	Source       string  `json:"source"`
	Edition      string  `json:"edition"`
	Indicator    string  `json:"indicator"`
	Value        string  `json:"value"`
	Contribution float64 `json:"contribution"`
}

type hitJSON struct {
	List        string  `json:"list"`
	EntityID    string  `json:"entity_id"`
	EntityName  string  `json:"entity_name"`
	MatchedName string  `json:"matched_name"`
	Score       float64 `json:"score"`
}

// registerRow is one line of the register; field order is the column order.
type registerRow struct {
	ID            string       `json:"id"`
	Name          string       `json:"name"`
	Country       string       `json:"country"`
	Commodities   []string     `json:"commodities"`
	Tier          *int         `json:"tier"`
	Inherent      float64      `json:"inherent"`
	Signals       float64      `json:"signals"`
	Exposure      float64      `json:"exposure"`
	Level         string       `json:"level"`
	Factors       []factorJSON `json:"factors"`
	WatchlistHits []hitJSON    `json:"watchlist_hits"`
}

// row builds the register line of party i.
func (c *chain) row(e *risk.Engine, a *assessment, i int) (registerRow, error) {
	p := &c.parties[i]
	r := registerRow{ID: p.label(), Name: p.name, Country: p.country,
		Commodities: make([]string, 0, len(p.commodities)+len(p.unknown)),
		Inherent:    round2(a.inherent[i]), Signals: round2(a.signals[i]), Exposure: round2(a.exposure[i]),
		Level:   string(e.Level(a.exposure[i])),
		Factors: []factorJSON{}, WatchlistHits: []hitJSON{}}
	r.Commodities = append(r.Commodities, p.commodities...)
	for _, u := range p.unknown {
		r.Commodities = append(r.Commodities, u+" (unrecognised)")
	}
	if t := int(a.tier[i]); t > 0 {
		r.Tier = &t
	}
	fs, err := c.explain(e, a, i)
	if err != nil {
		return r, err
	}
	for _, f := range fs {
		r.Factors = append(r.Factors, factorJSON{Source: f.Source, Edition: f.Edition, Indicator: f.Indicator, Value: f.Value, Contribution: round2(f.Contribution)})
	}
	for _, h := range p.hits {
		r.WatchlistHits = append(r.WatchlistHits, hitJSON{List: h.Entity.ListName, EntityID: h.Entity.ID, EntityName: h.Entity.Name,
			MatchedName: h.MatchedName, Score: round2(h.Score)})
	}
	return r, nil
}

// order returns party positions by exposure, highest first, ties by the
// id shown, so the output is the same on every run.
func (c *chain) order(a *assessment) []int32 {
	idx := make([]int32, len(c.parties))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(x, y int32) int {
		return cmp.Or(cmp.Compare(a.exposure[y], a.exposure[x]), cmp.Compare(c.parties[x].label(), c.parties[y].label()),
			cmp.Compare(c.parties[x].id, c.parties[y].id))
	})
	return idx
}

func writeRegister(w io.Writer, format string, c *chain, a *assessment, e *risk.Engine, files []string) error {
	order := c.order(a)
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, i := range order {
			r, err := c.row(e, a, int(i))
			if err != nil {
				return err
			}
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	case "html":
		return writeRegisterHTML(w, c, a, e, order, files)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(registerColumns); err != nil {
		return err
	}
	rec := make([]string, len(registerColumns))
	for _, i := range order {
		r, err := c.row(e, a, int(i))
		if err != nil {
			return err
		}
		tier := ""
		if r.Tier != nil {
			tier = strconv.Itoa(*r.Tier)
		}
		factors, _ := json.Marshal(r.Factors)
		hits, _ := json.Marshal(r.WatchlistHits)
		rec = append(rec[:0], r.ID, r.Name, r.Country, strings.Join(r.Commodities, ";"), tier,
			num(r.Inherent), num(r.Signals), num(r.Exposure), r.Level, string(factors), string(hits))
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
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

func writeRegisterHTML(w io.Writer, c *chain, a *assessment, e *risk.Engine, order []int32, files []string) error {
	counts := map[risk.Level]int{}
	for i := range c.parties {
		counts[e.Level(a.exposure[i])]++
	}
	var levels []levelCount
	for _, l := range []risk.Level{risk.Critical, risk.High, risk.Medium, risk.Low} {
		levels = append(levels, levelCount{string(l), counts[l]})
	}
	wt := e.Weights()
	head := struct {
		Parties                int
		Files                  []string
		Medium, High, Critical float64
		Levels                 []levelCount
	}{len(c.parties), files, wt.Levels.Medium, wt.Levels.High, wt.Levels.Critical, levels}
	if err := registerHTML.ExecuteTemplate(w, "head", head); err != nil {
		return err
	}
	for _, i := range order {
		r, err := c.row(e, a, int(i))
		if err != nil {
			return err
		}
		if err := registerHTML.ExecuteTemplate(w, "row", r); err != nil {
			return err
		}
	}
	return registerHTML.ExecuteTemplate(w, "foot", nil)
}

// progress reports rows read on standard error when it is a terminal.
type progress struct {
	env  *Env
	n    int
	show bool
}

func newProgress(env *Env) *progress { return &progress{env: env, show: isTerminal(env.Stderr)} }

type progressSink struct {
	*chain
	p *progress
}

func (s progressSink) Party(p supplychain.Party) error {
	s.p.n++
	if s.p.show && s.p.n%100_000 == 0 {
		fmt.Fprintf(s.p.env.Stderr, "\rread %d parties", s.p.n)
	}
	return s.chain.Party(p)
}

func (p *progress) wrap(c *chain) ingest.Sink { return progressSink{chain: c, p: p} }

func (p *progress) done() {
	if p.show && p.n >= 100_000 {
		fmt.Fprintf(p.env.Stderr, "\rread %d parties\n", p.n)
	}
}
