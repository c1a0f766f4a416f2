package grievance

import (
	"context"
	"slices"
	"strconv"

	"github.com/upstream-platform/upstream/internal/audit"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/vault"
)

// Handler is a signed-in case handler with their unlocked private key.
// Holding a wrapped key for a report is what makes someone its handler; an
// organisation admin without one cannot open the report.
type Handler struct {
	UserID string
	Key    *vault.PrivateKey
}

// Audit actions written by the service.
const (
	ActionKeyUnwrap      = "grievance.key.unwrap"
	ActionReportView     = "grievance.report.view"
	ActionAttachmentView = "grievance.attachment.view"
	ActionStageChange    = "grievance.case.stage"
	ActionTriageChange   = "grievance.case.triage"
	ActionAssign         = "grievance.case.assign"
	ActionMessageAdd     = "grievance.message.add"
	ActionRemedyChange   = "grievance.remedy.change"
	ActionAccessGrant    = "grievance.access.grant"
	ActionAccessRevoke   = "grievance.access.revoke"
	ActionRecover        = "grievance.access.recover"
	ActionPurge          = "grievance.report.purge"
	ActionMarkSpam       = "grievance.report.spam"
	ActionIdentityReveal = "grievance.identity.reveal"
	ActionConsentUse     = "grievance.consent.use"
	ActionConsentOver    = "grievance.consent.override"
)

func object(table, id string) string { return table + ":" + id }

// OpenAsHandler unwraps the report's data key with the handler's key. It
// returns Forbidden when the handler holds no key for the report, NotFound
// when the report does not exist in the organisation, and audits the
// unwrap before any data is returned. Close the session when done.
func (s *Service) OpenAsHandler(ctx context.Context, orgID, reportID string, h Handler) (*HandlerSession, error) {
	if h.UserID == "" || h.Key == nil {
		return nil, kernel.Errorf(kernel.Unauthorised, "sign in as a case handler")
	}
	r, err := s.cfg.Store.Report(ctx, orgID, reportID)
	if err != nil {
		return nil, err
	}
	dk, err := vault.OpenAsHandler(ctx, s.cfg.Store, r.ID, h.UserID, h.Key)
	if err != nil {
		return nil, err
	}
	if err := s.cfg.Audit(ctx, audit.Record{Org: orgID, Actor: h.UserID, Action: ActionKeyUnwrap, Object: object(TableReport, r.ID)}); err != nil {
		dk.Wipe()
		return nil, err
	}
	return &HandlerSession{s: s, h: h, report: r, dk: dk}, nil
}

// HandlerSession is a handler's access to one report. It holds the data
// key: keep it for one request only.
type HandlerSession struct {
	s      *Service
	h      Handler
	report Report
	dk     *vault.DataKey
}

// Close wipes the data key.
func (hs *HandlerSession) Close() { hs.dk.Wipe() }

// Report returns the report as loaded (clear fields, sealed ciphertext).
func (hs *HandlerSession) Report() Report { return hs.report }

func (hs *HandlerSession) audit(ctx context.Context, action, obj string, detail map[string]string) error {
	return hs.s.cfg.Audit(ctx, audit.Record{Org: hs.report.OrgID, Actor: hs.h.UserID, Action: action, Object: obj, Detail: detail})
}

// RevealIdentity audits, as an action of its own, that the handler is shown
// the identity the reporter gave; the case page calls it before showing
// the identity, which the ordinary view keeps hidden.
func (hs *HandlerSession) RevealIdentity(ctx context.Context) error {
	return hs.audit(ctx, ActionIdentityReveal, object(TableReport, hs.report.ID), nil)
}

// HandlerView is the whole case in clear.
type HandlerView struct {
	Report      Report
	Deadline    Deadline
	Opened      Opened
	Attachments []AttachmentInfo
	Thread      []OpenedMessage
	Remedies    []OpenedRemedy
	History     []StageChange
}

// AttachmentInfo describes an attachment without its content.
type AttachmentInfo struct {
	ID        string
	Name      string
	MediaType string
}

