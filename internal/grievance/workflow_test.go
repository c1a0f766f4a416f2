package grievance_test

import (
	"strings"
	"testing"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
)

func day(t *testing.T, s string) grievance.Day {
	t.Helper()
	d, err := grievance.ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestTransitions(t *testing.T) {
	implemented := []grievance.Remedy{{Status: grievance.RemedyImplemented}}
	proposed := []grievance.Remedy{{Status: grievance.RemedyProposed}}
	cases := []struct {
		from     grievance.Stage
		to       grievance.Stage
		reason   grievance.Reason
		remedies []grievance.Remedy
		ok       bool
	}{
		{grievance.StageReceived, grievance.StageAcknowledged, "", nil, true},
		{grievance.StageReceived, grievance.StageAcknowledged, grievance.ReasonResolved, nil, false},
		{grievance.StageReceived, grievance.StageInvestigating, "", nil, false},
		{grievance.StageReceived, grievance.StageClosed, "", nil, false},
		{grievance.StageReceived, grievance.StageClosed, grievance.ReasonDuplicate, nil, true},
		{grievance.StageReceived, grievance.StageClosed, grievance.ReasonUnfounded, nil, false},
		{grievance.StageAcknowledged, grievance.StageInvestigating, "", nil, true},
		{grievance.StageAcknowledged, grievance.StageClosed, grievance.ReasonUnreachable, nil, true},
		{grievance.StageInvestigating, grievance.StageRemediation, "", nil, true},
		{grievance.StageInvestigating, grievance.StageClosed, grievance.ReasonUnfounded, nil, true},
		{grievance.StageInvestigating, grievance.StageClosed, grievance.ReasonResolved, implemented, false},
		{grievance.StageInvestigating, grievance.StageReceived, "", nil, false},
		{grievance.StageRemediation, grievance.StageClosed, grievance.ReasonResolved, implemented, true},
		{grievance.StageRemediation, grievance.StageClosed, grievance.ReasonResolved, proposed, false},
		{grievance.StageRemediation, grievance.StageClosed, grievance.ReasonResolved, nil, false},
		{grievance.StageRemediation, grievance.StageInvestigating, grievance.ReasonRemedyContested, nil, true},
		{grievance.StageRemediation, grievance.StageInvestigating, "", nil, false},
		{grievance.StageClosed, grievance.StageInvestigating, grievance.ReasonNewInformation, nil, true},
		{grievance.StageClosed, grievance.StageAcknowledged, "", nil, false},
		{grievance.StageClosed, grievance.StageClosed, grievance.ReasonResolved, implemented, false},
		{"bogus", grievance.StageClosed, grievance.ReasonDuplicate, nil, false},
	}
	d0 := day(t, "2026-11-01")
	d1 := day(t, "2026-11-05")
	for _, c := range cases {
		t.Run(string(c.from)+"_to_"+string(c.to)+"_"+string(c.reason), func(t *testing.T) {
			got, err := grievance.Transition(grievance.Case{Stage: c.from, Since: d0, Escalated: 2}, c.to, c.reason, c.remedies, d1)
			if c.ok {
				if err != nil {
					t.Fatal(err)
				}
				want := grievance.Case{Stage: c.to, Since: d1, Reason: c.reason}
				if got != want {
					t.Fatalf("got %+v, want %+v", got, want)
				}
				return
			}
			if !kernel.IsCode(err, kernel.Invalid) {
				t.Fatalf("got %v, want invalid", err)
			}
		})
	}
	if _, err := grievance.Transition(grievance.NewCase(d1), grievance.StageAcknowledged, "", nil, d0); err == nil {
		t.Fatal("change dated before the stage began")
	}
}

func TestAllowedMovesMatchTransition(t *testing.T) {
	d := day(t, "2026-01-01")
	for _, from := range grievance.Stages() {
		for _, m := range grievance.AllowedMoves(from) {
			reason := grievance.ReasonNone
			if len(m.Reasons) > 0 {
				reason = m.Reasons[0]
			}
			rem := []grievance.Remedy{{Status: grievance.RemedyImplemented}}
			if _, err := grievance.Transition(grievance.Case{Stage: from, Since: d}, m.To, reason, rem, d); err != nil {
				t.Errorf("%s to %s listed but refused: %v", from, m.To, err)
			}
		}
	}
	if len(grievance.AllowedMoves(grievance.StageClosed)) != 1 {
		t.Fatal("closed should only reopen")
	}
}

func TestDeadlines(t *testing.T) {
	targets := grievance.DefaultTargets()
	received := day(t, "2026-11-02")
	cases := []struct {
		name       string
		c          grievance.Case
		today      string
		hasDue     bool
		due        string
		daysLeft   int
		overdue    bool
		escalation int
		notice     bool
	}{
		{"new", grievance.NewCase(received), "2026-11-02", true, "2026-11-09", 7, false, 0, false},
		{"last day", grievance.NewCase(received), "2026-11-09", true, "2026-11-09", 0, false, 0, false},
		{"one day late", grievance.NewCase(received), "2026-11-10", true, "2026-11-09", -1, true, 1, true},
		{"a week late", grievance.NewCase(received), "2026-11-17", true, "2026-11-09", -8, true, 2, true},
		{"a month late", grievance.NewCase(received), "2026-12-10", true, "2026-11-09", -31, true, 3, true},
		{"already notified", grievance.Case{Stage: grievance.StageReceived, Since: received, Escalated: 2}, "2026-11-17", true, "2026-11-09", -8, true, 2, false},
		{"investigating", grievance.Case{Stage: grievance.StageInvestigating, Since: received}, "2026-12-01", true, "2027-01-01", 31, false, 0, false},
		{"closed", grievance.Case{Stage: grievance.StageClosed, Since: received}, "2030-01-01", false, "", 0, false, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := targets.Deadline(c.c, day(t, c.today))
			if d.HasDue != c.hasDue || d.Due.String() != c.due || d.DaysLeft != c.daysLeft || d.Overdue != c.overdue || d.Escalation != c.escalation || d.NeedsNotice != c.notice {
				t.Fatalf("got %+v (due %s)", d, d.Due)
			}
		})
	}
}

