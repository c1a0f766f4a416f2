package grievance

import (
	"slices"
	"strconv"
	"strings"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// Stage is where a case is in the workflow.
type Stage string

const (
	StageReceived      Stage = "received"
	StageAcknowledged  Stage = "acknowledged"
	StageInvestigating Stage = "investigating"
	StageRemediation   Stage = "remediation"
	StageClosed        Stage = "closed"
)

// Stages lists the stages in workflow order.
func Stages() []Stage {
	return []Stage{StageReceived, StageAcknowledged, StageInvestigating, StageRemediation, StageClosed}
}

// Valid reports whether s is a known stage.
func (s Stage) Valid() bool { return slices.Contains(Stages(), s) }

// Reason explains a transition that is not a plain step forward. Reasons are
// codes, stored in clear; the handler's explanation goes in a sealed note.
type Reason string

const (
	ReasonNone            Reason = ""
	ReasonResolved        Reason = "resolved"         // remedy implemented
	ReasonUnfounded       Reason = "unfounded"        // investigation found no breach
	ReasonDuplicate       Reason = "duplicate"        // same matter as another report
	ReasonOutOfScope      Reason = "out_of_scope"     // not something the mechanism covers; reporter referred on
	ReasonWithdrawn       Reason = "withdrawn"        // the reporter asked to stop
	ReasonUnreachable     Reason = "unreachable"      // the reporter never came back and nothing more can be done
	ReasonRemedyContested Reason = "remedy_contested" // the reporter contested the remedy
	ReasonNewInformation  Reason = "new_information"  // something new reopens the case
)

// transitions lists, for each stage, the stages it may move to and the
// reasons each move accepts. A nil reason list means a plain step forward
// that takes no reason.
var transitions = map[Stage]map[Stage][]Reason{
	StageReceived: {
		StageAcknowledged: nil,
		StageClosed:       {ReasonDuplicate, ReasonOutOfScope, ReasonWithdrawn},
	},
	StageAcknowledged: {
		StageInvestigating: nil,
		StageClosed:        {ReasonDuplicate, ReasonOutOfScope, ReasonWithdrawn, ReasonUnreachable},
	},
	StageInvestigating: {
		StageRemediation: nil,
		StageClosed:      {ReasonUnfounded, ReasonDuplicate, ReasonOutOfScope, ReasonWithdrawn, ReasonUnreachable},
	},
	StageRemediation: {
		StageClosed:        {ReasonResolved, ReasonWithdrawn, ReasonUnreachable},
		StageInvestigating: {ReasonRemedyContested, ReasonNewInformation},
	},
	StageClosed: {
		StageInvestigating: {ReasonRemedyContested, ReasonNewInformation},
	},
}

// AllowedMoves returns the stages a case in stage s may move to, in workflow
// order, with the reasons each accepts.
func AllowedMoves(s Stage) []Move {
	var out []Move
	for _, to := range Stages() {
		if rs, ok := transitions[s][to]; ok {
			out = append(out, Move{To: to, Reasons: slices.Clone(rs)})
		}
	}
	return out
}

// Move is one allowed transition.
type Move struct {
	To      Stage
	Reasons []Reason // empty: no reason taken
}

// Case is the workflow state of a report.
type Case struct {
	Stage  Stage
	Since  Day    // the day the case entered Stage
	Reason Reason // why it entered Stage, when that took a reason
	// Escalated is the highest escalation level already acted on, so that
	// a job notifies each level once.
	Escalated int
	// Assignee is the user id of the case handler responsible for the
	// case, empty when no one is.
	Assignee string
}

// NewCase is the state of a report received on day.
func NewCase(day Day) Case { return Case{Stage: StageReceived, Since: day} }

// StageChange records one transition, for the case history (and the audit
// log, which the caller writes).
type StageChange struct {
	ReportID string
	From, To Stage
	Reason   Reason
	Day      Day
	ActorID  string // the handler who made the change
}

// Transition moves c to stage to. It returns an Invalid error when the move
// is not allowed from the current stage, when the reason is missing or not
// one the move accepts, or when closing as resolved without an implemented
// remedy. remedies are the report's remedy records.
func Transition(c Case, to Stage, reason Reason, remedies []Remedy, today Day) (Case, error) {
	moves, ok := transitions[c.Stage]
	if !ok {
		return c, kernel.Errorf(kernel.Invalid, "the case is in an unknown stage")
	}
	reasons, ok := moves[to]
	if !ok {
		var names []string
		for _, m := range AllowedMoves(c.Stage) {
			names = append(names, string(m.To))
		}
		return c, kernel.Errorf(kernel.Invalid, "a %s case cannot move to %s; it can move to: %s", c.Stage, to, strings.Join(names, ", "))
	}
	switch {
	case reasons == nil && reason != ReasonNone:
		return c, kernel.Errorf(kernel.Invalid, "moving from %s to %s takes no reason", c.Stage, to)
	case reasons != nil && !slices.Contains(reasons, reason):
		var names []string
		for _, r := range reasons {
			names = append(names, string(r))
		}
		return c, kernel.Errorf(kernel.Invalid, "moving from %s to %s needs one of these reasons: %s", c.Stage, to, strings.Join(names, ", "))
	}
	if reason == ReasonResolved && !slices.ContainsFunc(remedies, func(r Remedy) bool { return r.Status == RemedyImplemented }) {
		return c, kernel.Errorf(kernel.Invalid, "a case can be closed as resolved only once a remedy is implemented")
	}
	if today.Before(c.Since) {
		return c, kernel.Errorf(kernel.Invalid, "the change cannot be dated before the case entered its stage")
	}
	return Case{Stage: to, Since: today, Reason: reason}, nil
}

// OpenRemedies are the remedies still under way: proposed and not yet
// answered by the reporter, accepted but not implemented, or contested.
func OpenRemedies(rems []Remedy) []Remedy {
	var out []Remedy
	for _, r := range rems {
		switch r.Status {
		case RemedyProposed, RemedyAccepted, RemedyContested:
			out = append(out, r)
		}
	}
	return out
}

// CheckOpenRemedies refuses to close a case while remedies are still open
// unless the handler confirmed it and said why: closing would otherwise
// leave a reporter's remedy unanswered without anyone deciding so. The
// refusal is a conflict whose message says what to do.
func CheckOpenRemedies(to Stage, rems []Remedy, confirmed bool, note string) error {
	if to != StageClosed {
		return nil
	}
	open := OpenRemedies(rems)
	if len(open) == 0 {
		return nil
	}
	what := "1 remedy is"
	if len(open) > 1 {
		what = strconv.Itoa(len(open)) + " remedies are"
	}
	switch {
	case !confirmed:
		return kernel.Errorf(kernel.Conflict, "%s still open (proposed, accepted or contested, not implemented): to close the case anyway, confirm it and say why in the note", what)
	case strings.TrimSpace(note) == "":
		return kernel.Errorf(kernel.Invalid, "%s still open: say in the note why the case closes before it is settled", what)
	}
	return nil
}

// Targets are the response times: how many days a case may stay in each
// stage before the next step is due. A stage without a target (closed) has
// no due date.
type Targets struct {
	Days map[Stage]int
	// EscalateAfter lists, for escalation levels 1, 2, ..., how many days
	// past the due date each level starts. Level 1 normally starts on the
	// first overdue day.
	EscalateAfter []int
}

// DefaultTargets: acknowledge within 7 days, start investigating within 14
// days of acknowledging, conclude the investigation within 60 days and
// complete remediation within 90; escalate when overdue, again after a
// week, and again after a month.
func DefaultTargets() Targets {
	return Targets{
		Days: map[Stage]int{
			StageReceived:      7,
			StageAcknowledged:  14,
			StageInvestigating: 60,
			StageRemediation:   90,
		},
		EscalateAfter: []int{1, 8, 31},
	}
}

// Validate checks that every target is positive and escalation levels
// increase.
func (t Targets) Validate() error {
	for s, d := range t.Days {
		if !s.Valid() || s == StageClosed {
			return kernel.Errorf(kernel.Invalid, "no response-time target can be set for stage %q", s)
		}
		if d < 1 || d > 3650 {
			return kernel.Errorf(kernel.Invalid, "the target for %s must be 1..3650 days", s)
		}
	}
	for i, d := range t.EscalateAfter {
		if d < 1 || (i > 0 && d <= t.EscalateAfter[i-1]) {
			return kernel.Errorf(kernel.Invalid, "escalation days must be positive and increasing")
		}
	}
	return nil
}

// Deadline is the state of a case against its response-time target.
type Deadline struct {
	Stage       Stage
	HasDue      bool
	Due         Day // the last day on which the next step is on time
	DaysLeft    int // days from today to Due; negative when overdue
	Overdue     bool
	Escalation  int  // 0 when not escalated, else the level reached
	NeedsNotice bool // Escalation is above the level already acted on
}

// OverdueSince is the ReportFilter.StartedBefore of the reports overdue
// on today: for each stage with a target, a report is overdue once its
// stage began more than the target's days before today.
func (t Targets) OverdueSince(today Day) map[Stage]Day {
	out := make(map[Stage]Day, len(t.Days))
	for st, days := range t.Days {
		out[st] = today.AddDays(-days)
	}
	return out
}

// Deadline computes the due date of the case's next step and whether it is
// overdue or escalated on the given day.
func (t Targets) Deadline(c Case, today Day) Deadline {
	d := Deadline{Stage: c.Stage}
	days, ok := t.Days[c.Stage]
	if !ok || c.Since.IsZero() {
		return d
	}
	d.HasDue = true
	d.Due = c.Since.AddDays(days)
	d.DaysLeft = today.DaysUntil(d.Due)
	d.Overdue = d.DaysLeft < 0
	late := -d.DaysLeft
	for i, after := range t.EscalateAfter {
		if late >= after {
			d.Escalation = i + 1
		}
	}
	d.NeedsNotice = d.Escalation > c.Escalated
	return d
}