// View decrypts the case for the handler, after auditing the view.
func (hs *HandlerSession) View(ctx context.Context) (HandlerView, error) {
	r := hs.report
	if err := hs.audit(ctx, ActionReportView, object(TableReport, r.ID), nil); err != nil {
		return HandlerView{}, err
	}
	v := HandlerView{Report: r, Deadline: hs.s.Deadline(r)}
	var err error
	for _, f := range []struct {
		col string
		ct  []byte
		dst *string
	}{
		{ColumnNarrative, r.Narrative, &v.Opened.Narrative},
		{ColumnContact, r.Contact, &v.Opened.Contact},
		{ColumnIdentity, r.Identity, &v.Opened.Identity},
	} {
		if *f.dst, err = openText(hs.dk, TableReport, f.col, r.ID, f.ct); err != nil {
			return HandlerView{}, err
		}
	}
	atts, err := hs.s.cfg.Store.Attachments(ctx, r.OrgID, r.ID)
	if err != nil {
		return HandlerView{}, err
	}
	for _, a := range atts {
		meta, err := open(hs.dk, TableAttachment, ColumnAttachMeta, a.ID, a.Meta)
		if err != nil {
			return HandlerView{}, err
		}
		name, mt := decodeMeta(meta)
		v.Attachments = append(v.Attachments, AttachmentInfo{ID: a.ID, Name: name, MediaType: mt})
	}
	if v.Thread, err = openThread(ctx, hs.s.cfg.Store, hs.dk, r); err != nil {
		return HandlerView{}, err
	}
	if v.Remedies, err = openRemedies(ctx, hs.s.cfg.Store, hs.dk, r, true); err != nil {
		return HandlerView{}, err
	}
	if v.History, err = hs.s.cfg.Store.History(ctx, r.OrgID, r.ID); err != nil {
		return HandlerView{}, err
	}
	return v, nil
}

// Attachment decrypts one attachment, after auditing the view.
func (hs *HandlerSession) Attachment(ctx context.Context, id string) (AttachmentInfo, []byte, error) {
	atts, err := hs.s.cfg.Store.Attachments(ctx, hs.report.OrgID, hs.report.ID)
	if err != nil {
		return AttachmentInfo{}, nil, err
	}
	i := slices.IndexFunc(atts, func(a SealedAttachment) bool { return a.ID == id })
	if i < 0 {
		return AttachmentInfo{}, nil, kernel.Errorf(kernel.NotFound, "no such attachment on this report")
	}
	if err := hs.audit(ctx, ActionAttachmentView, object(TableAttachment, id), map[string]string{"report": hs.report.ID}); err != nil {
		return AttachmentInfo{}, nil, err
	}
	meta, err := open(hs.dk, TableAttachment, ColumnAttachMeta, id, atts[i].Meta)
	if err != nil {
		return AttachmentInfo{}, nil, err
	}
	body, err := open(hs.dk, TableAttachment, ColumnAttachBody, id, atts[i].Content)
	if err != nil {
		return AttachmentInfo{}, nil, err
	}
	name, mt := decodeMeta(meta)
	return AttachmentInfo{ID: id, Name: name, MediaType: mt}, body, nil
}

// Move changes the case's stage (see Transition for the rules). A non-empty
// note is added to the thread as an internal note.
func (hs *HandlerSession) Move(ctx context.Context, to Stage, reason Reason, note string) error {
	return hs.move(ctx, to, reason, note, false)
}

// MoveConfirmed is Move for a handler who has been told that the case
// still has open remedies and closes it anyway: the note saying why is then
// required, and kept with the case's internal notes.
func (hs *HandlerSession) MoveConfirmed(ctx context.Context, to Stage, reason Reason, note string) error {
	return hs.move(ctx, to, reason, note, true)
}

func (hs *HandlerSession) move(ctx context.Context, to Stage, reason Reason, note string, confirmedOpen bool) error {
	updated, err := hs.s.changeStage(ctx, hs.report, hs.h.UserID, to, reason, note, confirmedOpen, nil)
	if err != nil {
		return err
	}
	hs.report = updated
	if note != "" {
		return hs.s.addMessage(ctx, hs.dk, updated, FromHandler, hs.h.UserID, true, note)
	}
	return nil
}

