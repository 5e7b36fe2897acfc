package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/opengovcall/convene"
)

// postFiles sends a form with files as a same-origin browser would.
func (c *client) postFiles(path string, vals url.Values, files map[string][]byte) response {
	c.a.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for name, vs := range vals {
		for _, v := range vs {
			_ = mw.WriteField(name, v)
		}
	}
	for name, data := range files {
		fw, _ := mw.CreateFormFile(name, name+".png")
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.a.http.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", c.a.http.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// drawing is a w × h PNG in two colours; transparent makes its ground see-through.
func drawing(t *testing.T, w, h int, transparent bool) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.NRGBA{R: 30, G: 90, B: 160, A: 255}
			if (x-w/2)*(x-w/2)+(y-h/2)*(y-h/2) > (h/3)*(h/3) {
				c = color.NRGBA{R: 250, G: 250, B: 250, A: 255}
				if transparent {
					c.A = 0
				}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// communityValues are the demo community's edit form as it stands.
func communityValues(t *testing.T, a *app) url.Values {
	t.Helper()
	c, err := a.store.CommunityByID(context.Background(), a.demo.Community.ID)
	if err != nil {
		t.Fatal(err)
	}
	vals := url.Values{"slug": {c.Slug}, "name": {c.Name}, "description": {c.Description}, "time_zone": {c.TimeZone},
		"languages": {strings.Join(c.Languages, ", ")}, "logo_alt": {c.LogoAlt}, "cover_alt": {c.CoverAlt}}
	for name, on := range map[string]bool{"public_reach": c.PublicReach, "approve_members": c.ApproveMembers, "require_translations": c.RequireTranslations} {
		if on {
			vals.Set(name, "on")
		}
	}
	return vals
}

var imageAddress = regexp.MustCompile(`/c/open-gov-canada/images/[0-9a-f]{64}\.(?:png|jpg)`)

// A community's logo and cover are uploaded on its edit form, each with the words that stand for it
// in each language; Convene sizes them, serves them under their hash for good, and deletes one as
// soon as nothing shows it. A file it cannot use, or a picture without words, saves nothing.
func TestCommunityPicturesComeWithWords(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		org := a.client()
		org.signIn()
		edit := "/c/open-gov-canada/edit?lang=en"
		mustContain(t, org.get(edit).body, `enctype="multipart/form-data"`, `<input type="file" id="f-logo" name="logo"`, "Logo description (alternative text)")

		// The demo has its logo and cover.
		demo := a.client().get("/c/open-gov-canada?lang=en").body
		mustContain(t, demo, `alt="Open Government Community Call logo: three dots joined in a blue circle"`, `<img class="cover"`)
		stored := a.count(t, `SELECT COUNT(*) FROM images`)
		if stored != 2 {
			t.Fatalf("the demo stores %d pictures", stored)
		}

		// No words for the logo, and a cover too small to be sharp: both said at once, nothing kept.
		vals := communityValues(t, a)
		vals.Set("logo_alt", "")
		r := org.postFiles(edit, vals, map[string][]byte{"logo": drawing(t, 400, 400, true), "cover": drawing(t, 600, 300, false)})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Logo description (alternative text) (English)</a>: Describe the picture for people who cannot see it.",
			"The picture must be at least 800 × 200 pixels to look sharp.")
		if n := a.count(t, `SELECT COUNT(*) FROM images`); n != stored {
			t.Fatalf("a refused form stored %d pictures", n-stored)
		}
		// Not a picture at all.
		r = org.postFiles(edit, vals, map[string][]byte{"logo": []byte("<svg onload=alert(1)>")})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Choose a JPEG, PNG, WebP or GIF picture.")

		vals.Set("logo_alt", "Open Government Canada logo")
		vals.Set("logo_alt:fr", "Logo de Gouvernement ouvert Canada")
		vals.Set("cover_alt", "People around a table at an open data meetup")
		vals.Set("cover_alt:fr", "") // not translated yet: the To translate page says so
		wantStatus(t, org.postFiles(edit, vals, map[string][]byte{"logo": drawing(t, 400, 400, true), "cover": drawing(t, 2400, 1200, false)}), http.StatusSeeOther)
		c, _ := a.store.CommunityByID(ctx, a.demo.Community.ID)
		if c.Logo == nil || c.Cover == nil || c.Logo.ContentType != "image/png" || c.Logo.Width != 320 || c.Cover.Width != 1600 || c.Cover.Height != 400 {
			t.Fatalf("logo %+v, cover %+v", c.Logo, c.Cover)
		}
		logo := "/c/open-gov-canada/images/" + c.Logo.File()
		en := a.client().get("/c/open-gov-canada?lang=en").body
		mustContain(t, en, `<img class="logo" src="`+logo+`" alt="Open Government Canada logo" width="320" height="320">`,
			`<img class="cover" src="/c/open-gov-canada/images/`+c.Cover.File()+`" alt="People around a table at an open data meetup" width="1600" height="400">`)
		fr := a.client().get("/c/open-gov-canada?lang=fr").body
		mustContain(t, fr, `alt="Logo de Gouvernement ouvert Canada"`)
		mustNotContain(t, en, "three dots joined") // the demo's pictures are gone with the change that replaced them
		mustContain(t, a.client().get("/?lang=en").body, `<img class="logo-small" src="`+logo+`" alt=""`)
		mustContain(t, org.get("/c/open-gov-canada/translate?lang=en").body, "cover image description")
		mustContain(t, a.client().get("/api/v1/communities/open-gov-canada").body,
			`"logo":{"url":"`+a.http.URL+logo+`","alt":"Open Government Canada logo","width":320,"height":320}`)

		// Served as it was stored, cached for good, and only under its own name and community.
		got := a.client().get(logo)
		wantStatus(t, got, http.StatusOK)
		if got.header.Get("Content-Type") != "image/png" || !strings.Contains(got.header.Get("Cache-Control"), "immutable") {
			t.Errorf("headers %v", got.header)
		}
		if cfg, err := png.DecodeConfig(strings.NewReader(got.body)); err != nil || cfg.Width != 320 {
			t.Errorf("served logo: %v %+v", err, cfg)
		}
		req, _ := http.NewRequest(http.MethodGet, a.http.URL+logo, nil)
		req.Header.Set("If-None-Match", `"`+c.Logo.Hash+`"`)
		wantStatus(t, a.client().do(req), http.StatusNotModified)
		wantStatus(t, a.client().get(strings.TrimSuffix(logo, ".png")+".jpg"), http.StatusNotFound)
		other := &convene.Community{Slug: "elsewhere", Name: "Elsewhere", TimeZone: "America/Toronto", Languages: []string{"en"}}
		if err := a.store.CreateCommunity(ctx, other, 0); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, a.client().get(strings.Replace(logo, "open-gov-canada", "elsewhere", 1)), http.StatusNotFound)

		// Someone who does not organize the community changes nothing.
		stranger, _ := a.signedIn(t, "stranger@example.org", "Stranger")
		r = stranger.postFiles(edit, url.Values{"cover:remove": {"on"}}, nil)
		if r.status == http.StatusSeeOther {
			t.Fatal("a stranger changed the community's pictures")
		}

		// A new logo replaces the old, which goes; removing the cover removes it.
		vals.Set("cover:remove", "on")
		wantStatus(t, org.postFiles(edit, vals, map[string][]byte{"logo": drawing(t, 200, 100, false)}), http.StatusSeeOther)
		wantStatus(t, a.client().get(logo), http.StatusNotFound)
		page := a.client().get("/c/open-gov-canada?lang=en").body
		mustNotContain(t, page, `class="cover"`)
		if m := imageAddress.FindString(page); m == "" || !strings.HasSuffix(m, ".jpg") {
			t.Errorf("the new, opaque logo is not on the page as a JPEG: %q", m)
		}
		if n := a.count(t, `SELECT COUNT(*) FROM images`); n != 1 {
			t.Errorf("%d pictures stored, want the one logo", n)
		}
	})
}

