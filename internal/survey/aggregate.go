package survey

import (
	"math"
	"slices"
	"strconv"
)

// MinRespondents is the smallest number of answers shown for a site or a
// question, and the smallest count shown in a cell: a count of 1 to 4 from
// one site in one round can point at a worker, as a grievance count can.
const MinRespondents = 5

// Response is one respondent's answers to one round at one site, in
// canonical values by question key. Free-text answers are not here: they
// are sealed and kept apart, readable by case handlers only.
type Response struct {
	SurveyID string
	Round    int
	SiteID   string
	// Respondent is the keyed hash of the phone number that answered, or ""
	// for a web answer, which cannot be tied to a number. Answers from one
	// number to one round count once: the latest wins.
	Respondent string
	Channel    Channel
	Day        Day
	Answers    map[string]string
}

// Cell is the count of one answer to one question at one site.
type Cell struct {
	Value string
	N     int
	Share float64 // of the question's answers, 0..1
	// Low and High bound the share with 95% confidence (Wilson score
	// interval): with 12 answers a share of 25% could well be 9% or 53%.
	Low, High float64
	// Suppressed cells show neither N nor share: N is 1 to 4 (primary), or
	// N is hidden so that a primary cell cannot be found by subtraction
	// (Complementary: then N may be large).
	Suppressed    bool
	Complementary bool
}

// QuestionResult is one question's results at one site in one round.
type QuestionResult struct {
	Question string
	Answered int
	// Hidden is set when fewer than MinRespondents answered: nothing else is
	// shown.
	Hidden bool
	Cells  []Cell
	// Concerning counts the answers the question's Concern names, with its
	// share and interval; Concerning.Value is "concerning". It is
	// suppressed by the same rules as a cell.
	Concerning *Cell
	// Median is the middle answer of a number or scale question, shown when
	// the question is not hidden.
	Median *float64

	// The unsuppressed counts behind Concerning, read only by Evidence and
	// CompareRounds, which apply their own disclosure rule.
	concerning, answered int
}

// SiteResult is a survey round's results at one site.
type SiteResult struct {
	SiteID      string
	Round       int
	Respondents int
	// Hidden is set when fewer than MinRespondents answered at the site.
	Hidden bool
	// ResponseRate is respondents / workforce when the site's workforce is
	// known, else nil.
	ResponseRate *float64
	Questions    []QuestionResult
}

