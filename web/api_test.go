package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/opengovcall/convene"
)

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }

type apiCall struct {
	ID       int64  `json:"id"`
	Title    string `json:"title"`
	Status   string `json:"status"`
	StartsAt string `json:"starts_at"`
	EndsAt   string `json:"ends_at"`
	TimeZone string `json:"time_zone"`
	URL      string `json:"url"`
	Series   struct {
		Title string `json:"title"`
	} `json:"series"`
	Agenda []struct {
		Kind      string `json:"kind"`
		Title     string `json:"title"`
		Presenter string `json:"presenter"`
	} `json:"agenda"`
	RegisteredCount int  `json:"registered_count"`
	Capacity        *int `json:"capacity"`
	raw             string
	Join            *struct {
		MeetingID string   `json:"meeting_id"`
		Passcode  string   `json:"passcode"`
		OneTap    []string `json:"one_tap"`
		DialIns   []struct {
			Number, Label string
		} `json:"dial_ins"`
	} `json:"join"`
}

func decode(t *testing.T, r response, v any) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func TestAPI(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		// The demo keeps its meeting for registered people; here the series shows it to everyone.
		if err := a.store.SetSeriesJoinVisibility(context.Background(), a.demo.Community.ID, a.demo.Series.ID, convene.JoinEveryone); err != nil {
			t.Fatal(err)
		}
		c := a.client()
		var list struct {
			Communities []struct{ Slug, Name, Description, TimeZone, URL string } `json:"communities"`
		}
		decode(t, c.get("/api/v1/communities"), &list)
		if len(list.Communities) != 1 || list.Communities[0].Slug != "open-gov-canada" || list.Communities[0].URL != a.http.URL+"/c/open-gov-canada" {
			t.Fatalf("communities: %+v", list)
		}
		var community struct {
			Slug     string `json:"slug"`
			TimeZone string `json:"time_zone"`
		}
		decode(t, c.get("/api/v1/communities/open-gov-canada"), &community)
		if community.TimeZone != "America/Toronto" {
			t.Fatalf("community: %+v", community)
		}

		var calls struct {
			Calls []apiCall `json:"calls"`
		}
		callsRes := c.get("/api/v1/communities/open-gov-canada/calls?from=2019-11-01T00:00:00Z&to=2019-12-31T00:00:00Z")
		decode(t, callsRes, &calls)
		var raws struct {
			Calls []json.RawMessage `json:"calls"`
		}
		decode(t, callsRes, &raws)
		for i := range calls.Calls {
			calls.Calls[i].raw = string(raws.Calls[i])
		}
		if len(calls.Calls) != 2 {
			t.Fatalf("calls in Nov–Dec 2019: %d", len(calls.Calls))
		}
		reboot := calls.Calls[0]
		if reboot.ID != a.demo.RebootID || reboot.StartsAt != "2019-11-13T17:00:00Z" || reboot.EndsAt != "2019-11-13T18:00:00Z" ||
			reboot.Status != "scheduled" || reboot.TimeZone != "America/Toronto" || reboot.URL != fmt.Sprintf("%s/c/open-gov-canada/calls/%d", a.http.URL, reboot.ID) {
			t.Fatalf("reboot call: %+v", reboot)
		}
		if len(reboot.Agenda) != 3 || reboot.Agenda[0].Kind != "update" || reboot.Agenda[0].Presenter != "Christine Hagyard" || reboot.Agenda[1].Title != "Launching Re:OpenGov" {
			t.Fatalf("agenda: %+v", reboot.Agenda)
		}
		// The reboot call's kit is for registered participants; December's is everyone's.
		if reboot.Join != nil || !strings.Contains(calls.Calls[0].raw, `"join_access":{"level":"registered","visible":false,"need":"register"}`) {
			t.Fatalf("reboot join for a visitor: %+v", reboot.Join)
		}
		dec := calls.Calls[1]
		if dec.Join == nil || dec.Join.MeetingID != "912323161" || dec.Join.OneTap[0] != "+16475580588,,912323161#" || len(dec.Join.DialIns) != 3 {
			t.Fatalf("join: %+v", dec.Join)
		}
		if reboot.RegisteredCount != 27 || reboot.Capacity != nil {
			t.Fatalf("registered %d, capacity %v", reboot.RegisteredCount, reboot.Capacity)
		}

		var one apiCall
		decode(t, c.get(fmt.Sprintf("/api/v1/calls/%d", a.demo.RebootID)), &one)
		if one.Title != "Open Government Community Call" || one.Series.Title != "Open Government Community Call" {
			t.Fatalf("call: %+v", one)
		}
		var past struct {
			Calls []apiCall `json:"calls"`
		}
		decode(t, c.get("/api/v1/communities/open-gov-canada/calls?from=2019-01-01T00:00:00Z&to=2019-02-01T00:00:00Z"), &past)
		if len(past.Calls) != 1 || past.Calls[0].Status != "held" {
			t.Fatalf("January 2019: %+v", past.Calls)
		}

		for _, tc := range []struct {
			path   string
			status int
			code   string
			msg    string
		}{
			{"/api/v1/communities/open-gov-canada/calls?from=yesterday", http.StatusUnprocessableEntity, "invalid", "must be an RFC 3339 time"},
			{"/api/v1/communities/open-gov-canada/calls?from=2020-01-01T00:00:00Z&to=2019-01-01T00:00:00Z", http.StatusUnprocessableEntity, "invalid", "“from” must be before “to”."},
			// The zero time is no way around the ten-year range limit.
			{"/api/v1/communities/open-gov-canada/calls?from=0001-01-01T00:00:00Z&to=2019-12-31T00:00:00Z", http.StatusUnprocessableEntity, "invalid", "must be an RFC 3339 time"},
			{"/api/v1/communities/open-gov-canada/calls?limit=0", http.StatusUnprocessableEntity, "invalid", "“limit” must be a number"},
			{"/api/v1/communities/nowhere", http.StatusNotFound, "not_found", "This community does not exist."},
			{"/api/v1/calls/abc", http.StatusNotFound, "not_found", "This call does not exist."},
			{"/api/v1/nothing", http.StatusNotFound, "not_found", "No such API endpoint."},
		} {
			r := c.get(tc.path)
			if r.status != tc.status {
				t.Fatalf("%s: status %d, want %d", tc.path, r.status, tc.status)
			}
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			decode(t, r, &e)
			if e.Error.Code != tc.code || !strings.Contains(e.Error.Message, tc.msg) {
				t.Fatalf("%s: error %+v", tc.path, e.Error)
			}
		}

		health := c.get("/healthz")
		if health.status != http.StatusOK || health.body != "ok\n" {
			t.Fatalf("healthz: %d %q", health.status, health.body)
		}
	})
}
