package web

import (
	"net/http"
	"strings"
)

// isAPI reports whether a request is for the JSON API, which answers in JSON whatever goes wrong.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// bearerOnly reports whether a request authenticates with an API token and carries no cookie: a
// browser never adds such a header to a cross-site request on its own, so the request cannot be a
// forgery riding on someone's session.
func bearerOnly(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") && r.Header.Get("Cookie") == ""
}

// apiCORS lets browser apps on other sites use the API with a token: it answers CORS preflights
// for /api/ and lets bearer-token API requests without cookies past the cross-origin protection
// (protected); everything else goes through it. Responses never allow credentials, so a
// visitor's session cookie is of no use to another site.
func (s *Server) apiCORS(protected, app http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isAPI(r) {
			protected.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, POST, DELETE")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept-Language, If-None-Match")
			h.Set("Access-Control-Max-Age", "86400")
			h.Add("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.Set("Access-Control-Expose-Headers", "ETag, Retry-After")
		if bearerOnly(r) {
			app.ServeHTTP(w, r)
			return
		}
		protected.ServeHTTP(w, r)
	})
}
