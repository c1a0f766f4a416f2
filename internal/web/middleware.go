package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/upstream-platform/upstream/internal/account"
	"github.com/upstream-platform/upstream/internal/kernel"
)

type ctxKey int

const (
	principalKey ctxKey = iota
	requestIDKey
)

const sessionCookie = "upstream_session"

func itoa(n int) string { return strconv.Itoa(n) }

// principalOf returns the signed-in principal of a guarded request.
func principalOf(r *http.Request) account.Principal {
	p, _ := r.Context().Value(principalKey).(account.Principal)
	return p
}

func requestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey).(string)
	return id
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// guard authenticates and authorises a request for rt: the only place
// where permissions are checked.
func (s *Server) guard(rt route) http.Handler {
	limit := bodyLimit(rt.pattern)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		if rt.access != signedIn {
			defer removeUploads(r)
			if isAPI(r) {
				s.serveAPI(w, r, rt, "", rt.handler)
				return
			}
			rt.handler(w, r)
			return
		}
		p, err := s.authenticate(r)
		if err != nil {
			if !isAPI(r) && r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.fail(w, r, err)
			return
		}
		change := r.Method != http.MethodGet && r.Method != http.MethodHead
		if !p.CanRequest(rt.perm, change) {
			if account.Allowed(p.User.Role, rt.perm) { // the role would, the token's scopes do not
				scope, _ := account.NeededScope(rt.perm, change)
				s.fail(w, r, kernel.Errorf(kernel.Forbidden, "this API token's scopes do not allow this: it needs %s", scope))
				return
			}
			s.fail(w, r, kernel.Errorf(kernel.Forbidden, "your role (%s) does not allow this", p.User.Role))
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), principalKey, p))
		defer removeUploads(r)
		if isAPI(r) {
			s.serveAPI(w, r, rt, p.User.ID, rt.handler)
			return
		}
		rt.handler(w, r)
	})
}

// defaultBodyLimit bounds the body of every request whose route is not an
// upload: forms, JSON and small files (a theory-of-change map).
const defaultBodyLimit = 2 << 20

// uploadLimits are the routes that take files larger than the default;
// their handlers apply their own, exact limits within these.
var uploadLimits = map[string]int64{
	"POST /report/{org}":                            maxIntakeBody,
	"POST /suppliers/import":                        maxImportBytes,
	"POST /api/v1/suppliers/import":                 maxImportBytes,
	"POST /impact/programmes/{id}/observations":     maxCSVUpload,
	"POST /api/v1/programmes/{id}/observations/csv": maxCSVUpload,
}

func bodyLimit(pattern string) int64 {
	if n, ok := uploadLimits[pattern]; ok {
		return n
	}
	return defaultBodyLimit
}

// removeUploads deletes the temporary files a multipart form left on
// disk. The server removes them only for the request it made, not for the
// copies middleware hands to handlers.
func removeUploads(r *http.Request) {
	if r.MultipartForm != nil {
		r.MultipartForm.RemoveAll()
	}
}

// authenticate reads a bearer token on API routes and the session cookie
// elsewhere. API routes also accept the session, so pages may call them.
func (s *Server) authenticate(r *http.Request) (account.Principal, error) {
	if isAPI(r) {
		if h := r.Header.Get("Authorization"); h != "" {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				return account.Principal{}, kernel.Errorf(kernel.Unauthorised, "the Authorization header must be 'Bearer TOKEN'")
			}
			return s.accounts.AuthenticateToken(r.Context(), strings.TrimSpace(token))
		}
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return account.Principal{}, kernel.Errorf(kernel.Unauthorised, "please sign in")
	}
	return s.accounts.Authenticate(r.Context(), c.Value)
}

// securityHeaders sets the headers every response carries. The CSP allows
// only Upstream's own files: no inline script or style.
func securityHeaders(next http.Handler) http.Handler {
	const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// crossOrigin refuses state-changing requests that a browser sends from
// another site (Sec-Fetch-Site / Origin checks). API clients with bearer
// tokens send neither header and pass.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, kernel.Errorf(kernel.Forbidden, "cross-site request refused"))
	}))
	// Reporter routes, matched exactly as the server matches them.
	reporter := http.NewServeMux()
	for _, rt := range s.routes() {
		if rt.access == reporterRoute {
			reporter.Handle(rt.pattern, http.NotFoundHandler())
		}
	}
	protected := cop.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Older phone browsers post a form with "Origin: null" and no
		// Sec-Fetch-Site (a page opened from a file, or privacy
		// settings). A reporter on such a phone must still be able to
		// report; the reporter pages hold no session to ride on, so
		// there is nothing for a forged post to borrow. Staff routes
		// keep the full check, and a browser that says cross-site is
		// refused everywhere.
		if r.Header.Get("Origin") == "null" && r.Header.Get("Sec-Fetch-Site") == "" {
			if _, pattern := reporter.Handler(r); pattern != "" {
				next.ServeHTTP(w, r)
				return
			}
		}
		protected.ServeHTTP(w, r)
	})
}

// statusWriter records the status for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe gives each request an ID, and records an access log line and
// metrics. The log never holds the client address, query strings or bodies.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-ID")
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-ID", id)
		sw := &statusWriter{ResponseWriter: w}
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey, id))
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		elapsed := time.Since(start)
		pattern := r.Pattern
		if pattern == "" {
			pattern = "unmatched"
		}
		// Reporter routes are neither logged nor counted: a counter that
		// moves is a timestamp of a report.
		if s.quiet[r.Pattern] {
			return
		}
		s.metrics.observe(pattern, sw.status, elapsed)
		s.log.Info("request", "id", id, "method", r.Method, "route", pattern,
			"status", sw.status, "bytes", sw.bytes, "ms", float64(elapsed.Microseconds())/1000)
	})
}

func validRequestID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "route", r.Pattern, "panic", v)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}
