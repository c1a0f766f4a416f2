package grievance_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/vault"
)

type env struct {
	svc      *grievance.Service
	store    *memStore
	clock    *kernel.FixedClock
	vault    *vault.Vault
	auditLog *auditLog
	org      grievance.OrgKeys
	recovery string // printed recovery key
	alice    grievance.Handler
	aliceLck []byte
}

type auditLog struct {
	mu   sync.Mutex
	recs []audit.Record
}

func (a *auditLog) add(_ context.Context, r audit.Record) error {
	if err := r.Validate(); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.recs = append(a.recs, r)
	return nil
}

func (a *auditLog) actions() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, r := range a.recs {
		out = append(out, r.Action)
	}
	return out
}

func newEnv(t *testing.T) *env {
	t.Helper()
	rnd := seeded(7)
	v, err := vault.New(vault.TestParams(), rnd)
	if err != nil {
		t.Fatal(err)
	}
	clock := &kernel.FixedClock{T: time.Date(2026, 11, 2, 14, 37, 12, 0, time.UTC)}
	th, _ := grievance.NewThrottle(grievance.DefaultThrottle(), clock)
	st := newMemStore()
	al := &auditLog{}
	svc, err := grievance.NewService(grievance.Config{Vault: v, Store: st, Throttle: th, Clock: clock, Rand: rnd, Audit: al.add})
	if err != nil {
		t.Fatal(err)
	}
	rec, printed, _ := v.NewRecoveryKey()
	pub, locked, _ := v.NewHandlerKey([]byte("alice password"))
	ak, _ := v.UnlockKey(locked, []byte("alice password"))
	return &env{
		svc: svc, store: st, clock: clock, vault: v, auditLog: al, recovery: printed,
		org:   grievance.OrgKeys{OrgID: "org-1", Recovery: rec.Public(), Handlers: map[string]vault.PublicKey{"alice": pub}},
		alice: grievance.Handler{UserID: "alice", Key: ak}, aliceLck: locked,
	}
}

func submission(narrative string) grievance.Submission {
	return grievance.Submission{
		Triage:    grievance.Triage{Categories: []grievance.Category{grievance.RetentionOfDocuments, grievance.WithholdingOfWages}, Country: "MY", Channel: grievance.ChannelWeb},
		Narrative: narrative,
		Contact:   "CANARY-CONTACT +60 12 345 6789",
		Identity:  "CANARY-IDENTITY Siti binti Ahmad",
		Attachments: []grievance.Attachment{
			{Name: "CANARY-FILENAME.jpg", MediaType: "image/jpeg", Content: testJPEG("CANARY-ATTACHMENT-BYTES")},
		},
	}
}

func TestSubmitAndFollowUp(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	rc, rep, err := e.svc.Submit(ctx, e.org, submission("CANARY-NARRATIVE they keep our passports"))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Triage.Received.String() != "2026-11-02" || rep.Case.Stage != grievance.StageReceived {
		t.Fatalf("stored report %+v", rep)
	}
	if d := e.svc.Deadline(rep); d.Due.String() != "2026-11-09" {
		t.Fatalf("due %s", d.Due)
	}
	if len(e.auditLog.recs) != 0 {
		t.Fatal("reporter action audited (audit entries carry precise times)")
	}

	rs, err := e.svc.OpenWithReceipt(ctx, "org-1", rc)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	view, err := rs.View(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if view.Narrative != "CANARY-NARRATIVE they keep our passports" || view.Stage != grievance.StageReceived || view.Deadline.Due.String() != "2026-11-09" {
		t.Fatalf("view %+v", view)
	}
	if err := rs.AddMessage(ctx, "CANARY-FOLLOWUP they also took my phone"); err != nil {
		t.Fatal(err)
	}

	// The receipt typed in Arabic-Indic digits opens it too.
	arabic := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '٠' + (r - '0')
		}
		return r
	}, rc.Display())
	rc2, err := grievance.ParseReceipt(arabic)
	if err != nil {
		t.Fatal(err)
	}
	if rs2, err := e.svc.OpenWithReceipt(ctx, "org-1", rc2); err != nil {
		t.Fatalf("Arabic-Indic receipt: %v", err)
	} else {
		rs2.Close()
	}

	// No canary string is anywhere in storage.
	dump := e.store.dump()
	for _, canary := range []string{"CANARY", "passports", "Siti", "345 6789", ".jpg", "image/jpeg"} {
		if bytes.Contains(dump, []byte(canary)) {
			t.Errorf("%q stored in clear", canary)
		}
	}
	// Nor is the receipt's secret.
	if bytes.Contains(dump, []byte(strings.ReplaceAll(rc.Display(), "-", "")[grievance.LocatorDigits:])) {
		t.Error("receipt secret stored")
	}
}

