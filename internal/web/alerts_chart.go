package web

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/number"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/grievance"
)

// AlertSignalReader reads the stored signals an alert's series is summed
// from, and the organisation's closure calendar the detector reads with
// them; the SQL store's early-warning repository implements it.
type AlertSignalReader interface {
	Signals(ctx context.Context, orgID string, kind earlywarning.Kind, from, to time.Time) ([]earlywarning.Signal, error)
	Closures(ctx context.Context, orgID string, from, to earlywarning.Day) ([]earlywarning.ClosurePeriod, error)
}

// Chart windows. The series is read as the detector job reads it
// (earlywarning.DetectorHistory days, so that the baseline has its weeks
// and the guard), and the chart shows the most recent eight weeks of it.
const (
	alertSeriesDays = earlywarning.DetectorHistory
	alertChartDays  = 56
)

// alertChart is the page's picture of one alert's series: the daily
// counts, what the detector expected and the days it alarmed, with the
// same figures in words and in tables. ID prefixes its element ids, so
// that several charts can share a page.
type alertChart struct {
	ID        string
	SVG       template.HTML
	Summary   string
	Detector  string   // what the expected level and alarms come from, in words
	Scores    []string // each alarm day's score against the threshold, in words
	Alarms    []chartAlarm
	Weeks     []chartWeek
	Days      []chartDay
	Threshold string
}

type chartAlarm struct{ Date, Count, Expected, Score string }

type chartWeek struct{ From, To, Count, Expected, Alarms string }

// chartDay is one row of the chart's day-by-day table.
type chartDay struct {
	Date, Count, Expected string
	Alarm                 bool
}

// fmtDay writes a day for people: "21 April 2026".
func fmtDay(d earlywarning.Day) string { return d.Time().Format("2 January 2006") }

// fixed1 shows a score with one decimal, as the locale writes it: "6.2".
func (l *locale) fixed1(v float64) string {
	return l.p.Sprint(number.Decimal(v, number.MinFractionDigits(1), number.MaxFractionDigits(1)))
}

// buildAlertChart draws the last days of trace in language l. id prefixes
// the chart's element ids; title names the series ("Grievances about
// Bangladesh"); threshold is the detector's alarm level. It returns false
// when no day of the window is monitored, since a chart of a series the
// detector cannot yet judge would promise what it is not.
func buildAlertChart(l *locale, id string, trace []earlywarning.TracePoint, days int, title string, threshold float64, detector string) (alertChart, bool) {
	if len(trace) > days {
		trace = trace[len(trace)-days:]
	}
	day := func(d earlywarning.Day) string { return l.date(d.Time()) }
	monitored := 0
	total, expected := 0, 0.0
	c := alertChart{ID: id, Threshold: l.fixed1(threshold), Detector: detector}
	for _, p := range trace {
		total += p.Count
		row := chartDay{Date: day(p.Day), Count: l.count(p.Count), Expected: l.tr("not yet judged"), Alarm: p.Alarm}
		if p.Monitored {
			monitored++
			expected += p.Expected
			row.Expected = l.fixed1(p.Expected)
		}
		c.Days = append(c.Days, row)
		if p.Alarm {
			a := chartAlarm{Date: day(p.Day), Count: l.count(p.Count), Expected: l.fixed1(p.Expected), Score: l.fixed1(p.Sum)}
			c.Alarms = append(c.Alarms, a)
			c.Scores = append(c.Scores, l.tr("CUSUM score %v passed its threshold of %v on %v: %v reports against %v expected.", a.Score, c.Threshold, a.Date, a.Count, a.Expected))
		}
	}
	if monitored == 0 {
		return alertChart{}, false
	}
	for i := 0; i < len(trace); i += 7 {
		wk := trace[i:min(i+7, len(trace))]
		n, e, alarms, mon := 0, 0.0, 0, false
		for _, p := range wk {
			n += p.Count
			e += p.Expected
			mon = mon || p.Monitored
			if p.Alarm {
				alarms++
			}
		}
		w := chartWeek{From: day(wk[0].Day), To: day(wk[len(wk)-1].Day), Count: l.count(n), Expected: l.tr("not yet judged"), Alarms: l.count(alarms)}
		if mon {
			w.Expected = l.fixed1(e)
		}
		c.Weeks = append(c.Weeks, w)
	}
	first, last := trace[0].Day, trace[len(trace)-1].Day
	var b strings.Builder
	b.WriteString(l.tr("From %v to %v, %v reports were counted; the days the detector judged expected %v.", day(first), day(last), l.count(total), l.fixed1(expected)))
	b.WriteString(" ")
	switch len(c.Alarms) {
	case 0:
		b.WriteString(l.tr("The detector raised no alarm in these days."))
	case 1:
		b.WriteString(l.tr("The detector alarmed on 1 day: %v, with %v reports against %v expected.", c.Alarms[0].Date, c.Alarms[0].Count, c.Alarms[0].Expected))
	default:
		parts := make([]string, len(c.Alarms))
		for i, a := range c.Alarms {
			parts[i] = l.tr("%v (%v against %v expected)", a.Date, a.Count, a.Expected)
		}
		b.WriteString(l.tr("The detector alarmed on %v days: %v.", l.count(len(c.Alarms)), strings.Join(parts, ", ")))
	}
	c.Summary = b.String()
	c.SVG = seriesSVG(l, id, trace, title, c.Summary)
	return c, true
}

