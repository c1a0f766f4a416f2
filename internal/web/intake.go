package web

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/grievance"
	"github.com/upstream-platform/upstream/internal/kernel"
	"github.com/upstream-platform/upstream/internal/vault"
)

// IntakeDeps is what the reporter pages, webhooks and case pages need beyond
// the grievance service. Each part is a small interface so the pages work
// before (and without) the stores behind them.
type IntakeDeps struct {
	// Keys gives the public keys a new report of an organisation is
	// wrapped to.
	Keys OrgKeySource
	// Handlers gives a user's public key, for granting case access.
	Handlers HandlerKeySource
	// Approvals lists and approves new case handlers' keys; nil hides it.
	Approvals HandlerApprovals
	// Consents reads a report's consent answers for the case page.
	Consents ConsentReader
	// Suppliers finds suppliers by name for the intake form; nil hides the
	// search.
	Suppliers SupplierFinder
	// Hooks configures the messaging webhooks; a zero value turns them off.
	Hooks HookConfig
	// ExitURL is where the quick-exit link goes; it should be an ordinary,
	// harmless site. Empty means a weather site.
	ExitURL string
}

// OrgKeySource returns an organisation's recovery key and the handlers who
// receive new reports. It returns an Unavailable error when the
// organisation has no recovery key yet.
type OrgKeySource interface {
	OrgKeys(ctx context.Context, orgID string) (grievance.OrgKeys, error)
}

// HandlerKeySource returns a user's public key, or NotFound when the user
// has none (never signed in as a case handler).
type HandlerKeySource interface {
	HandlerPublicKey(ctx context.Context, orgID, userID string) (vault.PublicKey, error)
}

// HandlerApprovals approves new case handlers' keys: a new handler receives
// reports only once an approved handler has compared their key's
// fingerprint and approved it.
type HandlerApprovals interface {
	// PendingHandlers returns the user ids of enabled case handlers whose
	// keys wait for approval.
	PendingHandlers(ctx context.Context, orgID string) ([]string, error)
	// ApproveHandler approves userID's key for approverID, when fingerprint
	// is the key's.
	ApproveHandler(ctx context.Context, orgID, approverID, userID, fingerprint string) error
	// OwnKey returns the fingerprint of the user's key and whether it is
	// approved; NotFound when the user has none yet.
	OwnKey(ctx context.Context, orgID, userID string) (fingerprint string, approved bool, err error)
}

// SupplierFinder searches an organisation's suppliers by name.
type SupplierFinder interface {
	FindSuppliers(ctx context.Context, orgID, query string, limit int) ([]SupplierMatch, error)
}

// SupplierMatch is one supplier offered on the intake form.
type SupplierMatch struct {
	ID      string
	Name    string
	Country string
}

// intakeTemplates are the reporter pages: a document of their own, without
// the staff layout, so they stay small and carry nothing that names the
// platform or the organisation.
//
// The template uses no functions beyond the built-in ones: the staff page
// parser reads every template file too. All wording is prepared here.
var intakeTemplates = template.Must(template.New("report").ParseFS(templateFiles, "templates/report.html"))

// intakePage is the data every reporter page gets.
type intakePage struct {
	Page      string // form, receipt, followup, view, closed
	Lang      string
	Dir       string
	T         map[string]string // the page's wording in Lang
	Langs     []langLink
	Org       string // the slug as given
	ExitURL   string
	Error     string
	Notice    string
	Form      intakeFormData
	Suppliers []SupplierMatch
	Query     string
	Receipt   string
	Due       string
	View      *grievance.ReporterView
	// StageLabel and CategoryLabels name the viewed report's stage and
	// categories in Lang.
	StageLabel     string
	CategoryLabels []string
	// Search offers the supplier search (an organisation setting).
	Search bool
	// Guidance is the organisation's emergency guidance for the reporter's
	// country and language; Danger says the reporter ticked "someone is in
	// danger", so the receipt page leads with it.
	Guidance string
	Danger   bool
	// FilesAgain says the form came back after files were chosen: a file
	// field cannot be filled in again, so the reporter is asked to.
	FilesAgain bool
}

