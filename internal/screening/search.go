package screening

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// DefaultThreshold is the score from which a hit is worth a human look. It
// was calibrated on the labelled set in testdata (see docs/screening.md): at
// this threshold the set's F1 is highest, with precision above recall, since
// every reported hit costs a reviewer's time.
const DefaultThreshold = 0.80

// Query is one name to screen.
type Query struct {
	ID      string // the caller's reference, echoed in results
	Name    string
	Country string // optional: ISO code or English country name
	// Identifiers are optional registration, tax, IMO or other numbers of
	// the screened party; one equal to a listed identifier raises the score.
	Identifiers []string
}

// Options tune a search. The zero value uses the defaults.
type Options struct {
	// Threshold is the lowest score reported, 0..1; nil means
	// DefaultThreshold. A threshold of 0 reports every candidate scored.
	Threshold *float64
	// Limit caps the hits per query; 0 means 10.
	Limit int
}

// ThresholdOf returns v as an Options threshold: Options{Threshold:
// ThresholdOf(0)} reports every candidate, where the zero Options uses
// DefaultThreshold.
func ThresholdOf(v float64) *float64 { return &v }

// Hit is a list entity that matches a query, with the explanation.
type Hit struct {
	Entity      *Entity
	MatchedName string  // the list name (primary or alias) that matched best
	Score       float64 // 0..1
	Reasons     []string
}

// ValidateQuery checks a query from outside input and says what is wrong.
func ValidateQuery(q Query) error {
	if msg := validName(q.Name); msg != "" {
		return kernel.Errorf(kernel.Invalid, "%s", msg)
	}
	return nil
}

// queryUnit is a query word, or adjacent query words written together,
// with the list terms it resembles.
type queryUnit struct {
	start, end int // token positions [start, end)
	text       string
	class      tokClass
	matches    []match
	// known marks a word of a query written in Latin letters that is
	// itself a word of the lists: its spelling variants and sound-alikes
	// are other names ("Andrew" and ANDRE, "John" and JHON), not typing
	// errors, so they count for less (knownWordVariant).
	known bool
	// classW caches classWeight for a pair of similarity classSim.
	classSim, classW float32
}

type preparedQuery struct {
	// exact is set for a name read from a syllabic script (see prepare):
	// words match only as written, and every syllable must be matched.
	exact   bool
	toks    []token
	weights []float32
	units   []queryUnit
	country string
	ids     []string // the query's identifiers, folded
	// byTerm lists, for each list term some query unit resembles, the
	// units and similarities, so scoring a name is one lookup per word.
	byTerm []termMatch // sorted by term, then unit
	// termFirst[t] is where term t's entries begin in byTerm, valid when
	// termGen[t] is gen: one slot per list term, kept from query to query
	// and never cleared, since a new gen makes every old slot stale.
	termGen   []uint32
	termFirst []int32
	gen       uint32
}

// termMatch is one entry of byTerm.
type termMatch struct {
	term int32
	unitMatch
}

// matchesOf returns the units that resemble list term id, in unit order.
func (pq *preparedQuery) matchesOf(id int32) []termMatch {
	if pq.termGen[id] != pq.gen {
		return nil
	}
	ms := pq.byTerm
	lo := int(pq.termFirst[id])
	j := lo
	for j < len(ms) && ms[j].term == id {
		j++
	}
	return ms[lo:j]
}

type unitMatch struct {
	unit int32
	sim  float32
	how  matchHow
}

// candidateLimit is how many names, ranked by their share of query words,
// are scored in full.
const candidateLimit = 32

// commonPostings skips, when finding candidates, words held by more names
// than this share of the index; they still count when scoring.
const commonShare = 0.05

// Screen checks a query from outside input with ValidateQuery and searches
// it: an Invalid error says what is wrong with the name.
func (ix *Index) Screen(q Query, opts Options) ([]Hit, error) {
	if err := ValidateQuery(q); err != nil {
		return nil, err
	}
	return ix.Search(q, opts), nil
}

// Search screens one name and returns the hits at or above the threshold,
// best first. It returns no hits for a name without distinctive words and
// for a name ValidateQuery rejects (use Screen to get the reason); only the
// first 64 words of a name take part.
func (ix *Index) Search(q Query, opts Options) []Hit {
	qn := foldNative(q.Name)
	if rd := readings(q.Name); len(rd) > 0 {
		if qn.script == scriptHangul {
			rd = appendReadings(rd, ix.hangulSpellingReadings(q.Name))
		}
		return ix.searchReadings(q, rd, opts, qn)
	}
	if qn.script&(scriptHan|scriptKana) != 0 {
		// Kanji may be Chinese or Japanese: the name is searched as
		// written (read in Chinese, kana letter by letter) and under
		// its Japanese readings.
		if jr := ix.japaneseReadings(q.Name); len(jr) > 0 {
			return ix.searchReadings(q, append([]nameReading{{text: q.Name}}, jr...), opts, qn)
		}
	}
	return ix.searchOne(q, opts, qn)
}

// appendReadings adds the readings of more whose text rd lacks.
func appendReadings(rd, more []nameReading) []nameReading {
	have := make(map[string]bool, len(rd))
	for _, r := range rd {
		have[r.text] = true
	}
	for _, r := range more {
		if !have[r.text] {
			have[r.text] = true
			rd = append(rd, r)
		}
	}
	return rd
}

