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

// seenRows are the party rows read so far, found by the key of their id
// (supplychain.RefKey): a map without pointers, whose keys are compared
// where they lie, where a map of references would follow a pointer to
// each one it compares, and which the collector need not scan.
type seenRows struct {
	at   map[[16]byte]int32
	rows []seenRow
}

func (s *seenRows) get(key [16]byte) (*seenRow, bool) {
	i, ok := s.at[key]
	if !ok {
		return nil, false
	}
	return &s.rows[i], true
}

func (s *seenRows) add(key [16]byte, r seenRow) {
	s.at[key] = int32(len(s.rows))
	s.rows = append(s.rows, r)
}

// rowScratch holds buffers reused from row to row.
type rowScratch struct {
	buyers []string
	links  []supplychain.Link
	// buyerKeys[i] is the key of links[i]'s buyer's id (zero for the
	// reporting organisation)
	buyerKeys [][16]byte
	key       [16]byte // of the row's own id
}

// pendingLink is a link whose buyer has not been read yet.
type pendingLink struct {
	link      supplychain.Link
	line, col int
}

// pendingBuyer is a buyer named before its row: its reference and the
// links waiting for it.
type pendingBuyer struct {
	ref   string
	links []pendingLink
}

// csvRow is one record of a supplier CSV as the parsing goroutine hands it
// to the reader: the party and its links, or why the row is bad, with the
// positions that messages about it need (the CSV reader has moved on by
// the time they are written).
type csvRow struct {
	readErr *RowError // the record itself could not be read; nothing else is set
	fatal   bool      // and reading cannot go on
	p       supplychain.Party
	key     [16]byte           // of p.ID, when p.Ref is set
	links   []supplychain.Link // in sc; Buyer is still the buyer's reference
	err     *RowError          // why the row is bad, nil for a good row
	sc      rowScratch
	line    int
	// where the id and buyer_id cells are, for a duplicate id and for a
	// buyer the file never names
	idLine, idCol, buyerLine, buyerCol int
	// km is how far the coordinates lie outside the country, when outside
	outside bool
	km      float64
}

// csvBatchRows is how many rows the parsing goroutine hands over at a
// time: enough that handing over costs nothing per row, few enough that
// the rows in flight stay in cache.
const csvBatchRows = 256

// parseSupplierRows reads every record of cr on its own goroutine and
// sends them in order, csvBatchRows at a time, to out, which it closes
// at the end of the file; it stops early when stop is closed. Parsing,
// normalising and hashing ids need nothing from earlier rows, so they run
// beside the reader's own work (ids seen, buyers, the sink). Used batches
// come back through free.
func (rn *run) parseSupplierRows(cr *csv.Reader, h *header, out chan<- []csvRow, free <-chan []csvRow, stop <-chan struct{}) {
	defer close(out)
	idIdx, hasID := h.index[colID]
	buyerIdx, hasBuyer := h.index[colBuyer]
	for {
		var batch []csvRow
		select {
		case <-stop:
			return
		case batch = <-free:
		default:
			batch = make([]csvRow, csvBatchRows)
		}
		n, end := 0, false
		for n < len(batch) && !end {
			r := &batch[n]
			sc := r.sc
			*r = csvRow{sc: sc}
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) {
				end = true
				break
			}
			n++
			if err != nil {
				e := rn.parseError(err)
				r.readErr = &e
				// A record that breaks the CSV syntax is a bad row and the
				// next one is read; any other error (the file itself
				// failing) would come again, and ends the import.
				var pe *csv.ParseError
				r.fatal = !errors.As(err, &pe)
				end = r.fatal
				continue
			}
			r.line, _ = cr.FieldPos(0)
			if hasID && idIdx < len(rec) {
				r.idLine, r.idCol = cr.FieldPos(idIdx)
			}
			if hasBuyer && buyerIdx < len(rec) {
				r.buyerLine, r.buyerCol = cr.FieldPos(buyerIdx)
			}
			r.p, r.links, r.err = rn.supplierRow(cr, h, rec, &r.sc)
			r.key = r.sc.key // of p.ID, when p.Ref is set
			if r.err == nil {
				r.km, r.outside = rn.placeOutside(&r.p)
				r.sc.buyerKeys = buyerKeys(r.sc.buyerKeys[:0], r.links)
			}
		}
		if n > 0 {
			select {
			case out <- batch[:n]:
			case <-stop:
				return
			}
		}
		if end {
			return
		}
	}
}

// buyerKeys appends the key of each link's buyer id, hashing each run of
// links to the same buyer once.
func buyerKeys(dst [][16]byte, links []supplychain.Link) [][16]byte {
	var last string
	var key [16]byte
	for k, l := range links {
		switch {
		case l.Buyer == supplychain.Reporting:
			dst = append(dst, [16]byte{})
			continue
		case k == 0 || l.Buyer != last:
			last, key = l.Buyer, supplychain.RefKey(l.Buyer)
		}
		dst = append(dst, key)
	}
	return dst
}

