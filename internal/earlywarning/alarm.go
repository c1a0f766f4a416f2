package earlywarning

import (
	"slices"
)

// EpisodeGap is the default number of days within which a detection joins
// the episode before it: both detectors firing on a series within a few
// days of each other, or one detector firing again on the same rise, is one
// alarm for the person reading it, not two.
const EpisodeGap = 3

// Alarm is one episode on one series: detections by one or more detectors,
// each no more than the monitor's gap after the previous one.
type Alarm struct {
	Key string `json:"key"`
	// Day is the first day of the episode; Last is its last detection.
	Day  Day `json:"date"`
	Last Day `json:"last"`
	// Detectors lists, by name in alphabetical order, the detectors that
	// fired during the episode; more than one means they agreed.
	Detectors []string `json:"detectors"`
	// Scores holds each detector's highest score during the episode.
	Scores map[string]float64 `json:"scores"`
	// Detections are the episode's detections in day order.
	Detections []Detection `json:"-"`
}

// Agreed reports whether more than one detector fired in the episode.
func (a Alarm) Agreed() bool { return len(a.Detectors) > 1 }

// Monitor runs a set of count detectors over a series and merges their
// detections into alarm episodes.
type Monitor struct {
	Detectors []CountDetector
	// Gap is how many days after an episode's last detection a new
	// detection still joins it (EpisodeGap when zero).
	Gap int
}

// Names lists the monitor's detectors, joined by "+", for tables.
func (m Monitor) Names() string {
	s := ""
	for i, d := range m.Detectors {
		if i > 0 {
			s += "+"
		}
		s += d.Name()
	}
	return s
}

// Warmup is the shortest cold start of the monitor's detectors: the first
// day on which any of them can alarm.
func (m Monitor) Warmup() int {
	w := 0
	for i, d := range m.Detectors {
		if i == 0 || d.Warmup() < w {
			w = d.Warmup()
		}
	}
	return w
}

// Alarms returns s's alarm episodes in day order.
func (m Monitor) Alarms(s Series) []Alarm {
	var dets []Detection
	for _, d := range m.Detectors {
		dets = append(dets, d.Detect(s)...)
	}
	sortDetections(dets)
	return Episodes(dets, m.Gap)
}

// Episodes groups detections of one series, ordered by day, into alarms: a
// detection no more than gap days (EpisodeGap when gap is zero or less)
// after the current episode's last detection joins it.
func Episodes(dets []Detection, gap int) []Alarm {
	if gap <= 0 {
		gap = EpisodeGap
	}
	var out []Alarm
	for _, d := range dets {
		n := len(out)
		if n == 0 || out[n-1].Key != d.Key || int(d.Day-out[n-1].Last) > gap {
			out = append(out, Alarm{Key: d.Key, Day: d.Day, Last: d.Day, Scores: map[string]float64{}})
			n++
		}
		a := &out[n-1]
		a.Last = d.Day
		a.Detections = append(a.Detections, d)
		if prev, ok := a.Scores[d.Detector]; !ok || d.Score > prev {
			a.Scores[d.Detector] = d.Score
		}
		if !slices.Contains(a.Detectors, d.Detector) {
			a.Detectors = append(a.Detectors, d.Detector)
			slices.Sort(a.Detectors)
		}
	}
	return out
}
