package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/upstream-platform/upstream/internal/kernel"
)

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// statusOf maps an error category to an HTTP status.
func statusOf(code kernel.Code) int {
	switch code {
	case kernel.Invalid:
		return http.StatusBadRequest
	case kernel.NotFound:
		return http.StatusNotFound
	case kernel.Conflict:
		return http.StatusConflict
	case kernel.Unauthorised:
		return http.StatusUnauthorized
	case kernel.Forbidden:
		return http.StatusForbidden
	case kernel.RateLimited:
		return http.StatusTooManyRequests
	case kernel.Unavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// fail answers with the error's status and its user-safe message. Only
// internal errors are logged; their details never reach the client.
func (s *base) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := kernel.ErrorCode(err)
	status := statusOf(code)
	if status == http.StatusInternalServerError {
		s.log.Error("internal error", "id", requestID(r), "route", r.Pattern, "err", err)
	}
	if isAPI(r) || r.Header.Get("Accept") == "application/json" {
		writeProblem(w, r, status, err, nil)
		return
	}
	s.render(w, r, status, "error.html", map[string]any{"Status": status, "Message": s.errorText(r, err), "RequestID": requestID(r)})
}

// pageError is an error the web adapter makes whose message is one of the
// catalogs' messages: a page shows it in the reader's language, while the
// API and the logs keep the English. It unwraps to the kernel error, so
// its category maps to a status as any other.
type pageError struct {
	err    *kernel.Error
	format string
	args   []any
}

func (e *pageError) Error() string { return e.err.Error() }
func (e *pageError) Unwrap() error { return e.err }

// failure is kernel.Errorf for a message of the catalogs: format is the
// English message, args fill its verbs (give them already in words; a
// label is translated by the caller).
func failure(code kernel.Code, format string, args ...any) error {
	return &pageError{err: &kernel.Error{Code: code, Message: fmt.Sprintf(format, args...)}, format: format, args: args}
}

// errorText is err's user-safe message in the request's language.
func (s *base) errorText(r *http.Request, err error) string { return s.localeOf(r).errorText(err) }

// errorText translates an error's message: one made by failure through its
// format, any other when the catalogs hold it, whole or as a message
// written out (see locale.sentence). A message of a domain package the
// catalogs do not hold reads in English.
func (l *locale) errorText(err error) string {
	msg := kernel.ErrorMessage(err)
	var pe *pageError
	if errors.As(err, &pe) && pe.err.Message == msg {
		return l.text(kernel.Text{Msg: pe.format, Args: pe.args})
	}
	return l.sentence(msg)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// decodeJSON reads a JSON request body strictly: unknown fields and
// trailing data are errors that name what is wrong.
func decodeJSON(r *http.Request, v any) error {
	err := kernel.DecodeJSON(http.MaxBytesReader(nil, r.Body, 1<<20), v)
	switch {
	case errors.Is(err, kernel.ErrTrailingData):
		return kernel.Errorf(kernel.Invalid, "request body: unexpected data after the JSON object")
	case err != nil:
		return kernel.Errorf(kernel.Invalid, "request body: %v", err)
	}
	return nil
}

// problemJSON is an error as the API answers it: RFC 9457 problem details
// (application/problem+json). Type is about:blank, so Title is the status
// text; Code is the error's category and Errors names each bad field,
// parameter or row with what is wrong with it.
type problemJSON struct {
	Type      string        `json:"type"`
	Title     string        `json:"title"`
	Status    int           `json:"status"`
	Detail    string        `json:"detail"`
	Instance  string        `json:"instance,omitempty"`
	Code      string        `json:"code"`
	RequestID string        `json:"request_id,omitempty"`
	Errors    []problemItem `json:"errors,omitempty"`
}

// problemItem is one bad field, parameter or row: where (the field, and
// for a file its name, line and column) and why.
type problemItem struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

// problemOf describes err answered with status; a kernel.FieldError in
// its chain becomes an item of Errors.
func problemOf(r *http.Request, status int, err error) problemJSON {
	code := kernel.ErrorCode(err)
	if status == http.StatusRequestEntityTooLarge && code == kernel.Invalid {
		code = "too_large"
	}
	p := problemJSON{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: kernel.ErrorMessage(err),
		Instance: r.URL.Path, Code: string(code), RequestID: requestID(r)}
	var fe *kernel.FieldError
	if errors.As(err, &fe) {
		p.Errors = []problemItem{{Field: fe.Field, Reason: fe.Reason}}
	}
	return p
}

// writeProblem answers err as problem details with status; extra members
// (an import's counts, a plot file's findings) go beside the standard ones.
func writeProblem(w http.ResponseWriter, r *http.Request, status int, err error, items []problemItem, extra ...map[string]any) {
	p := problemOf(r, status, err)
	if len(items) > 0 {
		p.Errors = items
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	if status == http.StatusTooManyRequests && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "60")
	}
	w.WriteHeader(status)
	var v any = p
	if len(extra) > 0 {
		b, _ := json.Marshal(p)
		m := map[string]any{}
		_ = json.Unmarshal(b, &m)
		for _, e := range extra {
			for k, x := range e {
				if _, taken := m[k]; !taken {
					m[k] = x
				}
			}
		}
		v = m
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
