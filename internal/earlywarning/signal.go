package earlywarning

import (
	"math"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Kind says what a signal measures. Each kind is produced by one capability.
type Kind string

const (
	// KindGrievanceCount is the number of grievances received on one day for
	// one subject (a supplier, a country or a category). It comes from the
	// grievance aggregates, never from case content: Value is the count.
	KindGrievanceCount Kind = "grievance_count"
	// KindWatchlistHit is a screening hit that a reviewer confirmed. Value is
	// the match score in 0..1.
	KindWatchlistHit Kind = "watchlist_hit"
	// KindRiskScoreChange is a change of a party's risk score on the 0-100
	// scale. Value is the new score minus the old one.
	KindRiskScoreChange Kind = "risk_score_change"
	// KindRefdataUpdate is a new edition of a reference dataset. Value is the
	// number of rows that changed.
	KindRefdataUpdate Kind = "refdata_update"
	// KindCaseOverdue is a grievance case past its response-time target.
	// Value is the escalation level (1, 2, 3); the subject is the case id,
	// never anything about the reporter.
	KindCaseOverdue Kind = "case_overdue"
	// KindSurveyWorsening is a site whose workers' answers to a survey
	// question got worse between two rounds beyond chance. Value is the
	// test statistic; the subject is the site (a party).
	KindSurveyWorsening Kind = "survey_worsening"
	// KindIntakeFlood is a day on which an organisation received far more
	// grievance reports than usual (junk meant to bury genuine ones). Value
	// is the day's count; the subject is the organisation.
	KindIntakeFlood Kind = "intake_flood"
)

// Kinds lists every signal kind, in a stable order.
var Kinds = []Kind{KindGrievanceCount, KindWatchlistHit, KindRiskScoreChange, KindRefdataUpdate, KindCaseOverdue, KindSurveyWorsening, KindIntakeFlood}

func (k Kind) valid() bool {
	for _, v := range Kinds {
		if k == v {
			return true
		}
	}
	return false
}

// SubjectKind says what a signal is about.
type SubjectKind string

const (
	SubjectParty    SubjectKind = "party"        // a supplier, facility, farm or cooperative (supplychain id)
	SubjectCountry  SubjectKind = "country"      // an ISO 3166 alpha-2 code
	SubjectRegion   SubjectKind = "region"       // a sub-national region, as the organisation names it
	SubjectCategory SubjectKind = "category"     // a grievance category code (for example an ILO indicator)
	SubjectDataset  SubjectKind = "dataset"      // a reference dataset name
	SubjectCase     SubjectKind = "case"         // a grievance case id (its content stays with case handlers)
	SubjectOrg      SubjectKind = "organisation" // the organisation itself, by slug
)

// SubjectKinds lists every subject kind, in a stable order.
var SubjectKinds = []SubjectKind{SubjectParty, SubjectCountry, SubjectRegion, SubjectCategory, SubjectDataset, SubjectCase, SubjectOrg}

func (k SubjectKind) valid() bool {
	for _, v := range SubjectKinds {
		if k == v {
			return true
		}
	}
	return false
}

// Subject names the thing a signal is about.
type Subject struct {
	Kind SubjectKind `json:"kind"`
	ID   string      `json:"id"`
}

// String writes the subject as "kind:id", the form series keys use.
func (s Subject) String() string { return string(s.Kind) + ":" + s.ID }

// MaxSubjectID bounds a subject id, so that alert keys built from it stay
// short enough to index.
const MaxSubjectID = 200

// Signal is one observation fed to the detectors. It never carries personal
// data or case content: only a kind, a subject, a time, a number and where it
// came from.
type Signal struct {
	ID      string    `json:"id"`
	OrgID   string    `json:"org_id"`
	Kind    Kind      `json:"kind"`
	Subject Subject   `json:"subject"`
	At      time.Time `json:"at"`
	Value   float64   `json:"value"`
	// Source names the producer and its reference, for example
	// "screening:hit/0192..." or "refdata:ilab-2024"; alerts show it so a
	// reader can follow the signal back to its origin.
	Source string `json:"source"`
}

// NewSignal returns a validated signal with a fresh identifier.
func NewSignal(orgID string, kind Kind, subject Subject, at time.Time, value float64, source string) (Signal, error) {
	s := Signal{ID: kernel.NewID(), OrgID: orgID, Kind: kind, Subject: subject, At: at.UTC(), Value: value, Source: source}
	return s, s.Validate()
}

// Validate reports the first field of s that is missing or wrong.
func (s Signal) Validate() error {
	switch {
	case strings.TrimSpace(s.OrgID) == "":
		return kernel.Errorf(kernel.Invalid, "signal org_id: missing")
	case !s.Kind.valid():
		return kernel.Errorf(kernel.Invalid, "signal kind: %q is not one of %s", s.Kind, joinKinds())
	case !s.Subject.Kind.valid():
		return kernel.Errorf(kernel.Invalid, "signal subject.kind: %q is not one of party, country, region, category, dataset, case", s.Subject.Kind)
	case strings.TrimSpace(s.Subject.ID) == "":
		return kernel.Errorf(kernel.Invalid, "signal subject.id: missing")
	case len(s.Subject.ID) > MaxSubjectID:
		return kernel.Errorf(kernel.Invalid, "signal subject.id: longer than %d bytes", MaxSubjectID)
	case s.At.IsZero():
		return kernel.Errorf(kernel.Invalid, "signal at: missing")
	case math.IsNaN(s.Value) || math.IsInf(s.Value, 0):
		return kernel.Errorf(kernel.Invalid, "signal value: not a finite number")
	case s.Kind == KindGrievanceCount && (s.Value < 0 || s.Value != math.Trunc(s.Value)):
		return kernel.Errorf(kernel.Invalid, "signal value: a grievance count must be a whole number of at least 0, got %v", s.Value)
	case strings.TrimSpace(s.Source) == "":
		return kernel.Errorf(kernel.Invalid, "signal source: missing")
	}
	return nil
}

// SeriesKey is the key of the daily series a grievance-count signal belongs
// to, "subjectkind:id" (for example "party:0192..." or "country:BD").
func (s Signal) SeriesKey() string { return s.Subject.String() }

func joinKinds() string {
	parts := make([]string, len(Kinds))
	for i, k := range Kinds {
		parts[i] = string(k)
	}
	return strings.Join(parts, ", ")
}

// SubjectCount is a count of events on one day about one subject, as a
// producer reads it from its own aggregates (for example grievances
// received per supplier, country and category).
type SubjectCount struct {
	Day     string // YYYY-MM-DD
	Subject Subject
	Count   int
}

// ScoreChange is a party's exposure now (New) and when early warning last
// looked (Old; nil the first time).
type ScoreChange struct {
	PartyID string
	Old     *float64
	New     float64
}

// DefaultRiskStep is the change of exposure, in points on the 0-100 scale,
// that makes a risk score change worth a signal.
const DefaultRiskStep = 15.0
