package web_test

import (
	"context"
	"html/template"
	"net/http"
	"strings"
	"testing"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// demoTexts are the demo's organizer-written texts, each line of each field in both languages.
// A text that reads the same in both (a proper name, a span of years) is left out, and so is one
// that members quote in what they wrote (updates, asks and profiles keep their author's language).
func demoTexts(t *testing.T, a *app) (english, french []string) {
	t.Helper()
	ctx := context.Background()
	c, _ := a.store.CommunityByID(ctx, a.demo.Community.ID)
	sr, _ := a.store.SeriesByID(ctx, a.demo.Series.ID)
	items := []convene.Translatable{c, sr}
	seasons, _ := a.store.SeasonsOf(ctx, sr.ID)
	for _, se := range seasons {
		items = append(items, se)
	}
	calls, _ := a.store.Calls(ctx, convene.CallFilter{SeriesID: sr.ID})
	var ids []int64
	for _, call := range calls {
		items, ids = append(items, call), append(ids, call.ID)
	}
	agendas, _ := a.store.Agendas(ctx, ids)
	for _, list := range agendas {
		for _, it := range list {
			items = append(items, it)
		}
	}
	events, _ := a.store.Events(ctx, c.ID)
	for _, e := range events {
		items = append(items, e)
	}
	ideas, _ := a.store.Ideas(ctx, store.IdeaFilter{CommunityID: c.ID})
	for _, i := range ideas {
		items = append(items, i)
	}
	initiatives, _ := a.store.Initiatives(ctx, convene.InitiativeFilter{CommunityID: c.ID})
	var quoted []string
	for _, in := range initiatives {
		items = append(items, in)
		updates, _ := a.store.Updates(ctx, in.ID)
		for _, up := range updates {
			quoted = append(quoted, up.Body)
		}
		asks, _ := a.store.Asks(ctx, in.ID, false)
		for _, ask := range asks {
			quoted = append(quoted, ask.Body)
		}
	}
	people, _ := a.store.Directory(ctx, convene.DirectoryFilter{CommunityID: c.ID, Limit: 1000})
	for _, u := range people { // members write their own profiles
		quoted = append(quoted, u.Organization, u.Title, u.Bio)
	}
	isQuoted := func(s string) bool {
		for _, q := range quoted {
			if strings.Contains(q, s) {
				return true
			}
		}
		return false
	}
	for _, it := range items {
		for _, f := range it.TextFields() {
			en, fr := convene.Original(it, f.Name), it.Localized().Translations.Get("fr", f.Name)
			if en == "" || en == fr {
				continue
			}
			enLines, frLines := strings.Split(en, "\n"), strings.Split(fr, "\n")
			for _, line := range enLines {
				if !isQuoted(line) {
					english = append(english, template.HTMLEscapeString(line))
				}
			}
			for _, line := range frLines {
				french = append(french, template.HTMLEscapeString(line))
			}
		}
	}
	if len(english) < 30 || len(french) < 40 {
		t.Fatalf("only %d English and %d French texts in the demo", len(english), len(french))
	}
	return english, french
}

// A French-speaking visitor reads the demo in French: no public page shows a text its
// organizers wrote in English. An English-speaking one never sees the French versions.
func TestDemoSpeaksTheReadersLanguage(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		english, french := demoTexts(t, a)
		for _, lang := range []struct {
			code  string
			other []string
		}{{"fr", english}, {"en", french}} {
			c := a.client()
			wantStatus(t, c.get("/lang/"+lang.code+"?next=/"), http.StatusSeeOther)
			pages := crawl(t, c, []string{"/", "/c/open-gov-canada", "/c/open-gov-canada/events", "/c/open-gov-canada/initiatives",
				"/c/open-gov-canada/timeline"}, 40, 500, func(path string, r response) {
				if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
					return
				}
				if !strings.Contains(r.body, `<html lang="`+lang.code+`-CA">`) {
					t.Errorf("%s: GET %s is not in that language", lang.code, path)
				}
				for _, text := range lang.other {
					if strings.Contains(r.body, text) {
						t.Errorf("%s: GET %s shows %q", lang.code, path, text)
					}
				}
			})
			if pages < 30 {
				t.Errorf("%s: the crawl saw only %d pages", lang.code, pages)
			}
		}
	})
}
