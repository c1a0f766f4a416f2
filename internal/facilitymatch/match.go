package facilitymatch

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Record is one facility as a file or the store describes it. Country is
// an ISO 3166 alpha-2 code (empty when unknown); the identifiers are
// compared exactly and may be empty.
type Record struct {
	Name     string
	Address  string
	Country  string
	Lat, Lng float64
	HasCoord bool
	OSID     string // Open Supply Hub facility ID
	LEI      string // ISO 17442 Legal Entity Identifier of the owner
	GLN      string // GS1 Global Location Number of the site
}

// Decision is what a pair's score means.
type Decision string

const (
	// Same: the records name one facility; they are merged automatically.
	Same Decision = "same"
	// Review: they may name one facility; an analyst decides.
	Review Decision = "review"
)

// Thresholds turn a score into a decision: at least Same is Same, at
// least Review is Review, anything lower is no candidate.
type Thresholds struct {
	Same   float64
	Review float64
}

// DefaultThresholds are the thresholds tuned on the tuning part of the
// evaluation set (docs/matching.md); the test part was not used to set them.
func DefaultThresholds() Thresholds { return Thresholds{Same: 0.80, Review: 0.55} }

// Pair is a candidate pair: the indexes of two records (A < B), their
// score in 0..1, the decision and the reasons behind the score.
type Pair struct {
	A, B     int
	Score    float64
	Decision Decision
	Reasons  []string
}

// Matcher finds facility records that name the same place. It holds no
// state between calls and is safe for concurrent use.
type Matcher struct {
	th        Thresholds
	reviewCap int
}

// DefaultReviewCap is how many review pairs Match keeps per record at
// most (see WithReviewCap).
const DefaultReviewCap = 5

// New returns a matcher with the given thresholds, which must satisfy
// 0 < Review <= Same <= 1.
func New(th Thresholds) (*Matcher, error) {
	if !(th.Review > 0 && th.Review <= th.Same && th.Same <= 1) {
		return nil, kernel.Errorf(kernel.Invalid, "matching thresholds must satisfy 0 < review <= same <= 1 (review %v, same %v)", th.Review, th.Same)
	}
	return &Matcher{th: th, reviewCap: DefaultReviewCap}, nil
}

// WithReviewCap returns a copy of m that keeps at most k review pairs per
// record, the best-scoring ones (k <= 0 keeps them all). A list whose
// records differ only in details the matcher cannot weigh (a chain's
// numbered warehouses, a generated list) would otherwise put every
// record in pairs with all its neighbours, and a queue of hundreds of
// thousands of pairs is one no analyst works through; the best few of
// each record hold its true duplicate when there is one. Same pairs are
// never capped.
func (m *Matcher) WithReviewCap(k int) *Matcher {
	c := *m
	c.reviewCap = max(0, k)
	return &c
}

// Thresholds returns the matcher's thresholds.
func (m *Matcher) Thresholds() Thresholds { return m.th }

// prepared is a record normalised for blocking and scoring.
type prepared struct {
	name       nameParts
	addr       addressParts
	nameGrams  []uint32
	addrGrams  []uint32
	country    string
	lat, lng   float64
	coord      bool // has coordinates that can be trusted (see reliableCoords)
	osid, gln  string
	lei        string
	hasAddress bool
}

func prepare(r Record) prepared {
	p := prepared{
		name:    normaliseName(r.Name),
		addr:    normaliseAddress(r.Address),
		country: strings.ToUpper(strings.TrimSpace(r.Country)),
		lat:     r.Lat, lng: r.Lng, coord: r.HasCoord,
		osid: strings.ToUpper(strings.TrimSpace(r.OSID)),
		gln:  strings.TrimSpace(r.GLN),
		lei:  strings.ToUpper(strings.TrimSpace(r.LEI)),
	}
	p.nameGrams = trigrams(p.name.compact)
	p.addrGrams = trigrams(p.addr.compact)
	p.hasAddress = len(p.addr.terms) > 0 || len(p.addr.numbers) > 0
	return p
}