// Aggregate counts a round's responses per site and question. workforce
// gives the known number of workers per site (missing or 0: unknown).
// Responses from one respondent to the same round and site count once (the
// latest by day, then by order). Sites are returned in order of their id;
// every site in sites appears, with zero respondents if none answered.
func Aggregate(s Survey, round int, sites []string, responses []Response, workforce map[string]int) []SiteResult {
	latest := dedupe(s.ID, round, responses)
	bySite := map[string][]Response{}
	for _, r := range latest {
		bySite[r.SiteID] = append(bySite[r.SiteID], r)
	}
	ids := slices.Clone(sites)
	for id := range bySite {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	out := make([]SiteResult, 0, len(ids))
	for _, id := range ids {
		out = append(out, aggregateSite(s, round, id, bySite[id], workforce[id]))
	}
	suppress(s, out)
	return out
}

func dedupe(surveyID string, round int, rs []Response) []Response {
	type key struct{ site, who string }
	idx := map[key]int{}
	var out []Response
	for _, r := range rs {
		if r.SurveyID != surveyID || r.Round != round {
			continue
		}
		if r.Respondent == "" {
			out = append(out, r)
			continue
		}
		k := key{r.SiteID, r.Respondent}
		if i, ok := idx[k]; ok {
			if !r.Day.Before(out[i].Day) {
				out[i] = r
			}
			continue
		}
		idx[k] = len(out)
		out = append(out, r)
	}
	return out
}

func aggregateSite(s Survey, round int, site string, rs []Response, workforce int) SiteResult {
	res := SiteResult{SiteID: site, Round: round, Respondents: len(rs)}
	if workforce > 0 {
		rate := math.Min(1, float64(len(rs))/float64(workforce))
		res.ResponseRate = &rate
	}
	if len(rs) < MinRespondents {
		res.Hidden = true
		return res
	}
	for _, q := range s.Questions {
		res.Questions = append(res.Questions, aggregateQuestion(q, rs))
	}
	return res
}

func aggregateQuestion(q Question, rs []Response) QuestionResult {
	qr := QuestionResult{Question: q.Key}
	counts := map[string]int{}
	var nums []float64
	concerning := 0
	for _, r := range rs {
		v, ok := r.Answers[q.Key]
		if !ok || v == "" {
			continue
		}
		qr.Answered++
		if q.Kind != Text {
			counts[v]++
		}
		if q.Concerning(v) {
			concerning++
		}
		if q.Kind == Number || q.Kind == Scale {
			if n, err := strconv.Atoi(v); err == nil {
				nums = append(nums, float64(n))
			}
		}
	}
	qr.concerning, qr.answered = concerning, qr.Answered
	if qr.Answered < MinRespondents {
		qr.Hidden = true
		return qr
	}
	if values := q.Values(); values != nil {
		for _, v := range values {
			c := newCell(v, counts[v], qr.Answered)
			c.Suppressed = c.N > 0 && c.N < MinRespondents
			qr.Cells = append(qr.Cells, c)
		}
	}
	if !q.Concern.Empty() {
		c := newCell("concerning", concerning, qr.Answered)
		// The complement (answers that are not concerning) is known from
		// Answered, so both sides must be large enough.
		small := func(n int) bool { return n > 0 && n < MinRespondents }
		c.Suppressed = small(c.N) || small(qr.Answered-c.N)
		c.Complementary = c.Suppressed && !small(c.N)
		qr.Concerning = &c
	}
	if len(nums) > 0 {
		m := median(nums)
		qr.Median = &m
	}
	return qr
}

func newCell(v string, n, total int) Cell {
	lo, hi := Wilson(n, total)
	return Cell{Value: v, N: n, Share: float64(n) / float64(total), Low: lo, High: hi}
}

// suppress completes the suppression that aggregateQuestion began by
// hiding every count from 1 to MinRespondents-1. A hidden cell could still
// be derived by subtraction from the question's number of answers when it
// is the only hidden cell of its question: it gets a partner hidden with it
// (the smallest shown cell). Totals over sites are protected the other way:
// TotalOverSites gives none when a site's cell is hidden, so site results
// keep every cell they can show. Finally hidden cells lose their counts, and
// a concern that is one answer value is hidden whenever that value's cell
// is.
func suppress(s Survey, sites []SiteResult) {
	for si := range sites {
		for qi := range sites[si].Questions {
			complement(cellPointers(sites[si].Questions[qi].Cells))
		}
	}
	for si := range sites {
		for qi := range sites[si].Questions {
			qr := &sites[si].Questions[qi]
			q, _ := s.Question(qr.Question)
			for ci, c := range qr.Cells {
				if c.Suppressed {
					qr.Cells[ci] = Cell{Value: c.Value, Suppressed: true, Complementary: c.Complementary}
					if len(q.Concern.Values) == 1 && q.Concern.AtLeast == nil && q.Concern.AtMost == nil &&
						q.Concern.Values[0] == c.Value && qr.Concerning != nil {
						qr.Concerning.Suppressed = true
						qr.Concerning.Complementary = c.Complementary
					}
				}
			}
			if qr.Concerning != nil && qr.Concerning.Suppressed {
				*qr.Concerning = Cell{Value: qr.Concerning.Value, Suppressed: true, Complementary: qr.Concerning.Complementary}
			}
		}
	}
}

func cellPointers(cells []Cell) []*Cell {
	out := make([]*Cell, len(cells))
	for i := range cells {
		out[i] = &cells[i]
	}
	return out
}

// complement hides the smallest shown cell of a group in which exactly one
// cell is hidden (preferring a non-zero one), and reports whether it did.
func complement(group []*Cell) bool {
	hidden := 0
	for _, c := range group {
		if c.Suppressed {
			hidden++
		}
	}
	if hidden != 1 {
		return false
	}
	var best *Cell
	for _, c := range group {
		if c.Suppressed {
			continue
		}
		if best == nil || (best.N == 0 && c.N > 0) || (c.N > 0 && c.N < best.N) {
			best = c
		}
	}
	if best == nil {
		return false
	}
	best.Suppressed, best.Complementary = true, true
	return true
}

// TotalOverSites sums one question's answer over the sites whose cells are
// all shown. It reports false when any contributing site's cell is hidden,
// so a total never lets a hidden cell be derived.
func TotalOverSites(sites []SiteResult, question, value string) (int, bool) {
	total := 0
	for _, s := range sites {
		if s.Hidden {
			continue
		}
		for _, q := range s.Questions {
			if q.Question != question || q.Hidden {
				continue
			}
			for _, c := range q.Cells {
				if c.Value != value {
					continue
				}
				if c.Suppressed {
					return 0, false
				}
				total += c.N
			}
		}
	}
	return total, true
}

// Wilson returns the 95% Wilson score interval for k successes in n trials,
// which stays inside 0..1 and behaves for small n and shares near 0 or 1,
// where the normal approximation does not. For n = 0 it is 0..1.
func Wilson(k, n int) (float64, float64) {
	if n <= 0 {
		return 0, 1
	}
	const z = 1.959963984540054
	p := float64(k) / float64(n)
	nn := float64(n)
	den := 1 + z*z/nn
	centre := (p + z*z/(2*nn)) / den
	half := z * math.Sqrt(p*(1-p)/nn+z*z/(4*nn*nn)) / den
	return math.Max(0, centre-half), math.Min(1, centre+half)
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