// seriesSVG draws daily counts as bars, the expected count as a dashed
// line over the monitored days and each alarm day as a darker bar with a
// marker above it. Colours come from classes in alerts.css; title and
// description make it one image for screen readers, who find the figures
// in the summary and table beside it.
func seriesSVG(l *locale, id string, trace []earlywarning.TracePoint, title, desc string) template.HTML {
	const (
		w, h                        = 720.0, 280.0
		left, right, top, bottom    = 44.0, 12.0, 28.0, 40.0
		plotW, plotH                = w - left - right, h - top - bottom
		legendY, markerGap, markerH = 16.0, 4.0, 8.0
	)
	peak := 1.0
	for _, p := range trace {
		peak = max(peak, float64(p.Count), p.Expected)
	}
	step := max(1, math.Ceil(niceStep(peak/5))) // counts are whole, so are their ticks
	ymax := math.Ceil(peak/step) * step
	if ymax < peak*1.08 { // room for the alarm markers above the tallest bar
		ymax += step
	}
	y := func(v float64) float64 { return top + plotH - v/ymax*plotH }
	slot := plotW / float64(len(trace))
	x := func(i int) float64 { return left + float64(i)*slot }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart series-chart" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-title %s-desc" xmlns="http://www.w3.org/2000/svg">`, num(w), num(h), id, id)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, esc(title), id, esc(desc))
	for v := 0.0; v <= ymax+step/2; v += step {
		fmt.Fprintf(&b, `<line class="chart-grid" x1="%s" x2="%s" y1="%s" y2="%s"/>`, num(left), num(w-right), num(y(v)), num(y(v)))
		fmt.Fprintf(&b, `<text class="chart-tick" x="%s" y="%s">%s</text>`, num(left-6), num(y(v)+4), esc(l.num(v)))
	}
	b.WriteString(`<g class="series-bars">`)
	for i, p := range trace {
		if p.Count == 0 {
			continue
		}
		class := "series-count"
		if p.Alarm {
			class = "series-alarm"
		}
		fmt.Fprintf(&b, `<rect class="%s" x="%s" y="%s" width="%s" height="%s"/>`, class, num(x(i)+slot*0.15), num(y(float64(p.Count))), num(slot*0.7), num(y(0)-y(float64(p.Count))))
	}
	b.WriteString(`</g>`)
	// The expected line, broken where the detector was not yet judging.
	var pts []string
	flush := func() {
		if len(pts) > 1 {
			fmt.Fprintf(&b, `<polyline class="series-expected" points="%s"/>`, strings.Join(pts, " "))
		}
		pts = pts[:0]
	}
	for i, p := range trace {
		if !p.Monitored {
			flush()
			continue
		}
		pts = append(pts, num(x(i)+slot/2)+","+num(y(p.Expected)))
	}
	flush()
	for i, p := range trace {
		if !p.Alarm {
			continue
		}
		cx, ty := x(i)+slot/2, y(float64(p.Count))-markerGap
		fmt.Fprintf(&b, `<path class="series-marker" d="M%s %sL%s %sL%s %sZ"/>`, num(cx), num(ty), num(cx-5), num(ty-markerH), num(cx+5), num(ty-markerH))
	}
	fmt.Fprintf(&b, `<line class="chart-axis" x1="%s" x2="%s" y1="%s" y2="%s"/>`, num(left), num(w-right), num(y(0)), num(y(0)))
	// A date under each week's first day, and under the last day.
	for i := 0; i < len(trace); i += 7 {
		fmt.Fprintf(&b, `<text class="chart-label" x="%s" y="%s">%s</text>`, num(x(i)+slot/2), num(h-bottom+16), esc(l.shortDay(trace[i].Day.Time())))
	}
	// The legend.
	fmt.Fprintf(&b, `<rect class="series-count" x="%s" y="%s" width="10" height="10"/><text class="chart-legend" x="%s" y="%s">%s</text>`, num(left), num(legendY-9), num(left+14), num(legendY), esc(l.tr("Reports a day")))
	fmt.Fprintf(&b, `<line class="series-expected" x1="%s" x2="%s" y1="%s" y2="%s"/><text class="chart-legend" x="%s" y="%s">%s</text>`, num(left+130), num(left+154), num(legendY-4), num(legendY-4), num(left+160), num(legendY), esc(l.tr("Expected")))
	fmt.Fprintf(&b, `<path class="series-marker" d="M%s %sL%s %sL%s %sZ"/><text class="chart-legend" x="%s" y="%s">%s</text>`, num(left+250), num(legendY), num(left+245), num(legendY-9), num(left+255), num(legendY-9), num(left+262), num(legendY), esc(l.tr("Alarm day")))
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// seriesLabel names what a series counts, in l's language, for the
// chart's title and the closure calendar. name is the subject's name where
// the page knows it (a supplier's); without it a supplier's series reads
// "this supplier".
func seriesLabel(l *locale, s earlywarning.Subject, name string) string {
	switch s.Kind {
	case earlywarning.SubjectCountry:
		return l.tr("Grievances about %v", l.country(s.ID))
	case earlywarning.SubjectParty:
		if name != "" {
			return l.tr("Grievances about %v", name)
		}
		return l.tr("Grievances about this supplier")
	case earlywarning.SubjectCategory:
		// A code that is not a known category (an older series key) still
		// reads as words.
		return l.tr("Grievances about %v", strings.ReplaceAll(grievance.Label(grievance.Category(s.ID), l.Code), "_", " "))
	default:
		return l.tr("Grievances in %v %v", words(string(s.Kind)), s.ID)
	}
}

// shortDay names a day under the chart: "3 Mar", in the locale's month
// names cut to three letters.
func (l *locale) shortDay(t time.Time) string {
	m := []rune(l.months[t.Month()-1])
	return strconv.Itoa(t.Day()) + " " + string(m[:min(3, len(m))])
}

// alertCharts draws the series behind the count-anomaly alerts of one
// page. It reads the organisation's sensitivity once and the stored
// signals and closures once for each window end the alerts need, so that
// a list of fifty alerts costs a few reads, not fifty.
type alertCharts struct {
	s       *alertHandlers
	l       *locale
	orgID   string
	point   *earlywarning.Sensitivity
	windows map[earlywarning.Day]*seriesWindow
}

// seriesWindow is what the detector reads for windows ending on one day:
// the signals, the closures and the detector pooled over all the series.
type seriesWindow struct {
	from     earlywarning.Day
	sigs     []earlywarning.Signal
	closures []earlywarning.ClosurePeriod
	det      earlywarning.NBCUSUM
}

func (s *alertHandlers) charts(l *locale, orgID string) *alertCharts {
	return &alertCharts{s: s, l: l, orgID: orgID, windows: map[earlywarning.Day]*seriesWindow{}}
}

func (cs *alertCharts) window(ctx context.Context, through earlywarning.Day) (*seriesWindow, error) {
	if w, ok := cs.windows[through]; ok {
		return w, nil
	}
	if cs.point == nil {
		point, err := cs.s.endpoints.DetectorSensitivity(ctx, cs.orgID)
		if err != nil {
			return nil, err
		}
		cs.point = &point
	}
	from := through - alertSeriesDays + 1
	sigs, err := cs.s.signals.Signals(ctx, cs.orgID, earlywarning.KindGrievanceCount, from.Time(), (through + 1).Time())
	if err != nil {
		return nil, err
	}
	closures, err := cs.s.signals.Closures(ctx, cs.orgID, from, through)
	if err != nil {
		return nil, err
	}
	// The detector job pools the weekly rhythms of all the organisation's
	// series; so does the chart, over the same days.
	all, _ := earlywarning.DailySeries(sigs, from, alertSeriesDays)
	earlywarning.ApplyClosures(all, closures)
	w := &seriesWindow{from: from, sigs: sigs, closures: closures, det: cs.point.Detector().Pooled(all)}
	cs.windows[through] = w
	return w, nil
}

// chartOf draws the series behind a count-anomaly alert as the
// organisation's detector sees it now: the stored daily counts up to the
// later of the alert's last detection and four weeks after it (never past
// yesterday, the last complete day), the expected level and the alarm
// days. Other alerts have no series; ok is then false. id prefixes the
// chart's element ids.
func (cs *alertCharts) chartOf(ctx context.Context, a earlywarning.Alert, title, id string) (c alertChart, ok bool, err error) {
	if a.Kind != earlywarning.KindGrievanceCount || !strings.HasPrefix(a.Key, "anomaly/") {
		return alertChart{}, false, nil
	}
	through := min(earlywarning.DayOf(cs.s.clock.Now().UTC())-1, earlywarning.DayOf(a.LastSeen.UTC())+28)
	w, err := cs.window(ctx, through)
	if err != nil {
		return alertChart{}, false, err
	}
	series, ok := earlywarning.SubjectSeries(w.sigs, a.Subject, w.from, alertSeriesDays)
	if !ok {
		return alertChart{}, false, nil
	}
	one := []earlywarning.Series{series}
	earlywarning.ApplyClosures(one, w.closures)
	l := cs.l
	threshold := cs.point.Threshold
	words := l.tr("Expected counts and alarm days are those of the organisation's detector today: a negative-binomial CUSUM at the sensitivity “%v”, which alarms when its running score reaches %v.", l.tr(escapeVerbs(cs.point.Label)), l.fixed1(threshold))
	c, ok = buildAlertChart(l, id, w.det.Trace(one[0]), alertChartDays, title, threshold, words)
	return c, ok, nil
}