func TestWrongReceiptsAreIndistinguishable(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	rc, _, err := e.svc.Submit(ctx, e.org, submission("x"))
	if err != nil {
		t.Fatal(err)
	}
	d := []byte(strings.ReplaceAll(rc.Display(), "-", ""))
	wrongSecret := bytes.Clone(d)
	wrongSecret[19] = '0' + (wrongSecret[19]-'0'+1)%10
	otherLocator := bytes.Clone(d)
	otherLocator[0] = '0' + (otherLocator[0]-'0'+1)%10
	cases := []struct{ name, org, receipt string }{
		{"wrong secret", "org-1", string(wrongSecret)},
		{"unknown locator", "org-1", string(otherLocator)},
		{"unknown organisation", "no-such-org", string(d)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := grievance.ParseReceipt(c.receipt)
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.svc.OpenWithReceipt(ctx, c.org, r)
			if err != grievance.ErrReceiptNotRecognised {
				t.Fatalf("got %v", err)
			}
		})
	}
	if _, err := e.svc.OpenWithReceipt(ctx, "org-1", grievance.Receipt{}); err != grievance.ErrReceiptNotRecognised {
		t.Fatalf("zero receipt: %v", err)
	}
}

func TestReceiptGuessingIsThrottled(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	rc, _, _ := e.svc.Submit(ctx, e.org, submission("x"))
	d := []byte(strings.ReplaceAll(rc.Display(), "-", ""))
	var lastErr error
	for i := range 10 {
		g := bytes.Clone(d)
		copy(g[grievance.LocatorDigits:], fmt.Sprintf("%0*d", grievance.SecretDigits, i))
		r, _ := grievance.ParseReceipt(string(g))
		_, lastErr = e.svc.OpenWithReceipt(ctx, "org-1", r)
	}
	if !errors.Is(lastErr, grievance.ErrTooManyAttempts) {
		t.Fatalf("guessing not throttled: %v", lastErr)
	}
	// While throttled, even the right receipt waits; nothing is revealed.
	if _, err := e.svc.OpenWithReceipt(ctx, "org-1", rc); !errors.Is(err, grievance.ErrTooManyAttempts) {
		t.Fatalf("right receipt during lockout: %v", err)
	}
	e.clock.Advance(time.Hour)
	rs, err := e.svc.OpenWithReceipt(ctx, "org-1", rc)
	if err != nil {
		t.Fatalf("after waiting: %v", err)
	}
	rs.Close()
}

