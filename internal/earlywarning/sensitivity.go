package earlywarning

import (
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Sensitivity is a point on the trade-off curve between catching rises
// early and raising false alarms, chosen per organisation. Every point runs
// the negative-binomial CUSUM (NBCUSUM) with its default baseline and
// differs only in its alarm level; docs/early-warning.md gives each
// point's figures on the tuning and held-out suites.
type Sensitivity struct {
	Name string
	// Label and Description say what the point means to the person
	// choosing it.
	Label       string
	Description string
	Threshold   float64 // the detector's alarm level
	// HeldOut is the point's measured performance on the held-out suite,
	// shown to the person choosing; TestSensitivityFigures checks it
	// against a fresh evaluation.
	HeldOut PointFigures
}

// PointFigures are a point's figures on the held-out suite.
type PointFigures struct {
	Timely             float64 // share of rises detected within TimelyHorizon days
	FalseAlarmsPer1000 float64 // false alarm episodes per 1,000 series-days
	MeanDelay          float64 // days to the first detection
}

// SensitivityBalanced is the default point.
const SensitivityBalanced = "balanced"

// Sensitivities lists the points from the most to the least eager.
func Sensitivities() []Sensitivity {
	return []Sensitivity{
		{Name: "earliest", Label: "Earliest warning", Threshold: 4.75, HeldOut: PointFigures{0.895, 1.83, 1.46},
			Description: "Catches the most rises within three days, at nearly two false alarms per 1,000 series-days."},
		{Name: "early", Label: "Early warning", Threshold: 5.25, HeldOut: PointFigures{0.889, 1.27, 1.59},
			Description: "Catches more rises early, at about one and a quarter false alarms per 1,000 series-days."},
		{Name: SensitivityBalanced, Label: "Balanced (default)", Threshold: 5.75, HeldOut: PointFigures{0.865, 0.87, 1.75},
			Description: "Just under one false alarm per 1,000 series-days."},
		{Name: "quiet", Label: "Fewer false alarms", Threshold: 7, HeldOut: PointFigures{0.805, 0.40, 2.19},
			Description: "Under half a false alarm per 1,000 series-days; rises are caught a little later."},
		{Name: "quietest", Label: "Fewest false alarms", Threshold: 8, HeldOut: PointFigures{0.769, 0.24, 2.46},
			Description: "About a quarter of a false alarm per 1,000 series-days; only clear rises are caught early."},
	}
}

// SensitivityByName returns the point with the given name; an empty name is
// the default.
func SensitivityByName(name string) (Sensitivity, error) {
	if name == "" {
		name = SensitivityBalanced
	}
	var names []string
	for _, s := range Sensitivities() {
		if s.Name == name {
			return s, nil
		}
		names = append(names, s.Name)
	}
	return Sensitivity{}, kernel.Errorf(kernel.Invalid, "sensitivity %q is not one of %s", name, strings.Join(names, ", "))
}

// Detector returns the negative-binomial CUSUM at this point: the
// default detector at the point's alarm level. The detector job, the
// backtest and an alert's chart all take it from here, so that they run
// the same detector.
func (s Sensitivity) Detector() NBCUSUM {
	c := DefaultNBCUSUM()
	c.Threshold = s.Threshold
	return c
}

// Detectors returns the detectors at this point (Detector alone).
func (s Sensitivity) Detectors() []CountDetector { return []CountDetector{s.Detector()} }

// Monitor returns the monitor at this point, with the default episode gap.
func (s Sensitivity) Monitor() Monitor { return Monitor{Detectors: s.Detectors()} }