// searchReadings searches a name written in a script the lists do not use
// under each of its readings and keeps each entity's best hit, saying
// which reading found it (a reading without how is the name as written).
func (ix *Index) searchReadings(q Query, rd []nameReading, opts Options, qn nativeName) []Hit {
	limit := opts.Limit
	if limit <= 0 {
		limit = 10
	}
	var hits []Hit
	at := map[*Entity]int{}
	for _, r := range rd {
		alt := q
		alt.Name = r.text
		for _, h := range ix.searchOne(alt, opts, qn) {
			if r.how != "" { // a reading without how is the name as written
				h.Reasons = append([]string{fmt.Sprintf("%q read as %q (%s)", q.Name, r.text, r.how)}, h.Reasons...)
			}
			if i, ok := at[h.Entity]; ok {
				if h.Score > hits[i].Score {
					hits[i] = h
				}
				continue
			}
			at[h.Entity] = len(hits)
			hits = append(hits, h)
		}
	}
	sortHits(hits)
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits
}

func sortHits(hits []Hit) {
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].Entity.ID < hits[j].Entity.ID
	})
}

// searchOne searches one spelling of a query; qn is the query as written,
// folded for comparison in its own script (zero when it is not in one).
func (ix *Index) searchOne(q Query, opts Options, qn nativeName) []Hit {
	threshold := DefaultThreshold
	if opts.Threshold != nil {
		threshold = *opts.Threshold
	}
	if opts.Limit <= 0 {
		opts.Limit = 10
	}
	s := ix.pool.Get().(*scratch)
	defer ix.pool.Put(s)
	pq := ix.prepare(q, s, qn.script&(scriptHan|scriptHangul|scriptKana) != 0, qn.script&(scriptThai|scriptKhmer) != 0)
	if pq == nil {
		return nil
	}
	cands := ix.candidates(pq, s)
	prepareBound(pq, &s.bound)
	type best struct {
		name  int32
		score float64
	}
	var bests []best
	for _, ni := range cands {
		if ix.scoreBound(pq, &s.bound, &ix.names[ni]) < threshold {
			continue
		}
		sc, ok := ix.score(pq, &ix.names[ni], s, nil)
		if !ok {
			continue
		}
		sc, ok = ix.sameScript(qn, ni, sc, nil)
		if !ok || sc < threshold {
			continue
		}
		e := ix.names[ni].entity
		found := false
		for i := range bests {
			if ix.names[bests[i].name].entity == e {
				found = true
				if sc > bests[i].score {
					bests[i] = best{ni, sc}
				}
			}
		}
		if !found {
			bests = append(bests, best{ni, sc})
		}
	}
	hits := make([]Hit, 0, len(bests))
	for _, b := range bests {
		nr := &ix.names[b.name]
		var reasons []string
		sc, _ := ix.score(pq, nr, s, &reasons)
		sc, _ = ix.sameScript(qn, b.name, sc, &reasons)
		hits = append(hits, Hit{Entity: &ix.entities[nr.entity], MatchedName: nr.text, Score: sc, Reasons: reasons})
	}
	sortHits(hits)
	if len(hits) > opts.Limit {
		hits = hits[:opts.Limit]
	}
	return hits
}

// Result is the outcome of one query of a batch.
type Result struct {
	Query Query
	Hits  []Hit
}