// TestSharedLocatorsOpenByTheSecret: reports may share a locator; each
// receipt opens its own report and no other, and intake moves a new report
// to a locator nobody uses when it can.
func TestSharedLocatorsOpenByTheSecret(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	rc1, rep1, err := e.svc.Submit(ctx, e.org, submission("first"))
	if err != nil {
		t.Fatal(err)
	}
	// A second report forced onto the same locator, as a flood would.
	rc2, rep2, err := e.svc.SubmitOnLocator(ctx, e.org, submission("second"), rc1.Locator())
	if err != nil {
		t.Fatal(err)
	}
	if rc2.Locator() != rc1.Locator() || rep2.Locator != rep1.Locator {
		t.Fatal("the test needs both reports on one locator")
	}
	for want, rc := range map[string]grievance.Receipt{rep1.ID: rc1, rep2.ID: rc2} {
		rs, err := e.svc.OpenWithReceipt(ctx, "org-1", rc)
		if err != nil {
			t.Fatalf("open %s: %v", rc, err)
		}
		if got := rs.ReportID(); got != want {
			t.Fatalf("receipt %s opened report %s, want %s", rc, got, want)
		}
		rs.Close()
	}
	// Without a forced locator intake avoids the used one.
	rc3, _, err := e.svc.Submit(ctx, e.org, submission("third"))
	if err != nil {
		t.Fatal(err)
	}
	if rc3.Locator() == rc1.Locator() {
		t.Fatal("intake chose a locator in use while free ones were drawn")
	}
}

func TestSubmitRejectsBadInput(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name string
		edit func(*grievance.Submission)
	}{
		{"no category", func(s *grievance.Submission) { s.Triage.Categories = nil }},
		{"unknown category", func(s *grievance.Submission) { s.Triage.Categories = []grievance.Category{"x"} }},
		{"bad country", func(s *grievance.Submission) { s.Triage.Country = "Malaysia" }},
		{"bad supplier", func(s *grievance.Submission) { s.Triage.SupplierID = "'; drop table" }},
		{"bad channel", func(s *grievance.Submission) { s.Triage.Channel = "fax" }},
		{"empty", func(s *grievance.Submission) { s.Narrative = ""; s.Attachments = nil }},
		{"too long", func(s *grievance.Submission) { s.Narrative = strings.Repeat("x", grievance.MaxNarrativeBytes+1) }},
		{"invalid UTF-8", func(s *grievance.Submission) { s.Contact = "\xff\xfe" }},
		{"huge file", func(s *grievance.Submission) {
			s.Attachments = []grievance.Attachment{{Name: "a", Content: make([]byte, grievance.MaxAttachmentBytes+1)}}
		}},
		{"empty file", func(s *grievance.Submission) { s.Attachments = []grievance.Attachment{{Name: "a"}} }},
		{"zero byte in name", func(s *grievance.Submission) {
			s.Attachments = []grievance.Attachment{{Name: "a\x00b", Content: []byte("x")}}
		}},
		{"too many files", func(s *grievance.Submission) {
			for range 6 {
				s.Attachments = append(s.Attachments, grievance.Attachment{Name: "a", Content: []byte("x")})
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := submission("text")
			c.edit(&s)
			if _, _, err := e.svc.Submit(context.Background(), e.org, s); !kernel.IsCode(err, kernel.Invalid) {
				t.Fatalf("got %v", err)
			}
			if len(e.store.reports) != 0 {
				t.Fatal("something was stored")
			}
		})
	}
}

