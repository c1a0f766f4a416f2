package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// Format is a supported input format.
type Format string

const (
	FormatUpstreamCSV Format = "upstream-csv" // the Upstream supplier CSV
	FormatOSH         Format = "osh-csv"      // an Open Supply Hub facility list
	FormatEPCISJSON   Format = "epcis-json"   // GS1 EPCIS 2.0 JSON or JSON-LD
	FormatEPCISXML    Format = "epcis-xml"    // GS1 EPCIS 2.0 (or 1.2) XML
	// FormatAudits is an audit and certification CSV (AuditColumns). It
	// holds evidence about parties rather than parties: ReadAudits reads
	// it, not Import.
	FormatAudits Format = "audits-csv"
)

// Label names the format for people, as import pages show it.
func (f Format) Label() string {
	switch f {
	case FormatUpstreamCSV:
		return "Supplier list (CSV)"
	case FormatOSH:
		return "Open Supply Hub facility list (CSV)"
	case FormatEPCISJSON:
		return "EPCIS events (JSON)"
	case FormatEPCISXML:
		return "EPCIS events (XML)"
	case FormatAudits:
		return "Audits and certifications (CSV)"
	case "":
		return "Not recognised"
	}
	return string(f)
}

// Sink receives what an import finds, as it finds it. A party reaches the
// sink before any link that names it. When Import returns an error the
// caller must discard what the sink received (the SQL adapter runs an import
// in one transaction and rolls it back), so that a failed import writes
// nothing.
type Sink interface {
	Party(supplychain.Party) error
	Link(supplychain.Link) error
}

// NumberingSink is a Sink that numbers the parties it receives, so that
// links can name their parties by number: a sink holding a large file in
// memory is then spared finding both parties of every link by id. The
// supplier CSV reader uses it when the sink offers it; links whose
// parties it has no number for still go to Link.
type NumberingSink interface {
	Sink
	// PartyNumber receives p as Party does and returns its number.
	PartyNumber(p supplychain.Party) (int32, error)
	// LinkNumbers receives l as Link does, with the numbers of its
	// supplier and buyer; buyer is -1 when it is the reporting
	// organisation.
	LinkNumbers(l supplychain.Link, supplier, buyer int32) error
}

// SourcedSink is a Sink that is told where in the input each party and
// link was first read, for provenance: the line of a CSV row, or an EPCIS
// event's eventID (its line when it has none). The importer calls
// PartySource and LinkSource right after Party and Link.
type SourcedSink interface {
	Sink
	PartySource(id string, src Source)
	LinkSource(k supplychain.LinkKey, src Source)
}

// Source is where in an input something was read.
type Source struct {
	Line    int    // 1-based line of the row or event; 0 when unknown
	EventID string // the EPCIS eventID, when there is one
}

// Options configure an import. Country is required; the others may be nil.
type Options struct {
	// Name names the input in messages (usually the file name).
	Name string
	// Country turns a country as written (code or name) into an ISO 3166
	// alpha-2 code, or returns an error whose message says what is wrong
	// (and suggests the closest match).
	Country func(raw string) (alpha2 string, err error)
	// Commodity turns a commodity name into a canonical id; known=false keeps
	// the name as an unknown commodity. Nil keeps every name as unknown.
	Commodity func(raw string) (id string, known bool)
	// Infer guesses the canonical commodity ids of a facility whose list
	// names no product, from its sector ("Apparel"), product type and
	// name, and says what it guessed from ("sector Apparel"); the ids are
	// stored as inferred, never as declared. Nil infers nothing.
	Infer func(sector, productType, name string) (ids []string, from string)
	// KmOutside says how far a point lies outside a country's shape (0
	// inside; known false when the country has no shape to test). A party
	// whose coordinates lie clearly outside its country is imported with a
	// warning. Nil checks nothing.
	KmOutside func(alpha2 string, lat, lng float64) (km float64, known bool)
	// Declared reports whether an EPCIS event was declared erroneous by an
	// earlier import, and where; such an event is not applied. Nil knows
	// of none.
	Declared func(eventID string) (where string, declared bool)
	// KnownRef reports whether a party with this reference already exists
	// outside the file (stored by an earlier import), so a buyer_id naming
	// it is not an error. Nil means only the file counts.
	KnownRef func(ref string) bool
	// SkipBadRows skips bad rows, counting them, instead of failing the
	// whole import.
	SkipBadRows bool
	// MaxErrors caps the errors kept in Result.Errors (default 100). Without
	// SkipBadRows reading stops once the cap is reached.
	MaxErrors int
}

