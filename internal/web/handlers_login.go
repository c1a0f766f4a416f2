package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/kernel"
)

func (s *accountHandlers) loginPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "login.html", map[string]any{"Next": safeNext(r.URL.Query().Get("next"))})
}

// safeNext keeps redirects after sign-in on this site.
//
// The value is parsed, not matched: it must be a path on this host with no
// scheme, host or user, and no character a browser drops or reads as a
// slash. "/\t/evil.example/x" (from "next=/%09/evil.example/x") passes a
// prefix check, but a browser removes the tab and goes to
// //evil.example/x, off this site.
func safeNext(next string) string {
	if next == "" || len(next) > 2048 {
		return "/"
	}
	for _, c := range next {
		if c < 0x20 || c == 0x7f || c == '\\' {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return "/"
	}
	out := (&url.URL{Path: u.Path, RawPath: u.RawPath, RawQuery: u.RawQuery}).String()
	if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") {
		return "/"
	}
	return out
}

func (s *accountHandlers) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, kernel.Errorf(kernel.Invalid, "the form could not be read"))
		return
	}
	email, password, code := r.PostForm.Get("email"), r.PostForm.Get("password"), r.PostForm.Get("code")
	next := safeNext(r.PostForm.Get("next"))
	_, token, err := s.accounts.Login(r.Context(), email, password, code)
	if err != nil {
		code := kernel.ErrorCode(err)
		if code == kernel.Internal {
			s.fail(w, r, err)
			return
		}
		data := map[string]any{"Email": email, "Next": next, "Error": kernel.ErrorMessage(err),
			"NeedCode": errors.Is(err, account.ErrSecondFactor)}
		s.render(w, r, statusOf(code), "login.html", data)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.cfg.CookieSecure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *accountHandlers) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.accounts.Logout(r.Context(), c.Value); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.cfg.CookieSecure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
