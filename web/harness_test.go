package web_test

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/demo"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
	"github.com/opengovcall/convene/web"
)

// The tests' "now": two weeks before the seed's reboot call.
var testNow = time.Date(2019, 10, 30, 15, 0, 0, 0, time.UTC)

const organizerPassword = "correct horse battery"

// app is a Convene instance on a real HTTP server on a loopback port, with the demo community.
type app struct {
	t      testing.TB
	store  *store.Store
	server *web.Server
	http   *httptest.Server
	demo   *demo.Result
}

// eachApp runs fn on an app per database engine.
func eachApp(t *testing.T, fn func(t *testing.T, a *app)) {
	t.Helper()
	eachAppWith(t, nil, fn)
}

// eachAppWith is eachApp with a change to the server's configuration.
func eachAppWith(t *testing.T, configure func(*web.Config), fn func(t *testing.T, a *app)) {
	t.Helper()
	runBeside(t)
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) { fn(t, newApp(t, engine, configure)) })
	}
}

var (
	parallelMu sync.Mutex
	parallelTs = map[*testing.T]bool{}
)

// runBeside lets a test that works on apps of its own run beside the others: every app has its
// own database copy, mail server and listener. Tests that measure the process (memory) or share
// one browser stay serial by not calling it.
func runBeside(t *testing.T) {
	parallelMu.Lock()
	first := !parallelTs[t]
	parallelTs[t] = true
	parallelMu.Unlock()
	if first {
		t.Parallel()
	}
}

func newApp(t testing.TB, engine string, configure func(*web.Config)) *app {
	t.Helper()
	ln, cfg := appConfig(t, configure)
	// The demo is loaded once per engine and clock, and each test gets a copy of that database.
	key := "demo@" + cfg.Clock.Now().UTC().Format(time.RFC3339Nano)
	dsn, prepared := testdb.Copy(t, engine, key, cfg.Clock, func(ctx context.Context, st *store.Store) (any, error) {
		return demo.Load(ctx, st, cfg.Clock, organizerPassword)
	})
	loaded := prepared.(*demo.Result)
	res := *loaded
	community, series := *loaded.Community, *loaded.Series
	res.Community, res.Series = &community, &series
	st := testdb.OpenDSN(t, dsn, cfg.Clock) // the store and the server share one clock
	return startApp(t, ln, cfg, st, &res)
}

// newAppOn is newApp on the database dsn names, the demo loaded into it anew.
func newAppOn(t testing.TB, dsn string, configure func(*web.Config)) *app {
	t.Helper()
	ln, cfg := appConfig(t, configure)
	st := testdb.OpenDSN(t, dsn, cfg.Clock)
	res, err := demo.Load(context.Background(), st, cfg.Clock, organizerPassword)
	if err != nil {
		t.Fatalf("load demo: %v", err)
	}
	return startApp(t, ln, cfg, st, res)
}

// appConfig listens on a loopback port and returns the server configuration for it: the
// server's address is part of its configuration, so listen first, then build the handler.
func appConfig(t testing.TB, configure func(*web.Config)) (net.Listener, web.Config) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := web.Config{BaseURL: "http://" + ln.Addr().String(), Clock: convene.FixedClock(testNow),
		Logger: slog.New(slog.NewTextHandler(testLog{t}, nil)), MailFrom: "Open Gov Calls <calls@example.org>"}
	if configure != nil {
		configure(&cfg)
	}
	return ln, cfg
}

// startApp serves st with cfg on ln until the test ends.
func startApp(t testing.TB, ln net.Listener, cfg web.Config, st *store.Store, res *demo.Result) *app {
	t.Helper()
	srv, err := web.New(st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := &httptest.Server{Listener: ln, Config: &http.Server{Handler: srv}}
	hs.Start()
	t.Cleanup(func() {
		hs.Close()
		if missing := srv.Catalog().Missing(); len(missing) > 0 {
			t.Errorf("messages missing from the catalog: %v", missing)
		}
	})
	return &app{t: t, store: st, server: srv, http: hs, demo: res}
}

// testLog sends the server's log to the test's output, shown when a test fails.
type testLog struct{ t testing.TB }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// client is a browser-like visitor with its own cookies; it does not follow redirects.
type client struct {
	a *app
	c *http.Client
}

func (a *app) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{a: a, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type response struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (c *client) do(req *http.Request) response {
	c.a.t.Helper()
	res, err := c.c.Do(req)
	if err != nil {
		c.a.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, body: string(b), location: res.Header.Get("Location"), header: res.Header}
}

func (c *client) get(path string) response {
	req, _ := http.NewRequest(http.MethodGet, c.a.http.URL+path, nil)
	return c.do(req)
}

// post sends a form as a same-origin browser would.
func (c *client) post(path string, form url.Values) response {
	req, _ := http.NewRequest(http.MethodPost, c.a.http.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.a.http.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// signIn signs the client in as the demo organizer.
func (c *client) signIn() {
	c.a.t.Helper()
	r := c.post("/signin", url.Values{"email": {demo.OrganizerEmail}, "password": {organizerPassword}})
	if r.status != http.StatusSeeOther {
		c.a.t.Fatalf("sign in: status %d: %s", r.status, r.body)
	}
}

func mustContain(t testing.TB, body string, wants ...string) {
	t.Helper()
	text := html.UnescapeString(body)
	for _, w := range wants {
		if !strings.Contains(body, w) && !strings.Contains(text, w) {
			t.Errorf("response lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("body: %.3000s", body)
		t.FailNow()
	}
}

func mustNotContain(t testing.TB, body string, unwanted ...string) {
	t.Helper()
	text := html.UnescapeString(body)
	for _, w := range unwanted {
		if strings.Contains(body, w) || strings.Contains(text, w) {
			t.Fatalf("response contains %q", w)
		}
	}
}

func wantStatus(t testing.TB, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body: %.2000s", r.status, status, r.body)
	}
}

// eachAppWithClock is eachApp with a clock the test moves, which the store and the server share.
func eachAppWithClock(t *testing.T, fn func(t *testing.T, a *app, clock *settableClock)) {
	t.Helper()
	runBeside(t)
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			clock := &settableClock{t: testNow}
			fn(t, newApp(t, engine, func(c *web.Config) { c.Clock = clock }), clock)
		})
	}
}
