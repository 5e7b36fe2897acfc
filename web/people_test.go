package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/demo"
)

const personPassword = "people pass phrase"

// personHash is personPassword's bcrypt hash, computed once: hashing is slow on purpose.
var personHash = sync.OnceValue(func() string {
	h, err := convene.HashPassword(personPassword)
	if err != nil {
		panic(err)
	}
	return h
})

// testSlug names the community these tests fill with people: one of their own, owned by the demo
// organizer, so the demo's people stay out of their counts.
const testSlug = "people-test"

// peopleCommunity is the tests' community, created on first use.
func peopleCommunity(t *testing.T, a *app) *convene.Community {
	t.Helper()
	ctx := context.Background()
	if c, err := a.store.CommunityBySlug(ctx, testSlug); err == nil {
		return c
	}
	owner, err := a.store.UserByEmail(ctx, demo.OrganizerEmail)
	if err != nil {
		t.Fatal(err)
	}
	c := &convene.Community{Slug: testSlug, Name: "People Test", TimeZone: "America/Toronto", Languages: []string{"en", "fr"}}
	if err := a.store.CreateCommunity(ctx, c, owner.ID); err != nil {
		t.Fatal(err)
	}
	return c
}

// addPerson stores a confirmed account who signs in with personPassword, with the profile edit
// gives it, a member of the tests' community when join is true.
func addPerson(t *testing.T, a *app, name string, join bool, edit func(u *convene.User)) *convene.User {
	t.Helper()
	ctx := context.Background()
	u := &convene.User{Email: strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.org", Name: name,
		Confirmed: true, PasswordHash: personHash()}
	if err := a.store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(u)
	}
	if err := a.store.UpdateProfile(ctx, u); err != nil {
		t.Fatal(err)
	}
	if join {
		if _, err := a.store.JoinCommunity(ctx, peopleCommunity(t, a).ID, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	return u
}

func profileWith(visibility, jurisdiction, sector, interests string) func(*convene.User) {
	return func(u *convene.User) {
		u.Visibility, u.Jurisdiction, u.Sector, u.Interests = visibility, jurisdiction, sector, convene.SplitInterests(interests)
	}
}

// signInPerson is a new client signed in as u.
func signInPerson(t *testing.T, a *app, u *convene.User) *client {
	t.Helper()
	c := a.client()
	r := c.post("/signin", url.Values{"email": {u.Email}, "password": {personPassword}})
	wantStatus(t, r, http.StatusSeeOther)
	return c
}

const directoryPath = "/c/" + testSlug + "/people"

// peopleCast is the people most tests meet: who shows their profile to whom, across sectors and jurisdictions.
type peopleCast struct{ alice, bob, carol, dan, eve, frank *convene.User }

func newPeopleCast(t *testing.T, a *app) peopleCast {
	return peopleCast{
		alice: addPerson(t, a, "Alice Tremblay", true, func(u *convene.User) {
			profileWith(convene.VisibilityPublic, "ON", "government", "open data, civic tech")(u)
			u.Organization, u.Title, u.Bio = "Ontario Open Government Team", "Lead", "First line.\n\nSecond line."
		}),
		bob:   addPerson(t, a, "Bob Singh", true, profileWith(convene.VisibilityMembers, "BC", "civil_society", "open data")),
		carol: addPerson(t, a, "Carol Roy", true, profileWith(convene.VisibilityNobody, "QC", "academia", "open data")),
		dan:   addPerson(t, a, "Dan Outsider", false, profileWith(convene.VisibilityPublic, "NS", "media", "open data")),
		eve:   addPerson(t, a, "Eve Gagnon", true, profileWith(convene.VisibilityPublic, "QC", "academia", "open data")),
		frank: addPerson(t, a, "Frank Same", true, profileWith(convene.VisibilityPublic, "ON", "government", "open data")),
	}
}

func TestPeopleDirectory(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		p := newPeopleCast(t, a)
		anon := a.client().get(directoryPath)
		wantStatus(t, anon, http.StatusOK)
		mustContain(t, anon.body, "Alice Tremblay", "Ontario Open Government Team", "Ontario", "Government", `<ul class="pill-list"`,
			"civic tech", "Eve Gagnon", fmt.Sprintf(`href="%s/%d"`, directoryPath, p.alice.ID))
		mustNotContain(t, anon.body, "Bob Singh", "Carol Roy", "Dan Outsider", p.alice.Email)

		// A member also sees the profiles shown to members; nobody sees Carol's, nor a non-member's.
		bob := signInPerson(t, a, p.bob)
		member := bob.get(directoryPath)
		wantStatus(t, member, http.StatusOK)
		mustContain(t, member.body, "Alice Tremblay", "Bob Singh", "British Columbia", "Civil society")
		mustNotContain(t, member.body, "Carol Roy", "Dan Outsider", p.bob.Email)

		// Signed in but not a member: public profiles, and an offer to join.
		outsider := signInPerson(t, a, p.dan).get(directoryPath)
		mustContain(t, outsider.body, "Alice Tremblay", "Join this community")
		mustNotContain(t, outsider.body, "Bob Singh")

		// Filters work without JavaScript, as a plain GET form.
		mustContain(t, member.body, `<form class="stacked" method="get"`, `name="jurisdiction"`, `name="sector"`, `name="interest"`)
		bc := bob.get(directoryPath + "?jurisdiction=BC")
		mustContain(t, bc.body, "Bob Singh", `<option value="BC" selected>`)
		mustNotContain(t, bc.body, "Alice Tremblay")
		gov := bob.get(directoryPath + "?sector=government&interest=Civic+Tech")
		mustContain(t, gov.body, "Alice Tremblay")
		mustNotContain(t, gov.body, fmt.Sprintf(`href="%s/%d"`, directoryPath, p.bob.ID), "Frank Same") // Bob is signed in: his name shows
		bad := bob.get(directoryPath + "?jurisdiction=XX")
		wantStatus(t, bad, http.StatusUnprocessableEntity)
		mustContain(t, bad.body, "Choose a jurisdiction from the list.")

		// In French, official names.
		bob.get("/lang/fr")
		mustContain(t, bob.get(directoryPath).body, "Colombie-Britannique", "Société civile", "Personnes")
	})
}

