package earlywarning

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// RiseShape is how an injected rise grows.
type RiseShape string

const (
	RiseNone RiseShape = "none" // no rise: a null series, for false alarms
	RiseStep RiseShape = "step" // the rate jumps to Factor times the baseline at Start
	RiseRamp RiseShape = "ramp" // the rate grows linearly from the baseline to Factor times it over RampDays
)

// Rise is a known change injected into a synthetic series.
type Rise struct {
	Shape    RiseShape
	Start    int     // index of the first affected day
	Factor   float64 // final multiple of the baseline rate
	RampDays int     // days a ramp takes to reach Factor
}

// multiplier returns the rate multiple the rise applies on day i.
func (r Rise) multiplier(i int) float64 {
	if (r.Shape != RiseStep && r.Shape != RiseRamp) || i < r.Start {
		return 1
	}
	if r.Shape == RiseRamp && r.RampDays > 0 {
		f := float64(i-r.Start+1) / float64(r.RampDays)
		if f < 1 {
			return 1 + (r.Factor-1)*f
		}
	}
	return r.Factor
}

// Scenario describes a synthetic daily count series.
type Scenario struct {
	Days int     // length of the series
	Rate float64 // mean events a day before any rise
	// Size is the negative-binomial size parameter: counts have variance
	// m + m*m/Size. Zero means Poisson counts.
	Size float64
	// Weekend scales Saturday and Sunday by 1-Weekend, with weekdays raised
	// to keep the weekly mean at Rate (0 means no weekly rhythm).
	Weekend float64
	Rise    Rise
}

// Name describes s compactly, for tables.
func (s Scenario) Name() string {
	disp := "poisson"
	if s.Size > 0 {
		disp = fmt.Sprintf("nb%g", s.Size)
	}
	rise := string(s.Rise.Shape)
	if s.Rise.Shape != RiseNone {
		rise = fmt.Sprintf("%s-x%g", s.Rise.Shape, s.Rise.Factor)
	}
	return fmt.Sprintf("rate%g-%s-weekend%g-%s", s.Rate, disp, s.Weekend, rise)
}

// SynthStart is the first day of every synthetic series, a Monday, so that
// weekday effects line up across runs.
var SynthStart = Day(20458) // 2026-01-05

// Generate draws one series for s from the given seed. The same scenario and
// seed always give the same counts.
func Generate(s Scenario, key string, seed uint64) Series {
	src := rand.NewPCG(seed, 0x5eed_0f_ea71)
	counts := make([]int, s.Days)
	weekday := (7 - 2*(1-s.Weekend)) / 5
	for i := range counts {
		m := s.Rate * s.Rise.multiplier(i)
		if s.Weekend > 0 {
			switch (SynthStart + Day(i)).Weekday() {
			case 0, 6:
				m *= 1 - s.Weekend
			default:
				m *= weekday
			}
		}
		if s.Size > 0 && m > 0 {
			m = distuv.Gamma{Alpha: s.Size, Beta: s.Size / m, Src: src}.Rand()
		}
		if m > 0 {
			counts[i] = int(distuv.Poisson{Lambda: m, Src: src}.Rand())
		}
	}
	return Series{Key: key, Start: SynthStart, Counts: counts}
}

// Case is a synthetic series with the rise injected into it.
type Case struct {
	Scenario Scenario
	Series   Series
}

// SuiteConfig chooses the scenarios of a synthetic evaluation.
type SuiteConfig struct {
	Rates    []float64
	Sizes    []float64 // 0 for Poisson
	Weekends []float64
	Rises    []Rise
	Days     int
	Replicas int
	Seed     uint64
}

// StandardSuite is the grid the default parameters were chosen on: baseline
// rates from one report in five days to ten a day, Poisson and
// over-dispersed counts, with and without a weekend dip, and no rise, steps
// to 2x and 3x and a three-week ramp to 3x, all starting on day 120 of 182.
func StandardSuite(replicas int, seed uint64) SuiteConfig {
	return SuiteConfig{
		Rates:    []float64{0.2, 0.5, 1, 3, 10},
		Sizes:    []float64{0, 4},
		Weekends: []float64{0, 0.6},
		Rises: []Rise{
			{Shape: RiseNone},
			{Shape: RiseStep, Start: 120, Factor: 2},
			{Shape: RiseStep, Start: 120, Factor: 3},
			{Shape: RiseRamp, Start: 120, Factor: 3, RampDays: 21},
		},
		Days:     182,
		Replicas: replicas,
		Seed:     seed,
	}
}

// Cases generates every scenario of c Replicas times, each replica with its
// own seed derived from c.Seed.
func (c SuiteConfig) Cases() []Case {
	var out []Case
	n := uint64(0)
	for _, rate := range c.Rates {
		for _, size := range c.Sizes {
			for _, wk := range c.Weekends {
				for _, rise := range c.Rises {
					sc := Scenario{Days: c.Days, Rate: rate, Size: size, Weekend: wk, Rise: rise}
					for r := range c.Replicas {
						n++
						key := fmt.Sprintf("%s/%d", sc.Name(), r)
						out = append(out, Case{Scenario: sc, Series: Generate(sc, key, c.Seed*1_000_003+n)})
					}
				}
			}
		}
	}
	return out
}