// changeStage applies the workflow's rules to move r to another stage,
// audits the change as actor's and stores it. It reads and writes only
// the case's clear metadata; a note is only checked here, and sealed as a
// message by the caller, who holds the data key.
func (s *Service) changeStage(ctx context.Context, r Report, actor string, to Stage, reason Reason, note string, confirmedOpen bool,
	detail map[string]string) (Report, error) {
	rems, err := s.cfg.Store.Remedies(ctx, r.OrgID, r.ID)
	if err != nil {
		return Report{}, err
	}
	today := Today(s.cfg.Clock)
	c, err := Transition(r.Case, to, reason, rems, today)
	if err != nil {
		return Report{}, err
	}
	if err := CheckOpenRemedies(to, rems, confirmedOpen, note); err != nil {
		return Report{}, err
	}
	if note != "" {
		if err := checkText("the note", note, MaxMessageBytes); err != nil {
			return Report{}, err
		}
	}
	d := map[string]string{"from": string(r.Case.Stage), "to": string(to), "reason": string(reason)}
	for k, v := range detail {
		d[k] = v
	}
	if err := s.cfg.Audit(ctx, audit.Record{Org: r.OrgID, Actor: actor, Action: ActionStageChange, Object: object(TableReport, r.ID), Detail: d}); err != nil {
		return Report{}, err
	}
	from := r.Case.Stage
	r.Case = c
	return s.cfg.Store.UpdateReport(ctx, r, &StageChange{ReportID: r.ID, From: from, To: to, Reason: reason, Day: today, ActorID: actor})
}

// SetTriage replaces the clear triage fields a handler may correct:
// categories, supplier, country and severity. The day received and the
// channel do not change.
func (hs *HandlerSession) SetTriage(ctx context.Context, t Triage) error {
	r := hs.report
	t.Received, t.Channel = r.Triage.Received, r.Triage.Channel
	if err := t.Validate(); err != nil {
		return err
	}
	if err := hs.audit(ctx, ActionTriageChange, object(TableReport, r.ID), map[string]string{"severity": string(t.Severity)}); err != nil {
		return err
	}
	r.Triage = t
	updated, err := hs.s.cfg.Store.UpdateReport(ctx, r, nil)
	if err != nil {
		return err
	}
	hs.report = updated
	return nil
}

// Assign makes userID the case handler responsible for the case, or no one
// when userID is empty. An assignee who cannot open the case yet is given
// access first (pub is their public key), so that assigning never leaves a
// case with someone who cannot read it. Whether userID is an active case
// handler of the organisation is the caller's question.
func (hs *HandlerSession) Assign(ctx context.Context, userID string, pub vault.PublicKey) error {
	r := hs.report
	if userID == r.Case.Assignee {
		return nil
	}
	if userID != "" {
		_, err := hs.s.cfg.Store.WrappedKey(ctx, r.ID, vault.HandlerRecipient(userID))
		if kernel.IsCode(err, kernel.NotFound) {
			err = hs.Grant(ctx, userID, pub)
		}
		if err != nil {
			return err
		}
	}
	if err := hs.audit(ctx, ActionAssign, object(TableReport, r.ID), map[string]string{"handler": userID}); err != nil {
		return err
	}
	r.Case.Assignee = userID
	updated, err := hs.s.cfg.Store.UpdateReport(ctx, r, nil)
	if err != nil {
		return err
	}
	hs.report = updated
	return nil
}

// Reply adds a handler message to the thread; with internal set it is a
// case note the reporter never sees.
func (hs *HandlerSession) Reply(ctx context.Context, text string, internal bool) error {
	if err := checkText("the message", text, MaxMessageBytes); err != nil {
		return err
	}
	if err := hs.audit(ctx, ActionMessageAdd, object(TableReport, hs.report.ID), map[string]string{"internal": strconv.FormatBool(internal)}); err != nil {
		return err
	}
	return hs.s.addMessage(ctx, hs.dk, hs.report, FromHandler, hs.h.UserID, internal, text)
}

