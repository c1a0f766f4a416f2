package web

import (
	"context"
	"encoding/xml"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/sqlstore"
	"github.com/upstream-platform/upstream/internal/sqlstore/sqltest"
	"github.com/upstream-platform/upstream/internal/testkit"
)

// risingSeries is sixteen weeks of about three reports a day whose last
// week triples: the detector alarms in that week.
func risingSeries(end earlywarning.Day) earlywarning.Series {
	const days = 112
	s := earlywarning.Generate(earlywarning.Scenario{Days: days, Rate: 3, Size: 8, Weekend: 0.4,
		Rise: earlywarning.Rise{Shape: earlywarning.RiseStep, Start: days - 7, Factor: 3}}, "country:BD", 17)
	s.Start = end - days + 1
	return s
}

// svgElement is the part of an SVG element the structural test reads.
type svgElement struct {
	XMLName xml.Name
	Attrs   []xml.Attr   `xml:",any,attr"`
	Text    string       `xml:",chardata"`
	Kids    []svgElement `xml:",any"`
}

func (e svgElement) attr(name string) string {
	for _, a := range e.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (e svgElement) walk(f func(svgElement)) {
	f(e)
	for _, k := range e.Kids {
		k.walk(f)
	}
}

// TestSeriesChartSVG draws a known trace and reads the SVG back as XML:
// it is one labelled image, has one bar per day with reports, an alarm bar
// and a marker for every alarm day, an expected line only over the days
// the detector judged, and the figures in words agree with the trace.
func TestSeriesChartSVG(t *testing.T) {
	s := risingSeries(earlywarning.SynthStart + 200)
	det := earlywarning.DefaultNBCUSUM()
	trace := det.Trace(s)
	c, ok := buildAlertChart(testLocale(t, "en"), "series", trace, alertChartDays, "Grievances about Bangladesh <&>", det.Threshold, "words")
	if !ok {
		t.Fatal("no chart for a monitored series")
	}
	var root svgElement
	if err := xml.Unmarshal([]byte(c.SVG), &root); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, c.SVG)
	}
	if root.XMLName.Local != "svg" || root.attr("role") != "img" || root.attr("aria-labelledby") != "series-title series-desc" {
		t.Fatalf("root %v %v", root.XMLName, root.Attrs)
	}
	shown := trace[len(trace)-alertChartDays:]
	wantBars, wantAlarms, monitored := 0, 0, 0
	for _, p := range shown {
		if p.Count > 0 {
			wantBars++
		}
		if p.Alarm {
			wantAlarms++
		}
		if p.Monitored {
			monitored++
		}
	}
	if wantAlarms == 0 {
		t.Fatal("the test series raised no alarm in the window")
	}
	count := map[string]int{}
	var title, desc string
	var points int
	root.walk(func(e svgElement) {
		switch e.XMLName.Local {
		case "title":
			title = e.Text
		case "desc":
			desc = e.Text
		case "rect", "path", "polyline":
			count[e.XMLName.Local+"."+e.attr("class")]++
			if e.XMLName.Local == "polyline" {
				points += len(strings.Fields(e.attr("points")))
			}
		}
	})
	if title != "Grievances about Bangladesh <&>" || desc != c.Summary {
		t.Errorf("title %q, desc %q", title, desc)
	}
	// One more of each for the legend.
	if got := count["rect.series-count"] + count["rect.series-alarm"]; got != wantBars+1 {
		t.Errorf("%d bars, want %d and the legend's", got, wantBars)
	}
	if count["rect.series-alarm"] != wantAlarms || count["path.series-marker"] != wantAlarms+1 {
		t.Errorf("%d alarm bars and %d markers for %d alarm days", count["rect.series-alarm"], count["path.series-marker"], wantAlarms)
	}
	if points != monitored {
		t.Errorf("expected line has %d points over %d judged days", points, monitored)
	}
	if len(c.Weeks) != alertChartDays/7 || len(c.Alarms) != wantAlarms {
		t.Errorf("%d weeks, %d alarms", len(c.Weeks), len(c.Alarms))
	}
	testkit.Golden(t, "testdata/alert_series.svg", []byte(c.SVG))
	testkit.Golden(t, "testdata/alert_series.txt", []byte(c.Summary+"\n"))
}

