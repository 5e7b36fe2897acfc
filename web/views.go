package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/locale"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// views holds every parsed page and the checksummed static files.
type views struct {
	pages  map[string]*template.Template            // as written, for any reader
	byLang map[string]map[string]*template.Template // language → page, fixed messages translated (views_translated.go)
	hashes map[string]string                        // file name → content hash used in its URL
	rows   *rowRenderer
	memo   *partialMemo
}

func loadViews(catalog *Catalog) (*views, error) {
	v := &views{pages: map[string]*template.Template{}, byLang: map[string]map[string]*template.Template{}, hashes: map[string]string{}}
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		v.hashes[strings.TrimPrefix(p, "static/")] = hex.EncodeToString(sum[:6])
		return nil
	})
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"static": v.staticURL,
		"iso":    func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"inZone": func(t time.Time, zone string) time.Time {
			if loc, err := convene.LoadZone(zone); err == nil {
				return t.In(loc)
			}
			return t.UTC()
		},
		"tel":          func(number string) template.URL { return template.URL("tel:" + strings.ReplaceAll(number, "#", "%23")) },
		"phone":        convene.FormatPhone,
		"query":        url.QueryEscape,
		"lines":        func(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") },
		"add":          func(a, b int) int { return a + b },
		"txt":          shownText,
		"callTitle":    callTitle,
		"langAttr":     langAttr,
		"langNote":     langNote,
		"memberNote":   memberNote,
		"writtenIn":    writtenIn,
		"languageName": languageName,
		"optionGroups": optionGroups,
		"picture":      imagePath,
		// callRows, zoneOptions and zonesTable write partials kept by what they show (partials.go).
		"callRows":    func(l *Localizer, calls []*callView) (template.HTML, error) { return v.rows.render(l, calls) },
		"zoneOptions": func(l *Localizer, zone string) (template.HTML, error) { return v.memo.zoneOptions(l, zone) },
		"zonesTable": func(l *Localizer, zone string, c *callView) (template.HTML, error) {
			return v.memo.zonesTable(l, zone, c)
		},
		"deref": func(f *Form) Form { return *f },
		"answer": func(r *convene.Registration, q *convene.Question) string {
			return r.Answers[strconv.FormatInt(q.ID, 10)]
		},
		"formCtx": func(l *Localizer, f Form, back string) any {
			return struct {
				L    *Localizer
				Form Form
				Back string
			}{l, f, back}
		},
		"pasteCtx": func(l *Localizer, f *Form) any {
			return struct {
				L    *Localizer
				Form *Form
				Back string
			}{l, f, ""}
		},
	}
	pages, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	partials, err := template.New("partials").Funcs(funcs).ParseFS(templateFiles, "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("template partials.html: %w", err)
	}
	v.rows, v.memo = newRowRenderer(partials), newPartialMemo(partials)
	for _, p := range pages {
		name := path.Base(p)
		if name == "layout.html" || name == "partials.html" {
			continue
		}
		parse := func() (*template.Template, error) {
			return template.New(name).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/partials.html", p)
		}
		t, err := parse()
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		v.pages[strings.TrimSuffix(name, ".html")] = t
		for _, lang := range locale.Languages {
			if v.byLang[lang] == nil {
				v.byLang[lang] = map[string]*template.Template{}
			}
			if t, err = parse(); err != nil {
				return nil, err
			}
			translateConstants(t, catalog.Localizer(lang))
			v.byLang[lang][strings.TrimSuffix(name, ".html")] = t
		}
	}
	return v, nil
}

// staticURL is the address of a static file with its content hash, so it can be cached forever.
func (v *views) staticURL(name string) string {
	return "/static/" + v.hashes[name] + "/" + name
}

// static serves /static/{hash}/{name}; a stale hash still gets the current file, without the long cache.
func (v *views) static() http.Handler {
	sub, _ := fs.Sub(staticFiles, "static")
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest := strings.TrimPrefix(r.URL.Path, "/static/")
		hash, name, ok := strings.Cut(rest, "/")
		if !ok || v.hashes[name] == "" {
			http.NotFound(w, r)
			return
		}
		if hash == v.hashes[name] {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/" + name
		files.ServeHTTP(w, r2)
	})
}

