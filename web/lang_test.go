package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
)

// Every page has an address per language: ?lang= picks it whatever the browser says, the page
// names its versions with hreflang, and the reader stays in that language as they follow links.
func TestLanguageInTheAddress(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		path := fmt.Sprintf("/c/open-gov-canada/calls/%d", a.demo.RebootID)
		c := a.client()
		req, _ := http.NewRequest(http.MethodGet, a.http.URL+path+"?lang=fr", nil)
		req.Header.Set("Accept-Language", "en-CA")
		r := c.do(req)
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, `lang="fr-CA"`, "Ordre du jour", `<meta property="og:locale" content="fr_CA">`,
			`<meta property="og:locale:alternate" content="en_CA">`,
			`<link rel="alternate" hreflang="en" href="`+a.http.URL+path+`?lang=en">`,
			`<link rel="alternate" hreflang="fr" href="`+a.http.URL+path+`?lang=fr">`)
		// The switch link does not carry the address's language back.
		if strings.Contains(r.body, "next="+path+"?lang=fr") || strings.Contains(r.body, "lang%3Dfr") {
			t.Fatal("the language switch would come back to the French address")
		}
		// Following a link (no ?lang=) keeps French.
		mustContain(t, c.get("/c/open-gov-canada").body, `lang="fr-CA"`)
		// A query the page reads is kept in its language versions.
		mustContain(t, a.client().get("/c/open-gov-canada/timeline?jurisdiction=ON").body,
			`hreflang="fr" href="`+a.http.URL+`/c/open-gov-canada/timeline?jurisdiction=ON&amp;lang=fr"`)
		// An unknown language is ignored, not an error.
		wantStatus(t, a.client().get(path+"?lang=xx"), http.StatusOK)

		// The API and feeds answer in the address's language too.
		api := a.client().get("/api/v1/calls/999999?lang=fr")
		mustContain(t, api.body, "Cet appel n’existe pas.")
		if api.header.Get("Set-Cookie") != "" {
			t.Fatal("the API set a cookie")
		}
	})
}

// A signed-in member who never used the switch reads in their profile's language, whatever
// their browser says; the switch still wins.
func TestProfileLanguageIsTheDefault(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		c, u := a.signedIn(t, "francophone@example.net", "Francophone")
		u.Languages = []string{"fr", "en"}
		if err := a.store.UpdateProfile(ctx, u); err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodGet, a.http.URL+"/c/open-gov-canada", nil)
		req.Header.Set("Accept-Language", "en-CA")
		mustContain(t, c.do(req).body, `lang="fr-CA"`)
		wantStatus(t, c.get("/lang/en?next=/"), http.StatusSeeOther)
		mustContain(t, c.do(req).body, `lang="en-CA"`)
	})
}

// An organizer writes a call's texts in both languages side by side; each reader gets theirs,
// and a missing version shows the original marked with its language. Bad versions are refused
// with the field named and nothing written.
func TestOrganizerTranslatesACall(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		org := a.client()
		org.signIn()
		path := fmt.Sprintf("/c/open-gov-canada/calls/%d", a.demo.RebootID)
		call, err := a.store.CallByID(ctx, a.demo.RebootID)
		if err != nil {
			t.Fatal(err)
		}
		local := call.StartsAt.In(call.Location())
		form := url.Values{"date": {local.Format("2006-01-02")}, "time": {local.Format("15:04")}, "duration": {"60"},
			"status": {"scheduled"}, "title": {"Community Call reboot"}, "title:fr": {"Relance de l’appel communautaire"},
			"theme": {"Open data in every province"}, "theme:fr": {""}, "note": {"Bring your questions."}, "note:fr": {"Apportez vos questions."}}
		wantStatus(t, org.post(path+"/edit", form), http.StatusSeeOther)

		edit := org.get(path + "/edit").body
		mustContain(t, edit, `name="title:fr"`, `lang="fr"`, `value="Relance de l’appel communautaire"`, "<legend>", "Not yet translated")

		fr := a.client().get(path + "?lang=fr").body
		mustContain(t, fr, "<h1>Relance de l’appel communautaire", `<span lang="en">Open data in every province</span>`,
			"en anglais seulement", "Apportez vos questions.")
		mustNotContain(t, fr, "Bring your questions.")
		en := a.client().get(path + "?lang=en").body
		mustContain(t, en, "<h1>Community Call reboot", "Bring your questions.")
		mustNotContain(t, en, "Relance de l’appel", "English only", "French only")

		// A version over the limit is a field error; nothing is written.
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("title", "Changed title")
		bad.Set("theme:fr", strings.Repeat("é", 201))
		r := org.post(path+"/edit", bad)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `id="f-theme-fr"`, `aria-invalid="true"`)
		if got, _ := a.store.CallByID(ctx, call.ID); got.Title != "Community Call reboot" {
			t.Fatalf("a refused form wrote the title %q", got.Title)
		}

		// The community cannot drop a language its texts use, nor name one that is no tag.
		c := a.demo.Community
		community := url.Values{"slug": {c.Slug}, "name": {"Open Government Canada"}, "time_zone": {"America/Toronto"}, "languages": {"en"}}
		r = org.post("/c/open-gov-canada/edit", community)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "still used by this community")
		community.Set("languages", "en, fr, x!")
		r = org.post("/c/open-gov-canada/edit", community)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got, _ := a.store.CommunityByID(ctx, c.ID); strings.Join(got.Languages, ",") != "en,fr" {
			t.Fatalf("languages now %v", got.Languages)
		}
		// A third language: the form then asks for it too.
		community.Set("languages", "en, fr, iu")
		wantStatus(t, org.post("/c/open-gov-canada/edit", community), http.StatusSeeOther)
		mustContain(t, org.get(path+"/edit").body, `name="title:iu"`)
	})
}

