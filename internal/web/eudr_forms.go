package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/country"
	"github.com/upstream-platform/upstream/internal/eudr"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/report"
)

// The forms through which staff keep the EUDR records: the operator's
// details, lots, evidence on plots, and a lot's assessment, mitigation and
// decision. Each works without script, answers with the page it came from
// saying what was done, and on bad input shows the form again, as filled
// in, with what to fix.

// fieldLabels name the form fields in the words of the forms, for errors.
var fieldLabels = map[string]string{
	"ref": "Reference", "commodity": "Commodity", "hs_codes": "HS codes", "description": "Description",
	"net_mass_kg": "Net mass", "activity": "Activity", "period": "Period", "upstream": "Earlier statements",
	"kind": "Kind of evidence", "source": "Source", "date": "Date", "loss_ha": "Forest loss", "method": "Method",
	"valid_until": "Valid until", "file": "File", "name": "Name", "address": "Address", "country": "Country",
	"size": "Size", "criterion": "Criterion", "measure": "Measure", "conclusion": "Conclusion", "reason": "Reason",
	"plots": "Plots", "period_from": "Period from", "period_to": "Period to",
}

// formError words an error for the top of a form: the field's label, then
// what is wrong.
func formError(err error) string {
	var fe *kernel.FieldError
	if errors.As(err, &fe) {
		if l, ok := fieldLabels[fe.Field]; ok {
			return l + ": " + fe.Reason
		}
	}
	return kernel.ErrorMessage(err)
}

// formFailure shows a refused form again: bad input and taken references
// answer 422 and 409 with the page; anything else is the error page.
func formFailure(err error) (int, bool) {
	switch kernel.ErrorCode(err) {
	case kernel.Invalid:
		return http.StatusUnprocessableEntity, true
	case kernel.Conflict:
		return http.StatusConflict, true
	case kernel.NotFound:
		// A plot or lot named in the form that is not stored.
		return http.StatusUnprocessableEntity, true
	}
	return 0, false
}

// who names the signed-in user for the records: their name, else email.
func who(r *http.Request) string {
	p := principalOf(r)
	if strings.TrimSpace(p.User.Name) != "" {
		return p.User.Name
	}
	return p.User.Email
}

// readForm reads a small urlencoded form.
func readForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return kernel.Errorf(kernel.Invalid, "the form could not be read; send it again")
	}
	return nil
}

// formDate reads a date field (YYYY-MM-DD, as a date input sends it); empty
// is the zero time.
func formDate(form url.Values, field string) (time.Time, error) {
	v := strings.TrimSpace(form.Get(field))
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return t, kernel.InvalidField(field, "%q is not a date; write it as YYYY-MM-DD, for example 2026-04-10", v)
	}
	return t, nil
}

// formNumber reads a number field, taking a decimal comma too; empty is 0.
func formNumber(form url.Values, field string) (float64, error) {
	v := strings.TrimSpace(form.Get(field))
	if v == "" {
		return 0, nil
	}
	v = strings.ReplaceAll(strings.ReplaceAll(v, " ", ""), ",", ".")
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, kernel.InvalidField(field, "%q is not a number", form.Get(field))
	}
	return f, nil
}

// lotFromForm reads the lot form.
func lotFromForm(form url.Values) (eudr.Lot, error) {
	var l eudr.Lot
	l.Ref = strings.TrimSpace(form.Get("ref"))
	if l.Ref == "" {
		return l, kernel.InvalidField("ref", "give the lot a reference (shipment, contract or batch number)")
	}
	if c := form.Get("commodity"); c != "" {
		id, err := eudr.ParseCommodity(c)
		if err != nil {
			return l, kernel.InvalidField("commodity", "choose one of the seven commodities of the Regulation")
		}
		l.Commodity = id
	} else {
		return l, kernel.InvalidField("commodity", "choose the commodity of the lot")
	}
	var err error
	if l.HSCodes, err = eudr.ParseHSCodes(form.Get("hs_codes")); err != nil {
		return l, err
	}
	l.Description = strings.TrimSpace(form.Get("description"))
	if l.NetMassKg, err = formNumber(form, "net_mass_kg"); err != nil {
		return l, err
	}
	if l.Activity, err = eudr.ParseActivity(form.Get("activity")); err != nil {
		return l, err
	}
	if l.PeriodFrom, err = formDate(form, "period_from"); err != nil {
		return l, err
	}
	if l.PeriodTo, err = formDate(form, "period_to"); err != nil {
		return l, err
	}
	l.PlotIDs = form["plots"]
	if l.Upstream, err = eudr.ParseStatementRefs(form.Get("upstream")); err != nil {
		return l, err
	}
	return l, nil
}