// viewer is who is asking: their account, language and time zone.
type viewer struct {
	User   *convene.User
	L      *Localizer
	Zone   string   // IANA zone the viewer reads times in; "" until chosen
	Token  bool     // signed in with an API token rather than a session
	Scopes []string // what the token may do (convene.TokenScopes); nil for a session
	// rights are the viewer's rights in each community this request asked about, read once.
	rights map[int64]convene.Rights
}

// may reports whether the viewer's credentials allow an action of a scope: a session allows
// everything its person may do, a token only its scopes.
func (v *viewer) may(scope string) bool { return !v.Token || slices.Contains(v.Scopes, scope) }

type viewerKey struct{}

func viewerOf(r *http.Request) *viewer { return r.Context().Value(viewerKey{}).(*viewer) }

// withViewer works out who is asking before any handler runs.
func (s *Server) withViewer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info := infoOf(r); info != nil {
			info.sessionLoaded = true
		}
		v := &viewer{L: s.catalog.Localizer(preferredLanguage(r))}
		if c, err := r.Cookie("tz"); err == nil {
			if zone, err := url.QueryUnescape(c.Value); err == nil && convene.ValidZone(zone) {
				v.Zone = zone
			}
		}
		if token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			// API clients authenticate with a personal token; a wrong one is refused outright rather
			// than treated as anonymous, so a client notices. Tokens work on the API only: the pages
			// (role changes, join kits, registrant exports) need a person in a browser.
			r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, v))
			if !isAPI(r) {
				s.renderError(w, r, convene.Errorf(convene.EFORBIDDEN, "token.api_only", nil))
				return
			}
			u, scopes, err := s.store.UserByAPIToken(r.Context(), strings.TrimSpace(token))
			if err != nil {
				r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, v))
				s.apiHandler(func(http.ResponseWriter, *http.Request) error {
					if convene.ErrorCode(err) == convene.ENOTFOUND {
						return convene.Errorf(convene.EUNAUTHORIZED, "token.invalid", nil)
					}
					return err
				}).ServeHTTP(w, r)
				return
			}
			if !slices.Contains(scopes, convene.ScopeOrganize) {
				admin := *u // instance-wide rights are organizer rights too
				admin.IsAdmin = false
				u = &admin
			}
			v.User, v.Token, v.Scopes = u, true, scopes
		} else if u, err := s.sessionUser(r.Context()); err != nil {
			s.log.Error("load session user", "err", err)
		} else {
			v.User = u
		}
		if lang := requestLanguage(r, v.User); lang != v.L.Lang {
			v.L = s.catalog.Localizer(lang)
		}
		// A link in one language keeps its reader in it as they follow the page's links.
		if q := r.URL.Query().Get("lang"); locale.Supported(q) && !isAPI(r) {
			if c, err := r.Cookie("lang"); err != nil || c.Value != q {
				http.SetCookie(w, s.preferenceCookie("lang", q))
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), viewerKey{}, v)))
	})
}

// base is what every page's layout needs.
type base struct {
	L         *Localizer
	User      *convene.User
	Title     string
	Path      string // this page's path and query, to come back to after a switch
	Zone      string // the viewer's zone, or the community's
	Zones     []convene.Zone
	Flash     string
	Community *convene.Community
	Organizer bool // the viewer may organize this page's community

	// For link previews and search engines: what the page is about in a line, its address, and
	// schema.org data (an Event) when it describes one.
	Description    string
	URL            string
	StructuredData template.JS
	// Alternates are the page's feeds, announced in its head for feed readers and calendar apps.
	Alternates []alternate
	// Languages are the page's addresses in each language (hreflang).
	Languages []alternate
}

// alternate is a feed a page announces with <link rel="alternate">, or its version in another
// language (Lang set).
type alternate struct {
	Href, Type, Title, Lang string
}