var nextPageLink = regexp.MustCompile(`href="([^"]+)" rel="next"`)

func TestDirectoryPaging(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		for i := 1; i <= 120; i++ {
			sector := "media"
			if i%2 == 0 {
				sector = "academia"
			}
			addPerson(t, a, fmt.Sprintf("Person %03d", i), true, profileWith(convene.VisibilityPublic, "", sector, ""))
		}
		c := a.client()
		var seen []string
		path := directoryPath + "?sector=media"
		for pages := 0; path != ""; pages++ {
			if pages > 3 {
				t.Fatal("paging does not end")
			}
			r := c.get(path)
			wantStatus(t, r, http.StatusOK)
			seen = append(seen, regexp.MustCompile(`Person \d{3}`).FindAllString(r.body, -1)...)
			path = ""
			if m := nextPageLink.FindStringSubmatch(r.body); m != nil {
				path = html.UnescapeString(m[1])
				if !strings.Contains(path, "sector=media") || !strings.Contains(path, "after_id=") || !strings.Contains(path, "after_name=") {
					t.Fatalf("next link %q lacks the filter or the keys", path)
				}
			}
		}
		if len(seen) != 60 || seen[0] != "Person 001" || seen[49] != "Person 099" || seen[50] != "Person 101" || seen[59] != "Person 119" {
			t.Fatalf("saw %d people: %v", len(seen), seen)
		}
		// The API pages the same way.
		var total int
		next := "/api/v1/communities/" + testSlug + "/people?limit=40"
		for next != "" {
			var page struct {
				People []struct{ Name string } `json:"people"`
				Next   *string                 `json:"next"`
			}
			decode(t, c.get(strings.TrimPrefix(next, a.http.URL)), &page)
			total += len(page.People)
			next = ""
			if page.Next != nil {
				next = *page.Next
			}
		}
		if total != 120 {
			t.Fatalf("the API listed %d people, want 120", total)
		}
	})
}

