// Package convene speaks the domain of a recurring community call: communities, call series and their
// seasons, calls, agendas, join kits and the people who organize them. Storage and the web live in
// their own packages; this one holds the types, their rules and the errors they return.
package convene

import (
	"context"
	"errors"
	"fmt"
)

// Error codes shared by every layer; the web maps each to an HTTP status.
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETOOMANY      = "too_many_requests"
	EBADREQUEST   = "bad_request" // a request no form could send: an over-long address, broken text
	EUNAVAILABLE  = "unavailable" // the database did not answer in time; worth trying again
)

// FieldError is a problem with one form field, named by its form name, explained by a catalog key.
type FieldError struct {
	Field string
	Key   string
	Args  map[string]any
}

// Error is an application error whose Key and Args are safe to show to users once translated.
// Internal details never go in it; they belong in logs.
type Error struct {
	Code   string
	Key    string
	Args   map[string]any
	Fields []FieldError
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("convene: %s: %s (%d fields)", e.Code, e.Key, len(e.Fields))
	}
	return fmt.Sprintf("convene: %s: %s", e.Code, e.Key)
}

// Errorf returns an *Error with a code and a catalog key.
func Errorf(code, key string, args map[string]any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// Invalid returns an EINVALID error, optionally listing the fields at fault.
func Invalid(key string, args map[string]any, fields ...FieldError) *Error {
	return &Error{Code: EINVALID, Key: key, Args: args, Fields: fields}
}

// NotFound returns an ENOTFOUND error for the named kind of thing.
func NotFound(key string) *Error { return &Error{Code: ENOTFOUND, Key: key} }

// ErrorCode returns the code of an application error, or EINTERNAL for any other error.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	} else if errors.Is(err, context.DeadlineExceeded) {
		return EUNAVAILABLE
	}
	return EINTERNAL
}

// AsError returns the application error inside err, if there is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// fieldErrors collects field problems while validating a form-sized value.
type fieldErrors []FieldError

func (f *fieldErrors) add(field, key string, args map[string]any) {
	*f = append(*f, FieldError{Field: field, Key: key, Args: args})
}

// err returns nil when nothing was collected, or one EINVALID error holding every field problem.
func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return Invalid("form.invalid", nil, f...)
}
