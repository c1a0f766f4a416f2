package earlywarning

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"testing"
	"text/tabwriter"
)

var misses = flag.Bool("misses", false, "print where the default detector misses rises and raises false alarms on the tuning suites")

// tally counts rises and timely detections, or false alarms, per label.
type tally struct {
	order []string
	n, k  map[string]int
}

func newTally() *tally { return &tally{n: map[string]int{}, k: map[string]int{}} }

func (t *tally) add(label string, hit bool) {
	if _, ok := t.n[label]; !ok {
		t.order = append(t.order, label)
	}
	t.n[label]++
	if hit {
		t.k[label]++
	}
}

// nearClosure says where the nearest holiday or outage lies around day i:
// "holiday ended 1-7 days before", "closure over the first 4 days", or
// "none within 7 days".
func nearClosure(sc Scenario, i int) string {
	for _, sp := range sc.Holidays {
		if sp.Start <= i+TimelyHorizon && sp.Start+sp.Days > i {
			return "holiday in days 0-3"
		}
	}
	for _, sp := range sc.Missing {
		if sp.Start <= i+TimelyHorizon && sp.Start+sp.Days > i {
			return "outage in days 0-3"
		}
	}
	for _, sp := range sc.Holidays {
		if end := sp.Start + sp.Days; end <= i && end > i-8 {
			return "holiday ended 1-7 days before"
		}
	}
	for _, sp := range sc.Missing {
		if end := sp.Start + sp.Days; end <= i && end > i-8 {
			return "outage ended 1-7 days before"
		}
	}
	return "no closure within 7 days"
}

func weeklyName(w []float64) string {
	if w == nil {
		return "no weekly pattern"
	}
	return fmt.Sprintf("weekly %.2f..%.2f", slices.Min(w), slices.Max(w))
}

// TestWhereTheDetectorMisses breaks the default detector's misses and
// false alarms on the tuning suites down by what the series held. Run:
// go test ./internal/earlywarning -run TestWhereTheDetectorMisses -misses -v
func TestWhereTheDetectorMisses(t *testing.T) {
	if !*misses {
		t.Skip("run with -misses to print the breakdown")
	}
	byWhat := map[string]*tally{}
	var kinds []string
	add := func(kind, label string, hit bool) {
		if byWhat[kind] == nil {
			byWhat[kind] = newTally()
			kinds = append(kinds, kind)
		}
		byWhat[kind].add(label, hit)
	}
	fas := map[string]*tally{}
	var faKinds []string
	addFA := func(kind, label string) {
		if fas[kind] == nil {
			fas[kind] = newTally()
			faKinds = append(faKinds, kind)
		}
		fas[kind].add(label, true)
	}
	late := map[int]int{}
	for _, suite := range []MixConfig{TuningSuite(), TuningWideSuite()} {
		cases := suite.Cases()
		all := make([]Series, len(cases))
		for i, c := range cases {
			all[i] = c.Series
		}
		mon := Monitor{Detectors: Pool(all, []CountDetector{DefaultNBCUSUM()})}
		for _, c := range cases {
			sc := c.Scenario
			alarms := mon.Alarms(c.Series)
			end := sc.Days
			rise := sc.Rise.Shape != RiseNone
			if rise {
				end = sc.Rise.Start
			}
			first := -1
			for _, a := range alarms {
				i := int(a.Day - c.Series.Start)
				if i < end {
					shift := "no level shift"
					if sc.Shift.Factor > 0 && i >= sc.Shift.Start {
						shift = fmt.Sprintf("after a shift x%g", sc.Shift.Factor)
					}
					addFA("series", shift)
					addFA("closure", nearClosure(sc, i))
					for _, sp := range sc.Holidays {
						if end := sp.Start + sp.Days; end <= i && end > i-8 {
							length := "long"
							if sp.Days <= 3 {
								length = "short (1-3 days)"
							}
							addFA("after a holiday", fmt.Sprintf("%s holiday, %s", length, RateBand(c)))
							break
						}
					}
					addFA("base rate", RateBand(c))
					addFA("size", fmt.Sprintf("size %g", sc.Size))
					addFA("weekly", weeklyName(sc.Weekly))
					addFA("weekday", (c.Series.Start + Day(i)).Weekday().String())
					addFA("series age", fmt.Sprintf("day %d-%d", i/60*60, i/60*60+59))
				}
				for _, d := range a.Detections {
					if j := int(d.Day - c.Series.Start); rise && first < 0 && j >= sc.Rise.Start {
						first = j
					}
				}
			}
			if !rise {
				continue
			}
			hit := first >= 0 && first-sc.Rise.Start <= TimelyHorizon
			if !hit && first >= 0 {
				late[first-sc.Rise.Start]++
			}
			k := (sc.Rise.Factor - 1) * sc.Rate / sc.SD()
			add("suite", suite.Name, hit)
			add("base rate", RateBand(c), hit)
			add("rise size", fmt.Sprintf("rise %d-%d SD", int(k), int(k)+1), hit)
			add("size", fmt.Sprintf("size %g", sc.Size), hit)
			add("weekly", weeklyName(sc.Weekly), hit)
			add("onset weekday", (c.Series.Start + Day(sc.Rise.Start)).Weekday().String(), hit)
			add("closure", nearClosure(sc, sc.Rise.Start), hit)
			add("onset day", fmt.Sprintf("day %d-%d", sc.Rise.Start/60*60, sc.Rise.Start/60*60+59), hit)
		}
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "rises by\tgroup\trises\twithin 3 days\tmissed\trate\t")
	for _, k := range kinds {
		tl := byWhat[k]
		slices.Sort(tl.order)
		for _, l := range tl.order {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%.3f\t\n", k, l, tl.n[l], tl.k[l], tl.n[l]-tl.k[l], float64(tl.k[l])/float64(tl.n[l]))
		}
	}
	fmt.Fprintln(tw, "false alarms by\tgroup\tcount\t")
	for _, k := range faKinds {
		tl := fas[k]
		slices.Sort(tl.order)
		for _, l := range tl.order {
			fmt.Fprintf(tw, "%s\t%s\t%d\t\n", k, l, tl.n[l])
		}
	}
	tw.Flush()
	fmt.Println("late detections (days after onset: rises):", late)
}
