package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/demo"
	"github.com/opengovcall/convene/web"
)

// openAPICase is one real response, to be held to the schema the description gives for it.
type openAPICase struct {
	Path   string `json:"path"` // the path template, as the description writes it
	Method string `json:"method"`
	Status int    `json:"status"`
	Body   string `json:"body"`
	asked  string // the request, for messages
}

// openAPIRecorder sends API requests and keeps their responses for validation.
type openAPIRecorder struct {
	t     *testing.T
	a     *app
	cases []openAPICase
}

// send makes a request as c with an optional bearer token and JSON body, wants the status, and
// records the response under the path template.
func (rec *openAPIRecorder) send(c *client, token, method, template, path, body string, want int) response {
	rec.t.Helper()
	req, err := http.NewRequest(method, rec.a.http.URL+path, strings.NewReader(body))
	if err != nil {
		rec.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	r := c.do(req)
	if r.status != want {
		rec.t.Fatalf("%s %s: status %d, want %d; body: %.2000s", method, path, r.status, want, r.body)
	}
	who := "anonymous"
	if token != "" {
		who = "bearer"
	} else if len(c.c.Jar.Cookies(req.URL)) > 0 {
		who = "signed in"
	}
	rec.cases = append(rec.cases, openAPICase{Path: template, Method: strings.ToLower(method), Status: r.status, Body: r.body,
		asked: method + " " + path + " (" + who + ")"})
	return r
}

func (rec *openAPIRecorder) get(c *client, template, path string, want int) response {
	rec.t.Helper()
	return rec.send(c, "", http.MethodGet, template, path, "", want)
}

func decodeOpenAPIBody(t *testing.T, r response, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("decode %.500s: %v", r.body, err)
	}
}

// TestOpenAPIDocumentServed serves the description with an ETag and answers 304 to a client that
// holds it.
func TestOpenAPIDocumentServed(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		want, err := os.ReadFile("openapi.json")
		if err != nil {
			t.Fatal(err)
		}
		c := a.client()
		r := c.get("/api/v1/openapi.json")
		wantStatus(t, r, http.StatusOK)
		if ct := r.header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type %q, want application/json", ct)
		}
		if r.body != string(want) {
			t.Error("the served description differs from web/openapi.json")
		}
		etag := r.header.Get("ETag")
		if !strings.HasPrefix(etag, `"`) || len(etag) < 10 {
			t.Fatalf("ETag %q, want a strong quoted tag", etag)
		}
		for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
			req, _ := http.NewRequest(http.MethodGet, a.http.URL+"/api/v1/openapi.json", nil)
			req.Header.Set("If-None-Match", inm)
			r := c.do(req)
			if r.status != http.StatusNotModified || r.body != "" || r.header.Get("ETag") != etag {
				t.Errorf("If-None-Match %s: status %d, ETag %q, %d bytes; want 304, the same ETag, no body", inm, r.status, r.header.Get("ETag"), len(r.body))
			}
		}
		req, _ := http.NewRequest(http.MethodGet, a.http.URL+"/api/v1/openapi.json", nil)
		req.Header.Set("If-None-Match", `"stale"`)
		if r := c.do(req); r.status != http.StatusOK || r.body != string(want) {
			t.Errorf("a stale If-None-Match: status %d, want 200 with the description", r.status)
		}
	})
}

