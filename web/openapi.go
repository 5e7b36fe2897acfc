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
	if etagMatch(r.Header.Get("If-None-Match"), openAPIETag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", "application/json")
	_, err := w.Write(openAPIDocument)
	return err
}

// etagMatch reports whether an If-None-Match header names etag: "*", or a list of tags compared
// weakly, as RFC 9110 asks for GET.
func etagMatch(header, etag string) bool {
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == "*" || tag == etag {
			return true
		}
	}
	return false
}