// lotForm is the lot form's values, as stored or as sent.
type lotForm struct {
	Ref, Commodity, HSCodes, Description, NetMassKg, Activity, PeriodFrom, PeriodTo, Upstream string
	Plots                                                                                     map[string]bool
}

func lotFormOf(l eudr.Lot) lotForm {
	f := lotForm{Ref: l.Ref, Commodity: l.Commodity, HSCodes: strings.Join(l.HSCodes, ", "), Description: l.Description,
		Activity: string(l.Activity), Plots: map[string]bool{}}
	if l.NetMassKg > 0 {
		f.NetMassKg = strconv.FormatFloat(l.NetMassKg, 'f', -1, 64)
	}
	if !l.PeriodFrom.IsZero() {
		f.PeriodFrom = l.PeriodFrom.Format(time.DateOnly)
	}
	if !l.PeriodTo.IsZero() {
		f.PeriodTo = l.PeriodTo.Format(time.DateOnly)
	}
	var up []string
	for _, u := range l.Upstream {
		s := u.Reference
		if u.Verification != "" {
			s += ":" + u.Verification
		}
		up = append(up, s)
	}
	f.Upstream = strings.Join(up, "\n")
	for _, id := range l.PlotIDs {
		f.Plots[id] = true
	}
	return f
}

func lotFormSent(form url.Values) lotForm {
	f := lotForm{Ref: form.Get("ref"), Commodity: form.Get("commodity"), HSCodes: form.Get("hs_codes"), Description: form.Get("description"),
		NetMassKg: form.Get("net_mass_kg"), Activity: form.Get("activity"), PeriodFrom: form.Get("period_from"), PeriodTo: form.Get("period_to"),
		Upstream: form.Get("upstream"), Plots: map[string]bool{}}
	for _, id := range form["plots"] {
		f.Plots[id] = true
	}
	return f
}

// lotFormView is what the lot form template needs: where it posts, its
// button, the values and the choices.
type lotFormView struct {
	Action, Button, Error, Prefix, Labelled string
	Form                                    lotForm
	PlotChoices                             []plotChoice
	Commodities, Activities                 []eudrChoice
}

// lotPath is the address of a lot's page; references may hold any
// character.
func lotPath(ref string) string { return "/eudr/lots/" + url.PathEscape(ref) }

// plotChoice is one plot offered in the lot form.
type plotChoice struct {
	ID, Label string
}

func plotChoices(l *locale, plots []eudr.PlotStatus) []plotChoice {
	var out []plotChoice
	for _, p := range plots {
		label := p.Plot.Label()
		var about []string
		if n := p.Plot.ProducerName; n != "" {
			about = append(about, n)
		}
		if p.Plot.Place != "" {
			about = append(about, p.Plot.Place)
		}
		if p.Plot.Commodity != "" {
			about = append(about, l.tr(escapeVerbs(eudr.CommodityLabel(p.Plot.Commodity))))
		}
		if len(about) > 0 {
			label += " (" + strings.Join(about, ", ") + ")"
		}
		out = append(out, plotChoice{ID: p.Plot.ID, Label: label})
	}
	return out
}

// option is one eudrChoice of a select.
type eudrChoice struct{ Value, Label string }

func commodityChoices(l *locale) []eudrChoice {
	var out []eudrChoice
	for _, c := range eudr.Commodities() {
		out = append(out, eudrChoice{c.ID, l.tr(escapeVerbs(c.Label))})
	}
	return out
}

func activityChoices(l *locale) []eudrChoice {
	var out []eudrChoice
	for _, a := range []eudr.Activity{eudr.Import, eudr.Domestic, eudr.Export, eudr.Trade} {
		out = append(out, eudrChoice{string(a), l.tr(escapeVerbs(a.Label()))})
	}
	return out
}