func TestDeadlineAcrossClockChange(t *testing.T) {
	// Days are UTC calendar days, so daylight-saving changes elsewhere do
	// not shift due dates.
	targets := grievance.Targets{Days: map[grievance.Stage]int{grievance.StageReceived: 1}}
	d := targets.Deadline(grievance.NewCase(day(t, "2026-03-28")), day(t, "2026-03-30"))
	if d.DaysLeft != -1 || !d.Overdue {
		t.Fatalf("%+v", d)
	}
}

func TestTargetsValidation(t *testing.T) {
	if err := grievance.DefaultTargets().Validate(); err != nil {
		t.Fatal(err)
	}
	bad := []grievance.Targets{
		{Days: map[grievance.Stage]int{grievance.StageReceived: 0}},
		{Days: map[grievance.Stage]int{grievance.StageClosed: 3}},
		{Days: map[grievance.Stage]int{"bogus": 3}},
		{Days: map[grievance.Stage]int{}, EscalateAfter: []int{3, 3}},
		{Days: map[grievance.Stage]int{}, EscalateAfter: []int{0}},
	}
	for i, tg := range bad {
		if err := tg.Validate(); !kernel.IsCode(err, kernel.Invalid) {
			t.Errorf("targets %d: %v", i, err)
		}
	}
}

