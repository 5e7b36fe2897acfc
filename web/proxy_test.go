package web_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/opengovcall/convene/demo"
	"github.com/opengovcall/convene/proxy"
	"github.com/opengovcall/convene/web"
)

// postAs signs in (or tries to) with the headers a proxy, or a client pretending to be one, adds.
func (c *client) postAs(path string, form url.Values, header http.Header) response {
	req, _ := http.NewRequest(http.MethodPost, c.a.http.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.a.http.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for k, vs := range header {
		req.Header[k] = vs
	}
	return c.do(req)
}

// failSignIns makes n failed sign-ins, each for another address, as the client header names.
func failSignIns(t *testing.T, a *app, n int, header func(i int) http.Header) {
	t.Helper()
	for i := range n {
		r := a.client().postAs("/signin", url.Values{"email": {fmt.Sprintf("nobody%d@example.org", i)}, "password": {"wrong password"}}, header(i))
		if r.status == http.StatusSeeOther {
			t.Fatalf("attempt %d signed in", i)
		}
	}
}

// Behind a trusted proxy each client the proxy forwards has its own sign-in limit, and one
// client's failures lock out no one else; a client talking to Convene directly cannot choose its
// address with X-Forwarded-For.
func TestClientsBehindAProxyAreToldApart(t *testing.T) {
	trusted, _ := proxy.Parse("127.0.0.1/32")
	logs := &lockedLog{}
	eachAppWith(t, func(cfg *web.Config) {
		cfg.TrustedProxies = trusted
		cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
		cfg.AccessLog = web.NewAccessLog(logs, "text")
	}, func(t *testing.T, a *app) {
		from := func(addr string) http.Header {
			return http.Header{"X-Forwarded-For": {addr}, "X-Forwarded-Proto": {"https"}}
		}
		failSignIns(t, a, 21, func(int) http.Header { return from("198.51.100.1") })
		good := url.Values{"email": {demo.OrganizerEmail}, "password": {organizerPassword}}
		r := a.client().postAs("/signin?lang=en", good, from("198.51.100.1"))
		wantStatus(t, r, http.StatusTooManyRequests)
		mustContain(t, r.body, "Too many failed attempts")
		// Another client behind the same proxy signs in.
		r = a.client().postAs("/signin", good, http.Header{"X-Forwarded-For": {"198.51.100.2"}, "X-Request-Id": {"proxy-id-42"}})
		wantStatus(t, r, http.StatusSeeOther)
		if r.header.Get("X-Request-ID") != "proxy-id-42" {
			t.Errorf("the proxy's request id was not kept: %q", r.header.Get("X-Request-ID"))
		}
		// One access line per request: the route pattern, the forwarded client, the proxy's id;
		// never the address typed into the form.
		line := regexp.MustCompile(`(?m)^.*request_id=proxy-id-42.*$`).FindString(logs.String())
		for _, want := range []string{`msg=request`, `method=POST`, `route="POST /signin"`, `status=303`, `client=198.51.100.2`, `duration=`, `bytes=`} {
			if !strings.Contains(line, want) {
				t.Errorf("access line %q lacks %s", line, want)
			}
		}
		if strings.Contains(logs.String(), demo.OrganizerEmail) || strings.Contains(logs.String(), "nobody3@example.org") {
			t.Error("an email address is in the log")
		}
		page := a.client().get(fmt.Sprintf("/c/open-gov-canada/calls/%d", a.demo.RebootID))
		if id := page.header.Get("X-Request-ID"); id == "" || id == "proxy-id-42" {
			t.Errorf("a request without a proxy id got %q", id)
		}
		if !strings.Contains(logs.String(), `route="GET /c/{slug}/calls/{id}"`) {
			t.Error("the call page is not logged by its route pattern")
		}
	})
}

// Without trusted proxies, forwarded headers are ignored: a client that rotates X-Forwarded-For
// stays one client, and its failures count together.
func TestForwardedHeadersFromAnyoneElseAreIgnored(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		failSignIns(t, a, 21, func(i int) http.Header {
			return http.Header{"X-Forwarded-For": {fmt.Sprintf("203.0.113.%d", i)}, "Forwarded": {fmt.Sprintf("for=192.0.2.%d", i)}}
		})
		r := a.client().postAs("/signin", url.Values{"email": {demo.OrganizerEmail}, "password": {organizerPassword}},
			http.Header{"X-Forwarded-For": {"203.0.113.250"}})
		wantStatus(t, r, http.StatusTooManyRequests)
	})
}