func TestProfileVisibility(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		p := newPeopleCast(t, a)
		profile := func(u *convene.User) string { return fmt.Sprintf("%s/%d", directoryPath, u.ID) }
		anon := a.client()
		r := anon.get(profile(p.alice))
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "<h1>Alice Tremblay</h1>", "Lead · Ontario Open Government Team", "<p>First line.</p>", "<p>Second line.</p>",
			"English", `href="/c/`+testSlug+`/people?interest=open%20data"`)
		mustNotContain(t, r.body, p.alice.Email, "Calls taken part in") // who took part is not public

		for _, hidden := range []*convene.User{p.bob, p.carol, p.dan} {
			r := anon.get(profile(hidden))
			wantStatus(t, r, http.StatusNotFound)
			mustContain(t, r.body, "This person is not a member of the community.")
		}
		wantStatus(t, anon.get(directoryPath+"/999999"), http.StatusNotFound)
		wantStatus(t, anon.get(directoryPath+"/abc"), http.StatusNotFound)

		alice := signInPerson(t, a, p.alice)
		wantStatus(t, alice.get(profile(p.bob)), http.StatusOK)
		wantStatus(t, alice.get(profile(p.carol)), http.StatusNotFound)
		wantStatus(t, alice.get(profile(p.dan)), http.StatusNotFound) // public, but not a member here
		own := signInPerson(t, a, p.carol).get(profile(p.carol))
		wantStatus(t, own, http.StatusOK)
		mustContain(t, own.body, "This is your profile as others see it. Who may see it: only you.")

		// Members see the held calls of the community the person had a place at (in the demo's, which has calls).
		ctx := context.Background()
		if _, err := a.store.JoinCommunity(ctx, a.demo.Community.ID, p.alice.ID); err != nil {
			t.Fatal(err)
		}
		past, err := a.store.Calls(ctx, convene.CallFilter{CommunityID: a.demo.Community.ID, To: testNow, Descending: true, Limit: 1})
		if err != nil || len(past) != 1 {
			t.Fatalf("past call: %v %v", past, err)
		}
		if _, err := a.store.DB().ExecContext(ctx, `INSERT INTO registrations (call_id, user_id, status, answers, created_at, updated_at)
			VALUES ($1, $2, 'registered', '{}', $3, $4)`, past[0].ID, p.alice.ID, testNow, testNow); err != nil {
			t.Fatal(err)
		}
		inDemo := fmt.Sprintf("/c/%s/people/%d", demo.Slug, p.alice.ID)
		mine := alice.get(inDemo)
		mustContain(t, mine.body, "Calls taken part in", fmt.Sprintf(`href="/c/%s/calls/%d"`, demo.Slug, past[0].ID))
		mustNotContain(t, alice.get(profile(p.alice)).body, fmt.Sprintf(`/calls/%d"`, past[0].ID)) // another community's call
		mustNotContain(t, anon.get(inDemo).body, fmt.Sprintf(`/calls/%d"`, past[0].ID))
	})
}

func TestProfilePeopleLikeYou(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		p := newPeopleCast(t, a)
		path := fmt.Sprintf("%s/%d", directoryPath, p.alice.ID)
		// Eve shares "open data" from another sector and province; Frank shares it from the same ones.
		anon := a.client().get(path)
		mustContain(t, anon.body, "People like you elsewhere", "share an interest with Alice Tremblay but work in another sector or jurisdiction", "Eve Gagnon")
		mustNotContain(t, anon.body, "Frank Same", "Bob Singh", "Carol Roy", "Dan Outsider")
		member := signInPerson(t, a, p.eve).get(path)
		mustContain(t, member.body, "Eve Gagnon", "Bob Singh")
		mustNotContain(t, member.body, "Frank Same", "Carol Roy")
	})
}

