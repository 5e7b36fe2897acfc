package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/opengovcall/convene"
)

// A member's comment takes a French version from its author: French readers get it, marked as a
// translation, English readers the original; nobody else may write it, and a bad version is a
// field error that loses nothing.
func TestAuthorTranslatesTheirComment(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		author, _ := a.signedIn(t, "auteure@example.net", "Auteure")
		other, _ := a.signedIn(t, "autre@example.net", "Autre")
		on := fmt.Sprintf("call:%d", a.demo.RebootID)
		comments := "/c/open-gov-canada/comments?on=" + on
		wantStatus(t, author.post(comments+"&lang=en", url.Values{"body": {"Looking forward to it"}, "lang": {"en"}}), http.StatusSeeOther)
		target, _ := convene.ParseCommentTarget(on)
		list, err := a.store.Comments(ctx, a.demo.Community.ID, target)
		if err != nil || len(list) != 1 {
			t.Fatalf("comments %v (%v)", list, err)
		}
		path := fmt.Sprintf("/c/open-gov-canada/translate/comment/%d", list[0].ID)

		mustContain(t, author.get(comments+"&lang=en").body, `<a href="`+path+`">Translate`)
		mustNotContain(t, other.get(comments+"&lang=en").body, path)
		wantStatus(t, other.get(path), http.StatusForbidden)
		wantStatus(t, other.post(path, url.Values{"body:fr": {"Piraté"}}), http.StatusForbidden)
		anon := a.client().get(path)
		if anon.status != http.StatusSeeOther || !strings.HasPrefix(anon.location, "/signin") {
			t.Fatalf("a stranger got %d %s", anon.status, anon.location)
		}

		form := author.get(path + "?lang=en").body
		mustContain(t, form, `<div lang="en"><p>Looking forward to it</p></div>`, `name="body:fr" lang="fr"`, "Text (French)")
		mustNotContain(t, form, `name="body:en"`)
		r := author.post(path+"?lang=en", url.Values{"body:fr": {strings.Repeat("é", convene.MaxComment+1)}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `aria-invalid="true"`, "Text (French)")
		if got, _ := a.store.MemberText(ctx, a.demo.Community.ID, convene.MemberComment, list[0].ID); len(got.Item.Localized().Translations) != 0 {
			t.Fatalf("a refused version was written: %v", got.Item.Localized().Translations)
		}
		r = author.post(path, url.Values{"body:fr": {"J’ai hâte d’y être"}})
		wantStatus(t, r, http.StatusSeeOther)
		if want := "/c/open-gov-canada/comments?on=" + url.QueryEscape(on) + fmt.Sprintf("#comment-%d", list[0].ID); r.location != want {
			t.Fatalf("saved, sent to %s, want %s", r.location, want)
		}

		fr := a.client().get(comments + "&lang=fr").body
		mustContain(t, fr, `<div class="comment" lang="fr"><p>J’ai hâte d’y être</p>`, "Traduction\u00a0; original en anglais")
		mustNotContain(t, fr, "Looking forward to it")
		en := a.client().get(comments + "&lang=en").body
		mustContain(t, en, `<div class="comment" lang="en"><p>Looking forward to it</p>`)
		mustNotContain(t, en, "J’ai hâte", "Translation; original")

		var api struct {
			Comments []struct {
				Body         string                       `json:"body"`
				Lang         string                       `json:"lang"`
				Translations map[string]map[string]string `json:"translations"`
			} `json:"comments"`
		}
		body := a.client().get("/api/v1/communities/open-gov-canada/comments?lang=fr&on=" + on).body
		if err := json.Unmarshal([]byte(body), &api); err != nil || len(api.Comments) != 1 {
			t.Fatalf("API comments: %v\n%s", err, body)
		}
		got := api.Comments[0]
		if got.Body != "J’ai hâte d’y être" || got.Lang != "en" || got.Translations["en"]["body"] != "Looking forward to it" ||
			got.Translations["fr"]["body"] != "J’ai hâte d’y être" {
			t.Fatalf("API comment %+v", got)
		}
	})
}

// Organizers translate what initiative leads post: the initiative page in French shows the update
// in French, and so does the French news feed, in the feed's own language.
func TestOrganizerTranslatesAnUpdate(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		org := a.client()
		org.signIn()
		var id, initiative int64
		var body string
		if err := a.store.DB().QueryRow(`SELECT up.id, up.initiative_id, up.body FROM initiative_updates up
			JOIN initiatives i ON i.id = up.initiative_id WHERE i.name = 'Open Clearinghouse' ORDER BY up.created_at DESC, up.id DESC LIMIT 1`).Scan(&id, &initiative, &body); err != nil {
			t.Fatal(err)
		}
		page := fmt.Sprintf("/c/open-gov-canada/initiatives/%d", initiative)
		path := fmt.Sprintf("/c/open-gov-canada/translate/update/%d", id)
		mustContain(t, org.get(page+"?lang=en").body, `<a href="`+path+`">Translate`)
		mustNotContain(t, a.client().get(page+"?lang=en").body, path)
		mustContain(t, a.client().get(page+"?lang=fr").body, "anglais seulement")

		r := org.post(path, url.Values{"body:fr": {"Nous avons ajouté une interface en français."}})
		wantStatus(t, r, http.StatusSeeOther)
		if want := page + fmt.Sprintf("#update-%d", id); r.location != want {
			t.Fatalf("saved, sent to %s, want %s", r.location, want)
		}
		fr := a.client().get(page + "?lang=fr").body
		mustContain(t, fr, fmt.Sprintf(`<li id="update-%d">`, id), `<div lang="fr"><p>Nous avons ajouté une interface en français.</p></div>`,
			"Traduction\u00a0; original en anglais")
		mustContain(t, a.client().get(page+"?lang=en").body, `<div lang="en"><p>`+strings.SplitN(body, "\n", 2)[0])
		news := a.client().get("/c/open-gov-canada/news.atom?lang=fr").body
		mustContain(t, news, `<summary type="text">Nous avons ajouté une interface en français.`)
		parseAtom(t, news)
	})
}
