package scorecard

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// Evidence is everything a scorecard is computed from. Answers may hold the
// subject's whole answer history; answers given after AsOf are ignored, so a
// past scorecard can be recomputed from today's history.
type Evidence struct {
	Subject Subject
	AsOf    time.Time
	Answers []Answer
	Held    Held
}

// Status says how an item's evidence stands.
type Status string

const (
	StatusFull         Status = "full"         // full credit
	StatusPartial      Status = "partial"      // part of the measure or a "partial" answer
	StatusAged         Status = "aged"         // documented, but older than fresh_months
	StatusUndocumented Status = "undocumented" // a self-declaration without a document
	StatusExpired      Status = "expired"      // all evidence older than expire_months
	StatusNone         Status = "none"         // answered "no", or the measure is at its worst
	StatusMissing      Status = "missing"      // no evidence at all
)

// ItemResult is how one item scored. Max is what the item can add to the
// overall 0-100 score; Contribution is what it added; Lost is the rest.
type ItemResult struct {
	ID           string
	Theme        Theme
	Source       Source
	Text         string
	Status       Status
	Credit       float64 // 0..1
	Max          float64
	Contribution float64
	Lost         float64
	Effort       int
	// Detail explains the credit in words, with dates and measures, in
	// structured form so that adapters can show it in any language.
	Detail kernel.Text
	// EvidenceDate is the date of the evidence that earned the credit (the
	// newest document, or the answer date); zero for held evidence.
	EvidenceDate time.Time
	Documents    []Document
}

// ThemeScore is one theme of a scorecard.
type ThemeScore struct {
	Theme Theme
	// Weight is the theme's share of the overall score, 0..1.
	Weight float64
	// Score is the theme's own score, 0-100.
	Score float64
	// Contribution is what the theme adds to the overall score.
	Contribution float64
	Items        []ItemResult
}

// ScaleName names a grade scale.
type ScaleName string

const (
	NormalScale   ScaleName = "normal"
	HighRiskScale ScaleName = "high_risk"
)

// Reason is one line of a grade's explanation: the item and the points it
// added (positive) or lost (negative), with why.
type Reason struct {
	ItemID string
	Theme  Theme
	Text   string
	Status Status
	Points float64
	Detail kernel.Text
}

// Step is something that would raise the score: earn the full credit of
// one item. Grade is the grade the scorecard would have after this step
// alone.
type Step struct {
	ItemID string
	Theme  Theme
	Action kernel.Text
	Gain   float64
	Effort int
	Grade  Grade
	// Together is the score after this step and every step listed before
	// it, and TogetherGrade its grade: where one step alone moves nothing,
	// this says how far down the list the grade moves.
	Together      float64
	TogetherGrade Grade
}

// Scorecard is a dated, explained grade for one subject.
type Scorecard struct {
	Subject Subject
	AsOf    time.Time
	// Method is the weights version and Origin where they were read from.
	Method string
	Origin string
	Scale  ScaleName
	// ScaleReason says why the scale applies.
	ScaleReason kernel.Text
	Bounds      Scale
	// Score is the overall score, 0-100, rounded to one decimal place; the
	// grade is read from the rounded score so that the two always agree.
	Score  float64
	Grade  Grade
	Themes []ThemeScore
	// Raised lists the items that earned at least as many points as they
	// lost, largest first; Lowered the items that lost more than they
	// earned, largest loss first (Points is negative). Each item is in one
	// of the two at most; what a raising item still lacks is in Next.
	Raised  []Reason
	Lowered []Reason
	// Missing lists the items with no evidence at all.
	Missing []Reason
	// Next lists what would move the score up, cheapest first (lowest
	// effort, then most points).
	Next []Step
	// NextGrade is the grade above this one ("" for A) and PointsToNext the
	// points still needed to reach it.
	NextGrade    Grade
	PointsToNext float64
	// StepsToNext is how many steps from the top of Next reach NextGrade
	// together (0 when there is no grade above).
	StepsToNext int
}

