package web

import (
	"net/http"
	"strconv"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/eudr"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// eudrHandlers are the EU Deforestation Regulation pages: the plots on a
// map drawn on the server, the lots with what each still lacks, and the
// statement made from a complete lot.
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
		{"POST /api/v1/eudr/plots", signedIn, account.PermSuppliersWrite, h.apiImportPlots},
	}
}

// plotStatuses are the map's colour classes, in legend order.
var plotStatuses = []struct{ Class, Label string }{
	{"no-loss-found", "No forest loss found after 31 December 2020"},
	{"no-analysis", "No forest-loss analysis yet (gap)"},
	{"incomplete", "Analysis does not cover the period"},
	{"loss-found", "Forest loss found after the cut-off"},
	{"geolocation-error", "Geolocation fails a check"},
}

func statusLabel(class string) string {
	for _, s := range plotStatuses {
		if s.Class == class {
			return s.Label
		}
	}
	return class
}

type plotRow struct {
	ID, Ref, Producer, Place, Country, Commodity, Area, Status, StatusLabel, Legality, Problem string
}

type mapShape struct {
	eudr.Shape
	Status, StatusLabel string
}

const eudrMapW, eudrMapH = 800.0, 480.0

func (h *eudrHandlers) plotRows(plots []eudr.PlotStatus) ([]plotRow, []mapShape) {
	var rows []plotRow
	byID := map[string]eudr.PlotStatus{}
	var ps []eudr.Plot
	for _, p := range plots {
		byID[p.Plot.ID] = p
		ps = append(ps, p.Plot)
		r := plotRow{ID: p.Plot.ID, Ref: p.Plot.Label(), Producer: p.Plot.ProducerName, Place: p.Plot.Place, Country: countryName(p.Plot.Country),
			Commodity: p.Plot.Commodity, Status: p.Status(), StatusLabel: statusLabel(p.Status()), Legality: "On file"}
		if r.Producer == "" {
			r.Producer = p.Plot.ProducerRef
		}
		if a := p.Plot.AreaHa(); a > 0 {
			r.Area = strconv.FormatFloat(float64(int64(a*100+0.5))/100, 'f', -1, 64) + " ha"
		} else {
			r.Area = "not stated"
		}
		if len(p.Evidence.MissingLegality) > 0 {
			r.Legality = "Missing (gap)"
		}
		if len(p.Errors) > 0 {
			r.Problem = p.Errors[0].Message
		}
		rows = append(rows, r)
	}
	var shapes []mapShape
	for _, sh := range eudr.Sketch(ps, eudrMapW, eudrMapH) {
		st := byID[sh.PlotID].Status()
		shapes = append(shapes, mapShape{Shape: sh, Status: st, StatusLabel: statusLabel(st)})
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
			writeJSON(w, status, map[string]any{"error": errorJSON(r, err), "reports": nonNil(reps)})
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
	org := principalOf(r).User.OrgID
	ov, err := h.eudr.Overview(r.Context(), org)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows, shapes := h.plotRows(ov.Plots)
	type lotRow struct {
		Ref, Commodity, Quantity string
		Plots, Open              int
	}
	var lots []lotRow
	for _, l := range ov.Lots {
		lots = append(lots, lotRow{Ref: l.Lot.Ref, Commodity: l.Lot.Commodity, Quantity: kg(l.Lot.NetMassKg), Plots: len(l.Lot.PlotIDs), Open: len(l.Open)})
	}
	h.render(w, r, status, "eudr.html", map[string]any{
		"Plots": rows, "Shapes": shapes, "Legend": plotStatuses, "Lots": lots, "Width": eudrMapW, "Height": eudrMapH,
		"Notice": notice, "Reports": reps,
	})
}

func kg(v float64) string {
	if v <= 0 {
		return "not stated"
	}
	return thousands(int64(v+0.5)) + " kg"
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
	org := principalOf(r).User.OrgID
	f, err := h.eudr.Lot(r.Context(), org, r.PathValue("ref"))
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
	rows, shapes := h.plotRows(mine)
	sts, err := h.eudr.Statements(r.Context(), org, f.Statement.Lot.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	data := map[string]any{
		"Lot": f.Statement.Lot, "Quantity": kg(f.Statement.Lot.NetMassKg), "Checklist": f.Checklist, "Open": eudr.Blocking(f.Checklist),
		"Simplified": f.Simplified, "SimplifiedWhy": f.SimplifiedWhy, "Assessment": f.Statement.Assessment,
		"Plots": rows, "Shapes": shapes, "Legend": plotStatuses, "Width": eudrMapW, "Height": eudrMapH,
		"Statements": sts, "Notice": notice,
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