// The API answers in the requested language and carries every version of each text.
func TestAPIInEachLanguage(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		path := fmt.Sprintf("/api/v1/calls/%d", a.demo.RebootID)
		var call struct {
			Title        string                       `json:"title"`
			Theme        string                       `json:"theme"`
			Translations map[string]map[string]string `json:"translations"`
			Series       struct {
				Title        string                       `json:"title"`
				Translations map[string]map[string]string `json:"translations"`
			} `json:"series"`
			Agenda []struct {
				Title        string                       `json:"title"`
				Organization string                       `json:"organization"`
				Translations map[string]map[string]string `json:"translations"`
			} `json:"agenda"`
		}
		req, _ := http.NewRequest(http.MethodGet, a.http.URL+path, nil)
		req.Header.Set("Accept-Language", "fr-CA")
		r := a.client().do(req)
		wantStatus(t, r, http.StatusOK)
		if err := json.Unmarshal([]byte(r.body), &call); err != nil {
			t.Fatal(err)
		}
		if call.Theme != "La relance" || call.Title != "Appel communautaire sur le gouvernement ouvert" ||
			call.Translations["en"]["theme"] != "The reboot" || call.Translations["fr"]["theme"] != "La relance" ||
			call.Series.Translations["en"]["title"] != "Open Government Community Call" || len(call.Agenda) == 0 ||
			call.Agenda[0].Organization != "Équipe du gouvernement ouvert de l’Ontario" {
			t.Fatalf("French answer: %s", r.body)
		}
		en := a.client().get(path + "?lang=en").body
		mustContain(t, en, `"theme":"The reboot"`, `"title":"Open Government Community Call"`, `"fr":{`)
		mustContain(t, a.client().get("/api/v1/communities/open-gov-canada?lang=fr").body,
			`"name":"Appel communautaire pour un gouvernement ouvert · Canada"`)
	})
}

