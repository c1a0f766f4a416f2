package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// The data-entry grid: one indicator's figures by place and period, typed
// into a plain form that works without script. Saving sends every cell
// with the figure it showed; only cells whose text changed are saved, and
// the figure shown is what a concurrent change is detected against. A
// mistake keeps everything typed and says, at the cell and above the
// grid, which place and period it is in and what to do.

// entryNewRows is how many empty rows the grid offers for new places.
const entryNewRows = 3

// maxEntryRows bounds the rows a posted grid may have.
const maxEntryRows = 2000

var periodTypeLabels = map[impact.PeriodType]string{
	impact.Yearly:     translatable("Years"),
	impact.SixMonthly: translatable("Half years"),
	impact.Quarterly:  translatable("Quarters"),
	impact.Monthly:    translatable("Months"),
}

// periodLabel names a period for people: "Q1 2026", "March 2026".
func (l *locale) periodLabel(p impact.Period) string {
	year := strconv.Itoa(p.Start.Year()) // a year, not a quantity: never "2,026"
	switch p.Type {
	case impact.Quarterly:
		return l.tr("Q%v %v", strconv.Itoa(int(p.Start.Month()-1)/3+1), year)
	case impact.SixMonthly:
		return l.tr("H%v %v", strconv.Itoa(int(p.Start.Month()-1)/6+1), year)
	case impact.Monthly:
		return l.months[p.Start.Month()-1] + " " + year
	case impact.Yearly:
		return year
	}
	return p.Code
}

// decimalSeparator is the locale's decimal mark, "." or ",".
func (l *locale) decimalSeparator() string {
	if strings.Contains(l.num(1.5), ",") {
		return ","
	}
	return "."
}

// figureText shows a stored figure in a cell exactly, with the locale's
// decimal mark and no grouping, so that it reads back as the same number.
func (l *locale) figureText(v float64) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", l.decimalSeparator(), 1)
}

// parseFigure reads a number typed into a cell: spaces and apostrophes
// are ignored, and the locale's own decimal mark is read as such. The other
// mark is read as people type it: as thousands grouping when it groups
// whole digits in threes ("1.200" on a Spanish page, "1,200" on an English
// one), and as the decimal mark when it appears once and cannot be grouping
// ("1.5" on a Spanish page, "2,75" on an English one), so that a figure is
// never silently read a thousand times too small or too large.
func (l *locale) parseFigure(text string) (float64, bool) {
	s := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\'' || r == '’' {
			return -1
		}
		return r
	}, text)
	dec, other := l.decimalSeparator(), ","
	if dec == "," {
		other = "."
	}
	whole, frac, hasDec := s, "", false
	if i := strings.LastIndex(s, dec); i >= 0 {
		whole, frac, hasDec = s[:i], s[i+1:], true
	}
	switch {
	case !strings.Contains(whole, other):
	case groupedInThrees(whole, other):
		whole = strings.ReplaceAll(whole, other, "")
	case !hasDec && strings.Count(whole, other) == 1:
		whole, frac, hasDec = strings.Cut(whole, other)
	default:
		return 0, false
	}
	if hasDec {
		if frac == "" || strings.Trim(frac, "0123456789") != "" {
			return 0, false
		}
		whole += "." + frac
	}
	v, err := strconv.ParseFloat(whole, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// groupedInThrees reports whether s, after an optional sign, is digits
// grouped by mark as thousands are: a first group of one to three digits
// that does not start with a zero, then groups of exactly three.
func groupedInThrees(s, mark string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	groups := strings.Split(s, mark)
	if len(groups) < 2 || len(groups[0]) < 1 || len(groups[0]) > 3 || groups[0][0] == '0' {
		return false
	}
	for i, g := range groups {
		if strings.Trim(g, "0123456789") != "" || (i > 0 && len(g) != 3) {
			return false
		}
	}
	return true
}

type entryChoice struct {
	ID, Label string
	Selected  bool
}

type entryColumn struct {
	Label, Locked string
}

type entryRow struct {
	Index       int
	Place       string // "" for the whole programme
	Label       string
	New         bool
	NameError   string
	Cells       []entryCell
	NameErrorID string
}

type entryCell struct {
	ID, Label, DenLabel     string
	Value, Was, Den, WasDen string
	Error                   string
	Locked                  bool
}

type entryProblem struct{ Href, Text string }

// entryQuery is the grid a page shows: which indicator, period length and
// year.
type entryQuery struct {
	ind  impact.Indicator
	typ  impact.PeriodType
	year int
}

func (s *impactHandlers) entryQueryOf(r *http.Request, prog *impact.Programme, all []impact.Observation) (entryQuery, error) {
	v := func(k string) string {
		if r.Method == http.MethodPost {
			return strings.TrimSpace(r.PostFormValue(k))
		}
		return strings.TrimSpace(r.URL.Query().Get(k))
	}
	inds := prog.Model.Indicators
	if len(inds) == 0 {
		return entryQuery{}, failure(kernel.Invalid, "this programme has no indicators yet: add one before entering figures")
	}
	q := entryQuery{ind: inds[0]}
	if code := v("indicator"); code != "" {
		i := slices.IndexFunc(inds, func(ind impact.Indicator) bool { return ind.Code == code })
		if i < 0 {
			return entryQuery{}, kernel.Errorf(kernel.NotFound, "indicator %q is not in this programme", code)
		}
		q.ind = inds[i]
	}
	q.typ, q.year = impact.Quarterly, s.clock.Now().UTC().Year()
	if t, y, ok := impact.LatestPeriod(q.ind, all); ok {
		q.typ, q.year = t, y
	}
	if t := v("type"); t != "" {
		if !slices.Contains(impact.GridPeriodTypes, impact.PeriodType(t)) {
			return entryQuery{}, failure(kernel.Invalid, "period length %q: choose years, half years, quarters or months", t)
		}
		q.typ = impact.PeriodType(t)
	}
	if y := v("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 1900 || n > 2200 {
			return entryQuery{}, failure(kernel.Invalid, "year %q: enter a year such as 2026", y)
		}
		q.year = n
	}
	return q, nil
}

