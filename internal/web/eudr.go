package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/eudr"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// eudrHandlers are the EU Deforestation Regulation pages: the plots on a
// map drawn on the server, the lots with what each still lacks, the forms
// that keep the records, and the statement made from a complete lot.
type eudrHandlers struct {
	*base
	eudr *eudr.Service
}

func (s *Server) eudrRoutes(h *eudrHandlers) []route {
	return []route{
		{"GET /eudr", signedIn, account.PermSuppliersRead, h.overview},
		{"GET /eudr/lots/{ref}", signedIn, account.PermSuppliersRead, h.lotPage},
		{"POST /eudr/lots/{ref}/statement", signedIn, account.PermSuppliersWrite, h.makeStatement},
		{"POST /eudr/plots", signedIn, account.PermSuppliersWrite, h.importPlots},
		// The forms that keep the records (eudr_forms.go).
		{"POST /eudr/operator", signedIn, account.PermSuppliersWrite, h.saveOperator},
		{"POST /eudr/lots", signedIn, account.PermSuppliersWrite, h.createLot},
		{"POST /eudr/lots/{ref}", signedIn, account.PermSuppliersWrite, h.updateLot},
		{"POST /eudr/lots/{ref}/assessment", signedIn, account.PermSuppliersWrite, h.assessLot},
		{"POST /eudr/lots/{ref}/mitigation", signedIn, account.PermSuppliersWrite, h.mitigateLot},
		{"POST /eudr/lots/{ref}/decision", signedIn, account.PermSuppliersWrite, h.decideLot},
		{"GET /eudr/plots/{id}", signedIn, account.PermSuppliersRead, h.plotPage},
		{"POST /eudr/plots/{id}/evidence", signedIn, account.PermSuppliersWrite, h.addEvidence},
		{"GET /eudr/plots/{id}/files/{file}", signedIn, account.PermSuppliersRead, h.evidenceFile},
		{"GET /eudr/lots/{ref}/statements/{id}/{file}", signedIn, account.PermSuppliersRead, h.statementFile},
		{"POST /api/v1/eudr/plots", signedIn, account.PermSuppliersWrite, h.apiImportPlots},
	}
}

// plotStatuses are the map's colour classes, in legend order.
var plotStatuses = []struct{ Class, Label string }{
	{"no-loss-found", translatable("No forest loss found after 31 December 2020")},
	{"no-analysis", translatable("No forest-loss analysis yet (gap)")},
	{"incomplete", translatable("Analysis does not cover the period")},
	{"loss-found", translatable("Forest loss found after the cut-off")},
	{"geolocation-error", translatable("Geolocation fails a check")},
}

// statusLegend is the map's legend in language l.
func statusLegend(l *locale) []struct{ Class, Label string } {
	out := append([]struct{ Class, Label string }(nil), plotStatuses...)
	for i := range out {
		out[i].Label = l.tr(out[i].Label)
	}
	return out
}

func statusLabel(l *locale, class string) string {
	for _, s := range plotStatuses {
		if s.Class == class {
			return l.tr(s.Label)
		}
	}
	return l.label(class)
}

type plotRow struct {
	ID, Ref, Producer, Place, Country, Commodity, Area, Status, StatusLabel, Legality, Problem string
}

type mapShape struct {
	eudr.Shape
	Status, StatusLabel string
}

const eudrMapW, eudrMapH = 800.0, 480.0

