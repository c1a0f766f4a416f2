package screening

import (
	"fmt"
	"testing"
)

// TestScoreBoundPrunesNothing: skipping the candidates whose bound is
// under the threshold changes no result. Every query of the labelled
// sets, the legislators, the UN names and the ordinary-name sets is
// searched at several thresholds, and the hits must be those of a search
// that scores every candidate (threshold 0, where no bound is under it)
// with the hits under the threshold left out.
func TestScoreBoundPrunesNothing(t *testing.T) {
	sdn := loadSDN(t)
	ix := NewIndex(sdn)
	var qs []Query
	for _, r := range readEval(t) {
		qs = append(qs, Query{Name: r.query, Country: r.country})
	}
	for _, o := range readOrdinaryNames(t) {
		qs = append(qs, Query{Name: o.name})
	}
	_, unRows := readUNRows(t)
	for _, r := range unRows {
		qs = append(qs, Query{Name: r.query})
	}
	_, legRows := readLegislatorRows(t)
	for _, r := range legRows {
		qs = append(qs, Query{Name: r.query})
	}
	// Identifiers raise scores: the bound must allow for them.
	qs = append(qs, Query{Name: "Kalai Industries", Identifiers: []string{"IMO 9123456"}, Country: "IR"})
	if testing.Short() {
		qs = qs[:len(qs)/4]
	}
	show := func(hs []Hit) string {
		s := ""
		for _, h := range hs {
			s += fmt.Sprintf("%s %.3f; ", h.Entity.ID, h.Score)
		}
		return s
	}
	for _, q := range qs {
		all := ix.Search(q, Options{Threshold: ThresholdOf(0), Limit: 1000})
		for _, th := range []float64{0.6, DefaultThreshold} {
			var want []Hit
			for _, h := range all {
				if h.Score >= th {
					want = append(want, h)
				}
			}
			got := ix.Search(q, Options{Threshold: ThresholdOf(th), Limit: 1000})
			if show(got) != show(want) {
				t.Fatalf("%+v at %.2f: hits %s; scoring every candidate gives %s", q, th, show(got), show(want))
			}
		}
	}
}