// RowError is one bad row (or event): where it is and what is wrong.
type RowError struct {
	File   string
	Line   int    // 1-based; 0 when unknown
	Column int    // 1-based byte column; 0 when unknown
	Field  string // column or field name, when one is to blame
	Reason string
}

func (e RowError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Unwrap categorises a row error as invalid input.
func (e RowError) Unwrap() error { return &kernel.Error{Code: kernel.Invalid, Message: e.Error()} }

// BadRowsError is the error of a file with bad rows read without skipping
// them: nothing of it was imported. Its message names no way to skip them,
// since each adapter has its own (a flag, a checkbox, a field); see
// SkipHint.
type BadRowsError struct {
	File  string
	Count int
	First RowError
}

// BadRows returns the error of count bad rows in file, the first of them
// first.
func BadRows(file string, count int, first RowError) error {
	return &BadRowsError{File: file, Count: count, First: first}
}

func (e *BadRowsError) Error() string {
	return fmt.Sprintf("%d bad row(s) in %s, nothing imported; first: %s", e.Count, e.File, e.First.Error())
}

// Unwrap categorises the error as invalid input.
func (e *BadRowsError) Unwrap() error { return &kernel.Error{Code: kernel.Invalid, Message: e.Error()} }

// SkipHint adds to err, when it is a BadRowsError, how the caller can
// import the good rows: hint, worded for the caller's interface
// ("use --skip-bad-rows to import the good rows"). Other errors are
// returned as they are.
func SkipHint(err error, hint string) error {
	var bre *BadRowsError
	if !errors.As(err, &bre) {
		return err
	}
	return &kernel.Error{Code: kernel.Invalid, Message: fmt.Sprintf("%d bad row(s) in %s, nothing imported (%s); first: %s",
		bre.Count, bre.File, hint, bre.First.Error())}
}

// Result says what an import read and did.
type Result struct {
	Format  Format
	Rows    int // data rows (CSV) or events (EPCIS) read
	Parties int // distinct parties sent to the sink
	Links   int // distinct links sent to the sink
	Audits  int // audits and certifications stored (FormatAudits)
	Skipped int // bad rows skipped (SkipBadRows)
	// UnusedEvents counts EPCIS events that gave no party or link (unknown
	// type, error declaration, no location or party); Warnings says why.
	UnusedEvents int
	Errors       []RowError // bad rows, at most Options.MaxErrors
	ErrorCount   int        // all bad rows, including those beyond the cap
	Warnings     []RowError // things read but not used; at most Options.MaxErrors
	// PlaceWarnings counts parties whose coordinates lie outside their
	// country (each also a warning).
	PlaceWarnings int
}

// peekSize is how much of the input detection looks at.
const peekSize = 64 << 10

// Detect reads the start of r (without consuming it) and says which format
// it is. name is only used in messages.
func Detect(r *bufio.Reader, name string) (Format, error) {
	head, err := r.Peek(peekSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return "", kernel.Wrap(kernel.Invalid, err, "%s: cannot read", name)
	}
	head = bytes.TrimPrefix(head, utf8BOM)
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) == 0 {
		return "", kernel.Errorf(kernel.Invalid, "%s: the file is empty", name)
	}
	switch trimmed[0] {
	case '{', '[':
		if bytes.Contains(head, []byte(`"eventList"`)) || bytes.Contains(head, []byte(`"epcisBody"`)) ||
			bytes.Contains(head, []byte("EPCIS")) || bytes.Contains(head, []byte(`Event"`)) {
			return FormatEPCISJSON, nil
		}
		return "", kernel.Errorf(kernel.Invalid, "%s: JSON, but not a GS1 EPCIS document (no epcisBody or eventList)", name)
	case '<':
		if bytes.Contains(head, []byte("EPCIS")) {
			return FormatEPCISXML, nil
		}
		return "", kernel.Errorf(kernel.Invalid, "%s: XML, but not a GS1 EPCIS document (no EPCISDocument root)", name)
	}
	line := head
	if i := bytes.IndexAny(head, "\r\n"); i >= 0 {
		line = head[:i]
	}
	rec, err := csv.NewReader(bytes.NewReader(line)).Read()
	if err != nil {
		return "", kernel.Errorf(kernel.Invalid, "%s: not a supported format (the first line is not a CSV header)", name)
	}
	cols := map[string]bool{}
	for _, c := range rec {
		cols[headerKey(c)] = true
	}
	switch {
	case cols["id"] && cols["name"] && cols["country"]:
		return FormatUpstreamCSV, nil
	case cols["name"] && cols["country"] && cols["address"]:
		return FormatOSH, nil
	case isAuditHeader(cols):
		return FormatAudits, nil
	}
	return "", kernel.Errorf(kernel.Invalid,
		"%s: not a supported format: a supplier CSV needs the columns id, name and country; an Open Supply Hub list needs country, name and address; an audit file needs %s; found %s",
		name, requiredNames(AuditColumns), quoteList(rec))
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// isAuditHeader reports whether a header (normalised names) has every
// required column of an audit file, under any of its names.
func isAuditHeader(cols map[string]bool) bool {
	have := map[string]bool{}
	for c := range cols {
		if n, ok := auditColumnNames[c]; ok {
			have[n] = true
		}
	}
	for _, d := range AuditColumns {
		if d.Required && !have[d.Name] {
			return false
		}
	}
	return true
}

// quoteList quotes each of the header cells of a file for a message, so
// that no byte of the file reaches a terminal or a page raw.
func quoteList(cells []string) string {
	q := make([]string, len(cells))
	for i, c := range cells {
		q[i] = strconv.Quote(c)
	}
	return strings.Join(q, ", ")
}

// Import detects the format of r and imports it into sink. It returns the
// result and, when the import failed, an error (kernel.Invalid for bad input,
// naming the first bad row); the caller then discards what sink received.
func Import(ctx context.Context, r io.Reader, opts Options, sink Sink) (Result, error) {
	br := bufio.NewReaderSize(r, peekSize)
	f, err := Detect(br, opts.name())
	if err != nil {
		return Result{}, err
	}
	return ImportFormat(ctx, f, br, opts, sink)
}

// ImportFormat imports r, which must be in format f.
func ImportFormat(ctx context.Context, f Format, r io.Reader, opts Options, sink Sink) (Result, error) {
	if opts.Country == nil {
		opts.Country = alpha2Only
	}
	if opts.MaxErrors <= 0 {
		opts.MaxErrors = 100
	}
	rn := &run{ctx: ctx, opts: opts, sink: sink, file: opts.name(), res: Result{Format: f}, parties: map[string]struct{}{}}
	rn.sourced, _ = sink.(SourcedSink)
	var err error
	switch f {
	case FormatUpstreamCSV:
		err = rn.upstreamCSV(r)
	case FormatOSH:
		err = rn.oshCSV(r)
	case FormatEPCISJSON:
		err = rn.epcisJSON(r)
	case FormatEPCISXML:
		err = rn.epcisXML(r)
	case FormatAudits:
		return Result{}, kernel.Errorf(kernel.Invalid, "%s is an audit and certification file, not a supplier list: read it as audits", rn.file)
	default:
		return Result{}, kernel.Errorf(kernel.Invalid, "%s: unknown format %q", rn.file, f)
	}
	if err != nil && !errors.Is(err, errTooManyErrors) {
		return rn.res, err
	}
	if rn.res.ErrorCount > 0 && !opts.SkipBadRows {
		return rn.res, BadRows(rn.file, rn.res.ErrorCount, rn.res.Errors[0])
	}
	return rn.res, nil
}

func (o Options) name() string {
	if o.Name == "" {
		return "input"
	}
	return o.Name
}

// alpha2Only is the country normaliser used when none is given: it accepts
// two-letter codes only.
func alpha2Only(raw string) (string, error) {
	s := strings.ToUpper(strings.TrimSpace(raw))
	if len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' {
		return s, nil
	}
	return "", kernel.Errorf(kernel.Invalid, "%q is not an ISO 3166 alpha-2 country code", raw)
}

