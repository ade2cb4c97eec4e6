// Package apperr is the closed set of error codes that reach API clients. Messages of these
// errors are safe to show; anything else is INTERNAL and only logged.
package apperr

import (
	"errors"
	"fmt"
	"strings"
)

// Code is one of the closed set of client-visible error codes.
type Code string

// Error codes.
const (
	Unauthenticated     Code = "UNAUTHENTICATED"
	Forbidden           Code = "FORBIDDEN"
	NotFound            Code = "NOT_FOUND"
	Validation          Code = "VALIDATION"
	Conflict            Code = "CONFLICT"
	IllegalTransition   Code = "ILLEGAL_TRANSITION"
	ContingentExhausted Code = "CONTINGENT_EXHAUSTED"
	// RateLimited: too many attempts (failed logins); retry after RetryAfter seconds.
	RateLimited Code = "RATE_LIMITED"
	Internal    Code = "INTERNAL"
)

// Error is an application error with a safe message.
type Error struct {
	Code    Code
	Message string
	// Fields names the offending input fields of a VALIDATION error.
	Fields []string
	// RetryAfter is the seconds a RATE_LIMITED client waits before trying again.
	RetryAfter int
}

func (e *Error) Error() string { return e.Message }

// E builds an error with a formatted message.
func E(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid builds a VALIDATION error naming each offending field.
func Invalid(msg string, fields ...string) *Error {
	m := msg
	if len(fields) > 0 {
		m = fmt.Sprintf("%s: %s", msg, strings.Join(fields, ", "))
	}
	return &Error{Code: Validation, Message: m, Fields: fields}
}

// NotFoundf builds a NOT_FOUND error.
func NotFoundf(format string, args ...any) *Error { return E(NotFound, format, args...) }

// Forbiddenf builds a FORBIDDEN error.
func Forbiddenf(format string, args ...any) *Error { return E(Forbidden, format, args...) }

// As returns the application error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// CodeOf returns the code of err, INTERNAL for unknown errors.
func CodeOf(err error) Code {
	if e, ok := As(err); ok {
		return e.Code
	}
	return Internal
}