type langLink struct {
	Code, Name string
	Current    bool
}

type purposeOption struct {
	Code, Label string
	Checked     bool
}

type intakeFormData struct {
	Categories []categoryOption
	Purposes   []purposeOption
	Narrative  string
	Supplier   string
	SupplierID string
	Country    string
	Contact    string
	Identity   string
	Danger     bool
}

type categoryOption struct {
	Code    grievance.Category
	Label   string
	Checked bool
}

// reporterLang picks the page language: the reporter's explicit choice
// (?lang= or the form's lang field) first, then the browser's preference.
func reporterLang(r *http.Request, chosen string) string {
	if chosen != "" {
		for _, l := range grievance.Languages() {
			if l == chosen {
				return l
			}
		}
	}
	return grievance.MatchLanguage(r.Header.Get("Accept-Language"))
}

func (s *intakeHandlers) newIntakePage(r *http.Request, page, lang string) intakePage {
	dir := "ltr"
	if grievance.RightToLeft(lang) {
		dir = "rtl"
	}
	exit := s.exitURL
	if exit == "" {
		exit = "https://www.weather.gov/"
	}
	var links []langLink
	for _, l := range grievance.Languages() {
		links = append(links, langLink{Code: l, Name: languageNames[l], Current: l == lang})
	}
	t, ok := reporterText[lang]
	if !ok {
		t = reporterText["en"]
	}
	return intakePage{Page: page, Lang: lang, Dir: dir, T: t, Langs: links, Org: r.PathValue("org"), ExitURL: exit}
}

// SearchMinRunes and SearchMaxNames bound the intake form's supplier
// search; searchRate throttles it per organisation (ten at once, then one
// every six seconds), never per reporter, whose address is not kept.
const (
	SearchMinRunes = 4
	SearchMaxNames = 5
)

var searchRate = grievance.Rate{Burst: 10, Every: 6 * time.Second}

// searchThrottle is a token bucket per organisation.
type searchThrottle struct {
	mu      sync.Mutex
	buckets map[string]grievance.Bucket
}

func newSearchThrottle() *searchThrottle {
	return &searchThrottle{buckets: map[string]grievance.Bucket{}}
}

func (t *searchThrottle) allow(orgID string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	b, _, ok := t.buckets[orgID].Take(now, searchRate)
	if ok {
		t.buckets[orgID] = b
	}
	if len(t.buckets) > 10000 { // forget idle organisations
		for id, b := range t.buckets {
			if b.TAT.Before(now) {
				delete(t.buckets, id)
			}
		}
	}
	return ok
}

// orgOf resolves the slug; false for an unknown one.
func (s *intakeHandlers) orgOf(ctx context.Context, slug string) (account.Org, bool) {
	if len(slug) > 64 {
		return account.Org{}, false
	}
	o, err := s.orgs.OrgBySlug(ctx, slug)
	return o, err == nil
}

// guidance returns the organisation's emergency guidance for the
// reporter, or "".
func (s *intakeHandlers) guidance(ctx context.Context, org account.Org, country, lang string) string {
	if org.ID == "" {
		return ""
	}
	all, err := s.orgs.EmergencyGuidance(ctx, org.ID)
	if err != nil {
		return ""
	}
	g, ok := account.PickGuidance(all, country, lang)
	if !ok {
		return ""
	}
	return g.Text
}

// orgIDOf resolves the slug. An unknown slug gives "", which every
// grievance call treats like an organisation with no reports, so the
// answers are the same as for a real organisation.
func (s *intakeHandlers) orgIDOf(ctx context.Context, slug string) string {
	if len(slug) > 64 {
		return ""
	}
	o, err := s.orgs.OrgBySlug(ctx, slug)
	if err != nil {
		return ""
	}
	return o.ID
}

