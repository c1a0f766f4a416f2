package grievance

import (
	"context"
	"errors"
	"io"
	"slices"
	"unicode/utf8"

	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/filemeta"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/vault"
)

// AuditFunc writes a staff action to the audit log (normally audit.Append
// bound to the audit store and clock).
type AuditFunc func(ctx context.Context, r audit.Record) error

// Config wires a Service.
type Config struct {
	Vault    *vault.Vault
	Store    Store
	Throttle *Throttle
	Clock    kernel.Clock
	Rand     io.Reader // crypto/rand.Reader in production
	Targets  Targets
	Audit    AuditFunc
	// Admission bounds the requests waiting for key stretching (default
	// DefaultAdmissionQueue).
	Admission *Admission
}

// Service runs intake, reporter follow-up and case handling over a Store.
// Reporter actions are never audited: an audit entry carries a precise time,
// which is reporter metadata. Every handler action that reveals or changes a
// case is audited before it takes effect or returns data.
type Service struct{ cfg Config }

// NewService checks the configuration.
func NewService(cfg Config) (*Service, error) {
	if cfg.Vault == nil || cfg.Store == nil || cfg.Throttle == nil || cfg.Clock == nil || cfg.Rand == nil || cfg.Audit == nil {
		return nil, kernel.Errorf(kernel.Invalid, "grievance service needs a vault, store, throttle, clock, randomness and audit log")
	}
	if cfg.Admission == nil {
		cfg.Admission = NewAdmission(DefaultAdmissionQueue)
	}
	if cfg.Targets.Days == nil {
		cfg.Targets = DefaultTargets()
	}
	if err := cfg.Targets.Validate(); err != nil {
		return nil, err
	}
	return &Service{cfg: cfg}, nil
}

// Targets returns the response-time targets in use.
func (s *Service) Targets() Targets { return s.cfg.Targets }

// Deadline is the report's due date and escalation today.
func (s *Service) Deadline(r Report) Deadline {
	return s.cfg.Targets.Deadline(r.Case, Today(s.cfg.Clock))
}

// OrgKeys are the public keys a new report of an organisation is wrapped
// to: its recovery key and the handlers who receive new reports.
type OrgKeys struct {
	OrgID    string
	Recovery vault.PublicKey
	Handlers map[string]vault.PublicKey // by user id
}

// locatorChoices is how many locators intake draws for a new report; it
// takes the first that no live report uses, or else the least used. With a
// million locators a follow-up then checks one verifier until an
// organisation holds millions of live reports, and even then only a few.
const locatorChoices = 4

// Submit seals and stores a new report and returns the receipt to show the
// reporter once, with the stored report. The submission is only in memory;
// nothing about the reporter but the clear triage fields and the day is
// kept.
//
// A submission waits its turn for the key-stretching work behind a bounded
// queue; when the queue is full it returns ErrBusy at once, having stored
// nothing, so a flood slows no genuine reporter by more than the queue and
// a receipt is shown only for a report durably stored.
func (s *Service) Submit(ctx context.Context, org OrgKeys, sub Submission) (Receipt, Report, error) {
	return s.submit(ctx, org, sub, "")
}

