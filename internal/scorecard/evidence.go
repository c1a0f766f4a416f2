package scorecard

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/risk"
)

// Response is the answer given to a question.
type Response string

const (
	Yes     Response = "yes"
	Partial Response = "partial"
	No      Response = "no"
)

// Valid reports whether r is a known response.
func (r Response) Valid() bool { return r == Yes || r == Partial || r == No }

// Document is a piece of evidence attached to an answer. Reference is where
// it can be found (a file name in the organisation's records, a URL, an
// audit report number); Date is the date the document bears. File is the
// document itself when it was uploaded with the answer (nil otherwise).
type Document struct {
	Name      string
	Reference string
	Date      time.Time
	File      *FileInfo `json:",omitempty"`
}

// Answer is one response to one question, given on a date. Answers are kept
// as a history: a scorecard dated D uses, per question, the newest answer
// given on or before D.
type Answer struct {
	QuestionID string
	Response   Response
	AnsweredOn time.Time
	Documents  []Document
}

// FieldError names the field of the evidence that is wrong.
type FieldError = kernel.FieldError

// maxText bounds document names and references.
const maxText = 1000

// Validate checks a against the questionnaire for subjects of kind k.
func (a Answer) Validate(k SubjectKind) error {
	it, ok := Lookup(a.QuestionID)
	if !ok || it.Source != FromAnswer {
		return kernel.InvalidField("question_id", "%q is not a questionnaire question", a.QuestionID)
	}
	if !it.AppliesTo(k) {
		return kernel.InvalidField("question_id", "%q is not asked of a %s", a.QuestionID, k)
	}
	if !a.Response.Valid() {
		return kernel.InvalidField("response", "%q is not a response; use yes, partial or no", a.Response)
	}
	if a.AnsweredOn.IsZero() {
		return kernel.InvalidField("answered_on", "is missing")
	}
	for i, d := range a.Documents {
		f := fmt.Sprintf("documents[%d]", i)
		if strings.TrimSpace(d.Name) == "" {
			return kernel.InvalidField(f+".name", "is empty")
		}
		if len(d.Name) > maxText {
			return kernel.InvalidField(f+".name", "is longer than %d bytes", maxText)
		}
		if len(d.Reference) > maxText {
			return kernel.InvalidField(f+".reference", "is longer than %d bytes", maxText)
		}
		if d.Date.IsZero() {
			return kernel.InvalidField(f+".date", "is missing")
		}
		if d.Date.After(a.AnsweredOn) {
			return kernel.InvalidField(f+".date", "%s is after the answer date %s", day(d.Date), day(a.AnsweredOn))
		}
	}
	return nil
}

func day(t time.Time) string { return t.Format("2006-01-02") }

// Held is the evidence Upstream already holds about the subject, computed by
// the caller from its stores at the scorecard's date. A nil part is
// evidence Upstream does not have: its items score zero and are listed as
// missing.
type Held struct {
	Traceability *TraceabilityEvidence
	Screening    *ScreeningEvidence
	Grievance    *GrievanceEvidence
	Risk         *RiskEvidence
	// Channel is Upstream's own grievance channel, when it is open for the
	// organisation; nil when it is not (or for a supplier).
	Channel *ChannelEvidence
}

// ChannelEvidence is Upstream's own grievance channel, run for the
// organisation: anonymous, in the reporters' languages, with no account
// and no trace of who reported. Its existence and its use are the evidence
// that workers can raise grievances, never what was reported: Reports is
// how many reports it received in the last twelve months.
type ChannelEvidence struct {
	Reports int
}

// TraceabilityEvidence is supply-map coverage, each share in 0..1. For the
// organisation: Tier1 is the share of tier-1 suppliers with a country and an
// identifier; Tier2 the share of tier-1 suppliers whose own suppliers are
// mapped; Tier3Plus the share of tier-2 suppliers whose suppliers are
// mapped; Volume the share of purchased volume traced to a producer. For a
// supplier the same measures start one tier further up (Tier1 is unused).
type TraceabilityEvidence struct {
	Tier1     float64
	Tier2     float64
	Tier3Plus float64
	Volume    float64
}

