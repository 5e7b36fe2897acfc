package web_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opengovcall/convene/demo"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/web"
)

// openRedirects is the classic corpus of "next" values that try to leave the site.
var openRedirects = []string{
	"//evil.example", "///evil.example", "////evil.example/", "/\\evil.example", "/\\/evil.example",
	"\\\\evil.example", "/\t/evil.example", "/%09/evil.example", "/\n/evil.example", "/\r/evil.example",
	"/%0a/evil.example", "/%0d/evil.example", "/%5c/evil.example", "/%5C%5Cevil.example", "/%2f/evil.example",
	"/%2F%2Fevil.example", "https://evil.example", "http:/evil.example", "https:evil.example",
	"javascript:alert(1)", "/javascript:alert(1)//", "JaVaScRiPt:alert(1)", "data:text/html,hi",
	" //evil.example", "/ /evil.example", "/.//evil.example", "/\x00/evil.example", "/%00//evil.example",
	"/\u3000/evil.example", "//evil.example@good.example", "/@evil.example", "evil.example",
}

// offSite reports whether a browser following loc from base would leave base's origin.
func offSite(base, loc string) bool {
	b, _ := url.Parse(base)
	// Browsers strip tabs and newlines and read backslashes as slashes before resolving.
	cleaned := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(loc)
	u, err := url.Parse(cleaned)
	if err != nil {
		return true
	}
	r := b.ResolveReference(u)
	return r.Scheme != b.Scheme || r.Host != b.Host || strings.HasPrefix(cleaned, "//")
}

func TestLocalPathRefusesOtherOrigins(t *testing.T) {
	t.Parallel()
	for _, next := range openRedirects {
		got := web.LocalPath(next)
		if offSite("http://good.example", got) || !strings.HasPrefix(got, "/") {
			t.Errorf("localPath(%q) = %q: leaves the site", next, got)
		}
	}
	for next, want := range map[string]string{
		"/c/open-gov-canada":             "/c/open-gov-canada",
		"/c/open-gov-canada/calls/3?x=1": "/c/open-gov-canada/calls/3?x=1",
		"/c/caf%C3%A9":                   "/c/caf%C3%A9",
		"":                               "/",
	} {
		if got := web.LocalPath(next); got != want {
			t.Errorf("localPath(%q) = %q, want %q", next, got, want)
		}
	}
}

// Every route that redirects to a "next" page stays on the site, whatever it is fed.
func TestRedirectsStayOnSite(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		c := a.client()
		member := a.client()
		member.signIn()
		for _, next := range openRedirects {
			check := func(route string, r response) {
				t.Helper()
				if r.status != http.StatusSeeOther {
					return // refused outright: fine
				}
				if offSite(a.http.URL, r.location) {
					t.Errorf("%s with next=%q redirects to %q", route, next, r.location)
				}
			}
			check("/lang/fr", c.get("/lang/fr?next="+url.QueryEscape(next)))
			check("/prefs/zone", c.post("/prefs/zone", url.Values{"zone": {"America/Halifax"}, "next": {next}}))
			check("/signin", member.post("/signin?next="+url.QueryEscape(next), url.Values{"email": {demo.OrganizerEmail}, "password": {organizerPassword}}))
			check("/c/join", member.post("/c/"+demo.Slug+"/join", url.Values{"next": {next}}))
		}
	})
}

// A long query string is neither cached nor echoed: the page cache keys on the query parameters a
// page reads, and pages link back with a bounded, re-encoded query.
func TestPageCacheIgnoresPaddedQueries(t *testing.T) {
	eachAppWith(t, func(c *web.Config) { c.PageCacheTTL = time.Minute }, func(t *testing.T, a *app) {
		c := a.client()
		call := fmt.Sprintf("/c/%s/calls/%d", demo.Slug, a.demo.RebootID)
		first := c.get(call)
		wantStatus(t, first, http.StatusOK)
		base := a.server.PageCacheBytes()
		for i := range 200 {
			pad := fmt.Sprintf("pad%d=%s", i, strings.Repeat("x", 7000))
			r := c.get(call + "?" + pad)
			wantStatus(t, r, http.StatusOK)
			mustNotContain(t, r.body, "xxxxxxxxxxxxxxxx")
		}
		if got := a.server.PageCacheBytes(); got > base+1024 {
			t.Fatalf("the cache grew from %d to %d bytes on padded queries", base, got)
		}
		// Parameters a page reads still select what it shows, and are cached apart.
		r := c.get("/c/" + demo.Slug + "/initiatives?status=active&junk=" + strings.Repeat("y", 5000))
		wantStatus(t, r, http.StatusOK)
		mustNotContain(t, r.body, "yyyyyyyy")
		mustContain(t, r.body, `<option value="active" selected>`)
	})
}