var errTooManyErrors = errors.New("too many errors")

// run is the state of one import shared by the format readers: error policy,
// counts and the parties already sent, so each reaches the sink once.
type run struct {
	ctx     context.Context
	opts    Options
	sink    Sink
	file    string
	res     Result
	parties map[string]struct{}
	links   map[supplychain.LinkKey]struct{} // only formats that can repeat a link use it
	failed  bool                             // a bad row was seen and bad rows are not skipped: the sink gets nothing more
	unique  bool                             // the reader guarantees each party id once, so parties needs no entries
	sourced SourcedSink                      // the sink, when it wants to know where things were read
	source  Source                           // where the row or event being read is
	// The normalisers' answers for values seen before: a file of a
	// million rows names a few hundred countries and commodities.
	countryAnswers   answers[countryAnswer]
	commodityAnswers answers[commodityAnswer]
}

// maxRemembered bounds each map of remembered answers, so that a file of
// ever new names does not grow them without end.
const maxRemembered = 4096

// answers remembers a normaliser's answers by the raw value asked about.
type answers[A any] map[string]A

// of returns the answer for raw, asking and remembering it the first time.
func (m *answers[A]) of(raw string, ask func(string) A) A {
	if a, ok := (*m)[raw]; ok {
		return a
	}
	a := ask(raw)
	if *m == nil {
		*m = answers[A]{}
	}
	if len(*m) < maxRemembered {
		(*m)[strings.Clone(raw)] = a
	}
	return a
}

