package web

import (
	"html/template"
	"net/http"

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
	data := map[string]any{"User": p.User, "Tokens": tokens}
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
	_, plain, err := s.accounts.CreateAPIToken(r.Context(), p.User, r.FormValue("name"))
	if err != nil {
		s.failOnAccount(w, r, err)
		return
	}
	s.renderAccount(w, r, http.StatusCreated, map[string]any{"NewToken": plain})
}

func (s *accountHandlers) tokenRevoke(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	if err := s.accounts.RevokeAPIToken(r.Context(), p.User.OrgID, p.User.ID, r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/account", "API token revoked: it no longer works.")
}

// failOnAccount shows user mistakes on the account page itself.
func (s *accountHandlers) failOnAccount(w http.ResponseWriter, r *http.Request, err error) {
	if code := kernel.ErrorCode(err); code == kernel.Invalid || code == kernel.Conflict {
		s.renderAccount(w, r, statusOf(code), map[string]any{"Error": kernel.ErrorMessage(err)})
		return
	}
	s.fail(w, r, err)
}