// Calendars speak their reader's language: a feed with ?lang=fr has the French titles, a title
// with no French version says its language with LANGUAGE, and an invitation to a member who
// reads French is French, agenda included; ical.js reads them all.
func TestFeedsAndInvitationsInTheReadersLanguage(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		box := a.mailbox(t)
		next, err := a.store.NextCall(ctx, a.demo.Community.ID, testNow.Add(60*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		next.Title = "Open data office hours" // in English only
		if err := a.store.UpdateCall(ctx, next); err != nil {
			t.Fatal(err)
		}
		feedPath := fmt.Sprintf("/c/open-gov-canada/series/%d/calendar.ics", a.demo.Series.ID)
		bodies := []string{a.client().get(feedPath + "?lang=fr").body, a.client().get(feedPath + "?lang=en").body}
		cals := parseICSAll(t, bodies)
		fr, en := cals[0], cals[1]
		if fr.Name != "Appel communautaire sur le gouvernement ouvert" || en.Name != "Open Government Community Call" {
			t.Fatalf("calendar names %q and %q", fr.Name, en.Name)
		}
		reboot := eventByUID(t, fr, eventByUIDPrefix(t, en, a.demo.RebootID))
		if !strings.Contains(reboot.Summary, "La relance") || reboot.SummaryLang != "" || !strings.Contains(reboot.Description, "Lancement de Re:OpenGov") {
			t.Fatalf("French reboot: %+v", reboot)
		}
		if e := eventByUID(t, en, reboot.UID); !strings.Contains(e.Summary, "The reboot") || e.SummaryLang != "" {
			t.Fatalf("English reboot: %+v", e)
		}
		if e := eventByUID(t, fr, eventByUIDPrefix(t, en, next.ID)); e.Summary != "Open data office hours" || e.SummaryLang != "en" {
			t.Fatalf("an English-only title in the French feed: %q (LANGUAGE %q)", e.Summary, e.SummaryLang)
		}

		// An invitation to a member who reads French.
		member, u := a.signedIn(t, "francine.membre@example.net", "Francine Membre")
		u.Languages = []string{"fr"}
		if err := a.store.UpdateProfile(ctx, u); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, member.post(fmt.Sprintf("/c/open-gov-canada/calls/%d/register", a.demo.RebootID), url.Values{"scope": {"call"}}), http.StatusSeeOther)
		msgs := mailsTo(a.allMail(t, box), u.Email)
		if len(msgs) != 1 {
			t.Fatalf("%d mails to the member", len(msgs))
		}
		inv := parseICS(t, msgs[0].Calendar)
		if len(inv.Events) != 1 || !strings.Contains(inv.Events[0].Summary, "La relance") ||
			!strings.Contains(inv.Events[0].Description, "Les nouvelles de l’Équipe du gouvernement ouvert de l’Ontario") {
			t.Fatalf("French invitation: %+v", inv.Events)
		}
		mustContain(t, msgs[0].Text, "Appel communautaire sur le gouvernement ouvert")
		mustNotContain(t, msgs[0].Text, "The reboot", "Launching Re:OpenGov")
	})
}

// eventByUIDPrefix finds the UID of a call's event in a calendar by the call's id.
func eventByUIDPrefix(t *testing.T, cal icsCalendar, callID int64) string {
	t.Helper()
	prefix := fmt.Sprintf("call-%d@", callID)
	for _, e := range cal.Events {
		if strings.HasPrefix(e.UID, prefix) {
			return e.UID
		}
	}
	t.Fatalf("no event for call %d", callID)
	return ""
}

// Organizers see what is left to translate, can hold announcements until it is done, and get
// the announcement in both languages in one text.
func TestToTranslateAndBilingualAnnouncements(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		org := a.client()
		org.signIn()
		mustContain(t, org.get("/c/open-gov-canada/translate?lang=en").body, "Every public text exists in each of the community")

		next, err := a.store.NextCall(ctx, a.demo.Community.ID, testNow.Add(20*24*time.Hour)) // the call after the reboot
		if err != nil {
			t.Fatal(err)
		}
		next.Theme = "Accessibility in open data"
		if err := a.store.UpdateCall(ctx, next); err != nil {
			t.Fatal(err)
		}
		page := org.get("/c/open-gov-canada/translate?lang=en").body
		mustContain(t, page, "1 version to write.", "French: theme", fmt.Sprintf(`href="/c/open-gov-canada/calls/%d/edit"`, next.ID))
		mustContain(t, org.get("/c/open-gov-canada").body, `href="/c/open-gov-canada/translate"`, "1 text")
		mustNotContain(t, a.client().get("/c/open-gov-canada").body, "/translate")

		c, _ := a.store.CommunityByID(ctx, a.demo.Community.ID)
		c.RequireTranslations = true
		if err := a.store.UpdateCommunity(ctx, c); err != nil {
			t.Fatal(err)
		}
		announce := fmt.Sprintf("/c/open-gov-canada/calls/%d/announcement", next.ID)
		r := org.post(announce+"?lang=en", nil)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "1 text of this call is not translated yet")
		next, _ = a.store.CallByID(ctx, next.ID)
		next.Translations.Set("fr", "theme", "L’accessibilité des données ouvertes")
		if err := a.store.UpdateCall(ctx, next); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, org.post(announce, nil), http.StatusSeeOther)

		text := org.get(fmt.Sprintf("/c/open-gov-canada/calls/%d/announcement?lang=en", a.demo.RebootID)).body
		mustContain(t, text, `id="announcement-bilingual"`, "(Le français suit)", "The reboot", "La relance",
			"Launching Re:OpenGov", "Lancement de Re:OpenGov")
		if strings.Index(text, "Launching Re:OpenGov") > strings.Index(text, "Lancement de Re:OpenGov") {
			t.Fatal("the bilingual announcement does not follow the community's order, English first")
		}
	})
}

