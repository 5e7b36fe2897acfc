package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/maypok86/otter/v2"
)

// defaultPageCacheBytes bounds the memory the page cache may hold when the configuration says nothing.
const defaultPageCacheBytes = 32 << 20

// pageCache keeps the public pages and API answers that anonymous visitors read, rendered, for a few
// seconds. A popular call page shared in an announcement is then rendered once per interval instead
// of once per visitor. Signed-in people always get a fresh page, any write through this instance
// empties the cache, and other instances' writes show within the interval.
//
// Entries are keyed on the route's path and only the query parameters its page reads, weighed by
// their bytes, evicted least-recently-used once the cache holds maxBytes, and dropped when they
// expire: no request, however long its address, can make it grow past its bound.
type pageCache struct {
	ttl   time.Duration
	gen   atomic.Uint64 // raised by every write; entries of an older generation are stale
	pages *otter.Cache[string, cachedPage]
}

type cachedPage struct {
	body        []byte
	contentType string
	gen         uint64
}

func newPageCache(ttl time.Duration, maxBytes int) *pageCache {
	c := &pageCache{ttl: ttl}
	if ttl <= 0 {
		return c
	}
	if maxBytes <= 0 {
		maxBytes = defaultPageCacheBytes
	}
	c.pages = otter.Must(&otter.Options[string, cachedPage]{
		MaximumWeight: uint64(maxBytes),
		Weigher: func(key string, p cachedPage) uint32 {
			return uint32(min(len(key)+len(p.body)+len(p.contentType)+64, 1<<31))
		},
		ExpiryCalculator: otter.ExpiryWriting[string, cachedPage](ttl),
	})
	return c
}

// invalidate forgets every cached page.
func (c *pageCache) invalidate() {
	c.gen.Add(1)
	if c.pages != nil {
		c.pages.InvalidateAll()
	}
}

func (c *pageCache) get(key string) (cachedPage, bool) {
	p, ok := c.pages.GetIfPresent(key)
	if !ok || p.gen != c.gen.Load() {
		return cachedPage{}, false
	}
	return p, true
}

func (c *pageCache) put(key string, p cachedPage) {
	if p.gen == c.gen.Load() {
		c.pages.Set(key, p)
	}
}

// bytes is how much the cache holds, for tests and metrics.
func (c *pageCache) bytes() uint64 {
	if c.pages == nil {
		return 0
	}
	c.pages.CleanUp()
	return c.pages.WeightedSize()
}

// capture records what a handler writes so it can be kept: the status, the body, and the headers
// that describe it as they were when it began (before the compression layer marks them).
type capture struct {
	http.ResponseWriter
	status int
	header http.Header
	buf    bytes.Buffer
}

func (w *capture) keepHeader() {
	if w.header == nil {
		w.header = http.Header{}
		for _, k := range []string{"Content-Type", "Content-Disposition", "ETag", "Cache-Control", "Vary"} {
			for _, v := range w.ResponseWriter.Header().Values(k) {
				w.header.Add(k, v)
			}
		}
	}
}

func (w *capture) WriteHeader(status int) {
	w.keepHeader()
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

func (w *capture) Write(b []byte) (int, error) {
	w.keepHeader()
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}

// cached serves a public page from the cache to anonymous visitors; everyone else, and anything but
// a 200 page, goes through the handler. params names the query parameters the page reads: an
// anonymous visitor's request reaches the handler with those alone, so the cache key holds
// everything the page depends on and nothing a visitor can pad it with.
func (s *Server) cached(h func(http.ResponseWriter, *http.Request) error, params ...string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		v := viewerOf(r)
		if s.cache.ttl <= 0 || v.User != nil || r.Header.Get("Authorization") != "" || s.sessions.Exists(r.Context(), "flash") {
			return h(w, r)
		}
		if r.URL.RawQuery != "" {
			r = withQuery(r, keptQuery(r.URL.Query(), params))
		}
		key := v.L.Lang + "|" + v.Zone + "|" + r.URL.RequestURI()
		p, ok := s.cache.get(key)
		if s.metrics != nil {
			s.metrics.PageCache(ok)
		}
		if ok {
			w.Header().Set("Content-Type", p.contentType)
			w.Header().Set("Content-Length", strconv.Itoa(len(p.body)))
			_, err := w.Write(p.body)
			return err
		}
		gen := s.cache.gen.Load()
		cw := &capture{ResponseWriter: w, status: http.StatusOK}
		if err := h(cw, r); err != nil {
			return err
		}
		if cw.status == http.StatusOK {
			s.cache.put(key, cachedPage{body: cw.buf.Bytes(), contentType: w.Header().Get("Content-Type"), gen: gen})
		}
		return nil
	}
}

// keptQuery is the query reduced to the named parameters, in a stable order.
func keptQuery(q url.Values, params []string) url.Values {
	kept := url.Values{}
	for _, name := range params {
		if vs, ok := q[name]; ok {
			kept[name] = vs
		}
	}
	return kept
}

// withQuery is r with its query replaced.
func withQuery(r *http.Request, q url.Values) *http.Request {
	u := *r.URL
	u.RawQuery = q.Encode()
	r2 := new(http.Request)
	*r2 = *r
	r2.URL = &u
	r2.RequestURI = u.RequestURI()
	return r2
}

// invalidating empties the page cache after every request that may write.
func (s *Server) invalidating(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			s.cache.invalidate()
		}
	})
}

// echoedQueryLimit is the longest query string a page repeats in its own links (to come back to
// after signing in or switching language); a longer one is dropped rather than echoed.
const echoedQueryLimit = 1024

// pagePath is the path and query a page links back to: the query re-encoded from what was parsed,
// and left out when it is long.
func pagePath(r *http.Request) string {
	vals := r.URL.Query()
	vals.Del("lang") // the language switch and sign-in say which language to come back in
	q := vals.Encode()
	if q == "" || len(q) > echoedQueryLimit {
		return r.URL.EscapedPath()
	}
	return r.URL.EscapedPath() + "?" + q
}