// Compare scores one pair of records on its own. Coordinates are trusted
// as given; Match, which sees the whole batch, distrusts a point shared by
// several facilities (a country or city centroid from a geocoder).
func (m *Matcher) Compare(a, b Record) Pair {
	pa, pb := prepare(a), prepare(b)
	s, why := score(&pa, &pb, m.th)
	return Pair{A: 0, B: 1, Score: s, Decision: m.decide(s), Reasons: why.reasons()}
}

func (m *Matcher) decide(s float64) Decision {
	switch {
	case s >= m.th.Same:
		return Same
	case s >= m.th.Review:
		return Review
	}
	return ""
}

// Match returns the candidate pairs among records whose score reaches the
// review threshold, ordered by A then B. Only pairs with B >= newFrom are
// considered, so that records[:newFrom] (those already stored, say) are
// matched against the new ones but not again among themselves; 0 matches
// everything with everything.
func (m *Matcher) Match(ctx context.Context, records []Record, newFrom int) ([]Pair, error) {
	if len(records) > math.MaxInt32 {
		return nil, kernel.Errorf(kernel.Invalid, "too many records to match (%d)", len(records))
	}
	newFrom = max(0, min(newFrom, len(records)))
	prep := make([]prepared, len(records))
	if err := parallel(ctx, len(records), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			prep[i] = prepare(records[i])
		}
	}); err != nil {
		return nil, err
	}
	distrustSharedCoords(prep)
	bl, err := block(ctx, prep)
	if err != nil {
		return nil, err
	}
	// Each worker scores the candidates of one shard of blocks at a time
	// and keeps what reaches review; the pairs are put in order at the
	// end, so the order of the work does not show.
	found := make([][]Pair, shards)
	err = eachShard(ctx, func(s int) {
		var local []Pair
		bl.candidates(s, int32(newFrom), func(a, b int32) {
			g := newPairGrams(&prep[a], &prep[b])
			if hopeless(&g) {
				return
			}
			sc, why := scoreGrams(&g, m.th)
			if sc < m.th.Review {
				return
			}
			local = append(local, Pair{A: int(a), B: int(b), Score: sc, Decision: m.decide(sc), Reasons: why.reasons()})
		})
		found[s] = local
	})
	if err != nil {
		return nil, err
	}
	var out []Pair
	for _, f := range found {
		out = append(out, f...)
	}
	out = capReview(out, m.reviewCap)
	slices.SortFunc(out, func(x, y Pair) int {
		if x.A != y.A {
			return x.A - y.A
		}
		return x.B - y.B
	})
	return out, nil
}

// capReview keeps every same pair and, going down the review pairs from
// the best score, a pair only while both its records have fewer than k
// review pairs kept, so that no record is in more than k.
func capReview(pairs []Pair, k int) []Pair {
	if k <= 0 {
		return pairs
	}
	slices.SortFunc(pairs, func(x, y Pair) int {
		switch {
		case x.Score > y.Score:
			return -1
		case x.Score < y.Score:
			return 1
		case x.A != y.A:
			return x.A - y.A
		}
		return x.B - y.B
	})
	kept := map[int]int{}
	out := pairs[:0]
	for _, p := range pairs {
		if p.Decision == Review {
			if kept[p.A] >= k || kept[p.B] >= k {
				continue
			}
			kept[p.A]++
			kept[p.B]++
		}
		out = append(out, p)
	}
	return out
}

// workers is how many goroutines share the work of one Match: one per
// processor Go may use.
func workers() int { return runtime.GOMAXPROCS(0) }

// cancelled wraps ctx's error, if any, as matching cancelled.
func cancelled(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return kernel.Wrap(kernel.Unavailable, err, "matching cancelled")
	}
	return nil
}

// parallel runs f over [0,n) in chunks on every processor, checking ctx
// between chunks.
func parallel(ctx context.Context, n int, f func(lo, hi int)) error {
	const chunk = 4096
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers() {
		wg.Go(func() {
			for ctx.Err() == nil {
				lo := int(next.Add(chunk) - chunk)
				if lo >= n {
					return
				}
				f(lo, min(lo+chunk, n))
			}
		})
	}
	wg.Wait()
	return cancelled(ctx)
}