// createLot creates a lot from the form on the overview and opens it.
func (h *eudrHandlers) createLot(w http.ResponseWriter, r *http.Request) {
	if err := readForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	org := principalOf(r).User.OrgID
	l, err := lotFromForm(r.PostForm)
	if err == nil {
		l, err = h.eudr.SaveLot(r.Context(), org, "", l)
	}
	if err != nil {
		status, ok := formFailure(err)
		if !ok {
			h.fail(w, r, err)
			return
		}
		h.renderOverview(w, r, status, overviewExtras{LotError: formError(err), LotForm: lotFormSent(r.PostForm)})
		return
	}
	loc := h.localeOf(r)
	h.renderLot(w, r, l.Ref, http.StatusOK, lotExtras{Notice: loc.tr("Lot %v created: %v, %v, %v plot(s), %v earlier statement(s). The checklist below says what it still needs.",
		l.Ref, loc.tr(escapeVerbs(eudr.CommodityLabel(l.Commodity))), kg(loc, l.NetMassKg), len(l.PlotIDs), len(l.Upstream))})
}

// updateLot changes a lot from the form on its page.
func (h *eudrHandlers) updateLot(w http.ResponseWriter, r *http.Request) {
	if err := readForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	org := principalOf(r).User.OrgID
	ref := r.PathValue("ref")
	l, err := lotFromForm(r.PostForm)
	if err == nil {
		l, err = h.eudr.SaveLot(r.Context(), org, ref, l)
	}
	if err != nil {
		status, ok := formFailure(err)
		if !ok || kernel.IsCode(err, kernel.NotFound) && r.PostForm.Get("plots") == "" {
			h.fail(w, r, err)
			return
		}
		h.renderLot(w, r, ref, status, lotExtras{LotError: formError(err), LotForm: ptr(lotFormSent(r.PostForm))})
		return
	}
	loc := h.localeOf(r)
	h.renderLot(w, r, l.Ref, http.StatusOK, lotExtras{Notice: loc.tr("Lot %v saved: %v, %v, %v plot(s), %v earlier statement(s).",
		l.Ref, loc.tr(escapeVerbs(eudr.CommodityLabel(l.Commodity))), kg(loc, l.NetMassKg), len(l.PlotIDs), len(l.Upstream))})
}

func ptr[T any](v T) *T { return &v }

// assessLot records the assessment of a lot from the analyst's answers.
func (h *eudrHandlers) assessLot(w http.ResponseWriter, r *http.Request) {
	if err := readForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	ref := r.PathValue("ref")
	var ans eudr.Answers
	for _, q := range eudr.Questions() {
		v, err := eudr.ParseAnswer(r.PostForm.Get(q.Field))
		if err == nil {
			err = ans.SetAnswer(q.Key, v)
		}
		if err != nil {
			h.renderLot(w, r, ref, http.StatusUnprocessableEntity, lotExtras{AssessError: "(" + q.Key + ") " + kernel.ErrorMessage(err)})
			return
		}
		if n := strings.TrimSpace(r.PostForm.Get("note_" + q.Key)); n != "" {
			if ans.Notes == nil {
				ans.Notes = map[string]string{}
			}
			ans.Notes[q.Key] = n
		}
	}
	a, err := h.eudr.Assess(r.Context(), principalOf(r).User.OrgID, ref, ans)
	if err != nil {
		if status, ok := formFailure(err); ok && !kernel.IsCode(err, kernel.NotFound) {
			h.renderLot(w, r, ref, status, lotExtras{AssessError: formError(err)})
			return
		}
		h.fail(w, r, err)
		return
	}
	msg := "Risk assessment recorded by " + who(r) + "."
	if open := eudr.Unmitigated(a); len(open) > 0 {
		msg += fmt.Sprintf(" %d criterion(s) point to a high or unknown risk and need a mitigation measure before the risk can be concluded negligible.", len(open))
	} else {
		msg += " No criterion needs mitigation: record the decision below."
	}
	h.renderLot(w, r, ref, http.StatusOK, lotExtras{Notice: msg})
}

// mitigateLot records a mitigation measure against one criterion.
func (h *eudrHandlers) mitigateLot(w http.ResponseWriter, r *http.Request) {
	if err := readForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	ref := r.PathValue("ref")
	m := eudr.Mitigation{Criterion: r.PostForm.Get("criterion"), Measure: strings.TrimSpace(r.PostForm.Get("measure")), By: who(r)}
	if m.Measure == "" {
		h.renderLot(w, r, ref, http.StatusUnprocessableEntity, lotExtras{MitigateError: "Measure: say what was done to reduce the risk", MitigateForm: m})
		return
	}
	a, err := h.eudr.Mitigate(r.Context(), principalOf(r).User.OrgID, ref, m)
	if err != nil {
		if status, ok := formFailure(err); ok && !kernel.IsCode(err, kernel.NotFound) {
			h.renderLot(w, r, ref, status, lotExtras{MitigateError: formError(err), MitigateForm: m})
			return
		}
		h.fail(w, r, err)
		return
	}
	title := m.Criterion
	for _, c := range a.Criteria {
		if c.Key == m.Criterion {
			title = "(" + c.Key + ") " + c.Title
		}
	}
	h.renderLot(w, r, ref, http.StatusOK, lotExtras{Notice: "Mitigation against " + title + " recorded by " + who(r) + ". Any earlier decision is open again: decide once more below."})
}

