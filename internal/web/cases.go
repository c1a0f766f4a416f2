package web

import (
	"cmp"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/vault"
)

// ConsentReader returns a report's consent answers (clear purpose codes and
// days) for the case page.
type ConsentReader interface {
	Consents(ctx context.Context, orgID, reportID string) ([]grievance.Consent, error)
}

var errNoCaseKey = failure(kernel.Unauthorised, "your case key is not unlocked in this session; sign out and sign in again with your password")

// handlerOf turns the principal's unlocked key into a grievance handler.
// The key travels in the session as its printable form.
func handlerOf(p account.Principal) (grievance.Handler, error) {
	if len(p.Key) == 0 {
		return grievance.Handler{}, errNoCaseKey
	}
	k, err := vault.ParseRecoveryKey(string(p.Key))
	if err != nil {
		return grievance.Handler{}, errNoCaseKey
	}
	return grievance.Handler{UserID: p.User.ID, Key: k}, nil
}

type inboxRow struct {
	grievance.QueueItem
	Labels   []string
	LateDays int
	Danger   bool   // critical: someone is in danger
	Assignee string // the assigned handler's name, empty when no one
}

// inboxQuery is the inbox's search and filters as the form sends them.
type inboxQuery struct {
	Receipt  string // what the handler typed; only its locator is kept
	Stage    string // "open", a stage, or "all"
	Severity string // a severity, or empty for any
	Assignee string // "me", "none", a handler's user id, or empty for anyone
	Overdue  bool
	Danger   bool
	// About keeps the cases behind an early-warning alert: one supplier
	// (its id), country (ISO code) or category, received From to To.
	Supplier, Country, Category string
	From, To                    string
}

// about describes the alert filters in words, for the line above the
// inbox; empty when none is set.
func (q inboxQuery) about(l *locale, supplier string) string {
	var what string
	switch {
	case q.Supplier != "":
		what = supplier
	case q.Country != "":
		what = l.country(q.Country)
	case q.Category != "":
		what = grievance.Label(grievance.Category(q.Category), l.Code)
	case q.From == "" && q.To == "":
		return ""
	}
	day := func(s string) string {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return s
		}
		return l.date(t)
	}
	switch {
	case what != "" && q.From != "" && q.To != "":
		return l.tr("Cases about %v received from %v to %v", what, day(q.From), day(q.To))
	case what != "":
		return l.tr("Cases about %v", what)
	default:
		return l.tr("Cases received from %v to %v", day(cmp.Or(q.From, "…")), day(cmp.Or(q.To, "…")))
	}
}

// values gives the query back as a URL query, for the next page's link.
// Only the locator of a receipt is kept.
func (q inboxQuery) values(locator string) url.Values {
	v := url.Values{"stage": {q.Stage}}
	for k, x := range map[string]string{"receipt": locator, "severity": q.Severity, "assignee": q.Assignee} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if q.Overdue {
		v.Set("due", "overdue")
	}
	if q.Danger {
		v.Set("danger", "1")
	}
	for k, x := range map[string]string{"supplier": q.Supplier, "country": q.Country, "category": q.Category, "from": q.From, "to": q.To} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return v
}

