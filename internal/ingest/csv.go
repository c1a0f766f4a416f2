package ingest

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/upstream-platform/upstream/internal/supplychain"
)

// column is a field the CSV readers understand; anything else is kept as an
// attribute.
type column int

const (
	colNone column = iota
	colID
	colName
	colCountry
	colCommodity
	colBuyer
	colShare
	colAddress
	colRegion
	colLat
	colLng
	colOSID
	colLEI
	colGLN
	colWorkers
	colKind
	colSector
	colProductType
)

// header is a parsed CSV header: which column holds what.
type header struct {
	names []string // as written, for messages and attribute keys
	cols  []column
	index map[column]int
}

func (rn *run) readHeader(cr *csv.Reader, required []column, requiredNames string) (*header, error) {
	rec, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, RowError{File: rn.file, Line: 1, Reason: "the file is empty"}
		}
		return nil, rn.parseError(err)
	}
	h := &header{names: make([]string, len(rec)), cols: make([]column, len(rec)), index: map[column]int{}}
	seen := map[string]int{}
	for i, raw := range rec {
		line, col := cr.FieldPos(i)
		if !utf8.ValidString(raw) {
			return nil, RowError{File: rn.file, Line: line, Column: col, Reason: "header is not valid UTF-8"}
		}
		key := headerKey(raw)
		h.names[i] = key
		if key == "" {
			return nil, RowError{File: rn.file, Line: line, Column: col, Reason: fmt.Sprintf("header column %d is empty", i+1)}
		}
		if j, dup := seen[key]; dup {
			return nil, RowError{File: rn.file, Line: line, Column: col, Field: key, Reason: fmt.Sprintf("column appears twice (columns %d and %d)", j+1, i+1)}
		}
		seen[key] = i
		c := columnNames[key]
		if c != colNone {
			if _, dup := h.index[c]; dup {
				return nil, RowError{File: rn.file, Line: line, Column: col, Field: key, Reason: "column means the same as an earlier one"}
			}
			h.index[c] = i
		}
		h.cols[i] = c
	}
	for _, c := range required {
		if _, ok := h.index[c]; !ok {
			return nil, RowError{File: rn.file, Line: 1, Reason: "header lacks a required column; required: " + requiredNames}
		}
	}
	return h, nil
}

func (rn *run) parseError(err error) RowError {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return RowError{File: rn.file, Line: pe.Line, Column: pe.Column, Reason: pe.Err.Error()}
	}
	return RowError{File: rn.file, Reason: err.Error()}
}

// cellError builds the row error for field i of the current record.
func cellError(cr *csv.Reader, h *header, i int, err error) RowError {
	line, col := cr.FieldPos(i)
	reason := err.Error()
	var fe *supplychain.FieldError
	if errors.As(err, &fe) {
		reason = fe.Reason
	}
	return RowError{Line: line, Column: col, Field: h.names[i], Reason: reason}
}

// seenRow is a party row already read: its line, its id and the number
// a NumberingSink gave it (-1 for none).
type seenRow struct {
	line int
	id   string
	num  int32
}

// rowScratch holds buffers reused from row to row.
type rowScratch struct {
	buyers []string
	links  []supplychain.Link
}

// pendingLink is a link whose buyer has not been read yet.
type pendingLink struct {
	link      supplychain.Link
	line, col int
}