// Score computes the scorecard of ev under w. It fails only on invalid
// evidence, with an error naming the field.
func (w Weights) Score(ev Evidence) (Scorecard, error) {
	if !ev.Subject.Kind.Valid() {
		return Scorecard{}, kernel.InvalidField("subject.kind", "%q is not a subject kind; use supplier or organisation", ev.Subject.Kind)
	}
	if strings.TrimSpace(ev.Subject.ID) == "" {
		return Scorecard{}, kernel.InvalidField("subject.id", "is empty")
	}
	if ev.AsOf.IsZero() {
		return Scorecard{}, kernel.InvalidField("as_of", "is missing")
	}
	if len(w.Items) == 0 {
		return Scorecard{}, kernel.InvalidField("weights", "are not loaded; use DefaultWeights or LoadWeights")
	}
	for i, a := range ev.Answers {
		if err := a.Validate(ev.Subject.Kind); err != nil {
			fe := err.(*FieldError)
			return Scorecard{}, kernel.InvalidField(fmt.Sprintf("answers[%d].%s", i, fe.Field), "%s", fe.Reason)
		}
	}
	if err := ev.Held.validate(); err != nil {
		return Scorecard{}, err
	}

	current := LatestAnswers(ev.Answers, ev.AsOf)
	sc := Scorecard{Subject: ev.Subject, AsOf: ev.AsOf, Method: w.Version, Origin: w.Origin}
	sc.Scale, sc.ScaleReason, sc.Bounds = w.scale(ev.Held.Risk)

	var totalWeight float64
	for _, t := range themes {
		totalWeight += w.Themes[t]
	}
	var sum float64
	for _, t := range themes {
		ts := ThemeScore{Theme: t, Weight: w.Themes[t] / totalWeight}
		pts := w.themePoints(t, ev.Subject.Kind)
		var earned float64
		for _, it := range Items(ev.Subject.Kind) {
			if it.Theme != t {
				continue
			}
			iw := w.Items[it.ID]
			r := ItemResult{ID: it.ID, Theme: t, Source: it.Source, Text: it.Text, Effort: iw.Effort}
			if it.Source == FromAnswer {
				w.creditAnswer(&r, current[it.ID], ev.AsOf)
				if it.ID == ChannelQuestion && ev.Subject.Kind == Organisation && ev.Held.Channel != nil {
					w.creditChannel(&r, *ev.Held.Channel, ev.AsOf)
				}
			} else {
				creditHeld(&r, iw, ev.Held)
			}
			if pts > 0 {
				r.Max = 100 * ts.Weight * iw.Points / pts
			}
			r.Contribution = r.Max * r.Credit
			r.Lost = r.Max - r.Contribution
			earned += iw.Points * r.Credit
			ts.Items = append(ts.Items, r)
		}
		if pts > 0 {
			ts.Score = 100 * earned / pts
		}
		for _, r := range ts.Items {
			ts.Contribution += r.Contribution
		}
		sum += ts.Contribution
		sc.Themes = append(sc.Themes, ts)
	}
	sc.Score = round1(sum)
	sc.Grade = sc.Bounds.Grade(sc.Score)
	sc.explain()
	return sc, nil
}

// LatestAnswers picks, per question, the newest answer given on or before
// asOf; of two on the same day the later in the list wins. Scoring and
// every view of a scorecard's answers use it, so they show what was scored.
func LatestAnswers(answers []Answer, asOf time.Time) map[string]*Answer {
	out := map[string]*Answer{}
	for i := range answers {
		a := &answers[i]
		if a.AnsweredOn.After(asOf) {
			continue
		}
		if prev, ok := out[a.QuestionID]; ok && prev.AnsweredOn.After(a.AnsweredOn) {
			continue
		}
		out[a.QuestionID] = a
	}
	return out
}