type countryAnswer struct {
	alpha2 string
	err    error
}

type commodityAnswer struct {
	id    string
	known bool
}

// country is opts.Country, remembering its answers.
func (rn *run) country(raw string) (string, error) {
	a := rn.countryAnswers.of(raw, func(raw string) countryAnswer {
		a2, err := rn.opts.Country(raw)
		return countryAnswer{a2, err}
	})
	return a.alpha2, a.err
}

// commodity is opts.Commodity, remembering its answers.
func (rn *run) commodity(raw string) (string, bool) {
	a := rn.commodityAnswers.of(raw, func(raw string) commodityAnswer {
		id, known := rn.opts.Commodity(raw)
		return commodityAnswer{id, known}
	})
	return a.id, a.known
}

// bad records a bad row. It returns errTooManyErrors when reading should stop.
func (rn *run) bad(e RowError) error {
	e.File = rn.file
	rn.res.ErrorCount++
	if len(rn.res.Errors) < rn.opts.MaxErrors {
		rn.res.Errors = append(rn.res.Errors, e)
	}
	if rn.opts.SkipBadRows {
		rn.res.Skipped++
		return nil
	}
	rn.failed = true
	if rn.res.ErrorCount >= rn.opts.MaxErrors {
		return errTooManyErrors
	}
	return nil
}

// at says the row being read is on line.
func (rn *run) at(line int) {
	if rn.sourced != nil {
		rn.source = Source{Line: line}
	}
}

// atEvent says the EPCIS event being read has this id and line.
func (rn *run) atEvent(id string, line int) {
	if rn.sourced != nil {
		rn.source = Source{Line: line, EventID: id}
	}
}