// ProposeRemedy records a remedy offer; the case must be in remediation.
func (hs *HandlerSession) ProposeRemedy(ctx context.Context, t RemedyType, amount Money, description string) (Remedy, error) {
	if err := checkText("the remedy description", description, MaxMessageBytes); err != nil {
		return Remedy{}, err
	}
	m, err := ProposeRemedy(hs.report.Case, hs.report.ID, t, amount, hs.h.UserID, nil, Today(hs.s.cfg.Clock))
	if err != nil {
		return Remedy{}, err
	}
	if m.Description, err = hs.s.seal(hs.dk, TableRemedy, ColumnRemedyText, m.ID, []byte(description), textBlock); err != nil {
		return Remedy{}, err
	}
	if err := hs.audit(ctx, ActionRemedyChange, object(TableRemedy, m.ID), map[string]string{"report": hs.report.ID, "status": string(m.Status), "type": string(t)}); err != nil {
		return Remedy{}, err
	}
	return hs.s.cfg.Store.PutRemedy(ctx, hs.report.OrgID, m)
}

func (hs *HandlerSession) changeRemedy(ctx context.Context, id string, f func(Remedy) (Remedy, error)) (Remedy, error) {
	rems, err := hs.s.cfg.Store.Remedies(ctx, hs.report.OrgID, hs.report.ID)
	if err != nil {
		return Remedy{}, err
	}
	i := slices.IndexFunc(rems, func(m Remedy) bool { return m.ID == id })
	if i < 0 {
		return Remedy{}, kernel.Errorf(kernel.NotFound, "no such remedy on this report")
	}
	m, err := f(rems[i])
	if err != nil {
		return Remedy{}, err
	}
	if err := hs.audit(ctx, ActionRemedyChange, object(TableRemedy, m.ID), map[string]string{"report": hs.report.ID, "status": string(m.Status)}); err != nil {
		return Remedy{}, err
	}
	return hs.s.cfg.Store.PutRemedy(ctx, hs.report.OrgID, m)
}

// ImplementRemedy records that a remedy was carried out, verified by this
// handler.
func (hs *HandlerSession) ImplementRemedy(ctx context.Context, id string) (Remedy, error) {
	today := Today(hs.s.cfg.Clock)
	return hs.changeRemedy(ctx, id, func(m Remedy) (Remedy, error) { return m.Implement(hs.h.UserID, today) })
}

// ImplementRemedyWithEvidence records that a remedy was carried out,
// verified by this handler, with the evidence: the note, the file's name
// and type, and the file are sealed like the rest of the case, and the
// file is cleared of hidden details (place, device, author) first. The
// audit log records that evidence was added, never what it says.
func (hs *HandlerSession) ImplementRemedyWithEvidence(ctx context.Context, id string, ev Evidence) (Remedy, error) {
	today := Today(hs.s.cfg.Clock)
	var file *Attachment
	if ev.File != nil {
		stripped, err := stripAttachments([]Attachment{*ev.File})
		if err != nil {
			return Remedy{}, err
		}
		file = &stripped[0]
	}
	return hs.changeRemedy(ctx, id, func(m Remedy) (Remedy, error) {
		if err := ev.Check(m.Proposed, today); err != nil {
			return m, err
		}
		m, err := m.ImplementOn(hs.h.UserID, ev.Day)
		if err != nil {
			return m, err
		}
		if m.EvidenceNote, err = hs.s.seal(hs.dk, TableRemedy, ColumnEvidence, m.ID, []byte(ev.Note), textBlock); err != nil {
			return m, err
		}
		if file != nil {
			if m.EvidenceMeta, err = hs.s.seal(hs.dk, TableRemedy, ColumnEvidenceMeta, m.ID, encodeMeta(*file), textBlock); err != nil {
				return m, err
			}
			if m.EvidenceFile, err = hs.s.seal(hs.dk, TableRemedy, ColumnEvidenceFile, m.ID, file.Content, fileBlock); err != nil {
				return m, err
			}
		}
		return m, nil
	})
}