func (w Weights) scale(r *RiskEvidence) (ScaleName, kernel.Text, Scale) {
	if r == nil {
		return HighRiskScale, kernel.Say("inherent risk is not known, so the stricter scale applies"), w.Scales.HighRisk
	}
	if slices.Contains(w.HighRiskLevels, r.Level) {
		return HighRiskScale, kernel.Say("inherent risk is %v (%.1f of 100), so the stricter scale applies", kernel.Plain(string(r.Level)), r.Inherent), w.Scales.HighRisk
	}
	return NormalScale, kernel.Say("inherent risk is %v (%.1f of 100)", kernel.Plain(string(r.Level)), r.Inherent), w.Scales.Normal
}

// monthLength is the average month, so that age falls continuously.
const monthHours = 365.25 / 12 * 24

// freshness is the weight of evidence dated d at asOf: 1 up to
// fresh_months, falling linearly to 0 at expire_months.
func (w Weights) freshness(d, asOf time.Time) float64 {
	age := asOf.Sub(d).Hours() / monthHours
	return lowerIsBetter(age, float64(w.Evidence.FreshMonths), float64(w.Evidence.ExpireMonths))
}

func ageText(d, asOf time.Time) kernel.Text {
	m := asOf.Sub(d).Hours() / monthHours
	return kernel.Say("%.0f months old", math.Floor(m))
}

func (w Weights) creditAnswer(r *ItemResult, a *Answer, asOf time.Time) {
	if a == nil {
		r.Status = StatusMissing
		r.Detail = kernel.Say("not answered")
		return
	}
	value := w.Evidence.Answers[a.Response]
	r.Documents = slices.Clone(a.Documents)
	said := kernel.Say("answered %q on %v", kernel.Plain(string(a.Response)), a.AnsweredOn)
	if value == 0 {
		r.Status = StatusNone
		r.Detail = said
		r.EvidenceDate = a.AnsweredOn
		return
	}
	// A document can only add to a self-declaration: the credit is the
	// better of the documented claim, aged by its newest document, and the
	// undocumented claim, aged by the answer date.
	self := value * w.Evidence.Undocumented * w.freshness(a.AnsweredOn, asOf)
	var newest time.Time
	for _, d := range a.Documents {
		if d.Date.After(newest) {
			newest = d.Date
		}
	}
	documented := -1.0
	if !newest.IsZero() {
		documented = value * w.freshness(newest, asOf)
	}
	switch {
	case documented >= self && documented > 0:
		r.Credit = documented
		r.EvidenceDate = newest
		r.Detail = kernel.Say("%v with %d document(s), newest dated %v (%v)", said, len(a.Documents), newest, ageText(newest, asOf))
		switch {
		case w.freshness(newest, asOf) < 1:
			r.Status = StatusAged
		case a.Response == Partial:
			r.Status = StatusPartial
		default:
			r.Status = StatusFull
		}
	case self > 0:
		r.Credit = self
		r.EvidenceDate = a.AnsweredOn
		r.Status = StatusUndocumented
		if documented >= 0 {
			r.Detail = kernel.Say("%v; its documents have expired (newest dated %v), so it counts as undocumented", said, newest)
		} else {
			r.Detail = kernel.Say("%v without a document", said)
		}
	default:
		r.Status = StatusExpired
		r.EvidenceDate = a.AnsweredOn
		r.Detail = kernel.Say("%v; the evidence is more than %d months old and no longer counts", said, w.Evidence.ExpireMonths)
	}
}

// ChannelQuestion is the question Upstream's own grievance channel
// answers for the organisation that runs it.
const ChannelQuestion = "voice.mechanism"