func (h *eudrHandlers) plotRows(loc *locale, plots []eudr.PlotStatus) ([]plotRow, []mapShape) {
	var rows []plotRow
	byID := map[string]eudr.PlotStatus{}
	var ps []eudr.Plot
	for _, p := range plots {
		byID[p.Plot.ID] = p
		ps = append(ps, p.Plot)
		r := plotRow{ID: p.Plot.ID, Ref: p.Plot.Label(), Producer: p.Plot.ProducerName, Place: p.Plot.Place, Country: loc.country(p.Plot.Country),
			Commodity: p.Plot.Commodity, Status: p.Status(), StatusLabel: statusLabel(loc, p.Status()), Legality: loc.tr("On file")}
		if r.Producer == "" {
			r.Producer = p.Plot.ProducerRef
		}
		if a := p.Plot.AreaHa(); a > 0 {
			r.Area = loc.tr("%v ha", loc.num(a))
		} else {
			r.Area = loc.tr("not stated")
		}
		if len(p.Evidence.MissingLegality) > 0 {
			r.Legality = loc.tr("Missing (gap)")
		}
		if len(p.Errors) > 0 {
			r.Problem = loc.sentence(p.Errors[0].Message)
		}
		rows = append(rows, r)
	}
	var shapes []mapShape
	for _, sh := range eudr.Sketch(ps, eudrMapW, eudrMapH) {
		st := byID[sh.PlotID].Status()
		shapes = append(shapes, mapShape{Shape: sh, Status: st, StatusLabel: statusLabel(loc, st)})
	}
	return rows, shapes
}

func (h *eudrHandlers) overview(w http.ResponseWriter, r *http.Request) {
	h.showOverview(w, r, http.StatusOK, "", nil)
}

// importUploads imports each uploaded plot file, its format read from its
// name. A file that is not a plot file at all stops the import there;
// plots already stored from earlier files stay.
func (h *eudrHandlers) importUploads(w http.ResponseWriter, r *http.Request) ([]eudr.Report, int, error) {
	form, files, status, err := readUpload(w, r)
	if err != nil {
		return nil, status, err
	}
	defer form.RemoveAll()
	org := principalOf(r).User.OrgID
	var reps []eudr.Report
	for _, f := range files {
		kind, err := eudr.FormatOf(f.Name)
		if err != nil {
			return reps, http.StatusBadRequest, err
		}
		rc, err := f.Open()
		if err != nil {
			return reps, http.StatusInternalServerError, err
		}
		rep, err := h.eudr.ImportPlots(r.Context(), org, f.Name, kind, rc)
		rc.Close()
		if err != nil {
			return reps, http.StatusBadRequest, err
		}
		reps = append(reps, rep)
	}
	return reps, http.StatusOK, nil
}

func (h *eudrHandlers) importPlots(w http.ResponseWriter, r *http.Request) {
	reps, status, err := h.importUploads(w, r)
	if err != nil {
		if kernel.IsCode(err, kernel.Invalid) {
			h.showOverview(w, r, status, "Nothing more was imported: "+kernel.ErrorMessage(err), reps)
			return
		}
		h.fail(w, r, err)
		return
	}
	stored, errs := 0, 0
	for _, rep := range reps {
		stored += rep.Plots - countCheck(rep, eudr.CheckRead)
		errs += rep.Count(eudr.Error)
	}
	msg := "Imported " + strconv.Itoa(stored) + " plot(s)."
	if errs > 0 {
		msg += " " + strconv.Itoa(errs) + " problem(s) were found: plots that could not be read were not stored; plots failing a check are stored and block any statement until fixed."
	}
	h.showOverview(w, r, http.StatusOK, msg, reps)
}

func countCheck(rep eudr.Report, c eudr.Check) int {
	n := 0
	for _, f := range rep.Findings {
		if f.Check == c {
			n++
		}
	}
	return n
}

func (h *eudrHandlers) apiImportPlots(w http.ResponseWriter, r *http.Request) {
	reps, status, err := h.importUploads(w, r)
	if err != nil {
		if kernel.IsCode(err, kernel.Invalid) {
			writeProblem(w, r, status, err, nil, map[string]any{"reports": nonNil(reps)})
			return
		}
		h.fail(w, r, err)
		return
	}
	for i := range reps {
		if reps[i].Findings == nil {
			reps[i].Findings = []eudr.Finding{}
		}
	}
	writeJSON(w, http.StatusOK, plotReportsJSON{Reports: nonNil(reps)})
}

func (h *eudrHandlers) showOverview(w http.ResponseWriter, r *http.Request, status int, notice string, reps []eudr.Report) {
	h.renderOverview(w, r, status, overviewExtras{Notice: notice, Reports: reps})
}