// distrustSharedCoords marks as untrusted a point given to more than two
// records: geocoders place what they cannot find at a country's or city's
// centroid (a third of one public list sits on China's), and two
// unrelated facilities there are not neighbours.
func distrustSharedCoords(prep []prepared) {
	count := map[[2]int64]int32{}
	key := func(p *prepared) [2]int64 {
		return [2]int64{int64(math.Round(p.lat * 1e5)), int64(math.Round(p.lng * 1e5))}
	}
	for i := range prep {
		if prep[i].coord {
			count[key(&prep[i])]++
		}
	}
	for i := range prep {
		if prep[i].coord && count[key(&prep[i])] > 2 {
			prep[i].coord = false
		}
	}
}

// hopeless reports, cheaply, a candidate pair whose names number
// different units, or whose names and addresses share so few letter
// trigrams that it cannot reach review: most pairs
// blocking proposes at scale (neighbours in one geohash cell, one street)
// end here without the full comparison. Shared identifiers always go on.
func hopeless(g *pairGrams) bool {
	a, b := g.a, g.b
	if a.osid != "" && a.osid == b.osid || a.gln != "" && a.gln == b.gln || a.lei != "" && a.lei == b.lei {
		return false
	}
	if len(a.name.numbers) > 0 && len(b.name.numbers) > 0 && !sharesAny(a.name.numbers, b.name.numbers) {
		return true // different units (see score)
	}
	return diceShared(g.nameShared(), len(a.nameGrams), len(b.nameGrams)) < hopelessName &&
		diceShared(g.addrShared(), len(a.addrGrams), len(b.addrGrams)) < hopelessAddress
}

// pairGrams is a candidate pair with the letter trigrams its names and its
// addresses share, each counted once when first needed: the quick test
// (hopeless) and the score read the same counts.
type pairGrams struct {
	a, b       *prepared
	name, addr int // -1 until counted
}

func newPairGrams(a, b *prepared) pairGrams { return pairGrams{a: a, b: b, name: -1, addr: -1} }

func (g *pairGrams) nameShared() int {
	if g.name < 0 {
		g.name = shared(g.a.nameGrams, g.b.nameGrams)
	}
	return g.name
}

func (g *pairGrams) addrShared() int {
	if g.addr < 0 {
		g.addr = shared(g.a.addrGrams, g.b.addrGrams)
	}
	return g.addr
}

const (
	hopelessName    = 0.25
	hopelessAddress = 0.5
)

// why records what a score was made of, to explain it.
type why struct {
	name, address        float64
	hasAddress           bool
	sameID               string // "OS ID", "GLN"
	diffID               string
	sameLEI              bool
	unitConflict         [2][]string
	numbersShared        []string
	numbersDiffer        bool
	numbersConflict      [2][]string // numbers each address has that the other lacks
	unitOneSided         []string    // unit numbers of the one name that has any
	postcodeDiffers      bool
	postcodeShared       string
	km                   float64
	hasKm                bool
	countries            [2]string
	sameAddressOtherName bool
}

func (w why) reasons() []string {
	var out []string
	if w.sameID != "" {
		out = append(out, "same "+w.sameID)
	}
	if w.diffID != "" {
		out = append(out, "different "+w.diffID)
	}
	out = append(out, fmt.Sprintf("name %.2f", w.name))
	if w.hasAddress {
		out = append(out, fmt.Sprintf("address %.2f", w.address))
	}
	if w.sameLEI {
		out = append(out, "same LEI")
	}
	if len(w.unitConflict[0]) > 0 {
		out = append(out, fmt.Sprintf("unit numbers differ (%s / %s)", strings.Join(w.unitConflict[0], " "), strings.Join(w.unitConflict[1], " ")))
	}
	if len(w.numbersShared) > 0 {
		out = append(out, "same numbers in address ("+strings.Join(w.numbersShared, " ")+")")
	}
	if len(w.numbersConflict[0]) > 0 {
		out = append(out, fmt.Sprintf("other address numbers (%s / %s)", strings.Join(w.numbersConflict[0], " "), strings.Join(w.numbersConflict[1], " ")))
	}
	if len(w.unitOneSided) > 0 {
		out = append(out, "only one name numbers a unit ("+strings.Join(w.unitOneSided, " ")+")")
	}
	if w.numbersDiffer {
		out = append(out, "address numbers differ")
	}
	if w.postcodeShared != "" {
		out = append(out, "same postcode "+w.postcodeShared)
	}
	if w.postcodeDiffers {
		out = append(out, "postcodes differ")
	}
	if w.hasKm {
		out = append(out, fmt.Sprintf("%.1f km apart", w.km))
	}
	if w.countries[0] != "" {
		out = append(out, fmt.Sprintf("countries differ (%s / %s)", w.countries[0], w.countries[1]))
	}
	if w.sameAddressOtherName {
		out = append(out, "same address under another name")
	}
	return out
}

