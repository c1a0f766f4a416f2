package earlywarning

import "math"

// DispersionPrior is what an organisation's series say together about
// how over-dispersed their daily counts are: weights on a grid of
// over-dispersions 1/size. One series' own weeks tell its over-dispersion
// only roughly: 26 weeks of a series at one report a day give an estimate
// whose error is as large as the over-dispersions that matter, and a
// moment estimate below zero must be taken for Poisson. The detector
// weighs the grid by how likely each value makes the series' own weeks
// (empirical Bayes, the prior learned from all series), so a quiet series
// leans on what the busy ones show and a busy one follows its own counts.
type DispersionPrior struct {
	Grid    []float64 // over-dispersions 1/size, 0 for Poisson
	Weights []float64 // how common each is among the series; they sum to 1
}

// dispersionGrid spans Poisson to the detector's cap on 1/size.
var dispersionGrid = []float64{0, 0.02, 0.05, 0.08, 0.12, 0.17, 0.23, 0.3, 0.4, 0.55, 0.75, 1, 1.4, 2}

// nbLogLikelihood is log P(X = x) for a negative binomial with mean m and
// over-dispersion inv (Poisson at 0), less log x!, which does not depend
// on m or inv.
func nbLogLikelihood(x int, m, inv float64) float64 {
	fx := float64(x)
	if inv <= 0 {
		return fx*math.Log(m) - m
	}
	k := 1 / inv
	var g float64 // log Gamma(x+k) - log Gamma(k)
	if x < 40 {
		for j := range x {
			g += math.Log(k + float64(j))
		}
	} else {
		a, _ := math.Lgamma(fx + k)
		b, _ := math.Lgamma(k)
		g = a - b
	}
	return g + k*math.Log(k/(k+m)) + fx*math.Log(m/(k+m))
}

// gridLogLikelihood adds to ll, for each grid value, the log-likelihood of
// the counts of weeks around b's expectations.
func (c NBCUSUM) gridLogLikelihood(counts []int, weeks []week, b weekBaseline, grid, ll []float64) {
	for _, w := range weeks {
		for d := range 7 {
			x := counts[w.first+d]
			m := max(b.level*b.weekday[d], c.MinRate)
			for g, inv := range grid {
				ll[g] += nbLogLikelihood(x, m, inv)
			}
		}
	}
}

// posteriorMean returns the mean over-dispersion given the log-likelihood
// of each grid value.
func (p DispersionPrior) posteriorMean(ll []float64) float64 {
	top := math.Inf(-1)
	for g, l := range ll {
		if p.Weights[g] > 0 {
			top = max(top, l+math.Log(p.Weights[g]))
		}
	}
	sum, mean := 0.0, 0.0
	for g, l := range ll {
		if p.Weights[g] > 0 {
			q := math.Exp(l + math.Log(p.Weights[g]) - top)
			sum += q
			mean += q * p.Grid[g]
		}
	}
	return mean / sum
}

// LearnDispersionPrior fits how common each over-dispersion of the grid
// is among the series, by expectation-maximisation: each series with at
// least minPriorReports reports is fitted once over all its whole weeks
// (the detector's own baseline, its lowest and highest weeks left out)
// and contributes how likely its counts are at each grid value. It is
// deterministic. With no series busy enough, the prior is empty and each
// baseline keeps its own moment estimate.
func (c NBCUSUM) LearnDispersionPrior(series []Series) DispersionPrior {
	grid := dispersionGrid
	var lls [][]float64
	for _, s := range series {
		n := len(s.Counts) / 7
		if n < c.MinWeeks {
			continue
		}
		reports := 0
		for _, x := range s.Counts[:7*n] {
			reports += x
		}
		if reports < minPriorReports {
			continue
		}
		var skip []bool
		if len(s.Closed) > 0 {
			skip = make([]bool, len(s.Counts))
			for i := range skip {
				skip[i] = s.closure(i) != Open
			}
		}
		b, counts, weeks := c.fitKept(s.Counts, skip, 0, n, int(s.Start.Weekday()), make([]week, 0, n))
		ll := make([]float64, len(grid))
		c.gridLogLikelihood(counts, weeks, b, grid, ll)
		lls = append(lls, ll)
	}
	if len(lls) == 0 {
		return DispersionPrior{}
	}
	w := make([]float64, len(grid))
	for g := range w {
		w[g] = 1 / float64(len(w))
	}
	post := make([]float64, len(grid))
	for range 500 {
		mass := make([]float64, len(grid))
		for _, ll := range lls {
			top := math.Inf(-1)
			for g, l := range ll {
				post[g] = l + math.Log(w[g])
				top = max(top, post[g])
			}
			sum := 0.0
			for g := range post {
				post[g] = math.Exp(post[g] - top)
				sum += post[g]
			}
			for g := range post {
				mass[g] += post[g] / sum
			}
		}
		moved := 0.0
		for g := range w {
			next := (mass[g] + 0.01) / (float64(len(lls)) + 0.01*float64(len(w)))
			moved = max(moved, math.Abs(next-w[g]))
			w[g] = next
		}
		if moved < 1e-9 {
			break
		}
	}
	return DispersionPrior{Grid: grid, Weights: w}
}
