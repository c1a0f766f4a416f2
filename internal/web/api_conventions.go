package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"hash/fnv"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/upstream-platform/upstream/internal/kernel"
)

// The conventions every API route shares, applied around its handler by
// the guard: rate limits (RateLimit and RateLimit-Policy headers, 429 with
// Retry-After), idempotency keys on POST, ETag and If-None-Match on reads,
// If-Match on updates of a resource that has a read. docs/api.md describes
// them for integrators.

// apiConventions holds what the conventions need across requests.
type apiConventions struct {
	clock       kernel.Clock
	limits      *rateLimiter
	idempotency IdempotencyStore
	// docs says, per route pattern, which resource an update changes.
	docs map[string]apiDoc
	// locks serialise conditional updates of one resource on this server,
	// so that the If-Match check and the change are one step.
	locks [64]sync.Mutex
}

func newAPIConventions(clock kernel.Clock, limit int, store IdempotencyStore, counter RateCounter) *apiConventions {
	if limit <= 0 {
		limit = DefaultAPIRateLimit
	}
	if store == nil {
		store = NewMemoryIdempotency(clock)
	}
	c := &apiConventions{clock: clock, limits: newRateLimiter(clock, limit, time.Minute, counter), idempotency: store, docs: map[string]apiDoc{}}
	for _, d := range apiDocs() {
		c.docs[d.pattern] = d
	}
	return c
}

// DefaultAPIRateLimit is how many API requests one user may make a minute.
const DefaultAPIRateLimit = 600

// serveAPI runs h under the conventions for a request of user (empty for
// routes open to anyone).
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, rt route, user string, h http.HandlerFunc) {
	c := s.conventions
	if user != "" {
		remaining, reset, ok, err := c.limits.take(r.Context(), user)
		if err != nil {
			s.log.Error("counting an API request", "err", err)
		}
		policy := strconv.Quote("per-user") + ";q=" + strconv.Itoa(c.limits.limit) + ";w=" + strconv.Itoa(int(c.limits.window.Seconds()))
		w.Header().Set("RateLimit-Policy", policy)
		w.Header().Set("RateLimit", strconv.Quote("per-user")+";r="+strconv.Itoa(remaining)+";t="+strconv.Itoa(reset))
		if !ok {
			w.Header().Set("Retry-After", strconv.Itoa(reset))
			writeProblem(w, r, http.StatusTooManyRequests, kernel.Errorf(kernel.RateLimited,
				"more than %d requests in a minute: wait %d seconds", c.limits.limit, reset), nil)
			return
		}
	}
	switch r.Method {
	case http.MethodGet:
		s.serveRead(w, r, h)
	case http.MethodPost:
		if key := r.Header.Get("Idempotency-Key"); key != "" && user != "" {
			s.serveIdempotent(w, r, rt, user, key, h)
			return
		}
		s.serveUpdate(w, r, rt, h)
	default:
		s.serveUpdate(w, r, rt, h)
	}
}

// bufferedResponse holds a response until it is complete, so that its
// ETag can be computed or it can be stored for replay.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBufferedResponse() *bufferedResponse { return &bufferedResponse{header: http.Header{}} }

func (b *bufferedResponse) Header() http.Header { return b.header }
func (b *bufferedResponse) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}
func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// copyTo sends the buffered response to w.
func (b *bufferedResponse) copyTo(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	if b.status == 0 {
		b.status = http.StatusOK
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes())
}

// etagOf is a strong validator of a representation: a hash of its bytes
// and its media type.
func etagOf(contentType string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(contentType))
	h.Write([]byte{0})
	h.Write(body)
	return `"` + base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:18]) + `"`
}

// etagMatches reports whether a If-None-Match or If-Match list names tag
// ("*" names any).
func etagMatches(list, tag string) bool {
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == tag {
			return true
		}
	}
	return false
}

// serveRead answers a GET with an ETag, and 304 when If-None-Match names
// it.
func (s *Server) serveRead(w http.ResponseWriter, r *http.Request, h http.HandlerFunc) {
	buf := newBufferedResponse()
	h(buf, r)
	if buf.status != http.StatusOK && buf.status != 0 {
		buf.copyTo(w)
		return
	}
	tag := etagOf(buf.header.Get("Content-Type"), buf.body.Bytes())
	buf.header.Set("ETag", tag)
	if buf.header.Get("Cache-Control") == "no-store" {
		// Stored by the client only, and checked with the server each time.
		buf.header.Set("Cache-Control", "private, no-cache")
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, tag) {
		w.Header().Set("ETag", tag)
		w.Header().Set("Cache-Control", buf.header.Get("Cache-Control"))
		w.WriteHeader(http.StatusNotModified)
		return
	}
	buf.copyTo(w)
}

