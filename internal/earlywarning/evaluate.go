package earlywarning

import (
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
)

// Metrics summarises how a detector did on synthetic cases.
type Metrics struct {
	Detector   string
	Series     int // series evaluated
	RiseSeries int // series with an injected rise
	Detected   int // rises alarmed on within the horizon
	// DetectionRate is Detected / RiseSeries.
	DetectionRate float64
	// MeanDelay and MedianDelay are in days from the rise's first day to
	// the first alarm on or after it, over detected rises.
	MeanDelay   float64
	MedianDelay float64
	// FalseAlarms are alarms before a rise (or anywhere in a series with
	// none); QuietDays are the monitored days they could fall on (after the
	// detector's warm-up and before any rise).
	FalseAlarms        int
	QuietDays          int
	FalseAlarmsPer1000 float64
}

// DetectionHorizon is how many days after a rise starts an alarm still
// counts as detecting it.
const DetectionHorizon = 28

// Evaluate runs d over cases and scores it against the injected rises.
func Evaluate(d CountDetector, cases []Case) Metrics {
	m := Metrics{Detector: d.Name(), Series: len(cases)}
	var delays []float64
	for _, c := range cases {
		dets := d.Detect(c.Series)
		end := len(c.Series.Counts)
		rise := c.Scenario.Rise.Shape != RiseNone
		if rise {
			m.RiseSeries++
			end = c.Scenario.Rise.Start
		}
		m.QuietDays += max(0, end-d.Warmup())
		found := false
		for _, det := range dets {
			i := int(det.Day - c.Series.Start)
			switch {
			case i < end:
				m.FalseAlarms++
			case rise && !found && i < c.Scenario.Rise.Start+DetectionHorizon:
				found = true
				delays = append(delays, float64(i-c.Scenario.Rise.Start))
			}
		}
		if found {
			m.Detected++
		}
	}
	if m.RiseSeries > 0 {
		m.DetectionRate = float64(m.Detected) / float64(m.RiseSeries)
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

// EvaluateByGroup scores d on all cases and on the cases of each group that
// group assigns, in first-seen group order after the "all" row.
func EvaluateByGroup(d CountDetector, cases []Case, group func(Case) string) []EvaluationRow {
	rows := []EvaluationRow{{Group: "all", Metrics: Evaluate(d, cases)}}
	var order []string
	byGroup := map[string][]Case{}
	for _, c := range cases {
		g := group(c)
		if _, ok := byGroup[g]; !ok {
			order = append(order, g)
		}
		byGroup[g] = append(byGroup[g], c)
	}
	for _, g := range order {
		rows = append(rows, EvaluationRow{Group: g, Metrics: Evaluate(d, byGroup[g])})
	}
	return rows
}

// WriteEvaluation writes rows as an aligned text table.
func WriteEvaluation(w io.Writer, rows []EvaluationRow) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "detector\tgroup\tseries\trises\tdetected\tdetection rate\tmean delay\tmedian delay\tfalse alarms\tquiet days\tFA/1000 days\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%.3f\t%.2f\t%.1f\t%d\t%d\t%.2f\t\n",
			r.Detector, r.Group, r.Series, r.RiseSeries, r.Detected, r.DetectionRate, r.MeanDelay, r.MedianDelay, r.FalseAlarms, r.QuietDays, r.FalseAlarmsPer1000)
	}
	return tw.Flush()
}
