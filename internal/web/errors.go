package web

import (
	"encoding/json"
	"errors"
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
	msg := kernel.ErrorMessage(err)
	if isAPI(r) || r.Header.Get("Accept") == "application/json" {
		writeJSON(w, status, map[string]any{"error": map[string]string{"code": string(code), "message": msg, "request_id": requestID(r)}})
		return
	}
	s.render(w, r, status, "error.html", map[string]any{"Status": status, "Message": msg, "RequestID": requestID(r)})
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
