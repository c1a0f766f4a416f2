package survey

import (
	"math"

	"github.com/upstream-platform/upstream/internal/grievance"
)

// Strength grades what a site's answers to one question say about a hazard.
type Strength string

const (
	// StrengthNone: no respondent gave a concerning answer.
	StrengthNone Strength = "none"
	// StrengthWeak: 1 to 4 respondents did. The count is not shown (it
	// could point at a worker) and it does not raise a score on its own.
	StrengthWeak Strength = "weak"
	// StrengthModerate: 5 or more did, but the share could be below
	// StrongLowerBound.
	StrengthModerate Strength = "moderate"
	// StrengthStrong: with 95% confidence at least StrongLowerBound of the
	// site's workers would answer so. Strong evidence on a severe indicator
	// is evidence about the entity itself and may make a site critical.
	StrengthStrong Strength = "strong"
)

// StrongLowerBound is the share of workers that the lower end of the 95%
// interval must reach for evidence to be strong: one worker in ten with
// withheld documents, unpaid wages or debts to a recruiter is a pattern at a
// site, not an incident.
const StrongLowerBound = 0.10

// Evidence is what one question's answers in one round say about one site.
type Evidence struct {
	SiteID      string
	SurveyID    string
	SurveyTitle string
	Round       int
	// Day is the last day of the round, the date the evidence carries.
	Day       Day
	Question  string
	Indicator grievance.Category
	Hazard    Hazard
	// Severe indicators are those the ILO counts as strong indicators of
	// forced labour or that are child labour in themselves: retention of
	// documents, debt bondage, restriction of movement, violence, threats
	// and children working.
	Severe   bool
	Strength Strength
	// Respondents answered the question. Concerning, Share, Low and High
	// are set unless Strength is weak, where the count stays hidden.
	Respondents int
	Concerning  int
	Share       float64
	Low, High   float64
}

// SevereIndicator reports whether an indicator is one the ILO counts as a
// strong indicator of forced labour, or child labour itself.
func SevereIndicator(c grievance.Category) bool {
	switch c {
	case grievance.RetentionOfDocuments, grievance.DebtBondage, grievance.RestrictionOfMovement,
		grievance.PhysicalSexualViolence, grievance.IntimidationThreats, grievance.ChildLabour:
		return true
	}
	return false
}

// SiteEvidence derives evidence from a round's site results: one item per
// question that informs a hazard and that at least MinRespondents answered.
// Hidden sites give none.
func SiteEvidence(s Survey, r SiteResult) []Evidence {
	if r.Hidden {
		return nil
	}
	_, last := s.Schedule.RoundDays(r.Round)
	var out []Evidence
	for _, qr := range r.Questions {
		q, ok := s.Question(qr.Question)
		if !ok || q.Concern.Empty() || q.Hazard == "" || qr.answered < MinRespondents {
			continue
		}
		e := Evidence{
			SiteID: r.SiteID, SurveyID: s.ID, SurveyTitle: s.Title, Round: r.Round, Day: last,
			Question: q.Key, Indicator: q.Indicator, Hazard: q.Hazard, Severe: SevereIndicator(q.Indicator),
			Respondents: qr.answered,
		}
		k, n := qr.concerning, qr.answered
		switch {
		case k == 0:
			e.Strength = StrengthNone
			e.Low, e.High = Wilson(0, n)
		case k < MinRespondents:
			e.Strength = StrengthWeak
		default:
			e.Concerning, e.Share = k, float64(k)/float64(n)
			e.Low, e.High = Wilson(k, n)
			e.Strength = StrengthModerate
			if e.Low >= StrongLowerBound {
				e.Strength = StrengthStrong
			}
		}
		out = append(out, e)
	}
	return out
}

// Direction says how a site's answers to a question moved between rounds.
type Direction string

const (
	Worse  Direction = "worse"
	Better Direction = "better"
)

// Change is a difference between two rounds at one site on one question
// that is unlikely to be chance: a one-sided two-proportion z-test at the 5%
// level, on questions both rounds had at least MinRespondents answers to.
type Change struct {
	SiteID             string
	Question           string
	Indicator          grievance.Category
	Direction          Direction
	FromRound, ToRound int
	// FromShare and ToShare are the concerning shares of the two rounds.
	FromShare, ToShare float64
	Z                  float64
}

// zOneSided5 is the standard normal quantile for a one-sided 5% test.
const zOneSided5 = 1.6448536269514722

// CompareRounds finds the questions whose concerning share at a site moved
// between two rounds beyond chance. A worsening is what early warning
// raises as an alert; an improvement is what lets a site's score come down.
func CompareRounds(s Survey, prev, cur SiteResult) []Change {
	if prev.Hidden || cur.Hidden || prev.SiteID != cur.SiteID {
		return nil
	}
	var out []Change
	for _, a := range prev.Questions {
		q, ok := s.Question(a.Question)
		if !ok || q.Concern.Empty() {
			continue
		}
		for _, b := range cur.Questions {
			if b.Question != a.Question || a.answered < MinRespondents || b.answered < MinRespondents {
				continue
			}
			z := twoProportionZ(a.concerning, a.answered, b.concerning, b.answered)
			c := Change{
				SiteID: cur.SiteID, Question: q.Key, Indicator: q.Indicator,
				FromRound: prev.Round, ToRound: cur.Round,
				FromShare: float64(a.concerning) / float64(a.answered),
				ToShare:   float64(b.concerning) / float64(b.answered), Z: z,
			}
			switch {
			case z >= zOneSided5:
				c.Direction = Worse
			case z <= -zOneSided5:
				c.Direction = Better
			default:
				continue
			}
			out = append(out, c)
		}
	}
	return out
}

// twoProportionZ is the pooled z statistic for p2 - p1.
func twoProportionZ(k1, n1, k2, n2 int) float64 {
	p1, p2 := float64(k1)/float64(n1), float64(k2)/float64(n2)
	p := float64(k1+k2) / float64(n1+n2)
	se := math.Sqrt(p * (1 - p) * (1/float64(n1) + 1/float64(n2)))
	if se == 0 {
		return 0
	}
	return (p2 - p1) / se
}