func TestMeProfile(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		r := a.client().get("/me")
		wantStatus(t, r, http.StatusSeeOther)
		if r.location != "/signin?next=%2Fme" {
			t.Fatalf("anonymous /me went to %q", r.location)
		}
		alice := addPerson(t, a, "Alice Tremblay", true, profileWith(convene.VisibilityPublic, "ON", "government", "open data"))
		c := signInPerson(t, a, alice)
		page := c.get("/me")
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, alice.Email, `name="jurisdiction"`, `<option value="ON" selected>`, `value="open data"`,
			`<option value="public" selected>`, "Your email address is never shown", `<a href="/me" aria-current="page">Profile</a>`)
		// The rest of one's account is on pages of their own, one click away.
		mustContain(t, c.get("/me/data").body, "/me/export", `<a href="/me/data" aria-current="page">Your data</a>`, `action="/me/delete"`)
		mustContain(t, c.get("/me/security").body, `action="/me/password"`, `action="/me/signout-everywhere"`)
		mustContain(t, c.get("/me/calendar").body, `action="/me/tokens"`, `action="/me/feed"`)
		mustNotContain(t, page.body, `action="/me/password"`, `action="/me/tokens"`, `action="/me/delete"`)
		if cc := page.header.Get("Cache-Control"); cc != "no-store" {
			t.Fatalf("Cache-Control %q", cc)
		}

		var tags []string
		for i := 0; i < 13; i++ {
			tags = append(tags, fmt.Sprintf("topic %d", i))
		}
		script := "<script>alert(1)</script>"
		form := url.Values{"name": {"Alice T."}, "organization": {"OOGT"}, "jurisdiction": {"XX"}, "sector": {"government"},
			"interests": {strings.Join(tags, ", ")}, "languages": {"fr,en"}, "time_zone": {"America/Toronto"}, "visibility": {"members"}, "bio": {script}}
		bad := c.post("/me", form)
		wantStatus(t, bad, http.StatusUnprocessableEntity)
		mustContain(t, bad.body, "Choose a jurisdiction from the list.", "List at most 12 interests.", `value="Alice T."`)
		if strings.Contains(bad.body, script) {
			t.Fatal("the bio was echoed unescaped")
		}
		stored, _ := a.store.UserByID(ctx, alice.ID)
		if stored.Name != "Alice Tremblay" || stored.Jurisdiction != "ON" || stored.Visibility != "public" || stored.Bio != "" {
			t.Fatalf("an invalid form wrote: %+v", stored)
		}

		form.Set("jurisdiction", "municipal")
		form.Set("municipality", "Ottawa")
		form.Set("interests", "Open Data, open contracting")
		saved := c.post("/me", form)
		wantStatus(t, saved, http.StatusSeeOther)
		stored, _ = a.store.UserByID(ctx, alice.ID)
		_ = a.store.LoadInterests(ctx, []*convene.User{stored})
		if stored.Name != "Alice T." || stored.Municipality != "Ottawa" || stored.Bio != script || strings.Join(stored.Languages, ",") != "fr,en" ||
			strings.Join(stored.Interests, ",") != "open contracting,open data" || stored.Visibility != "members" {
			t.Fatalf("saved %+v", stored)
		}
		mustContain(t, c.get("/me").body, "Enregistré.") // French first in her profile: she now reads French
		prof := c.get(fmt.Sprintf("%s/%d", directoryPath, alice.ID))
		wantStatus(t, prof, http.StatusOK)
		mustContain(t, prof.body, "&lt;script&gt;alert(1)&lt;/script&gt;", "Municipal · Ottawa")
		if strings.Contains(prof.body, script) {
			t.Fatal("the bio is shown unescaped")
		}
	})
}