// RemedyEvidence decrypts a remedy's evidence file, after auditing the
// view. It answers NotFound when the remedy has no file.
func (hs *HandlerSession) RemedyEvidence(ctx context.Context, id string) (AttachmentInfo, []byte, error) {
	rems, err := hs.s.cfg.Store.Remedies(ctx, hs.report.OrgID, hs.report.ID)
	if err != nil {
		return AttachmentInfo{}, nil, err
	}
	i := slices.IndexFunc(rems, func(m Remedy) bool { return m.ID == id })
	if i < 0 || len(rems[i].EvidenceMeta) == 0 {
		return AttachmentInfo{}, nil, kernel.Errorf(kernel.NotFound, "no such evidence file on this report")
	}
	ct, err := hs.s.cfg.Store.RemedyEvidence(ctx, hs.report.OrgID, hs.report.ID, id)
	if err != nil {
		return AttachmentInfo{}, nil, err
	}
	if err := hs.audit(ctx, ActionAttachmentView, object(TableRemedy, id), map[string]string{"report": hs.report.ID}); err != nil {
		return AttachmentInfo{}, nil, err
	}
	meta, err := open(hs.dk, TableRemedy, ColumnEvidenceMeta, id, rems[i].EvidenceMeta)
	if err != nil {
		return AttachmentInfo{}, nil, err
	}
	body, err := open(hs.dk, TableRemedy, ColumnEvidenceFile, id, ct)
	if err != nil {
		return AttachmentInfo{}, nil, err
	}
	name, mt := decodeMeta(meta)
	return AttachmentInfo{ID: id, Name: name, MediaType: mt}, body, nil
}

// WithdrawRemedy takes back a remedy that was not implemented.
func (hs *HandlerSession) WithdrawRemedy(ctx context.Context, id string) (Remedy, error) {
	return hs.changeRemedy(ctx, id, Remedy.Withdraw)
}

// Grant gives another handler access to this report by wrapping its data
// key to their public key. Whether this user may assign handlers is the
// authorisation policy's question (internal/account), asked by the caller.
func (hs *HandlerSession) Grant(ctx context.Context, userID string, pub vault.PublicKey) error {
	if userID == "" {
		return kernel.Errorf(kernel.Invalid, "no handler to grant access to")
	}
	b, err := hs.s.cfg.Vault.WrapTo(hs.dk, hs.report.ID, pub)
	if err != nil {
		return err
	}
	if err := hs.audit(ctx, ActionAccessGrant, object(TableReport, hs.report.ID), map[string]string{"handler": userID}); err != nil {
		return err
	}
	return hs.s.cfg.Store.PutWrappedKeys(ctx, vault.WrappedKey{ReportID: hs.report.ID, Recipient: vault.HandlerRecipient(userID), Blob: b})
}

// Revoke removes a handler's access to the report. Anyone with access can
// revoke anyone, which the audit log records; revoking the last handler
// leaves the report to the recovery key.
func (hs *HandlerSession) Revoke(ctx context.Context, userID string) error {
	if err := hs.audit(ctx, ActionAccessRevoke, object(TableReport, hs.report.ID), map[string]string{"handler": userID}); err != nil {
		return err
	}
	return hs.s.cfg.Store.DeleteWrappedKey(ctx, hs.report.ID, vault.HandlerRecipient(userID))
}