// currentETag reads the resource an update of rt changes, as the caller
// would with a GET, and returns its ETag; "" when it cannot be read.
func (s *Server) currentETag(r *http.Request, resource string) (string, int) {
	path := pathParamRE.ReplaceAllStringFunc(resource, func(m string) string {
		return r.PathValue(strings.Trim(m, "{}"))
	})
	get, _ := http.NewRequestWithContext(r.Context(), http.MethodGet, path, nil)
	for _, k := range []string{"Authorization", "Cookie"} {
		if v := r.Header.Get(k); v != "" {
			get.Header.Set(k, v)
		}
	}
	buf := newBufferedResponse()
	s.mux.ServeHTTP(buf, get)
	if buf.status != http.StatusOK {
		return "", buf.status
	}
	return etagOf(buf.header.Get("Content-Type"), buf.body.Bytes()), http.StatusOK
}

// serveUpdate runs a change, first checking If-Match against the current
// representation of the resource it changes.
func (s *Server) serveUpdate(w http.ResponseWriter, r *http.Request, rt route, h http.HandlerFunc) {
	im := r.Header.Get("If-Match")
	if im == "" {
		h(w, r)
		return
	}
	resource := s.conventions.docs[rt.pattern].resource
	if resource == "" {
		writeProblem(w, r, http.StatusBadRequest, kernel.Errorf(kernel.Invalid,
			"If-Match is not supported on %s: it changes no single resource with a read of its own", rt.pattern), nil)
		return
	}
	lock := &s.conventions.locks[lockIndex(resource, r)]
	lock.Lock()
	defer lock.Unlock()
	tag, status := s.currentETag(r, resource)
	if status != http.StatusOK {
		writeProblem(w, r, status, kernel.Errorf(codeOfStatus(status), "the resource this changes cannot be read (status %d)", status), nil)
		return
	}
	if !etagMatches(im, tag) {
		w.Header().Set("ETag", tag)
		writeProblem(w, r, http.StatusPreconditionFailed, kernel.Errorf(kernel.Conflict,
			"the resource changed since you read it (its ETag is now %s): read it again, then retry", tag), nil)
		return
	}
	h(w, r)
}

func lockIndex(resource string, r *http.Request) int {
	h := fnv.New32a()
	h.Write([]byte(resource))
	for _, m := range pathParamRE.FindAllStringSubmatch(resource, -1) {
		h.Write([]byte{0})
		h.Write([]byte(r.PathValue(m[1])))
	}
	return int(h.Sum32() % 64)
}

func codeOfStatus(status int) kernel.Code {
	switch status {
	case http.StatusNotFound:
		return kernel.NotFound
	case http.StatusForbidden:
		return kernel.Forbidden
	case http.StatusUnauthorized:
		return kernel.Unauthorised
	}
	return kernel.Internal
}

// maxIdempotentMemory is the largest body fingerprinted in memory; larger
// uploads are spooled to a temporary file while they are hashed.
const maxIdempotentMemory = 1 << 20

// serveIdempotent runs a POST once per idempotency key: the same key with
// the same request replays the stored answer, with another request is
// refused (422), and while the first is still running is refused (409).
func (s *Server) serveIdempotent(w http.ResponseWriter, r *http.Request, rt route, user, key string, h http.HandlerFunc) {
	if len(key) > 255 || strings.ContainsFunc(key, func(c rune) bool { return c < 0x21 || c > 0x7e }) {
		writeProblem(w, r, http.StatusBadRequest, kernel.InvalidField("Idempotency-Key", "must be 1 to 255 visible ASCII characters"), nil)
		return
	}
	fp, cleanup, err := fingerprint(r)
	if cleanup != nil {
		defer cleanup()
	}
	if err != nil {
		writeProblem(w, r, http.StatusBadRequest, kernel.Errorf(kernel.Invalid, "reading the request body: %v", err), nil)
		return
	}
	c := s.conventions
	scope := user + " " + rt.pattern
	state, stored, err := c.idempotency.Begin(r.Context(), scope, key, fp)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch state {
	case IdempotencyReplay:
		for k, v := range stored.Header {
			w.Header()[k] = v
		}
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(stored.Status)
		_, _ = w.Write(stored.Body)
		return
	case IdempotencyInFlight:
		writeProblem(w, r, http.StatusConflict, kernel.Errorf(kernel.Conflict,
			"a request with this Idempotency-Key is still being processed: retry when it has finished"), nil)
		return
	case IdempotencyMismatch:
		writeProblem(w, r, http.StatusUnprocessableEntity, kernel.InvalidField("Idempotency-Key",
			"was used for a different request: use a new key for a new request"), nil)
		return
	}
	buf := newBufferedResponse()
	// The key is released if the handler panics, so a retry can run.
	completed := false
	defer func() {
		if !completed {
			_ = c.idempotency.Release(context.WithoutCancel(r.Context()), scope, key)
		}
	}()
	s.serveUpdate(buf, r, rt, h)
	if buf.status >= 500 || buf.status == http.StatusTooManyRequests {
		// Not the request's fault: a retry with the same key runs again.
		_ = c.idempotency.Release(context.WithoutCancel(r.Context()), scope, key)
	} else {
		hdr := http.Header{}
		for _, k := range []string{"Content-Type", "Location", "Content-Disposition"} {
			if v := buf.header.Get(k); v != "" {
				hdr.Set(k, v)
			}
		}
		if err := c.idempotency.Complete(context.WithoutCancel(r.Context()), scope, key,
			StoredResponse{Status: buf.status, Header: hdr, Body: buf.body.Bytes()}); err != nil {
			s.log.Error("storing an idempotent answer", "route", rt.pattern, "err", err)
		}
	}
	completed = true
	buf.copyTo(w)
}

