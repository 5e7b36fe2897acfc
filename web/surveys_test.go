package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/demo"
)

// count runs a COUNT query written with ? placeholders on the app's database.
func (a *app) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	if a.store.Engine() == "postgres" {
		for i := 1; strings.Contains(query, "?"); i++ {
			query = strings.Replace(query, "?", "$"+strconv.Itoa(i), 1)
		}
	}
	var n int
	if err := a.store.DB().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// surveyNamed finds one of the demo community's surveys by its English title.
func (a *app) surveyNamed(t *testing.T, title string) *convene.Survey {
	t.Helper()
	list, err := a.store.Surveys(context.Background(), a.demo.Community.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range list {
		if v.TitleEN == title {
			full, err := a.store.SurveyByID(context.Background(), v.ID)
			if err != nil {
				t.Fatal(err)
			}
			return full
		}
	}
	t.Fatalf("no survey %q", title)
	return nil
}

// bearer sends a GET with an API token.
func (c *client) bearer(path, token string) response {
	req, _ := http.NewRequest(http.MethodGet, c.a.http.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return c.do(req)
}

const surveysURL = "/c/" + demo.Slug + "/surveys"

// buildSurvey creates a survey through the organizer's forms: a yes/no question first, then a
// rating, a multiple choice and a text question.
func buildSurvey(t *testing.T, a *app, org *client, title string, extra url.Values) *convene.Survey {
	t.Helper()
	form := url.Values{"title_en": {title}, "title_fr": {"Après l'appel"}, "target": {"call:" + strconv.FormatInt(a.demo.RebootID, 10)},
		"kind": {"yesno"}, "required": {"on"}, "text_en": {"Was the call useful?"}, "text_fr": {"L'appel était-il utile?"}}
	for k, v := range extra {
		form[k] = v
	}
	r := org.post(surveysURL+"/new", form)
	wantStatus(t, r, http.StatusSeeOther)
	v := a.surveyNamed(t, title)
	if r.location != surveysURL+"/"+strconv.FormatInt(v.ID, 10)+"/edit" {
		t.Fatalf("created, then sent to %q", r.location)
	}
	add := surveysURL + "/" + strconv.FormatInt(v.ID, 10) + "/questions"
	for _, q := range []url.Values{
		{"kind": {"rating"}, "text_en": {"Rate the agenda"}, "text_fr": {"Notez l'ordre du jour"}},
		{"kind": {"multiple"}, "text_en": {"Formats?"}, "text_fr": {"Formats?"}, "choices": {"Updates | Nouvelles\nAsks | Demandes\nGuests | Invités"}},
		{"kind": {"text"}, "text_en": {"What should change?"}},
	} {
		wantStatus(t, org.post(add, q), http.StatusSeeOther)
	}
	return a.surveyNamed(t, title)
}

// TestSurveyBuildAnswerResults walks a survey from the builder to its results: members answer once,
// bad answers store nothing, the results page, CSV and API add up to the answers given, members
// never see results or the builder, and a closed survey refuses answers.
func TestSurveyBuildAnswerResults(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		org := a.client()
		org.signIn()
		mia, _ := a.signedIn(t, "mia.member@example.org", "Mia Member")
		noah, _ := a.signedIn(t, "noah.member@example.org", "Noah Member")
		ola, _ := a.signedIn(t, "ola.member@example.org", "Ola Member")
		late, _ := a.signedIn(t, "late.member@example.org", "Late Member")

		mustContain(t, org.get("/c/"+demo.Slug).body, surveysURL)
		mustContain(t, mia.get("/c/"+demo.Slug).body, `href="`+surveysURL+`"`) // members find the open surveys
		mustNotContain(t, a.client().get("/c/"+demo.Slug).body, `href="`+surveysURL+`"`)
		wantStatus(t, a.client().get(surveysURL), http.StatusSeeOther) // to the sign-in page
		wantStatus(t, mia.get(surveysURL+"/new"), http.StatusForbidden)
		wantStatus(t, mia.post(surveysURL+"/new", url.Values{"title_en": {"Mine"}, "kind": {"yesno"}, "text_en": {"?"}}), http.StatusForbidden)

		// A single choice with one option is refused with a message on the field, and nothing is stored.
		r := org.post(surveysURL+"/new", url.Values{"title_en": {"Broken"}, "kind": {"single"}, "text_en": {"Pick"}, "choices": {"Only one"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Give from 2 to 20 choices, one per line.", `aria-invalid="true"`)
		if n := a.count(t, `SELECT COUNT(*) FROM surveys WHERE title_en = ?`, "Broken"); n != 0 {
			t.Fatalf("%d broken surveys stored", n)
		}

		v := buildSurvey(t, a, org, "After the reboot call", nil)
		if len(v.Questions) != 4 || v.Questions[2].Choices[2].FR != "Invités" || v.CallID != a.demo.RebootID {
			t.Fatalf("built: %+v", v)
		}
		path := surveysURL + "/" + strconv.FormatInt(v.ID, 10)
		builder := org.get(path + "/edit")
		wantStatus(t, builder, http.StatusOK)
		mustContain(t, builder.body, "Was the call useful?", "Rate the agenda", "What should change?", "Invités", "Add a question")
		mustContain(t, org.get(surveysURL).body, "After the reboot call", "End-of-pilot feedback")

		// Members answer; they see neither the builder nor the results.
		for _, p := range []string{path + "/edit", path + "/results", path + "/results.csv"} {
			wantStatus(t, mia.get(p), http.StatusForbidden)
		}
		wantStatus(t, mia.post(path+"/questions", url.Values{"kind": {"text"}, "text_en": {"Sneaky"}}), http.StatusForbidden)
		page := mia.get(path)
		wantStatus(t, page, http.StatusOK)
		yesno, rating, formats, text := v.Questions[0], v.Questions[1], v.Questions[2], v.Questions[3]
		mustContain(t, page.body, "<fieldset", "<legend>1. <span>Was the call useful?</span>", `type="radio" id="f-`+yesno.FieldName()+`-yes"`,
			`type="checkbox"`, `<textarea id="f-`+text.FieldName()+`"`, `value="5"`)

		// A rating of 7 and an answer to a question the survey does not have: clear errors, nothing stored.
		r = mia.post(path, url.Values{yesno.FieldName(): {"yes"}, rating.FieldName(): {"7"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Choose a rating from 1 to 5.", `id="e-`+rating.FieldName()+`"`)
		r = mia.post(path, url.Values{yesno.FieldName(): {"yes"}, "q999999": {"3"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "not part of this survey")
		r = mia.post(path, url.Values{rating.FieldName(): {"3"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Please answer this question.", `value="3" checked`)
		if n := a.count(t, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?`, v.ID); n != 0 {
			t.Fatalf("%d responses stored after bad answers", n)
		}

		choice := func(i int) string { return strconv.FormatInt(formats.Choices[i].ID, 10) }
		r = mia.post(path, url.Values{yesno.FieldName(): {"yes"}, rating.FieldName(): {"4"}, formats.FieldName(): {choice(0), choice(2)},
			text.FieldName(): {"More guests"}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, mia.get(r.location).body, "Thank you! Your answers were recorded.", "You have answered this survey.")
		// Once per member: the second answer is refused with a message, and nothing is stored twice.
		r = mia.post(path, url.Values{yesno.FieldName(): {"no"}})
		wantStatus(t, r, http.StatusConflict)
		mustContain(t, r.body, "You have already answered this survey")
		if n := a.count(t, `SELECT COUNT(*) FROM survey_responses r JOIN users u ON u.id = r.person_id WHERE r.survey_id = ? AND u.email = ?`,
			v.ID, "mia.member@example.org"); n != 1 {
			t.Fatalf("%d responses from one member", n)
		}
		wantStatus(t, noah.post(path, url.Values{yesno.FieldName(): {"no"}, rating.FieldName(): {"2"}, formats.FieldName(): {choice(2)}}), http.StatusSeeOther)
		wantStatus(t, ola.post(path, url.Values{yesno.FieldName(): {"yes"}, formats.FieldName(): {choice(0)},
			text.FieldName(): {"=Fewer slides, please"}}), http.StatusSeeOther)

		// Hand-computed: 3 responses; yes 2 (67%), no 1 (33%); ratings 4 and 2 → 3.0 from 2 answers;
		// updates 2 of 3 (67%), asks 0, guests 2 (67%); two texts, newest first.
		res := org.get(path + "/results")
		wantStatus(t, res, http.StatusOK)
		mustContain(t, res.body, "3 responses", "Answered by 3 of 3", "Answered by 2 of 3", "Average rating: 3.0 out of 5",
			`<meter min="0" max="100" value="67" aria-hidden="true"></meter> 67%`, `value="33" aria-hidden="true"></meter> 33%`,
			"<th scope=\"row\">Asks</th>\n      <td>0</td>", "More guests", "=Fewer slides, please", "results.csv")
		mustNotContain(t, res.body, "Mia Member", "mia.member@example.org", "Noah Member")
		fr := a.client()
		fr.c.Jar = org.c.Jar
		wantStatus(t, fr.get("/lang/fr?next=/"), http.StatusSeeOther)
		mustContain(t, fr.get(path+"/results").body, "Note moyenne\u00a0: 3,0 sur 5", "67 %", "Invités")
		wantStatus(t, org.get("/lang/en?next=/"), http.StatusSeeOther)

		exp := org.get(path + "/results.csv")
		wantStatus(t, exp, http.StatusOK)
		csvBody, ok := strings.CutPrefix(exp.body, "\uFEFF")
		if !ok {
			t.Fatal("the CSV has no byte-order mark: Excel would garble accents")
		}
		rows, err := csv.NewReader(strings.NewReader(csvBody)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{
			{"Response", "Was the call useful?", "Rate the agenda", "Formats?", "What should change?"},
			{"1", "Yes", "4", "Updates; Guests", "More guests"},
			{"2", "No", "2", "Guests", ""},
			{"3", "Yes", "", "Updates", "'=Fewer slides, please"},
		}
		if fmt.Sprint(rows) != fmt.Sprint(want) {
			t.Fatalf("CSV:\n%v\nwant\n%v", rows, want)
		}
		mustNotContain(t, exp.body, "@example.org", "Member")

		// The organizers' API, with a token; members and anonymous callers are refused.
		orgUser, err := a.store.UserByEmail(ctx, demo.OrganizerEmail)
		if err != nil {
			t.Fatal(err)
		}
		token, err := a.store.CreateAPIToken(ctx, orgUser.ID, "surveys", convene.ScopeOrganize)
		if err != nil {
			t.Fatal(err)
		}
		miaUser, _ := a.store.UserByEmail(ctx, "mia.member@example.org")
		miaToken, _ := a.store.CreateAPIToken(ctx, miaUser.ID, "mine", convene.ScopeRegister)
		api := "/api/v1/communities/" + demo.Slug + "/surveys"
		list := a.client().bearer(api, token)
		wantStatus(t, list, http.StatusOK)
		mustContain(t, list.body, `"title_en":"After the reboot call"`, `"responses":3`, `"responses":23`)
		wantStatus(t, a.client().bearer(api, miaToken), http.StatusForbidden)
		wantStatus(t, a.client().bearer(api, ""), http.StatusUnauthorized)
		wantStatus(t, a.client().bearer(api+"/"+strconv.FormatInt(v.ID, 10)+"/results", miaToken), http.StatusForbidden)
		rj := a.client().bearer(api+"/"+strconv.FormatInt(v.ID, 10)+"/results", token)
		wantStatus(t, rj, http.StatusOK)
		var body struct {
			Responses int `json:"responses"`
			Questions []struct {
				Answered int      `json:"answered"`
				Yes      *int     `json:"yes"`
				No       *int     `json:"no"`
				Average  *float64 `json:"average"`
				Choices  []struct {
					EN      string `json:"en"`
					Count   int    `json:"count"`
					Percent int    `json:"percent"`
				} `json:"choices"`
				Texts []string `json:"texts"`
			} `json:"questions"`
		}
		if err := json.Unmarshal([]byte(rj.body), &body); err != nil {
			t.Fatal(err)
		}
		q := body.Questions
		if body.Responses != 3 || *q[0].Yes != 2 || *q[0].No != 1 || *q[1].Average != 3 || q[1].Answered != 2 ||
			q[2].Choices[0].Count != 2 || q[2].Choices[0].Percent != 67 || q[2].Choices[1].Count != 0 || len(q[3].Texts) != 2 || q[3].Texts[0] != "=Fewer slides, please" {
			t.Fatalf("API results: %s", rj.body)
		}
		mustNotContain(t, rj.body, "@example.org", "Mia")

		// Once answers exist, the questions stay as they are.
		r = org.post(path+"/questions", url.Values{"kind": {"text"}, "text_en": {"Too late"}})
		wantStatus(t, r, http.StatusConflict)
		mustContain(t, r.body, "its questions can no longer change")

		// Closing the survey: members see it closed, and an answer is refused.
		settings := url.Values{"title_en": {"After the reboot call"}, "target": {"call:" + strconv.FormatInt(a.demo.RebootID, 10)},
			"closes_on": {"2019-10-29"}}
		wantStatus(t, org.post(path+"/edit", settings), http.StatusSeeOther)
		closed := late.get(path)
		wantStatus(t, closed, http.StatusOK)
		mustContain(t, closed.body, "This survey is closed", "Closed since Tuesday, October 29, 2019")
		mustNotContain(t, closed.body, `name="`+yesno.FieldName()+`"`)
		r = late.post(path, url.Values{yesno.FieldName(): {"yes"}})
		wantStatus(t, r, http.StatusForbidden)
		mustContain(t, r.body, "This survey is closed")
		if n := a.count(t, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?`, v.ID); n != 3 {
			t.Fatalf("%d responses after the close, want 3", n)
		}
		// Members see open surveys only; organizers see them all.
		mustNotContain(t, late.get(surveysURL).body, "After the reboot call")
		mustContain(t, org.get(surveysURL).body, "After the reboot call")
	})
}

// TestAnonymousSurveyLink answers an anonymous survey by its link without an account: no person is
// stored, whoever answers, and a wrong link finds nothing.
func TestAnonymousSurveyLink(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		org := a.client()
		org.signIn()
		v := buildSurvey(t, a, org, "Anonymous pulse", url.Values{"anonymous": {"on"}})
		if !v.Anonymous || len(v.Token) < 40 {
			t.Fatalf("anonymous survey: %+v", v)
		}
		link := "/s/" + v.Token
		mustContain(t, org.get(surveysURL+"/"+strconv.FormatInt(v.ID, 10)+"/edit").body, a.http.URL+link)

		stranger := a.client()
		page := stranger.get(link)
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Anonymous pulse", "your name is not kept")
		yesno, rating := v.Questions[0], v.Questions[1]
		r := stranger.post(link, url.Values{yesno.FieldName(): {"yes"}, rating.FieldName(): {"7"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Choose a rating from 1 to 5.")
		r = stranger.post(link, url.Values{yesno.FieldName(): {"yes"}, rating.FieldName(): {"5"}})
		wantStatus(t, r, http.StatusSeeOther)
		if r.location != link+"?sent=1" {
			t.Fatalf("sent to %q", r.location)
		}
		mustContain(t, stranger.get(r.location).body, "Thank you!", "You may close this page.")

		// A signed-in member's answer to an anonymous survey keeps no person either.
		mia, _ := a.signedIn(t, "mia.member@example.org", "Mia Member")
		wantStatus(t, mia.post(surveysURL+"/"+strconv.FormatInt(v.ID, 10), url.Values{yesno.FieldName(): {"no"}}), http.StatusSeeOther)
		if n := a.count(t, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?`, v.ID); n != 2 {
			t.Fatalf("%d responses, want 2", n)
		}
		if n := a.count(t, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = ? AND person_id IS NOT NULL`, v.ID); n != 0 {
			t.Fatalf("%d anonymous responses keep a person", n)
		}
		wantStatus(t, stranger.get("/s/"+v.Token[:20]), http.StatusNotFound)
		// A survey that is not anonymous has no link.
		plain := a.surveyNamed(t, "End-of-pilot feedback")
		if plain.Anonymous || plain.Token != "" {
			t.Fatalf("the pilot survey has a link: %+v", plain)
		}
	})
}

// TestSurveyDemoPilot checks the demo's end-of-pilot survey: closed, with 19 of 23 for continuing.
func TestSurveyDemoPilot(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		v := a.surveyNamed(t, "End-of-pilot feedback")
		if v.SeasonID == 0 || v.TargetLabel != "Pilot" || v.TitleFR == "" || len(v.Questions) != 4 || v.Responses != 23 {
			t.Fatalf("pilot survey: %+v", v)
		}
		org := a.client()
		org.signIn()
		path := surveysURL + "/" + strconv.FormatInt(v.ID, 10)
		res := org.get(path + "/results")
		wantStatus(t, res, http.StatusOK)
		// Hand-computed from the demo's answers: yes 19, no 4; 22 ratings averaging 88/22 = 4.0;
		// updates chosen by 12 of the 20 who picked a format (60%); 7 texts.
		mustContain(t, res.body, "23 responses", "Should the community call continue?", `value="83" aria-hidden="true"></meter> 83%`,
			`value="17" aria-hidden="true"></meter> 17%`, "Average rating: 4.0 out of 5", "Answered by 20 of 23", `value="60"`,
			"Breakout discussions", "Post the agenda a week ahead.", "Closed since Saturday, August 31, 2019")
		if strings.Count(res.body, `<ul class="survey-texts">`) != 1 || strings.Count(res.body, `class="survey-text"`) != 7 {
			t.Fatalf("want the 7 texts listed")
		}
		mia, _ := a.signedIn(t, "mia.member@example.org", "Mia Member")
		page := mia.get(path)
		mustContain(t, page.body, "This survey is closed")
		fr := a.client()
		fr.c.Jar = mia.c.Jar
		wantStatus(t, fr.get("/lang/fr?next=/"), http.StatusSeeOther)
		mustContain(t, fr.get(path).body, "Rétroaction de fin de projet pilote", "Ce sondage est fermé")
	})
}

// TestSurveyAccessibility runs axe-core on the answer page, with and without errors, by the
// anonymous link and signed in, and on the organizers' builder and results.
func TestSurveyAccessibility(t *testing.T) {
	axe := axeSource(t)
	browserApp(t, func(t *testing.T, a *app) {
		org := a.client()
		org.signIn()
		v := buildSurvey(t, a, org, "Accessible survey", url.Values{"anonymous": {"on"}})
		pilot := a.surveyNamed(t, "End-of-pilot feedback")
		ctx := newBrowser(t)
		base := a.http.URL
		css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
		path := surveysURL + "/" + strconv.FormatInt(v.ID, 10)
		check := func(name string, steps ...chromedp.Action[chromedp.Void]) {
			t.Helper()
			axeCheck(t, ctx, axe, name, steps...)
		}
		check("anonymous answer page", chromedp.Navigate(base+"/s/"+v.Token), chromedp.WaitVisible(css(`fieldset`)))
		check("answer page with errors", chromedp.Submit(css(`form.stacked button`)), chromedp.WaitVisible(css(`div.errors-summary`)))
		check("French answer page", chromedp.Navigate(base+"/lang/fr?next=/s/"+v.Token), chromedp.WaitVisible(css(`fieldset`)))
		check("sign in", chromedp.Navigate(base+"/lang/en?next=/signin"), chromedp.WaitVisible(css(`#f-email`)),
			chromedp.SendKeys(css(`#f-email`), demo.OrganizerEmail), chromedp.SendKeys(css(`#f-password`), organizerPassword),
			chromedp.Submit(css(`#f-password`)), chromedp.WaitVisible(css(`div.flash`)))
		check("member answer page", chromedp.Navigate(base+path), chromedp.WaitVisible(css(`fieldset`)))
		check("survey list", chromedp.Navigate(base+surveysURL), chromedp.WaitVisible(css(`table.data`)))
		check("new survey", chromedp.Navigate(base+surveysURL+"/new"), chromedp.WaitVisible(css(`#f-title_en`)))
		check("builder", chromedp.Navigate(base+path+"/edit"), chromedp.WaitVisible(css(`#f-q-text_en`)))
		check("results", chromedp.Navigate(base+surveysURL+"/"+strconv.FormatInt(pilot.ID, 10)+"/results"), chromedp.WaitVisible(css(`meter`)))
	})
}

// TestCallPageOffersItsSurvey checks members find an open survey about a held call on the call's
// page, and that closed surveys and visitors get no link.
func TestCallPageOffersItsSurvey(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		call := a.heldCall(t)
		v := &convene.Survey{CommunityID: a.demo.Community.ID, CallID: call.ID, TitleEN: "How was the October call?", TitleFR: "Comment était l’appel d’octobre ?",
			Questions: []*convene.SurveyQuestion{{Kind: convene.SurveyRating, Required: true, TextEN: "Useful?", TextFR: "Utile ?"}}}
		if err := a.store.SaveSurvey(ctx, v); err != nil {
			t.Fatal(err)
		}
		page := "/c/" + demo.Slug + "/calls/" + strconv.FormatInt(call.ID, 10)
		member, _ := a.signedIn(t, "mia.member@example.org", "Mia Member")
		mustContain(t, member.get(page).body, "Tell us how it went", `href="/c/`+demo.Slug+`/surveys/`+strconv.FormatInt(v.ID, 10)+`"`, "How was the October call?")
		mustNotContain(t, member.get(page).body, "End-of-pilot feedback") // closed, and about another season
		mustNotContain(t, a.client().get(page).body, "Tell us how it went")
	})
}