func (s *Service) submit(ctx context.Context, org OrgKeys, sub Submission, locator string) (Receipt, Report, error) {
	if org.OrgID == "" {
		return Receipt{}, Report{}, kernel.Errorf(kernel.Invalid, "no organisation")
	}
	sub.Triage.Received = Today(s.cfg.Clock)
	sub.Consents = slices.Clone(sub.Consents)
	for i := range sub.Consents {
		sub.Consents[i].Day = sub.Triage.Received
	}
	if sub.Triage.Severity == "" {
		sub.Triage.Severity = SeverityUnassessed
	}
	if err := sub.Validate(); err != nil {
		return Receipt{}, Report{}, err
	}
	clean, err := stripAttachments(sub.Attachments)
	if err != nil {
		return Receipt{}, Report{}, err
	}
	sub.Attachments = clean
	v := s.cfg.Vault
	id := kernel.NewRandomID()
	dk, err := v.NewDataKey()
	if err != nil {
		return Receipt{}, Report{}, err
	}
	defer dk.Wipe()
	rc, err := NewReceipt(s.cfg.Rand)
	if err != nil {
		return Receipt{}, Report{}, err
	}
	release, err := s.cfg.Admission.Enter()
	if err != nil {
		return Receipt{}, Report{}, err
	}
	verifier, rk, err := v.NewReceiptVerifier(rc.kdfInput())
	release()
	if err != nil {
		return Receipt{}, Report{}, err
	}
	defer rk.Wipe()
	if locator != "" {
		rc = rc.onLocator(locator)
	} else if rc, err = s.leastUsedLocator(ctx, org.OrgID, rc); err != nil {
		return Receipt{}, Report{}, err
	}

	r := Report{ID: id, OrgID: org.OrgID, Locator: rc.Locator(), Triage: sub.Triage, Case: NewCase(sub.Triage.Received)}
	// Contact and identity are sealed even when empty, so their presence is
	// not visible either.
	for _, f := range []struct {
		col string
		v   string
		dst *[]byte
	}{
		{ColumnNarrative, sub.Narrative, &r.Narrative},
		{ColumnContact, sub.Contact, &r.Contact},
		{ColumnIdentity, sub.Identity, &r.Identity},
	} {
		ct, err := s.seal(dk, TableReport, f.col, id, []byte(f.v), textBlock)
		if err != nil {
			return Receipt{}, Report{}, err
		}
		*f.dst = ct
	}
	atts := make([]SealedAttachment, 0, len(sub.Attachments))
	for _, a := range sub.Attachments {
		sa := SealedAttachment{ID: kernel.NewRandomID(), ReportID: id}
		if sa.Meta, err = s.seal(dk, TableAttachment, ColumnAttachMeta, sa.ID, encodeMeta(a), textBlock); err != nil {
			return Receipt{}, Report{}, err
		}
		if sa.Content, err = s.seal(dk, TableAttachment, ColumnAttachBody, sa.ID, a.Content, fileBlock); err != nil {
			return Receipt{}, Report{}, err
		}
		atts = append(atts, sa)
	}
	keys, err := v.WrapAll(dk, id, rk, org.Recovery, org.Handlers)
	if err != nil {
		return Receipt{}, Report{}, err
	}
	nr := NewReport{
		Report:      r,
		Receipt:     ReceiptRecord{OrgID: org.OrgID, Locator: rc.Locator(), ReportID: id, Verifier: verifier},
		Attachments: atts,
		Keys:        keys,
		Consents:    sub.Consents,
	}
	if err := s.cfg.Store.CreateReport(ctx, nr); err != nil {
		return Receipt{}, Report{}, err
	}
	return rc, nr.Report, nil
}

// ErrFileNotCleanable refuses an attachment whose hidden details (GPS
// position, device, author) could not be removed; the reporter is asked
// for a screenshot or a photo of it instead.
var ErrFileNotCleanable error = &kernel.Error{Code: kernel.Invalid, Message: "a file could not be cleared of hidden details such as where and when it was made; attach a screenshot of it instead"}

// stripAttachments removes EXIF, XMP, GPS and document information from
// every attachment before it is sealed, so the stored file cannot place or
// name the reporter even for a handler who opens it. The submitted slice
// is not changed.
func stripAttachments(in []Attachment) ([]Attachment, error) {
	out := make([]Attachment, len(in))
	for i, a := range in {
		content, err := filemeta.Strip(a.MediaType, a.Content)
		if err != nil {
			return nil, ErrFileNotCleanable
		}
		a.Content = content
		out[i] = a
	}
	return out, nil
}

// ErrNothingReported refuses a report with neither a narrative nor a file.
var ErrNothingReported error = &kernel.Error{Code: kernel.Invalid, Message: "please describe what happened"}

