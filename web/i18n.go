package web

import (
	"net/http"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/locale"
)

// Catalog and Localizer are the message catalog and one language of it (package locale).
type (
	Catalog   = locale.Catalog
	Localizer = locale.Localizer
)

// NewCatalog loads the message catalog.
func NewCatalog() (*Catalog, error) { return locale.New() }

// preferredLanguage picks the language of a request before anyone is known: a ?lang= in the
// address (so a link can be shared in one language), else the language chosen with the switch
// (a cookie), else the browser's Accept-Language.
func preferredLanguage(r *http.Request) string { return requestLanguage(r, nil) }

// requestLanguage is preferredLanguage knowing who asks: a signed-in person who never used the
// switch reads in their profile's language before their browser's.
func requestLanguage(r *http.Request, u *convene.User) string {
	if q := r.URL.Query().Get("lang"); locale.Supported(q) {
		return q
	}
	if c, err := r.Cookie("lang"); err == nil && locale.Supported(c.Value) {
		return c.Value
	}
	if u != nil && len(u.Languages) > 0 {
		return u.Language()
	}
	return locale.Preferred("", r.Header.Get("Accept-Language"))
}

// languageLinks are a page's addresses in each language, for <link rel="alternate" hreflang>:
// its own address with ?lang= set, the rest of the query kept.
func languageLinks(abs string, r *http.Request) []alternate {
	q := r.URL.Query()
	out := make([]alternate, 0, len(locale.Languages))
	for _, lang := range locale.Languages {
		q.Set("lang", lang)
		out = append(out, alternate{Href: abs + "?" + q.Encode(), Lang: lang})
	}
	return out
}
