package web_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/opengovcall/convene/demo"
)

// chromiumPath finds Debian's Chromium; the test command installs it when missing.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CONVENE_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("Chromium is not installed; CI must run the browser tests (apt-get install chromium)")
	}
	t.Skip("SKIPPING browser tests: Chromium not found (apt-get install chromium, or set CONVENE_CHROMIUM)")
	return ""
}

// browser is the one headless Chromium the package's tests share; each test gets a browser context
// of its own (cookies and storage apart, like a private window).
var browser struct {
	once sync.Once
	ctx  context.Context
	stop func()
	err  error
}

// TestMain stops the shared browser when the tests are done.
func TestMain(m *testing.M) {
	code := m.Run()
	if browser.stop != nil {
		browser.stop()
	}
	os.Exit(code)
}

// newBrowser opens a fresh private window in the shared headless Chromium, started on first use,
// closed when the test ends.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath(t)
	browser.once.Do(func() {
		dir, err := os.MkdirTemp("", "convene-chromium-")
		if err != nil {
			browser.err = err
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.UserDataDir(dir),
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-quic", true),
			chromedp.WindowSize(1200, 900),
		)
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, cancelBrowser := chromedp.NewContext(actx)
		browser.ctx, browser.stop = bctx, func() { cancelBrowser(); cancelAlloc(); os.RemoveAll(dir) }
		browser.err = chromedp.Do(bctx)
	})
	if browser.err != nil {
		t.Fatalf("start Chromium: %v", browser.err)
	}
	ctx, cancelCtx := chromedp.NewContext(browser.ctx, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a browser window: %v", err)
	}
	return ctx
}

// browserApp runs a browser test once, on SQLite: what the engines do differently is the HTTP
// tests' business, and a browser check costs seconds.
func browserApp(t *testing.T, fn func(t *testing.T, a *app)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, newApp(t, "sqlite", nil)) })
}

// TestBrowserPersonPath walks a person's path in a real browser: open the demo community, read the
// next call in another zone and in French, sign in as organizer, plan a series and see its calls.
func TestBrowserPersonPath(t *testing.T) {
	browserApp(t, func(t *testing.T, a *app) {
		ctx := newBrowser(t)
		base := a.http.URL
		page := func() string {
			s, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
			return s
		}
		run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
			t.Helper()
			stepCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			if err := chromedp.Do(stepCtx, steps...); err != nil {
				t.Fatalf("%s: %v\npage: %s", what, err, page())
			}
		}
		// read waits for the page that a click or submit loads: it retries while the element is
		// missing or still shows the text of the page before.
		read := func(sel, want string) string {
			t.Helper()
			var got string
			for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
				stepCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
				s, err := chromedp.Run(stepCtx, chromedp.Text(chromedp.CSS(sel)))
				cancel()
				if got = strings.TrimSpace(s); err == nil && strings.Contains(got, want) {
					return got
				}
			}
			t.Fatalf("%s reads %q, want %q", sel, got, want)
			return got
		}
		css := func(s string) chromedp.CSS { return chromedp.CSS(s) }

		run("open the community",
			chromedp.Navigate(base+"/"),
			chromedp.Click(css(`a[href="/c/open-gov-canada"]`)),
			chromedp.WaitVisible(css(`#next-heading`)))
		read(`section.next-call p.when`, "Wednesday, November 13, 2019 · 12:00 p.m. EST")

		run("switch the time zone",
			chromedp.SetValue(css(`#zone-picker`), "America/Vancouver"),
			chromedp.Click(css(`form.zone-picker button`)),
			chromedp.WaitVisible(css(`#next-heading`)))
		read(`section.next-call p.when`, "Wednesday, November 13, 2019 · 9:00 a.m. PST")

		run("switch the language",
			chromedp.Click(css(`nav.lang-switch a`)),
			chromedp.WaitVisible(css(`#next-heading`)))
		read(`#next-heading`, "Prochain appel")
		read(`section.next-call p.when`, "mercredi 13 novembre 2019 · 9\u00a0h HNP")

		run("sign in as organizer",
			chromedp.Click(css(`header.site a[href^="/signin"]`)),
			chromedp.WaitVisible(css(`#f-email`)),
			chromedp.SendKeys(css(`#f-email`), demo.OrganizerEmail),
			chromedp.SendKeys(css(`#f-password`), organizerPassword),
			chromedp.Submit(css(`#f-password`)),
			chromedp.WaitVisible(css(`div.flash`)))
		read(`div.flash`, "Vous êtes connecté·e.")

		run("create a series",
			chromedp.Click(css(`a[href="/c/open-gov-canada/series/new"]`)),
			chromedp.WaitVisible(css(`#f-title`)),
			chromedp.SendKeys(css(`#f-title`), "Atlantic open data meetup"),
			chromedp.SetValue(css(`#f-repeat`), "monthly_weekday"),
			chromedp.SetValue(css(`#f-weekday`), "TH"),
			chromedp.SetValue(css(`#f-nth`), "1"),
			chromedp.SetValue(css(`#f-starts_on`), "2019-11-01"),
			chromedp.SetValue(css(`#f-start_time`), "14:00"),
			chromedp.SetValue(css(`#f-time_zone`), "America/Halifax"),
			chromedp.Click(css(`button[name=preview]`)),
			chromedp.WaitVisible(css(`section.preview`)))
		read(`section.preview`, "Chaque mois, le premier jeudi, à 14 h HAA")
		read(`section.preview`, "jeudi 7 novembre 2019 · 14 h HNA")
		run("save the series",
			chromedp.Submit(css(`#f-title`)),
			chromedp.WaitVisible(css(`#f-name`)))

		run("add a season",
			chromedp.SendKeys(css(`#f-name`), "Pilot"),
			chromedp.SetValue(css(`#f-starts_on`), "2019-11-01"),
			chromedp.SetValue(css(`#f-ends_on`), "2020-02-29"),
			chromedp.Submit(css(`#f-name`)),
			chromedp.WaitVisible(css(`section.season`)))
		text := read(`main`, "Atlantic open data meetup")
		for _, want := range []string{"Atlantic open data meetup", "Pilot", "4 appels", "7 nov. 2019 · 10\u00a0h HNP", "5 déc. 2019"} {
			if !strings.Contains(text, want) {
				t.Fatalf("series page lacks %q:\n%s", want, text)
			}
		}
	})
}