func TestRemedyLifecycle(t *testing.T) {
	d := day(t, "2026-11-02")
	remediation := grievance.Case{Stage: grievance.StageRemediation, Since: d}
	r, err := grievance.ProposeRemedy(remediation, "r1", grievance.RemedyBackPay, grievance.Money{Minor: 125000, Currency: "BDT"}, "h1", []byte("sealed"), d)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != grievance.RemedyProposed || !kernel.ValidID(r.ID) {
		t.Fatalf("%+v", r)
	}
	if _, err := r.Respond(false, nil, d); !kernel.IsCode(err, kernel.Invalid) {
		t.Fatal("contest without comment accepted")
	}
	contested, err := r.Respond(false, []byte("sealed comment"), d)
	if err != nil || contested.Status != grievance.RemedyContested {
		t.Fatalf("contest: %v", err)
	}
	if _, err := contested.Implement("h1", d); err == nil {
		t.Fatal("contested remedy implemented")
	}
	if _, err := contested.Respond(true, nil, d); err == nil {
		t.Fatal("answered twice")
	}
	accepted, _ := r.Respond(true, nil, d)
	done, err := accepted.Implement("h2", d.AddDays(30))
	if err != nil || done.Status != grievance.RemedyImplemented || done.VerifiedBy != "h2" {
		t.Fatalf("implement: %v %+v", err, done)
	}
	if _, err := done.Withdraw(); err == nil {
		t.Fatal("implemented remedy withdrawn")
	}
	if _, err := accepted.Implement("", d); err == nil {
		t.Fatal("implemented without a verifier")
	}
	unanswered, err := r.Implement("h1", d)
	if err != nil || !unanswered.Responded.IsZero() {
		t.Fatalf("unanswered remedy: %v", err)
	}

	bad := []struct {
		name string
		c    grievance.Case
		typ  grievance.RemedyType
		amt  grievance.Money
		by   string
	}{
		{"wrong stage", grievance.Case{Stage: grievance.StageInvestigating}, grievance.RemedyApology, grievance.Money{}, "h"},
		{"unknown type", remediation, "cash", grievance.Money{}, "h"},
		{"negative", remediation, grievance.RemedyCompensation, grievance.Money{Minor: -1, Currency: "USD"}, "h"},
		{"no currency", remediation, grievance.RemedyCompensation, grievance.Money{Minor: 5}, "h"},
		{"lower-case currency", remediation, grievance.RemedyCompensation, grievance.Money{Minor: 5, Currency: "usd"}, "h"},
		{"no handler", remediation, grievance.RemedyApology, grievance.Money{}, ""},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			if _, err := grievance.ProposeRemedy(c.c, "r1", c.typ, c.amt, c.by, nil, d); !kernel.IsCode(err, kernel.Invalid) {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func TestCloseWithOpenRemedies(t *testing.T) {
	rem := func(st grievance.RemedyStatus) grievance.Remedy { return grievance.Remedy{Status: st} }
	done := rem(grievance.RemedyImplemented)
	tests := []struct {
		name      string
		to        grievance.Stage
		rems      []grievance.Remedy
		confirmed bool
		note      string
		code      kernel.Code // "" for no error
		want      string
	}{
		{"nothing open closes", grievance.StageClosed, []grievance.Remedy{done, rem(grievance.RemedyWithdrawn)}, false, "", "", ""},
		{"a proposed remedy stops closing", grievance.StageClosed, []grievance.Remedy{done, rem(grievance.RemedyProposed)}, false, "", kernel.Conflict,
			"1 remedy is still open (proposed, accepted or contested, not implemented): to close the case anyway, confirm it and say why in the note"},
		{"accepted and contested count too", grievance.StageClosed, []grievance.Remedy{rem(grievance.RemedyAccepted), rem(grievance.RemedyContested)}, false, "", kernel.Conflict, "2 remedies are still open"},
		{"confirming needs a reason", grievance.StageClosed, []grievance.Remedy{rem(grievance.RemedyProposed)}, true, "  ", kernel.Invalid, "say in the note why"},
		{"confirmed with a reason closes", grievance.StageClosed, []grievance.Remedy{rem(grievance.RemedyProposed)}, true, "reporter unreachable for 60 days", "", ""},
		{"other moves are not held up", grievance.StageRemediation, []grievance.Remedy{rem(grievance.RemedyProposed)}, false, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := grievance.CheckOpenRemedies(tt.to, tt.rems, tt.confirmed, tt.note)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				return
			}
			if !kernel.IsCode(err, tt.code) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %s containing %q", err, tt.code, tt.want)
			}
		})
	}
}