// A presenter's photo goes with their name on the agenda, and leaves with the item.
func TestPresenterPhotosOnTheAgenda(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		org := a.client()
		org.signIn()
		call := fmt.Sprintf("/c/open-gov-canada/calls/%d", a.demo.RebootID)
		mustContain(t, org.get(call+"?lang=en").body, `enctype="multipart/form-data"`, "Presenter’s photo")
		agenda, err := a.store.Agenda(ctx, a.demo.RebootID)
		if err != nil || len(agenda) == 0 {
			t.Fatal(err)
		}
		item, stored := agenda[0], a.count(t, `SELECT COUNT(*) FROM images`)
		edit := call + "/agenda/" + strconv.FormatInt(item.ID, 10) + "/edit?lang=en"
		vals := url.Values{"kind": {item.Kind}, "title": {item.Title}, "description": {item.Description}, "presenter_org": {item.PresenterOrg},
			"minutes": {strconv.Itoa(item.Minutes)}}
		r := org.postFiles(edit, vals, map[string][]byte{"presenter_photo": drawing(t, 500, 600, false)})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Give the presenter’s name with their photo")

		vals.Set("presenter_name", "Valérie Dubois")
		wantStatus(t, org.postFiles(edit, vals, map[string][]byte{"presenter_photo": drawing(t, 500, 600, false)}), http.StatusSeeOther)
		got, _ := a.store.AgendaItemByID(ctx, a.demo.RebootID, item.ID)
		if got.PresenterPhoto == nil || got.PresenterPhoto.Width != 256 || got.PresenterPhoto.Height != 256 {
			t.Fatalf("photo %+v", got.PresenterPhoto)
		}
		page := a.client().get(call + "?lang=en").body
		mustContain(t, page, `<img class="portrait" src="/c/open-gov-canada/images/`+got.PresenterPhoto.File()+`" alt="" width="48" height="48" loading="lazy">Presented by Valérie Dubois`)

		mustContain(t, a.client().get(fmt.Sprintf("/api/v1/calls/%d", a.demo.RebootID)).body,
			`"presenter_photo":"`+a.http.URL+"/c/open-gov-canada/images/"+got.PresenterPhoto.File()+`"`)

		// Saving the item again without a file keeps the photo.
		wantStatus(t, org.postFiles(edit, vals, nil), http.StatusSeeOther)
		if again, _ := a.store.AgendaItemByID(ctx, a.demo.RebootID, item.ID); again.PresenterPhoto == nil || again.PresenterPhoto.Hash != got.PresenterPhoto.Hash {
			t.Fatalf("saving without a file lost the photo: %+v", again.PresenterPhoto)
		}
		wantStatus(t, org.post(call+"/agenda/"+strconv.FormatInt(item.ID, 10)+"/delete", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
		if n := a.count(t, `SELECT COUNT(*) FROM images`); n != stored {
			t.Errorf("%d pictures left after the item went, want the community's %d", n, stored)
		}
	})
}