// upstreamCSV reads the Upstream supplier CSV (DESIGN.md, "Supplier CSV").
func (rn *run) upstreamCSV(r io.Reader) error {
	cr := newCSVReader(r)
	h, err := rn.readHeader(cr, []column{colID, colName, colCountry}, "id, name, country")
	if err != nil {
		return err
	}
	rn.unique = true                      // duplicate ids are bad rows, so each party is sent once
	seen := map[string]seenRow{}          // id -> where it was read, for duplicates and buyer references
	badIDs := map[string]int{}            // ids of rows that were bad
	pending := map[string][]pendingLink{} // buyer id not yet read -> links waiting for it
	var sc rowScratch
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if stop := rn.bad(rn.parseError(err)); stop != nil {
				return stop
			}
			continue
		}
		rn.res.Rows++
		if rn.res.Rows%4096 == 0 {
			if err := rn.checkCtx(); err != nil {
				return err
			}
		}
		p, links, rowErr := rn.supplierRow(cr, h, rec, seen, &sc)
		line, _ := cr.FieldPos(0)
		if rowErr != nil {
			if p.Ref != "" {
				if _, dup := seen[p.Ref]; !dup {
					badIDs[p.Ref] = line
				}
			}
			if stop := rn.bad(*rowErr); stop != nil {
				return stop
			}
			continue
		}
		rn.at(line)
		rn.checkPlace(&p, line)
		num, err := rn.numberedParty(p)
		if err != nil {
			return err
		}
		seen[p.Ref] = seenRow{line: line, id: p.ID, num: num}
		if len(pending) > 0 {
			for _, pl := range pending[p.Ref] {
				rn.at(pl.line) // the row that named this buyer
				if err := rn.link(pl.link); err != nil {
					return err
				}
			}
			delete(pending, p.Ref)
			rn.at(line)
		}
		// Links come grouped by buyer (one per commodity), so each buyer is
		// looked up once; a buyer read earlier in the file already has its id.
		bi := h.index[colBuyer]
		var buyerRef, buyerID string
		var buyerNum int32
		var looked, known bool
		for _, l := range links {
			if l.Buyer == supplychain.Reporting {
				if err := rn.numberedLink(l, num, -1); err != nil {
					return err
				}
				continue
			}
			if !looked || l.Buyer != buyerRef {
				looked, buyerRef = true, l.Buyer
				if s, ok := seen[buyerRef]; ok {
					buyerID, buyerNum, known = s.id, s.num, true
				} else {
					// A party of an earlier file has no number here.
					buyerID, buyerNum = supplychain.RefID(buyerRef), -2
					known = rn.opts.KnownRef != nil && rn.opts.KnownRef(buyerRef)
				}
			}
			l.Buyer = buyerID
			if known {
				if err := rn.numberedLink(l, num, buyerNum); err != nil {
					return err
				}
				continue
			}
			bl, bc := cr.FieldPos(bi)
			pending[buyerRef] = append(pending[buyerRef], pendingLink{link: l, line: bl, col: bc})
		}
	}
	// Links still waiting name a buyer the file never had (or had only as a
	// bad row); report them in file order.
	var waiting []RowError
	for ref, pls := range pending {
		reason := fmt.Sprintf("buyer_id %q matches no id in this file", ref)
		if line, ok := badIDs[ref]; ok {
			reason = fmt.Sprintf("buyer_id %q names the row on line %d, which has errors", ref, line)
		}
		for _, pl := range pls {
			waiting = append(waiting, RowError{Line: pl.line, Column: pl.col, Field: "buyer_id", Reason: reason})
		}
	}
	sortRowErrors(waiting)
	for _, e := range waiting {
		if stop := rn.bad(e); stop != nil {
			return stop
		}
	}
	return nil
}

func newCSVReader(r io.Reader) *csv.Reader {
	cr := csv.NewReader(&bomSkipper{r: r})
	cr.FieldsPerRecord = -1 // field counts are checked here, with a clearer message
	cr.ReuseRecord = true
	return cr
}