// outsideTolerance is how far outside its country's coarse shape a point
// may lie before it is taken to be wrong: the 1:110m shapes cut coasts and
// river borders by up to a few tens of kilometres.
const outsideTolerance = 30

// checkPlace warns when p's coordinates lie outside its country. The
// coordinates are kept: the country or the point may be the wrong one, and
// an analyst decides.
func (rn *run) checkPlace(p *supplychain.Party, line int) {
	if km, outside := rn.placeOutside(p); outside {
		rn.warnPlace(p, line, km)
	}
}

// placeOutside says how far p's coordinates lie outside its country when
// that is farther than the tolerance. It reads nothing of the run but its
// options, so a parsing goroutine may call it.
func (rn *run) placeOutside(p *supplychain.Party) (km float64, outside bool) {
	if rn.opts.KmOutside == nil || p.Lat == nil || p.Lng == nil || p.Country == "" {
		return 0, false
	}
	km, known := rn.opts.KmOutside(p.Country, *p.Lat, *p.Lng)
	return km, known && km > outsideTolerance
}

// warnPlace counts, and keeps while there is room, the warning that p's
// coordinates lie km outside its country.
func (rn *run) warnPlace(p *supplychain.Party, line int, km float64) {
	rn.res.PlaceWarnings++
	if len(rn.res.Warnings) >= rn.opts.MaxErrors {
		return // counted; the message would not be kept
	}
	rn.warn(RowError{Line: line, Field: "lat/lng", Reason: fmt.Sprintf("%s: %v, %v lies about %.0f km outside %s; kept, check the coordinates or the country", p.Name, *p.Lat, *p.Lng, km, p.Country)})
}

func (rn *run) warn(e RowError) {
	e.File = rn.file
	if len(rn.res.Warnings) < rn.opts.MaxErrors {
		rn.res.Warnings = append(rn.res.Warnings, e)
	}
}

// numberedParty sends p to the sink as party does, for readers that send
// each party once, and returns the number the sink gave it, or -1 when it
// gave none.
func (rn *run) numberedParty(p supplychain.Party) (int32, error) {
	ns, ok := rn.sink.(NumberingSink)
	if !ok || !rn.unique {
		return -1, rn.party(p, false)
	}
	if rn.failed {
		return -1, nil
	}
	n, err := ns.PartyNumber(p)
	if err != nil {
		return -1, rn.sinkError(err)
	}
	if rn.sourced != nil {
		rn.sourced.PartySource(p.ID, rn.source)
	}
	rn.res.Parties++
	return n, nil
}

// numberedLink sends l to the sink as link does, by the numbers of its
// parties when it has both.
func (rn *run) numberedLink(l supplychain.Link, supplier, buyer int32) error {
	ns, ok := rn.sink.(NumberingSink)
	if !ok || rn.links != nil || supplier < 0 || buyer < -1 || (buyer == -1) != (l.Buyer == supplychain.Reporting) {
		return rn.link(l)
	}
	if rn.failed {
		return nil
	}
	if err := ns.LinkNumbers(l, supplier, buyer); err != nil {
		return rn.sinkError(err)
	}
	if rn.sourced != nil {
		rn.sourced.LinkSource(l.Key(), rn.source)
	}
	rn.res.Links++
	return nil
}

// party sends p to the sink unless it was sent already (replace when again).
func (rn *run) party(p supplychain.Party, again bool) error {
	if rn.unique {
		if !rn.failed {
			if err := rn.sink.Party(p); err != nil {
				return rn.sinkError(err)
			}
			if rn.sourced != nil {
				rn.sourced.PartySource(p.ID, rn.source)
			}
			rn.res.Parties++
		}
		return nil
	}
	_, seen := rn.parties[p.ID]
	if seen && !again {
		return nil
	}
	if rn.failed {
		rn.parties[p.ID] = struct{}{}
		return nil
	}
	if err := rn.sink.Party(p); err != nil {
		return rn.sinkError(err)
	}
	if rn.sourced != nil && !seen {
		rn.sourced.PartySource(p.ID, rn.source)
	}
	if !seen {
		rn.parties[p.ID] = struct{}{}
		rn.res.Parties++
	}
	return nil
}

