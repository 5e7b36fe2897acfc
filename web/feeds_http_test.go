package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene/demo"
)

// A feed's validators follow what is in it: calls that leave it (a paused season) change its
// answer even to a client that sends only If-Modified-Since, "*" matches an existing feed, and
// the answer says what it varies on.
func TestFeedValidatorsFollowCallsThatLeave(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		c := a.client()
		path := "/c/" + demo.Slug + "/calendar.ics"
		before := c.get(path)
		wantStatus(t, before, http.StatusOK)
		if lm := before.header.Get("Last-Modified"); lm != "" {
			t.Fatalf("the feed sends Last-Modified %q, which calls leaving it do not move", lm)
		}
		for _, v := range []string{"Accept-Language", "Cookie"} {
			if !strings.Contains(strings.Join(before.header.Values("Vary"), ","), v) {
				t.Errorf("Vary %q lacks %s", before.header.Values("Vary"), v)
			}
		}
		req, _ := http.NewRequest(http.MethodGet, a.http.URL+path, nil)
		req.Header.Set("If-None-Match", "*")
		if r := c.do(req); r.status != http.StatusNotModified {
			t.Fatalf("If-None-Match: * on an existing feed: %d", r.status)
		}

		org := a.client()
		org.signIn()
		seasons, err := a.store.SeasonsOf(context.Background(), a.demo.Series.ID)
		if err != nil {
			t.Fatal(err)
		}
		seriesPath := fmt.Sprintf("/c/%s/series/%d", demo.Slug, a.demo.Series.ID)
		wantStatus(t, org.post(fmt.Sprintf("%s/seasons/%d/pause", seriesPath, seasons[len(seasons)-1].ID), nil), http.StatusSeeOther)

		req, _ = http.NewRequest(http.MethodGet, a.http.URL+path, nil)
		req.Header.Set("If-Modified-Since", testNow.Add(24*time.Hour).UTC().Format(http.TimeFormat))
		after := c.do(req)
		wantStatus(t, after, http.StatusOK)
		if n, m := strings.Count(before.body, "BEGIN:VEVENT"), strings.Count(after.body, "BEGIN:VEVENT"); m >= n {
			t.Fatalf("pausing a season left %d of %d events", m, n)
		}
		req, _ = http.NewRequest(http.MethodGet, a.http.URL+path, nil)
		req.Header.Set("If-None-Match", before.header.Get("ETag"))
		if r := c.do(req); r.status != http.StatusOK {
			t.Fatalf("the old ETag after a season left: %d", r.status)
		}
	})
}

// Feeds, pages and the API are compressed for clients that accept gzip, and a compressed feed's
// ETag still revalidates.
func TestResponsesAreCompressed(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		raw := &http.Client{Transport: &http.Transport{DisableCompression: true}}
		get := func(path, etag string) (*http.Response, []byte) {
			t.Helper()
			req, _ := http.NewRequest(http.MethodGet, a.http.URL+path, nil)
			req.Header.Set("Accept-Encoding", "gzip")
			if etag != "" {
				req.Header.Set("If-None-Match", etag)
			}
			res, err := raw.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res, b
		}
		for path, want := range map[string]string{
			"/c/" + demo.Slug + "/calendar.ics":                       "BEGIN:VCALENDAR",
			fmt.Sprintf("/c/%s/calls/%d", demo.Slug, a.demo.RebootID): "<!doctype html>",
			"/api/v1/communities/" + demo.Slug + "/calls":             `"calls"`,
		} {
			res, body := get(path, "")
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("%s: status %d, Content-Encoding %q", path, res.StatusCode, res.Header.Get("Content-Encoding"))
			}
			if !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept-Encoding") {
				t.Errorf("%s: Vary %q lacks Accept-Encoding", path, res.Header.Values("Vary"))
			}
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			plain, _ := io.ReadAll(zr)
			if !strings.Contains(strings.ToLower(string(plain)), strings.ToLower(want)) {
				t.Fatalf("%s: the decompressed body lacks %q", path, want)
			}
			// Asked again (an answer kept by its stamp is served compressed ahead), the same bytes.
			res2, body2 := get(path, "")
			if res2.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("%s asked again: Content-Encoding %q", path, res2.Header.Get("Content-Encoding"))
			}
			if zr2, err := gzip.NewReader(bytes.NewReader(body2)); err != nil {
				t.Fatalf("%s asked again: %v", path, err)
			} else if plain2, _ := io.ReadAll(zr2); !bytes.Equal(plain, plain2) {
				t.Fatalf("%s asked again: another body", path)
			}
			if res2.Header.Get("ETag") != res.Header.Get("ETag") {
				t.Errorf("%s asked again: ETag %q, first %q", path, res2.Header.Get("ETag"), res.Header.Get("ETag"))
			}
			if etag := res.Header.Get("ETag"); etag != "" {
				if !strings.HasSuffix(etag, `-gzip"`) {
					t.Errorf("%s: compressed ETag %q is the plain one's", path, etag)
				}
				again, _ := get(path, etag)
				if again.StatusCode != http.StatusNotModified || again.Header.Get("ETag") != etag {
					t.Errorf("%s: revalidating %s: status %d, ETag %q", path, etag, again.StatusCode, again.Header.Get("ETag"))
				}
			}
		}
	})
}
