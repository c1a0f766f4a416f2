package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/upstream-platform/upstream/internal/commodity"
	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/supplychain"
)

// registerRow is one row of the register as shown.
type registerRow struct {
	ID, Name                    string
	Country                     string // the ISO 3166 code: the page names it in its language
	Commodities                 []string
	Tier                        int
	Exposure, Inherent, Signals string
	Level                       string
	HasRisk                     bool
	Width                       int // exposure bar width, 0..100
}

func rowOf(p supplychain.Party, r supplychain.PartyRisk, hasRisk bool) registerRow {
	row := registerRow{ID: p.ID, Name: p.Name, Country: p.Country, HasRisk: hasRisk}
	for _, c := range p.Commodities {
		row.Commodities = append(row.Commodities, c)
	}
	row.Commodities = append(row.Commodities, p.UnknownCommodities...)
	if hasRisk {
		row.Tier, row.Level = r.Tier, r.Level
		row.Exposure, row.Inherent, row.Signals = score(r.Exposure), score(r.Inherent), score(r.Signals)
		row.Width = int(min(max(r.Exposure, 0), 100) + 0.5)
	}
	return row
}

// registerPage reads one page of the register for rq. A name search
// narrows it like any other filter; it also finds parties imported since
// the last recompute, which are shown without a score.
func (s *supplyHandlers) registerPage(ctx context.Context, orgID string, rq registerQuery, page kernel.Page) ([]registerRow, int, error) {
	entries, total, err := s.suppliers.Register(ctx, orgID, rq.filter(), rq.Sort, page)
	if err != nil {
		return nil, 0, err
	}
	rows := make([]registerRow, len(entries))
	for i, e := range entries {
		rows[i] = rowOf(e.Party, e.Risk, e.Risk.Level != "")
	}
	return rows, total, nil
}

// filter is the store's filter for rq, the name search included.
func (rq registerQuery) filter() supplychain.RegisterFilter {
	f := rq.Filter
	f.Search = rq.Name
	f.Names = rq.Names
	return f
}

// option is one choice of a select control.
type option struct {
	Value, Label string
	Selected     bool
}

// countryOptions are every country, named in the page's language and in
// the order a reader of that language looks for them ("Alemania" under
// A in Spanish, not under G), after a first choice named first.
func countryOptions(loc *locale, first, selected string) []option {
	all := country.All()
	out := make([]option, 0, len(all)+1)
	for _, c := range all {
		out = append(out, option{c.Alpha2, loc.country(c.Alpha2), c.Alpha2 == selected})
	}
	loc.sortByLabel(out)
	return append([]option{{"", loc.tr(first), selected == ""}}, out...)
}

func commodityOptions(loc *locale, selected string) []option {
	all := commodity.All()
	out := make([]option, 0, len(all)+1)
	out = append(out, option{"", loc.tr("Any commodity"), selected == ""})
	for _, c := range all {
		out = append(out, option{c.ID, loc.commodity(c.ID), c.ID == selected})
	}
	// Listed in the reader's alphabetical order, after "Any commodity".
	loc.sortByLabel(out[1:])
	return out
}

func levelOptions(loc *locale, selected string) []option {
	out := []option{{"", loc.tr("Any level"), selected == ""}}
	for i := len(levels) - 1; i >= 0; i-- {
		l := levels[i]
		out = append(out, option{l, capitalised(loc.label(l)), l == selected})
	}
	return out
}

