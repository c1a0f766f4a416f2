package impact

import (
	"context"
	"strconv"
	"strings"
)

// ReportCSVHeader is the header row of ReportCSV.
var ReportCSVHeader = []string{"section", "item", "field", "value"}

// ReportCSV is a programme's report in long form, one figure a row
// (section, item, field, value), so that any spreadsheet or script can
// pivot it: the logic model, each indicator with its progress and period
// figures, and the latest SROI analysis with its sensitivity. Figures keep
// full precision. Breakdowns are left out: they belong where small-group
// suppression applies. The rows come without ReportCSVHeader; text cells
// that a spreadsheet would read as a formula start with a quote.
func (s *Service) ReportCSV(ctx context.Context, org, programmeID string) ([][]string, error) {
	prog, err := s.Store.Programme(ctx, org, programmeID)
	if err != nil {
		return nil, err
	}
	obs, err := s.Store.Observations(ctx, org, prog.ID, "")
	if err != nil {
		return nil, err
	}
	rep, err := prog.Model.Report(prog.Dimensions, obs, Filter{})
	if err != nil {
		return nil, err
	}
	analyses, err := s.Store.Analyses(ctx, org, prog.ID)
	if err != nil {
		return nil, err
	}
	var rows [][]string
	text := func(section, item, field, v string) {
		rows = append(rows, []string{section, csvCell(item), field, csvCell(v)})
	}
	number := func(section, item, field string, v float64) {
		rows = append(rows, []string{section, csvCell(item), field, strconv.FormatFloat(v, 'g', -1, 64)})
	}
	text("programme", prog.ID, "name", prog.Model.Programme)
	for _, n := range prog.Model.Nodes {
		text("node", n.ID, "kind", string(n.Kind))
		text("node", n.ID, "title", n.Title)
	}
	for _, l := range prog.Model.Links {
		item := l.From + " -> " + l.To
		text("link", item, "from", l.From)
		for _, a := range l.Assumptions {
			text("link", item, "assumption", a.Text+riskSuffix(a.Risk))
		}
		for _, e := range l.Evidence {
			text("link", item, "evidence", e.Summary+riskSuffix(string(e.Strength)))
		}
	}
	byInd := map[string][]Observation{}
	for _, o := range obs {
		byInd[o.Indicator] = append(byInd[o.Indicator], o)
	}
	for _, part := range []struct {
		kind string
		list []IndicatorStatus
	}{{"output", rep.Outputs}, {"outcome", rep.Outcomes}, {"impact", rep.Impact}} {
		for _, st := range part.list {
			ind := st.Indicator
			text("indicator", ind.Code, "level", part.kind)
			text("indicator", ind.Code, "name", ind.Name)
			text("indicator", ind.Code, "unit", ind.Unit)
			text("indicator", ind.Code, "node", ind.Node)
			number("indicator", ind.Code, "baseline", ind.Baseline.Value)
			text("indicator", ind.Code, "baseline_date", ind.Baseline.Date.Format("2006-01-02"))
			number("indicator", ind.Code, "target", ind.Target.Value)
			text("indicator", ind.Code, "target_date", ind.Target.Date.Format("2006-01-02"))
			if st.Progress.Known {
				number("indicator", ind.Code, "current", st.Progress.Current)
				number("indicator", ind.Code, "progress", st.Progress.Fraction)
				text("indicator", ind.Code, "achieved", strconv.FormatBool(st.Progress.Achieved))
			}
			groups, err := ByPeriod(ind, prog.Dimensions, byInd[ind.Code], Filter{})
			if err != nil {
				return nil, err
			}
			for _, g := range groups {
				if g.Aggregate.Defined {
					number("period", ind.Code, g.Key, g.Aggregate.Value)
				}
			}
		}
	}
	if len(analyses) > 0 {
		a := analyses[0]
		res := a.Result
		text("sroi", a.ID, "currency", res.Currency)
		text("sroi", a.ID, "analysed_at", a.CreatedAt.Format("2006-01-02T15:04:05Z07:00"))
		number("sroi", a.ID, "inputs", res.Inputs)
		number("sroi", a.ID, "present_value", res.PresentValue)
		number("sroi", a.ID, "net_present_value", res.NetPresentValue)
		number("sroi", a.ID, "ratio", res.Ratio)
		text("sroi", a.ID, "ratio_display", res.RatioDisplay)
		number("sroi", a.ID, "net_ratio", res.NetRatio)
		if res.PaybackMonths != nil {
			number("sroi", a.ID, "payback_months", *res.PaybackMonths)
		}
		for _, y := range res.Years {
			number("sroi_year", strconv.Itoa(y.Year), "value", y.Value)
			number("sroi_year", strconv.Itoa(y.Year), "present_value", y.PresentValue)
		}
		for _, x := range res.Sensitivity {
			number("sensitivity", x.Parameter, "ratio_down", x.RatioDown)
			number("sensitivity", x.Parameter, "ratio_up", x.RatioUp)
			if x.SwitchingValue != nil {
				number("sensitivity", x.Parameter, "switching_"+x.SwitchingKind, *x.SwitchingValue)
			} else {
				text("sensitivity", x.Parameter, "switching_value", x.SwitchingReason)
			}
		}
	}
	return rows, nil
}

func riskSuffix(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// csvCell stops a spreadsheet from reading a text cell as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