// leastUsedLocator moves rc to the first of a few drawn locators that no
// live report uses, or else to the least used of them.
func (s *Service) leastUsedLocator(ctx context.Context, orgID string, rc Receipt) (Receipt, error) {
	choices := []Receipt{rc}
	for len(choices) < locatorChoices {
		next, err := rc.withLocator(s.cfg.Rand)
		if err != nil {
			return Receipt{}, err
		}
		choices = append(choices, next)
	}
	locs := make([]string, len(choices))
	for i, c := range choices {
		locs[i] = c.Locator()
	}
	use, err := s.cfg.Store.LocatorUse(ctx, orgID, locs)
	if err != nil {
		return Receipt{}, err
	}
	best := choices[0]
	for _, c := range choices {
		if use[c.Locator()] == 0 {
			return c, nil
		}
		if use[c.Locator()] < use[best.Locator()] {
			best = c
		}
	}
	return best, nil
}

// ErrReceiptNotRecognised is the one answer to every failed follow-up: a
// wrong secret, an unknown locator, an unknown organisation and a purged
// report are indistinguishable.
var ErrReceiptNotRecognised error = &kernel.Error{Code: kernel.Unauthorised, Message: "this receipt was not recognised; check the digits and try again"}

// OpenWithReceipt lets a reporter back into a report. orgID may name an
// organisation that does not exist (the web layer passes unknown slugs
// through unchanged), which behaves exactly like a wrong receipt. Attempts
// are throttled per locator and globally; the error is ErrTooManyAttempts
// or ErrReceiptNotRecognised for anything the reporter could have got
// wrong. Close the session when done.
func (s *Service) OpenWithReceipt(ctx context.Context, orgID string, rc Receipt) (*ReporterSession, error) {
	if rc.IsZero() {
		return nil, ErrReceiptNotRecognised
	}
	if _, err := s.cfg.Throttle.Take(orgID, rc.Locator()); err != nil {
		return nil, err
	}
	v := s.cfg.Vault
	recs, err := s.cfg.Store.ReceiptsByLocator(ctx, orgID, rc.Locator())
	if err != nil {
		return nil, err
	}
	release, err := s.cfg.Admission.Enter()
	if err != nil {
		return nil, err
	}
	rec, rk, err := verifyAny(v, recs, rc.kdfInput())
	release()
	if errors.Is(err, vault.ErrWrongKey) {
		return nil, ErrReceiptNotRecognised
	}
	if err != nil {
		return nil, err
	}
	defer rk.Wipe()
	s.cfg.Throttle.Refund(orgID, rc.Locator())
	wk, err := s.cfg.Store.WrappedKey(ctx, rec.ReportID, vault.RecipientReceipt)
	if kernel.IsCode(err, kernel.NotFound) {
		return nil, ErrReceiptNotRecognised
	}
	if err != nil {
		return nil, err
	}
	dk, err := vault.UnwrapWithReceipt(wk.Blob, rec.ReportID, rk)
	if err != nil {
		return nil, kernel.Wrap(kernel.Internal, err, "receipt verified but its key does not open")
	}
	r, err := s.cfg.Store.Report(ctx, orgID, rec.ReportID)
	if kernel.IsCode(err, kernel.NotFound) {
		dk.Wipe()
		return nil, ErrReceiptNotRecognised
	}
	if err != nil {
		dk.Wipe()
		return nil, err
	}
	return &ReporterSession{s: s, report: r, dk: dk}, nil
}

// verifyAny checks the secret against each record on the locator and
// returns the one it opens. With none it spends the work of one check, so
// an unknown locator takes as long as a wrong secret.
func verifyAny(v *vault.Vault, recs []ReceiptRecord, secret []byte) (ReceiptRecord, *vault.ReceiptKey, error) {
	if len(recs) == 0 {
		if err := v.DummyVerify(secret); err != nil && !errors.Is(err, vault.ErrWrongKey) {
			return ReceiptRecord{}, nil, err
		}
		return ReceiptRecord{}, nil, vault.ErrWrongKey
	}
	for _, rec := range recs {
		rk, err := v.VerifyReceipt(rec.Verifier, secret)
		if errors.Is(err, vault.ErrWrongKey) {
			continue
		}
		return rec, rk, err
	}
	return ReceiptRecord{}, nil, vault.ErrWrongKey
}