// TestOpenAPIResponses holds real responses of every endpoint, as strangers, the organizer and an
// API client see them, to the schemas the description gives, with a JSON Schema validator.
func TestOpenAPIResponses(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		rec := &openAPIRecorder{t: t, a: a}
		anon, org := a.client(), a.client()
		org.signIn()
		organizer, err := a.store.UserByEmail(ctx, demo.OrganizerEmail)
		if err != nil {
			t.Fatal(err)
		}
		token, err := a.store.CreateAPIToken(ctx, organizer.ID, "OpenAPI test", convene.ScopeRegister, convene.ScopeOrganize)
		if err != nil {
			t.Fatal(err)
		}
		slug := a.demo.Community.Slug
		cb := "/api/v1/communities/" + slug
		const (
			tCommunities = "/api/v1/communities"
			tCommunity   = "/api/v1/communities/{slug}"
			tCalls       = "/api/v1/communities/{slug}/calls"
			tCall        = "/api/v1/calls/{id}"
		)
		reboot := strconv.FormatInt(a.demo.RebootID, 10)
		series := strconv.FormatInt(a.demo.Series.ID, 10)

		docRes := rec.get(anon, "/api/v1/openapi.json", "/api/v1/openapi.json", http.StatusOK)
		docFile := filepath.Join(t.TempDir(), "openapi.json")
		if err := os.WriteFile(docFile, []byte(docRes.body), 0o600); err != nil {
			t.Fatal(err)
		}

		// Open data, as anyone reads it.
		rec.get(anon, tCommunities, tCommunities, http.StatusOK)
		rec.get(anon, tCommunity, cb, http.StatusOK)
		rec.get(anon, tCommunity, "/api/v1/communities/nowhere", http.StatusNotFound)
		rec.get(anon, tCalls, cb+"/calls", http.StatusOK)
		rec.get(anon, tCalls, cb+"/calls?from=yesterday", http.StatusUnprocessableEntity)
		var calls struct {
			Calls []struct {
				ID     int64  `json:"id"`
				Status string `json:"status"`
			} `json:"calls"`
		}
		decodeOpenAPIBody(t, rec.get(anon, tCalls, cb+"/calls?from=2019-01-01T00:00:00Z&to=2020-07-01T00:00:00Z", http.StatusOK), &calls)
		var held string
		for _, c := range calls.Calls {
			if c.Status == "held" && held == "" {
				held = strconv.FormatInt(c.ID, 10)
			}
		}
		if held == "" {
			t.Fatal("the demo has no held call in 2019")
		}
		rec.get(anon, tCall, "/api/v1/calls/"+reboot, http.StatusOK)
		rec.get(anon, tCall, "/api/v1/calls/"+held, http.StatusOK)
		rec.get(anon, tCall, "/api/v1/calls/abc", http.StatusNotFound)

		var people struct {
			Next *string `json:"next"`
		}
		decodeOpenAPIBody(t, rec.get(anon, "/api/v1/communities/{slug}/people", cb+"/people?limit=2", http.StatusOK), &people)
		if people.Next == nil {
			t.Fatal("the demo's directory fits on a page of 2: no next page to follow")
		}
		rec.get(anon, "/api/v1/communities/{slug}/people", strings.TrimPrefix(*people.Next, a.http.URL), http.StatusOK)
		rec.get(anon, "/api/v1/communities/{slug}/people", cb+"/people?jurisdiction=XX&sector=YY", http.StatusUnprocessableEntity)
		rec.get(anon, "/api/v1/communities/{slug}/search", cb+"/search?q=clearinghouse&kind=initiative", http.StatusOK)
		rec.get(anon, "/api/v1/communities/{slug}/search", cb+"/search?q=donn%C3%A9es&page=2", http.StatusOK)
		rec.get(anon, "/api/v1/communities/{slug}/search", cb+"/search?q=", http.StatusUnprocessableEntity)

		var inits struct {
			Initiatives []struct {
				ID int64 `json:"id"`
			} `json:"initiatives"`
		}
		decodeOpenAPIBody(t, rec.get(anon, "/api/v1/communities/{slug}/initiatives", cb+"/initiatives", http.StatusOK), &inits)
		if len(inits.Initiatives) == 0 {
			t.Fatal("the demo has no initiative")
		}
		for _, in := range inits.Initiatives {
			rec.get(anon, "/api/v1/communities/{slug}/initiatives/{id}", cb+"/initiatives/"+strconv.FormatInt(in.ID, 10), http.StatusOK)
		}
		rec.get(anon, "/api/v1/communities/{slug}/initiatives", cb+"/initiatives?status=active&sector=government", http.StatusOK)
		rec.get(anon, "/api/v1/communities/{slug}/initiatives", cb+"/initiatives?status=sleeping", http.StatusUnprocessableEntity)
		rec.get(anon, "/api/v1/communities/{slug}/initiatives/{id}", cb+"/initiatives/999999", http.StatusNotFound)

		rec.get(anon, "/api/v1/communities/{slug}/events", cb+"/events", http.StatusOK)
		rec.get(anon, "/api/v1/communities/{slug}/ideas", cb+"/ideas", http.StatusOK)
		var timeline struct {
			Earlier string `json:"earlier"`
		}
		decodeOpenAPIBody(t, rec.get(anon, "/api/v1/communities/{slug}/timeline", cb+"/timeline", http.StatusOK), &timeline)
		if timeline.Earlier != "" {
			rec.get(anon, "/api/v1/communities/{slug}/timeline", strings.TrimPrefix(timeline.Earlier, a.http.URL), http.StatusOK)
		}
		rec.get(anon, "/api/v1/communities/{slug}/timeline", cb+"/timeline?kind=initiative&kind=call&jurisdiction=ON", http.StatusOK)
		rec.get(anon, "/api/v1/communities/{slug}/timeline", cb+"/timeline?before=nonsense", http.StatusUnprocessableEntity)
		rec.get(anon, "/api/v1/communities/{slug}/action-items", cb+"/action-items", http.StatusOK)
		rec.get(anon, "/api/v1/communities/{slug}/action-items", cb+"/action-items?status=open", http.StatusOK)
		rec.get(anon, "/api/v1/communities/{slug}/action-items", cb+"/action-items?status=late", http.StatusUnprocessableEntity)
		rec.get(anon, "/api/v1/communities/{slug}/comments", cb+"/comments", http.StatusUnprocessableEntity)
		rec.get(anon, "/api/v1/communities/{slug}/series/{id}/topics", cb+"/series/999999/topics", http.StatusNotFound)

		// What needs a signed-in user or an organizer, refused to strangers and bad tokens.
		rec.get(anon, "/api/v1/me", "/api/v1/me", http.StatusUnauthorized)
		rec.send(anon, "not-a-token", http.MethodGet, "/api/v1/me", "/api/v1/me", "", http.StatusUnauthorized)
		rec.get(anon, "/api/v1/communities/{slug}/surveys", cb+"/surveys", http.StatusUnauthorized)
		rec.get(anon, "/api/v1/calls/{id}/attendance", "/api/v1/calls/"+held+"/attendance", http.StatusUnauthorized)
		if !a.demo.Community.PublicReach {
			rec.get(anon, "/api/v1/communities/{slug}/reach", cb+"/reach", http.StatusForbidden)
			shared := *a.demo.Community
			shared.PublicReach = true
			if err := a.store.UpdateCommunity(ctx, &shared); err != nil {
				t.Fatal(err)
			}
		}
		rec.get(anon, "/api/v1/communities/{slug}/reach", cb+"/reach", http.StatusOK) // the public view, small counts null
		rec.get(anon, "/c/{slug}/reach.json", "/c/"+slug+"/reach.json?season=nonsense", http.StatusUnprocessableEntity)
		rec.send(anon, "", http.MethodPost, "/api/v1/calls/{id}/registrations", "/api/v1/calls/"+reboot+"/registrations", "", http.StatusUnauthorized)

		// As the organizer, with the session cookie.
		rec.get(org, "/api/v1/me", "/api/v1/me", http.StatusOK)
		rec.get(org, tCalls, cb+"/calls?from=2019-01-01T00:00:00Z&to=2020-07-01T00:00:00Z", http.StatusOK)
		rec.get(org, tCall, "/api/v1/calls/"+reboot, http.StatusOK)
		rec.get(org, "/api/v1/calls/{id}/attendance", "/api/v1/calls/"+held+"/attendance", http.StatusOK)
		rec.get(org, "/api/v1/calls/{id}/attendance", "/api/v1/calls/999999/attendance", http.StatusNotFound)
		var surveys struct {
			Surveys []struct {
				ID int64 `json:"id"`
			} `json:"surveys"`
		}
		decodeOpenAPIBody(t, rec.get(org, "/api/v1/communities/{slug}/surveys", cb+"/surveys", http.StatusOK), &surveys)
		for _, v := range surveys.Surveys {
			rec.get(org, "/api/v1/communities/{slug}/surveys/{id}/results", cb+"/surveys/"+strconv.FormatInt(v.ID, 10)+"/results", http.StatusOK)
		}
		rec.get(org, "/api/v1/communities/{slug}/surveys/{id}/results", cb+"/surveys/999999/results", http.StatusNotFound)
		rec.get(org, "/api/v1/communities/{slug}/reach", cb+"/reach", http.StatusOK)
		rec.get(org, "/c/{slug}/reach.json", "/c/"+slug+"/reach.json", http.StatusOK)
		rec.get(org, "/api/v1/communities/{slug}/reach", cb+"/reach?from=2019-01-01&to=2019-12-31", http.StatusOK)
		rec.get(org, "/api/v1/communities/{slug}/reach", cb+"/reach?season=1&from=2019-01-01", http.StatusUnprocessableEntity)
		seasons, err := a.store.ReachSeasons(ctx, a.demo.Community.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, se := range seasons {
			rec.get(org, "/api/v1/communities/{slug}/reach", cb+"/reach?season="+strconv.FormatInt(se.ID, 10), http.StatusOK)
		}

		// Writes, as an API client with the organizer's token.
		post := func(template, path, body string, want int) response {
			t.Helper()
			return rec.send(anon, token, http.MethodPost, template, path, body, want)
		}
		regs := "/api/v1/calls/" + reboot + "/registrations"
		post("/api/v1/calls/{id}/registrations", regs, "", http.StatusOK)
		rec.send(anon, token, http.MethodDelete, "/api/v1/calls/{id}/registrations", regs, "", http.StatusNoContent)
		post("/api/v1/calls/{id}/registrations", regs, `{"answers": {}, "series": false}`, http.StatusOK)
		rec.send(anon, token, http.MethodGet, tCall, "/api/v1/calls/"+reboot, "", http.StatusOK) // with the caller's registration
		post("/api/v1/calls/{id}/registrations", "/api/v1/calls/999999/registrations", "", http.StatusNotFound)

		on := "call:" + reboot
		post("/api/v1/comments", "/api/v1/comments", fmt.Sprintf(`{"community": %q, "on": %q, "body": "The **agenda** looks good."}`, slug, on), http.StatusCreated)
		post("/api/v1/comments", "/api/v1/comments", fmt.Sprintf(`{"community": %q, "on": %q, "body": ""}`, slug, on), http.StatusUnprocessableEntity)
		post("/api/v1/comments", "/api/v1/comments", `{"community": "nowhere", "on": "call:1", "body": "Hello"}`, http.StatusNotFound)
		rec.get(anon, "/api/v1/communities/{slug}/comments", cb+"/comments?on="+url.QueryEscape(on), http.StatusOK)

		post("/api/v1/series/{id}/topics", "/api/v1/series/"+series+"/topics",
			fmt.Sprintf(`{"title": "Open data in budgets", "kind": "discussion", "presenter_name": "Ana", "minutes": 10, "initiative_id": %d}`, inits.Initiatives[0].ID), http.StatusCreated)
		post("/api/v1/series/{id}/topics", "/api/v1/series/"+series+"/topics", `{"title": "", "kind": "chat"}`, http.StatusUnprocessableEntity)
		rec.get(anon, "/api/v1/communities/{slug}/series/{id}/topics", cb+"/series/"+series+"/topics", http.StatusOK)

		initiative := "/api/v1/initiatives/" + strconv.FormatInt(inits.Initiatives[0].ID, 10)
		post("/api/v1/initiatives/{id}/updates", initiative+"/updates", fmt.Sprintf(`{"body": "We met the data team.", "call_id": %s}`, held), http.StatusCreated)
		post("/api/v1/initiatives/{id}/updates", initiative+"/updates", `{"body": ""}`, http.StatusUnprocessableEntity)
		rec.send(anon, "", http.MethodPost, "/api/v1/initiatives/{id}/updates", initiative+"/updates", `{"body": "Hi"}`, http.StatusUnauthorized)
		var ask struct {
			ID int64 `json:"id"`
		}
		decodeOpenAPIBody(t, post("/api/v1/initiatives/{id}/asks", initiative+"/asks", `{"kind": "feedback", "body": "Read our draft?"}`, http.StatusCreated), &ask)
		post("/api/v1/initiatives/{id}/asks", initiative+"/asks", `{"kind": "money", "body": "Fund us"}`, http.StatusUnprocessableEntity)
		post("/api/v1/initiatives/{id}/asks/{ask}/offers", initiative+"/asks/"+strconv.FormatInt(ask.ID, 10)+"/offers", `{"message": "Happy to read it."}`, http.StatusCreated)
		post("/api/v1/initiatives/{id}/asks/{ask}/offers", initiative+"/asks/999999/offers", `{"message": "Happy to help."}`, http.StatusNotFound)
		post("/api/v1/initiatives/{id}/updates", "/api/v1/initiatives/999999/updates", `{"body": "Hi"}`, http.StatusNotFound)
		rec.get(anon, "/api/v1/communities/{slug}/initiatives/{id}", cb+"/initiatives/"+strconv.FormatInt(inits.Initiatives[0].ID, 10), http.StatusOK)

		checkOpenAPICases(t, docFile, rec.cases)
	})
}