// decideLot records the conclusion of the lot's assessment.
func (h *eudrHandlers) decideLot(w http.ResponseWriter, r *http.Request) {
	if err := readForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	ref := r.PathValue("ref")
	c, reason := eudr.Conclusion(r.PostForm.Get("conclusion")), r.PostForm.Get("reason")
	if c == "" {
		h.renderLot(w, r, ref, http.StatusUnprocessableEntity, lotExtras{DecideError: "Conclusion: choose negligible or not negligible", DecideReason: reason})
		return
	}
	a, err := h.eudr.Decide(r.Context(), principalOf(r).User.OrgID, ref, c, who(r), reason)
	if err != nil {
		if status, ok := formFailure(err); ok && !kernel.IsCode(err, kernel.NotFound) {
			h.renderLot(w, r, ref, status, lotExtras{DecideError: formError(err), DecideReason: reason})
			return
		}
		h.fail(w, r, err)
		return
	}
	h.renderLot(w, r, ref, http.StatusOK, lotExtras{Notice: "Risk concluded " + conclusionLabel(a.Conclusion) + " by " + a.DecidedBy + " on " + a.DecidedAt.Format("2 January 2006") + "."})
}

func conclusionLabel(c eudr.Conclusion) string {
	switch c {
	case eudr.Negligible:
		return "negligible"
	case eudr.NotNegligible:
		return "not negligible"
	}
	return string(c)
}

// saveOperator records the organisation's operator details.
func (h *eudrHandlers) saveOperator(w http.ResponseWriter, r *http.Request) {
	if err := readForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	f := r.PostForm
	op := eudr.Operator{Name: f.Get("name"), Address: f.Get("address"), EORI: f.Get("eori"), Size: eudr.Size(f.Get("size")), Primary: f.Get("primary") == "on"}
	var err error
	if c := strings.TrimSpace(f.Get("country")); c != "" {
		var ct country.Country
		if ct, err = country.Lookup(c); err != nil {
			err = kernel.InvalidField("country", "%s", kernel.ErrorMessage(err))
		}
		op.Country = ct.Alpha2
	}
	if err == nil {
		err = h.eudr.SaveOperator(r.Context(), principalOf(r).User.OrgID, op)
	}
	if err != nil {
		if status, ok := formFailure(err); ok {
			h.renderOverview(w, r, status, overviewExtras{OperatorError: formError(err), Operator: &op})
			return
		}
		h.fail(w, r, err)
		return
	}
	h.renderOverview(w, r, http.StatusOK, overviewExtras{Notice: "Operator details saved: " + strings.TrimSpace(op.Name) + ", " + h.localeOf(r).country(op.Country) + "."})
}

// evidenceForm is the evidence form's values as sent.
type evidenceForm struct {
	Kind, Source, Date, PeriodFrom, PeriodTo, LossHa, Method, ValidUntil, Note string
}

// maxEvidenceUpload bounds the evidence form: the file and the fields.
const maxEvidenceUpload = eudr.MaxEvidenceFile + 1<<20