// caseHandlerNames names the organisation's users for the case pages and
// lists its active case handlers, the people a case can be assigned to.
func (s *caseHandlers) caseHandlerNames(ctx context.Context, orgID string) (map[string]string, []account.User, error) {
	users, err := s.users.ListUsers(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	names := make(map[string]string, len(users))
	var handlers []account.User
	for _, u := range users {
		names[u.ID] = cmp.Or(u.Name, u.Email)
		if u.Role == account.RoleCaseHandler && !u.Disabled {
			handlers = append(handlers, u)
		}
	}
	slices.SortFunc(handlers, func(a, b account.User) int { return cmp.Compare(names[a.ID], names[b.ID]) })
	return names, handlers, nil
}

func (s *caseHandlers) caseInbox(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	in := r.URL.Query()
	q := inboxQuery{Receipt: strings.TrimSpace(in.Get("receipt")), Stage: in.Get("stage"), Severity: in.Get("severity"),
		Assignee: in.Get("assignee"), Overdue: in.Get("due") == "overdue", Danger: in.Get("danger") != "",
		Supplier: strings.TrimSpace(in.Get("supplier")), Country: strings.ToUpper(strings.TrimSpace(in.Get("country"))),
		Category: strings.TrimSpace(in.Get("category")), From: strings.TrimSpace(in.Get("from")), To: strings.TrimSpace(in.Get("to"))}
	f := grievance.ReportFilter{DangerFirst: true, SupplierID: q.Supplier, Country: q.Country, Category: grievance.Category(q.Category)}
	for _, d := range []struct {
		text string
		day  *grievance.Day
	}{{q.From, &f.From}, {q.To, &f.To}} {
		if d.text == "" {
			continue
		}
		day, err := grievance.ParseDay(d.text)
		if err != nil {
			s.fail(w, r, kernel.Errorf(kernel.Invalid, "received %q: write the day as YYYY-MM-DD", d.text))
			return
		}
		*d.day = day
	}
	switch {
	case q.Stage == "open" || q.Stage == "":
		f.Stages = []grievance.Stage{grievance.StageReceived, grievance.StageAcknowledged, grievance.StageInvestigating, grievance.StageRemediation}
		q.Stage = "open"
	case grievance.Stage(q.Stage).Valid():
		f.Stages = []grievance.Stage{grievance.Stage(q.Stage)}
	case q.Stage == "all":
	default:
		s.fail(w, r, failure(kernel.Invalid, "unknown stage filter"))
		return
	}
	var problem string
	if q.Receipt != "" {
		loc, err := grievance.ParseLocator(q.Receipt)
		if err != nil {
			problem = s.errorText(r, err)
		} else if loc != q.Receipt {
			// Keep only the locator in the address bar and history: a
			// whole receipt read out by a reporter holds their secret.
			v := q.values(loc)
			http.Redirect(w, r, "/cases?"+v.Encode(), http.StatusSeeOther)
			return
		}
		f.Locator = loc
		if problem == "" {
			f.Stages = nil // a receipt finds its report at any stage
		}
	}
	switch {
	case q.Danger:
		f.Severities = []grievance.Severity{grievance.SeverityCritical}
	case q.Severity == "":
	case grievance.Severity(q.Severity).Valid():
		f.Severities = []grievance.Severity{grievance.Severity(q.Severity)}
	default:
		s.fail(w, r, failure(kernel.Invalid, "unknown severity filter"))
		return
	}
	switch q.Assignee {
	case "":
	case "me":
		f.Assignee = p.User.ID
	case "none":
		f.Assignee = grievance.Unassigned
	default:
		if !kernel.ValidID(q.Assignee) {
			s.fail(w, r, failure(kernel.Invalid, "unknown assignee filter"))
			return
		}
		f.Assignee = q.Assignee
	}
	if q.Overdue {
		f.StartedBefore = s.grievance.OverdueSince()
	}
	page, _ := strconv.Atoi(in.Get("page"))
	pg := kernel.Page{Limit: 100, Offset: max(page, 0) * 100}
	var items []grievance.QueueItem
	if problem == "" {
		var err error
		if items, err = s.grievance.Queue(r.Context(), p.User.OrgID, f, pg); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	names, handlers, err := s.caseHandlerNames(r.Context(), p.User.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := make([]inboxRow, len(items))
	danger := 0
	for i, it := range items {
		rows[i] = inboxRow{QueueItem: it, LateDays: -it.Deadline.DaysLeft, Danger: it.Report.Triage.Severity == grievance.SeverityCritical && !it.Report.Purged}
		if a := it.Report.Case.Assignee; a != "" {
			rows[i].Assignee = cmp.Or(names[a], s.tr(r, "a former user"))
		}
		if rows[i].Danger && it.Report.Case.Stage != grievance.StageClosed {
			danger++
		}
		for _, c := range it.Report.Triage.Categories {
			rows[i].Labels = append(rows[i].Labels, grievance.Label(c, s.localeOf(r).Code))
		}
	}
	pending, err := s.pendingHandlers(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	next := q.values(f.Locator)
	next.Set("page", strconv.Itoa(max(page, 0)+1))
	about := q.about(s.localeOf(r), s.supplierName(r.Context(), s.localeOf(r), p.User.OrgID, q.Supplier))
	status := http.StatusOK
	if problem != "" {
		status = http.StatusBadRequest
	}
	s.render(w, r, status, "cases.html", map[string]any{"Rows": rows, "Q": q, "Stage": q.Stage, "Stages": grievance.Stages(),
		"Severities": []grievance.Severity{grievance.SeverityUnassessed, grievance.SeverityLow, grievance.SeverityMedium, grievance.SeverityHigh, grievance.SeverityCritical},
		"Handlers":   handlers, "Me": p.User.ID, "Problem": problem, "DangerCount": danger,
		"Filtered": q.Receipt != "" || q.Stage != "open" || q.Severity != "" || q.Assignee != "" || q.Overdue || q.Danger || about != "",
		"About":    about,
		"NextURL":  "/cases?" + next.Encode(), "More": len(items) == pg.Limit,
		"Received": grievance.StageReceived, "Pending": pending})
}

// pendingHandlers lists the new case handlers waiting for approval, shown
// to case handlers whose own key is approved: that is how they learn of a
// new handler.
func (s *caseHandlers) pendingHandlers(r *http.Request) ([]account.User, error) {
	a := s.approvals
	if a == nil {
		return nil, nil
	}
	p := principalOf(r)
	if _, approved, err := a.OwnKey(r.Context(), p.User.OrgID, p.User.ID); kernel.IsCode(err, kernel.NotFound) || (err == nil && !approved) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	ids, err := a.PendingHandlers(r.Context(), p.User.OrgID)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	var out []account.User
	for _, id := range ids {
		u, err := s.users.User(r.Context(), p.User.OrgID, id)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// caseHandlerApprove approves a new case handler's key after the approver
// typed the fingerprint the new handler read to them. It needs a signed-in
// browser session with an unlocked key: an API token never approves.
func (s *caseHandlers) caseHandlerApprove(w http.ResponseWriter, r *http.Request) {
	a := s.approvals
	if a == nil {
		s.fail(w, r, failure(kernel.Unavailable, "case handler approval is not available on this server"))
		return
	}
	p := principalOf(r)
	if p.ViaToken || len(p.Key) == 0 {
		s.fail(w, r, failure(kernel.Forbidden, "approve new case handlers on the case pages, signed in with your password"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, failure(kernel.Invalid, "the form could not be read"))
		return
	}
	if err := a.ApproveHandler(r.Context(), p.User.OrgID, p.User.ID, r.PathValue("id"), r.PostForm.Get("fingerprint")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/cases", "The new case handler's key is approved: they receive new reports from now on. The audit log records your approval.")
}

// casesMarkSpam destroys the chosen new reports as spam (a flood's junk),
// each audited, and says how many went.
func (s *caseHandlers) casesMarkSpam(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, failure(kernel.Invalid, "the form could not be read"))
		return
	}
	if r.PostForm.Get("confirm") != "yes" {
		s.fail(w, r, failure(kernel.Invalid, "tick the box to confirm: marking reports as spam destroys them for good"))
		return
	}
	p := principalOf(r)
	n, err := s.grievance.MarkSpam(r.Context(), p.User.OrgID, p.User.ID, r.PostForm["report"])
	if err != nil && (n == 0 || kernel.ErrorCode(err) != kernel.Invalid) {
		s.fail(w, r, err)
		return
	}
	l := s.localeOf(r)
	msg := l.tr("%v reports were marked as spam and destroyed; the audit log records each.", l.count(n))
	if l.one(n) {
		msg = l.tr("%v report was marked as spam and destroyed; the audit log records it.", l.count(n))
	}
	s.done(w, r, "/cases?stage=received", msg)
}

// openCase opens the case named in the path for the signed-in handler. The
// service answers Forbidden when the handler holds no key for it.
func (s *caseHandlers) openCase(r *http.Request) (*grievance.HandlerSession, error) {
	p := principalOf(r)
	id := r.PathValue("id")
	if !kernel.ValidID(id) {
		return nil, failure(kernel.NotFound, "no such case")
	}
	h, err := handlerOf(p)
	if err != nil {
		return nil, err
	}
	hs, err := s.grievance.OpenAsHandler(r.Context(), p.User.OrgID, id, h)
	if errors.Is(err, vault.ErrWrongKey) {
		// The case is wrapped to a key this handler no longer holds (a
		// password reset issues a new one).
		return nil, failure(kernel.Forbidden, "your current key does not open this case; an administrator can restore your access with the organisation recovery key (upstream keys recover)")
	}
	return hs, err
}

type consentRow struct {
	Purpose grievance.Purpose
	Granted bool
	Day     grievance.Day
	Known   bool
}

func (s *caseHandlers) casePage(w http.ResponseWriter, r *http.Request) {
	hs, err := s.openCase(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer hs.Close()
	s.renderCase(w, r, hs, http.StatusOK, "")
}

func (s *caseHandlers) renderCase(w http.ResponseWriter, r *http.Request, hs *grievance.HandlerSession, status int, errMsg string) {
	ctx := r.Context()
	v, err := hs.View(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var consents []consentRow
	if s.consents != nil {
		cs, err := s.consents.Consents(ctx, v.Report.OrgID, v.Report.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, pur := range grievance.Purposes() {
			row := consentRow{Purpose: pur}
			for _, c := range cs {
				if c.Purpose == pur && (!row.Known || !c.Day.Before(row.Day)) {
					row.Granted, row.Day, row.Known = c.Granted, c.Day, true
				}
			}
			consents = append(consents, row)
		}
	}
	loc := s.localeOf(r)
	var labels []string
	for _, c := range v.Report.Triage.Categories {
		labels = append(labels, grievance.Label(c, loc.Code))
	}
	cats := make([]categoryOption, 0, len(grievance.Categories()))
	for _, c := range grievance.Categories() {
		cats = append(cats, categoryOption{Code: c, Label: grievance.Label(c, loc.Code), Checked: slices.Contains(v.Report.Triage.Categories, c)})
	}
	moves := grievance.AllowedMoves(v.Report.Case.Stage)
	openRemedies := 0
	if slices.ContainsFunc(moves, func(m grievance.Move) bool { return m.To == grievance.StageClosed }) {
		for _, rv := range v.Remedies {
			if len(grievance.OpenRemedies([]grievance.Remedy{rv.Remedy})) > 0 {
				openRemedies++
			}
		}
	}
	names, handlers, err := s.caseHandlerNames(ctx, v.Report.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	reveal := r.URL.Query().Get("show") == "identity"
	if reveal {
		if err := hs.RevealIdentity(r.Context()); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, status, "case.html", map[string]any{
		"V": v, "Labels": labels, "Moves": moves, "Consents": consents, "OpenRemedies": openRemedies,
		"RemedyTypes": grievance.RemedyTypes(), "Purposes": grievance.Purposes(), "Categories": cats,
		"Severities": []grievance.Severity{grievance.SeverityUnassessed, grievance.SeverityLow, grievance.SeverityMedium, grievance.SeverityHigh, grievance.SeverityCritical},
		"Overrides":  []grievance.OverrideReason{grievance.OverrideRiskToLife, grievance.OverrideChildAtRisk, grievance.OverrideLegalDuty, grievance.OverrideCourtOrdered},
		"Reveal":     reveal, "Error": errMsg, "Names": names, "SupplierName": s.supplierName(ctx, loc, v.Report.OrgID, v.Report.Triage.SupplierID),
		"Me": principalOf(r).User.ID, "Handlers": handlers, "Today": grievance.Today(s.clock).String(),
	})
}

// caseAction runs a handler action and answers with a redirect back to the
// case (post/redirect/get) saying what was done, or the case page with the
// error. The message names what changed, never what the case says.
func (s *caseHandlers) caseAction(w http.ResponseWriter, r *http.Request, act func(ctx context.Context, hs *grievance.HandlerSession) (string, error)) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, failure(kernel.Invalid, "the form could not be read"))
		return
	}
	s.caseActionRun(w, r, act)
}

// caseActionRun is caseAction for a form the caller has read.
func (s *caseHandlers) caseActionRun(w http.ResponseWriter, r *http.Request, act func(ctx context.Context, hs *grievance.HandlerSession) (string, error)) {
	hs, err := s.openCase(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer hs.Close()
	msg, err := act(r.Context(), hs)
	if err != nil {
		code := kernel.ErrorCode(err)
		if code == kernel.Internal || code == kernel.NotFound || code == kernel.Unavailable {
			s.fail(w, r, err)
			return
		}
		s.renderCase(w, r, hs, statusOf(code), s.errorText(r, err))
		return
	}
	s.done(w, r, "/cases/"+hs.Report().ID, msg)
}

func (s *caseHandlers) caseStage(w http.ResponseWriter, r *http.Request) {
	s.caseAction(w, r, func(ctx context.Context, hs *grievance.HandlerSession) (string, error) {
		to, reason, note := grievance.Stage(r.PostForm.Get("to")), grievance.Reason(r.PostForm.Get("reason")), strings.TrimSpace(r.PostForm.Get("note"))
		move := hs.Move
		if r.PostForm.Get("confirm_open_remedies") != "" {
			move = hs.MoveConfirmed
		}
		if err := move(ctx, to, reason, note); err != nil {
			return "", err
		}
		loc := s.localeOf(r)
		if reason != "" {
			return loc.tr("Case moved to %v (%v).", grievance.StageLabel(to, loc.Code), loc.label(string(reason))), nil
		}
		return loc.tr("Case moved to %v.", grievance.StageLabel(to, loc.Code)), nil
	})
}

// caseAssign makes an active case handler of the organisation responsible
// for the case (giving them access when they have none yet), or no one.
func (s *caseHandlers) caseAssign(w http.ResponseWriter, r *http.Request) {
	s.caseAction(w, r, func(ctx context.Context, hs *grievance.HandlerSession) (string, error) {
		id := strings.TrimSpace(r.PostForm.Get("assignee"))
		if id == "" {
			return translatable("The case is now assigned to no one."), hs.Assign(ctx, "", vault.PublicKey{})
		}
		u, err := s.users.User(ctx, hs.Report().OrgID, id)
		if err != nil || u.Role != account.RoleCaseHandler || u.Disabled {
			return "", failure(kernel.Invalid, "assigned to: choose an active case handler of this organisation")
		}
		if s.handlerKeys == nil {
			return "", failure(kernel.Unavailable, "handler keys are not available")
		}
		pub, err := s.handlerKeys.HandlerPublicKey(ctx, u.OrgID, u.ID)
		if kernel.IsCode(err, kernel.NotFound) {
			return "", failure(kernel.Invalid, "assigned to: %v has no key yet and must sign in once first", cmp.Or(u.Name, u.Email))
		}
		if err != nil {
			return "", err
		}
		if err := hs.Assign(ctx, u.ID, pub); err != nil {
			return "", err
		}
		return s.tr(r, "The case is assigned to %v; they can open it.", cmp.Or(u.Name, u.Email)), nil
	})
}

func (s *caseHandlers) caseTriage(w http.ResponseWriter, r *http.Request) {
	s.caseAction(w, r, func(ctx context.Context, hs *grievance.HandlerSession) (string, error) {
		cats, err := grievance.ParseCategories(r.PostForm["category"])
		if err != nil {
			return "", err
		}
		t := hs.Report().Triage
		t.Categories = cats
		t.Severity = grievance.Severity(r.PostForm.Get("severity"))
		t.Country = strings.ToUpper(strings.TrimSpace(r.PostForm.Get("country")))
		if _, byName := r.PostForm["supplier"]; byName {
			id, err := s.findSupplier(ctx, s.localeOf(r), hs.Report().OrgID, t.SupplierID, strings.TrimSpace(r.PostForm.Get("supplier")))
			if err != nil {
				return "", err
			}
			t.SupplierID = id
		} else {
			t.SupplierID = strings.TrimSpace(r.PostForm.Get("supplier_id"))
		}
		return translatable("Triage saved: categories, severity, country and supplier."), hs.SetTriage(ctx, t)
	})
}

func (s *caseHandlers) caseMessage(w http.ResponseWriter, r *http.Request) {
	s.caseAction(w, r, func(ctx context.Context, hs *grievance.HandlerSession) (string, error) {
		internal := r.PostForm.Get("internal") != ""
		msg := translatable("Reply sent: the reporter sees it on their follow-up page.")
		if internal {
			msg = translatable("Internal note added: the reporter does not see it.")
		}
		return msg, hs.Reply(ctx, strings.TrimSpace(r.PostForm.Get("text")), internal)
	})
}

func (s *caseHandlers) caseRemedyPropose(w http.ResponseWriter, r *http.Request) {
	s.caseAction(w, r, func(ctx context.Context, hs *grievance.HandlerSession) (string, error) {
		code := strings.ToUpper(strings.TrimSpace(r.PostForm.Get("currency")))
		minor, err := parseMoney(s.localeOf(r), r.PostForm.Get("amount"), code)
		if err != nil {
			return "", err
		}
		money := grievance.Money{Minor: minor, Currency: code}
		kind := grievance.RemedyType(r.PostForm.Get("type"))
		_, err = hs.ProposeRemedy(ctx, kind, money, strings.TrimSpace(r.PostForm.Get("description")))
		loc := s.localeOf(r)
		return loc.tr("Remedy proposed (%v): the reporter can accept or contest it on their follow-up page.", loc.label(string(kind))), err
	})
}

// caseRemedyImplement records that a remedy was carried out, with the
// evidence: a note, the day and optionally a file. The form is read part
// by part in memory, so the file never touches the disk unsealed.
func (s *caseHandlers) caseRemedyImplement(w http.ResponseWriter, r *http.Request) {
	form, file, err := readEvidenceForm(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.PostForm = form
	s.caseActionRun(w, r, func(ctx context.Context, hs *grievance.HandlerSession) (string, error) {
		day, err := grievance.ParseDay(strings.TrimSpace(form.Get("day")))
		if err != nil {
			return "", failure(kernel.Invalid, "evidence: the day the remedy was carried out is not a date (use the date picker, or type it as %v)", "2026-03-31")
		}
		_, err = hs.ImplementRemedyWithEvidence(ctx, r.PathValue("rid"), grievance.Evidence{Note: strings.TrimSpace(form.Get("note")), Day: day, File: file})
		loc := s.localeOf(r)
		if file != nil {
			return loc.tr("Remedy marked as implemented on %v, with your note and the file %v as evidence, sealed with the case.", loc.date(day.Time()), file.Name), err
		}
		return loc.tr("Remedy marked as implemented on %v, with your note as evidence, sealed with the case.", loc.date(day.Time())), err
	})
}

// readEvidenceForm reads the remedy evidence form: its text fields and at
// most one file, in memory.
func readEvidenceForm(w http.ResponseWriter, r *http.Request) (url.Values, *grievance.Attachment, error) {
	r.Body = http.MaxBytesReader(w, r.Body, grievance.MaxAttachmentBytes+64<<10)
	form := url.Values{}
	mr, err := r.MultipartReader()
	if err != nil {
		// A form without a file input may come url-encoded.
		if err := r.ParseForm(); err != nil {
			return nil, nil, failure(kernel.Invalid, "the form could not be read")
		}
		return r.PostForm, nil, nil
	}
	var file *grievance.Attachment
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			return form, file, nil
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, nil, failure(kernel.Invalid, "evidence: the file must be at most %v MB", grievance.MaxAttachmentBytes>>20)
		}
		if err != nil || n >= 16 {
			return nil, nil, failure(kernel.Invalid, "the form could not be read")
		}
		if part.FormName() == "file" {
			content, err := io.ReadAll(io.LimitReader(part, grievance.MaxAttachmentBytes+1))
			if err != nil {
				return nil, nil, failure(kernel.Invalid, "evidence: the file could not be read")
			}
			if len(content) > grievance.MaxAttachmentBytes {
				return nil, nil, failure(kernel.Invalid, "evidence: the file must be at most %v MB", grievance.MaxAttachmentBytes>>20)
			}
			if part.FileName() == "" || len(content) == 0 {
				continue // no file chosen
			}
			mt := http.DetectContentType(content)
			if i := strings.IndexByte(mt, ';'); i >= 0 {
				mt = mt[:i]
			}
			if !allowedMedia[mt] {
				return nil, nil, failure(kernel.Invalid, "evidence: attach a photo (JPEG, PNG, WebP) or a PDF document")
			}
			file = &grievance.Attachment{Name: cleanFileName(part.FileName()), MediaType: mt, Content: content}
			continue
		}
		v, err := io.ReadAll(io.LimitReader(part, grievance.MaxMessageBytes+1024))
		if err != nil {
			return nil, nil, failure(kernel.Invalid, "the form could not be read")
		}
		form.Add(part.FormName(), string(v))
	}
}

// caseRemedyEvidence sends a remedy's evidence file, as a download like
// every attachment.
func (s *caseHandlers) caseRemedyEvidence(w http.ResponseWriter, r *http.Request) {
	hs, err := s.openCase(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer hs.Close()
	info, body, err := hs.RemedyEvidence(r.Context(), r.PathValue("rid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendAttachment(w, info, body)
}

func (s *caseHandlers) caseRemedyWithdraw(w http.ResponseWriter, r *http.Request) {
	s.caseAction(w, r, func(ctx context.Context, hs *grievance.HandlerSession) (string, error) {
		_, err := hs.WithdrawRemedy(ctx, r.PathValue("rid"))
		return translatable("Remedy withdrawn."), err
	})
}

// caseReferral records a referral or disclosure: allowed with the
// reporter's consent, or with an override reason, both audited by the
// service; the handler's account of what was shared goes into the case as
// an internal note.
func (s *caseHandlers) caseReferral(w http.ResponseWriter, r *http.Request) {
	s.caseAction(w, r, func(ctx context.Context, hs *grievance.HandlerSession) (string, error) {
		p := grievance.Purpose(r.PostForm.Get("purpose"))
		note := strings.TrimSpace(r.PostForm.Get("note"))
		if note == "" {
			return "", failure(kernel.Invalid, "say to whom the case is referred and what is shared")
		}
		override := grievance.OverrideReason(r.PostForm.Get("override"))
		if err := hs.Authorise(ctx, p, override); err != nil {
			return "", err
		}
		text := "Referral / disclosure (" + label(string(p)) + ")"
		if override != "" {
			text += ", consent overridden: " + label(string(override))
		}
		loc := s.localeOf(r)
		return loc.tr("Referral recorded (%v) as an internal note; the audit log records it.", loc.label(string(p))), hs.Reply(ctx, text+"\n\n"+note, true)
	})
}

func (s *caseHandlers) caseGrant(w http.ResponseWriter, r *http.Request) {
	s.caseAction(w, r, func(ctx context.Context, hs *grievance.HandlerSession) (string, error) {
		if s.handlerKeys == nil {
			return "", failure(kernel.Unavailable, "handler keys are not available")
		}
		email := strings.TrimSpace(r.PostForm.Get("email"))
		u, err := s.users.UserByEmail(ctx, strings.ToLower(email))
		if err != nil || u.OrgID != hs.Report().OrgID || u.Role != account.RoleCaseHandler || u.Disabled {
			return "", failure(kernel.Invalid, "no active case handler with that email in this organisation")
		}
		pub, err := s.handlerKeys.HandlerPublicKey(ctx, u.OrgID, u.ID)
		if kernel.IsCode(err, kernel.NotFound) {
			return "", failure(kernel.Invalid, "that handler has no key yet: they must sign in once first")
		}
		if err != nil {
			return "", err
		}
		return s.tr(r, "%v can now open this case.", cmp.Or(u.Name, u.Email)), hs.Grant(ctx, u.ID, pub)
	})
}

func (s *caseHandlers) caseAttachment(w http.ResponseWriter, r *http.Request) {
	hs, err := s.openCase(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer hs.Close()
	info, body, err := hs.Attachment(r.Context(), r.PathValue("aid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendAttachment(w, info, body)
}

// sendAttachment sends a file from a case: always a download, never
// rendered inside Upstream's origin.
func sendAttachment(w http.ResponseWriter, info grievance.AttachmentInfo, body []byte) {
	mt := info.MediaType
	if !allowedMedia[mt] {
		mt = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", mt)
	h.Set("Cache-Control", "no-store")
	// Always a download: a file from outside is never rendered inside
	// Upstream's origin.
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": info.Name}))
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	w.Write(body)
}

// supplierName names the supplier a case is linked to, for the case page.
func (s *caseHandlers) supplierName(ctx context.Context, loc *locale, orgID, id string) string {
	if id == "" {
		return ""
	}
	if s.parties != nil {
		if p, err := s.parties.GetParty(ctx, orgID, id); err == nil && p.Name != "" {
			return p.Name
		}
	}
	return loc.tr("a supplier no longer in the register")
}

// findSupplier reads the supplier field of the triage form, a search that
// needs no script (see searchSuppliers): the words typed link the case to
// the one supplier they find, or to the supplier whose whole name they
// are; otherwise the handler is told how many match, with examples, and
// types more. The name of the linked supplier, sent back unchanged, keeps
// the link; an empty field removes it.
func (s *caseHandlers) findSupplier(ctx context.Context, loc *locale, orgID, current, typed string) (string, error) {
	if typed == "" {
		return "", nil
	}
	if current != "" && typed == s.supplierName(ctx, loc, orgID, current) {
		return current, nil
	}
	found, err := searchSuppliers(ctx, s.parties, orgID, typed)
	switch {
	case err != nil:
		return "", err
	case found.Picked != "":
		return found.Picked, nil
	case found.Total == 0:
		return "", failure(kernel.Invalid, "supplier: no supplier matches %v; check the register", strconv.Quote(typed))
	}
	var names []string
	for _, c := range found.Choices[:min(3, len(found.Choices))] {
		names = append(names, c.Name)
	}
	return "", failure(kernel.Invalid, "supplier: %v %v (%v): type more of the name", loc.countOf(found.Total, "supplier matches", "suppliers match"), strconv.Quote(typed), strings.Join(names, "; "))
}