// supplierRow turns one record into a party and its links (whose Buyer is
// still the buyer's reference). The returned party carries Ref even on
// error, so the caller can remember bad ids. The links are in sc's buffer,
// valid until the next call, grouped by buyer.
func (rn *run) supplierRow(cr *csv.Reader, h *header, rec []string, seen map[string]seenRow, sc *rowScratch) (supplychain.Party, []supplychain.Link, *RowError) {
	var p supplychain.Party
	if len(rec) != len(h.cols) {
		line, _ := cr.FieldPos(0)
		return p, nil, &RowError{Line: line, Column: 1, Reason: fmt.Sprintf("row has %d fields, the header has %d", len(rec), len(h.cols))}
	}
	fail := func(i int, err error) (supplychain.Party, []supplychain.Link, *RowError) {
		e := cellError(cr, h, i, err)
		return p, nil, &e
	}
	p.Kind = supplychain.KindCompany
	var share *float64
	var buyers []string
	for i, v := range rec {
		if !utf8.ValidString(v) {
			return fail(i, errors.New("is not valid UTF-8"))
		}
		c := h.cols[i]
		if c != colNone && c != colName && c != colAddress {
			v = strings.TrimSpace(v)
		}
		switch c {
		case colID:
			p.Ref = strings.TrimSpace(v)
			if p.Ref == "" {
				return fail(i, errors.New("is empty; every row needs the organisation's own id"))
			}
			if first, dup := seen[p.Ref]; dup {
				return fail(i, fmt.Errorf("id %q is used again (first on line %d)", p.Ref, first.line))
			}
			// A copy of its own keeps the id, a key of seen, apart from the
			// row's text: short ids copied one after another lie close
			// together, so looking buyers up reads little memory, and the
			// row's text is not kept alive by the id.
			p.Ref = strings.Clone(p.Ref)
			p.ID = supplychain.RefID(p.Ref)
		case colBuyer:
			buyers = appendList(sc.buyers[:0], v, ";")
			sc.buyers = buyers
		case colShare:
			s, err := parseShare(v)
			if err != nil {
				return fail(i, err)
			}
			share = s
		case colKind:
			if v != "" {
				k, err := supplychain.ParseKind(v)
				if err != nil {
					return fail(i, err)
				}
				p.Kind = k
			}
		default:
			if err := rn.commonField(&p, c, h.names[i], v); err != nil {
				return fail(i, err)
			}
		}
	}
	if err := p.Validate(); err != nil {
		return failField(cr, h, p, err)
	}
	for _, b := range buyers {
		if b == p.Ref {
			return failField(cr, h, p, &supplychain.FieldError{Field: "buyer_id", Reason: fmt.Sprintf("row %q names itself as its buyer", b)})
		}
	}
	if len(buyers) == 0 {
		buyers = reportingOnly
	}
	commodities := p.Commodities
	if len(commodities) == 0 {
		commodities = noCommodity
	}
	links := sc.links[:0]
	for _, b := range buyers {
		for _, c := range commodities {
			links = append(links, supplychain.Link{Buyer: b, Supplier: p.ID, Commodity: c, Share: share})
		}
	}
	sc.links = links
	return p, links, nil
}

var (
	reportingOnly = []string{supplychain.Reporting}
	noCommodity   = []string{""}
)

// failField reports a model validation error at the column it names.
func failField(cr *csv.Reader, h *header, p supplychain.Party, err error) (supplychain.Party, []supplychain.Link, *RowError) {
	var fe *supplychain.FieldError
	errors.As(err, &fe)
	for i, name := range h.names {
		if fe != nil && (name == fe.Field || columnNames[name] == columnNames[fe.Field] && columnNames[fe.Field] != colNone) {
			e := cellError(cr, h, i, err)
			return p, nil, &e
		}
	}
	line, _ := cr.FieldPos(0)
	e := RowError{Line: line, Reason: err.Error()}
	if fe != nil {
		e.Field, e.Reason = fe.Field, fe.Reason
	}
	return p, nil, &e
}

// commonField reads a column both CSV formats share.
func (rn *run) commonField(p *supplychain.Party, c column, name, v string) error {
	switch c {
	case colName:
		p.Name = strings.TrimSpace(v)
		if p.Name == "" {
			return errors.New("is empty")
		}
	case colCountry:
		if v == "" {
			return errors.New("is empty; give an ISO 3166 code or an English country name")
		}
		a2, err := rn.country(v)
		if err != nil {
			return errors.New(countryMessage(err))
		}
		p.Country = a2
	case colCommodity:
		rn.commodities(p, splitList(v, ";"))
	case colAddress:
		p.Address = strings.TrimSpace(v)
	case colRegion:
		p.Region = v
	case colLat:
		f, err := parseCoordinate(v)
		if err != nil {
			return err
		}
		p.Lat = f
	case colLng:
		f, err := parseCoordinate(v)
		if err != nil {
			return err
		}
		p.Lng = f
	case colOSID:
		p.OSID = strings.ToUpper(v)
	case colLEI:
		p.LEI = strings.ToUpper(v)
	case colGLN:
		p.GLN = v
	case colWorkers:
		if v == "" {
			return nil
		}
		n, err := parseWorkers(v)
		if err != nil {
			return err
		}
		p.Workers = n
	default:
		if v != "" {
			if p.Attributes == nil {
				p.Attributes = map[string]string{}
			}
			p.Attributes[name] = v
		}
	}
	return nil
}