// ReporterSession is a reporter's access to one report, opened with the
// receipt. It holds the report's data key: keep it for one request only.
type ReporterSession struct {
	s      *Service
	report Report
	dk     *vault.DataKey
}

// Close wipes the data key.
func (rs *ReporterSession) Close() { rs.dk.Wipe() }

// ReporterView is what the follow-up page shows. It leaves out the contact
// and identity details the reporter gave, so someone who takes a
// reporter's receipt learns as little as possible.
type ReporterView struct {
	Categories []Category
	Received   Day
	Stage      Stage
	Deadline   Deadline // due date of the next step
	Narrative  string
	Thread     []OpenedMessage // internal notes are left out
	Remedies   []OpenedRemedy  // withdrawn remedies are left out
}

// OpenedMessage is a thread message in clear.
type OpenedMessage struct {
	ID       string
	Seq      int
	From     Author
	Handler  string // handler user id; empty in reporter views
	Internal bool
	Day      Day
	Body     string
}

// OpenedRemedy is a remedy in clear.
type OpenedRemedy struct {
	Remedy
	DescriptionText string
	CommentText     string
	// The evidence of implementation, opened for handlers only: the note,
	// and the file's name and type (EvidenceFile is nil without one).
	EvidenceText     string
	EvidenceFileInfo *AttachmentInfo
}

// View decrypts what the reporter may see.
func (rs *ReporterSession) View(ctx context.Context) (ReporterView, error) {
	r := rs.report
	view := ReporterView{
		Categories: r.Triage.Categories, Received: r.Triage.Received, Stage: r.Case.Stage,
		Deadline: rs.s.Deadline(r),
	}
	var err error
	if view.Narrative, err = openText(rs.dk, TableReport, ColumnNarrative, r.ID, r.Narrative); err != nil {
		return ReporterView{}, err
	}
	thread, err := openThread(ctx, rs.s.cfg.Store, rs.dk, r)
	if err != nil {
		return ReporterView{}, err
	}
	for _, m := range thread {
		if !m.Internal {
			m.Handler = ""
			view.Thread = append(view.Thread, m)
		}
	}
	rems, err := openRemedies(ctx, rs.s.cfg.Store, rs.dk, r, false)
	if err != nil {
		return ReporterView{}, err
	}
	for _, m := range rems {
		if m.Status != RemedyWithdrawn {
			m.ProposedBy, m.VerifiedBy = "", ""
			view.Remedies = append(view.Remedies, m)
		}
	}
	return view, nil
}

// SetConsent records the reporter's answer for a purpose; the latest answer
// counts, so consent can be withdrawn.
func (rs *ReporterSession) SetConsent(ctx context.Context, p Purpose, granted bool) error {
	if !slices.Contains(Purposes(), p) {
		return kernel.Errorf(kernel.Invalid, "unknown consent purpose")
	}
	return rs.s.cfg.Store.AddConsent(ctx, rs.report.OrgID, rs.report.ID, Consent{Purpose: p, Granted: granted, Day: Today(rs.s.cfg.Clock)})
}

func checkText(what, s string, max int) error {
	if s == "" {
		return kernel.Errorf(kernel.Invalid, "%s is empty", what)
	}
	if len(s) > max {
		return kernel.Errorf(kernel.Invalid, "%s is too long (at most %d KB)", what, max>>10)
	}
	if !utf8.ValidString(s) {
		return kernel.Errorf(kernel.Invalid, "%s contains characters that could not be read", what)
	}
	return nil
}

// AddMessage adds the reporter's message (new information, a question) to
// the thread.
func (rs *ReporterSession) AddMessage(ctx context.Context, text string) error {
	if err := checkText("the message", text, MaxMessageBytes); err != nil {
		return err
	}
	return rs.s.addMessage(ctx, rs.dk, rs.report, FromReporter, "", false, text)
}