// TestSeriesChartColdStart: a series the detector cannot judge yet draws
// no chart, rather than a chart without an expected level.
func TestSeriesChartColdStart(t *testing.T) {
	s := earlywarning.Series{Key: "country:BD", Start: earlywarning.SynthStart, Counts: []int{1, 0, 3, 2, 5}}
	if _, ok := buildAlertChart(testLocale(t, "en"), "series", earlywarning.DefaultNBCUSUM().Trace(s), alertChartDays, "x", 6.5, ""); ok {
		t.Error("chart drawn for a series in its cold start")
	}
}

// raiseAnomaly stores the rising series as daily grievance-count signals
// ending yesterday, runs the default detector over them as the detector
// job does and raises the alert of its last detection.
func (f *alertsFixture) raiseAnomaly(t *testing.T) (earlywarning.Alert, earlywarning.Series) {
	t.Helper()
	ctx := context.Background()
	bd := earlywarning.Subject{Kind: earlywarning.SubjectCountry, ID: "BD"}
	s := risingSeries(earlywarning.DayOf(f.clock.Now().UTC()) - 1)
	var sigs []earlywarning.Signal
	for i, n := range s.Counts {
		if n > 0 {
			sigs = append(sigs, earlywarning.Signal{OrgID: f.org.ID, Kind: earlywarning.KindGrievanceCount, Subject: bd,
				At: (s.Start + earlywarning.Day(i)).Time().Add(10 * 3600e9), Value: float64(n), Source: "test"})
		}
	}
	for i := range sigs {
		sig, err := earlywarning.NewSignal(sigs[i].OrgID, sigs[i].Kind, sigs[i].Subject, sigs[i].At, sigs[i].Value, sigs[i].Source)
		if err != nil {
			t.Fatal(err)
		}
		sigs[i] = sig
	}
	if err := f.st.PutSignals(ctx, sigs); err != nil {
		t.Fatal(err)
	}
	dets := earlywarning.DefaultNBCUSUM().Detect(s)
	if len(dets) == 0 {
		t.Fatal("no detection")
	}
	a, _, err := f.deps.Alerts.Raise(ctx, dets[len(dets)-1].Trigger(f.org.ID, bd, earlywarning.SeverityHigh))
	if err != nil {
		t.Fatal(err)
	}
	return a, s
}

// TestAlertPageChart: an anomaly alert's page carries the chart, the
// summary and the weekly table, on both engines; a threshold alert's page
// has none; a viewer sees it too.
func TestAlertPageChart(t *testing.T) {
	t.Parallel()
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f := newAlertsFixture(t, db)
		a, _ := f.raiseAnomaly(t)
		other := f.raise(t, f.org.ID, "supplier-1", earlywarning.SeverityHigh)
		res, body := f.call(t, "viewer", "GET", "/alerts/"+a.ID, "")
		if res.StatusCode != 200 {
			t.Fatalf("status %d", res.StatusCode)
		}
		for _, want := range []string{`<svg class="chart series-chart"`, `<title id="series-title">Grievances about Bangladesh</title>`,
			`id="series-summary"`, `id="series-weeks"`, `id="alarm-days"`, "reports against", `sensitivity “Balanced (default)”`} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		_, body = f.call(t, "viewer", "GET", "/alerts/"+other.ID, "")
		if strings.Contains(body, "series-chart") {
			t.Error("a threshold alert has a series chart")
		}
	})
}