// capitalised is s with its first letter in upper case, for a word that
// starts a list entry.
func capitalised(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

func tierOptions(loc *locale, selected int) []option {
	out := []option{{"", loc.tr("Any tier"), selected == 0}}
	for t := 1; t <= 5; t++ {
		out = append(out, option{strconv.Itoa(t), loc.tr("Tier %v", t), t == selected})
	}
	if selected > 5 {
		out = append(out, option{strconv.Itoa(selected), loc.tr("Tier %v", selected), true})
	}
	return out
}

func (s *supplyHandlers) supplierRegister(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	loc := s.localeOf(r)
	rq := parseRegisterQuery(r.URL.Query())
	rq.Names = loc.names() // a Spanish page lists Alemania before Suiza
	page := kernel.Page{Limit: rq.PerPage, Offset: (rq.Page - 1) * rq.PerPage}
	rows, total, err := s.registerPage(r.Context(), p.User.OrgID, rq, page)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pages := (total + rq.PerPage - 1) / rq.PerPage
	data := map[string]any{
		"Rows": rows, "Total": total, "Query": rq, "Problems": rq.Problems,
		"Page": rq.Page, "Pages": max(pages, 1),
		"Countries": countryOptions(loc, translatable("Any country"), rq.Filter.Country), "Commodities": commodityOptions(loc, rq.Filter.Commodity),
		"Levels": levelOptions(loc, rq.Filter.Level), "Tiers": tierOptions(loc, rq.Filter.Tier),
		"Export":   "/suppliers/export.csv" + rq.values(func(v url.Values) { v.Del("page") }),
		"SortBy":   sortLinks(rq),
		"Sorted":   string(sortedBy(rq.Sort)),
		"SortedBy": loc.tr(registerSortWords[sortedBy(rq.Sort)]),
		"Orders":   sortOptions(loc, rq.Sort),
		"From":     page.Offset + 1, "To": page.Offset + len(rows),
	}
	if len(rows) == 0 && total > 0 {
		// A page past the end (an old link, a typed number) says so and
		// leads to the last page, rather than counting rows that are not
		// there.
		data["PastEnd"] = true
		data["Last"] = "/suppliers" + rq.values(func(v url.Values) { setPage(v, max(pages, 1)) })
	}
	if rq.Page > 1 && rq.Page <= pages {
		data["Prev"] = "/suppliers" + rq.values(func(v url.Values) { setPage(v, rq.Page-1) })
	}
	if rq.Page < pages {
		data["Next"] = "/suppliers" + rq.values(func(v url.Values) { setPage(v, rq.Page+1) })
	}
	if rq.Filter.Country != "" {
		data["CountryName"] = loc.country(rq.Filter.Country)
	}
	s.render(w, r, http.StatusOK, "supply_register.html", data)
}

func setPage(v url.Values, n int) {
	if n <= 1 {
		v.Del("page")
		return
	}
	v.Set("page", strconv.Itoa(n))
}

// maxExportRows bounds one CSV export; filter the register to export a
// part of a larger one.
const maxExportRows = 200_000

// exportColumns are the CSV export's columns, in order; they follow the
// risk register of the assess command.
var exportColumns = []string{"id", "ref", "name", "country", "commodities", "tier", "inherent", "signals", "exposure", "level", "os_id", "lei", "gln"}

// supplierExport streams the filtered register as CSV, one page of the
// store at a time, so memory stays flat however large the register.
func (s *supplyHandlers) supplierExport(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	rq := parseRegisterQuery(r.URL.Query())
	rq.Names = s.localeOf(r).names() // the rows in the order of the page that links here
	if len(rq.Problems) > 0 {
		s.fail(w, r, kernel.Errorf(kernel.Invalid, "%s", strings.Join(rq.Problems, "; ")))
		return
	}
	ctx := r.Context()
	page := kernel.Page{Limit: kernel.MaxPageLimit}
	// Read the first page before answering, so a store error is still a
	// proper error page rather than a cut-off file.
	first, err := s.exportPage(ctx, p.User.OrgID, rq, page)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="supplier-register.csv"`)
	h.Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	cw.Write(exportColumns)
	flusher, _ := w.(http.Flusher)
	written := 0
	for {
		for _, e := range first {
			rec := []string{e.Party.ID, e.Party.Ref, e.Party.Name, e.Party.Country, strings.Join(e.Party.Commodities, ";")}
			if e.Risk.Level != "" {
				rec = append(rec, strconv.Itoa(e.Risk.Tier), score(e.Risk.Inherent), score(e.Risk.Signals), score(e.Risk.Exposure), e.Risk.Level)
			} else {
				rec = append(rec, "", "", "", "", "")
			}
			rec = append(rec, e.Party.OSID, e.Party.LEI, e.Party.GLN)
			cw.Write(csvSafe(rec))
		}
		written += len(first)
		cw.Flush()
		if flusher != nil {
			flusher.Flush()
		}
		if len(first) < page.Limit || written >= maxExportRows || ctx.Err() != nil {
			return
		}
		page.Offset += page.Limit
		first, err = s.exportPage(ctx, p.User.OrgID, rq, page)
		if err != nil {
			// Headers are gone: log it and end the file short.
			s.log.Error("export", "id", requestID(r), "err", err)
			return
		}
	}
}

// exportPage reads one page for the export.
func (s *supplyHandlers) exportPage(ctx context.Context, orgID string, rq registerQuery, page kernel.Page) ([]supplychain.RegisterEntry, error) {
	entries, _, err := s.suppliers.Register(ctx, orgID, rq.filter(), rq.Sort, page)
	return entries, err
}

// csvSafe keeps spreadsheet programs from running a cell as a formula
// (see kernel.SpreadsheetCell).
func csvSafe(rec []string) []string {
	for i, v := range rec {
		rec[i] = kernel.SpreadsheetCell(v)
	}
	return rec
}

// sortOptions are the register's orders for the form's "Order by" list,
// each also reversed, the current one chosen, so that filtering keeps the
// order a column heading set.
func sortOptions(loc *locale, current supplychain.RegisterSort) []option {
	cur, rev := current.Base()
	out := make([]option, 0, 2*len(supplychain.RegisterSorts))
	for _, by := range supplychain.RegisterSorts {
		for _, o := range []supplychain.RegisterSort{by, by.Reverse()} {
			_, r := o.Base()
			out = append(out, option{string(o), loc.tr(registerSortOptions[o]), by == cur && r == rev})
		}
	}
	return out
}

// registerSortWords say how the register is ordered, for its caption, and
// registerSortOptions name each order in the form's list.
var (
	registerSortWords = map[supplychain.RegisterSort]string{
		supplychain.SortExposure:              translatable("by exposure, highest first"),
		supplychain.SortExposure.Reverse():    translatable("by exposure, lowest first"),
		supplychain.SortName:                  translatable("by name"),
		supplychain.SortName.Reverse():        translatable("by name, Z to A"),
		supplychain.SortCountry:               translatable("by country, then name"),
		supplychain.SortCountry.Reverse():     translatable("by country from Z to A, then name from Z to A"),
		supplychain.SortCommodities:           translatable("by first commodity, then name"),
		supplychain.SortCommodities.Reverse(): translatable("by first commodity from Z to A, then name from Z to A"),
		supplychain.SortTier:                  translatable("by tier, nearest first"),
		supplychain.SortTier.Reverse():        translatable("by tier, furthest first"),
		supplychain.SortInherent:              translatable("by inherent risk, highest first"),
		supplychain.SortInherent.Reverse():    translatable("by inherent risk, lowest first"),
		supplychain.SortSignals:               translatable("by signals, highest first"),
		supplychain.SortSignals.Reverse():     translatable("by signals, lowest first"),
		supplychain.SortLevel:                 translatable("by level, most severe first"),
		supplychain.SortLevel.Reverse():       translatable("by level, least severe first"),
	}
	registerSortOptions = map[supplychain.RegisterSort]string{
		supplychain.SortExposure:              translatable("Exposure, highest first"),
		supplychain.SortExposure.Reverse():    translatable("Exposure, lowest first"),
		supplychain.SortName:                  translatable("Name, A to Z"),
		supplychain.SortName.Reverse():        translatable("Name, Z to A"),
		supplychain.SortCountry:               translatable("Country, A to Z"),
		supplychain.SortCountry.Reverse():     translatable("Country, Z to A"),
		supplychain.SortCommodities:           translatable("Commodities, A to Z"),
		supplychain.SortCommodities.Reverse(): translatable("Commodities, Z to A"),
		supplychain.SortTier:                  translatable("Tier, nearest first"),
		supplychain.SortTier.Reverse():        translatable("Tier, furthest first"),
		supplychain.SortInherent:              translatable("Inherent risk, highest first"),
		supplychain.SortInherent.Reverse():    translatable("Inherent risk, lowest first"),
		supplychain.SortSignals:               translatable("Signals, highest first"),
		supplychain.SortSignals.Reverse():     translatable("Signals, lowest first"),
		supplychain.SortLevel:                 translatable("Level, most severe first"),
		supplychain.SortLevel.Reverse():       translatable("Level, least severe first"),
	}
)

// sortedBy is the register's current order: the default when none is
// chosen.
func sortedBy(s supplychain.RegisterSort) supplychain.RegisterSort {
	if s == "" {
		return supplychain.SortExposure
	}
	return s
}

// sortLinks gives, for each column's order of the register, the link that
// shows the same filters in that order from the first page, or in the
// reverse order when the register is already in that order: the column
// headings are links, so sorting either way works without script.
func sortLinks(rq registerQuery) map[string]string {
	links := map[string]string{}
	for _, by := range supplychain.RegisterSorts {
		next := by
		if sortedBy(rq.Sort) == by {
			next = by.Reverse()
		}
		links[string(by)] = "/suppliers" + rq.values(func(v url.Values) {
			v.Del("page")
			if next == supplychain.SortExposure {
				v.Del("sort")
			} else {
				v.Set("sort", string(next))
			}
		})
	}
	return links
}
