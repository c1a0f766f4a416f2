package kernel

import (
	"errors"
	"fmt"
)

// Code is the category of an error. The HTTP and CLI adapters map a code to a
// status or exit code; only Internal errors are logged.
type Code string

const (
	Invalid      Code = "invalid"      // the caller sent something wrong; the message says what to fix
	NotFound     Code = "not_found"    // the thing does not exist (or the caller may not know it exists)
	Conflict     Code = "conflict"     // the request clashes with stored state (duplicate, stale version)
	Unauthorised Code = "unauthorised" // not signed in, or not allowed
	Forbidden    Code = "forbidden"    // signed in but the role does not allow it
	RateLimited  Code = "rate_limited" // too many attempts; try later
	Unavailable  Code = "unavailable"  // a dependency (database) cannot be reached
	Internal     Code = "internal"     // a bug or an unexpected failure
)

// Error is an error with a category and a message that is safe to show to the
// user who caused it. Err, when set, is the underlying cause for logs.
type Error struct {
	Code    Code
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil && e.Message != "" {
		return e.Message + ": " + e.Err.Error()
	}
	if e.Err != nil {
		return e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns a categorised error with a formatted, user-safe message.
func Errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap categorises err with a user-safe message; err stays reachable through
// errors.Is and errors.As.
func Wrap(code Code, err error, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// ErrorCode returns the category of the first categorised error in err's
// chain, or Internal when there is none.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// ErrorMessage returns the user-safe message of err. Uncategorised errors get
// a generic message so internal details never reach the user.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != Internal && e.Message != "" {
		return e.Message
	}
	return "internal error"
}

// IsCode reports whether err carries the given category.
func IsCode(err error, code Code) bool { return err != nil && ErrorCode(err) == code }

// FieldError names the field of some input that is wrong and why. It
// unwraps to an Invalid error, so adapters map it to bad input, and callers
// that prefix a path (answers[2].date) can read the field back.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// Unwrap categorises the error as invalid input with its message.
func (e *FieldError) Unwrap() error {
	return &Error{Code: Invalid, Message: e.Error()}
}

// InvalidField returns a *FieldError for field, its reason formatted.
func InvalidField(field, format string, args ...any) error {
	return &FieldError{Field: field, Reason: fmt.Sprintf(format, args...)}
}