// TestBrowserAlertChartWithoutJavaScript opens an anomaly alert in headless
// Chromium with scripts off: the chart is drawn, names itself, marks the
// alarm days, and the page passes the accessibility check.
func TestBrowserAlertChartWithoutJavaScript(t *testing.T) {
	f := newAlertsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	f.deps.Config.CookieSecure = false
	a, _ := f.raiseAnomaly(t)
	ts := httptest.NewServer(f.h)
	defer ts.Close()
	ctx := testkit.Browser(t, false)
	err := chromedp.Do(ctx,
		browserSignIn(ts.URL+"/alerts/"+a.ID, "case_handler@acme.example", testPassword),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, "#series-summary", "The detector alarmed on"); err != nil {
		t.Fatal(err)
	}
	drawn, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
  const svg = document.querySelector("svg.series-chart");
  if (!svg) return "no chart";
  const box = svg.getBoundingClientRect();
  const alarms = svg.querySelectorAll("rect.series-alarm").length;
  const fill = getComputedStyle(svg.querySelector("rect.series-alarm")).fill;
  return [box.width > 300 ? "wide" : "narrow " + box.width, "alarms " + alarms, fill, svg.querySelector("title").textContent].join("|");
})()`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(drawn, "wide|alarms ") || strings.Contains(drawn, "alarms 0") || !strings.Contains(drawn, "rgb(179, 38, 30)") ||
		!strings.HasSuffix(drawn, "Grievances about Bangladesh") {
		t.Errorf("chart as drawn: %s", drawn)
	}
	if err := waitForText(ctx, "#series-weeks", "Reports"); err != nil {
		t.Error(err)
	}
	checkAccessibility(t, ctx, "/alerts/{id} with a chart")
	screenshot(t, ctx, "alert-chart.png")
}

// TestAlertListCharts: on both engines, the alert list draws the series of
// each count-anomaly alert with its own element ids, says each alarm
// day's score against the threshold in words, and links the suppliers of
// the country and, for case handlers only, the cases behind the rise. A
// threshold alert is listed without a chart, its subject linked.
func TestAlertListCharts(t *testing.T) {
	t.Parallel()
	sqltest.EachEngine(t, func(t *testing.T, db *sqlstore.DB) {
		f := newAlertsFixture(t, db)
		a, _ := f.raiseAnomaly(t)
		other := f.raise(t, f.org.ID, "supplier-1", earlywarning.SeverityHigh)
		for _, role := range alertsReaders {
			res, body := f.call(t, role, "GET", "/alerts", "")
			if res.StatusCode != 200 {
				t.Fatalf("%s: status %d", role, res.StatusCode)
			}
			for _, want := range []string{`<h2 id="series-heading">Series with an alarm</h2>`,
				`aria-labelledby="series-` + a.ID + `-title series-` + a.ID + `-desc"`, `<title id="series-` + a.ID + `-title">Grievances about Bangladesh</title>`,
				"passed its threshold of 5.8 on", `href="/suppliers?country=BD">Suppliers in Bangladesh</a>`,
				`<a href="/alerts/` + a.ID + `">Open this alert</a>`, `href="#series-` + a.ID + `">Its series</a>`,
				`<a href="/suppliers/supplier-1">Open Mill supplier-1</a>`, `class="series-days"`} {
				if !strings.Contains(body, want) {
					t.Errorf("%s: list lacks %q", role, want)
				}
			}
			if strings.Count(body, `<svg class="chart series-chart"`) != 1 {
				t.Errorf("%s: want one chart, for the anomaly only", role)
			}
			cases := strings.Contains(body, `href="/cases?`)
			if want := role == "case_handler"; cases != want {
				t.Errorf("%s: link to the cases behind the alert shown: %v, want %v", role, cases, want)
			}
		}
		_, body := f.call(t, "case_handler", "GET", "/alerts/"+a.ID, "")
		for _, want := range []string{`id="alert-behind"`, "Cases about Bangladesh received from", "country=BD", "stage=all",
			"CUSUM score ", `id="series-days"`} {
			if !strings.Contains(body, want) {
				t.Errorf("alert page lacks %q", want)
			}
		}
		_, body = f.call(t, "viewer", "GET", "/alerts/"+other.ID, "")
		if !strings.Contains(body, `href="/suppliers/supplier-1">Supplier: Mill supplier-1</a>`) ||
			!strings.Contains(body, `href="/suppliers?country=GH">Suppliers in Ghana</a>`) {
			t.Error("a supplier's alert does not link the supplier and its country")
		}
	})
}

