package screening

import "strings"

// Most candidates of a name on no list cannot reach the threshold: they
// share one word of three, or a common word. scoreBound says so from the
// words a name shares with the query, before score pays for pairing
// words, initials and acronyms one by one.

// queryBound is what scoreBound needs to know of a query, computed once
// per query.
type queryBound struct {
	// singles and firsts hold (as bits, by letter modulo 64) the letters
	// of the query's one-letter words and the first letters of its longer
	// words: the initials score may pair with list words.
	singles, firsts uint64
	// initials are the first letters of the query's words as queryInitials
	// reads them ('#' for a word it stops at), for list words that are
	// acronyms of query words.
	initials string
	// acronyms are the query words score may read as the initials of list
	// words.
	acronyms []int
}

func letterBit(c byte) uint64 { return 1 << (c & 63) }

// prepareBound fills qb for pq, reusing its slices.
func prepareBound(pq *preparedQuery, qb *queryBound) {
	var b strings.Builder
	*qb = queryBound{acronyms: qb.acronyms[:0]}
	if pq.exact {
		return // score pairs no initials and no acronyms for such names
	}
	for i, t := range pq.toks {
		switch {
		case t.arabic:
			b.WriteByte('#')
			continue
		case t.class == classStop || t.class == classLegal:
			continue
		case t.text == "":
			continue
		}
		b.WriteByte(t.text[0])
		if t.class != classWord {
			continue
		}
		if len(t.text) == 1 {
			qb.singles |= letterBit(t.text[0])
		} else {
			qb.firsts |= letterBit(t.text[0])
		}
		if len(t.text) >= 3 && len(t.text) <= 8 {
			qb.acronyms = append(qb.acronyms, i)
		}
	}
	qb.initials = b.String()
}

// scoreBound is at least the score score gives name nr for pq (a
// threshold above it means score need not run). Every list word no
// query word can pair with counts as missing, every other one as
// matched exactly, and every query word as matched; the country and
// identifier rules are assumed to raise it.
func (ix *Index) scoreBound(pq *preparedQuery, qb *queryBound, nr *nameRec) float64 {
	ltoks := nr.toks
	if len(ltoks) > 64 {
		return 1
	}
	var cov uint64
	for j, id := range ltoks {
		if pq.termGen[id] == pq.gen {
			cov |= 1 << uint(j)
			continue
		}
		if pq.exact {
			continue
		}
		lt := ix.brief[id]
		if lt.class != classWord || lt.n == 0 {
			continue
		}
		switch {
		case lt.n > 1 && qb.singles&letterBit(lt.first) != 0,
			lt.n == 1 && qb.firsts&letterBit(lt.first) != 0,
			lt.n >= 3 && lt.n <= 8 && int(lt.n) <= len(qb.initials) && strings.Contains(qb.initials, ix.terms[id].text):
			cov |= 1 << uint(j)
		}
	}
	for _, c := range nr.compounds {
		if pq.termGen[c.term] == pq.gen {
			cov |= spanMask(int(c.pos), int(c.pos)+2)
		}
	}
	for _, i := range qb.acronyms {
		text := pq.toks[i].text
		if k := strings.Index(nr.initials, text); k >= 0 {
			cov |= spanMask(int(nr.initPos[k]), int(nr.initPos[k+len(text)-1])+1)
		}
	}
	var c, u float32
	for j, id := range ltoks {
		w := ix.brief[id].weight
		switch {
		case cov&(1<<uint(j)) != 0:
			c += w
		case nr.optional&(1<<uint(j)) != 0:
			u += w * optionalMissing
		default:
			u += w
		}
	}
	covL := float64(0)
	if c > 0 {
		covL = float64(c / (c + u))
	}
	bound := 0.6*covL + 0.4
	if pq.country != "" {
		bound += (1 - bound) * 0.3
	}
	if len(pq.ids) > 0 {
		bound += (1 - bound) * 0.5
	}
	return bound + 0.001 // score rounds to three decimals
}
