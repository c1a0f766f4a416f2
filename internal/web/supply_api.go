package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/assessment"
	"github.com/upstream-platform/upstream/internal/ingest"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/risk"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// supplierJSON is one party of the register as the API gives it: the
// party, and its stored risk on the 0-100 scale. Scored is false for a
// party imported since the last recompute, whose scores are all zero and
// whose level is empty.
type supplierJSON struct {
	ID                 string   `json:"id"`
	Ref                string   `json:"ref"`
	Name               string   `json:"name"`
	Kind               string   `json:"kind"`
	Country            string   `json:"country"`
	Commodities        []string `json:"commodities"`
	UnknownCommodities []string `json:"unknown_commodities"`
	Tier               int      `json:"tier"`
	Inherent           float64  `json:"inherent"`
	Signals            float64  `json:"signals"`
	Own                float64  `json:"own"`
	Exposure           float64  `json:"exposure"`
	Level              string   `json:"level"`
	Scored             bool     `json:"scored"`
	// InferredCommodities are those of Commodities inferred from a sector,
	// a product type or the name, InferredFrom says from what; Confidence
	// (0..1) is the share of the own score resting on declared data and
	// evidence; Missing names what the score lacks.
	InferredCommodities []string `json:"inferred_commodities"`
	InferredFrom        string   `json:"inferred_from"`
	Confidence          float64  `json:"confidence"`
	Missing             []string `json:"missing"`
}

func supplierOf(p supplychain.Party, r supplychain.PartyRisk) supplierJSON {
	return supplierJSON{ID: p.ID, Ref: p.Ref, Name: p.Name, Kind: string(p.Kind), Country: p.Country,
		Commodities: nonNil(p.Commodities), UnknownCommodities: nonNil(p.UnknownCommodities),
		Tier: r.Tier, Inherent: r.Inherent, Signals: r.Signals, Own: r.Own, Exposure: r.Exposure,
		Level: r.Level, Scored: r.Level != "",
		InferredCommodities: nonNil(p.InferredCommodities), InferredFrom: p.InferredFrom, Confidence: r.Confidence, Missing: nonNil(r.Missing)}
}

// nonNil gives an empty list for nil, so that clients always read a JSON
// array and never null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// paramProblem is one bad query or form parameter and what is wrong with it.
type paramProblem struct {
	Param   string `json:"param"`
	Message string `json:"message"`
}

// failParams answers 400 naming every bad parameter.
func failParams(w http.ResponseWriter, r *http.Request, problems []paramProblem) {
	msgs := make([]string, len(problems))
	items := make([]problemItem, len(problems))
	for i, p := range problems {
		msgs[i] = p.Message
		items[i] = problemItem{Field: p.Param, Reason: p.Message}
	}
	err := kernel.Errorf(kernel.Invalid, "%s", strings.Join(msgs, "; "))
	writeProblem(w, r, http.StatusBadRequest, err, items)
}

// apiRegisterQuery reads the register's query as the page does, plus
// limit (or per_page, its older name) and cursor, which only the API
// offers: the page keeps its fixed length.
func apiRegisterQuery(r *http.Request) (registerQuery, listPage, []paramProblem) {
	rq := parseRegisterQuery(r.URL.Query())
	var problems []paramProblem
	for i, msg := range rq.Problems {
		problems = append(problems, paramProblem{Param: rq.BadParams[i], Message: msg})
	}
	lp, more := readListPage(r, registerPerPage, "per_page")
	problems = append(problems, more...)
	rq.PerPage = lp.Limit
	if lp.After == nil {
		lp.Offset = (rq.Page - 1) * rq.PerPage
	}
	return rq, lp, problems
}

// apiSuppliers lists the risk register: ?country=&commodity=&tier=&level=
// &q=&sort=&limit=&cursor= (or page= and per_page=).
func (s *supplyHandlers) apiSuppliers(w http.ResponseWriter, r *http.Request) {
	rq, lp, problems := apiRegisterQuery(r)
	if len(problems) > 0 {
		failParams(w, r, problems)
		return
	}
	entries, total, err := s.suppliers.Register(r.Context(), principalOf(r).User.OrgID, rq.filter(), rq.Sort, lp.store())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	entries, more := cutPage(entries, lp)
	out := make([]supplierJSON, len(entries))
	var last []string
	for i, e := range entries {
		out[i] = supplierOf(e.Party, e.Risk)
		// The API orders by the English names whatever the caller's
		// language, so that a cursor means one place in one order.
		last = supplychain.RegisterKey(e, rq.Sort, nil)
	}
	links := nextPageLinks(w, r, lp, more, last)
	writeJSON(w, http.StatusOK, supplierListJSON{Total: total, Page: rq.Page, PerPage: rq.PerPage, Suppliers: out, pageLinksJSON: links})
}