// SearchBatch screens many names on all cores and returns the results in
// the order of the queries.
func (ix *Index) SearchBatch(qs []Query, opts Options) []Result {
	out := make([]Result, len(qs))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	const chunk = 64
	next := make(chan int, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for start := range next {
				for i := start; i < min(start+chunk, len(qs)); i++ {
					out[i] = Result{Query: qs[i], Hits: ix.Search(qs[i], opts)}
				}
			}
		}()
	}
	for i := 0; i < len(qs); i += chunk {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// prepare normalises a query and looks its words up. exact limits the
// lookups to words as written (no spelling variants, no sound-alikes): a
// romanisation of a syllabic script is one valid syllable per character,
// and one letter more or less makes another syllable, another name.
// syllables says the query is a romanisation of Thai or Khmer written
// syllable by syllable, whose syllables are parts of words even where
// they look like a legal form ("na" in "lo khe na", Lakhena).
func (ix *Index) prepare(q Query, s *scratch, exact, syllables bool) *preparedQuery {
	edits, sound := 2, true
	if exact {
		edits, sound = 0, false
	}
	if len(q.Name) > MaxNameLength {
		return nil
	}
	toks := normaliseName(q.Name)
	if len(toks) > maxTokens {
		toks = toks[:maxTokens]
	}
	distinctive := false
	for _, t := range toks {
		if t.class == classWord || t.class == classNumber {
			distinctive = true
		}
	}
	if !distinctive {
		return nil
	}
	// The query lives in the scratch, which is the caller's until the
	// search ends, so its slices serve query after query.
	pq := &s.pq
	weights := slices.Grow(pq.weights[:0], len(toks))[:len(toks)]
	clear(weights)
	*pq = preparedQuery{toks: toks, weights: weights, units: pq.units[:0], ids: pq.ids[:0], byTerm: pq.byTerm[:0],
		termGen: pq.termGen, termFirst: pq.termFirst, gen: pq.gen + 1}
	if pq.gen == 0 {
		// The generations wrapped around: old slots could look current.
		clear(pq.termGen)
		pq.gen = 1
	}
	pq.exact = exact
	if q.Country != "" {
		if c, ok := CountryCode(q.Country); ok {
			pq.country = c
		}
	}
	for _, id := range q.Identifiers {
		if f := foldIdentifier(id); len(f) >= 4 {
			pq.ids = append(pq.ids, f)
		}
	}
	for i, t := range toks {
		u := queryUnit{start: i, end: i + 1, text: t.text, class: t.class}
		if t.arabic {
			u.matches = ix.arabicLookup(t.text, t.written)
		} else {
			u.matches = ix.cachedLookup(t.text, t.class, edits, sound, s)
		}
		pq.weights[i] = ix.queryWeight(t, u.matches)
		pq.units = append(pq.units, u)
	}
	// Adjacent words written apart in the query but together in the list
	// ("xin jiang" for "xinjiang", as Chinese transliterates syllable by
	// syllable).
	for i := 0; i < len(toks); i++ {
		text := toks[i].text
		for k := i + 1; k < len(toks) && k < i+4; k++ {
			// Connectives join too: "da" in "tai da" is a syllable, not "da".
			if !joinable(toks[k].class, syllables) || !joinable(toks[k-1].class, syllables) || toks[i].arabic || toks[k].arabic {
				break
			}
			text += toks[k].text
			if len(text) > 20 {
				break
			}
			m := ix.cachedLookup(text, classWord, min(edits, 1), false, s)
			if len(m) > 0 {
				pq.units = append(pq.units, queryUnit{start: i, end: k + 1, text: text, class: classWord, matches: m})
			}
		}
	}
	// Adjacent Arabic-script words the list may write as one ("عبد الله"
	// as "Abdallah", "عبد الغني" as "Abdulghani").
	for i := 0; i < len(toks); i++ {
		if !toks[i].arabic {
			continue
		}
		for k := i + 1; k < len(toks) && k < i+4; k++ {
			sk, ok := joinSkeletons(toks[i : k+1])
			if !ok {
				break
			}
			if !toks[k].arabic {
				continue
			}
			m := ix.arabicLookup(sk, "")
			if toks[i].written != "عبد" {
				// A name joined to an article-bearing one ("Nasrallah") is
				// one word on the list too: two list words written
				// together ("Trikulya Elena") are two names whose
				// consonants only happen to line up.
				m = singleWords(ix.terms, m)
			}
			if len(m) > 0 {
				pq.units = append(pq.units, queryUnit{start: i, end: k + 1, text: sk, class: classWord, matches: m})
			}
		}
	}
	bt := pq.byTerm
	latin := latinLetters(q.Name)
	for ui := range pq.units {
		u := &pq.units[ui]
		if latin {
			for _, m := range u.matches {
				if m.how == howExact && ix.terms[m.term].class == classWord {
					u.known = true
					break
				}
			}
		}
		for _, m := range u.matches {
			sim := m.sim
			if u.known && (m.how == howSpelling || m.how == howSound) {
				sim *= knownWordVariant
			}
			bt = append(bt, termMatch{m.term, unitMatch{int32(ui), sim, m.how}})
		}
	}
	slices.SortStableFunc(bt, func(a, b termMatch) int { return cmp.Compare(a.term, b.term) })
	pq.byTerm = bt
	for k := range bt {
		if t := bt[k].term; k == 0 || bt[k-1].term != t {
			pq.termGen[t], pq.termFirst[t] = pq.gen, int32(k)
		}
	}
	return pq
}

// singleWords keeps the matches that are words of list names, not two
// list words written together; it copies only when it drops one.
func singleWords(terms []term, ms []match) []match {
	for i, m := range ms {
		if terms[m.term].compound {
			out := append([]match(nil), ms[:i]...)
			for _, m := range ms[i+1:] {
				if !terms[m.term].compound {
					out = append(out, m)
				}
			}
			return out
		}
	}
	return ms
}

func joinable(c tokClass, syllables bool) bool {
	return c == classWord || c == classStop || (syllables && c == classLegal)
}

// queryWeight is how much a query word counts: the weight of the list term
// it is (or resembles), or a high weight for words the lists never use.
func (ix *Index) queryWeight(t token, ms []match) float32 {
	best := float32(-1)
	for _, m := range ms {
		if w := ix.terms[m.term].weight; m.how == howExact {
			return w
		} else if w > best {
			best = w
		}
	}
	if best >= 0 {
		return best
	}
	switch t.class {
	case classLegal:
		return 0.08 * ix.unknownW
	case classStop:
		return 0.05 * ix.unknownW
	}
	return ix.unknownW
}

// candidates ranks names by the weight of the query words they share and
// returns the best candidateLimit of them.
func (ix *Index) candidates(pq *preparedQuery, s *scratch) []int32 {
	s.touchedN = s.touchedN[:0]
	common := int(commonShare * float64(len(ix.names)))
	if common < 50 {
		common = 50
	}
	addPostings := func(post []int32, w float32) {
		for _, ni := range post {
			if s.acc[ni] == 0 {
				s.touchedN = append(s.touchedN, ni)
			}
			s.acc[ni] += w
		}
	}
	for _, u := range pq.units {
		if u.class != classWord && u.class != classNumber {
			continue
		}
		for _, m := range u.matches {
			post := ix.postings[m.term]
			if len(post) > common {
				continue
			}
			addPostings(post, ix.terms[m.term].weight*m.sim)
		}
		if u.end-u.start == 1 && len(u.text) >= 3 && len(u.text) <= 8 {
			addPostings(ix.acro[u.text], ix.unknownW*0.5)
		}
	}
	if len(s.touchedN) == 0 {
		// Every word of the query is common ("Muhammad Ali"): its
		// candidates can only come from the common words themselves.
		for _, u := range pq.units {
			if u.class != classWord && u.class != classNumber {
				continue
			}
			for _, m := range u.matches {
				addPostings(ix.postings[m.term], ix.terms[m.term].weight*m.sim)
			}
		}
	}
	// Rank by an estimate of the final score: the shared weight over the
	// name's own weight (list side) and over the query's (query side), so
	// a short name holding the query's words is not crowded out by long
	// names holding rarer look-alikes.
	var wq float32
	for _, w := range pq.weights {
		wq += w
	}
	for _, ni := range s.touchedN {
		s.acc[ni] *= 0.6/max(ix.nameW[ni], 1e-3) + 0.4/max(wq, 1e-3)
	}
	cands := append(s.cands[:0], s.touchedN...)
	if len(cands) > candidateLimit {
		// Only the best candidateLimit matter: a partial selection is
		// enough and much cheaper than sorting thousands.
		selectTop(cands, s.acc, candidateLimit)
	}
	s.cands = cands
	for _, ni := range s.touchedN {
		s.acc[ni] = 0
	}
	if len(cands) > candidateLimit {
		cands = cands[:candidateLimit]
	}
	return cands
}

// pair is one possible correspondence between query words and list words.
type pair struct {
	qs, qe int // query token span
	ls, le int // list token span
	sim    float32
	how    matchHow
	unit   int32 // the query unit the pair came from; -1 for initials and acronyms
}

func spanMask(s, e int) uint64 {
	if e-s >= 64 {
		return ^uint64(0)
	}
	return ((uint64(1) << uint(e-s)) - 1) << uint(s)
}

// score compares the query with one list name. The score mixes how much of
// the list name's weight the query covers (list words missing from the
// query count more) and how much of the query's weight the list name covers
// (extra query words, such as a branch or a place, count less); legal forms
// and connectives weigh little and never match on their own; country
// agreement raises and disagreement lowers the result.
func (ix *Index) score(pq *preparedQuery, nr *nameRec, s *scratch, explain *[]string) (float64, bool) {
	pairs := s.pairs[:0]
	defer func() { s.pairs = pairs[:0] }()
	ltoks := nr.toks
	for j, id := range ltoks {
		for _, um := range pq.matchesOf(id) {
			u := &pq.units[um.unit]
			pairs = append(pairs, pair{u.start, u.end, j, j + 1, um.sim, um.how, um.unit})
		}
	}
	for _, c := range nr.compounds {
		for _, um := range pq.matchesOf(c.term) {
			u := &pq.units[um.unit]
			pairs = append(pairs, pair{u.start, u.end, int(c.pos), int(c.pos) + 2, um.sim, um.how, um.unit})
		}
	}
	// Initials: a single letter on one side stands for a word on the other.
	for i, t := range pq.toks {
		if t.arabic || pq.exact {
			continue
		}
		for j, id := range ltoks {
			lt := ix.terms[id]
			switch {
			case len(t.text) == 1 && t.class == classWord && lt.class == classWord && len(lt.text) > 1 && lt.text[0] == t.text[0]:
				pairs = append(pairs, pair{i, i + 1, j, j + 1, 0.6, howInitial, -1})
			case len(lt.text) == 1 && lt.class == classWord && t.class == classWord && len(t.text) > 1 && t.text[0] == lt.text[0]:
				pairs = append(pairs, pair{i, i + 1, j, j + 1, 0.6, howInitial, -1})
			}
		}
	}
	// Acronyms: a query word made of the initials of consecutive list words,
	// or a list word made of the initials of consecutive query words.
	for i, t := range pq.toks {
		if t.class != classWord || t.arabic || pq.exact || len(t.text) < 2 || len(t.text) > 8 {
			continue
		}
		if k := strings.Index(nr.initials, t.text); k >= 0 && len(t.text) >= 3 {
			ls, le := int(nr.initPos[k]), int(nr.initPos[k+len(t.text)-1])+1
			sim := float32(0.9)
			if len(t.text) == 3 {
				sim = acronym3
			}
			pairs = append(pairs, pair{i, i + 1, ls, le, sim, howAcronym, -1})
		}
	}
	for j, id := range ltoks {
		lt := ix.terms[id]
		if lt.class != classWord || len(lt.text) < 3 || len(lt.text) > 8 {
			continue
		}
		if qs, qe, ok := queryInitials(pq.toks, lt.text); ok && !pq.exact {
			pairs = append(pairs, pair{qs, qe, j, j + 1, 0.9, howAcronym, -1})
		}
	}
	slices.SortStableFunc(pairs, func(a, b pair) int {
		if a.sim != b.sim {
			return cmp.Compare(b.sim, a.sim)
		}
		return cmp.Compare(b.le-b.ls+b.qe-b.qs, a.le-a.ls+a.qe-a.qs)
	})
	var qUsed, lUsed uint64
	chosen := s.chosen[:0]
	defer func() { s.chosen = chosen[:0] }()
	for _, p := range pairs {
		qm, lm := spanMask(p.qs, p.qe), spanMask(p.ls, p.le)
		if qUsed&qm != 0 || lUsed&lm != 0 {
			continue
		}
		qUsed |= qm
		lUsed |= lm
		chosen = append(chosen, p)
	}
	var wl, ml, wq, mq, sig float32
	s.lsim = append(s.lsim[:0], make([]float32, len(ltoks))...)
	s.qsim = append(s.qsim[:0], make([]float32, len(pq.toks))...)
	lsim, qsim := s.lsim, s.qsim
	for _, p := range chosen {
		for j := p.ls; j < p.le; j++ {
			lsim[j] = p.sim
		}
		for i := p.qs; i < p.qe; i++ {
			qsim[i] = p.sim
		}
	}
	numberClash := false
	// Optional name parts the query leaves out count little, unless the
	// query gives a word of its own the list name lacks: a middle name
	// that differs is evidence against the match, not an omission.
	optional := nr.optional
	if optional != 0 {
		for i, t := range pq.toks {
			if qsim[i] == 0 && t.class == classWord {
				optional = 0
				break
			}
		}
	}
	for j, id := range ltoks {
		t := ix.terms[id]
		w := t.weight
		if lsim[j] == 0 && optional&(1<<uint(j)) != 0 {
			w *= optionalMissing
		}
		wl += w
		ml += t.weight * lsim[j]
		if lsim[j] > 0 && (t.class == classWord || t.class == classNumber) {
			sig += t.weight
		}
		if t.class == classNumber && lsim[j] == 0 {
			numberClash = true
		}
	}
	for i, w := range pq.weights {
		wq += w
		mq += w * qsim[i]
	}
	if sig == 0 || wl == 0 || wq == 0 {
		return 0, false
	}
	covL, covQ := ml/wl, mq/wq
	score := 0.6*float64(covL) + 0.4*float64(covQ)
	e := &ix.entities[nr.entity]
	var reasons []string
	inversions := 0
	slices.SortFunc(chosen, func(a, b pair) int { return cmp.Compare(a.ls, b.ls) })
	for k := 1; k < len(chosen); k++ {
		if chosen[k].qs < chosen[k-1].qs {
			inversions++
		}
	}
	if explain != nil {
		for _, p := range chosen {
			reasons = append(reasons, ix.describe(pq, nr, p))
		}
		if missing := ix.unmatched(ltoks, lsim, ^optional); missing != "" {
			reasons = append(reasons, "list words missing from the query: "+missing)
		}
		if missing := ix.unmatched(ltoks, lsim, optional); missing != "" {
			reasons = append(reasons, "optional name parts not in the query (count little): "+missing)
		}
		if extra := unmatchedQuery(pq.toks, qsim); extra != "" {
			reasons = append(reasons, "query words not in the list name: "+extra)
		}
	}
	note := func(msg string) {
		if explain != nil {
			reasons = append(reasons, msg)
		}
	}
	if pq.exact {
		// Each syllable of a name in a syllabic script is a part of the
		// name: one the list name lacks is as strong a difference as a
		// missing word ("mo kang min" is not "Kang Min").
		// The list name's words count the same way.
		n, m := 0, 0
		for i, t := range pq.toks {
			if t.class == classWord || t.class == classStop {
				n++
				if qsim[i] > 0 {
					m++
				}
			}
		}
		for j, id := range ltoks {
			if c := ix.terms[id].class; c == classWord || c == classNumber {
				n++
				if lsim[j] > 0 {
					m++
				}
			}
		}
		if n > 0 && m < n {
			score *= float64(m) / float64(n)
			if explain != nil { // formatting costs more than the score
				note(fmt.Sprintf("%d of %d syllables and list words matched (x%.2f)", m, n, float64(m)/float64(n)))
			}
		}
	}
	words, agree, extra, rareSim, allCommon := ix.agreement(pq, nr, chosen, qsim)
	if allCommon {
		score *= allCommonAgreement
		if explain != nil {
			note(fmt.Sprintf("every word that agrees is common on the lists (x%.2f)", allCommonAgreement))
		}
	}
	if agree == 1 && extra > 0 {
		score *= singleAgreement
		if explain != nil {
			note(fmt.Sprintf("only one distinctive word agrees and the query has %d of its own (x%.2f)", extra, singleAgreement))
		}
	}
	if agree == 1 && float64(rareSim) < score {
		// A match resting on one distinctive word is no closer than that
		// word: common words agreeing beside it ("group", "industry")
		// raise the coverage, not the evidence.
		score = float64(rareSim)
		if explain != nil {
			note(fmt.Sprintf("the one distinctive word that agrees is only alike: at most its similarity (%.2f)", rareSim))
		}
	}
	if words == 1 {
		fuzzy := true
		for _, p := range chosen {
			if p.how == howExact {
				fuzzy = false
			}
		}
		if fuzzy {
			score *= fuzzySingle
			if explain != nil {
				note(fmt.Sprintf("the one word that agrees is only alike (x%.2f)", fuzzySingle))
			}
		}
	}
	if ix.givenNameMisplaced(pq, nr, chosen) {
		score *= givenNameElsewhere
		if explain != nil {
			note(fmt.Sprintf("the listed given name %q is not the first name of the query, as names in Arabic script are written (x%.2f)",
				ix.terms[nr.toks[nr.given]].text, givenNameElsewhere))
		}
	}
	if numberClash {
		score *= 0.75
		note("a number in the list name is not in the query (x0.75)")
	}
	if e.Kind == KindPerson || e.Kind == KindVessel || e.Kind == KindAircraft {
		for i, t := range pq.toks {
			// A legal form a correspondence took in is a syllable of a
			// name written together (Khmer, Thai), not a legal form.
			if t.class == classLegal && qsim[i] == 0 {
				score *= companyNotPerson
				if explain != nil {
					note(fmt.Sprintf("the query has a legal form (%q): it names a company, not a %s (x%.2f)", t.text, e.Kind, companyNotPerson))
				}
				break
			}
		}
	}
	if pq.exact && e.Kind == KindPerson && latinLetters(nr.text) && syllablesOutOfPlace(pq, nr, chosen) {
		score *= syllableOrder
		if explain != nil {
			note(fmt.Sprintf("the given name's syllables are in another order than on the list (x%.2f)", syllableOrder))
		}
	}
	if inversions > 0 && e.Kind != KindPerson {
		score *= 0.97
		note("word order differs (x0.97)")
	}
	if nr.weak {
		score *= 0.92
		note("matched a weak alias (x0.92)")
	}
	if pq.country != "" && len(e.Countries) > 0 {
		agree := false
		for _, c := range e.Countries {
			if c == pq.country {
				agree = true
			}
		}
		if agree {
			score += (1 - score) * 0.3
			if explain != nil { // the message is built only when asked for
				note("country " + pq.country + " agrees with the list")
			}
		} else {
			score *= 0.9
			if explain != nil {
				note(fmt.Sprintf("country %s differs from the list (%s) (x0.90)", pq.country, strings.Join(e.Countries, ", ")))
			}
		}
	}
	if id, ok := sharedIdentifier(pq.ids, e.Identifiers); ok {
		score += (1 - score) * 0.5
		if explain != nil {
			note("identifier " + id + " matches the list")
		}
	}
	if score > 1 {
		score = 1
	}
	score = float64(int(score*1000+0.5)) / 1000
	if explain != nil {
		*explain = reasons
	}
	return score, true
}

// companyNotPerson scales the score of a query with a legal form ("Ltd",
// "Inc", "(주)") against a person, vessel or aircraft on a list: the query
// names a company, and a company named after a listed person is still
// found when the rest of the name agrees. Chosen on the tuning part of
// the ordinary-name sets, where company names made of one Arabic word and
// "Inc" or "Ltd" ("بدر Inc") were otherwise flagged against people and
// vessels sharing that word (docs/screening.md).
const companyNotPerson = 0.85

// syllableOrder scales the score of a name read from Korean, Chinese or
// Japanese script against a listed person whose name parts it holds in
// other places: given-name syllables in another order (이영수, Ri Yong Su,
// is not Ri Su Yong), the family name, which these scripts write first,
// matching the list's given name (송김, Song Kim, is not KIM, Song), or
// joined with the given name into one list word (지조 is not CHICHO).
// The family name may stand first or last on the list, as lists write it
// either way; the given name's syllables keep their order in every writing
// of the name. It applies to list names in Latin letters: one written in
// the query's script is romanised without its spaces (김정은 is
// "gimjeongeun") and compared as written besides. Chosen on the tuning part of the ordinary-name sets
// (docs/screening.md).
const syllableOrder = 0.75

// syllablesOutOfPlace reports whether a name read from a syllabic script
// meets the list name out of place (see syllableOrder). The query's first
// word is its family name when the query has the shape of a personal name
// (two to four syllables); chosen is sorted by list position.
func syllablesOutOfPlace(pq *preparedQuery, nr *nameRec, chosen []pair) bool {
	first, words := -1, 0
	for i, t := range pq.toks {
		if t.class == classWord && first < 0 {
			first = i
		}
		if t.class == classWord || t.class == classStop {
			words++ // every syllable, those read as connectives too
		}
	}
	// Personal names of these scripts are two to four syllables; longer
	// names are mostly foreign names written out syllable by syllable
	// (阿不都·哈克, Abdul Haq), whose syllables join into words of their own.
	if first < 0 || words > 4 || len(chosen) < 2 && (len(chosen) == 0 || chosen[0].qe-chosen[0].qs < 2) {
		return false
	}
	last := -1
	for _, p := range chosen {
		if p.qs <= first && first < p.qe {
			if p.qe-p.qs > 1 && p.le-p.ls == 1 {
				return true // the family name joined with the given name
			}
			if g := int(nr.given); g >= 0 && p.ls <= g && g < p.le && p.le-p.ls == 1 && len(chosen) > 1 {
				return true // the family name is the list's given name
			}
			continue
		}
		if p.qs < last {
			return true
		}
		last = p.qs
	}
	return false
}

// singleAgreement scales the score of a match that rests on one word of
// the query when the query has distinctive words of its own the list name
// lacks: "Sienna Dengler" shares a given name with the vessel SIENNA and
// nothing else, which is how most ordinary names come to resemble a list
// name.
const singleAgreement = 0.9

// fuzzySingle scales the score of a match whose one agreeing distinctive
// word is only alike, not equal ("TMAR" and TAMAR, "Sen Nan" and SEMNAN):
// one word spelt differently is the weakest evidence there is. Chosen on
// the tuning parts: it takes the Open Supply Hub suppliers flagged from
// 0.71% to 0.36% and changes no F1 (docs/screening.md).
const fuzzySingle = 0.95

// acronym3 is the similarity of a three-letter query word read as the
// initials of three list words: there are few three-letter words, and
// most of them are some name's initials ("PHI Co., Ltd."). Longer
// acronyms keep 0.9. Chosen on the tuning parts with fuzzySingle.
const acronym3 = 0.8

// agreement counts the distinctive list words the chosen correspondences
// cover, and the distinctive query words no list word matched whose
// weight says they are not common words of the lists ("trading",
// "group"): words that name someone else. When every agreeing word but one
// is a common word of the lists, the match rests on that one word (agree
// is 1: "GREEN INDUSTRIES" against "See Green Industrial" is "green"), and
// rareSim is the similarity of that word (1 when it is equal, or when
// every agreeing word is common: then allCommon is set). words counts
// every agreeing word. A word that agrees only in spelling, sound or
// skeleton is as common as its class (classWeight).
func (ix *Index) agreement(pq *preparedQuery, nr *nameRec, chosen []pair, qsim []float32) (words, agree, extra int, rareSim float32, allCommon bool) {
	rare := rareShare * ix.unknownW
	common := 0
	rareSim = 1
	for _, p := range chosen {
		for j := p.ls; j < p.le; j++ {
			if t := ix.terms[nr.toks[j]]; t.class == classWord || t.class == classNumber {
				agree++
				w := t.weight
				if p.how != howExact && p.unit >= 0 {
					w = min(w, ix.classWeight(pq, p))
				}
				if w < rare {
					common++
				} else {
					rareSim = min(rareSim, p.sim)
				}
			}
		}
	}
	words = agree
	if common == agree {
		rareSim = 1
		allCommon = words > 0
	}
	if agree > 1 && agree-common <= 1 {
		agree = 1
	}
	for i, t := range pq.toks {
		// Words of one or two letters are initials and fragments ("ko"
		// for "co" written in Cyrillic), not names.
		if qsim[i] == 0 && t.class == classWord && len(t.text) >= 3 && pq.weights[i] >= rare {
			extra++
		}
	}
	return words, agree, extra, rareSim, allCommon
}

// rareShare is the share of an unknown word's weight from which a word
// counts as distinctive for agreement: held by fewer than about one list
// name in 150.
const rareShare = 0.6

// queryInitials finds consecutive distinctive query words whose first
// letters spell acr.
func queryInitials(toks []token, acr string) (int, int, bool) {
	for s := 0; s < len(toks); s++ {
		k, i := 0, s
		for ; i < len(toks) && k < len(acr); i++ {
			t := toks[i]
			if t.arabic {
				break
			}
			if t.class == classStop || t.class == classLegal {
				if k == 0 {
					break
				}
				continue
			}
			if t.text[0] != acr[k] {
				break
			}
			k++
		}
		if k == len(acr) && i-s >= 2 {
			return s, i, true
		}
	}
	return 0, 0, false
}

func (ix *Index) listSpan(nr *nameRec, s, e int) string {
	parts := make([]string, 0, e-s)
	for j := s; j < e; j++ {
		parts = append(parts, ix.terms[nr.toks[j]].text)
	}
	return strings.Join(parts, " ")
}

func querySpan(pq *preparedQuery, s, e int) string {
	parts := make([]string, 0, e-s)
	for i := s; i < e; i++ {
		parts = append(parts, pq.toks[i].text)
	}
	return strings.Join(parts, " ")
}

func (ix *Index) describe(pq *preparedQuery, nr *nameRec, p pair) string {
	q, l := querySpan(pq, p.qs, p.qe), ix.listSpan(nr, p.ls, p.le)
	lowWeight := ""
	if p.le-p.ls == 1 {
		switch ix.terms[nr.toks[p.ls]].class {
		case classLegal:
			lowWeight = ", legal form, low weight"
		case classStop:
			lowWeight = ", connective, low weight"
		}
	}
	switch p.how {
	case howExact:
		if p.qe-p.qs != p.le-p.ls {
			return fmt.Sprintf("%q = %q (written together)", q, l)
		}
		return fmt.Sprintf("%q = %q%s", q, l, lowWeight)
	case howSpelling, howSound:
		how := "spelling"
		if p.how == howSound {
			how = "sounds alike"
		}
		if p.unit >= 0 && pq.units[p.unit].known {
			how += fmt.Sprintf(", and %q is a list word itself", q)
		}
		return fmt.Sprintf("%q ~ %q (%s, %.2f)", q, l, how, p.sim)
	case howInitial:
		return fmt.Sprintf("%q ~ %q (initial, %.2f)", q, l, p.sim)
	case howAcronym:
		return fmt.Sprintf("%q ~ %q (acronym, %.2f)", q, l, p.sim)
	case howSkeleton:
		return fmt.Sprintf("%q ~ %q (Arabic script, same consonants %q, %.2f)", pq.toks[p.qs].written, l, q, p.sim)
	}
	return fmt.Sprintf("%q ~ %q", q, l)
}

// unmatched lists the list words of the name that no query word matched,
// among the positions of mask.
func (ix *Index) unmatched(ltoks []int32, lsim []float32, mask uint64) string {
	var out []string
	for j, id := range ltoks {
		if j < 64 && mask&(1<<uint(j)) == 0 {
			continue
		}
		if lsim[j] == 0 && ix.terms[id].class != classStop {
			out = append(out, ix.terms[id].text)
		}
	}
	return strings.Join(out, " ")
}

func unmatchedQuery(toks []token, qsim []float32) string {
	var out []string
	for i, t := range toks {
		if qsim[i] == 0 && t.class != classStop {
			out = append(out, t.text)
		}
	}
	return strings.Join(out, " ")
}

// selectTop moves the k names with the highest acc to the front of c
// (quickselect; order within the front is not defined).
func selectTop(c []int32, acc []float32, k int) {
	lo, hi := 0, len(c)-1
	for lo < hi {
		p := acc[c[(lo+hi)/2]]
		i, j := lo, hi
		for i <= j {
			for acc[c[i]] > p {
				i++
			}
			for acc[c[j]] < p {
				j--
			}
			if i <= j {
				c[i], c[j] = c[j], c[i]
				i++
				j--
			}
		}
		switch {
		case k-1 <= j:
			hi = j
		case k-1 >= i:
			lo = i
		default:
			return
		}
	}
}

// foldIdentifier keeps the letters and digits of an identifier, upper case,
// so "HK-1234 567" and "hk1234567" agree.
func foldIdentifier(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c >= 'A' && c <= 'Z':
			b = append(b, c)
		case c >= 'a' && c <= 'z':
			b = append(b, c-('a'-'A'))
		}
	}
	return string(b)
}