func TestMePassword(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		alice := addPerson(t, a, "Alice Tremblay", true, nil)
		c := signInPerson(t, a, alice)
		const newPassword = "a brand new passphrase"
		for _, tc := range []struct {
			current, password, confirm, want string
		}{
			{"wrong password", newPassword, newPassword, "This is not your current password."},
			{personPassword, "x1y2z3", "x1y2z3", "Use at least 10 characters."},
			{personPassword, newPassword, newPassword + "x", "The two passwords do not match."},
		} {
			r := c.post("/me/password", url.Values{"current_password": {tc.current}, "password": {tc.password}, "password_confirm": {tc.confirm}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			mustContain(t, r.body, tc.want)
			mustNotContain(t, r.body, tc.password)
		}
		r := c.post("/me/password", url.Values{"current_password": {personPassword}, "password": {newPassword}, "password_confirm": {newPassword}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, c.get("/me").body, "Your password is saved.")

		fresh := a.client()
		wantStatus(t, fresh.post("/signin", url.Values{"email": {alice.Email}, "password": {personPassword}}), http.StatusUnauthorized)
		wantStatus(t, fresh.post("/signin", url.Values{"email": {alice.Email}, "password": {newPassword}}), http.StatusSeeOther)
		wantStatus(t, fresh.get("/me"), http.StatusOK)
	})
}

var newTokenPattern = regexp.MustCompile(`cv_[A-Za-z0-9_-]{20,}`)

func getWithToken(a *app, path, token string) response {
	req, _ := http.NewRequest(http.MethodGet, a.http.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return a.client().do(req)
}

func TestMeAPITokens(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		alice := addPerson(t, a, "Alice Tremblay", true, profileWith(convene.VisibilityMembers, "ON", "government", "open data"))
		c := signInPerson(t, a, alice)
		bad := c.post("/me/tokens", url.Values{"token_name": {""}})
		wantStatus(t, bad, http.StatusUnprocessableEntity)
		mustContain(t, bad.body, "Give the token a name of up to 80 characters.")

		wantStatus(t, c.post("/me/tokens", url.Values{"token_name": {"Calendar script"}}), http.StatusSeeOther)
		page := c.get("/me/calendar")
		token := newTokenPattern.FindString(page.body)
		if token == "" {
			t.Fatalf("the new token is not shown: %.3000s", page.body)
		}
		mustContain(t, page.body, "Copy it now", "Calendar script", "Never")
		mustNotContain(t, c.get("/me/calendar").body, token) // once only

		var me struct {
			Email       string   `json:"email"`
			Name        string   `json:"name"`
			Interests   []string `json:"interests"`
			Memberships []struct {
				Community, Role string
			} `json:"memberships"`
		}
		r := getWithToken(a, "/api/v1/me", token)
		wantStatus(t, r, http.StatusOK)
		decode(t, r, &me)
		if me.Email != alice.Email || me.Name != "Alice Tremblay" || len(me.Interests) != 1 || len(me.Memberships) != 1 ||
			me.Memberships[0].Community != testSlug || me.Memberships[0].Role != "member" {
			t.Fatalf("/api/v1/me: %s", r.body)
		}
		wantStatus(t, c.get("/api/v1/me"), http.StatusOK) // the session cookie works too
		mustContain(t, c.get("/me/calendar").body, "Calendar script")

		// A token reads through the API; it cannot manage the account.
		wantStatus(t, getWithToken(a, "/me", token), http.StatusForbidden)

		for _, r := range []response{getWithToken(a, "/api/v1/me", "cv_forged"), a.client().get("/api/v1/me")} {
			wantStatus(t, r, http.StatusUnauthorized)
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			decode(t, r, &e)
			if e.Error.Code != convene.EUNAUTHORIZED || e.Error.Message == "" {
				t.Fatalf("401 body: %s", r.body)
			}
		}

		tokens, err := a.store.APITokens(context.Background(), alice.ID)
		if err != nil || len(tokens) != 1 || tokens[0].LastUsedAt == nil {
			t.Fatalf("tokens: %+v %v", tokens, err)
		}
		wantStatus(t, c.post(fmt.Sprintf("/me/tokens/%d/delete", tokens[0].ID), nil), http.StatusSeeOther)
		mustContain(t, c.get("/me/calendar").body, "Token revoked", "You have no token.")
		wantStatus(t, getWithToken(a, "/api/v1/me", token), http.StatusUnauthorized)
		// A revoked token is gone.
		wantStatus(t, c.post(fmt.Sprintf("/me/tokens/%d/delete", tokens[0].ID), nil), http.StatusNotFound)
	})
}