// supplierDetailJSON is one party with every stored field, the factors
// of its stored risk, and its suppliers and buyers.
type supplierDetailJSON struct {
	supplierJSON
	Region     string               `json:"region"`
	Address    string               `json:"address"`
	Lat        *float64             `json:"lat"`
	Lng        *float64             `json:"lng"`
	OSID       string               `json:"os_id"`
	LEI        string               `json:"lei"`
	GLN        string               `json:"gln"`
	Workers    int                  `json:"workers"`
	Attributes map[string]string    `json:"attributes"`
	Factors    []supplychain.Factor `json:"factors"`
	Suppliers  []partyLinkJSON      `json:"suppliers"`
	Buyers     []partyLinkJSON      `json:"buyers"`
	// SuppliersTotal and BuyersTotal count every link; the lists stop at
	// maxAPILinks each.
	SuppliersTotal int `json:"suppliers_total"`
	BuyersTotal    int `json:"buyers_total"`
}

// partyLinkJSON is a supplier or buyer of a party: the other party, what
// flows and its share (0..1) of the buyer's volume when known. The
// reporting organisation, buyer of tier 1 suppliers, has no party id and
// Reporting set.
type partyLinkJSON struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Country   string   `json:"country"`
	Commodity string   `json:"commodity"`
	Share     *float64 `json:"share"`
	Reporting bool     `json:"reporting,omitempty"`
}

// maxAPILinks bounds the suppliers and the buyers listed with one party:
// each costs a read to name it, and a trader may buy from thousands.
const maxAPILinks = kernel.MaxPageLimit