// addEvidence records evidence on a plot from the form on its page, with
// the file it came in when one is chosen.
func (h *eudrHandlers) addEvidence(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	r.Body = http.MaxBytesReader(w, r.Body, maxEvidenceUpload)
	if err := r.ParseMultipartForm(2 << 20); err != nil {
		var tooBig *http.MaxBytesError
		msg := "the form could not be read; send it again"
		if errors.As(err, &tooBig) {
			msg = fmt.Sprintf("File: larger than %d MB; attach a smaller copy", eudr.MaxEvidenceFile>>20)
		}
		h.renderPlot(w, r, id, http.StatusUnprocessableEntity, plotExtras{Error: msg})
		return
	}
	defer r.MultipartForm.RemoveAll()
	f := r.PostForm
	sent := evidenceForm{Kind: f.Get("kind"), Source: f.Get("source"), Date: f.Get("date"), PeriodFrom: f.Get("period_from"), PeriodTo: f.Get("period_to"),
		LossHa: f.Get("loss_ha"), Method: f.Get("method"), ValidUntil: f.Get("valid_until"), Note: f.Get("note")}
	refuse := func(err error) {
		if status, ok := formFailure(err); ok && !kernel.IsCode(err, kernel.NotFound) {
			h.renderPlot(w, r, id, status, plotExtras{Error: formError(err), Form: sent})
			return
		}
		h.fail(w, r, err)
	}
	org := principalOf(r).User.OrgID
	p, _, err := h.eudr.PlotRecord(r.Context(), org, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	e := eudr.Evidence{PlotID: p.Plot.ID, Source: sent.Source, Method: sent.Method, Note: sent.Note, RecordedBy: who(r)}
	if e.Kind, err = eudr.ParseEvidenceKind(sent.Kind); err != nil {
		refuse(err)
		return
	}
	for _, d := range []struct {
		field string
		dst   *time.Time
	}{{"date", &e.Date}, {"period_from", &e.PeriodFrom}, {"period_to", &e.PeriodTo}, {"valid_until", &e.ValidUntil}} {
		if *d.dst, err = formDate(f, d.field); err != nil {
			refuse(err)
			return
		}
	}
	if e.LossHa, err = formNumber(f, "loss_ha"); err != nil {
		refuse(err)
		return
	}
	var file *eudr.File
	if fhs := r.MultipartForm.File["file"]; len(fhs) > 0 && fhs[0].Filename != "" {
		fl, err := readEvidenceFile(fhs[0].Filename, func() (io.ReadCloser, error) { return fhs[0].Open() })
		if err != nil {
			refuse(err)
			return
		}
		file = &fl
	}
	if _, err := h.eudr.AddEvidence(r.Context(), org, e, file); err != nil {
		refuse(err)
		return
	}
	msg := e.Kind.Label() + " from " + strings.TrimSpace(e.Source) + " dated " + e.Date.Format("2 January 2006") + " recorded on plot " + p.Plot.Label() + " by " + who(r)
	if file != nil {
		msg += ", with the file " + file.Name
	}
	h.renderPlot(w, r, id, http.StatusOK, plotExtras{Notice: msg + "."})
}

// readEvidenceFile reads an uploaded evidence file, at most
// eudr.MaxEvidenceFile, its type from its name or else its content.
func readEvidenceFile(name string, open func() (io.ReadCloser, error)) (eudr.File, error) {
	fh, err := open()
	if err != nil {
		return eudr.File{}, kernel.Wrap(kernel.Invalid, err, "the file could not be read")
	}
	defer fh.Close()
	content, err := io.ReadAll(io.LimitReader(fh, eudr.MaxEvidenceFile+1))
	if err != nil {
		return eudr.File{}, kernel.Wrap(kernel.Invalid, err, "the file could not be read")
	}
	if len(content) > eudr.MaxEvidenceFile {
		return eudr.File{}, kernel.InvalidField("file", "larger than %d MB; attach a smaller copy", eudr.MaxEvidenceFile>>20)
	}
	if len(content) == 0 {
		return eudr.File{}, kernel.InvalidField("file", "%s is empty", name)
	}
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	mt := mime.TypeByExtension(strings.ToLower(filepath.Ext(name)))
	if mt == "" {
		mt = http.DetectContentType(content)
	}
	return eudr.NewFile("", name, mt, content), nil
}

// evidenceFile sends a file attached to evidence on a plot, as a download.
func (h *eudrHandlers) evidenceFile(w http.ResponseWriter, r *http.Request) {
	f, err := h.eudr.EvidenceFile(r.Context(), principalOf(r).User.OrgID, r.PathValue("id"), r.PathValue("file"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(f.Content)
}

// plotExtras is what one answer adds to a plot's page: a notice of what was
// done, or the refused evidence form, as sent, with what to fix.
type plotExtras struct {
	Notice, Error string
	Form          evidenceForm
}

// evidenceRow is one piece of evidence as the plot page lists it.
type evidenceRow struct {
	Kind, Source, Date, Period, Loss, Method, ValidUntil, Note, By, At, FileName, FileURL string
}

func (h *eudrHandlers) plotPage(w http.ResponseWriter, r *http.Request) {
	h.renderPlot(w, r, r.PathValue("id"), http.StatusOK, plotExtras{})
}

func (h *eudrHandlers) renderPlot(w http.ResponseWriter, r *http.Request, id string, status int, x plotExtras) {
	org := principalOf(r).User.OrgID
	ps, ev, err := h.eudr.PlotRecord(r.Context(), org, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	loc := h.localeOf(r)
	rows, shapes := h.plotRows(loc, []eudr.PlotStatus{ps})
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return loc.date(t)
	}
	var list []evidenceRow
	for _, e := range ev {
		row := evidenceRow{Kind: loc.tr(escapeVerbs(e.Kind.Label())), Source: e.Source, Date: day(e.Date), Method: e.Method, ValidUntil: day(e.ValidUntil),
			Note: e.Note, By: e.RecordedBy, At: loc.dateTime(e.RecordedAt), FileName: e.FileName}
		if e.Kind == eudr.ForestLoss {
			row.Period = loc.tr("%v to %v", day(e.PeriodFrom), day(e.PeriodTo))
			row.Loss = loc.tr("%v ha", loc.num(e.LossHa))
		}
		if e.FileID != "" {
			row.FileURL = "/eudr/plots/" + url.PathEscape(ps.Plot.ID) + "/files/" + url.PathEscape(e.FileID)
		}
		list = append(list, row)
	}
	var kinds []eudrChoice
	for _, k := range eudr.EvidenceKinds() {
		kinds = append(kinds, eudrChoice{string(k), loc.tr(escapeVerbs(k.Label()))})
	}
	form := x.Form
	if form.Kind == "" {
		form.Kind = string(eudr.ForestLoss)
	}
	if form.PeriodFrom == "" && x.Error == "" {
		form.PeriodFrom = eudr.Cutoff.Format(time.DateOnly)
	}
	h.render(w, r, status, "eudr.html", map[string]any{
		"PlotPage": ps, "PlotRow": rows[0], "Plots": rows, "Shapes": shapes, "Legend": statusLegend(loc), "Width": eudrMapW, "Height": eudrMapH,
		"Evidence": list, "Kinds": kinds, "EvidenceForm": form, "Notice": x.Notice, "EvidenceError": x.Error,
		"DeforestationLabel": loc.tr(escapeVerbs(ps.Evidence.Deforestation.Label())), "MissingLegality": sentences(loc, ps.Evidence.MissingLegality),
		"Expired": sentences(loc, ps.Evidence.Expired), "Production": productionDates(loc, ps.Plot),
		"CommodityLabel": loc.tr(escapeVerbs(eudr.CommodityLabel(ps.Plot.Commodity))),
	})
}

// sentences shows each of a domain package's English sentences in l.
func sentences(l *locale, list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = l.sentence(s)
	}
	return out
}

func productionDates(l *locale, p eudr.Plot) string {
	switch {
	case p.ProductionFrom.IsZero() && p.ProductionTo.IsZero():
		return l.tr("not stated")
	case p.ProductionFrom.Equal(p.ProductionTo) || p.ProductionTo.IsZero():
		return l.date(p.ProductionFrom)
	case p.ProductionFrom.IsZero():
		return l.tr("until %v", l.date(p.ProductionTo))
	}
	return l.tr("%v to %v", l.date(p.ProductionFrom), l.date(p.ProductionTo))
}

// statementFile sends one of a lot's statements as made: the printable
// copy, the Information System document or the plots' GeoJSON, as a
// download.
func (h *eudrHandlers) statementFile(w http.ResponseWriter, r *http.Request) {
	c, err := h.eudr.StatementCopy(r.Context(), principalOf(r).User.OrgID, r.PathValue("ref"), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var data []byte
	var ctype string
	name := c.Statement.Reference
	switch file := r.PathValue("file"); file {
	case "submission.json":
		data, ctype, name = c.Submission, "application/json", name+"-submission.json"
	case "plots.geojson":
		data, ctype, name = c.GeoJSON, "application/geo+json", name+"-plots.geojson"
	case "statement.html":
		if data, err = report.WriteStatementHTML(report.NewStatementPage(c.Statement, h.clock.Now())); err != nil {
			h.fail(w, r, err)
			return
		}
		ctype, name = "text/html; charset=utf-8", name+"-statement.html"
	default:
		h.fail(w, r, kernel.Errorf(kernel.NotFound, "no file %q: a statement has statement.html, submission.json and plots.geojson", file))
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(data)
}