func TestMeExportAndDelete(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		alice := addPerson(t, a, "Alice Tremblay", true, profileWith(convene.VisibilityPublic, "ON", "government", "open data"))
		c := signInPerson(t, a, alice)
		r := c.get("/me/export")
		wantStatus(t, r, http.StatusOK)
		if d := r.header.Get("Content-Disposition"); d != `attachment; filename="convene-my-data.json"` {
			t.Fatalf("Content-Disposition %q", d)
		}
		if cc := r.header.Get("Cache-Control"); cc != "no-store" {
			t.Fatalf("Cache-Control %q", cc)
		}
		var data struct {
			Account struct {
				Email, Name, Jurisdiction string
				Interests                 []string
			} `json:"account"`
			Memberships []struct{ Community string } `json:"memberships"`
		}
		decode(t, r, &data)
		if data.Account.Email != alice.Email || data.Account.Name != "Alice Tremblay" || data.Account.Jurisdiction != "ON" ||
			len(data.Account.Interests) != 1 || len(data.Memberships) != 1 {
			t.Fatalf("export: %s", r.body)
		}

		wrong := c.post("/me/delete", url.Values{"delete_email": {"someone@example.org"}})
		wantStatus(t, wrong, http.StatusUnprocessableEntity)
		mustContain(t, wrong.body, "Type your account’s email address exactly to confirm.")
		if _, err := a.store.UserByID(ctx, alice.ID); err != nil {
			t.Fatal("a wrong confirmation deleted the account")
		}
		gone := c.post("/me/delete", url.Values{"delete_email": {strings.ToUpper(alice.Email)}})
		wantStatus(t, gone, http.StatusSeeOther)
		if gone.location != "/" {
			t.Fatalf("after deletion, went to %q", gone.location)
		}
		home := c.get("/")
		mustContain(t, home.body, "Your account is deleted.")
		mustNotContain(t, home.body, "Alice Tremblay")
		wantStatus(t, c.get("/me"), http.StatusSeeOther)
		if _, err := a.store.UserByID(ctx, alice.ID); convene.ErrorCode(err) != convene.ENOTFOUND {
			t.Fatalf("user still there: %v", err)
		}
		wantStatus(t, a.client().post("/signin", url.Values{"email": {alice.Email}, "password": {personPassword}}), http.StatusUnauthorized)
	})
}

func TestMembersAdmin(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		cid := peopleCommunity(t, a).ID
		members := "/c/" + testSlug + "/members"
		role := func(u *convene.User) string {
			r, err := a.store.RoleOf(ctx, cid, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		p := newPeopleCast(t, a)
		grace := addPerson(t, a, "Grace Organizer", true, nil)
		heidi := addPerson(t, a, "Heidi Organizer", true, nil)
		if err := a.store.SetRole(ctx, cid, heidi.ID, convene.RoleOrganizer); err != nil {
			t.Fatal(err)
		}
		owner, err := a.store.UserByEmail(ctx, demo.OrganizerEmail)
		if err != nil {
			t.Fatal(err)
		}

		wantStatus(t, a.client().get(members), http.StatusSeeOther)
		bob := signInPerson(t, a, p.bob)
		wantStatus(t, bob.get(members), http.StatusForbidden)
		wantStatus(t, bob.post(fmt.Sprintf("%s/%d/remove", members, p.alice.ID), nil), http.StatusForbidden)

		// The owner sees members, without their email addresses (the README's promise: only the
		// organizers of calls they registered for see those), and hands out the organizer role.
		o := a.client()
		o.signIn()
		page := o.get(members)
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "Bob Singh", "Owner", "Organizer", "Make organizer")
		mustNotContain(t, page.body, p.bob.Email, p.alice.Email, "mailto:")
		wantStatus(t, o.post(fmt.Sprintf("%s/%d/role", members, grace.ID), url.Values{"role": {"organizer"}}), http.StatusSeeOther)
		if role(grace) != convene.RoleOrganizer {
			t.Fatalf("grace is %q", role(grace))
		}
		wantStatus(t, o.post(fmt.Sprintf("%s/%d/role", members, grace.ID), url.Values{"role": {"owner"}}), http.StatusUnprocessableEntity)
		wantStatus(t, o.post(fmt.Sprintf("%s/%d/role", members, owner.ID), url.Values{"role": {"member"}}), http.StatusConflict)
		wantStatus(t, o.post(fmt.Sprintf("%s/%d/role", members, p.dan.ID), url.Values{"role": {"organizer"}}), http.StatusNotFound)

		// An organizer removes members, but neither organizers, nor owners, nor themselves, and sets no roles.
		g := signInPerson(t, a, grace)
		wantStatus(t, g.get(members), http.StatusOK)
		wantStatus(t, g.post(fmt.Sprintf("%s/%d/remove", members, p.bob.ID), nil), http.StatusSeeOther)
		if role(p.bob) != "" {
			t.Fatal("bob is still a member")
		}
		mustContain(t, g.get(members).body, "Member removed.")
		wantStatus(t, g.post(fmt.Sprintf("%s/%d/remove", members, heidi.ID), nil), http.StatusForbidden)
		wantStatus(t, g.post(fmt.Sprintf("%s/%d/remove", members, owner.ID), nil), http.StatusConflict)
		wantStatus(t, g.post(fmt.Sprintf("%s/%d/remove", members, grace.ID), nil), http.StatusConflict)
		wantStatus(t, g.post(fmt.Sprintf("%s/%d/role", members, p.alice.ID), url.Values{"role": {"organizer"}}), http.StatusForbidden)
		if role(p.alice) != convene.RoleMember {
			t.Fatal("an organizer changed a role")
		}
		wantStatus(t, o.post(fmt.Sprintf("%s/%d/remove", members, heidi.ID), nil), http.StatusSeeOther)

		// Joining and leaving; the last owner stays. Bob, removed above, is let back first.
		wantStatus(t, bob.post("/c/"+testSlug+"/join", nil), http.StatusForbidden)
		wantStatus(t, o.post(fmt.Sprintf("%s/%d/unban", members, p.bob.ID), nil), http.StatusSeeOther)
		wantStatus(t, bob.post("/c/"+testSlug+"/join", nil), http.StatusSeeOther)
		if role(p.bob) != convene.RoleMember {
			t.Fatal("bob did not join")
		}
		mustContain(t, bob.get("/c/"+testSlug).body, "you are a member of this community")
		wantStatus(t, bob.post("/c/"+testSlug+"/leave", nil), http.StatusSeeOther)
		if role(p.bob) != "" {
			t.Fatal("bob did not leave")
		}
		wantStatus(t, bob.post("/c/"+testSlug+"/leave", nil), http.StatusNotFound)
		wantStatus(t, o.post("/c/"+testSlug+"/leave", nil), http.StatusConflict)
		wantStatus(t, a.client().post("/c/"+testSlug+"/join", nil), http.StatusUnauthorized)
	})
}