func sharedIdentifier(query []string, listed []Identifier) (string, bool) {
	if len(query) == 0 {
		return "", false
	}
	for _, l := range listed {
		f := foldIdentifier(l.Value)
		fd := digitsOf(f)
		for _, q := range query {
			// "IMO 9123456" and "9123456" agree: long digit runs compare
			// without their letter prefixes.
			if q == f || (len(fd) >= 6 && digitsOf(q) == fd) {
				return l.Type + " " + l.Value, true
			}
		}
	}
	return "", false
}

func digitsOf(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// sameScript applies the comparison in the query's own script: when the
// entity of name ni holds a name in that script, only such names count
// (ok is false for its other names) and the score is at most their
// character-by-character similarity, so different characters never become
// one name through a shared romanisation.
func (ix *Index) sameScript(qn nativeName, ni int32, score float64, explain *[]string) (float64, bool) {
	if qn.script == 0 || ix.entityScripts[ix.names[ni].entity]&qn.script == 0 {
		return score, true
	}
	ln, ok := ix.native[ni]
	if !ok || ln.script != qn.script {
		return score, false
	}
	sim := nativeSimilarity(qn.text, ln.text)
	if sim < score {
		score = float64(int(sim*1000+0.5)) / 1000
		if explain != nil {
			*explain = append(*explain, fmt.Sprintf("compared as written: %q and %q differ in characters (%.2f)", string(qn.text), string(ln.text), sim))
		}
	}
	return score, true
}

// allCommonAgreement scales the score of a match in which no agreeing
// word is distinctive: "HASAN, Jamil" agrees with any name holding a
// Hasan (or Hassan, Ihsan, Husain: one skeleton) and a Jamil, which many
// ordinary names do. Chosen on the tuning parts (docs/screening.md).
const allCommonAgreement = 0.93

// knownWordVariant scales the similarity of a spelling variant or
// sound-alike of a query word that the lists themselves use as a word
// (queryUnit.known). 0.85 was chosen on the tuning parts: it is the
// lowest factor that loses no recall there (0.80 lost Latin rows).
const knownWordVariant = 0.85

// classWeight is the weight of what a query word agreed with: the
// inverse document frequency of every list word the query word matches
// at least as closely as this pair. A spelling variant or a skeleton is
// only as distinctive as the whole class of words it stands for:
// "hasan" is not common on the lists, but the skeleton h-s-n of إحسان
// also finds Hassan, Husain, Hussein and Hosein, and together they are.
func (ix *Index) classWeight(pq *preparedQuery, p pair) float32 {
	u := &pq.units[p.unit]
	if u.classW > 0 && u.classSim == p.sim {
		return u.classW // the candidates of a query ask again and again
	}
	df := 0
	for _, m := range u.matches {
		if m.sim >= p.sim {
			df += len(ix.postings[m.term])
		}
	}
	n := float64(len(ix.names) + 1)
	u.classSim, u.classW = p.sim, float32(math.Log(1+n/float64(df+1)))
	return u.classW
}

// latinLetters reports whether every letter of s is a Latin letter.
func latinLetters(s string) bool {
	for _, r := range s {
		if r >= 0x80 && unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) {
			return false
		}
	}
	return true
}

// givenNameElsewhere scales the score of a match in which the given name
// of a listed person ("ASMAR, Haytham") agrees with a later word of a name
// written in Arabic script (خليل هيثم سمر): such a name is written given
// name first, then the father's and grandfather's names or the family's,
// so the person queried has another given name (Khalil), and Haytham is
// their father. Chosen on the tuning parts (docs/screening.md).
const givenNameElsewhere = 0.9

// givenNameMisplaced reports whether the given name of the listed person
// nr agrees with a word of an Arabic-script query other than its first
// name (see givenNameElsewhere).
func (ix *Index) givenNameMisplaced(pq *preparedQuery, nr *nameRec, chosen []pair) bool {
	if nr.given < 0 {
		return false
	}
	first := -1
	for i, t := range pq.toks {
		if t.class == classWord {
			first = i
			break
		}
	}
	if first < 0 || !pq.toks[first].arabic {
		return false
	}
	g := int(nr.given)
	for _, p := range chosen {
		if p.ls <= g && g < p.le {
			return p.qs > first
		}
	}
	return false
}
