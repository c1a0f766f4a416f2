package grievance_test

import (
	"context"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
)

// TestMoveAsHandlerWithoutKey: a handler of the case moves its stage
// without presenting a key, under the workflow's rules, audited as a
// stage change made without the key; someone who is not its handler is
// refused, and closing with open remedies, which needs a sealed note, is
// left to the keyed path.
func TestMoveAsHandlerWithoutKey(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	_, rep, err := e.svc.Submit(ctx, e.org, submission("CANARY-NARRATIVE"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.MoveAsHandler(ctx, "org-1", rep.ID, "mallory", grievance.StageAcknowledged, ""); !kernel.IsCode(err, kernel.Forbidden) {
		t.Fatalf("not a handler of the case: %v", err)
	}
	if _, err := e.svc.MoveAsHandler(ctx, "org-2", rep.ID, "alice", grievance.StageAcknowledged, ""); !kernel.IsCode(err, kernel.NotFound) {
		t.Fatalf("another organisation's case: %v", err)
	}
	if _, err := e.svc.MoveAsHandler(ctx, "org-1", rep.ID, "alice", grievance.StageClosed, grievance.ReasonResolved); !kernel.IsCode(err, kernel.Invalid) {
		t.Fatalf("a move the workflow refuses: %v", err)
	}
	before := len(e.auditLog.recs)
	e.clock.Advance(24 * time.Hour)
	r, err := e.svc.MoveAsHandler(ctx, "org-1", rep.ID, "alice", grievance.StageAcknowledged, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Case.Stage != grievance.StageAcknowledged {
		t.Fatalf("stage %s", r.Case.Stage)
	}
	recs := e.auditLog.recs[before:]
	if len(recs) != 1 || recs[0].Action != grievance.ActionStageChange || recs[0].Actor != "alice" || recs[0].Detail["key"] != "not presented" ||
		recs[0].Detail["from"] != string(grievance.StageReceived) || recs[0].Detail["to"] != string(grievance.StageAcknowledged) {
		t.Fatalf("audit %+v", recs)
	}
	// No key was unwrapped and nothing was opened.
	for _, rec := range recs {
		if rec.Action == grievance.ActionKeyUnwrap || rec.Action == grievance.ActionReportView {
			t.Errorf("the keyless move opened the case: %+v", rec)
		}
	}

	// A case in remediation with an open remedy is closed only with a
	// note saying why, which is sealed: the keyless path refuses it.
	hs, err := e.svc.OpenAsHandler(ctx, "org-1", rep.ID, e.alice)
	if err != nil {
		t.Fatal(err)
	}
	defer hs.Close()
	for _, to := range []grievance.Stage{grievance.StageInvestigating, grievance.StageRemediation} {
		if _, err := e.svc.MoveAsHandler(ctx, "org-1", rep.ID, "alice", to, ""); err != nil {
			t.Fatalf("to %s: %v", to, err)
		}
	}
	hs, err = e.svc.OpenAsHandler(ctx, "org-1", rep.ID, e.alice)
	if err != nil {
		t.Fatal(err)
	}
	defer hs.Close()
	if _, err := hs.ProposeRemedy(ctx, grievance.RemedyDocumentReturn, grievance.Money{}, "passports returned"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.MoveAsHandler(ctx, "org-1", rep.ID, "alice", grievance.StageClosed, grievance.ReasonWithdrawn); !kernel.IsCode(err, kernel.Conflict) {
		t.Fatalf("closed with an open remedy and no note: %v", err)
	}
	// With the key and a note, it closes.
	if err := hs.MoveConfirmed(ctx, grievance.StageClosed, grievance.ReasonWithdrawn, "the reporter asked to stop"); err != nil {
		t.Fatal(err)
	}
}