func TestPeopleAPI(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		p := newPeopleCast(t, a)
		api := "/api/v1/communities/" + testSlug + "/people"
		check := func(r response) {
			t.Helper()
			wantStatus(t, r, http.StatusOK)
			var out struct {
				People []struct {
					ID                                int64
					Name, Jurisdiction, Sector, URL   string
					Organization, Title, Municipality string
					Interests, Languages              []string
				} `json:"people"`
				Next *string `json:"next"`
			}
			decode(t, r, &out)
			var names []string
			for _, x := range out.People {
				names = append(names, x.Name)
			}
			if strings.Join(names, ",") != "Alice Tremblay,Eve Gagnon,Frank Same" || out.Next != nil {
				t.Fatalf("people: %s", r.body)
			}
			if a0 := out.People[0]; a0.Jurisdiction != "ON" || a0.Sector != "government" || len(a0.Interests) != 2 ||
				a0.URL != fmt.Sprintf("%s%s/%d", a.http.URL, directoryPath, p.alice.ID) {
				t.Fatalf("alice: %+v", a0)
			}
			if strings.Contains(r.body, "@") {
				t.Fatalf("an email address in the API: %s", r.body)
			}
		}
		check(a.client().get(api))
		// Public profiles only, whoever asks.
		bob := signInPerson(t, a, p.bob)
		check(bob.get(api))

		filtered := a.client().get(api + "?jurisdiction=QC&interest=open+data")
		mustContain(t, filtered.body, "Eve Gagnon")
		mustNotContain(t, filtered.body, "Alice Tremblay", "Carol Roy")
		for _, q := range []string{"?jurisdiction=Ontario", "?sector=nope", "?limit=0", "?after_id=x"} {
			r := a.client().get(api + q)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			var e struct {
				Error struct{ Code string } `json:"error"`
			}
			decode(t, r, &e)
			if e.Error.Code != convene.EINVALID {
				t.Fatalf("%s: %s", q, r.body)
			}
		}
	})
}

