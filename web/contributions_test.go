package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/demo"
)

// Proposing a topic is a contribution like the others: members only, on the pages and the API.
func TestOnlyMembersProposeTopics(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		outsider, u := a.signedIn(t, "outsider@example.net", "Not A Member")
		if err := a.store.RemoveMember(t.Context(), a.demo.Community.ID, u.ID, false); err != nil {
			t.Fatal(err)
		}
		topics := fmt.Sprintf("/c/%s/series/%d/topics", demo.Slug, a.demo.Series.ID)
		page := outsider.get(topics)
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Only members of the community can propose topics")
		mustNotContain(t, page.body, `name="title"`)
		r := outsider.post(topics, url.Values{"title": {"Let me in"}, "kind": {"update"}})
		wantStatus(t, r, http.StatusForbidden)
		token, err := a.store.CreateAPIToken(t.Context(), u.ID, "script", convene.ScopeRegister)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/series/%d/topics", a.http.URL, a.demo.Series.ID),
			strings.NewReader(`{"title":"Let me in","kind":"update"}`))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		wantStatus(t, a.client().do(req), http.StatusForbidden)
		if n := a.count(t, `SELECT COUNT(*) FROM topics WHERE title = ?`, "Let me in"); n != 0 {
			t.Fatalf("%d topics stored from a non-member", n)
		}
	})
}

// One client cannot flood an anonymous survey link: a few answers an hour, then a clear 429.
func TestAnonymousSurveyAnswersAreLimited(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		org := a.client()
		org.signIn()
		v := buildSurvey(t, a, org, "Flood check", url.Values{"anonymous": {"on"}})
		link := "/s/" + v.Token
		yesno := v.Questions[0]
		c := a.client()
		counts := parallel(40, func(int) response { return c.post(link, url.Values{yesno.FieldName(): {"yes"}}) })
		kept := counts[http.StatusSeeOther]
		if kept < 1 || kept > 10 || kept+counts[http.StatusTooManyRequests] != 40 {
			t.Fatalf("40 answers at once from one client: %v; want at most 10 kept, the rest refused", counts)
		}
		if n := a.count(t, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?`, v.ID); n != kept {
			t.Fatalf("%d responses stored, %d accepted", n, kept)
		}
		r := c.post(link, url.Values{yesno.FieldName(): {"yes"}})
		mustContain(t, r.body, "answers from your connection in the last hour")
	})
}