// Score weights and adjustments, tuned on the tuning part of the
// evaluation set (see docs/matching.md).
const (
	nameWeight          = 0.6
	nameOnlyFactor      = 0.85 // score of a name when either address is missing
	unitConflictPenalty = 0.3
	numbersSharedBonus  = 0.05
	numbersDifferCost   = 0.10
	postcodeDifferCost  = 0.08
	nearBonus           = 0.05 // within nearKm
	nearKm              = 0.25
	farKm               = 25
	farCost             = 0.15
	veryFarKm           = 100
	veryFarCost         = 0.3
	countryCost         = 0.15
	sameNameMin         = 0.8
	sameAddressMin      = 0.75
	sameMaxKm           = 10
	gramWeight          = 0.95 // trigram similarity, a little less sure than words
	coverWeight         = 0.9  // one address containing the other
)

// score compares two prepared records.
func score(a, b *prepared, th Thresholds) (float64, why) {
	g := newPairGrams(a, b)
	return scoreGrams(&g, th)
}

// scoreGrams is score of the pair g.
func scoreGrams(g *pairGrams, th Thresholds) (float64, why) {
	a, b := g.a, g.b
	var w why
	switch {
	case a.osid != "" && a.osid == b.osid:
		w.sameID = "OS ID"
	case a.gln != "" && a.gln == b.gln:
		w.sameID = "GLN"
	}
	nameS := math.Max(termSim(a.name.terms, b.name.terms), gramWeight*gramSimShared(g.nameShared(), len(a.nameGrams), len(b.nameGrams)))
	if a.name.key != "" && a.name.key == b.name.key {
		nameS = 1
	}
	if a.lei != "" && a.lei == b.lei {
		w.sameLEI = true
		nameS = math.Max(nameS, 0.9)
	}
	w.name = nameS
	var s float64
	if a.hasAddress && b.hasAddress {
		w.hasAddress = true
		sim, cover := termScores(a.addr.terms, b.addr.terms)
		addrS := max(sim, coverWeight*cover, gramWeight*gramSimShared(g.addrShared(), len(a.addrGrams), len(b.addrGrams)))
		w.address = addrS
		s = nameWeight*nameS + (1-nameWeight)*addrS
		if share, shared, ok := overlap(a.addr.numbers, b.addr.numbers); ok {
			switch {
			case share >= 0.5:
				w.numbersShared = shared
				s += numbersSharedBonus
			case share == 0:
				w.numbersDiffer = true
				s -= numbersDifferCost
			}
			// Each address with a number the other lacks ("1711 W 35th St"
			// and "1723 W 35th St"): two doors on one street, not one
			// site, however much else they share. One address holding
			// the other's numbers and more ("1710-1718 S. Loomis" and
			// "1718 S. Loomis") does not conflict.
			if share > 0 {
				if ea, eb := missingFrom(a.addr.numbers, b.addr.numbers), missingFrom(b.addr.numbers, a.addr.numbers); len(ea) > 0 && len(eb) > 0 {
					w.numbersConflict = [2][]string{ea, eb}
				}
			}
		}
		if share, shared, ok := overlap(a.addr.postcodes, b.addr.postcodes); ok {
			if share == 0 {
				w.postcodeDiffers = true
				s -= postcodeDifferCost
			} else {
				w.postcodeShared = shared[0]
			}
		}
		// A factory renamed or taken over keeps its address: the same
		// specific address (two numbers in common, nearly equal text)
		// deserves an analyst's look whatever the names say.
		if addrS >= 0.85 && len(w.numbersShared)+len(w.postcodeShared)/5 >= 2 && s < th.Review {
			w.sameAddressOtherName = true
			s = th.Review
		}
	} else {
		s = nameOnlyFactor * nameS
	}
	unitsApart := false
	switch {
	case len(a.name.numbers) > 0 && len(b.name.numbers) == 0:
		w.unitOneSided = a.name.numbers
	case len(b.name.numbers) > 0 && len(a.name.numbers) == 0:
		w.unitOneSided = b.name.numbers
	}
	if len(a.name.numbers) > 0 && len(b.name.numbers) > 0 && !sameSet(a.name.numbers, b.name.numbers) {
		w.unitConflict = [2][]string{a.name.numbers, b.name.numbers}
		s -= unitConflictPenalty
		// Names whose numbers have none in common ("Factory 12" and
		// "Factory 13", "Unit 3" and "Unit 4") name different units or
		// sites however alike their words and streets are: not even a
		// pair to review.
		unitsApart = !sharesAny(a.name.numbers, b.name.numbers)
	}
	if a.coord && b.coord {
		d := distanceKm(a.lat, a.lng, b.lat, b.lng)
		w.km, w.hasKm = d, true
		switch {
		case d <= nearKm:
			s += nearBonus
		case d > veryFarKm:
			s -= veryFarCost
		case d > farKm:
			s -= farCost
		}
	}
	below := th.Same - 0.01 // a pair capped "below same" can still be reviewed
	if a.country != "" && b.country != "" && a.country != b.country {
		w.countries = [2]string{a.country, b.country}
		s = math.Min(s-countryCost, below)
	}
	switch {
	case a.osid != "" && b.osid != "" && a.osid != b.osid:
		w.diffID = "OS IDs"
		s = math.Min(s, below)
	case a.gln != "" && b.gln != "" && a.gln != b.gln:
		w.diffID = "GLNs"
		s = math.Min(s, below)
	case a.lei != "" && b.lei != "" && a.lei != b.lei:
		w.diffID = "LEIs"
		s = math.Min(s, below)
	}
	// "Same" merges without asking, so it needs each kind of evidence to
	// agree: a name nearly the same, an address that does not point
	// elsewhere, and trusted coordinates (when both have them) close by.
	// Anything less is left to an analyst.
	switch {
	case nameS < sameNameMin:
		s = math.Min(s, below)
	case w.hasAddress && w.address < sameAddressMin:
		s = math.Min(s, below)
	case w.hasKm && w.km > sameMaxKm:
		s = math.Min(s, below)
	case w.numbersDiffer, len(w.numbersConflict[0]) > 0, w.postcodeDiffers:
		// Different house or plot numbers on one street are neighbours
		// (Batu 3 1/2 and Batu 4 Jalan Kluang), not one site; different
		// postcodes put one of the two somewhere else.
		s = math.Min(s, below)
	case len(w.unitOneSided) > 0:
		// "Little Tykes II" beside "Little Tykes": the second unit, or
		// the first named loosely; an analyst tells which.
		s = math.Min(s, below)
	}
	if unitsApart {
		s = math.Min(s, th.Review-noCandidateGap)
	}
	if w.sameID != "" {
		s = 1
	}
	return math.Max(0, math.Min(1, s)), w
}

// noCandidateGap is how far under the review threshold a rule that rules
// a pair out puts its score.
const noCandidateGap = 0.05

// missingFrom returns the strings of a that b lacks.
func missingFrom(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !containsStr(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// sharesAny reports whether a and b have a string in common.
func sharesAny(a, b []string) bool {
	for _, x := range a {
		if containsStr(b, x) {
			return true
		}
	}
	return false
}

// sameSet reports whether a and b hold the same strings.
func sameSet(a, b []string) bool {
	for _, x := range a {
		if !containsStr(b, x) {
			return false
		}
	}
	for _, x := range b {
		if !containsStr(a, x) {
			return false
		}
	}
	return true
}

// Best compares r with each candidate on its own (as Compare does) and
// returns the index of the highest-scoring one and its pair, or -1 when
// there is no candidate. The pair's Decision is empty when even the best
// is below the review threshold.
func (m *Matcher) Best(r Record, cands []Record) (int, Pair) {
	best, bp := -1, Pair{}
	for i, c := range cands {
		p := m.Compare(r, c)
		if best < 0 || p.Score > bp.Score {
			best, bp = i, p
		}
	}
	return best, bp
}