// overviewExtras is what one answer adds to the overview: a notice of what
// was done, import reports, or a refused form with what to fix.
type overviewExtras struct {
	Notice        string
	Reports       []eudr.Report
	LotError      string
	LotForm       lotForm
	OperatorError string
	Operator      *eudr.Operator // the operator form as sent, when refused
}

func (h *eudrHandlers) renderOverview(w http.ResponseWriter, r *http.Request, status int, x overviewExtras) {
	org := principalOf(r).User.OrgID
	ov, err := h.eudr.Overview(r.Context(), org)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	op := x.Operator
	if op == nil {
		stored, err := h.eudr.Operator(r.Context(), org)
		switch {
		case err == nil:
			op = &stored
		case !kernel.IsCode(err, kernel.NotFound):
			h.fail(w, r, err)
			return
		}
	}
	loc := h.localeOf(r)
	rows, shapes := h.plotRows(loc, ov.Plots)
	type lotRow struct {
		Ref, URL, Commodity, Quantity string
		Plots, Open                   int
	}
	var lots []lotRow
	for _, l := range ov.Lots {
		lots = append(lots, lotRow{Ref: l.Lot.Ref, URL: lotPath(l.Lot.Ref), Commodity: loc.tr(escapeVerbs(eudr.CommodityLabel(l.Lot.Commodity))), Quantity: kg(loc, l.Lot.NetMassKg), Plots: len(l.Lot.PlotIDs), Open: len(l.Open)})
	}
	form := x.LotForm
	if form.Plots == nil {
		form.Plots = map[string]bool{}
	}
	h.render(w, r, status, "eudr.html", map[string]any{
		"Plots": rows, "Shapes": shapes, "Legend": statusLegend(loc), "Lots": lots, "Width": eudrMapW, "Height": eudrMapH,
		"Notice": x.Notice, "Reports": x.Reports, "Operator": op, "OperatorError": x.OperatorError, "OperatorCountry": loc.country(opCountry(op)),
		"Sizes": sizeChoices(loc), "Countries": operatorCountries(loc, opCountry(op)),
		"LotFormView": lotFormView{Action: "/eudr/lots", Button: loc.tr("Create the lot"), Form: form, Error: x.LotError, PlotChoices: plotChoices(loc, ov.Plots),
			Commodities: commodityChoices(loc), Activities: activityChoices(loc), Prefix: "new", Labelled: "h-new-lot"},
	})
}

func opCountry(op *eudr.Operator) string {
	if op == nil {
		return ""
	}
	return op.Country
}

func operatorCountries(loc *locale, selected string) []option {
	return countryOptions(loc, translatable("Choose a country"), selected)
}

func sizeChoices(l *locale) []eudrChoice {
	return []eudrChoice{{string(eudr.Large), l.tr("Large")}, {string(eudr.MediumSize), l.tr("Medium")}, {string(eudr.Small), l.tr("Small")}, {string(eudr.Micro), l.tr("Micro")}}
}