// ScreeningEvidence is the subject's watchlist screening status. For a
// supplier, Parties is 1 and Screened 0 or 1.
type ScreeningEvidence struct {
	Parties   int // parties in scope
	Screened  int // of which screened against the current lists
	Pending   int // possible matches waiting for review
	Confirmed int // confirmed matches on active parties
}

// GrievanceEvidence is aggregate grievance handling; it carries no case
// content. MedianDaysToAcknowledge is only meaningful when Cases > 0.
type GrievanceEvidence struct {
	Cases                   int
	MedianDaysToAcknowledge float64
	RemediesProposed        int
	RemediesAccepted        int
}

// RiskEvidence is the subject's inherent risk from the risk engine; it
// chooses the grade scale and is not scored itself.
type RiskEvidence struct {
	Inherent float64 // 0-100
	Level    risk.Level
}

func (h Held) validate() error {
	share := func(field string, v float64) error {
		if math.IsNaN(v) || v < 0 || v > 1 {
			return kernel.InvalidField(field, "%v is outside 0..1", v)
		}
		return nil
	}
	if t := h.Traceability; t != nil {
		for _, c := range []struct {
			f string
			v float64
		}{{"traceability.tier1", t.Tier1}, {"traceability.tier2", t.Tier2}, {"traceability.tier3plus", t.Tier3Plus}, {"traceability.volume", t.Volume}} {
			if err := share(c.f, c.v); err != nil {
				return err
			}
		}
	}
	if s := h.Screening; s != nil {
		switch {
		case s.Parties < 0:
			return kernel.InvalidField("screening.parties", "%d is negative", s.Parties)
		case s.Screened < 0:
			return kernel.InvalidField("screening.screened", "%d is negative", s.Screened)
		case s.Screened > s.Parties:
			return kernel.InvalidField("screening.screened", "%d is more than the %d parties in scope", s.Screened, s.Parties)
		case s.Pending < 0:
			return kernel.InvalidField("screening.pending", "%d is negative", s.Pending)
		case s.Confirmed < 0:
			return kernel.InvalidField("screening.confirmed", "%d is negative", s.Confirmed)
		}
	}
	if g := h.Grievance; g != nil {
		switch {
		case g.Cases < 0:
			return kernel.InvalidField("grievance.cases", "%d is negative", g.Cases)
		case math.IsNaN(g.MedianDaysToAcknowledge) || math.IsInf(g.MedianDaysToAcknowledge, 0) || g.MedianDaysToAcknowledge < 0:
			return kernel.InvalidField("grievance.median_days_to_acknowledge", "%v is not a number of days", g.MedianDaysToAcknowledge)
		case g.RemediesProposed < 0:
			return kernel.InvalidField("grievance.remedies_proposed", "%d is negative", g.RemediesProposed)
		case g.RemediesAccepted < 0 || g.RemediesAccepted > g.RemediesProposed:
			return kernel.InvalidField("grievance.remedies_accepted", "%d is outside 0..%d (the remedies proposed)", g.RemediesAccepted, g.RemediesProposed)
		}
	}
	if c := h.Channel; c != nil && c.Reports < 0 {
		return kernel.InvalidField("channel.reports", "%d is negative", c.Reports)
	}
	if r := h.Risk; r != nil {
		if math.IsNaN(r.Inherent) || r.Inherent < 0 || r.Inherent > 100 {
			return kernel.InvalidField("risk.inherent", "%v is outside 0..100", r.Inherent)
		}
		switch r.Level {
		case risk.Low, risk.Medium, risk.High, risk.Critical:
		default:
			return kernel.InvalidField("risk.level", "%q is not a risk level", r.Level)
		}
	}
	return nil
}