// newBase fills the layout's data for a page titled with a catalog key (or literal text).
func (s *Server) newBase(r *http.Request, title string) base {
	v := viewerOf(r)
	b := base{L: v.L, User: v.User, Title: title, Path: pagePath(r), Zone: v.Zone, Zones: convene.ViewerZones, URL: s.absURL(r.URL.Path)}
	b.Languages = languageLinks(b.URL, r)
	if f := s.sessions.PopString(r.Context(), "flash"); f != "" {
		b.Flash = v.L.T(f)
	}
	if b.Zone == "" {
		b.Zone = "America/Toronto"
	}
	return b
}

// render writes a page, buffered so a template failure never sends half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, data any) error {
	t, err := s.views.page(name, data)
	if err != nil {
		return err
	}
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	if err := t.ExecuteTemplate(buf, "layout", localizePage(data)); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len())) // one write, not chunks (compression drops it)
	w.WriteHeader(status)
	_, err = buf.WriteTo(w)
	return err
}

// page is the template of a page for its data's reader: the one with its fixed messages in their
// language (views_translated.go) when there is one.
func (v *views) page(name string, data any) (*template.Template, error) {
	t, ok := v.pages[name]
	if !ok {
		return nil, fmt.Errorf("no template %q", name)
	}
	if p, ok := data.(interface{ layout() base }); ok && p.layout().L != nil && v.byLang[p.layout().L.Lang] != nil {
		t = v.byLang[p.layout().L.Lang][name]
	}
	return t, nil
}

// renderBuffers are the buffers pages are rendered into, reused: a page is tens of kilobytes.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putRenderBuffer(b *bytes.Buffer) {
	if b.Cap() <= 1<<20 { // a rare huge page is not kept
		b.Reset()
		renderBuffers.Put(b)
	}
}

// page adapts a handler that returns an error: application errors become a translated error page,
// anything else is logged and shown as a generic failure.
func (s *Server) page(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		switch {
		case err == nil:
		case clientGone(r, err): // nobody is left to read an error page
			s.log.Debug("client went away", "method", r.Method, "path", logPath(r), "err", err)
		case answerStarted(r): // the answer is under way: an error page cannot follow it
			s.log.Error("request failed after its answer began", "method", r.Method, "path", logPath(r), "err", err)
		default:
			s.renderError(w, r, err)
		}
	})
}

type errorPage struct {
	base
	Message string
	Status  int
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	s.noteFailure(w, r, status, err)
	v, ok := r.Context().Value(viewerKey{}).(*viewer)
	if !ok { // refused before the viewer was known (cross-origin check, a session that failed to load)
		v = &viewer{L: s.catalog.Localizer(preferredLanguage(r))}
		r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, v))
	}
	if isAPI(r) {
		s.writeAPIError(w, r, status, err)
		return
	}
	if status == http.StatusUnauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(pagePath(r)), http.StatusSeeOther)
		return
	}
	p := errorPage{base: base{L: v.L, User: v.User, Path: pagePath(r), Zones: convene.ViewerZones}, Message: v.L.Err(err), Status: status}
	p.Title = v.L.T(fmt.Sprintf("error.title.%d", status))
	if rerr := s.render(w, status, "error", p); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		http.Error(w, http.StatusText(status), status)
	}
}

// redirect sends the browser on after a successful POST, with an optional flash message key.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, flash string) error {
	if flash != "" {
		s.sessions.Put(r.Context(), "flash", flash)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// localPath keeps a "next" parameter on this site, so it cannot redirect elsewhere: it is parsed
// and rebuilt from its path and query, and anything a browser could read as another origin (a
// scheme, a host, "//" or "/\\" however disguised by tabs, newlines or encoding) becomes "/".
func localPath(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") {
		return "/"
	}
	// Browsers drop tabs and newlines from URLs and read a backslash as a slash, so none of them
	// may appear, raw or encoded.
	if strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	if !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") ||
		strings.ContainsFunc(u.Path, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return "/"
	}
	out := &url.URL{Path: u.Path, RawPath: u.RawPath, RawQuery: u.RawQuery}
	rebuilt := out.String()
	if !strings.HasPrefix(rebuilt, "/") || strings.HasPrefix(rebuilt, "//") || strings.HasPrefix(rebuilt, "/\\") {
		return "/"
	}
	return rebuilt
}