// TestBrowserAlertListChartsWithoutJavaScript opens the alert list in
// headless Chromium with scripts off as a case handler: the anomaly's
// chart is drawn and named, its scores read in words, the day-by-day
// table opens without script, the page passes the accessibility check,
// and the cases behind the alert are linked by country and days.
func TestBrowserAlertListChartsWithoutJavaScript(t *testing.T) {
	f := newAlertsFixture(t, sqltest.Open(t, sqlstore.SQLite))
	f.deps.Config.CookieSecure = false
	a, _ := f.raiseAnomaly(t)
	series := "#series-" + a.ID
	ts := httptest.NewServer(f.h)
	defer ts.Close()
	ctx := testkit.Browser(t, false)
	if err := chromedp.Do(ctx, browserSignIn(ts.URL+"/alerts", "case_handler@acme.example", testPassword)); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, series, "passed its threshold of 5.8 on"); err != nil {
		t.Fatal(err)
	}
	drawn, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
  const svg = document.querySelector("`+series+` svg.series-chart");
  if (!svg) return "no chart";
  const box = svg.getBoundingClientRect();
  return [box.width > 300 ? "wide" : "narrow " + box.width, "alarms " + svg.querySelectorAll("rect.series-alarm").length,
    document.getElementById(svg.getAttribute("aria-labelledby").split(" ")[0]).textContent].join("|");
})()`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(drawn, "wide|alarms ") || strings.Contains(drawn, "alarms 0|") || !strings.HasSuffix(drawn, "Grievances about Bangladesh") {
		t.Errorf("chart as drawn: %s", drawn)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(series+" details summary"))); err != nil {
		t.Fatal(err)
	}
	if err := waitForText(ctx, series+" .series-days", "alarm"); err != nil {
		t.Error(err)
	}
	checkAccessibility(t, ctx, "/alerts with a chart")
	screenshot(t, ctx, "alerts-list-chart.png")
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("`+series+` a[href^='/cases?']").getAttribute("href")`))
	if err != nil {
		t.Fatal(err)
	}
	q, _ := url.ParseQuery(strings.TrimPrefix(href, "/cases?"))
	if q.Get("country") != "BD" || q.Get("stage") != "all" || q.Get("from") == "" || q.Get("to") == "" {
		t.Errorf("the cases behind the alert are linked as %q", href)
	}
}

// TestSeriesChartInFrench: the chart, its summary and the scores in words
// follow the page's language, with the locale's decimal comma.
func TestSeriesChartInFrench(t *testing.T) {
	s := risingSeries(earlywarning.SynthStart + 200)
	det := earlywarning.DefaultNBCUSUM()
	c, ok := buildAlertChart(testLocale(t, "fr"), "series", det.Trace(s), alertChartDays, "Plaintes concernant le Bangladesh", det.Threshold, "")
	if !ok || len(c.Scores) == 0 {
		t.Fatal("no chart or no alarm")
	}
	if !strings.HasPrefix(c.Scores[0], "Le score CUSUM ") || !strings.Contains(c.Scores[0], ",") || strings.Contains(c.Scores[0], "passed") {
		t.Errorf("score in words: %q", c.Scores[0])
	}
	if !strings.HasPrefix(c.Summary, "Du ") || !strings.Contains(string(c.SVG), "Signalements par jour") {
		t.Errorf("summary %q", c.Summary)
	}
}