func (q entryQuery) url(programmeID string) string {
	v := url.Values{"indicator": {q.ind.Code}, "type": {string(q.typ)}, "year": {strconv.Itoa(q.year)}}
	return "/impact/programmes/" + programmeID + "/entry?" + v.Encode()
}

func needsDenominator(ind impact.Indicator) bool {
	return ind.Aggregation == impact.Average || ind.Aggregation == impact.Ratio
}

func (s *impactHandlers) impactEntryPage(w http.ResponseWriter, r *http.Request) {
	s.renderEntry(w, r, http.StatusOK, nil, "")
}

// entryGrid reads the programme and lays out the grid the request asks
// for, with the figures as stored now.
func (s *impactHandlers) entryGrid(r *http.Request) (*impact.Programme, entryQuery, impact.PlaceGrid, error) {
	org := principalOf(r).User.OrgID
	prog, err := s.impact.Programme(r.Context(), org, r.PathValue("id"))
	if err != nil {
		return nil, entryQuery{}, impact.PlaceGrid{}, err
	}
	all, err := s.impact.Observations(r.Context(), org, prog.ID, "")
	if err != nil {
		return nil, entryQuery{}, impact.PlaceGrid{}, err
	}
	q, err := s.entryQueryOf(r, prog, all)
	if err != nil {
		return nil, entryQuery{}, impact.PlaceGrid{}, err
	}
	g, err := impact.NewPlaceGrid(q.ind, prog.Dimensions, all, q.typ, q.year)
	return prog, q, g, err
}

