package earlywarning

import (
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Severity ranks how urgently an alert needs a person.
type Severity string

const (
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Rank orders severities: low 1 up to critical 4, and 0 for an unknown one.
func (s Severity) Rank() int {
	switch s {
	case SeverityLow:
		return 1
	case SeverityMedium:
		return 2
	case SeverityHigh:
		return 3
	case SeverityCritical:
		return 4
	}
	return 0
}

func (s Severity) valid() bool { return s.Rank() > 0 }

// ParseSeverity reads a severity name.
func ParseSeverity(s string) (Severity, error) {
	v := Severity(strings.ToLower(strings.TrimSpace(s)))
	if !v.valid() {
		return "", kernel.Errorf(kernel.Invalid, "severity %q is not one of low, medium, high, critical", s)
	}
	return v, nil
}

// State is where an alert is in its life cycle:
//
//	open ──acknowledge──> acknowledged ──resolve──> resolved
//	  └───────────────────resolve───────────────────────┘
//
// An acknowledged alert goes back to open when a new trigger raises its
// severity. Resolved is final: a later trigger for the same key opens a new
// alert. Assigning and snoozing do not change the state.
type State string

const (
	StateOpen         State = "open"
	StateAcknowledged State = "acknowledged"
	StateResolved     State = "resolved"
)

// Trigger is a detector's finding, before deduplication into an alert.
type Trigger struct {
	OrgID string
	// Key deduplicates: an organisation has at most one unresolved alert
	// per key. Threshold rules use "rule/NAME/SUBJECT"; count detectors use
	// "anomaly/SERIESKEY" so that both detectors on one series share an alert.
	Key      string
	Kind     Kind
	Subject  Subject
	Detector string
	Severity Severity
	Score    float64
	At       time.Time
	Source   string
}

// Validate reports the first missing or wrong field of t.
func (t Trigger) Validate() error {
	switch {
	case strings.TrimSpace(t.OrgID) == "":
		return kernel.Errorf(kernel.Invalid, "trigger org_id: missing")
	case strings.TrimSpace(t.Key) == "":
		return kernel.Errorf(kernel.Invalid, "trigger key: missing")
	case len(t.Key) > 300:
		return kernel.Errorf(kernel.Invalid, "trigger key: longer than 300 bytes")
	case !t.Kind.valid():
		return kernel.Errorf(kernel.Invalid, "trigger kind: %q is not one of %s", t.Kind, joinKinds())
	case strings.TrimSpace(t.Detector) == "":
		return kernel.Errorf(kernel.Invalid, "trigger detector: missing")
	case !t.Severity.valid():
		return kernel.Errorf(kernel.Invalid, "trigger severity: %q is not one of low, medium, high, critical", t.Severity)
	case t.At.IsZero():
		return kernel.Errorf(kernel.Invalid, "trigger at: missing")
	}
	return nil
}

// Alert is a deduplicated, tracked warning that needs a person's attention.
// Alerts change only through the transition methods below, which return a
// new value and never touch storage.
type Alert struct {
	ID       string   `json:"id"`
	OrgID    string   `json:"org_id"`
	Key      string   `json:"key"`
	Kind     Kind     `json:"kind"`
	Subject  Subject  `json:"subject"`
	Detector string   `json:"detector"` // detector of the latest trigger
	Severity Severity `json:"severity"` // highest severity of any trigger so far
	State    State    `json:"state"`
	Score    float64  `json:"score"` // score of the latest trigger
	Source   string   `json:"source"`
	// Occurrences counts the triggers folded into this alert.
	Occurrences int       `json:"occurrences"`
	FirstSeen   time.Time `json:"first_seen"`
	LastSeen    time.Time `json:"last_seen"`

	AssignedTo     string    `json:"assigned_to,omitempty"`
	SnoozedUntil   time.Time `json:"snoozed_until,omitzero"`
	AcknowledgedBy string    `json:"acknowledged_by,omitempty"`
	AcknowledgedAt time.Time `json:"acknowledged_at,omitzero"`
	ResolvedBy     string    `json:"resolved_by,omitempty"`
	ResolvedAt     time.Time `json:"resolved_at,omitzero"`
	Resolution     string    `json:"resolution,omitempty"`
	UpdatedAt      time.Time `json:"updated_at"`

	// Version is the stored version; AlertStore.Save uses it to refuse a
	// write based on a stale read.
	Version int `json:"version"`
}

// Change says what raising a trigger did.
type Change string

const (
	ChangeCreated   Change = "created"   // a new alert was opened
	ChangeEscalated Change = "escalated" // an unresolved alert's severity went up
	ChangeRepeated  Change = "repeated"  // an unresolved alert saw another trigger at the same or lower severity
)

// MaxSnooze is the longest snooze allowed, so that nothing is silenced and
// forgotten.
const MaxSnooze = 90 * 24 * time.Hour

// Raise folds trigger t into the organisation's unresolved alert for t.Key
// (current, nil when there is none) or opens a new alert. Severity only goes
// up; an escalation reopens an acknowledged alert, because what was
// acknowledged is no longer what is happening.
func Raise(current *Alert, t Trigger, now time.Time) (Alert, Change, error) {
	if err := t.Validate(); err != nil {
		return Alert{}, "", err
	}
	now = now.UTC()
	if current == nil || current.State == StateResolved {
		return Alert{
			ID: kernel.NewID(), OrgID: t.OrgID, Key: t.Key, Kind: t.Kind, Subject: t.Subject,
			Detector: t.Detector, Severity: t.Severity, State: StateOpen, Score: t.Score, Source: t.Source,
			Occurrences: 1, FirstSeen: t.At.UTC(), LastSeen: t.At.UTC(), UpdatedAt: now,
		}, ChangeCreated, nil
	}
	if current.OrgID != t.OrgID || current.Key != t.Key {
		return Alert{}, "", kernel.Errorf(kernel.Invalid, "trigger for %s/%s raised against alert %s of %s/%s", t.OrgID, t.Key, current.ID, current.OrgID, current.Key)
	}
	a := *current
	a.Occurrences++
	a.Detector, a.Score, a.Source = t.Detector, t.Score, t.Source
	if t.At.After(a.LastSeen) {
		a.LastSeen = t.At.UTC()
	}
	a.UpdatedAt = now
	change := ChangeRepeated
	if t.Severity.Rank() > a.Severity.Rank() {
		a.Severity = t.Severity
		change = ChangeEscalated
		// A snooze was granted for the old severity; an escalation breaks it.
		a.SnoozedUntil = time.Time{}
		if a.State == StateAcknowledged {
			a.State = StateOpen
			a.AcknowledgedBy, a.AcknowledgedAt = "", time.Time{}
		}
	}
	return a, change, nil
}

// Acknowledge records that user by has seen the open alert.
func (a Alert) Acknowledge(by string, now time.Time) (Alert, error) {
	if strings.TrimSpace(by) == "" {
		return a, kernel.Errorf(kernel.Invalid, "acknowledge: user missing")
	}
	switch a.State {
	case StateAcknowledged:
		return a, kernel.Errorf(kernel.Conflict, "alert %s is already acknowledged by %s", a.ID, a.AcknowledgedBy)
	case StateResolved:
		return a, kernel.Errorf(kernel.Conflict, "alert %s is resolved; it cannot be acknowledged", a.ID)
	}
	a.State, a.AcknowledgedBy, a.AcknowledgedAt, a.UpdatedAt = StateAcknowledged, by, now.UTC(), now.UTC()
	return a, nil
}

// Resolve closes an open or acknowledged alert with a note saying what was
// done. A later trigger for the same key opens a new alert.
func (a Alert) Resolve(by, resolution string, now time.Time) (Alert, error) {
	switch {
	case strings.TrimSpace(by) == "":
		return a, kernel.Errorf(kernel.Invalid, "resolve: user missing")
	case strings.TrimSpace(resolution) == "":
		return a, kernel.Errorf(kernel.Invalid, "resolve: resolution missing; say what was done")
	case len(resolution) > 2000:
		return a, kernel.Errorf(kernel.Invalid, "resolve: resolution longer than 2000 bytes")
	case a.State == StateResolved:
		return a, kernel.Errorf(kernel.Conflict, "alert %s is already resolved", a.ID)
	}
	now = now.UTC()
	a.State, a.ResolvedBy, a.ResolvedAt, a.Resolution, a.UpdatedAt = StateResolved, by, now, resolution, now
	a.SnoozedUntil = time.Time{}
	return a, nil
}

// Assign gives an unresolved alert to a user; an empty user unassigns it.
func (a Alert) Assign(userID string, now time.Time) (Alert, error) {
	if a.State == StateResolved {
		return a, kernel.Errorf(kernel.Conflict, "alert %s is resolved; it cannot be assigned", a.ID)
	}
	a.AssignedTo, a.UpdatedAt = strings.TrimSpace(userID), now.UTC()
	return a, nil
}

// Snooze silences notifications for an unresolved alert until the given
// time, at most MaxSnooze ahead. Triggers still fold into the alert while it
// is snoozed; they are just not delivered. A zero until ends a snooze.
func (a Alert) Snooze(until, now time.Time) (Alert, error) {
	if a.State == StateResolved {
		return a, kernel.Errorf(kernel.Conflict, "alert %s is resolved; it cannot be snoozed", a.ID)
	}
	if !until.IsZero() {
		if !until.After(now) {
			return a, kernel.Errorf(kernel.Invalid, "snooze: until %s is not after now", until.UTC().Format(time.RFC3339))
		}
		if until.Sub(now) > MaxSnooze {
			return a, kernel.Errorf(kernel.Invalid, "snooze: until %s is more than 90 days ahead", until.UTC().Format(time.RFC3339))
		}
		until = until.UTC()
	}
	a.SnoozedUntil, a.UpdatedAt = until, now.UTC()
	return a, nil
}

// Snoozed reports whether notifications for a are silenced at now.
func (a Alert) Snoozed(now time.Time) bool {
	return !a.SnoozedUntil.IsZero() && now.Before(a.SnoozedUntil)
}

// AckTarget is how long an open alert of each severity may wait for
// acknowledgement before it counts as overdue.
var AckTarget = map[Severity]time.Duration{
	SeverityCritical: time.Hour,
	SeverityHigh:     4 * time.Hour,
	SeverityMedium:   24 * time.Hour,
	SeverityLow:      72 * time.Hour,
}

// Overdue reports whether an open, unsnoozed alert has waited longer than
// its severity's acknowledgement target.
func (a Alert) Overdue(now time.Time) bool {
	t, ok := AckTarget[a.Severity]
	return ok && a.State == StateOpen && !a.Snoozed(now) && now.Sub(a.FirstSeen) > t
}

// ShouldNotify reports whether raising a trigger that produced change on a
// should be delivered to people: new alerts and escalations are (Raise ends a
// snooze on escalation), repeats are not, and nothing is while the alert is
// snoozed.
func ShouldNotify(a Alert, change Change, now time.Time) bool {
	if a.Snoozed(now) || a.State == StateResolved {
		return false
	}
	return change == ChangeCreated || change == ChangeEscalated
}

// AlertKey is a's sort key in the order alerts are listed (most recently
// seen first), as kernel.Page.After takes it.
func AlertKey(a Alert) []string {
	return []string{a.LastSeen.UTC().Format(time.RFC3339Nano), a.ID}
}
