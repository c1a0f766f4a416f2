package impact

import (
	"sort"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Purpose is a use of a survivor's data that they consent to separately.
type Purpose string

const (
	// PurposeCaseManagement: handlers use the record to support the person.
	PurposeCaseManagement Purpose = "case_management"
	// PurposeOutcomeMeasurement: the record counts towards the programme's
	// indicators (always under a pseudonym, small groups suppressed).
	PurposeOutcomeMeasurement Purpose = "outcome_measurement"
	// PurposeReferral: the record may be shared with a service provider.
	PurposeReferral Purpose = "referral"
	// PurposeFunderReporting: the record may feed reports to funders.
	PurposeFunderReporting Purpose = "funder_reporting"
	// PurposeResearch: the record may be used in research or evaluation.
	PurposeResearch Purpose = "research"
)

// Purposes lists every purpose, in the order forms ask about them.
func Purposes() []Purpose {
	return []Purpose{PurposeCaseManagement, PurposeOutcomeMeasurement, PurposeReferral, PurposeFunderReporting, PurposeResearch}
}

func validPurpose(p Purpose) bool {
	for _, q := range Purposes() {
		if p == q {
			return true
		}
	}
	return false
}

// Pseudonym identifies a survivor in outcome records without naming them.
// It is random (kernel.NewID) and carries nothing of the person; the link
// to the person lives only in the encrypted case file.
type Pseudonym string

// NewPseudonym returns a fresh random pseudonym.
func NewPseudonym() Pseudonym { return Pseudonym(kernel.NewID()) }

// ParsePseudonym accepts only identifiers made by NewPseudonym, so that a
// name or a case number typed in by mistake is refused.
func ParsePseudonym(s string) (Pseudonym, error) {
	if !kernel.ValidID(s) {
		return "", invalidf("subject %q is not a pseudonymous id; survivor records use ids issued by Upstream, never names or case numbers", s)
	}
	return Pseudonym(strings.ToLower(s)), nil
}

// ConsentEvent is one decision about one purpose.
type ConsentEvent struct {
	Purpose Purpose   `json:"purpose"`
	Granted bool      `json:"granted"`
	At      time.Time `json:"at"`
	// RecordedBy is the staff account that recorded the decision.
	RecordedBy string `json:"recorded_by"`
	// Note records how consent was obtained or withdrawn (interpreter,
	// verbal, written form).
	Note string `json:"note,omitempty"`
}

// Consent is a survivor's consent history. Events are never removed:
// withdrawing adds an event, so the record shows what was allowed when.
type Consent struct {
	Subject Pseudonym      `json:"subject"`
	Events  []ConsentEvent `json:"events"`
}

// Grant records consent for a purpose at the clock's time.
func (c *Consent) Grant(clock kernel.Clock, p Purpose, by, note string) error {
	return c.record(clock, p, true, by, note)
}

// Withdraw records withdrawal of consent for a purpose at the clock's time.
func (c *Consent) Withdraw(clock kernel.Clock, p Purpose, by, note string) error {
	return c.record(clock, p, false, by, note)
}

func (c *Consent) record(clock kernel.Clock, p Purpose, granted bool, by, note string) error {
	if !validPurpose(p) {
		return invalidf("purpose %q is not one of %s", p, purposeList())
	}
	if strings.TrimSpace(by) == "" {
		return invalidf("recorded_by: missing; say who recorded the decision")
	}
	at := clock.Now()
	if n := len(c.Events); n > 0 && at.Before(c.Events[n-1].At) {
		return invalidf("consent for %s: recorded at %s, before the last decision at %s", c.Subject, at.Format(time.RFC3339), c.Events[n-1].At.Format(time.RFC3339))
	}
	c.Events = append(c.Events, ConsentEvent{Purpose: p, Granted: granted, At: at, RecordedBy: by, Note: note})
	return nil
}

// Allows reports whether, at the given time, the latest decision for the
// purpose was a grant. With no decision the answer is no.
func (c Consent) Allows(p Purpose, at time.Time) bool {
	allowed := false
	for _, e := range c.Events {
		if e.Purpose == p && !e.At.After(at) {
			allowed = e.Granted
		}
	}
	return allowed
}

func purposeList() string {
	var names []string
	for _, p := range Purposes() {
		names = append(names, string(p))
	}
	return strings.Join(names, ", ")
}

// SurvivorOutcome is one survivor's outcome for one indicator and period,
// held under a pseudonym. Many records roll up into one Observation per
// disaggregation cell.
type SurvivorOutcome struct {
	Subject        Pseudonym         `json:"subject"`
	Indicator      string            `json:"indicator"`
	Period         Period            `json:"period"`
	Disaggregation map[string]string `json:"disaggregation,omitempty"`
	// Value is the person's value: 1 or 0 for "in decent work", a wage for
	// an average.
	Value float64 `json:"value"`
}

// OutcomeObservations turns survivor records into observations of the
// indicator, counting only people whose consent allowed the purpose at the
// given time; Excluded says how many records were left out. For a Sum or
// Latest indicator a cell's value is the sum of its records; for an
// Average, their mean with the number of people as denominator; for a
// Ratio, the sum (people for whom the value is 1) over the number of
// people.
func OutcomeObservations(ind Indicator, dims []Dimension, records []SurvivorOutcome, consents map[Pseudonym]Consent, purpose Purpose, at time.Time) (obs []Observation, excluded int, err error) {
	type cell struct {
		period Period
		disagg map[string]string
		sum    float64
		n      int
	}
	cells := map[string]*cell{}
	var order []string
	for i, r := range records {
		if r.Indicator != ind.Code {
			return nil, 0, invalidf("records[%d]: indicator %q is not %q", i, r.Indicator, ind.Code)
		}
		if _, err := ParsePseudonym(string(r.Subject)); err != nil {
			return nil, 0, invalidf("records[%d]: %s", i, kernel.ErrorMessage(err))
		}
		if r.Period.Code == "" {
			return nil, 0, invalidf("records[%d]: period: missing", i)
		}
		if err := checkCell(dims, r.Disaggregation); err != nil {
			return nil, 0, invalidf("records[%d]: %s", i, kernel.ErrorMessage(err))
		}
		c, ok := consents[r.Subject]
		if !ok || !c.Allows(purpose, at) {
			excluded++
			continue
		}
		key := r.Period.Code + "|" + cellKey(r.Disaggregation)
		if cells[key] == nil {
			cells[key] = &cell{period: r.Period, disagg: r.Disaggregation}
			order = append(order, key)
		}
		cells[key].sum += r.Value
		cells[key].n++
	}
	sort.Strings(order)
	for _, k := range order {
		c := cells[k]
		o := Observation{Indicator: ind.Code, Period: c.period, Disaggregation: c.disagg, Value: c.sum}
		switch ind.Aggregation {
		case Average:
			o.Value = c.sum / float64(c.n)
			o = o.WithDenominator(float64(c.n))
		case Ratio:
			o = o.WithDenominator(float64(c.n))
		}
		obs = append(obs, o)
	}
	return obs, excluded, nil
}