// checkOpenAPICases validates the responses in one run of the validator, fails the test with its
// message for each that does not match, and fails it for each operation no success exercised.
func checkOpenAPICases(t *testing.T, docFile string, cases []openAPICase) {
	t.Helper()
	b, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	casesFile := filepath.Join(t.TempDir(), "cases.json")
	if err := os.WriteFile(casesFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, runErr := web.OpenAPICheck(t, "responses", docFile, casesFile)
	var problems []string
	if err := json.Unmarshal(bytes.TrimSpace(out), &problems); err != nil || len(problems) != len(cases) {
		t.Fatalf("the validator failed: %v %v\n%s", runErr, err, out)
	}
	for i, p := range problems {
		if p != "" {
			t.Errorf("%s answered %d with a body the description does not allow:\n%s\nbody: %.1500s", cases[i].asked, cases[i].Status, p, cases[i].Body)
		}
	}

	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	raw, err := os.ReadFile(docFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for path, item := range doc.Paths {
		for _, method := range []string{"get", "put", "post", "delete", "patch"} {
			if _, ok := item[method]; !ok {
				continue
			}
			if !slices.ContainsFunc(cases, func(c openAPICase) bool { return c.Path == path && c.Method == method && c.Status < 300 }) {
				t.Errorf("%s %s: no successful response was checked against the description; add one to TestOpenAPIResponses", strings.ToUpper(method), path)
			}
		}
	}
}
