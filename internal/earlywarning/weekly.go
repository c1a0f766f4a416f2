package earlywarning

import (
	"math"
	"slices"
)

// WeeklyPrior is what an organisation's series say together about weekly
// rhythms: a few weekly patterns and how common each is among them. A
// series' own weeks tell its rhythm only roughly (26 Sundays of a series
// at two reports a day hold about eight reports), while the organisation's
// series share few rhythms: a hotline closed at weekends, a channel busy
// on Mondays. The detector weighs each pattern by how well the series'
// own weeks fit it (empirical Bayes: the prior is learned from the data of
// all series), so a quiet series borrows the rhythm of the busy ones that
// share it.
type WeeklyPrior struct {
	// Shares[k][d] is pattern k's share of a week's reports on weekday d
	// (time.Sunday = 0); each pattern's shares sum to 1.
	Shares [][7]float64
	// Weights says how common each pattern is; they sum to 1.
	Weights []float64
}

// minPriorReports is the fewest reports a series needs to inform the
// prior; quieter ones are still scored with it.
const minPriorReports = 28

// LearnWeeklyPrior fits a mixture of at most k weekly patterns to the
// weekday totals of the series' whole weeks (days a calendar lists as
// closed left out), by expectation-maximisation for a mixture of
// multinomials. It is deterministic. With no series busy enough to tell a
// rhythm, the prior has no patterns and the detector uses each series'
// own weeks.
func LearnWeeklyPrior(series []Series, k int) WeeklyPrior {
	var totals [][7]float64
	var sums []float64
	for _, s := range series {
		var t [7]float64
		n := 0.0
		for i, x := range s.Counts[:len(s.Counts)/7*7] {
			if s.closure(i) != Open {
				continue
			}
			t[(s.Start + Day(i)).Weekday()] += float64(x)
			n += float64(x)
		}
		if n >= minPriorReports {
			totals, sums = append(totals, t), append(sums, n)
		}
	}
	if len(totals) == 0 || k < 1 {
		return WeeklyPrior{}
	}
	share := func(t [7]float64, n float64) (p [7]float64) {
		for d := range 7 {
			p[d] = (t[d] + 0.5) / (n + 3.5)
		}
		return p
	}
	// Start from the pooled rhythm, then add, one at a time, the rhythm of
	// the busy series least like those chosen, so that distinct patterns
	// are seeded and the fit is deterministic.
	var pooled [7]float64
	all := 0.0
	for i, t := range totals {
		for d := range 7 {
			pooled[d] += t[d]
		}
		all += sums[i]
	}
	centres := [][7]float64{share(pooled, all)}
	order := make([]int, len(totals))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return int(sums[b] - sums[a]) })
	busy := order[:max(1, len(order)/4)]
	for len(centres) < k {
		best, far := -1, 0.0
		for _, i := range busy {
			p := share(totals[i], sums[i])
			near := math.Inf(1)
			for _, c := range centres {
				dist := 0.0
				for d := range 7 {
					dist += math.Abs(p[d] - c[d])
				}
				near = min(near, dist)
			}
			if near > far {
				best, far = i, near
			}
		}
		if best < 0 || far < 0.05 {
			break
		}
		centres = append(centres, share(totals[best], sums[best]))
	}
	w := make([]float64, len(centres))
	for j := range w {
		w[j] = 1 / float64(len(w))
	}
	resp := make([]float64, len(centres))
	for range 200 {
		next := make([][7]float64, len(centres))
		mass := make([]float64, len(centres))
		for _, t := range totals {
			posterior(t, centres, w, resp)
			for j, r := range resp {
				mass[j] += r
				for d := range 7 {
					next[j][d] += r * t[d]
				}
			}
		}
		moved := 0.0
		for j := range centres {
			n := 0.0
			for d := range 7 {
				n += next[j][d]
			}
			p := share(next[j], n)
			for d := range 7 {
				moved = max(moved, math.Abs(p[d]-centres[j][d]))
			}
			centres[j] = p
			w[j] = (mass[j] + 1) / (float64(len(totals)) + float64(len(centres)))
		}
		if moved < 1e-7 {
			break
		}
	}
	return WeeklyPrior{Shares: centres, Weights: w}
}

// posterior writes into out the probability of each pattern given weekday
// totals t.
func posterior(t [7]float64, shares [][7]float64, weights []float64, out []float64) {
	top := math.Inf(-1)
	for j, p := range shares {
		l := math.Log(weights[j])
		for d := range 7 {
			l += t[d] * math.Log(p[d])
		}
		out[j] = l
		top = max(top, l)
	}
	sum := 0.0
	for j := range out {
		out[j] = math.Exp(out[j] - top)
		sum += out[j]
	}
	for j := range out {
		out[j] /= sum
	}
}

// weekdayMultipliers returns the multiplier of each position in a series'
// week (position 0 is weekday first) from the prior, given the series'
// own totals by position, or false when the series fits none of the
// prior's patterns: its deviance from the likeliest one is above what
// chance allows at 6 degrees of freedom (p = 0.001), scaled by the
// over-dispersion of a day's count, inflate.
func (p WeeklyPrior) weekdayMultipliers(byPos [7]float64, first int, inflate float64) ([7]float64, bool) {
	var m [7]float64
	if len(p.Shares) == 0 {
		return m, false
	}
	var t [7]float64
	n := 0.0
	for d := range 7 {
		t[(first+d)%7] = byPos[d]
		n += byPos[d]
	}
	post := make([]float64, len(p.Shares))
	posterior(t, p.Shares, p.Weights, post)
	best := 0
	for j := range post {
		if post[j] > post[best] {
			best = j
		}
	}
	dev := 0.0
	for d := range 7 {
		if t[d] > 0 {
			dev += 2 * t[d] * math.Log(t[d]/(n*p.Shares[best][d]))
		}
	}
	if dev > 22.46*inflate {
		return m, false
	}
	for d := range 7 {
		for j, q := range post {
			m[d] += 7 * q * p.Shares[j][(first+d)%7]
		}
	}
	return m, true
}

// Pool returns the detectors to run over one organisation's series: each
// NBCUSUM pooled over them (NBCUSUM.Pooled), the others as they are.
func Pool(series []Series, detectors []CountDetector) []CountDetector {
	out := make([]CountDetector, len(detectors))
	for i, d := range detectors {
		if c, ok := d.(NBCUSUM); ok {
			d = c.Pooled(series)
		}
		out[i] = d
	}
	return out
}