// commodities normalises names into p's known and unknown commodity lists.
func (rn *run) commodities(p *supplychain.Party, names []string) {
	for _, raw := range names {
		if rn.opts.Commodity != nil {
			if id, known := rn.commodity(raw); known {
				if !containsString(p.Commodities, id) {
					p.Commodities = append(p.Commodities, id)
				}
				continue
			}
		}
		if !containsString(p.UnknownCommodities, raw) {
			p.UnknownCommodities = append(p.UnknownCommodities, raw)
		}
	}
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// countryMessage takes the user-safe part of a normaliser's error.
func countryMessage(err error) string {
	var fe *supplychain.FieldError
	if errors.As(err, &fe) {
		return fe.Reason
	}
	msg := err.Error()
	return strings.TrimPrefix(msg, "country: ")
}

// parseShare reads a share written as a fraction (0.35) or a percentage
// (35%). A number above 1 without % is refused rather than guessed.
func parseShare(v string) (*float64, error) {
	if v == "" {
		return nil, nil
	}
	pct := strings.HasSuffix(v, "%")
	num := strings.TrimSpace(strings.TrimSuffix(v, "%"))
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || num == "" || strings.ContainsAny(num, "xXpPiInN") {
		return nil, fmt.Errorf("%q is not a number; write a fraction such as 0.35 or a percentage such as 35%%", v)
	}
	if pct {
		if f < 0 || f > 100 {
			return nil, fmt.Errorf("%s is outside 0%%..100%%", v)
		}
		f /= 100
	} else if f > 1 {
		return nil, fmt.Errorf("%s is above 1; write a fraction (0..1) or a percentage with %% (%s%%)", v, num)
	}
	if err := supplychain.CheckShare(f); err != nil {
		return nil, err
	}
	return &f, nil
}

func parseCoordinate(v string) (*float64, error) {
	if v == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || strings.ContainsAny(v, "xXpPiInN") {
		return nil, fmt.Errorf("%q is not a number in decimal degrees", v)
	}
	return &f, nil
}

var workersSeparators = strings.NewReplacer(",", "", " ", "", "_", "", "\u00a0", "")

// parseWorkers reads a head count, allowing thousands separators
// ("1,200", "1 200").
func parseWorkers(v string) (int, error) {
	clean := v
	if strings.ContainsAny(v, ", _\u00a0") {
		clean = workersSeparators.Replace(v)
	}
	n, err := strconv.Atoi(clean)
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number of workers", v)
	}
	if n < 0 {
		return 0, fmt.Errorf("%d is negative", n)
	}
	return n, nil
}

// bomSkipper drops a UTF-8 byte-order mark at the start of the input.
type bomSkipper struct {
	r       io.Reader
	checked bool
}

func (b *bomSkipper) Read(p []byte) (int, error) {
	if b.checked {
		return b.r.Read(p)
	}
	b.checked = true
	var head [3]byte
	n, err := io.ReadFull(b.r, head[:])
	if n == 3 && head == [3]byte{0xEF, 0xBB, 0xBF} {
		return b.r.Read(p)
	}
	b.r = io.MultiReader(strings.NewReader(string(head[:n])), b.r)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return 0, err
	}
	return b.r.Read(p)
}

func sortRowErrors(es []RowError) {
	slices.SortFunc(es, func(a, b RowError) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
}