// creditChannel counts Upstream's own grievance channel as the
// organisation's answer to ChannelQuestion, when that earns more than the
// answer given: an open channel is a "yes"; reports received through it in
// the last twelve months are the evidence that workers know and use it,
// as a current document would be. Without any report it counts as a "yes"
// without a document. A count under the reporting threshold is not shown.
func (w Weights) creditChannel(r *ItemResult, c ChannelEvidence, asOf time.Time) {
	value := w.Evidence.Answers[Yes]
	credit, status := value*w.Evidence.Undocumented, StatusUndocumented
	detail := kernel.Say("Upstream's own grievance channel is open to workers, anonymous and in their languages, but received no report in the last 12 months")
	if c.Reports > 0 {
		credit, status = value, StatusFull
		detail = kernel.Say("Upstream's own grievance channel is open to workers, anonymous and in their languages, and received %v reports in the last 12 months", c.Reports)
		if c.Reports < grievance.MinReportableCount {
			detail = kernel.Say("Upstream's own grievance channel is open to workers, anonymous and in their languages, and received reports in the last 12 months (fewer than %v)", grievance.MinReportableCount)
		}
	}
	if credit <= r.Credit {
		return
	}
	r.Credit, r.Status, r.Detail, r.EvidenceDate, r.Documents = credit, status, detail, asOf, nil
}

// lowerIsBetter gives full credit at or below good, none at or above bad.
func lowerIsBetter(v, good, bad float64) float64 {
	switch {
	case v <= good:
		return 1
	case v >= bad:
		return 0
	}
	return (bad - v) / (bad - good)
}