// renderReporter writes a reporter page. Reporter pages are never cached
// and set no cookies.
func (s *intakeHandlers) renderReporter(w http.ResponseWriter, status int, p intakePage) {
	s.renderPublic(w, status, intakeTemplates, "report_doc", p.Page, p.Lang, p)
}

// renderPublic writes a page of the public, reporter-facing documents
// (intake and surveys): rendered into a buffer first, never cached, in the
// page's language. Such pages set no cookies.
func (b *base) renderPublic(w http.ResponseWriter, status int, t *template.Template, name, page, lang string, data any) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		b.log.Error("render public page", "template", name, "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", lang)
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func formData(lang string, f intakeForm) intakeFormData {
	d := intakeFormData{Narrative: f.Narrative, Supplier: f.SupplierText, SupplierID: f.SupplierID, Country: f.Country,
		Contact: f.Contact, Identity: f.Identity, Danger: f.Danger}
	checked := map[string]bool{}
	for _, c := range f.Categories {
		checked[c] = true
	}
	for _, c := range grievance.Categories() {
		d.Categories = append(d.Categories, categoryOption{Code: c, Label: grievance.Label(c, lang), Checked: checked[string(c)]})
	}
	given := map[string]bool{}
	for _, c := range f.Consents {
		given[c] = true
	}
	for _, p := range []grievance.Purpose{grievance.PurposeReferral, grievance.PurposeShareSupplier, grievance.PurposeShareAuthorities} {
		d.Purposes = append(d.Purposes, purposeOption{Code: string(p), Label: reporterText[lang]["consent_"+string(p)], Checked: given[string(p)]})
	}
	return d
}

func (s *intakeHandlers) intakeForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	lang := reporterLang(r, q.Get("lang"))
	p := s.newIntakePage(r, "form", lang)
	p.Form = formData(lang, intakeForm{})
	org, known := s.orgOf(r.Context(), p.Org)
	p.Guidance = s.guidance(r.Context(), org, "", lang)
	p.Search = known && org.SupplierSearch && s.suppliers != nil
	if query := strings.TrimSpace(q.Get("q")); p.Search && query != "" {
		switch s.offerSuppliers(r.Context(), &p, org, query) {
		case searchTooShort:
			p.Error = p.T["search_short"]
		case searchThrottled:
			p.Error = p.T["err_wait"]
			w.Header().Set("Retry-After", "60")
			s.renderReporter(w, http.StatusTooManyRequests, p)
			return
		}
	}
	s.renderReporter(w, http.StatusOK, p)
}

// How a supplier search for the form went.
type searchOutcome int

const (
	searchRan searchOutcome = iota
	searchTooShort
	searchThrottled
)

// offerSuppliers searches the register for query and puts the matches in
// the form (p.Query, p.Suppliers). The search helps a reporter name a
// workplace without listing the supplier register to anyone who asks:
// the organisation turns it on, names must start with what was typed (at
// least SearchMinRunes letters), at most SearchMaxNames are shown, and
// searches are throttled per organisation. Neither the query nor what it
// found is logged.
func (s *intakeHandlers) offerSuppliers(ctx context.Context, p *intakePage, org account.Org, query string) searchOutcome {
	p.Query = query
	p.Suppliers = []SupplierMatch{}
	switch {
	case utf8.RuneCountInString(query) < SearchMinRunes || len(query) > 200:
		return searchTooShort
	case !s.searches.allow(org.ID, s.clock.Now()):
		return searchThrottled
	}
	found, err := s.suppliers.FindSuppliers(ctx, org.ID, query, SearchMaxNames)
	if err == nil {
		p.Suppliers = found[:min(len(found), SearchMaxNames)]
	}
	return searchRan
}

