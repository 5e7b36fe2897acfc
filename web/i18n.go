package web

import (
	"net/http"

	"github.com/opengovcall/convene/locale"
)

// Catalog and Localizer are the message catalog and one language of it (package locale).
type (
	Catalog   = locale.Catalog
	Localizer = locale.Localizer
)

// NewCatalog loads the message catalog.
func NewCatalog() (*Catalog, error) { return locale.New() }

// preferredLanguage picks the language from the cookie, else the browser's Accept-Language.
func preferredLanguage(r *http.Request) string {
	chosen := ""
	if c, err := r.Cookie("lang"); err == nil {
		chosen = c.Value
	}
	return locale.Preferred(chosen, r.Header.Get("Accept-Language"))
}
