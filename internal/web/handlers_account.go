package web

import (
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/kernel"
)

func (s *accountHandlers) accountPage(w http.ResponseWriter, r *http.Request) {
	s.renderAccount(w, r, http.StatusOK, nil)
}

func (s *accountHandlers) renderAccount(w http.ResponseWriter, r *http.Request, status int, extra map[string]any) {
	p := principalOf(r)
	tokens, err := s.accounts.Store.ListAPITokens(r.Context(), p.User.OrgID, p.User.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.clock.Now()
	loc := s.localeOf(r)
	rows := make([]tokenRow, len(tokens))
	for i, t := range tokens {
		rows[i] = tokenRow{ID: t.ID, Name: t.Name, Prefix: t.Prefix, State: t.State(now), Access: scopeLabels(loc, t.Scopes),
			Created: loc.date(t.CreatedAt), Expires: loc.tr("never"), Used: loc.tr("never")}
		if !t.ExpiresAt.IsZero() {
			rows[i].Expires = loc.dateTime(t.ExpiresAt)
		}
		if !t.LastUsedAt.IsZero() {
			rows[i].Used = loc.dateTime(t.LastUsedAt)
		}
	}
	expiries := make([]tokenExpiry, len(tokenExpiries))
	for i, e := range tokenExpiries {
		expiries[i] = e
		expiries[i].Label = loc.tr(e.Label)
	}
	var areas []tokenAreaChoice
	for _, a := range account.ScopeAreas {
		lv := a.Levels(p.User.Role)
		if len(lv) > 0 {
			areas = append(areas, tokenAreaChoice{Name: a.Name, Label: loc.tr(escapeVerbs(a.Label)), CanRead: slices.Contains(lv, account.LevelRead),
				CanWrite: slices.Contains(lv, account.LevelWrite)})
		}
	}
	data := map[string]any{"User": p.User, "Tokens": rows, "TokenAreas": areas, "TokenExpiries": expiries,
		"Languages": s.locales.list, "Browser": s.locales.match(r.Header.Get("Accept-Language"))}
	if a := s.approvals; a != nil && p.Can(account.PermCasesHandle) {
		fp, approved, err := a.OwnKey(r.Context(), p.User.OrgID, p.User.ID)
		if err != nil && !kernel.IsCode(err, kernel.NotFound) {
			s.fail(w, r, err)
			return
		}
		data["KeyFingerprint"], data["KeyApproved"] = fp, approved
	}
	for k, v := range extra {
		data[k] = v
	}
	s.render(w, r, status, "account.html", data)
}

func (s *accountHandlers) totpBegin(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	secret, uri, err := s.accounts.BeginTOTP(r.Context(), p.User)
	if err != nil {
		s.failOnAccount(w, r, err)
		return
	}
	// The QR code is drawn here, so enrolment needs no script and the
	// secret never leaves this page. The otpauth: link is marked as a
	// checked URL: html/template would otherwise replace the scheme it does
	// not know with #ZgotmplZ.
	qr, err := qrSVG(uri)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderAccount(w, r, http.StatusOK, map[string]any{"TOTPSecret": secret, "TOTPURI": template.URL(uri), "TOTPQR": template.HTML(qr)})
}

func (s *accountHandlers) totpConfirm(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	codes, err := s.accounts.ConfirmTOTP(r.Context(), p.User.OrgID, p.User.ID, r.FormValue("code"))
	if err != nil {
		s.failOnAccount(w, r, err)
		return
	}
	// Reload so the page shows the factor as enrolled.
	u, err := s.accounts.Store.User(r.Context(), p.User.OrgID, p.User.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderAccount(w, r, http.StatusOK, map[string]any{"User": u, "RecoveryCodes": codes})
}

func (s *accountHandlers) tokenCreate(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	req, err := s.tokenRequest(r, p.User.Role)
	if err != nil {
		s.failOnAccount(w, r, err)
		return
	}
	t, plain, err := s.accounts.CreateAPIToken(r.Context(), p.User, req)
	if err != nil {
		s.failOnAccount(w, r, err)
		return
	}
	s.renderAccount(w, r, http.StatusCreated, map[string]any{"NewToken": plain, "NewTokenName": t.Name})
}

// tokenExpiries are the lifetimes the token form offers, in days; 0 is
// "never".
var tokenExpiries = []tokenExpiry{
	{"7", translatable("in 7 days"), 7}, {"30", translatable("in 30 days"), 30}, {"90", translatable("in 90 days"), 90}, {"365", translatable("in a year"), 365},
	{"never", translatable("never (not advised)"), 0},
}

// tokenExpiry is one lifetime the token form offers.
type tokenExpiry struct {
	Value, Label string
	Days         int
}

// tokenRequest reads the token form: a name, one access level per area
// (scope_AREA = read or write) and the expiry (a lifetime, or a date that
// takes precedence).
func (s *accountHandlers) tokenRequest(r *http.Request, role account.Role) (account.TokenRequest, error) {
	req := account.TokenRequest{Name: r.FormValue("name")}
	for _, a := range account.ScopeAreas {
		switch lv := r.FormValue("scope_" + a.Name); lv {
		case "", "none":
		case account.LevelRead, account.LevelWrite:
			req.Scopes = append(req.Scopes, account.Scope(a.Name+":"+lv))
		default:
			return req, kernel.Errorf(kernel.Invalid, "access to %s must be none, read or write", strings.ToLower(a.Label))
		}
	}
	now := s.clock.Now()
	if d := strings.TrimSpace(r.FormValue("expires_on")); d != "" {
		day, err := time.Parse("2006-01-02", d)
		if err != nil {
			return req, kernel.Errorf(kernel.Invalid, "the expiry date %q is not a date (year-month-day)", d)
		}
		req.ExpiresAt = day
		return req, nil
	}
	for _, e := range tokenExpiries {
		if e.Value == r.FormValue("expires") {
			if e.Days > 0 {
				req.ExpiresAt = now.Add(time.Duration(e.Days) * 24 * time.Hour)
			}
			return req, nil
		}
	}
	return req, kernel.Errorf(kernel.Invalid, "choose when the token expires")
}

func (s *accountHandlers) tokenRevoke(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	said := s.tr(r, "The API token is revoked: it no longer works.")
	if toks, err := s.accounts.Store.ListAPITokens(r.Context(), p.User.OrgID, p.User.ID); err == nil {
		for _, t := range toks {
			if t.ID == r.PathValue("id") {
				said = s.tr(r, "API token \u201c%v\u201d is revoked: it no longer works.", t.Name)
			}
		}
	}
	if err := s.accounts.RevokeAPIToken(r.Context(), p.User.OrgID, p.User.ID, r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/account", said)
}

// languageSet records the language the person reads the staff pages in,
// and says so in that language. An empty choice follows the browser.
func (s *accountHandlers) languageSet(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	code := r.FormValue("language")
	if code != "" && s.locales.get(code) == nil {
		s.renderAccount(w, r, http.StatusBadRequest, map[string]any{"Error": s.tr(r, "Language: choose one of the languages offered.")})
		return
	}
	if err := s.accounts.SetLanguage(r.Context(), p.User.OrgID, p.User.ID, code); err != nil {
		s.failOnAccount(w, r, err)
		return
	}
	if code == "" {
		l := s.locales.match(r.Header.Get("Accept-Language"))
		s.done(w, r, "/account", l.tr("The pages now follow your browser's language (%s).", l.Name))
		return
	}
	l := s.locales.get(code)
	s.done(w, r, "/account", l.tr("The pages are now in %s.", l.Name))
}

// tokenRow is one API token as the account page shows it.
type tokenRow struct {
	ID, Name, Prefix, State string
	Access                  []string
	Created, Expires, Used  string
}

// tokenAreaChoice is one area of the token form with the levels the
// user's role allows there.
type tokenAreaChoice struct {
	Name, Label       string
	CanRead, CanWrite bool
}

// failOnAccount shows user mistakes on the account page itself.
func (s *accountHandlers) failOnAccount(w http.ResponseWriter, r *http.Request, err error) {
	if code := kernel.ErrorCode(err); code == kernel.Invalid || code == kernel.Conflict {
		s.renderAccount(w, r, statusOf(code), map[string]any{"Error": kernel.ErrorMessage(err)})
		return
	}
	s.fail(w, r, err)
}

// scopeLabels says what a token may do, area by area, in loc's language
// (account.Scopes.Labels says it in English for the API and the CLI).
func scopeLabels(loc *locale, ss account.Scopes) []string {
	var out []string
	for _, a := range account.ScopeAreas {
		area := loc.tr(escapeVerbs(a.Label))
		switch {
		case slices.Contains(ss, account.Scope(a.Name+":"+account.LevelWrite)):
			out = append(out, loc.tr("%v: read and write", area))
		case slices.Contains(ss, account.Scope(a.Name+":"+account.LevelRead)):
			out = append(out, loc.tr("%v: read only", area))
		}
	}
	return out
}
