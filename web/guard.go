package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/opengovcall/convene"
)

// Request bounds, checked before anything else reads a request.
const (
	// MaxURLBytes is the longest request target (path and query) served; a longer one is refused
	// with 414. No page links to anything near it.
	MaxURLBytes = 8 << 10
	// MaxHeaderBytes is what the HTTP server should allow for a request's headers.
	MaxHeaderBytes = 64 << 10
	// defaultDBTimeout is how long a request may wait on the database before it is answered 503.
	defaultDBTimeout = 10 * time.Second
)

// guard refuses what no form or link of Convene could send, before sessions or handlers see it:
// an over-long address, and a path or query that is not valid UTF-8 or holds a NUL (which
// PostgreSQL would refuse deep inside a query). It also gives the request its database deadline,
// so a database that stops answering makes a clear 503 rather than a request that hangs.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.RequestURI) > MaxURLBytes || len(r.URL.RawQuery) > MaxURLBytes {
			s.refuse(w, r, convene.Errorf(convene.EBADREQUEST, "error.url_too_long", map[string]any{"KiB": MaxURLBytes >> 10}), http.StatusRequestURITooLong)
			return
		}
		if !validText(r.URL.Path) || !validQuery(r.URL.RawQuery) {
			s.refuse(w, r, convene.Errorf(convene.EBADREQUEST, "error.bad_text", nil), http.StatusBadRequest)
			return
		}
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			// Pages, the API and feeds speak the visitor's language and know who is signed in.
			w.Header().Set("Vary", "Accept-Language, Cookie")
		}
		ctx, cancel := context.WithTimeout(r.Context(), s.dbTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// refuse answers a request turned away by guard, as JSON on the API and as a page elsewhere.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, err *convene.Error, status int) {
	l := s.catalog.Localizer(preferredLanguage(r))
	if isAPI(r) {
		body := apiError{}
		body.Error.Code = err.Code
		body.Error.Message = l.Err(err)
		writeJSON(w, status, body)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(l.Err(err) + "\n"))
}

// validText reports whether s is text a person could have typed: valid UTF-8 without NUL.
func validText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// validQuery reports whether every name and value of a raw query is valid text once decoded.
func validQuery(raw string) bool {
	if raw == "" {
		return true
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		// Malformed escapes are left to the handlers, which read what parses; only broken text is refused.
		return validText(raw)
	}
	for name, vs := range q {
		if !validText(name) {
			return false
		}
		for _, v := range vs {
			if !validText(v) {
				return false
			}
		}
	}
	return true
}

// validValues reports whether every name and value of a parsed form is valid text.
func validValues(vals url.Values) bool {
	for name, vs := range vals {
		if !validText(name) {
			return false
		}
		for _, v := range vs {
			if !validText(v) {
				return false
			}
		}
	}
	return true
}

// validJSON reports whether a JSON document is valid UTF-8 and none of its strings, names
// included, holds a NUL once decoded.
func validJSON(raw []byte) bool {
	if !utf8.Valid(raw) {
		return false
	}
	if !bytes.Contains(raw, []byte(`\u0000`)) && bytes.IndexByte(raw, 0) < 0 {
		return true
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return true // not JSON at all: the decoder says so
	}
	return jsonTextValid(doc)
}

func jsonTextValid(v any) bool {
	switch v := v.(type) {
	case string:
		return validText(v)
	case []any:
		for _, e := range v {
			if !jsonTextValid(e) {
				return false
			}
		}
	case map[string]any:
		for k, e := range v {
			if !validText(k) || !jsonTextValid(e) {
				return false
			}
		}
	}
	return true
}
