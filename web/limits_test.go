package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/demo"
	"github.com/opengovcall/convene/web"
)

// parallel sends n requests at once and counts the answers by status.
func parallel(n int, send func(i int) response) map[int]int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	counts := map[int]int{}
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := send(i)
			mu.Lock()
			counts[r.status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	return counts
}

// Forty wrong passwords at once for one address get at most five checks; the rest are refused
// unchecked, and the owner is told they can sign in with an emailed link.
func TestParallelSignInsRespectTheLimit(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		c := a.client()
		counts := parallel(40, func(int) response {
			return c.post("/signin", url.Values{"email": {demo.OrganizerEmail}, "password": {"a wrong password"}})
		})
		if counts[http.StatusUnauthorized] > 5 || counts[http.StatusTooManyRequests] < 35 || counts[http.StatusUnauthorized]+counts[http.StatusTooManyRequests] != 40 {
			t.Fatalf("40 parallel wrong passwords: %v; want at most 5 checked (401), the rest 429", counts)
		}
		r := c.post("/signin", url.Values{"email": {demo.OrganizerEmail}, "password": {organizerPassword}})
		wantStatus(t, r, http.StatusTooManyRequests)
		mustContain(t, r.body, "sign in now with a link by email")
	})
}

// Timing does not tell who has an account: a sign-in to an unknown address spends a password check too.
func TestUnknownAddressesSpendAPasswordCheck(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		before := convene.DummyPasswordChecks()
		r := a.client().post("/signin", url.Values{"email": {"nobody.here@example.net"}, "password": {"a wrong password"}})
		wantStatus(t, r, http.StatusUnauthorized)
		if convene.DummyPasswordChecks() == before {
			t.Fatal("a sign-in to an unknown address checked no password")
		}
	})
}

// Forty comments at once from one member store at most the five a minute allows.
func TestParallelCommentsRespectTheLimit(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		member, _ := a.signedIn(t, "chatty@example.net", "Chatty Member")
		on := "call:" + strconv.FormatInt(a.demo.RebootID, 10)
		page := "/c/" + demo.Slug + "/comments?on=" + url.QueryEscape(on)
		parallel(40, func(i int) response {
			return member.post(page, url.Values{"body": {fmt.Sprintf("Comment %d", i)}})
		})
		list, err := a.store.Comments(t.Context(), a.demo.Community.ID, convene.CommentTarget{Kind: convene.CommentOnCall, ID: a.demo.RebootID})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) > 5 {
			t.Fatalf("40 parallel comments stored %d, over the limit of 5 a minute", len(list))
		}
	})
}

// Preference cookies are Secure when the instance is served over https, like the session cookie.
func TestPreferenceCookiesAreSecureOverHTTPS(t *testing.T) {
	a := newApp(t, "sqlite", func(c *web.Config) { c.BaseURL = "https://calls.example.org" })
	c := a.client()
	for path, r := range map[string]response{
		"/lang/fr":    c.get("/lang/fr?next=/"),
		"/prefs/zone": c.post("/prefs/zone", url.Values{"zone": {"America/Halifax"}, "next": {"/"}}),
	} {
		cookie := r.header.Get("Set-Cookie")
		if cookie == "" || !strings.Contains(cookie, "; Secure") {
			t.Errorf("%s sets %q, not Secure", path, cookie)
		}
	}
}