// What members write keeps the language they wrote it in: theirs by default, another if they
// say so; pages mark it with lang so screen readers switch voice.
func TestMemberTextsKeepTheirLanguage(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		member, _ := a.signedIn(t, "bilingue@example.net", "Bilingue")
		on := fmt.Sprintf("call:%d", a.demo.RebootID)
		comments := "/c/open-gov-canada/comments?on=" + on
		mustContain(t, member.get(comments+"&lang=en").body, `<select id="f-cm-lang" name="lang"`, `<option value="en">English</option><option value="fr">French</option>`)
		wantStatus(t, member.post(comments+"&lang=en", url.Values{"body": {"Looking forward to it"}}), http.StatusSeeOther)
		wantStatus(t, member.post(comments+"&lang=en", url.Values{"body": {"Bonne idée, j’y serai"}, "lang": {"fr"}}), http.StatusSeeOther)
		r := member.post(comments+"&lang=en", url.Values{"body": {"?"}, "lang": {"not a language"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		page := member.get(comments + "&lang=en").body
		mustContain(t, page, `<div class="comment" lang="en"><p>Looking forward to it</p>`, `<div class="comment" lang="fr"><p>Bonne idée, j’y serai</p>`)
		target, _ := convene.ParseCommentTarget(on)
		list, err := a.store.Comments(ctx, a.demo.Community.ID, target)
		if err != nil || len(list) != 2 || list[0].Lang != "en" || list[1].Lang != "fr" {
			t.Fatalf("stored comments %+v (%v)", list, err)
		}
	})
}

// The news feed speaks its reader's language; what members wrote keeps theirs, said with
// xml:lang on the entry's summary. feedparser still reads it.
func TestNewsFeedInEachLanguage(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		body := a.client().get("/c/open-gov-canada/news.atom?lang=fr").body
		mustContain(t, body, `xml:lang="fr-CA"`, "Nouvelles\u00a0: Centre d’échange ouvert",
			`<summary type="text" xml:lang="en">We added a French interface`)
		mustNotContain(t, body, "Nouvelles\u00a0: Open Clearinghouse")
		parseAtom(t, body)
		en := a.client().get("/c/open-gov-canada/news.atom?lang=en").body
		mustContain(t, en, "Open Clearinghouse", `<summary type="text">We added a French interface`)
	})
}

// Minutes keep the language they were written in, like members' other texts.
func TestMinutesKeepTheirLanguage(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		org := a.client()
		org.signIn()
		call := a.heldCall(t)
		path := fmt.Sprintf("/c/open-gov-canada/calls/%d/minutes", call.ID)
		mustContain(t, org.get(path+"?lang=en").body, `name="lang"`)
		wantStatus(t, org.post(path+"?lang=en", url.Values{"summary": {"Nous avons parlé de données ouvertes."}, "lang": {"fr"}}), http.StatusSeeOther)
		mustContain(t, a.client().get(fmt.Sprintf("/c/open-gov-canada/calls/%d?lang=en", call.ID)).body,
			`<div lang="fr"><p>Nous avons parlé de données ouvertes.</p>`)
		m, err := a.store.Minutes(context.Background(), call.ID)
		if err != nil || m.Lang != "fr" {
			t.Fatalf("minutes in %q (%v)", m.Lang, err)
		}
		r := org.post(path, url.Values{"summary": {"x"}, "lang": {"!!"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
	})
}

// Free-text survey answers keep the language they were given in.
func TestSurveyTextsKeepTheirLanguage(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		org := a.client()
		org.signIn()
		v := a.surveyNamed(t, "End-of-pilot feedback")
		mustContain(t, org.get(fmt.Sprintf("%s/%d/results?lang=fr", surveysURL, v.ID)).body, `<li class="survey-text" lang="en">`)
	})
}

// Mails a page sends name the call in the language of the person they go to: the confirmation
// link a French visitor asks for says the call's French title.
func TestRegistrationLinkInTheVisitorsLanguage(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		box := a.mailbox(t)
		path := fmt.Sprintf("/c/open-gov-canada/calls/%d", a.demo.RebootID)
		c := a.client()
		c.get(path + "?lang=fr")
		wantStatus(t, c.post(path+"/register", url.Values{"name": {"Francine Visiteuse"}, "email": {"francine.v@example.net"}, "scope": {"call"}}), http.StatusOK)
		msgs := mailsTo(a.allMail(t, box), "francine.v@example.net")
		if len(msgs) != 1 || !strings.Contains(msgs[0].Subject, "Appel communautaire sur le gouvernement ouvert") ||
			strings.Contains(msgs[0].Text, "Open Government Community Call") {
			t.Fatalf("confirmation mail: %+v", msgs)
		}
	})
}
