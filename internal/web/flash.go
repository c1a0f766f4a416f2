package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
)

// A flash is the sentence the next page shows after a form changed
// something ("Alert acknowledged."). The handler that made the change puts
// it in a short-lived cookie and redirects (post, redirect, get), so a
// reload does not repeat the change and the address bar carries nothing a
// link could forge. The cookie is signed with the browser's own session
// token: a cookie tossed in from a neighbouring site, or copied from
// another person's browser, is not shown.
const (
	flashCookie = "upstream_flash"
	// maxFlash bounds the message, well inside a browser's cookie limit.
	maxFlash = 1200
)

// flashMAC signs msg with the session token.
func flashMAC(session, msg string) []byte {
	m := hmac.New(sha256.New, []byte(session))
	m.Write([]byte("upstream flash\x00"))
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// setFlash leaves msg for the next page of this signed-in browser; without
// a session it does nothing.
func (s *base) setFlash(w http.ResponseWriter, r *http.Request, msg string) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || msg == "" {
		return
	}
	if len(msg) > maxFlash {
		msg = strings.ToValidUTF8(msg[:maxFlash], "") + "…"
	}
	enc := base64.RawURLEncoding
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: enc.EncodeToString([]byte(msg)) + "." + enc.EncodeToString(flashMAC(c.Value, msg)),
		Path: "/", MaxAge: 120, HttpOnly: true, Secure: s.cfg.CookieSecure, SameSite: http.SameSiteLaxMode})
}

// done says what a form did and sends the browser on to the page to see
// it. A fixed English sentence is translated here; a sentence with values
// in it comes already translated (s.tr) and passes unchanged.
func (s *base) done(w http.ResponseWriter, r *http.Request, to, msg string) {
	s.setFlash(w, r, s.localeOf(r).tr(escapeVerbs(msg)))
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// takeFlash returns the message left for this browser, once: the cookie is
// cleared as it is read. A message whose signature does not match the
// session is dropped.
func (s *base) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.cfg.CookieSecure, SameSite: http.SameSiteLaxMode})
	session, err := r.Cookie(sessionCookie)
	if err != nil || session.Value == "" {
		return ""
	}
	body, sig, ok := strings.Cut(c.Value, ".")
	if !ok {
		return ""
	}
	enc := base64.RawURLEncoding
	msg, err1 := enc.DecodeString(body)
	mac, err2 := enc.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, flashMAC(session.Value, string(msg))) {
		return ""
	}
	return string(msg)
}