// Recover uses the organisation's recovery key to give a handler access to
// the listed reports (after a lost password, or to take over a departed
// colleague's cases). Each report is audited; it returns how many reports
// were granted.
func (s *Service) Recover(ctx context.Context, orgID, actorID string, reportIDs []string, recovery *vault.PrivateKey, userID string, pub vault.PublicKey) (int, error) {
	n := 0
	for _, id := range reportIDs {
		if _, err := s.cfg.Store.Report(ctx, orgID, id); kernel.IsCode(err, kernel.NotFound) {
			continue
		} else if err != nil {
			return n, err
		}
		if err := s.cfg.Audit(ctx, audit.Record{Org: orgID, Actor: actorID, Action: ActionRecover, Object: object(TableReport, id), Detail: map[string]string{"handler": userID}}); err != nil {
			return n, err
		}
		k, err := s.cfg.Vault.RecoverReports(ctx, s.cfg.Store, []string{id}, recovery, userID, pub)
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Purge destroys a report (retention expiry or a deletion request): first
// its wrapped keys, which alone makes every sealed field unreadable, then
// the rest. The actor is audited.
func (s *Service) Purge(ctx context.Context, orgID, reportID, actorID string) error {
	if _, err := s.cfg.Store.Report(ctx, orgID, reportID); err != nil {
		return err
	}
	if err := s.cfg.Audit(ctx, audit.Record{Org: orgID, Actor: actorID, Action: ActionPurge, Object: object(TableReport, reportID)}); err != nil {
		return err
	}
	if err := s.cfg.Store.DestroyWrappedKeys(ctx, reportID); err != nil {
		return err
	}
	return s.cfg.Store.PurgeReport(ctx, orgID, reportID)
}

// MaxSpamBatch bounds how many reports one "mark as spam" destroys.
const MaxSpamBatch = 500

// MarkSpam destroys reports a case handler judged to be junk, as in a
// flood: each is audited as spam (with the actor) before its keys and
// content are destroyed. Only reports still in the received stage qualify,
// so a case anyone has begun to work on is never swept away with junk; it
// returns how many it destroyed and an Invalid error naming how many it
// refused.
func (s *Service) MarkSpam(ctx context.Context, orgID, actorID string, reportIDs []string) (int, error) {
	if len(reportIDs) == 0 {
		return 0, kernel.Errorf(kernel.Invalid, "choose the reports to mark as spam")
	}
	if len(reportIDs) > MaxSpamBatch {
		return 0, kernel.Errorf(kernel.Invalid, "mark at most %d reports as spam at once", MaxSpamBatch)
	}
	done, refused := 0, 0
	for _, id := range reportIDs {
		r, err := s.cfg.Store.Report(ctx, orgID, id)
		if kernel.IsCode(err, kernel.NotFound) {
			refused++
			continue
		}
		if err != nil {
			return done, err
		}
		if r.Purged || r.Case.Stage != StageReceived {
			refused++
			continue
		}
		if err := s.cfg.Audit(ctx, audit.Record{Org: orgID, Actor: actorID, Action: ActionMarkSpam, Object: object(TableReport, id),
			Detail: map[string]string{"received": r.Triage.Received.String()}}); err != nil {
			return done, err
		}
		if err := s.cfg.Store.DestroyWrappedKeys(ctx, id); err != nil {
			return done, err
		}
		if err := s.cfg.Store.PurgeReport(ctx, orgID, id); err != nil {
			return done, err
		}
		done++
	}
	if refused > 0 {
		return done, kernel.Errorf(kernel.Invalid, "%d of the chosen reports were not marked as spam: only reports not yet acknowledged can be", refused)
	}
	return done, nil
}

// Authorise checks that the report's consents allow an action for purpose
// p (a referral, sharing with the supplier or authorities, revealing the
// identity), or that an override reason is given, and audits the decision
// with the purpose and any override reason before the caller acts. Without
// consent or override it returns Forbidden and audits nothing.
func (hs *HandlerSession) Authorise(ctx context.Context, p Purpose, override OverrideReason) error {
	consents, err := hs.s.cfg.Store.Consents(ctx, hs.report.OrgID, hs.report.ID)
	if err != nil {
		return err
	}
	overridden, err := Authorise(consents, p, override)
	if err != nil {
		return err
	}
	action, detail := ActionConsentUse, map[string]string{"purpose": string(p)}
	if overridden {
		action, detail["override"] = ActionConsentOver, string(override)
	}
	return hs.audit(ctx, action, object(TableReport, hs.report.ID), detail)
}
