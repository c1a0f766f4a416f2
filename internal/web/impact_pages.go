package web

import (
	"bytes"
	"net/url"

	"encoding/json"
	"errors"
	"fmt"
	"github.com/upstream-platform/upstream/internal/account"
	"html/template"
	"math"
	"net/http"
	"strings"

	"github.com/upstream-platform/upstream/internal/impact"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// impactListPage lists the organisation's programmes with a form to add one.
func (s *impactHandlers) impactListPage(w http.ResponseWriter, r *http.Request) {
	s.renderImpactList(w, r, http.StatusOK, nil)
}

type programmeRow struct {
	ID, Name, Updated             string
	Outputs, Outcomes, Indicators int
}

func (s *impactHandlers) renderImpactList(w http.ResponseWriter, r *http.Request, status int, extra map[string]any) {
	p := principalOf(r)
	list, err := s.programmes.Programmes(r.Context(), p.User.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := make([]programmeRow, 0, len(list))
	for _, prog := range list {
		row := programmeRow{ID: prog.ID, Name: prog.Model.Programme, Updated: prog.UpdatedAt.Format("2 Jan 2006"), Indicators: len(prog.Model.Indicators)}
		for _, n := range prog.Model.Nodes {
			switch n.Kind {
			case impact.KindOutput:
				row.Outputs++
			case impact.KindOutcome:
				row.Outcomes++
			}
		}
		rows = append(rows, row)
	}
	data := map[string]any{"Programmes": rows}
	for k, v := range extra {
		data[k] = v
	}
	s.render(w, r, status, "impact_list.html", data)
}

// impactCreateSubmit creates a programme from a name, a pasted logic model,
// or both (the name then replaces the model's).
func (s *impactHandlers) impactCreateSubmit(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	name := strings.TrimSpace(r.FormValue("name"))
	text := strings.TrimSpace(r.FormValue("model"))
	formErr := func(err error) {
		s.renderImpactList(w, r, statusOf(kernel.ErrorCode(err)), map[string]any{"Error": kernel.ErrorMessage(err),
			"Problems": modelProblems(err), "FormName": name, "FormModel": text})
	}
	m := impact.LogicModel{Programme: name}
	if text != "" {
		var raw map[string]json.RawMessage
		if json.Unmarshal([]byte(text), &raw) == nil && name != "" {
			// The form's name wins, so a pasted model need not carry one.
			b, _ := json.Marshal(name)
			raw["programme"] = b
			fixed, _ := json.Marshal(raw)
			text = string(fixed)
		}
		dm, err := impact.DecodeLogicModel(strings.NewReader(text))
		if err != nil {
			formErr(err)
			return
		}
		m = *dm
	} else if name == "" {
		formErr(kernel.Errorf(kernel.Invalid, "name: missing; give the programme a name"))
		return
	}
	prog, err := s.impact.CreateProgramme(r.Context(), p.User.OrgID, m, nil)
	if err != nil {
		if kernel.IsCode(err, kernel.Invalid) {
			formErr(err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/impact/programmes/"+prog.ID, s.tr(r, "Programme %v created. Add its logic model and indicators below.", prog.Model.Programme))
}

// nodeView and linkView are the text version of the diagram.
type kindColumn struct {
	Heading string
	Kind    string
	Nodes   []impact.Node
}

type linkView struct {
	From, To    string
	Assumptions []impact.Assumption
	Evidence    []impact.Evidence
}

type periodRow struct{ Period, Value, ToDate string }

type groupRow struct {
	Key, Value string
	Suppressed bool
}

type breakdownView struct {
	Dimension string
	Rows      []groupRow
}

type indicatorView struct {
	Code, Name, Unit, Node, Aggregation string
	IRIS, SDG                           string
	Baseline, Target, Current           string
	BaselineDate, TargetDate            string
	Known, Achieved                     bool
	ProgressPct                         int
	ProgressText                        string
	Chart                               template.HTML
	Periods                             []periodRow
	Breakdowns                          []breakdownView
}

type reportSection struct {
	Class, Title, Intro string
	Indicators          []indicatorView
}

func aggregationText(ind impact.Indicator) string {
	var s string
	switch ind.Aggregation {
	case impact.Sum:
		s = "sum"
	case impact.Average:
		s = "average weighted by the people behind each figure"
	case impact.Ratio:
		s = "ratio of totals"
	case impact.Latest:
		s = "latest period stands"
	default:
		s = string(ind.Aggregation)
	}
	if ind.Cumulative {
		s += "; running totals"
	}
	if ind.Direction == impact.LowerIsBetter {
		s += "; lower is better"
	} else {
		s += "; higher is better"
	}
	return s
}

// indicatorPanel builds one indicator's chart, period table and
// breakdowns. Breakdowns on pages always go through suppression: pages are
// for impact readers, who do not all have case access.
func indicatorPanel(st impact.IndicatorStatus, dims []impact.Dimension, obs []impact.Observation, chartID string) (indicatorView, error) {
	ind := st.Indicator
	v := indicatorView{Code: ind.Code, Name: ind.Name, Unit: ind.Unit, Node: st.Node.Title, Aggregation: aggregationText(ind),
		IRIS: ind.IRIS, SDG: ind.SDG, Baseline: fmtNum(ind.Baseline.Value), Target: fmtNum(ind.Target.Value),
		BaselineDate: ind.Baseline.Date.Format("2 Jan 2006"), TargetDate: ind.Target.Date.Format("2 Jan 2006"),
		Known: st.Progress.Known, Achieved: st.Progress.Achieved}
	if st.Progress.Known {
		v.Current = fmtNum(st.Progress.Current)
		pct := st.Progress.Fraction * 100
		v.ProgressPct = int(math.Max(0, math.Min(100, math.Round(pct))))
		v.ProgressText = fmt.Sprintf("%s%% of the way from baseline to target", fmtNum(math.Round(pct)))
	}
	byPeriod, err := impact.ByPeriod(ind, dims, obs, impact.Filter{})
	if err != nil {
		return v, err
	}
	ends := map[string]impact.Period{}
	for _, o := range obs {
		ends[o.Period.Code] = o.Period
	}
	var pts []chartPoint
	for _, g := range byPeriod {
		end := ends[g.Key].End
		var upTo []impact.Observation
		for _, o := range obs {
			if !o.Period.End.After(end) {
				upTo = append(upTo, o)
			}
		}
		toDate, err := impact.Rollup(ind, dims, upTo, impact.Filter{})
		if err != nil {
			return v, err
		}
		pt := chartPoint{Period: g.Key, Value: g.Aggregate.Value, HasValue: g.Aggregate.Defined, ToDate: toDate.Value, HasDate: toDate.Defined}
		pts = append(pts, pt)
		row := periodRow{Period: g.Key, Value: "–", ToDate: "–"}
		if pt.HasValue {
			row.Value = fmtNum(pt.Value)
		}
		if pt.HasDate {
			row.ToDate = fmtNum(pt.ToDate)
		}
		v.Periods = append(v.Periods, row)
	}
	if len(pts) > 0 {
		v.Chart = indicatorChartSVG(ind, pts, chartID)
	}
	for _, d := range dims {
		if len(d.Categories) == 0 && d.Name != impact.DimPlace {
			continue
		}
		groups, err := impact.Breakdown(ind, dims, obs, d.Name, impact.Filter{})
		if err != nil {
			return v, err
		}
		if len(groups) == 0 || (len(groups) == 1 && groups[0].Key == impact.NotRecorded) {
			continue
		}
		shown, err := impact.ProtectGroups(ind, groups, false)
		if err != nil {
			return v, err
		}
		bv := breakdownView{Dimension: strings.ReplaceAll(d.Name, "_", " ")}
		for _, g := range shown {
			row := groupRow{Key: g.Key, Suppressed: g.Suppressed, Value: "–"}
			if g.Suppressed {
				row.Value = "suppressed"
			} else if g.Aggregate.Defined {
				row.Value = fmtNum(g.Aggregate.Value)
			}
			bv.Rows = append(bv.Rows, row)
		}
		v.Breakdowns = append(v.Breakdowns, bv)
	}
	return v, nil
}

func (s *impactHandlers) impactProgrammePage(w http.ResponseWriter, r *http.Request) {
	s.renderProgramme(w, r, http.StatusOK, nil)
}

func (s *impactHandlers) renderProgramme(w http.ResponseWriter, r *http.Request, status int, extra map[string]any) {
	p := principalOf(r)
	ctx := r.Context()
	prog, err := s.impact.Programme(ctx, p.User.OrgID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	obs, err := s.impact.Observations(ctx, p.User.OrgID, prog.ID, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	analyses, err := s.impact.Analyses(ctx, p.User.OrgID, prog.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m := prog.Model
	data := map[string]any{"Programme": prog, "Name": m.Programme, "Analyses": analyses,
		"ModelSVG": logicModelSVG(m, "lm"), "Dimensions": prog.Dimensions}
	var cols []kindColumn
	for _, k := range kindOrder {
		c := kindColumn{Heading: kindHeading[k], Kind: string(k)}
		for _, n := range m.Nodes {
			if n.Kind == k {
				c.Nodes = append(c.Nodes, n)
			}
		}
		cols = append(cols, c)
	}
	data["Columns"] = cols
	title := func(id string) string {
		if n, ok := m.Node(id); ok {
			return n.Title
		}
		return id
	}
	var links []linkView
	for _, l := range m.Links {
		links = append(links, linkView{From: title(l.From), To: title(l.To), Assumptions: l.Assumptions, Evidence: l.Evidence})
	}
	data["Links"] = links
	modelJSON, _ := json.MarshalIndent(m, "", "  ")
	data["ModelJSON"] = string(modelJSON)
	if rep, err := m.Report(prog.Dimensions, obs, impact.Filter{}); err != nil {
		data["ReportError"] = kernel.ErrorMessage(err)
	} else {
		byInd := map[string][]impact.Observation{}
		for _, o := range obs {
			byInd[o.Indicator] = append(byInd[o.Indicator], o)
		}
		sections := []reportSection{
			{Class: "output", Title: "Outputs: what the programme delivered", Intro: "Counts of activity. They show the work was done, not that anything changed."},
			{Class: "outcome", Title: "Outcomes: what changed for people", Intro: "Changes in people's lives that the outputs are meant to bring about."},
			{Class: "impact", Title: "Impact: the long-run change", Intro: "The lasting change the outcomes contribute to."},
		}
		for i, list := range [][]impact.IndicatorStatus{rep.Outputs, rep.Outcomes, rep.Impact} {
			for j, st := range list {
				v, err := indicatorPanel(st, prog.Dimensions, byInd[st.Indicator.Code], fmt.Sprintf("chart-%d-%d", i, j))
				if err != nil {
					data["ReportError"] = kernel.ErrorMessage(err)
					break
				}
				sections[i].Indicators = append(sections[i].Indicators, v)
			}
		}
		data["Sections"] = sections
	}
	data["MinGroup"] = impact.MinGroupSize
	data["FileIndicators"], data["FileDimensions"] = fileColumns(s.localeOf(r), prog)
	if p.Can(account.PermImpactWrite) {
		posted, _ := extra["Posted"].(url.Values)
		key, _ := extra["PostedKey"].(string)
		problems, _ := extra["PostedErrors"].([]string)
		data["Edit"] = modelEditData(prog, posted, key, problems)
		data["SROIForm"] = s.sroiFormData(ctx, p.User.OrgID, prog, extra)
	}
	for k, v := range extra {
		data[k] = v
	}
	s.render(w, r, status, "impact_programme.html", data)
}

func (s *impactHandlers) impactModelSubmit(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	text := r.FormValue("model")
	m, err := impact.DecodeLogicModel(strings.NewReader(text))
	if err == nil {
		_, err = s.impact.ReplaceModel(r.Context(), p.User.OrgID, r.PathValue("id"), *m)
	}
	if err != nil {
		if kernel.IsCode(err, kernel.Invalid) {
			s.renderProgramme(w, r, http.StatusBadRequest, map[string]any{"ModelError": kernel.ErrorMessage(err),
				"ModelProblems": modelProblems(err), "ModelJSON": text})
			return
		}
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/impact/programmes/"+r.PathValue("id"), "Logic model saved.")
}

func (s *impactHandlers) impactUploadSubmit(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	id := r.PathValue("id")
	data, name, err := uploadedFile(w, r, "file", maxCSVUpload)
	n := 0
	if err == nil {
		n, err = s.impact.ImportObservations(r.Context(), p.User.OrgID, id, bytes.NewReader(data), name)
	}
	if err != nil {
		if code := kernel.ErrorCode(err); code == kernel.Invalid || code == kernel.Conflict {
			extra := map[string]any{"UploadError": kernel.ErrorMessage(err)}
			var ie *impact.ImportError
			if errors.As(err, &ie) {
				extra["UploadError"] = fmt.Sprintf("%s: nothing was stored. Fix these rows and upload the file again.", ie.File)
				extra["UploadRows"] = ie.Rows
				extra["UploadMore"] = ie.More
			}
			s.renderProgramme(w, r, statusOf(code), extra)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/impact/programmes/"+id+"#observations", s.tr(r, "%v stored from %v.", s.localeOf(r).countOf(n, "observation", "observations"), name))
}

func (s *impactHandlers) impactSROISubmit(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	id := r.PathValue("id")
	r.Body = http.MaxBytesReader(w, r.Body, maxMapUpload)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		// The impact map typed into the form rather than JSON.
		if err := r.ParseForm(); err != nil {
			s.renderProgramme(w, r, http.StatusBadRequest, map[string]any{"SROIError": "the impact map form is too large or malformed"})
			return
		}
		s.impactSROIFormSubmit(w, r)
		return
	}
	var text []byte
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(maxMapUpload); err != nil {
			s.renderProgramme(w, r, http.StatusBadRequest, map[string]any{"SROIError": "the impact map is too large or the form is malformed"})
			return
		}
		if f, _, err := r.FormFile("mapfile"); err == nil {
			var buf bytes.Buffer
			buf.ReadFrom(f)
			f.Close()
			text = bytes.TrimSpace(buf.Bytes())
		}
	}
	if len(text) == 0 {
		text = []byte(strings.TrimSpace(r.FormValue("map")))
	}
	fail := func(err error) {
		if kernel.IsCode(err, kernel.Invalid) {
			s.renderProgramme(w, r, http.StatusBadRequest, map[string]any{"SROIError": kernel.ErrorMessage(err), "SROIMap": string(text)})
			return
		}
		s.fail(w, r, err)
	}
	if len(text) == 0 {
		fail(kernel.Errorf(kernel.Invalid, "impact map: paste the JSON or choose a file"))
		return
	}
	m, err := impact.ParseMap(text)
	if err != nil {
		fail(err)
		return
	}
	a, err := s.impact.AnalyseSROI(r.Context(), p.User.OrgID, id, m)
	if err != nil {
		fail(err)
		return
	}
	s.done(w, r, "/impact/programmes/"+id+"/sroi/"+a.ID, "Social return on investment analysed and saved.")
}

type sensitivityRow struct {
	Parameter, Step, Down, Up, Switching string
	NotReached                           bool
}

func stepText(s impact.Sensitivity) string {
	if s.StepKind == "factor" {
		return "±" + fmtNum(s.Step*100) + "%"
	}
	if pts := fmtNum(s.Step * 100); pts != "1" {
		return "±" + pts + " points"
	}
	return "±1 point"
}

func switchingText(s impact.Sensitivity) string {
	if s.SwitchingValue == nil {
		return s.SwitchingReason
	}
	v := *s.SwitchingValue
	switch s.SwitchingKind {
	case "factor":
		return "×" + fmtNum(v) + " (" + fmtSigned((v-1)*100) + "%)"
	case "value":
		return fmtNum(v*100) + "%"
	default:
		return fmtSigned(v*100) + " points on every outcome"
	}
}

func fmtSigned(v float64) string {
	if v > 0 {
		return "+" + fmtNum(v)
	}
	return fmtNum(v)
}

func (s *impactHandlers) impactSROIPage(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	prog, err := s.impact.Programme(r.Context(), p.User.OrgID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.impact.Analyses(r.Context(), p.User.OrgID, prog.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var a *impact.Analysis
	for i := range list {
		if list[i].ID == r.PathValue("analysis") {
			a = &list[i]
		}
	}
	if a == nil {
		s.fail(w, r, kernel.Errorf(kernel.NotFound, "analysis not found"))
		return
	}
	res := a.Result
	money := func(v float64) string { return res.Currency + " " + fmtNum(v) }
	var sens []sensitivityRow
	for _, x := range res.Sensitivity {
		sens = append(sens, sensitivityRow{Parameter: labelOf(x.Parameter), Step: stepText(x), Down: impact.FormatRatio(x.RatioDown),
			Up: impact.FormatRatio(x.RatioUp), Switching: switchingText(x), NotReached: x.SwitchingValue == nil})
	}
	type yearRow struct{ Year, Value, PV string }
	var years []yearRow
	for _, y := range res.Years {
		years = append(years, yearRow{fmt.Sprint(y.Year), money(y.Value), money(y.PresentValue)})
	}
	type outcomeRow struct{ Stakeholder, Outcome, Quantity, Proxy, Filters, Duration, Impact, PV string }
	var outcomes []outcomeRow
	for i, o := range a.Map.Outcomes {
		or := res.Outcomes[i]
		outcomes = append(outcomes, outcomeRow{Stakeholder: o.Stakeholder, Outcome: o.Outcome, Quantity: fmtNum(o.Quantity),
			Proxy: money(o.Proxy.Value), Filters: fmt.Sprintf("%s%% / %s%% / %s%% / %s%%", fmtNum(o.Deadweight*100), fmtNum(o.Displacement*100), fmtNum(o.Attribution*100), fmtNum(o.DropOff*100)),
			Duration: fmt.Sprintf("%d from year %d", o.DurationYears, or.FirstYear), Impact: money(or.Impact), PV: money(or.PresentValue)})
	}
	payback := "none (no first-year impact)"
	if res.PaybackMonths != nil {
		payback = fmtNum(*res.PaybackMonths) + " months"
	}
	type inputRow struct{ Stakeholder, Description, Value string }
	var inputs []inputRow
	for _, in := range a.Map.Inputs {
		inputs = append(inputs, inputRow{in.Stakeholder, in.Description, money(in.Value)})
	}
	mapJSON, _ := json.MarshalIndent(a.Map, "", "  ")
	s.render(w, r, http.StatusOK, "impact_sroi.html", map[string]any{
		"Programme": prog, "Name": prog.Model.Programme, "Analysis": a, "Created": a.CreatedAt.Format("2 Jan 2006 15:04 MST"),
		"Ratio": res.RatioDisplay, "Rounded": res.RatioRounded, "NetRatio": fmtNum(res.NetRatio),
		"PV": money(res.PresentValue), "NPV": money(res.NetPresentValue), "Inputs": money(res.Inputs),
		"Discount": fmtNum(res.DiscountRate*100) + "%", "Payback": payback, "Years": years, "Outcomes": outcomes,
		"Sensitivity": sens, "Tornado": tornadoSVG(res, "tornado"), "MapJSON": string(mapJSON),
		"InputRows": inputs,
	})
}

// fileColumn is an optional column of an observations file, described in
// words for the upload hint.
type fileColumn struct{ Name, Words string }

// fileColumns lists the indicators by the codes files name them with, and
// describes the programme's disaggregation columns.
func fileColumns(l *locale, prog *impact.Programme) ([]impact.Indicator, []fileColumn) {
	var dims []fileColumn
	for _, d := range prog.Dimensions {
		what := strings.ReplaceAll(d.Name, "_", " ")
		words := l.tr("optional: the %v the figure is for; leave it empty for everyone.", what)
		if len(d.Categories) > 0 {
			words = l.tr("optional: the %v the figure is for, one of %v; leave it empty for everyone.", what, strings.Join(d.Categories, ", "))
		}
		dims = append(dims, fileColumn{Name: d.Name, Words: words})
	}
	return prog.Model.Indicators, dims
}