// sendBack shows the form again with what was wrong and everything the
// worker typed or chose: the companies their search offered, with the one
// they picked, are offered again (the form carries the words searched,
// not the matches, so the names shown are the register's; the search
// counts against the organisation's throttle like any other, and when it
// is throttled the words stay in the search box). Files cannot be put
// back into a file field.
func (s *intakeHandlers) sendBack(w http.ResponseWriter, r *http.Request, p intakePage, status int, query string) {
	ctx := r.Context()
	if org, ok := s.orgOf(ctx, p.Org); ok {
		p.Guidance = s.guidance(ctx, org, "", p.Lang)
		p.Search = org.SupplierSearch && s.suppliers != nil
		if query = strings.TrimSpace(query); p.Search && query != "" {
			s.offerSuppliers(ctx, &p, org, query)
		}
	}
	s.renderReporter(w, status, p)
}

func (s *intakeHandlers) intakeSubmit(w http.ResponseWriter, r *http.Request) {
	f, err := readIntakeForm(w, r)
	lang := reporterLang(r, f.Lang)
	p := s.newIntakePage(r, "form", lang)
	p.Form = formData(lang, f)
	if err != nil {
		p.Error = reporterError(err, p.T)
		p.FilesAgain = len(f.Files) > 0 || isFileProblem(err)
		s.sendBack(w, r, p, statusOf(kernel.ErrorCode(err)), f.Query)
		return
	}
	p.FilesAgain = len(f.Files) > 0 // files chosen are asked for again if the form comes back
	sub, err := f.submission()
	if err != nil {
		p.Error = reporterError(err, p.T)
		s.sendBack(w, r, p, http.StatusBadRequest, f.Query)
		return
	}
	ctx := r.Context()
	orgID := s.orgIDOf(ctx, p.Org)
	keys, err := s.orgKeys(ctx, orgID)
	if err != nil {
		p.Page = "closed"
		s.renderReporter(w, http.StatusServiceUnavailable, p)
		return
	}
	rc, rep, err := s.grievance.Submit(ctx, keys, sub)
	if err != nil {
		if kernel.ErrorCode(err) == kernel.Internal {
			s.log.Error("grievance intake failed", "route", r.Pattern, "err", err)
		}
		p.Error = reporterError(err, p.T)
		if errors.Is(err, grievance.ErrBusy) {
			w.Header().Set("Retry-After", "120")
		}
		s.sendBack(w, r, p, statusOf(kernel.ErrorCode(err)), f.Query)
		return
	}
	p.Page = "receipt"
	p.Danger = f.Danger
	if org, ok := s.orgOf(ctx, p.Org); ok {
		p.Guidance = s.guidance(ctx, org, f.Country, lang)
	}
	p.Form = intakeFormData{}
	p.Receipt = rc.Display()
	p.Due = s.grievance.Deadline(rep).Due.String()
	s.renderReporter(w, http.StatusOK, p)
}

// orgKeys returns the organisation's keys, or an error that the caller
// answers with the same "not accepting reports" page for an unknown
// organisation, one without a recovery key, and a server without the
// grievance service.
func (s *intakeHandlers) orgKeys(ctx context.Context, orgID string) (grievance.OrgKeys, error) {
	if orgID == "" || !s.accepting {
		return grievance.OrgKeys{}, kernel.Errorf(kernel.Unavailable, "not accepting reports")
	}
	return s.keys.OrgKeys(ctx, orgID)
}

func (s *intakeHandlers) followUpForm(w http.ResponseWriter, r *http.Request) {
	lang := reporterLang(r, r.URL.Query().Get("lang"))
	p := s.newIntakePage(r, "followup", lang)
	if org, ok := s.orgOf(r.Context(), p.Org); ok {
		p.Guidance = s.guidance(r.Context(), org, "", lang)
	}
	s.renderReporter(w, http.StatusOK, p)
}

// maxFollowUpBody bounds a follow-up form: a receipt and one message.
const maxFollowUpBody = 64 << 10