// The cache holds at most its byte budget, however many distinct pages visitors ask for.
func TestPageCacheStaysWithinItsBytes(t *testing.T) {
	const budget = 256 << 10
	eachAppWith(t, func(c *web.Config) { c.PageCacheTTL = time.Minute; c.PageCacheBytes = budget }, func(t *testing.T, a *app) {
		call := fmt.Sprintf("/c/%s/calls/%d", demo.Slug, a.demo.RebootID)
		zones := []string{"America/Toronto", "America/Halifax", "America/St_Johns", "America/Regina", "America/Vancouver",
			"America/Winnipeg", "America/Edmonton", "America/Whitehorse", "America/Iqaluit", "Europe/Paris", "Europe/London",
			"Asia/Tokyo", "Australia/Sydney", "Africa/Nairobi", "America/Sao_Paulo", "Pacific/Auckland"}
		for _, zone := range zones {
			for _, lang := range []string{"en", "fr"} {
				req, _ := http.NewRequest(http.MethodGet, a.http.URL+call, nil)
				req.AddCookie(&http.Cookie{Name: "tz", Value: url.QueryEscape(zone)})
				req.AddCookie(&http.Cookie{Name: "lang", Value: lang})
				r := a.client().do(req)
				wantStatus(t, r, http.StatusOK)
			}
		}
		if got := a.server.PageCacheBytes(); got > budget {
			t.Fatalf("the cache holds %d bytes, over its budget of %d", got, budget)
		}
	})
}

// Addresses longer than any page uses are refused before anything reads them, and a thousand of
// them leave the server's memory where it was.
func TestAbsurdURLsAreRefusedAndMemoryStaysBounded(t *testing.T) {
	a := newApp(t, "sqlite", func(c *web.Config) { c.PageCacheTTL = time.Minute })
	call := fmt.Sprintf("%s/c/%s/calls/%d", a.http.URL, demo.Slug, a.demo.RebootID)
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	big := strings.Repeat("a", 900<<10)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range 1000 {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			q := fmt.Sprintf("q%d=%s", i, big[:(i%10+1)*(90<<10)])
			res, err := http.Get(call + "?" + q)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusRequestURITooLong {
				t.Errorf("status %d for a %d-byte query, want 414", res.StatusCode, len(q))
			}
		}()
	}
	wg.Wait()
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 64<<20 {
		t.Fatalf("the heap grew by %d MiB over 1,000 long addresses", grew>>20)
	}
	if got := a.server.PageCacheBytes(); got > 1<<20 {
		t.Fatalf("the page cache holds %d bytes after refused requests", got)
	}
	// The API says why in JSON, in the visitor's language.
	req, _ := http.NewRequest(http.MethodGet, a.http.URL+"/api/v1/communities?x="+strings.Repeat("b", 10<<10), nil)
	req.Header.Set("Accept-Language", "fr")
	r := a.client().do(req)
	wantStatus(t, r, http.StatusRequestURITooLong)
	mustContain(t, r.body, `"code":"bad_request"`, "Cette adresse dépasse 8 Kio")
}