// TestPeopleNeverShowEmails crawls everything about people a visitor and a member can reach, in
// the tests' community and the demo's, and finds no member's email address.
func TestPeopleNeverShowEmails(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		p := newPeopleCast(t, a)
		emails := []string{p.dan.Email}
		for _, cid := range []int64{peopleCommunity(t, a).ID, a.demo.Community.ID} {
			ms, err := a.store.Members(ctx, cid)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				emails = append(emails, m.User.Email)
			}
		}
		if _, err := a.store.JoinCommunity(ctx, a.demo.Community.ID, p.bob.ID); err != nil {
			t.Fatal(err)
		}
		profiles := regexp.MustCompile(`href="(/c/[a-z0-9-]+/people/\d+)"`)
		for _, c := range []*client{a.client(), signInPerson(t, a, p.bob)} {
			seen := map[string]bool{}
			var queue []string
			for _, slug := range []string{testSlug, demo.Slug} {
				queue = append(queue, "/c/"+slug+"/people", "/c/"+slug+"/people?interest=open+data", "/api/v1/communities/"+slug+"/people")
			}
			for len(queue) > 0 {
				path := queue[0]
				queue = queue[1:]
				if seen[path] {
					continue
				}
				seen[path] = true
				r := c.get(path)
				wantStatus(t, r, http.StatusOK)
				mustNotContain(t, r.body, emails...)
				for _, m := range profiles.FindAllStringSubmatch(r.body, -1) {
					queue = append(queue, m[1])
				}
			}
			if len(seen) < 12 {
				t.Fatalf("crawled only %v", seen)
			}
		}
	})
}

func TestPrivacyNotice(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		c := a.client()
		r := c.get("/privacy")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "What Convene stores", "sign-in history", "Your email address is never shown to other members", "Download everything", `href="/me"`)
		c.get("/lang/fr")
		mustContain(t, c.get("/privacy").body, "Ce que Convene stocke", "Votre adresse courriel n’est jamais montrée")

		wantStatus(t, a.client().get("/admin/privacy"), http.StatusSeeOther)
		o := a.client()
		o.signIn()
		wantStatus(t, o.get("/admin/privacy"), http.StatusForbidden)
		admin := &convene.User{Email: "admin@example.org", Name: "Instance Admin", IsAdmin: true, Confirmed: true, PasswordHash: personHash()}
		if err := a.store.CreateUser(ctx, admin); err != nil {
			t.Fatal(err)
		}
		ac := signInPerson(t, a, admin)
		wantStatus(t, ac.get("/admin/privacy"), http.StatusOK)
		long := ac.post("/admin/privacy", url.Values{"notice": {strings.Repeat("x", 20001)}})
		wantStatus(t, long, http.StatusUnprocessableEntity)
		if v, _ := a.store.Setting(ctx, "privacy_notice"); v != "" {
			t.Fatal("an invalid notice was saved")
		}
		wantStatus(t, ac.post("/admin/privacy", url.Values{"notice": {"<b>Our</b> notice.\r\n\r\nSecond paragraph."}}), http.StatusSeeOther)
		custom := a.client().get("/privacy")
		mustContain(t, custom.body, "<p>&lt;b&gt;Our&lt;/b&gt; notice.</p>", "<p>Second paragraph.</p>")
		mustNotContain(t, custom.body, "What Convene stores")

		// The notice has a version per language; a missing one shows the original, marked.
		french := a.client().get("/privacy?lang=fr").body
		mustContain(t, french, `<div lang="en"><p>&lt;b&gt;Our&lt;/b&gt; notice.</p>`, "en anglais seulement")
		mustContain(t, ac.get("/admin/privacy").body, `name="notice:fr"`)
		wantStatus(t, ac.post("/admin/privacy", url.Values{"notice": {"Our notice."}, "notice:fr": {"Notre avis."}}), http.StatusSeeOther)
		mustContain(t, a.client().get("/privacy?lang=fr").body, "<div><p>Notre avis.</p>")
		mustContain(t, a.client().get("/privacy?lang=en").body, "<div><p>Our notice.</p>")
	})
}