// apiSupplier answers one party of the caller's organisation; another
// organisation's party is not found, as an unknown one is.
func (s *supplyHandlers) apiSupplier(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	pr := principalOf(r)
	org := pr.User.OrgID
	v, err := s.readParty(ctx, org, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, rk, supLinks, buyLinks := v.Party, v.Risk, v.Suppliers, v.Buyers
	names := map[string]supplychain.Party{}
	suppliers, err := s.linkParties(ctx, org, supLinks, true, names, pr.Org.Name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	buyers, err := s.linkParties(ctx, org, buyLinks, false, names, pr.Org.Name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	attrs := p.Attributes
	if attrs == nil {
		attrs = map[string]string{}
	}
	writeJSON(w, http.StatusOK, supplierDetailJSON{
		supplierJSON: supplierOf(p, rk),
		Region:       p.Region, Address: p.Address, Lat: p.Lat, Lng: p.Lng,
		OSID: p.OSID, LEI: p.LEI, GLN: p.GLN, Workers: p.Workers, Attributes: attrs,
		Factors:   nonNil(rk.Factors),
		Suppliers: suppliers, Buyers: buyers, SuppliersTotal: len(supLinks), BuyersTotal: len(buyLinks),
	})
}

// linkParties lists the other party of each link, up to maxAPILinks, for
// the API.
func (s *supplyHandlers) linkParties(ctx context.Context, orgID string, links []supplychain.Link, supplierSide bool,
	names map[string]supplychain.Party, orgName string) ([]partyLinkJSON, error) {
	others, err := s.linkedParties(ctx, orgID, links, supplierSide, maxAPILinks, names)
	if err != nil {
		return nil, err
	}
	out := make([]partyLinkJSON, len(others))
	for i, o := range others {
		v := partyLinkJSON{ID: o.ID, Commodity: o.Link.Commodity, Share: o.Link.Share}
		if o.Reporting {
			v.Name, v.Reporting = orgName, true
		} else {
			v.Name, v.Country = o.Party.Name, o.Party.Country
		}
		out[i] = v
	}
	return out, nil
}

// importCounts are the counts of an import, of one file or in total.
type importCounts struct {
	Rows         int `json:"rows"`
	Parties      int `json:"parties"`
	Links        int `json:"links"`
	Audits       int `json:"audits"`
	Skipped      int `json:"skipped"`
	UnusedEvents int `json:"unused_events"`
	ErrorCount   int `json:"error_count"`
}

func countsOf(r ingest.Result) importCounts {
	return importCounts{Rows: r.Rows, Parties: r.Parties, Links: r.Links, Audits: r.Audits, Skipped: r.Skipped,
		UnusedEvents: r.UnusedEvents, ErrorCount: max(r.ErrorCount, len(r.Errors))}
}

// importFileJSON is what an import read of one file; warnings are things
// read but not used, such as EPCIS events that name no party.
type importFileJSON struct {
	Name   string `json:"name"`
	Format string `json:"format"`
	importCounts
	Warnings []rowErrorJSON `json:"warnings"`
}

// rowErrorJSON is one bad row (or a row read but not used): where it is
// and why.
type rowErrorJSON struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

func rowErrorsJSON(es []ingest.RowError) []rowErrorJSON {
	out := make([]rowErrorJSON, len(es))
	for i, e := range es {
		out[i] = rowErrorJSON{File: e.File, Line: e.Line, Column: e.Column, Field: e.Field, Reason: e.Reason}
	}
	return out
}

// importJSON is the answer to an upload: per file and in total, every
// row error kept (the importer keeps up to 100 per file; error_count
// counts them all) and, after a stored import, the organisation's
// parties (all of them, and by level) after the recompute.
type importJSON struct {
	Files   []importFileJSON `json:"files"`
	Total   importCounts     `json:"total"`
	Errors  []rowErrorJSON   `json:"errors"`
	Levels  map[string]int   `json:"levels,omitempty"`
	Parties *int             `json:"parties,omitempty"`
}

func importResult(sum assessment.Summary) importJSON {
	out := importJSON{Files: make([]importFileJSON, len(sum.Files)), Total: countsOf(sum.Total), Errors: []rowErrorJSON{}}
	// The total's error count is the files' sum, counted as each file's
	// is, so that it agrees with the files listed.
	out.Total.ErrorCount = 0
	for i, f := range sum.Files {
		out.Files[i] = importFileJSON{Name: f.Name, Format: string(f.Format), importCounts: countsOf(f.Result),
			Warnings: rowErrorsJSON(f.Warnings)}
		out.Errors = append(out.Errors, rowErrorsJSON(f.Errors)...)
		out.Total.ErrorCount += out.Files[i].ErrorCount
	}
	if sum.Levels != nil {
		out.Levels = map[string]int{}
		for _, l := range levels {
			out.Levels[l] = sum.Levels[risk.Level(l)]
		}
		n := sum.Levels[""]
		out.Parties = &n
	}
	return out
}

// formFlag reads a true/false form field: empty is false, and "on" (what
// a checkbox sends) is true.
func formFlag(v string) (bool, error) {
	switch v {
	case "":
		return false, nil
	case "on":
		return true, nil
	}
	return strconv.ParseBool(v)
}

// apiSupplierImport takes the import page's upload (multipart, files in
// "files", skip_bad_rows=true to skip bad rows), stores it and recomputes
// the organisation's risk. Bad rows without skip_bad_rows store nothing
// and answer 422 with every row error.
func (s *supplyHandlers) apiSupplierImport(w http.ResponseWriter, r *http.Request) {
	s.apiImport(w, r, "")
}

// apiAuditImport stores audit and certification files (the audit CSV
// only), each audit on the stored supplier it names, and recomputes risk;
// it answers as the supplier import does.
func (s *supplyHandlers) apiAuditImport(w http.ResponseWriter, r *http.Request) {
	s.apiImport(w, r, ingest.FormatAudits)
}

// apiImport imports the uploaded files, in format when it is set, else
// in the format each one's content shows.
func (s *supplyHandlers) apiImport(w http.ResponseWriter, r *http.Request, format ingest.Format) {
	if wantsAsync(r) {
		what := "supplier files"
		if format == ingest.FormatAudits {
			what = "audit files"
		}
		s.startJob(w, r, "import", "importing the files and recomputing risk", map[string]string{"import": what},
			func(w http.ResponseWriter, r *http.Request) { s.apiImport(w, r, format) })
		return
	}
	form, files, status, err := readUpload(w, r)
	if err != nil {
		// Not s.fail: a refused upload may be 413, which no error
		// category maps to.
		writeProblem(w, r, status, err, nil)
		return
	}
	defer form.RemoveAll()
	v := r.PostForm.Get("skip_bad_rows")
	skip, err := formFlag(v)
	if err != nil {
		failParams(w, r, []paramProblem{{"skip_bad_rows", "skip_bad_rows " + strconv.Quote(v) + " is not true or false"}})
		return
	}
	for i := range files {
		files[i].Format = format
	}
	org := principalOf(r).User.OrgID
	sum, err := s.imports.ImportAndRecompute(r.Context(), org, files, skip)
	s.aggregates.forget(org)
	res := importResult(sum)
	err = ingest.SkipHint(err, "send skip_bad_rows=true to import the good rows")
	if err != nil {
		if kernel.ErrorCode(err) != kernel.Invalid {
			s.fail(w, r, err)
			return
		}
		// The request was well formed but its content was refused:
		// nothing was stored, and the row errors say what to fix.
		items := make([]problemItem, len(res.Errors))
		for i, e := range res.Errors {
			items[i] = problemItem{Field: e.Field, Reason: e.Reason, File: e.File, Line: e.Line, Column: e.Column}
		}
		extra := map[string]any{"files": res.Files, "total": res.Total}
		writeProblem(w, r, http.StatusUnprocessableEntity, err, items, extra)
		return
	}
	writeJSON(w, http.StatusOK, res)
}