func (s *intakeHandlers) followUpSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFollowUpBody)
	parseErr := r.ParseForm()
	lang := reporterLang(r, r.PostForm.Get("lang"))
	p := s.newIntakePage(r, "followup", lang)
	if parseErr != nil {
		p.Error = "The form could not be read; please try again."
		s.renderReporter(w, http.StatusBadRequest, p)
		return
	}
	ctx := r.Context()
	fail := func(err error) {
		code := kernel.ErrorCode(err)
		if code == kernel.Internal {
			s.log.Error("grievance follow-up failed", "route", r.Pattern, "err", err)
		}
		p.Error = reporterError(err, p.T)
		s.renderReporter(w, statusOf(code), p)
	}
	if !s.accepting {
		fail(grievance.ErrReceiptNotRecognised)
		return
	}
	rc, err := grievance.ParseReceipt(r.PostForm.Get("receipt"))
	if err != nil {
		// A malformed receipt gets the same answer as a wrong one.
		fail(grievance.ErrReceiptNotRecognised)
		return
	}
	rs, err := s.grievance.OpenWithReceipt(ctx, s.orgIDOf(ctx, p.Org), rc)
	if err != nil {
		fail(err)
		return
	}
	defer rs.Close()
	p.Receipt = rc.Display()
	var actErr error
	switch r.PostForm.Get("action") {
	case "message":
		actErr = rs.AddMessage(ctx, r.PostForm.Get("text"))
	case "remedy":
		actErr = rs.RespondToRemedy(ctx, r.PostForm.Get("remedy"), r.PostForm.Get("decision") == "accept", r.PostForm.Get("comment"))
	case "consent":
		actErr = rs.SetConsent(ctx, grievance.Purpose(r.PostForm.Get("purpose")), r.PostForm.Get("granted") == "yes")
	case "", "open":
	default:
		actErr = kernel.Errorf(kernel.Invalid, "unknown action")
	}
	if actErr != nil {
		p.Error = reporterError(actErr, p.T)
	} else if a := r.PostForm.Get("action"); a != "" && a != "open" {
		p.Notice = "saved"
	}
	v, err := rs.View(ctx)
	if err != nil {
		fail(err)
		return
	}
	p.Page = "view"
	p.View = &v
	p.Form = formData(lang, intakeForm{})
	p.StageLabel = grievance.StageLabel(v.Stage, lang)
	for _, c := range v.Categories {
		p.CategoryLabels = append(p.CategoryLabels, grievance.Label(c, lang))
	}
	if v.Deadline.HasDue {
		p.Due = v.Deadline.Due.String()
	}
	status := http.StatusOK
	if actErr != nil {
		status = statusOf(kernel.ErrorCode(actErr))
	}
	s.renderReporter(w, status, p)
}

// isFileProblem says err is about the files attached.
func isFileProblem(err error) bool {
	return errors.Is(err, errFileType) || errors.Is(err, errTooManyFiles) || errors.Is(err, errFileTooLarge) ||
		errors.Is(err, errReportTooLarge) || errors.Is(err, grievance.ErrFileNotCleanable)
}

// reporterError words the errors reporters meet most in their language;
// other errors keep the service's own message.
func reporterError(err error, t map[string]string) string {
	switch {
	case errors.Is(err, grievance.ErrReceiptNotRecognised):
		return t["err_receipt"]
	case errors.Is(err, grievance.ErrTooManyAttempts):
		return t["err_wait"]
	case errors.Is(err, grievance.ErrBusy):
		return t["err_busy"]
	case errors.Is(err, grievance.ErrNothingReported):
		return t["err_describe"]
	case errors.Is(err, grievance.ErrFileNotCleanable):
		return t["err_file"]
	case errors.Is(err, errBadCountry):
		return t["err_country"]
	case errors.Is(err, errFileType):
		return t["err_file_type"]
	case errors.Is(err, errTooManyFiles), errors.Is(err, errFileTooLarge), errors.Is(err, errReportTooLarge):
		return t["err_file_size"]
	}
	return kernel.ErrorMessage(err)
}

// today is the server's day, for webhook bookkeeping.
func (s *intakeHandlers) today() grievance.Day {
	return grievance.Today(s.clock)
}