// upstreamCSV reads the Upstream supplier CSV (DESIGN.md, "Supplier CSV").
// Records are parsed on a goroutine of their own (parseSupplierRows); this
// one takes them in file order and does what depends on earlier rows.
func (rn *run) upstreamCSV(r io.Reader) error {
	cr := newCSVReader(r)
	h, err := rn.readHeader(cr, []column{colID, colName, colCountry}, "id, name, country")
	if err != nil {
		return err
	}
	rn.unique = true // duplicate ids are bad rows, so each party is sent once
	full := make(chan []csvRow, 4)
	free := make(chan []csvRow, 8)
	stop := make(chan struct{})
	go rn.parseSupplierRows(cr, h, full, free, stop)
	defer func() {
		// The parser must be done with the reader and the run before
		// they go back to the caller.
		close(stop)
		for range full {
		}
	}()
	idIdx := h.index[colID]
	seen := &seenRows{at: map[[16]byte]int32{}} // where each id was read, for duplicates and buyer references
	badIDs := map[string]int{}                  // ids of rows that were bad
	pending := map[[16]byte]*pendingBuyer{}     // buyers not read yet, and the links waiting for them
	for batch := range full {
		for k := range batch {
			if err := rn.supplierCSVRow(&batch[k], h, idIdx, seen, badIDs, pending); err != nil {
				return err
			}
		}
		select {
		case free <- batch[:cap(batch)]:
		default:
		}
	}
	// Links still waiting name a buyer the file never had (or had only as a
	// bad row); report them in file order.
	var waiting []RowError
	for _, pb := range pending {
		ref := pb.ref
		reason := fmt.Sprintf("buyer_id %q matches no id in this file", ref)
		if line, ok := badIDs[ref]; ok {
			reason = fmt.Sprintf("buyer_id %q names the row on line %d, which has errors", ref, line)
		}
		for _, pl := range pb.links {
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

// supplierCSVRow takes one parsed record: it checks the id against the
// rows before, sends the party and its links to the sink, and keeps links
// to buyers not read yet.
func (rn *run) supplierCSVRow(r *csvRow, h *header, idIdx int, seen *seenRows, badIDs map[string]int, pending map[[16]byte]*pendingBuyer) error {
	if r.readErr != nil {
		if r.fatal {
			return *r.readErr
		}
		return rn.bad(*r.readErr)
	}
	rn.res.Rows++
	if rn.res.Rows%4096 == 0 {
		if err := rn.checkCtx(); err != nil {
			return err
		}
	}
	p, line, rowErr := &r.p, r.line, r.err
	// The id is checked where its cell is: a row with a used id is
	// reported for it, whatever its later cells hold (Ref is set only once
	// the id cell was read without fault).
	if p.Ref != "" {
		if first, dup := seen.get(r.key); dup {
			rowErr = &RowError{Line: r.idLine, Column: r.idCol, Field: h.names[idIdx],
				Reason: fmt.Sprintf("id %q is used again (first on line %d)", p.Ref, first.line)}
		} else if rowErr != nil {
			badIDs[p.Ref] = line
		}
	}
	if rowErr != nil {
		return rn.bad(*rowErr)
	}
	rn.at(line)
	if r.outside {
		rn.warnPlace(p, line, r.km)
	}
	num, err := rn.numberedParty(*p)
	if err != nil {
		return err
	}
	seen.add(r.key, seenRow{line: line, id: p.ID, num: num})
	if len(pending) > 0 {
		if pb := pending[r.key]; pb != nil {
			for _, pl := range pb.links {
				rn.at(pl.line) // the row that named this buyer
				if err := rn.link(pl.link); err != nil {
					return err
				}
			}
			delete(pending, r.key)
			rn.at(line)
		}
	}
	// Links come grouped by buyer (one per commodity), so each buyer is
	// looked up once; a buyer read earlier in the file already has its id.
	var buyerRef, buyerID string
	var buyerNum int32
	var looked, known bool
	for k, l := range r.links {
		if l.Buyer == supplychain.Reporting {
			if err := rn.numberedLink(l, num, -1); err != nil {
				return err
			}
			continue
		}
		key := r.sc.buyerKeys[k]
		if !looked || l.Buyer != buyerRef {
			looked, buyerRef = true, l.Buyer
			if s, ok := seen.get(key); ok {
				buyerID, buyerNum, known = s.id, s.num, true
			} else {
				// A party of an earlier file has no number here.
				buyerID, buyerNum = supplychain.IDString(key), -2
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
		pb := pending[key]
		if pb == nil {
			pb = &pendingBuyer{ref: buyerRef}
			pending[key] = pb
		}
		pb.links = append(pb.links, pendingLink{link: l, line: r.buyerLine, col: r.buyerCol})
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
// error once the id cell was read, so the caller can remember bad ids. The links are in sc's buffer,
// valid until the next call, grouped by buyer.
func (rn *run) supplierRow(cr *csv.Reader, h *header, rec []string, sc *rowScratch) (supplychain.Party, []supplychain.Link, *RowError) {
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
			// An id used before is found by the reader, which knows the
			// rows before this one.
			// A copy of its own keeps the id, a key of seen, apart from the
			// row's text: short ids copied one after another lie close
			// together, so looking buyers up reads little memory, and the
			// row's text is not kept alive by the id.
			p.Ref = strings.Clone(p.Ref)
			sc.key = supplychain.RefKey(p.Ref)
			p.ID = supplychain.IDString(sc.key)
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