// NUL bytes and broken UTF-8 get a clear 4xx on every kind of endpoint and engine, never a 500.
func TestBrokenTextIsRefusedAtTheEdge(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		c := a.client()
		org := a.client()
		org.signIn()
		call := fmt.Sprintf("/c/%s/calls/%d", demo.Slug, a.demo.RebootID)
		for _, bad := range []string{"%00", "%ff", "a%00b", "%c3%28", "%ed%a0%80"} {
			for _, path := range []string{"/c/" + bad, "/c/" + demo.Slug + "/initiatives/" + bad, "/api/v1/communities/" + bad} {
				r := c.get(path)
				if r.status != http.StatusBadRequest {
					t.Errorf("GET %s: status %d, want 400", path, r.status)
				}
			}
			for _, path := range []string{"/c/" + demo.Slug + "/initiatives?sector=" + bad, "/api/v1/communities/" + demo.Slug + "/people?interest=" + bad,
				"/signin?next=" + bad, call + "?q=" + bad} {
				r := c.get(path)
				if r.status != http.StatusBadRequest {
					t.Errorf("GET %s: status %d, want 400", path, r.status)
				}
			}
		}
		for _, bad := range []string{"a\x00b", "caf\xe9", "\xff\xfe"} {
			r := org.post(call+"/edit", url.Values{"title": {bad}, "starts_at": {"2019-11-13T12:00"}, "duration": {"90"}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			mustContain(t, r.body, "NUL byte or broken UTF-8")
			r = org.post("/signin", url.Values{"email": {bad}, "password": {bad}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
		}
		// JSON: a NUL escaped in a string, raw invalid UTF-8, and a NUL in a member name.
		member := a.client()
		member.signIn()
		for _, body := range []string{`{"answers":{"q":"a\u0000b"}}`, "{\"answers\":{\"q\":\"caf\xe9\"}}", `{"a\u0000":1}`} {
			req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/calls/%d/registrations", a.http.URL, a.demo.RebootID), strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Origin", a.http.URL)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			r := member.do(req)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			mustContain(t, r.body, `"code":"invalid"`)
		}
	})
}

// A PostgreSQL that stops answering, rather than refusing, gets every request a clear 503 within
// the request's database deadline instead of a request that hangs.
func TestDatabaseThatStopsAnsweringGives503(t *testing.T) {
	dsn := testdb.DSN(t, "postgres")
	proxy := newFreezingProxy(t, dsn)
	frozenDSN := proxy.dsn
	a := newAppOn(t, frozenDSN, func(c *web.Config) { c.DBTimeout = 500 * time.Millisecond; c.PageCacheTTL = 0 })
	c := a.client()
	call := fmt.Sprintf("/c/%s/calls/%d", demo.Slug, a.demo.RebootID)
	wantStatus(t, c.get(call), http.StatusOK)
	proxy.freeze()
	client := &http.Client{Timeout: 30 * time.Second} // a hang, not a slow answer, fails this test
	for _, path := range []string{call, "/api/v1/communities/" + demo.Slug + "/calls"} {
		req, _ := http.NewRequest(http.MethodGet, a.http.URL+path, nil)
		req.Header.Set("Accept-Language", "fr")
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("GET %s: status %d, want 503; body %.500s", path, res.StatusCode, b)
		}
		if res.Header.Get("Retry-After") == "" {
			t.Errorf("GET %s: 503 without Retry-After", path)
		}
		mustContain(t, string(b), "La base de données n’a pas répondu à temps")
	}
	proxy.thaw()
}

// freezingProxy forwards TCP to PostgreSQL until frozen; then it keeps every connection open and
// passes nothing, as a database host that stopped answering does.
type freezingProxy struct {
	dsn    string
	mu     sync.Mutex
	frozen bool
	thawed chan struct{}
}

func newFreezingProxy(t *testing.T, dsn string) *freezingProxy {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	target := u.Host
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &freezingProxy{thawed: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); ln.Close() })
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			context.AfterFunc(ctx, func() { in.Close(); out.Close() })
			go p.pipe(in, out)
			go p.pipe(out, in)
		}
	}()
	u.Host = ln.Addr().String()
	q := u.Query()
	q.Set("connect_timeout", "2")
	u.RawQuery = q.Encode()
	p.dsn = u.String()
	return p
}

func (p *freezingProxy) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			frozen, thawed := p.frozen, p.thawed
			p.mu.Unlock()
			if frozen {
				<-thawed // hold the bytes: the peer hears nothing
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			dst.Close()
			return
		}
	}
}

func (p *freezingProxy) freeze() { p.mu.Lock(); p.frozen = true; p.mu.Unlock() }
func (p *freezingProxy) thaw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.frozen {
		p.frozen = false
		close(p.thawed)
		p.thawed = make(chan struct{})
	}
}