func creditHeld(r *ItemResult, iw ItemWeight, h Held) {
	missing := func(why kernel.Text) {
		r.Status = StatusMissing
		r.Detail = why
	}
	switch r.ID {
	case "trace.tier1", "trace.tier2", "trace.tier3plus", "trace.volume":
		t := h.Traceability
		if t == nil {
			missing(kernel.Say("no supply map"))
			return
		}
		v := map[string]float64{"trace.tier1": t.Tier1, "trace.tier2": t.Tier2, "trace.tier3plus": t.Tier3Plus, "trace.volume": t.Volume}[r.ID]
		r.Credit = v
		r.Detail = kernel.Say("%.0f%% covered in the supply map", 100*v)
	case "screening.coverage":
		s := h.Screening
		if s == nil || s.Parties == 0 {
			missing(kernel.Say("no screening results"))
			return
		}
		r.Credit = float64(s.Screened) / float64(s.Parties)
		r.Detail = kernel.Say("%d of %d parties screened", s.Screened, s.Parties)
	case "screening.pending", "screening.confirmed":
		s := h.Screening
		if s == nil || s.Screened == 0 {
			missing(kernel.Say("no screening results"))
			return
		}
		n, said := s.Pending, kernel.Say("%d possible matches waiting for review", s.Pending)
		if r.ID == "screening.confirmed" {
			n, said = s.Confirmed, kernel.Say("%d confirmed watchlist matches", s.Confirmed)
		}
		r.Credit = lowerIsBetter(float64(n), iw.Good, iw.Bad)
		r.Detail = said
	case "grievance.acknowledge":
		g := h.Grievance
		if g == nil || g.Cases == 0 {
			// No grievances is not evidence that the mechanism works.
			missing(kernel.Say("no grievance cases to measure"))
			return
		}
		r.Credit = lowerIsBetter(g.MedianDaysToAcknowledge, iw.Good, iw.Bad)
		r.Detail = kernel.Say("median %.1f days to acknowledge (target %.0f)", g.MedianDaysToAcknowledge, iw.Good)
		if g.Cases < grievance.MinReportableCount {
			r.Detail = kernel.Say("median days to acknowledge withheld: fewer than %d cases (target %.0f)", grievance.MinReportableCount, iw.Good)
		}
	case "remedy.accepted":
		g := h.Grievance
		if g == nil || g.RemediesProposed == 0 {
			missing(kernel.Say("no remedies proposed"))
			return
		}
		r.Credit = float64(g.RemediesAccepted) / float64(g.RemediesProposed)
		// Counts of people below the reporting threshold are not shown,
		// as in every grievance aggregate (see grievance.Suppress).
		r.Detail = kernel.Say("%.0f%% of proposed remedies accepted", 100*r.Credit)
		if g.RemediesAccepted >= grievance.MinReportableCount && g.RemediesProposed-g.RemediesAccepted >= grievance.MinReportableCount {
			r.Detail = kernel.Say("%d of %d proposed remedies accepted", g.RemediesAccepted, g.RemediesProposed)
		}
	default:
		missing(kernel.Say("no evidence"))
		return
	}
	switch {
	case r.Credit >= 1:
		r.Status = StatusFull
	case r.Credit <= 0:
		r.Status = StatusNone
	default:
		r.Status = StatusPartial
	}
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// tiny is the least number of points an explanation bothers to mention.
const tiny = 1e-9

func (sc *Scorecard) explain() {
	byID := map[string]Item{}
	for _, it := range catalogue {
		byID[it.ID] = it
	}
	for _, ts := range sc.Themes {
		for _, r := range ts.Items {
			switch {
			case r.Contribution > tiny && r.Contribution >= r.Lost:
				sc.Raised = append(sc.Raised, Reason{r.ID, r.Theme, r.Text, r.Status, r.Contribution, r.Detail})
			case r.Lost > tiny:
				sc.Lowered = append(sc.Lowered, Reason{r.ID, r.Theme, r.Text, r.Status, -r.Lost, r.Detail})
			}
			if r.Lost > tiny {
				sc.Next = append(sc.Next, Step{
					ItemID: r.ID, Theme: r.Theme, Action: action(byID[r.ID], r),
					Gain: r.Lost, Effort: r.Effort, Grade: sc.Bounds.Grade(round1(sc.Score + r.Lost)),
				})
			}
			if r.Status == StatusMissing {
				sc.Missing = append(sc.Missing, Reason{r.ID, r.Theme, r.Text, r.Status, -r.Lost, r.Detail})
			}
		}
	}
	slices.SortStableFunc(sc.Raised, func(a, b Reason) int {
		return cmp.Or(cmp.Compare(b.Points, a.Points), strings.Compare(a.ItemID, b.ItemID))
	})
	slices.SortStableFunc(sc.Lowered, func(a, b Reason) int {
		return cmp.Or(cmp.Compare(a.Points, b.Points), strings.Compare(a.ItemID, b.ItemID))
	})
	slices.SortStableFunc(sc.Next, func(a, b Step) int {
		return cmp.Or(cmp.Compare(a.Effort, b.Effort), cmp.Compare(b.Gain, a.Gain), strings.Compare(a.ItemID, b.ItemID))
	})
	if g := better(sc.Grade); g != "" {
		sc.NextGrade = g
		sc.PointsToNext = round1(sc.Bounds.Min(g) - sc.Score)
	}
	gained := 0.0
	for i := range sc.Next {
		gained += sc.Next[i].Gain
		st := &sc.Next[i]
		st.Together = min(round1(sc.Score+gained), 100)
		st.TogetherGrade = sc.Bounds.Grade(st.Together)
		if sc.StepsToNext == 0 && sc.NextGrade != "" && st.TogetherGrade != sc.Grade {
			sc.StepsToNext = i + 1
		}
	}
}

// better returns the grade above g, or "" for A.
func better(g Grade) Grade {
	gs := Grades()
	i := slices.Index(gs, g)
	if i <= 0 {
		return ""
	}
	return gs[i-1]
}

func action(it Item, r ItemResult) kernel.Text {
	switch r.Status {
	case StatusUndocumented:
		return kernel.Say("Attach a current supporting document to the answer: %v", kernel.Plain(it.Text))
	case StatusAged, StatusExpired:
		return kernel.Say("Replace the evidence with a current document: %v", kernel.Plain(it.Text))
	}
	return kernel.Plain(it.Action)
}
