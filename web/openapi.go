package web

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
	"strings"
)

// openAPIDocument is the OpenAPI 3.1 description of the JSON API; the tests hold it to the routes
// the server registers and to the bodies the handlers write.
//
//go:embed openapi.json
var openAPIDocument []byte

// openAPIETag names this build's description, so clients revalidate it for the price of a 304.
var openAPIETag = func() string {
	sum := sha256.Sum256(openAPIDocument)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}()

// openAPI serves the API's OpenAPI description.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("ETag", openAPIETag)
	h.Set("Cache-Control", "public, no-cache")
	if notModified(w, r, openAPIETag) {
		return nil
	}
	h.Set("Content-Type", "application/json")
	_, err := w.Write(openAPIDocument)
	return err
}

// notModified answers 304 when the request's If-None-Match names etag, and reports whether it
// did. The 304 carries the tag the 200 would have: the compressed one for a client that accepts
// gzip (the gzip layer does not see a response without a body).
func notModified(w http.ResponseWriter, r *http.Request, etag string) bool {
	if !etagMatch(r.Header.Get("If-None-Match"), etag) {
		return false
	}
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("ETag", strings.TrimSuffix(etag, `"`)+gzipETagSuffix+`"`)
	}
	w.WriteHeader(http.StatusNotModified)
	return true
}

// etagMatch reports whether an If-None-Match header names etag: "*", or a list of tags compared
// weakly, as RFC 9110 asks for GET. A tag the gzip layer marked as compressed ("…-gzip") names
// the same representation before compression.
func etagMatch(header, etag string) bool {
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == "*" || tag == etag || (strings.HasSuffix(tag, gzipETagSuffix+`"`) && strings.TrimSuffix(tag, gzipETagSuffix+`"`)+`"` == etag) {
			return true
		}
	}
	return false
}