// kg shows a net mass in whole kilograms, as the locale writes numbers.
func kg(l *locale, v float64) string {
	if v <= 0 {
		return l.tr("not stated")
	}
	return l.tr("%v kg", l.count(int(v+0.5)))
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

func (h *eudrHandlers) lotPage(w http.ResponseWriter, r *http.Request) {
	h.showLot(w, r, http.StatusOK, "")
}

func (h *eudrHandlers) showLot(w http.ResponseWriter, r *http.Request, status int, notice string) {
	h.renderLot(w, r, r.PathValue("ref"), status, lotExtras{Notice: notice})
}

// lotExtras is what one answer adds to a lot's page: a notice of what was
// done, or a refused form, as sent, with what to fix.
type lotExtras struct {
	Notice        string
	LotError      string
	LotForm       *lotForm // nil: the form shows the lot as stored
	AssessError   string
	MitigateError string
	MitigateForm  eudr.Mitigation
	DecideError   string
	DecideReason  string
}

func (h *eudrHandlers) renderLot(w http.ResponseWriter, r *http.Request, ref string, status int, x lotExtras) {
	org := principalOf(r).User.OrgID
	f, err := h.eudr.Lot(r.Context(), org, ref)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ov, err := h.eudr.Overview(r.Context(), org)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var mine []eudr.PlotStatus
	in := map[string]bool{}
	for _, id := range f.Statement.Lot.PlotIDs {
		in[id] = true
	}
	for _, p := range ov.Plots {
		if in[p.Plot.ID] {
			mine = append(mine, p)
		}
	}
	loc := h.localeOf(r)
	rows, shapes := h.plotRows(loc, mine)
	sts, err := h.eudr.Statements(r.Context(), org, f.Statement.Lot.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	form := lotFormOf(f.Statement.Lot)
	if x.LotForm != nil {
		form = *x.LotForm
	}
	var answers eudr.Answers
	var concerns []eudr.Criterion
	if a := f.Statement.Assessment; a != nil {
		answers = a.Answers
		for _, c := range a.Criteria {
			if c.Level.Concern() {
				concerns = append(concerns, c)
			}
		}
	}
	type question struct {
		eudr.Question
		Answer, Note string
	}
	var questions []question
	for _, q := range eudr.Questions() {
		questions = append(questions, question{Question: q, Answer: string(answers.Answer(q.Key)), Note: answers.Notes[q.Key]})
	}
	// The criteria as found, in the page's language; an analyst's note is
	// their own words and shows apart, as written.
	type criterionRow struct {
		eudr.Criterion
		Note string
	}
	var criteria []criterionRow
	if a := f.Statement.Assessment; a != nil {
		for _, c := range a.Criteria {
			row := criterionRow{Criterion: c}
			if note := a.Answers.Notes[c.Key]; note != "" && strings.HasSuffix(c.Finding, ": "+note) {
				row.Finding, row.Note = strings.TrimSuffix(c.Finding, ": "+note), note
			}
			row.Finding = loc.sentence(row.Finding)
			criteria = append(criteria, row)
		}
	}
	data := map[string]any{
		"Criteria": criteria,
		"Lot":      f.Statement.Lot, "CommodityLabel": loc.tr(escapeVerbs(eudr.CommodityLabel(f.Statement.Lot.Commodity))), "ActivityLabel": loc.tr(escapeVerbs(f.Statement.Lot.Activity.Label())),
		"Quantity": kg(loc, f.Statement.Lot.NetMassKg), "Checklist": f.Checklist, "Open": eudr.Blocking(f.Checklist),
		"Simplified": f.Simplified, "SimplifiedWhy": loc.sentence(f.SimplifiedWhy), "Assessment": f.Statement.Assessment,
		"Plots": rows, "Shapes": shapes, "Legend": statusLegend(loc), "Width": eudrMapW, "Height": eudrMapH,
		"Statements": sts, "Notice": x.Notice, "X": x, "Questions": questions, "Concerns": concerns, "LotPath": lotPath(f.Statement.Lot.Ref),
		"LotFormView": lotFormView{Action: lotPath(f.Statement.Lot.Ref), Button: loc.tr("Save the lot"), Form: form, Error: x.LotError, PlotChoices: plotChoices(loc, ov.Plots),
			Commodities: commodityChoices(loc), Activities: activityChoices(loc), Prefix: "edit", Labelled: "h-edit-lot"},
	}
	h.render(w, r, status, "eudr.html", data)
}

func (h *eudrHandlers) makeStatement(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	by := p.User.Name
	if by == "" {
		by = p.User.Email
	}
	s, err := h.eudr.MakeStatement(r.Context(), p.User.OrgID, r.PathValue("ref"), by)
	if err != nil {
		if kernel.IsCode(err, kernel.Invalid) {
			h.showLot(w, r, http.StatusUnprocessableEntity, "No statement was made: "+kernel.ErrorMessage(err))
			return
		}
		h.fail(w, r, err)
		return
	}
	h.showLot(w, r, http.StatusOK, s.Kind.Label()+" made for lot "+s.Reference+" by "+s.MadeBy+", covering "+
		strconv.Itoa(len(s.Plots()))+" plot(s). Export it for the EU Information System with 'upstream eudr statement'.")
}