func (s *Service) addMessage(ctx context.Context, dk *vault.DataKey, r Report, from Author, handlerID string, internal bool, text string) error {
	m, err := NewMessage(r.ID, from, handlerID, internal, []byte{1}, Today(s.cfg.Clock))
	if err != nil {
		return err
	}
	if m.Body, err = s.seal(dk, TableMessage, ColumnMessageBody, m.ID, []byte(text), textBlock); err != nil {
		return err
	}
	_, err = s.cfg.Store.AddMessage(ctx, r.OrgID, m)
	return err
}

// RespondToRemedy records the reporter's acceptance of a proposed remedy, or
// a contest with a comment.
func (rs *ReporterSession) RespondToRemedy(ctx context.Context, remedyID string, accept bool, comment string) error {
	if comment != "" {
		if err := checkText("the comment", comment, MaxMessageBytes); err != nil {
			return err
		}
	}
	rems, err := rs.s.cfg.Store.Remedies(ctx, rs.report.OrgID, rs.report.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(rems, func(m Remedy) bool { return m.ID == remedyID })
	if i < 0 {
		return kernel.Errorf(kernel.NotFound, "no such remedy on this report")
	}
	var sealed []byte
	if comment != "" {
		if sealed, err = rs.s.seal(rs.dk, TableRemedy, ColumnRemedyReply, remedyID, []byte(comment), textBlock); err != nil {
			return err
		}
	}
	m, err := rems[i].Respond(accept, sealed, Today(rs.s.cfg.Clock))
	if err != nil {
		return err
	}
	_, err = rs.s.cfg.Store.PutRemedy(ctx, rs.report.OrgID, m)
	return err
}

func openThread(ctx context.Context, st Store, dk *vault.DataKey, r Report) ([]OpenedMessage, error) {
	msgs, err := st.Messages(ctx, r.OrgID, r.ID)
	if err != nil {
		return nil, err
	}
	out := make([]OpenedMessage, 0, len(msgs))
	for _, m := range msgs {
		if m.ReportID != r.ID {
			return nil, kernel.Errorf(kernel.Internal, "store returned a message of another report")
		}
		body, err := openText(dk, TableMessage, ColumnMessageBody, m.ID, m.Body)
		if err != nil {
			return nil, err
		}
		out = append(out, OpenedMessage{ID: m.ID, Seq: m.Seq, From: m.From, Handler: m.HandlerID, Internal: m.Internal, Day: m.Day, Body: body})
	}
	return out, nil
}

func openRemedies(ctx context.Context, st Store, dk *vault.DataKey, r Report, evidence bool) ([]OpenedRemedy, error) {
	rems, err := st.Remedies(ctx, r.OrgID, r.ID)
	if err != nil {
		return nil, err
	}
	out := make([]OpenedRemedy, 0, len(rems))
	for _, m := range rems {
		o := OpenedRemedy{Remedy: m}
		if o.DescriptionText, err = openText(dk, TableRemedy, ColumnRemedyText, m.ID, m.Description); err != nil {
			return nil, err
		}
		if o.CommentText, err = openText(dk, TableRemedy, ColumnRemedyReply, m.ID, m.ReporterComment); err != nil {
			return nil, err
		}
		if evidence {
			if o.EvidenceText, err = openText(dk, TableRemedy, ColumnEvidence, m.ID, m.EvidenceNote); err != nil {
				return nil, err
			}
			if len(m.EvidenceMeta) > 0 {
				meta, err := open(dk, TableRemedy, ColumnEvidenceMeta, m.ID, m.EvidenceMeta)
				if err != nil {
					return nil, err
				}
				name, mt := decodeMeta(meta)
				o.EvidenceFileInfo = &AttachmentInfo{ID: m.ID, Name: name, MediaType: mt}
			}
		}
		out = append(out, o)
	}
	return out, nil
}