// renderEntry shows the grid. posted, when not nil, holds the rows as the
// person sent them, with their mistakes; problem is a message above the
// grid.
func (s *impactHandlers) renderEntry(w http.ResponseWriter, r *http.Request, status int, posted []entryRow, problem string) {
	l := s.localeOf(r)
	prog, q, g, err := s.entryGrid(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cols := make([]entryColumn, len(g.Periods))
	for i, per := range g.Periods {
		cols[i].Label = l.periodLabel(per)
		if lock, ok := g.Locked[per.Code]; ok {
			if len(lock.Breakdown) > 0 {
				cols[i].Locked = l.tr("Given by %v: change these figures with a file.", words(strings.Join(lock.Breakdown, " and ")))
			} else {
				cols[i].Locked = l.tr("Figures are stored for %v, which covers this period.", l.periodLabel(lock.Overlapping))
			}
		}
	}
	rows := posted
	if rows == nil {
		rows = s.entryRows(l, g, cols)
	}
	var problems []entryProblem
	for _, row := range rows {
		if row.NameError != "" {
			problems = append(problems, entryProblem{"#" + row.NameErrorID, row.NameError})
		}
		for _, c := range row.Cells {
			if c.Error != "" {
				problems = append(problems, entryProblem{"#" + c.ID, c.Error})
			}
		}
	}
	var indicators, types []entryChoice
	for _, ind := range prog.Model.Indicators {
		indicators = append(indicators, entryChoice{ind.Code, ind.Name, ind.Code == q.ind.Code})
	}
	for _, t := range impact.GridPeriodTypes {
		types = append(types, entryChoice{string(t), l.tr(periodTypeLabels[t]), t == q.typ})
	}
	data := map[string]any{"Programme": prog, "Name": prog.Model.Programme, "Indicator": q.ind, "Indicators": indicators, "Types": types,
		"Type": string(q.typ), "Year": strconv.Itoa(q.year), "Columns": cols, "Rows": rows, "Problems": problems, "Problem": problem,
		"Denominator": needsDenominator(q.ind), "NewPlaces": g.HasPlaces && !g.FixedPlaces, "HasPlaces": g.HasPlaces,
		"PrevYear": entryQuery{q.ind, q.typ, q.year - 1}.url(prog.ID), "NextYear": entryQuery{q.ind, q.typ, q.year + 1}.url(prog.ID)}
	s.render(w, r, status, "impact_entry.html", data)
}

// entryRows lays out the stored figures as the form's rows.
func (s *impactHandlers) entryRows(l *locale, g impact.PlaceGrid, cols []entryColumn) []entryRow {
	var rows []entryRow
	add := func(place string, isNew bool) {
		i := len(rows)
		row := entryRow{Index: i, Place: place, New: isNew, Label: placeLabel(l, place, isNew, i)}
		for j, per := range g.Periods {
			c := entryCell{ID: fmt.Sprintf("c-%d-%d", i, j), Label: l.tr("%v, %v", row.Label, cols[j].Label), Locked: cols[j].Locked != ""}
			c.DenLabel = l.tr("%v, %v, denominator", row.Label, cols[j].Label)
			if o, ok := g.Cells[impact.GridKey{Place: place, Period: per.Code}]; ok {
				c.Value, c.Was = l.figureText(o.Value), l.figureText(o.Value)
				if o.Denominator != nil {
					c.Den, c.WasDen = l.figureText(*o.Denominator), l.figureText(*o.Denominator)
				}
			}
			row.Cells = append(row.Cells, c)
		}
		rows = append(rows, row)
	}
	for _, place := range g.Places {
		add(place, false)
	}
	if g.HasPlaces && !g.FixedPlaces {
		for range entryNewRows {
			add("", true)
		}
	}
	return rows
}

func placeLabel(l *locale, place string, isNew bool, i int) string {
	switch {
	case isNew && place == "":
		return l.tr("New place (row %v)", i+1)
	case place == "":
		return l.tr("Whole programme")
	}
	return place
}

// impactEntrySubmit saves the cells whose text changed, all or none.
func (s *impactHandlers) impactEntrySubmit(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	l := s.localeOf(r)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, kernel.Errorf(kernel.Invalid, "the grid could not be read: %v", err))
		return
	}
	prog, q, g, err := s.entryGrid(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	den := needsDenominator(q.ind)
	var rows []entryRow
	var was, put []impact.Observation
	bad := false
	known := map[string]int{} // place → row, to refuse a place given twice
	for i := 0; i < maxEntryRows; i++ {
		key := "place." + strconv.Itoa(i)
		if _, ok := r.PostForm[key]; !ok {
			break
		}
		place := strings.TrimSpace(r.PostForm.Get(key))
		isNew := r.PostForm.Get("new."+strconv.Itoa(i)) != ""
		row := entryRow{Index: i, Place: place, New: isNew, NameErrorID: fmt.Sprintf("place-%d", i)}
		row.Label = placeLabel(l, place, isNew, i)
		switch {
		case i == 0 && (place != "" || isNew):
			s.fail(w, r, kernel.Errorf(kernel.Invalid, "the grid's first row is the whole programme"))
			return
		case i > 0 && place == "" && !isNew:
			s.fail(w, r, kernel.Errorf(kernel.Invalid, "row %d has no place", i+1))
			return
		case i > 0 && !g.HasPlaces:
			s.fail(w, r, kernel.Errorf(kernel.Invalid, "this programme's figures have no place"))
			return
		}
		typed := false
		for j, per := range g.Periods {
			id := fmt.Sprintf("%d.%d", i, j)
			_, locked := g.Locked[per.Code]
			c := entryCell{ID: fmt.Sprintf("c-%d-%d", i, j), Locked: locked,
				Value: strings.TrimSpace(r.PostForm.Get("v." + id)), Was: strings.TrimSpace(r.PostForm.Get("was." + id)),
				Den: strings.TrimSpace(r.PostForm.Get("d." + id)), WasDen: strings.TrimSpace(r.PostForm.Get("wasd." + id))}
			c.Label = l.tr("%v, %v", row.Label, l.periodLabel(per))
			c.DenLabel = l.tr("%v, %v, denominator", row.Label, l.periodLabel(per))
			typed = typed || c.Value != "" || c.Den != ""
			row.Cells = append(row.Cells, c)
		}
		if isNew && place == "" {
			if typed {
				row.NameError = l.tr("%v: enter the place's name", row.Label)
				bad = true
			}
			rows = append(rows, row)
			continue
		}
		if place != "" {
			if prev, ok := known[strings.ToLower(place)]; ok {
				row.NameError = l.tr("%v is already row %v: enter its figures there", place, prev+1)
				bad = true
			}
			if g.FixedPlaces && !slices.Contains(g.Places, place) {
				row.NameError = l.tr("%v is not one of this programme's places", place)
				bad = true
			}
			known[strings.ToLower(place)] = i
		}
		for j, per := range g.Periods {
			c := &row.Cells[j]
			if c.Locked || (c.Value == c.Was && c.Den == c.WasDen) {
				continue
			}
			where := l.tr("%v, %v", row.Label, l.periodLabel(per))
			if c.Was != "" {
				v, ok1 := l.parseFigure(c.Was)
				var d *float64
				if c.WasDen != "" {
					dv, ok2 := l.parseFigure(c.WasDen)
					ok1 = ok1 && ok2
					d = &dv
				}
				if !ok1 {
					s.fail(w, r, kernel.Errorf(kernel.Invalid, "the grid was changed in transit: reload it"))
					return
				}
				was = append(was, impact.GridObservation(q.ind, place, per, v, d))
			}
			if c.Value == "" && c.Den == "" {
				continue // cleared
			}
			v, ok := l.parseFigure(c.Value)
			if !ok {
				c.Error = l.tr("%v: enter a number", where)
				if c.Value == "" {
					c.Error = l.tr("%v: enter the figure as well as its denominator", where)
				}
				bad = true
				continue
			}
			var d *float64
			if den {
				dv, ok := l.parseFigure(c.Den)
				switch {
				case c.Den == "":
					c.Error = l.tr("%v: enter the denominator too", where)
				case !ok:
					c.Error = l.tr("%v, denominator: enter a number", where)
				}
				if c.Error != "" {
					bad = true
					continue
				}
				d = &dv
			}
			put = append(put, impact.GridObservation(q.ind, place, per, v, d))
		}
		rows = append(rows, row)
	}
	if bad {
		s.renderEntry(w, r, http.StatusBadRequest, rows, l.tr("Nothing was saved. Correct the cells marked below and save again."))
		return
	}
	if len(was) == 0 && len(put) == 0 {
		s.done(w, r, q.url(prog.ID), "No figure was changed, so nothing was saved.")
		return
	}
	if err := s.impact.EditObservations(r.Context(), p.User.OrgID, prog.ID, was, put); err != nil {
		switch kernel.ErrorCode(err) {
		case kernel.Conflict:
			s.renderEntry(w, r, http.StatusConflict, nil, l.tr("Someone changed these figures while you were editing, so nothing was saved. The grid now shows the figures as stored: enter your changes again."))
		case kernel.Invalid:
			s.renderEntry(w, r, http.StatusBadRequest, rows, l.tr("Nothing was saved: %v", kernel.ErrorMessage(err)))
		default:
			s.fail(w, r, err)
		}
		return
	}
	cleared := len(was)
	for _, o := range put {
		if slices.ContainsFunc(was, func(w impact.Observation) bool { return w.Key() == o.Key() }) {
			cleared--
		}
	}
	s.done(w, r, q.url(prog.ID), l.tr("%v saved for %v; %v cleared.", l.countOf(len(put), "figure", "figures"), q.ind.Name, l.count(cleared)))
}