// TestCaseToClosure works a case from intake to closure with remedy, with
// the reporter following up, and checks the audit trail.
func TestCaseToClosure(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	rc, rep, _ := e.svc.Submit(ctx, e.org, submission("CANARY-NARRATIVE"))

	hs, err := e.svc.OpenAsHandler(ctx, "org-1", rep.ID, e.alice)
	if err != nil {
		t.Fatal(err)
	}
	defer hs.Close()
	v, err := hs.View(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v.Opened.Narrative != "CANARY-NARRATIVE" || v.Opened.Identity != "CANARY-IDENTITY Siti binti Ahmad" || len(v.Attachments) != 1 || v.Attachments[0].Name != "CANARY-FILENAME.jpg" {
		t.Fatalf("handler view %+v", v)
	}
	info, body, err := hs.Attachment(ctx, v.Attachments[0].ID)
	if err != nil || !bytes.Equal(body, testJPEG("CANARY-ATTACHMENT-BYTES")) || info.MediaType != "image/jpeg" {
		t.Fatalf("attachment: %v %q", err, body)
	}

	step := func(to grievance.Stage, reason grievance.Reason, note string) {
		t.Helper()
		e.clock.Advance(24 * time.Hour)
		if err := hs.Move(ctx, to, reason, note); err != nil {
			t.Fatalf("move to %s: %v", to, err)
		}
	}
	step(grievance.StageAcknowledged, "", "")
	if err := hs.Reply(ctx, "CANARY-REPLY we have received your report", false); err != nil {
		t.Fatal(err)
	}
	step(grievance.StageInvestigating, "", "CANARY-NOTE visited the site")
	step(grievance.StageRemediation, "", "")
	if err := hs.Move(ctx, grievance.StageClosed, grievance.ReasonResolved, ""); !kernel.IsCode(err, kernel.Invalid) {
		t.Fatalf("closed without remedy: %v", err)
	}
	rem, err := hs.ProposeRemedy(ctx, grievance.RemedyDocumentReturn, grievance.Money{}, "CANARY-REMEDY passports returned to every worker")
	if err != nil {
		t.Fatal(err)
	}

	// The reporter sees the reply and the remedy, not the internal note.
	rs, err := e.svc.OpenWithReceipt(ctx, "org-1", rc)
	if err != nil {
		t.Fatal(err)
	}
	rv, err := rs.View(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rv.Thread) != 1 || rv.Thread[0].Body != "CANARY-REPLY we have received your report" || rv.Thread[0].Handler != "" {
		t.Fatalf("reporter thread %+v", rv.Thread)
	}
	if len(rv.Remedies) != 1 || rv.Remedies[0].DescriptionText != "CANARY-REMEDY passports returned to every worker" || rv.Remedies[0].ProposedBy != "" {
		t.Fatalf("reporter remedies %+v", rv.Remedies)
	}
	if rv.Stage != grievance.StageRemediation {
		t.Fatalf("stage %s", rv.Stage)
	}
	if err := rs.RespondToRemedy(ctx, rem.ID, false, ""); !kernel.IsCode(err, kernel.Invalid) {
		t.Fatalf("contest without comment: %v", err)
	}
	if err := rs.RespondToRemedy(ctx, rem.ID, true, "CANARY-COMMENT thank you"); err != nil {
		t.Fatal(err)
	}
	rs.Close()

	if _, err := hs.ImplementRemedy(ctx, rem.ID); err != nil {
		t.Fatal(err)
	}
	step(grievance.StageClosed, grievance.ReasonResolved, "")

	v, _ = hs.View(ctx)
	if v.Report.Case.Stage != grievance.StageClosed || len(v.History) != 4 || len(v.Thread) != 2 {
		t.Fatalf("final %+v history %d thread %d", v.Report.Case, len(v.History), len(v.Thread))
	}
	if v.Remedies[0].CommentText != "CANARY-COMMENT thank you" || v.Remedies[0].Status != grievance.RemedyImplemented {
		t.Fatalf("remedy %+v", v.Remedies[0])
	}

	want := []string{
		grievance.ActionKeyUnwrap, grievance.ActionReportView, grievance.ActionAttachmentView,
		grievance.ActionStageChange, grievance.ActionMessageAdd, grievance.ActionStageChange,
		grievance.ActionStageChange, grievance.ActionRemedyChange, grievance.ActionRemedyChange,
		grievance.ActionStageChange, grievance.ActionReportView,
	}
	if got := e.auditLog.actions(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("audit trail\n got %v\nwant %v", got, want)
	}
	for _, r := range e.auditLog.recs {
		if strings.Contains(fmt.Sprint(r), "CANARY") {
			t.Fatalf("audit record holds content: %+v", r)
		}
	}
	dump := e.store.dump()
	if bytes.Contains(dump, []byte("CANARY")) {
		t.Fatal("canary stored in clear")
	}
}

func TestOnlyHandlersOpenReports(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	_, rep, _ := e.svc.Submit(ctx, e.org, submission("x"))
	admin, _ := e.vault.NewKeyPair()
	if _, err := e.svc.OpenAsHandler(ctx, "org-1", rep.ID, grievance.Handler{UserID: "admin", Key: admin}); !kernel.IsCode(err, kernel.Forbidden) {
		t.Fatalf("admin without a key: %v", err)
	}
	if _, err := e.svc.OpenAsHandler(ctx, "org-2", rep.ID, e.alice); !kernel.IsCode(err, kernel.NotFound) {
		t.Fatalf("other organisation: %v", err)
	}
	// Alice's key under another user id opens nothing.
	if _, err := e.svc.OpenAsHandler(ctx, "org-1", rep.ID, grievance.Handler{UserID: "mallory", Key: e.alice.Key}); !kernel.IsCode(err, kernel.Forbidden) {
		t.Fatalf("borrowed key: %v", err)
	}
	if _, err := e.svc.OpenAsHandler(ctx, "org-1", rep.ID, grievance.Handler{UserID: "alice"}); !kernel.IsCode(err, kernel.Unauthorised) {
		t.Fatalf("no key: %v", err)
	}

	// Alice grants Bob, then revokes him.
	hs, _ := e.svc.OpenAsHandler(ctx, "org-1", rep.ID, e.alice)
	defer hs.Close()
	bob, _ := e.vault.NewKeyPair()
	if err := hs.Grant(ctx, "bob", bob.Public()); err != nil {
		t.Fatal(err)
	}
	bs, err := e.svc.OpenAsHandler(ctx, "org-1", rep.ID, grievance.Handler{UserID: "bob", Key: bob})
	if err != nil {
		t.Fatalf("bob after grant: %v", err)
	}
	bs.Close()
	if err := hs.Revoke(ctx, "bob"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.OpenAsHandler(ctx, "org-1", rep.ID, grievance.Handler{UserID: "bob", Key: bob}); !kernel.IsCode(err, kernel.Forbidden) {
		t.Fatalf("bob after revoke: %v", err)
	}
}

func TestLostPasswordRecovery(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	_, rep, _ := e.svc.Submit(ctx, e.org, submission("CANARY-NARRATIVE"))
	// Alice forgets her password: her locked key cannot be opened.
	if _, err := e.vault.UnlockKey(e.aliceLck, []byte("a guess")); !errors.Is(err, vault.ErrWrongKey) {
		t.Fatal(err)
	}
	// She gets a new key pair; without the recovery key it opens nothing.
	pub, locked, _ := e.vault.NewHandlerKey([]byte("new password"))
	k, _ := e.vault.UnlockKey(locked, []byte("new password"))
	newAlice := grievance.Handler{UserID: "alice", Key: k}
	if _, err := e.svc.OpenAsHandler(ctx, "org-1", rep.ID, newAlice); err == nil {
		t.Fatal("new key opens the report before recovery")
	}
	rec, err := vault.ParseRecoveryKey(e.recovery)
	if err != nil {
		t.Fatal(err)
	}
	n, err := e.svc.Recover(ctx, "org-1", "admin", []string{rep.ID, "unknown"}, rec, "alice", pub)
	if err != nil || n != 1 {
		t.Fatalf("recover: %d %v", n, err)
	}
	hs, err := e.svc.OpenAsHandler(ctx, "org-1", rep.ID, newAlice)
	if err != nil {
		t.Fatal(err)
	}
	defer hs.Close()
	v, _ := hs.View(ctx)
	if v.Opened.Narrative != "CANARY-NARRATIVE" {
		t.Fatal("recovered report does not read")
	}
	// A wrong recovery key restores nothing.
	other, _, _ := e.vault.NewRecoveryKey()
	if _, err := e.svc.Recover(ctx, "org-1", "admin", []string{rep.ID}, other, "bob", pub); !kernel.IsCode(err, kernel.Unauthorised) {
		t.Fatalf("wrong recovery key: %v", err)
	}
}

func TestPurge(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	rc, rep, _ := e.svc.Submit(ctx, e.org, submission("x"))
	if err := e.svc.Purge(ctx, "org-1", rep.ID, "retention-job"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.OpenWithReceipt(ctx, "org-1", rc); err != grievance.ErrReceiptNotRecognised {
		t.Fatalf("receipt after purge: %v", err)
	}
	if _, err := e.svc.OpenAsHandler(ctx, "org-1", rep.ID, e.alice); !kernel.IsCode(err, kernel.Forbidden) {
		t.Fatalf("handler after purge: %v", err)
	}
	rec, _ := vault.ParseRecoveryKey(e.recovery)
	if n, err := e.svc.Recover(ctx, "org-1", "admin", []string{rep.ID}, rec, "alice", e.alice.Key.Public()); err != nil || n != 0 {
		t.Fatalf("recovery after purge: %d %v", n, err)
	}
	if err := e.svc.Purge(ctx, "org-1", "no-such-report", "x"); !kernel.IsCode(err, kernel.NotFound) {
		t.Fatalf("unknown report: %v", err)
	}
}

func TestConsentAndOverride(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	sub := submission("x")
	sub.Consents = []grievance.Consent{{Purpose: grievance.PurposeShareSupplier, Granted: true}}
	rc, rep, err := e.svc.Submit(ctx, e.org, sub)
	if err != nil {
		t.Fatal(err)
	}
	hs, _ := e.svc.OpenAsHandler(ctx, "org-1", rep.ID, e.alice)
	defer hs.Close()
	if err := hs.Authorise(ctx, grievance.PurposeShareSupplier, ""); err != nil {
		t.Fatalf("consented purpose: %v", err)
	}
	if err := hs.Authorise(ctx, grievance.PurposeReferral, ""); !kernel.IsCode(err, kernel.Forbidden) {
		t.Fatalf("referral without consent: %v", err)
	}
	if err := hs.Authorise(ctx, grievance.PurposeReferral, grievance.OverrideRiskToLife); err != nil {
		t.Fatalf("override: %v", err)
	}
	last := e.auditLog.recs[len(e.auditLog.recs)-1]
	if last.Action != grievance.ActionConsentOver || last.Detail["override"] != "risk_to_life" || last.Detail["purpose"] != "referral" {
		t.Fatalf("override audit %+v", last)
	}
	// The reporter withdraws consent to share with the supplier.
	e.clock.Advance(48 * time.Hour)
	rs, _ := e.svc.OpenWithReceipt(ctx, "org-1", rc)
	if err := rs.SetConsent(ctx, grievance.PurposeShareSupplier, false); err != nil {
		t.Fatal(err)
	}
	rs.Close()
	if err := hs.Authorise(ctx, grievance.PurposeShareSupplier, ""); !kernel.IsCode(err, kernel.Forbidden) {
		t.Fatalf("after withdrawal: %v", err)
	}
	bad := submission("x")
	bad.Consents = []grievance.Consent{{Purpose: "marketing", Granted: true}}
	if _, _, err := e.svc.Submit(ctx, e.org, bad); !kernel.IsCode(err, kernel.Invalid) {
		t.Fatalf("unknown purpose: %v", err)
	}
}

// testJPEG is a JPEG whose only content, in a segment the metadata stripper
// keeps, is extra: enough for tests of storage and encryption.
func testJPEG(extra string) []byte {
	b := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0}
	n := len(extra) + 2
	b = append(b, 0xFF, 0xDB, byte(n>>8), byte(n))
	b = append(b, extra...)
	return append(b, 0xFF, 0xD9)
}
