package web

import (
	"bytes"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// pageCache keeps the public pages and API answers that anonymous visitors read, rendered, for a few seconds. A
// popular call page shared in an announcement is then rendered once per interval instead of once per
// visitor. Signed-in people always get a fresh page, any write through this instance empties the
// cache, and other instances' writes show within the interval.
type pageCache struct {
	ttl   time.Duration
	max   int
	gen   atomic.Uint64 // raised by every write; entries of an older generation are stale
	mu    sync.RWMutex
	pages map[string]cachedPage
}

type cachedPage struct {
	body        []byte
	contentType string
	expires     time.Time
	gen         uint64
}

func newPageCache(ttl time.Duration, max int) *pageCache {
	return &pageCache{ttl: ttl, max: max, pages: map[string]cachedPage{}}
}

// invalidate forgets every cached page.
func (c *pageCache) invalidate() { c.gen.Add(1) }

func (c *pageCache) get(key string, now time.Time) (cachedPage, bool) {
	c.mu.RLock()
	p, ok := c.pages[key]
	c.mu.RUnlock()
	if !ok || now.After(p.expires) || p.gen != c.gen.Load() {
		return cachedPage{}, false
	}
	return p, true
}

func (c *pageCache) put(key string, p cachedPage, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pages) >= c.max {
		c.pages = map[string]cachedPage{} // simplest bound; refilled within one interval
	}
	p.expires = now.Add(c.ttl)
	c.pages[key] = p
}

// capture records what a handler writes so it can be cached.
type capture struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (w *capture) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

func (w *capture) Write(b []byte) (int, error) {
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}

// cached serves a public page from the cache to anonymous visitors; everyone else, and anything but
// a 200 page, goes through the handler.
func (s *Server) cached(h func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		v := viewerOf(r)
		if s.cache.ttl <= 0 || v.User != nil || r.Header.Get("Authorization") != "" || s.sessions.Exists(r.Context(), "flash") {
			return h(w, r)
		}
		key := v.L.Lang + "|" + v.Zone + "|" + r.URL.RequestURI()
		now := time.Now()
		if p, ok := s.cache.get(key, now); ok {
			w.Header().Set("Content-Type", p.contentType)
			_, err := w.Write(p.body)
			return err
		}
		gen := s.cache.gen.Load()
		cw := &capture{ResponseWriter: w, status: http.StatusOK}
		if err := h(cw, r); err != nil {
			return err
		}
		if cw.status == http.StatusOK {
			s.cache.put(key, cachedPage{body: cw.buf.Bytes(), contentType: w.Header().Get("Content-Type"), gen: gen}, now)
		}
		return nil
	}
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
