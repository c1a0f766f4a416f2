package web

import (
	"fmt"
	"html/template"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/impact"
)

// Charts and diagrams are drawn on the server as SVG so that they work with
// JavaScript off and under a CSP without inline style: colours come from
// classes in impact.css, and every chart has a title, a description and a
// table or list of the same figures beside it for screen readers and for
// people who would rather read numbers.

func esc(s string) string { return template.HTMLEscapeString(s) }

// num writes a coordinate compactly.
func num(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// kindOrder is the left-to-right order of the diagram's columns.
var kindOrder = []impact.NodeKind{impact.KindInput, impact.KindActivity, impact.KindOutput, impact.KindOutcome, impact.KindImpact}

var kindHeading = map[impact.NodeKind]string{
	impact.KindInput: translatable("Inputs"), impact.KindActivity: translatable("Activities"), impact.KindOutput: translatable("Outputs"),
	impact.KindOutcome: translatable("Outcomes"), impact.KindImpact: translatable("Impact"),
}

// wrap breaks text into at most max lines of about width characters,
// ending the last with an ellipsis when text is cut.
func wrap(text string, width, max int) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(text) {
		if r := []rune(w); len(r) > width {
			w = string(r[:width-1]) + "…"
		}
		switch {
		case cur == "":
			cur = w
		case len([]rune(cur))+1+len([]rune(w)) <= width:
			cur += " " + w
		default:
			lines = append(lines, cur)
			cur = w
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	if len(lines) > max {
		lines = lines[:max]
		last := []rune(lines[max-1])
		if len(last) >= width {
			last = last[:width-1]
		}
		lines[max-1] = string(last) + "…"
	}
	return lines
}

// logicModelSVG draws the results chain in five columns, input to impact,
// with an arrow for every causal link, in language l. id makes the
// element ids unique. The steps' titles are the programme's own words and
// keep their language.
func logicModelSVG(l *locale, m impact.LogicModel, id string) template.HTML {
	const (
		colW, gapX, boxH, gapY = 180.0, 56.0, 66.0, 18.0
		marginX, headH         = 16.0, 34.0
	)
	cols := map[impact.NodeKind][]impact.Node{}
	for _, n := range m.Nodes {
		cols[n.Kind] = append(cols[n.Kind], n)
	}
	rows := 1
	for _, k := range kindOrder {
		rows = max(rows, len(cols[k]))
	}
	width := 2*marginX + 5*colW + 4*gapX + 30 // room on the right for outcome loops
	height := headH + float64(rows)*(boxH+gapY) + 8
	type box struct{ x, y float64 }
	at := map[string]box{}
	for c, k := range kindOrder {
		x := marginX + float64(c)*(colW+gapX)
		for r, n := range cols[k] {
			at[n.ID] = box{x, headH + float64(r)*(boxH+gapY)}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="logic-model" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-title %s-desc" xmlns="http://www.w3.org/2000/svg">`,
		num(width), num(height), id, id)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title>`, id, esc(l.tr("Logic model of %v", m.Programme)))
	fmt.Fprintf(&b, `<desc id="%s-desc">%s</desc>`, id,
		esc(l.tr("%v steps in five columns from inputs to impact, joined by %v causal links. The same model is listed in text below the diagram.", l.count(len(m.Nodes)), l.count(len(m.Links)))))
	fmt.Fprintf(&b, `<defs><marker id="%s-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" class="lm-arrowhead"/></marker></defs>`, id)
	for c, k := range kindOrder {
		x := marginX + float64(c)*(colW+gapX)
		fmt.Fprintf(&b, `<text class="lm-heading" x="%s" y="20">%s</text>`, num(x+colW/2), esc(l.tr(kindHeading[k])))
	}
	for _, link := range m.Links {
		from, okf := at[link.From]
		to, okt := at[link.To]
		if !okf || !okt {
			continue
		}
		fy, ty := from.y+boxH/2, to.y+boxH/2
		var d string
		if from.x == to.x {
			// Outcome to outcome: loop out to the right of the column.
			x := from.x + colW
			bend := x + 26
			d = fmt.Sprintf("M%s %s C%s %s %s %s %s %s", num(x), num(fy), num(bend), num(fy), num(bend), num(ty), num(x+2), num(ty))
		} else {
			x1, x2 := from.x+colW, to.x-2
			mid := (x1 + x2) / 2
			d = fmt.Sprintf("M%s %s C%s %s %s %s %s %s", num(x1), num(fy), num(mid), num(fy), num(mid), num(ty), num(x2), num(ty))
		}
		cls := "lm-link"
		if len(link.Assumptions) > 0 {
			cls += " lm-link-assumed"
		}
		fmt.Fprintf(&b, `<path class="%s" d="%s" marker-end="url(#%s-arrow)"/>`, cls, d, id)
	}
	for _, k := range kindOrder {
		for _, n := range cols[k] {
			p := at[n.ID]
			fmt.Fprintf(&b, `<g class="lm-node lm-%s"><rect x="%s" y="%s" width="%s" height="%s" rx="6"/>`,
				esc(string(k)), num(p.x), num(p.y), num(colW), num(boxH))
			lines := wrap(n.Title, 24, 3)
			top := p.y + boxH/2 - float64(len(lines)-1)*8 + 4
			fmt.Fprintf(&b, `<text class="text" x="%s" y="%s">`, num(p.x+colW/2), num(top))
			for i, line := range lines {
				dy := "0"
				if i > 0 {
					dy = "16"
				}
				fmt.Fprintf(&b, `<tspan x="%s" dy="%s">%s</tspan>`, num(p.x+colW/2), dy, esc(line))
			}
			b.WriteString(`</text></g>`)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// chartPoint is one period of an indicator chart.
type chartPoint struct {
	Period string
	// Value is the period's own figure, ToDate the roll-up of every period
	// up to and including it; either may be undefined.
	Value, ToDate     float64
	HasValue, HasDate bool
}

// indicatorChartSVG draws an indicator's periods as bars (the period's own
// figure) and a line (the figure to date), against dashed baseline and
// target lines, in language l.
func indicatorChartSVG(l *locale, ind impact.Indicator, pts []chartPoint, id string) template.HTML {
	const (
		w, h                   = 640.0, 260.0
		left, right, top, bott = 64.0, 110.0, 16.0, 40.0
	)
	lo, hi := math.Min(0, math.Min(ind.Baseline.Value, ind.Target.Value)), math.Max(ind.Baseline.Value, ind.Target.Value)
	for _, p := range pts {
		if p.HasValue {
			lo, hi = math.Min(lo, p.Value), math.Max(hi, p.Value)
		}
		if p.HasDate {
			lo, hi = math.Min(lo, p.ToDate), math.Max(hi, p.ToDate)
		}
	}
	if hi <= lo {
		hi = lo + 1
	}
	step := niceStep((hi - lo) / 4)
	lo, hi = math.Floor(lo/step)*step, math.Ceil(hi*1.04/step)*step
	ticks := int(math.Round((hi - lo) / step))
	plotW, plotH := w-left-right, h-top-bott
	y := func(v float64) float64 { return top + plotH - (v-lo)/(hi-lo)*plotH }
	n := max(len(pts), 1)
	slot := plotW / float64(n)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-title %s-desc" xmlns="http://www.w3.org/2000/svg">`, num(w), num(h), id, id)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title>`, id, esc(l.tr("%v by period", ind.Name+" ("+ind.Unit+")")))
	fmt.Fprintf(&b, `<desc id="%s-desc">%s</desc>`, id,
		esc(l.tr("Bars show each period's figure, the line the figure to date; dashed lines mark the baseline (%v) and the target (%v). The figures are in the table below the chart.", l.num(ind.Baseline.Value), l.num(ind.Target.Value))))
	for i := 0; i <= ticks; i++ {
		v := lo + step*float64(i)
		fmt.Fprintf(&b, `<line class="chart-grid" x1="%s" x2="%s" y1="%s" y2="%s"/>`, num(left), num(w-right), num(y(v)), num(y(v)))
		fmt.Fprintf(&b, `<text class="chart-tick" x="%s" y="%s">%s</text>`, num(left-6), num(y(v)+4), esc(l.short(v)))
	}
	fmt.Fprintf(&b, `<line class="chart-axis" x1="%s" x2="%s" y1="%s" y2="%s"/>`, num(left), num(w-right), num(y(math.Max(lo, 0))), num(y(math.Max(lo, 0))))
	var line []string
	for i, p := range pts {
		cx := left + slot*(float64(i)+0.5)
		if p.HasValue {
			bw := math.Min(slot*0.55, 60)
			y0, y1 := y(math.Max(lo, 0)), y(p.Value)
			fmt.Fprintf(&b, `<rect class="chart-bar" x="%s" y="%s" width="%s" height="%s"/>`, num(cx-bw/2), num(math.Min(y0, y1)), num(bw), num(math.Abs(y0-y1)))
		}
		if p.HasDate {
			line = append(line, num(cx)+" "+num(y(p.ToDate)))
		}
		fmt.Fprintf(&b, `<text class="chart-label" x="%s" y="%s">%s</text>`, num(cx), num(h-bott+18), esc(p.Period))
	}
	if len(line) > 0 {
		fmt.Fprintf(&b, `<polyline class="chart-todate" points="%s"/>`, strings.Join(line, " "))
		for _, pt := range line {
			xy := strings.Fields(pt)
			fmt.Fprintf(&b, `<circle class="chart-todate-dot" cx="%s" cy="%s" r="3.5"/>`, xy[0], xy[1])
		}
	}
	for _, ref := range []struct {
		cls, label string
		v          float64
	}{{"chart-baseline", l.tr("Baseline"), ind.Baseline.Value}, {"chart-target", l.tr("Target"), ind.Target.Value}} {
		fmt.Fprintf(&b, `<line class="%s" x1="%s" x2="%s" y1="%s" y2="%s"/>`, ref.cls, num(left), num(w-right), num(y(ref.v)), num(y(ref.v)))
		fmt.Fprintf(&b, `<text class="chart-ref %s-label" x="%s" y="%s">%s %s</text>`, ref.cls, num(w-right+6), num(y(ref.v)+4), esc(ref.label), esc(l.short(ref.v)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// paramLabel names a sensitivity parameter for people.
var paramLabel = map[string]string{
	impact.ParamDeadweight: translatable("Deadweight"), impact.ParamAttribution: translatable("Attribution"), impact.ParamDisplacement: translatable("Displacement"),
	impact.ParamDropOff: translatable("Drop-off"), impact.ParamProxyValues: translatable("Proxy values"), impact.ParamQuantities: translatable("Quantities"),
	impact.ParamDiscountRate: translatable("Discount rate"), impact.ParamInputValue: translatable("Input value"),
}

func labelOf(param string) string {
	if l, ok := paramLabel[param]; ok {
		return l
	}
	return param
}

// tornadoSVG draws, for each parameter, a bar from the ratio with the
// parameter moved down to the ratio with it moved up, widest first, around
// the base ratio, with the 1:1 break-even line marked, in language l.
func tornadoSVG(l *locale, res impact.Result, id string) template.HTML {
	sens := append([]impact.Sensitivity(nil), res.Sensitivity...)
	sort.SliceStable(sens, func(i, j int) bool {
		return math.Abs(sens[i].RatioUp-sens[i].RatioDown) > math.Abs(sens[j].RatioUp-sens[j].RatioDown)
	})
	const (
		w, left, right, top, rowH = 640.0, 130.0, 24.0, 40.0, 30.0
	)
	h := top + float64(len(sens))*rowH + 44
	lo, hi := math.Min(1, res.Ratio), math.Max(1, res.Ratio)
	for _, s := range sens {
		lo = math.Min(lo, math.Min(s.RatioDown, s.RatioUp))
		hi = math.Max(hi, math.Max(s.RatioDown, s.RatioUp))
	}
	pad := (hi - lo) * 0.06
	if pad == 0 {
		pad = 0.5
	}
	lo, hi = math.Max(0, lo-pad), hi+pad
	plotW := w - left - right
	x := func(v float64) float64 { return left + (v-lo)/(hi-lo)*plotW }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart tornado" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-title %s-desc" xmlns="http://www.w3.org/2000/svg">`, num(w), num(h), id, id)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title>`, id, esc(l.tr("Sensitivity of the SROI ratio %v", l.ratio(res.Ratio))))
	fmt.Fprintf(&b, `<desc id="%s-desc">%s</desc>`, id, esc(l.tr("For each assumption, a bar from the ratio with the assumption moved down to the ratio with it moved up, the most influential first. The base ratio and the 1:1 break-even are marked. The figures are in the table below.")))
	// Legend.
	fmt.Fprintf(&b, `<rect class="tornado-down" x="%s" y="8" width="12" height="12"/><text class="chart-legend" x="%s" y="18">%s</text>`, num(left), num(left+16), esc(l.tr("Assumption moved down")))
	fmt.Fprintf(&b, `<rect class="tornado-up" x="%s" y="8" width="12" height="12"/><text class="chart-legend" x="%s" y="18">%s</text>`, num(left+190), num(left+206), esc(l.tr("Assumption moved up")))
	for i, s := range sens {
		cy := top + float64(i)*rowH
		fmt.Fprintf(&b, `<text class="chart-tick" x="%s" y="%s">%s</text>`, num(left-8), num(cy+rowH/2+4), esc(l.tr(labelOf(s.Parameter))))
		for _, part := range []struct {
			cls string
			v   float64
		}{{"tornado-down", s.RatioDown}, {"tornado-up", s.RatioUp}} {
			x0, x1 := x(res.Ratio), x(part.v)
			fmt.Fprintf(&b, `<rect class="%s" x="%s" y="%s" width="%s" height="%s"/>`, part.cls, num(math.Min(x0, x1)), num(cy+5), num(math.Max(math.Abs(x1-x0), 1)), num(rowH-10))
		}
	}
	base := x(res.Ratio)
	bottom := top + float64(len(sens))*rowH
	fmt.Fprintf(&b, `<line class="tornado-base" x1="%s" x2="%s" y1="%s" y2="%s"/>`, num(base), num(base), num(top-4), num(bottom))
	fmt.Fprintf(&b, `<text class="chart-label" x="%s" y="%s">%s</text>`, num(base), num(bottom+16), esc(l.tr("Base %v", l.ratio(res.Ratio))))
	if one := x(1); one >= left && one <= w-right {
		fmt.Fprintf(&b, `<line class="tornado-even" x1="%s" x2="%s" y1="%s" y2="%s"/>`, num(one), num(one), num(top-4), num(bottom))
		fmt.Fprintf(&b, `<text class="chart-label" x="%s" y="%s">%s</text>`, num(one), num(bottom+32), esc(l.tr("Break-even 1:1")))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// niceStep rounds a raw axis step up to 1, 2, 2.5 or 5 times a power of
// ten, so that ticks fall on figures people read easily.
func niceStep(raw float64) float64 {
	if raw <= 0 || math.IsNaN(raw) || math.IsInf(raw, 0) {
		return 1
	}
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*pow >= raw {
			return m * pow
		}
	}
	return 10 * pow
}

// fmtShort shows an axis figure: whole numbers where the range allows.
func fmtShort(v float64) string {
	if math.Abs(v) >= 100 {
		return fmtNum(math.Round(v))
	}
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}