func (rn *run) link(l supplychain.Link) error {
	if rn.links != nil {
		k := l.Key()
		if _, seen := rn.links[k]; seen {
			return nil
		}
		rn.links[k] = struct{}{}
	}
	if rn.failed {
		return nil
	}
	if err := rn.sink.Link(l); err != nil {
		return rn.sinkError(err)
	}
	if rn.sourced != nil {
		rn.sourced.LinkSource(l.Key(), rn.source)
	}
	rn.res.Links++
	return nil
}

func (rn *run) sinkError(err error) error {
	if kernel.ErrorCode(err) == kernel.Internal {
		return kernel.Wrap(kernel.Internal, err, "%s: cannot store the import", rn.file)
	}
	return err
}

// checkCtx is called every so many rows so a cancelled import stops soon.
func (rn *run) checkCtx() error {
	if err := rn.ctx.Err(); err != nil {
		return kernel.Wrap(kernel.Unavailable, err, "%s: import cancelled", rn.file)
	}
	return nil
}

// Collector is a Sink that keeps everything in memory, for small imports and
// tests; merge its contents into a supplychain.Graph once Import succeeds.
type Collector struct {
	Parties []supplychain.Party
	Links   []supplychain.Link
}

func (c *Collector) Party(p supplychain.Party) error {
	c.Parties = append(c.Parties, p)
	return nil
}

func (c *Collector) Link(l supplychain.Link) error {
	c.Links = append(c.Links, l)
	return nil
}

// SourcedCollector is a Collector that also keeps where each party and link
// was first read (see SourcedSink).
type SourcedCollector struct {
	Collector
	PartySources map[string]Source
	LinkSources  map[supplychain.LinkKey]Source
}

func (c *SourcedCollector) PartySource(id string, src Source) {
	if c.PartySources == nil {
		c.PartySources = map[string]Source{}
	}
	if _, ok := c.PartySources[id]; !ok {
		c.PartySources[id] = src
	}
}

func (c *SourcedCollector) LinkSource(k supplychain.LinkKey, src Source) {
	if c.LinkSources == nil {
		c.LinkSources = map[supplychain.LinkKey]Source{}
	}
	if _, ok := c.LinkSources[k]; !ok {
		c.LinkSources[k] = src
	}
}

// PartyByRef returns the last party collected with the given reference.
func (c *Collector) PartyByRef(ref string) (supplychain.Party, bool) {
	for i := len(c.Parties) - 1; i >= 0; i-- {
		if c.Parties[i].Ref == ref {
			return c.Parties[i], true
		}
	}
	return supplychain.Party{}, false
}

// headerKey normalises a CSV header name: case-insensitive, surrounding
// spaces ignored, inner spaces and hyphens read as underscores.
func headerKey(s string) string {
	s = strings.TrimSpace(strings.TrimPrefix(s, "\uFEFF"))
	s = strings.ToLower(s)
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return '_'
		}
		return r
	}, s)
}

// splitList splits a ';'-separated cell, dropping empty items and
// duplicates, keeping order.
func splitList(s string, sep string) []string {
	return appendList(nil, s, sep)
}

// appendList appends the items of a sep-separated cell to out, as
// splitList; reusing out spares an allocation per row.
func appendList(out []string, s string, sep string) []string {
	n := len(out)
	for s != "" {
		p, rest, _ := strings.Cut(s, sep)
		s = rest
		p = strings.TrimSpace(p)
		if p != "" && !slices.Contains(out[n:], p) {
			out = append(out, p)
		}
	}
	if len(out) == n {
		return out[:n:n] // nothing, so nil when out was nil
	}
	return out
}
