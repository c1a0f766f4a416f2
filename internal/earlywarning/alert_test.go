package earlywarning_test

import (
	"testing"
	"time"

	ew "github.com/upstream-platform/upstream/internal/earlywarning"
	"github.com/upstream-platform/upstream/internal/kernel"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func trigger(sev ew.Severity) ew.Trigger {
	return ew.Trigger{
		OrgID: "org1", Key: "anomaly/party:p1", Kind: ew.KindGrievanceCount,
		Subject: ew.Subject{Kind: ew.SubjectParty, ID: "p1"}, Detector: "cusum",
		Severity: sev, Score: 6.2, At: t0, Source: "earlywarning:cusum",
	}
}

func mustRaise(t *testing.T, cur *ew.Alert, tr ew.Trigger, now time.Time) (ew.Alert, ew.Change) {
	t.Helper()
	a, ch, err := ew.Raise(cur, tr, now)
	if err != nil {
		t.Fatal(err)
	}
	return a, ch
}

func TestRaiseDeduplicates(t *testing.T) {
	a, ch := mustRaise(t, nil, trigger(ew.SeverityMedium), t0)
	if ch != ew.ChangeCreated || a.State != ew.StateOpen || a.Occurrences != 1 || !kernel.ValidID(a.ID) {
		t.Fatalf("new alert: %v %+v", ch, a)
	}
	b, ch := mustRaise(t, &a, trigger(ew.SeverityLow), t0.Add(time.Hour))
	if ch != ew.ChangeRepeated || b.ID != a.ID || b.Occurrences != 2 || b.Severity != ew.SeverityMedium {
		t.Fatalf("repeat: %v %+v", ch, b)
	}
	b, err := b.Acknowledge("u1", t0.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	b, err = b.Snooze(t0.Add(48*time.Hour), t0.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	c, ch := mustRaise(t, &b, trigger(ew.SeverityHigh), t0.Add(3*time.Hour))
	if ch != ew.ChangeEscalated || c.State != ew.StateOpen || c.Severity != ew.SeverityHigh || c.AcknowledgedBy != "" || !c.SnoozedUntil.IsZero() {
		t.Fatalf("escalation must reopen and end the snooze: %v %+v", ch, c)
	}
	if !ew.ShouldNotify(c, ch, t0.Add(3*time.Hour)) {
		t.Error("escalation not notified")
	}
	r, err := c.Resolve("u1", "supplier audited; remediation plan agreed", t0.Add(4*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	d, ch := mustRaise(t, &r, trigger(ew.SeverityLow), t0.Add(5*time.Hour))
	if ch != ew.ChangeCreated || d.ID == r.ID {
		t.Fatalf("a trigger after resolution must open a new alert: %v %+v", ch, d)
	}
	other := trigger(ew.SeverityLow)
	other.Key = "anomaly/party:p2"
	if _, _, err := ew.Raise(&a, other, t0); !kernel.IsCode(err, kernel.Invalid) {
		t.Errorf("raise against another key: %v", err)
	}
	bad := trigger("urgent")
	if _, _, err := ew.Raise(nil, bad, t0); err == nil || err.Error() != `trigger severity: "urgent" is not one of low, medium, high, critical` {
		t.Errorf("bad severity: %v", err)
	}
}

func TestAlertTransitions(t *testing.T) {
	open, _ := mustRaise(t, nil, trigger(ew.SeverityMedium), t0)
	acked, _ := open.Acknowledge("u1", t0)
	resolved, _ := open.Resolve("u1", "false alarm: duplicate import", t0)
	now := t0.Add(time.Hour)
	tests := []struct {
		name  string
		do    func() (ew.Alert, error)
		code  kernel.Code
		state ew.State
	}{
		{"acknowledge open", func() (ew.Alert, error) { return open.Acknowledge("u2", now) }, "", ew.StateAcknowledged},
		{"acknowledge twice", func() (ew.Alert, error) { return acked.Acknowledge("u2", now) }, kernel.Conflict, ""},
		{"acknowledge resolved", func() (ew.Alert, error) { return resolved.Acknowledge("u2", now) }, kernel.Conflict, ""},
		{"acknowledge without user", func() (ew.Alert, error) { return open.Acknowledge(" ", now) }, kernel.Invalid, ""},
		{"resolve open", func() (ew.Alert, error) { return open.Resolve("u2", "done", now) }, "", ew.StateResolved},
		{"resolve acknowledged", func() (ew.Alert, error) { return acked.Resolve("u2", "done", now) }, "", ew.StateResolved},
		{"resolve twice", func() (ew.Alert, error) { return resolved.Resolve("u2", "done", now) }, kernel.Conflict, ""},
		{"resolve without note", func() (ew.Alert, error) { return open.Resolve("u2", "", now) }, kernel.Invalid, ""},
		{"assign open", func() (ew.Alert, error) { return open.Assign("u3", now) }, "", ew.StateOpen},
		{"assign acknowledged", func() (ew.Alert, error) { return acked.Assign("u3", now) }, "", ew.StateAcknowledged},
		{"assign resolved", func() (ew.Alert, error) { return resolved.Assign("u3", now) }, kernel.Conflict, ""},
		{"snooze a day", func() (ew.Alert, error) { return open.Snooze(now.Add(24*time.Hour), now) }, "", ew.StateOpen},
		{"snooze into the past", func() (ew.Alert, error) { return open.Snooze(now.Add(-time.Minute), now) }, kernel.Invalid, ""},
		{"snooze a year", func() (ew.Alert, error) { return open.Snooze(now.AddDate(1, 0, 0), now) }, kernel.Invalid, ""},
		{"snooze resolved", func() (ew.Alert, error) { return resolved.Snooze(now.Add(time.Hour), now) }, kernel.Conflict, ""},
		{"end snooze", func() (ew.Alert, error) { return open.Snooze(time.Time{}, now) }, "", ew.StateOpen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.do()
			if tt.code != "" {
				if !kernel.IsCode(err, tt.code) {
					t.Fatalf("error %v, want code %s", err, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.State != tt.state || !got.UpdatedAt.Equal(now) {
				t.Errorf("state %s updated %s, want %s at %s", got.State, got.UpdatedAt, tt.state, now)
			}
		})
	}
}

func TestSnoozeSilencesNotifications(t *testing.T) {
	a, ch := mustRaise(t, nil, trigger(ew.SeverityMedium), t0)
	if !ew.ShouldNotify(a, ch, t0) {
		t.Fatal("a new alert must be notified")
	}
	a, _ = a.Snooze(t0.Add(24*time.Hour), t0)
	b, ch := mustRaise(t, &a, trigger(ew.SeverityMedium), t0.Add(time.Hour))
	if ch != ew.ChangeRepeated || ew.ShouldNotify(b, ch, t0.Add(time.Hour)) {
		t.Error("a repeat is never notified")
	}
	if !b.Snoozed(t0.Add(23*time.Hour)) || b.Snoozed(t0.Add(24*time.Hour)) {
		t.Error("snooze must last until, and not including, its end")
	}
	if ew.ShouldNotify(b, ew.ChangeCreated, t0.Add(time.Hour)) {
		t.Error("nothing is notified while snoozed")
	}
}

func TestParseSeverity(t *testing.T) {
	for in, want := range map[string]ew.Severity{"low": ew.SeverityLow, " High ": ew.SeverityHigh, "CRITICAL": ew.SeverityCritical} {
		if got, err := ew.ParseSeverity(in); err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ew.ParseSeverity("severe"); !kernel.IsCode(err, kernel.Invalid) {
		t.Errorf("severe: %v", err)
	}
}