// fingerprint hashes what makes a request the same request: its path,
// query, media type and body. It leaves r.Body readable again.
func fingerprint(r *http.Request) (string, func(), error) {
	h := sha256.New()
	h.Write([]byte(r.URL.Path + "?" + r.URL.RawQuery + "\x00" + r.Header.Get("Content-Type") + "\x00"))
	if r.Body == nil || r.Body == http.NoBody {
		return base64.RawURLEncoding.EncodeToString(h.Sum(nil)), nil, nil
	}
	var mem bytes.Buffer
	n, err := io.CopyN(io.MultiWriter(h, &mem), r.Body, maxIdempotentMemory+1)
	if err != nil && err != io.EOF {
		return "", nil, err
	}
	if n <= maxIdempotentMemory {
		r.Body = io.NopCloser(&mem)
		return base64.RawURLEncoding.EncodeToString(h.Sum(nil)), nil, nil
	}
	// A large upload: spool it to disk while hashing the rest.
	f, err := os.CreateTemp("", "upstream-idempotent-*")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { f.Close(); os.Remove(f.Name()) }
	if _, err := f.Write(mem.Bytes()); err != nil {
		return "", cleanup, err
	}
	if _, err := io.Copy(io.MultiWriter(h, f), r.Body); err != nil {
		return "", cleanup, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", cleanup, err
	}
	r.Body = f
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)), cleanup, nil
}

// RateCounter counts requests per subject in fixed windows. Count must be
// atomic among every server that shares the counter: two servers counting
// one user's requests at once must never both see the same count.
type RateCounter interface {
	// Count counts one request of subject in the window starting at
	// window and returns the count so far, this one included.
	Count(ctx context.Context, subject string, window time.Time) (int, error)
}

// MemoryRateCounter counts in this server's memory: right for one server.
type MemoryRateCounter struct {
	mu     sync.Mutex
	counts map[string]*rateWindow
}

type rateWindow struct {
	start time.Time
	n     int
}

// NewMemoryRateCounter returns an empty counter.
func NewMemoryRateCounter() *MemoryRateCounter {
	return &MemoryRateCounter{counts: map[string]*rateWindow{}}
}

func (m *MemoryRateCounter) Count(_ context.Context, subject string, window time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rw := m.counts[subject]
	if rw == nil || !rw.start.Equal(window) {
		if len(m.counts) > 100000 {
			for k, old := range m.counts {
				if old.start.Before(window) {
					delete(m.counts, k)
				}
			}
		}
		rw = &rateWindow{start: window}
		m.counts[subject] = rw
	}
	rw.n++
	return rw.n, nil
}

// rateLimiter holds each user to limit requests per window.
type rateLimiter struct {
	clock   kernel.Clock
	limit   int
	window  time.Duration
	counter RateCounter
}

func newRateLimiter(clock kernel.Clock, limit int, window time.Duration, counter RateCounter) *rateLimiter {
	if counter == nil {
		counter = NewMemoryRateCounter()
	}
	return &rateLimiter{clock: clock, limit: limit, window: window, counter: counter}
}

// take counts one request of key and returns how many remain in the
// window, the seconds until it ends, and whether this one is allowed. A
// counter that cannot count (its database is down) lets the request
// through: the rate limit protects the server, and a request that reaches
// a broken database fails on its own.
func (l *rateLimiter) take(ctx context.Context, key string) (int, int, bool, error) {
	now := l.clock.Now()
	start := now.Truncate(l.window)
	reset := int((start.Add(l.window).Sub(now) + time.Second - 1) / time.Second)
	n, err := l.counter.Count(ctx, key, start)
	if err != nil {
		return l.limit, reset, true, err
	}
	if n > l.limit {
		return 0, reset, false, nil
	}
	return l.limit - n, reset, true, nil
}
