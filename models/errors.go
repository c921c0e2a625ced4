package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Code classifies an error. Callers switch on the code; the HTTP layer maps
// each code to one status.
type Code string

// The error codes of the API contract (docs/api.md "Conventions") plus the few the
// server needs for its own failures.
const (
	CodeBadRequest           Code = "bad_request"
	CodeUnauthenticated      Code = "unauthenticated"
	CodeForbidden            Code = "forbidden"
	CodeNotFound             Code = "not_found"
	CodeMethodNotAllowed     Code = "method_not_allowed"
	CodeConflict             Code = "conflict"
	CodePreconditionFailed   Code = "precondition_failed"
	CodeTooLarge             Code = "too_large"
	CodeUnsupportedMediaType Code = "unsupported_media_type"
	CodeValidation           Code = "validation_failed"
	CodeRateLimited          Code = "rate_limited"
	CodeUnavailable          Code = "unavailable"
	// CodeStorageFull: the database or the index could not write because
	// the disk (or the quota) is full. Its own code and status (507), not
	// CodeUnavailable's 503: reads go on working, nothing was saved, and
	// retrying in a second (what a 503 with Retry-After invites) cannot
	// help until an operator frees space; the watch and /readyz stay up.
	CodeStorageFull Code = "storage_full"
	CodeInternal    Code = "internal"
)

// HTTPStatus is the one table from error codes to HTTP statuses, for the
// API and the web UI alike; an unknown code is a 500.
func (c Code) HTTPStatus() int {
	switch c {
	case CodeBadRequest:
		return 400
	case CodeUnauthenticated:
		return 401
	case CodeForbidden:
		return 403
	case CodeNotFound:
		return 404
	case CodeMethodNotAllowed:
		return 405
	case CodeConflict:
		return 409
	case CodePreconditionFailed:
		return 412
	case CodeTooLarge:
		return 413
	case CodeUnsupportedMediaType:
		return 415
	case CodeValidation:
		return 422
	case CodeRateLimited:
		return 429
	case CodeUnavailable:
		return 503
	case CodeStorageFull:
		return 507
	}
	return 500
}

// Error is the one error type of talenthub. Message is safe to show to the
// client for every code but CodeInternal, whose details go to the log only.
type Error struct {
	Code    Code
	Message string
	// Fields maps JSON field paths ("contact.email", "works[0].title") to what
	// is wrong with them, in English (the API's answer).
	Fields map[string]string
	// Rules are the same fields' rules, which the UI shows in the reader's
	// language (rules.go).
	Rules map[string]FieldRule
	// Refusal, if set, names the refusal for the UI, which says it in the
	// reader's language: the text of "refusal.<Refusal>" (with
	// RefusalParam as {{.N}}) instead of the generic text of the code.
	Refusal      Refusal
	RefusalParam string
	// RetryAfter tells a rate-limited client when to come back.
	RetryAfter time.Duration
	// Op names the operation that failed, for logs ("store.UpdateTalent").
	Op string
	// Err is the underlying cause, if any.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	b.WriteString(string(e.Code))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps an unexpected failure. Its message never reaches a client.
func Internal(op string, err error) *Error {
	return &Error{Code: CodeInternal, Op: op, Err: err}
}

// ErrorCode returns the code of err: the code of the first *Error in its
// chain, CodeUnavailable for an expired or cancelled context, CodeInternal
// for anything else and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != "" {
		return e.Code
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return CodeUnavailable
	}
	return CodeInternal
}

// ErrorMessage returns the message of err that is safe to show a client.
func ErrorMessage(err error) string {
	code := ErrorCode(err)
	var e *Error
	if code != CodeInternal && errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	switch code {
	case CodeInternal:
		return "internal error"
	case CodeUnavailable:
		return "the service is temporarily unavailable; try again"
	case CodeStorageFull:
		return "the server's storage is full; nothing was saved"
	}
	return strings.ReplaceAll(string(code), "_", " ")
}

// ErrorFields returns the per-field messages of err, if any.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) && e.Code != CodeInternal {
		return e.Fields
	}
	return nil
}

// IsCode reports whether err has the given code.
func IsCode(err error, code Code) bool { return ErrorCode(err) == code }
