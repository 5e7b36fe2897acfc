package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/opengovcall/convene/demo"
)

// screenWidths are the screens every page must fit: a small phone, a common phone, a laptop.
var screenWidths = []struct {
	name          string
	width, height int64
}{{"phone-360", 360, 740}, {"phone-390", 390, 844}, {"laptop-1366", 1366, 768}}

// TestPagesFitEveryScreen opens every kind of page at phone and laptop widths, as a visitor and as
// a signed-in organizer, in English and French: nothing scrolls sideways (tables scroll in their
// own box), the header is one row (the links fold behind "Menu" on a phone), and on a phone the
// call page's Register button is on the first screen. With CONVENE_SCREENSHOTS=DIR it leaves a
// screenshot of each for a person to look at.
func TestPagesFitEveryScreen(t *testing.T) {
	browserApp(t, func(t *testing.T, a *app) {
		ctx := newBrowser(t)
		base := a.http.URL
		call := fmt.Sprintf("/c/open-gov-canada/calls/%d", a.demo.RebootID)
		pages := []string{"/", "/c/open-gov-canada", call, fmt.Sprintf("/c/open-gov-canada/series/%d", a.demo.Series.ID),
			"/c/open-gov-canada/timeline", "/c/open-gov-canada/events", "/c/open-gov-canada/initiatives", "/c/open-gov-canada/ideas",
			"/c/open-gov-canada/people", "/signin", "/signup", "/privacy"}
		var events string
		if err := a.store.DB().QueryRow(`SELECT MIN(id) FROM events`).Scan(&events); err == nil {
			pages = append(pages, "/c/open-gov-canada/events/"+events)
		}
		organizer := []string{"/c/open-gov-canada/members", "/c/open-gov-canada/reach", "/me", "/me/security", "/me/calendar", "/me/data", call + "/registrations",
			"/c/open-gov-canada/series/new", "/c/open-gov-canada/translate", "/c/open-gov-canada/edit"}
		shots := os.Getenv("CONVENE_SCREENSHOTS")
		check := func(who, path string) {
			t.Helper()
			for _, lang := range []string{"en", "fr"} {
				for _, s := range screenWidths {
					name := fmt.Sprintf("%s %s %s %s", who, path, lang, s.name)
					sep := "?"
					if strings.Contains(path, "?") {
						sep = "&"
					}
					err := chromedp.Do(ctx, chromedp.EmulateViewport(s.width, s.height), chromedp.Navigate(base+path+sep+"lang="+lang),
						chromedp.WaitReady(chromedp.CSS(`footer`)))
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					overflow, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
						const w = document.documentElement.clientWidth;
						if (document.documentElement.scrollWidth <= w) return "";
						const over = e => { const r = e.getBoundingClientRect();
							return r.width > 0 && r.right > w + 1 && !e.closest(".table-wrap, pre, .chart-box, details:not([open])"); };
						const wide = [...document.querySelectorAll("body *")].filter(e => over(e) && ![...e.children].some(over)).slice(0, 3).map(e => e.outerHTML.slice(0, 60) + " (" + Math.round(e.getBoundingClientRect().right) + "px)");
						return document.documentElement.scrollWidth + "px wide: " + wide.join(", ");
					})()`))
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if overflow != "" {
						t.Errorf("%s scrolls sideways: %s", name, overflow)
					}
					header, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector("header.site").getBoundingClientRect().height`))
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if header > 80 {
						t.Errorf("%s: the header is %.0f px high: more than one row", name, header)
					}
					if shots != "" {
						png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
						if err == nil {
							file := strings.NewReplacer("/", "_", " ", "-", "?", "_", "&", "_", "=", "_").Replace(strings.TrimPrefix(name, " ")) + ".png"
							_ = os.WriteFile(filepath.Join(shots, file), png, 0o644)
						}
					}
				}
			}
		}
		for _, p := range pages {
			check("visitor", p)
		}
		// On a phone, the call page's Register button is on the first screen.
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+call+"?lang=fr"),
			chromedp.WaitReady(chromedp.CSS(`.call-cta`))); err != nil {
			t.Fatal(err)
		}
		bottom, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector(".call-cta a.button.primary").getBoundingClientRect().bottom`))
		if err != nil {
			t.Fatal(err)
		}
		if bottom > 844 {
			t.Errorf("on a 390 × 844 phone the call's Register button is below the first screen (%.0f px down)", bottom)
		}
		// The folded menu opens without JavaScript and holds the links.
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`details.site-nav.compact > summary`)),
			chromedp.WaitVisible(chromedp.CSS(`details.site-nav.compact a[href^="/signin"]`))); err != nil {
			t.Fatalf("the phone menu: %v", err)
		}

		if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 768), chromedp.Navigate(base+"/signin"), chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
			chromedp.SendKeys(chromedp.CSS(`#f-email`), demo.OrganizerEmail), chromedp.SendKeys(chromedp.CSS(`#f-password`), organizerPassword),
			chromedp.Submit(chromedp.CSS(`#f-password`)), chromedp.WaitVisible(chromedp.CSS(`div.flash`))); err != nil {
			t.Fatal(err)
		}
		for _, p := range append(pages[1:4], organizer...) {
			check("organizer", p)
		}
	})
}
