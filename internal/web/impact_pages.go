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
		s.renderImpactList(w, r, statusOf(kernel.ErrorCode(err)), map[string]any{"Error": s.errorText(r, err),
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
		formErr(failure(kernel.Invalid, "name: missing; give the programme a name"))
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
	Class, Badge, Title, Intro string
	Indicators                 []indicatorView
}

func aggregationText(l *locale, ind impact.Indicator) string {
	var s string
	switch ind.Aggregation {
	case impact.Sum:
		s = l.tr("sum")
	case impact.Average:
		s = l.tr("average weighted by the people behind each figure")
	case impact.Ratio:
		s = l.tr("ratio of totals")
	case impact.Latest:
		s = l.tr("latest period stands")
	default:
		s = l.label(string(ind.Aggregation))
	}
	if ind.Cumulative {
		s = l.tr("%v; running totals", s)
	}
	if ind.Direction == impact.LowerIsBetter {
		return l.tr("%v; lower is better", s)
	}
	return l.tr("%v; higher is better", s)
}

// indicatorPanel builds one indicator's chart, period table and
// breakdowns. Breakdowns on pages always go through suppression: pages are
// for impact readers, who do not all have case access.
func indicatorPanel(l *locale, st impact.IndicatorStatus, dims []impact.Dimension, obs []impact.Observation, chartID string) (indicatorView, error) {
	ind := st.Indicator
	v := indicatorView{Code: ind.Code, Name: ind.Name, Unit: ind.Unit, Node: st.Node.Title, Aggregation: aggregationText(l, ind),
		IRIS: ind.IRIS, SDG: ind.SDG, Baseline: l.num(ind.Baseline.Value), Target: l.num(ind.Target.Value),
		BaselineDate: l.date(ind.Baseline.Date), TargetDate: l.date(ind.Target.Date),
		Known: st.Progress.Known, Achieved: st.Progress.Achieved}
	if st.Progress.Known {
		v.Current = l.num(st.Progress.Current)
		pct := st.Progress.Fraction * 100
		v.ProgressPct = int(math.Max(0, math.Min(100, math.Round(pct))))
		v.ProgressText = l.tr("%v of the way from baseline to target", l.percent(math.Round(pct)/100))
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
			row.Value = l.num(pt.Value)
		}
		if pt.HasDate {
			row.ToDate = l.num(pt.ToDate)
		}
		v.Periods = append(v.Periods, row)
	}
	if len(pts) > 0 {
		v.Chart = indicatorChartSVG(l, ind, pts, chartID)
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
		bv := breakdownView{Dimension: l.label(d.Name)}
		for _, g := range shown {
			// The standard categories are codes (female, age groups);
			// places are named as the programme wrote them.
			key := g.Key
			if d.Name != impact.DimPlace {
				key = l.label(key)
			}
			row := groupRow{Key: key, Suppressed: g.Suppressed, Value: "–"}
			if g.Suppressed {
				row.Value = l.tr("suppressed")
			} else if g.Aggregate.Defined {
				row.Value = l.num(g.Aggregate.Value)
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
	loc := s.localeOf(r)
	data := map[string]any{"Programme": prog, "Name": m.Programme, "Analyses": analyses,
		"ModelSVG": logicModelSVG(loc, m, "lm"), "Dimensions": prog.Dimensions}
	var cols []kindColumn
	for _, k := range kindOrder {
		c := kindColumn{Heading: loc.tr(kindHeading[k]), Kind: string(k)}
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
			{Class: "output", Badge: loc.tr(kindLabel[impact.KindOutput]), Title: loc.tr("Outputs: what the programme delivered"), Intro: loc.tr("Counts of activity. They show the work was done, not that anything changed.")},
			{Class: "outcome", Badge: loc.tr(kindLabel[impact.KindOutcome]), Title: loc.tr("Outcomes: what changed for people"), Intro: loc.tr("Changes in people's lives that the outputs are meant to bring about.")},
			{Class: "impact", Badge: loc.tr(kindLabel[impact.KindImpact]), Title: loc.tr("Impact: the long-run change"), Intro: loc.tr("The lasting change the outcomes contribute to.")},
		}
		for i, list := range [][]impact.IndicatorStatus{rep.Outputs, rep.Outcomes, rep.Impact} {
			for j, st := range list {
				v, err := indicatorPanel(loc, st, prog.Dimensions, byInd[st.Indicator.Code], fmt.Sprintf("chart-%d-%d", i, j))
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
		data["Edit"] = modelEditData(loc, prog, posted, key, problems)
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
			s.renderProgramme(w, r, http.StatusBadRequest, map[string]any{"SROIError": s.tr(r, "the impact map form is too large or malformed")})
			return
		}
		s.impactSROIFormSubmit(w, r)
		return
	}
	var text []byte
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(maxMapUpload); err != nil {
			s.renderProgramme(w, r, http.StatusBadRequest, map[string]any{"SROIError": s.tr(r, "the impact map is too large or the form is malformed")})
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
			s.renderProgramme(w, r, http.StatusBadRequest, map[string]any{"SROIError": s.errorText(r, err), "SROIMap": string(text)})
			return
		}
		s.fail(w, r, err)
	}
	if len(text) == 0 {
		fail(failure(kernel.Invalid, "impact map: paste the JSON or choose a file"))
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

func stepText(l *locale, s impact.Sensitivity) string {
	if s.StepKind == "factor" {
		return "±" + l.percent(s.Step)
	}
	return "±" + l.countOf2(s.Step*100, translatable("point"), translatable("points"))
}

func switchingText(l *locale, s impact.Sensitivity) string {
	if s.SwitchingValue == nil {
		return l.tr(escapeVerbs(s.SwitchingReason))
	}
	v := *s.SwitchingValue
	switch s.SwitchingKind {
	case "factor":
		return "×" + l.num(v) + " (" + signedShare(l, v-1) + ")"
	case "value":
		return l.percent(v)
	default:
		return l.tr("%v points on every outcome", signedNum(l, v*100))
	}
}

// signedShare shows a share with its sign: "+12.5%", "-3%".
func signedShare(l *locale, share float64) string {
	if share > 0 {
		return "+" + l.percent(share)
	}
	return l.percent(share)
}

func signedNum(l *locale, v float64) string {
	if v > 0 {
		return "+" + l.num(v)
	}
	return l.num(v)
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
	loc := s.localeOf(r)
	money := func(v float64) string { return res.Currency + " " + loc.num(v) }
	var sens []sensitivityRow
	for _, x := range res.Sensitivity {
		sens = append(sens, sensitivityRow{Parameter: loc.tr(labelOf(x.Parameter)), Step: stepText(loc, x), Down: loc.ratio(x.RatioDown),
			Up: loc.ratio(x.RatioUp), Switching: switchingText(loc, x), NotReached: x.SwitchingValue == nil})
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
		outcomes = append(outcomes, outcomeRow{Stakeholder: o.Stakeholder, Outcome: o.Outcome, Quantity: loc.num(o.Quantity),
			Proxy: money(o.Proxy.Value), Filters: strings.Join([]string{loc.percent(o.Deadweight), loc.percent(o.Displacement), loc.percent(o.Attribution), loc.percent(o.DropOff)}, " / "),
			Duration: loc.tr("%v from year %v", loc.countOf(o.DurationYears, "year", "years"), or.FirstYear), Impact: money(or.Impact), PV: money(or.PresentValue)})
	}
	payback := loc.tr("none (no first-year impact)")
	if res.PaybackMonths != nil {
		payback = loc.tr("%v months", loc.num(*res.PaybackMonths))
	}
	type inputRow struct{ Stakeholder, Description, Value string }
	var inputs []inputRow
	for _, in := range a.Map.Inputs {
		inputs = append(inputs, inputRow{in.Stakeholder, in.Description, money(in.Value)})
	}
	mapJSON, _ := json.MarshalIndent(a.Map, "", "  ")
	s.render(w, r, http.StatusOK, "impact_sroi.html", map[string]any{
		"Programme": prog, "Name": prog.Model.Programme, "Analysis": a, "Created": loc.dateTime(a.CreatedAt),
		"Ratio": loc.ratio(res.Ratio), "Rounded": res.RatioRounded, "NetRatio": loc.num(res.NetRatio),
		"PV": money(res.PresentValue), "NPV": money(res.NetPresentValue), "Inputs": money(res.Inputs),
		"Discount": loc.percent(res.DiscountRate), "Payback": payback, "Years": years, "Outcomes": outcomes,
		"Sensitivity": sens, "Tornado": tornadoSVG(loc, res, "tornado"), "MapJSON": string(mapJSON),
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
		what := l.label(d.Name)
		words := l.tr("optional: the %v the figure is for; leave it empty for everyone.", what)
		if len(d.Categories) > 0 {
			words = l.tr("optional: the %v the figure is for, one of %v; leave it empty for everyone.", what, strings.Join(d.Categories, ", "))
		}
		dims = append(dims, fileColumn{Name: d.Name, Words: words})
	}
	return prog.Model.Indicators, dims
}
