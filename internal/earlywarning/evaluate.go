package earlywarning

import (
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
)

// Metrics summarises how a monitor did on synthetic cases.
type Metrics struct {
	Detector string // the monitor's detectors, as "cusum+ewma"
	Series   int    // series evaluated
	Rises    int    // series with an injected rise
	// Horizon is the number of days after a rise's first day within which
	// an alarm counts as timely: Within rises had a detection on day
	// start..start+Horizon, and DetectionRate is Within / Rises.
	Horizon       int
	Within        int
	DetectionRate float64
	// Detected rises had a detection within DetectionHorizon (28) days;
	// MeanDelay and MedianDelay are in days from the rise's first day to
	// its first detection, over those rises.
	Detected    int
	MeanDelay   float64
	MedianDelay float64
	// Alarms are all alarm episodes; Agreed are those on which more than
	// one detector fired.
	Alarms int
	Agreed int
	// FalseAlarms are episodes that start on a quiet day: before a rise,
	// or anywhere in a series without one (level shifts, holidays and
	// outages included). QuietDays are the monitored quiet days (after the
	// monitor's warm-up).
	FalseAlarms        int
	QuietDays          int
	FalseAlarmsPer1000 float64
}

// DetectionHorizon is how many days after a rise starts a detection still
// counts towards the delay figures.
const DetectionHorizon = 28

// TimelyHorizon is the horizon users need: an alarm at most this many days
// after a rise's first day.
const TimelyHorizon = 3

// Evaluate runs mon over cases and scores its alarms against the injected
// rises, counting a rise as timely when detected within horizon days. The
// cases stand for one organisation's series: detectors that pool learn
// from all of them (Pool), as the detector job does from an
// organisation's.
func Evaluate(mon Monitor, cases []Case, horizon int) Metrics {
	m := Metrics{Detector: mon.Names(), Series: len(cases), Horizon: horizon}
	all := make([]Series, len(cases))
	for i, c := range cases {
		all[i] = c.Series
	}
	mon.Detectors = Pool(all, mon.Detectors)
	var delays []float64
	for _, c := range cases {
		alarms := mon.Alarms(c.Series)
		end := len(c.Series.Counts)
		rise := c.Scenario.Rise.Shape != RiseNone
		start := c.Scenario.Rise.Start
		if rise {
			m.Rises++
			end = start
		}
		m.QuietDays += max(0, end-mon.Warmup())
		first := -1
		for _, a := range alarms {
			m.Alarms++
			if a.Agreed() {
				m.Agreed++
			}
			if int(a.Day-c.Series.Start) < end {
				m.FalseAlarms++
			}
			for _, d := range a.Detections {
				if i := int(d.Day - c.Series.Start); rise && first < 0 && i >= start && i < start+DetectionHorizon {
					first = i
				}
			}
		}
		if first >= 0 {
			m.Detected++
			delays = append(delays, float64(first-start))
			if first-start <= horizon {
				m.Within++
			}
		}
	}
	if m.Rises > 0 {
		m.DetectionRate = float64(m.Within) / float64(m.Rises)
	}
	if m.QuietDays > 0 {
		m.FalseAlarmsPer1000 = 1000 * float64(m.FalseAlarms) / float64(m.QuietDays)
	}
	if len(delays) > 0 {
		sum := 0.0
		for _, x := range delays {
			sum += x
		}
		m.MeanDelay = sum / float64(len(delays))
		slices.Sort(delays)
		k := len(delays)
		m.MedianDelay = delays[k/2]
		if k%2 == 0 {
			m.MedianDelay = (delays[k/2-1] + delays[k/2]) / 2
		}
	}
	return m
}

// EvaluationRow is one line of an evaluation table.
type EvaluationRow struct {
	Group string
	Metrics
}

// EvaluateByGroup scores mon on all cases and on the cases of each group
// that group assigns, in sorted group order after the "all" row.
func EvaluateByGroup(mon Monitor, cases []Case, horizon int, group func(Case) string) []EvaluationRow {
	rows := []EvaluationRow{{Group: "all", Metrics: Evaluate(mon, cases, horizon)}}
	var order []string
	byGroup := map[string][]Case{}
	for _, c := range cases {
		g := group(c)
		if _, ok := byGroup[g]; !ok {
			order = append(order, g)
		}
		byGroup[g] = append(byGroup[g], c)
	}
	slices.Sort(order)
	for _, g := range order {
		rows = append(rows, EvaluationRow{Group: g, Metrics: Evaluate(mon, byGroup[g], horizon)})
	}
	return rows
}

// WriteEvaluation writes rows as an aligned text table.
func WriteEvaluation(w io.Writer, rows []EvaluationRow) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	h := 0
	if len(rows) > 0 {
		h = rows[0].Horizon
	}
	fmt.Fprintf(tw, "detectors\tgroup\tseries\trises\twithin %d days\trate\twithin 28\tmean delay\tmedian delay\talarms\tagreed\tfalse alarms\tquiet days\tFA/1000 days\t\n", h)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%.3f\t%d\t%.2f\t%.1f\t%d\t%d\t%d\t%d\t%.2f\t\n",
			r.Detector, r.Group, r.Series, r.Rises, r.Within, r.DetectionRate, r.Detected, r.MeanDelay, r.MedianDelay,
			r.Alarms, r.Agreed, r.FalseAlarms, r.QuietDays, r.FalseAlarmsPer1000)
	}
	return tw.Flush()
}
