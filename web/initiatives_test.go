package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/demo"
)

// newInitiative registers an initiative through the form as the client and returns its id.
func newInitiative(t *testing.T, c *client, name string) int64 {
	t.Helper()
	r := c.post("/c/"+demo.Slug+"/initiatives/new", url.Values{"name": {name}, "status": {"forming"}, "jurisdiction": {"NS"},
		"sector": {"civil_society"}, "description": {"A podcast about open government."}, "links": {"https://example.org/podcast"}})
	wantStatus(t, r, http.StatusSeeOther)
	id, err := strconv.ParseInt(r.location[strings.LastIndex(r.location, "/")+1:], 10, 64)
	if err != nil {
		t.Fatalf("redirected to %q", r.location)
	}
	return id
}

// TestInitiativeAskOfferTake runs the loop: a lead posts an ask, a member offers help, the lead is
// told by mail in their language, sees who offered and takes the offer.
func TestInitiativeAskOfferTake(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		lead, leadUser := a.signedIn(t, "lina.lead@example.org", "Lina Lead")
		leadUser.Languages = []string{"fr"}
		if err := a.store.UpdateProfile(ctx, leadUser); err != nil {
			t.Fatal(err)
		}
		helper, _ := a.signedIn(t, "hugo.helper@example.org", "Hugo Helper")
		other, _ := a.signedIn(t, "olga.other@example.org", "Olga Other")

		id := newInitiative(t, lead, "Open Gov Podcast")
		page := "/c/" + demo.Slug + "/initiatives/" + strconv.FormatInt(id, 10)
		calls := strconv.FormatInt(a.demo.RebootID, 10)
		wantStatus(t, lead.post(page+"/updates", url.Values{"body": {"First episode recorded."}, "call_id": {calls}}), http.StatusSeeOther)
		wantStatus(t, lead.post(page+"/asks", url.Values{"kind": {"volunteers"}, "body": {"Someone to edit audio."}}), http.StatusSeeOther)
		asks, err := a.store.Asks(ctx, id, true)
		if err != nil || len(asks) != 1 {
			t.Fatalf("asks = %v, %v", asks, err)
		}
		askPath := page + "/asks/" + strconv.FormatInt(asks[0].ID, 10)

		// A member who is not a lead may neither post updates nor asks.
		wantStatus(t, helper.post(page+"/asks", url.Values{"kind": {"volunteers"}, "body": {"x"}}), http.StatusForbidden)

		r := helper.get(page)
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Open Gov Podcast", "First episode recorded.", "Someone to edit audio.", askPath+"/offers", "/c/"+demo.Slug+"/comments?on=ask:"+strconv.FormatInt(asks[0].ID, 10), "/c/"+demo.Slug+"/calls/"+calls)

		wantStatus(t, helper.post(askPath+"/offers", url.Values{"message": {""}}), http.StatusUnprocessableEntity)
		wantStatus(t, helper.post(askPath+"/offers", url.Values{"message": {"I edit audio for a living."}}), http.StatusSeeOther)

		box := a.mailbox(t)
		msg := lastTo(t, box.deliver(t, 1), "lina.lead@example.org")
		if !strings.Contains(msg.Subject, "Aide offerte pour Open Gov Podcast") || !strings.Contains(msg.Text, "Hugo Helper") ||
			!strings.Contains(msg.Text, "I edit audio for a living.") || !strings.Contains(msg.Text, page) {
			t.Fatalf("mail: %q\n%s", msg.Subject, msg.Text)
		}

		// Only the asker (and organizers) see who offered.
		r = other.get(page)
		mustContain(t, r.body, "Someone to edit audio.")
		mustNotContain(t, r.body, "Hugo Helper", "I edit audio for a living.", "hugo.helper@example.org")
		mustNotContain(t, a.client().get(page).body, "Hugo Helper")
		r = lead.get(page)
		mustContain(t, r.body, "Hugo Helper", "I edit audio for a living.")
		mustNotContain(t, r.body, "hugo.helper@example.org")

		asks, _ = a.store.Asks(ctx, id, true)
		offerPath := askPath + "/offers/" + strconv.FormatInt(asks[0].Offers[0].ID, 10)
		wantStatus(t, other.post(offerPath+"/take", nil), http.StatusForbidden)
		wantStatus(t, lead.post(offerPath+"/take", nil), http.StatusSeeOther)
		wantStatus(t, lead.post(askPath+"/close", nil), http.StatusSeeOther)
		all, err := a.store.Asks(ctx, id, false)
		if err != nil || len(all) != 1 || all[0].Open || !all[0].Offers[0].Taken {
			t.Fatalf("after take and close: %+v, %v", all, err)
		}
		wantStatus(t, other.post(askPath+"/offers", url.Values{"message": {"Too late?"}}), http.StatusConflict)
	})
}

// TestInitiativeEditRights checks that only leads and organizers edit an initiative, and that an
// unknown or deleted one is not found.
func TestInitiativeEditRights(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		lead, _ := a.signedIn(t, "lina.lead@example.org", "Lina Lead")
		member, _ := a.signedIn(t, "max.member@example.org", "Max Member")
		id := newInitiative(t, lead, "Open Gov Podcast")
		edit := "/c/" + demo.Slug + "/initiatives/" + strconv.FormatInt(id, 10) + "/edit"

		wantStatus(t, member.get(edit), http.StatusForbidden)
		wantStatus(t, member.post(edit, url.Values{"name": {"Taken over"}, "status": {"active"}}), http.StatusForbidden)
		wantStatus(t, a.client().get(edit), http.StatusSeeOther) // to sign in
		in, err := a.store.InitiativeByID(ctx, id)
		if err != nil || in.Name != "Open Gov Podcast" {
			t.Fatalf("initiative = %+v, %v", in, err)
		}

		wantStatus(t, lead.post(edit, url.Values{"name": {"Open Gov Podcast"}, "status": {"active"}}), http.StatusSeeOther)
		org := a.client()
		org.signIn()
		wantStatus(t, org.get(edit), http.StatusOK)

		// The lead adds a co-lead, who may then edit and is listed on their profile; the member may not
		// add leads, someone outside the community cannot be one, and the last lead stays.
		page := "/c/" + demo.Slug + "/initiatives/" + strconv.FormatInt(id, 10)
		colead, coleadUser := a.signedIn(t, "cora.colead@example.org", "Cora Colead")
		coleadID := strconv.FormatInt(coleadUser.ID, 10)
		mustContain(t, lead.get(page).body, "Add a co-lead", `<option value="`+coleadID+`">Cora Colead</option>`)
		wantStatus(t, member.post(page+"/leads", url.Values{"lead": {coleadID}}), http.StatusForbidden)
		wantStatus(t, colead.get(edit), http.StatusForbidden)
		wantStatus(t, lead.post(page+"/leads", url.Values{"lead": {coleadID}}), http.StatusSeeOther)
		wantStatus(t, colead.get(edit), http.StatusOK)
		mustContain(t, a.client().get(page).body, "Cora Colead, Lina Lead", "/c/"+demo.Slug+"/comments?on=initiative:"+strconv.FormatInt(id, 10), "Comments (0)")
		mustContain(t, colead.get("/c/"+demo.Slug+"/people/"+coleadID).body, "Initiatives they lead", "Open Gov Podcast")
		stranger := &convene.User{Email: "sam.stranger@example.org", Name: "Sam Stranger"}
		if err := a.store.CreateUser(ctx, stranger); err != nil {
			t.Fatal(err)
		}
		r := lead.post(page+"/leads", url.Values{"lead": {strconv.FormatInt(stranger.ID, 10)}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Co-leads are members of the community.")
		wantStatus(t, colead.post(page+"/leads/"+coleadID+"/remove", nil), http.StatusSeeOther)
		in, _ = a.store.InitiativeByID(ctx, id)
		if len(in.Leads) != 1 || in.Leads[0].Name != "Lina Lead" {
			t.Fatalf("leads after removal = %v", in.LeadIDs)
		}
		r = lead.post(page+"/leads/"+strconv.FormatInt(in.Leads[0].ID, 10)+"/remove", nil)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "An initiative keeps at least one lead.")

		wantStatus(t, lead.get("/c/"+demo.Slug+"/initiatives/999999/edit"), http.StatusNotFound)
		if err := a.store.DeleteInitiative(ctx, id); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, lead.post(edit, url.Values{"name": {"Back"}, "status": {"active"}}), http.StatusNotFound)
		wantStatus(t, lead.get("/c/"+demo.Slug+"/initiatives/"+strconv.FormatInt(id, 10)), http.StatusNotFound)
	})
}

// TestInitiativeLinksMustBeWeb refuses a javascript: link with a message, and writes nothing.
func TestInitiativeLinksMustBeWeb(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		lead, _ := a.signedIn(t, "lina.lead@example.org", "Lina Lead")
		before, _ := a.store.Initiatives(ctx, convene.InitiativeFilter{CommunityID: a.demo.Community.ID})
		r := lead.post("/c/"+demo.Slug+"/initiatives/new", url.Values{"name": {"Sneaky"}, "status": {"idea"},
			"links": {"https://example.org/ok\njavascript:alert(1)"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "is not a web address")
		mustNotContain(t, r.body, `href="javascript:`)
		after, _ := a.store.Initiatives(ctx, convene.InitiativeFilter{CommunityID: a.demo.Community.ID})
		if len(after) != len(before) {
			t.Fatalf("%d initiatives, want %d", len(after), len(before))
		}
	})
}

// TestInitiativesPagesAndAPI lists the demo's initiatives, filters them and reads one with its
// updates and open asks; the API never shows an email address, and a lead writes through it.
func TestInitiativesPagesAndAPI(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		anon := a.client()
		names := []string{"Open Clearinghouse", "Canadian Open Data Society", "OGP Global Summit 2019", "Ontario Open Government Team", "Re:OpenGov"}
		r := anon.get("/c/" + demo.Slug + "/initiatives")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, names...)
		r = anon.get("/c/" + demo.Slug + "/initiatives?status=forming")
		mustContain(t, r.body, "Canadian Open Data Society")
		mustNotContain(t, r.body, "Re:OpenGov")
		wantStatus(t, anon.get("/c/"+demo.Slug+"/initiatives?sector=nonsense"), http.StatusUnprocessableEntity)

		r = anon.get("/api/v1/communities/" + demo.Slug + "/initiatives")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, names...)
		mustNotContain(t, r.body, "@example.org")
		var list struct {
			Initiatives []struct {
				ID     int64  `json:"id"`
				Name   string `json:"name"`
				APIURL string `json:"api_url"`
			} `json:"initiatives"`
		}
		if err := json.Unmarshal([]byte(r.body), &list); err != nil || len(list.Initiatives) != len(names) {
			t.Fatalf("list: %v %s", err, r.body)
		}
		var ch int64
		for _, in := range list.Initiatives {
			if in.Name == "Open Clearinghouse" {
				ch = in.ID
			}
		}
		r = anon.get("/api/v1/communities/" + demo.Slug + "/initiatives/" + strconv.FormatInt(ch, 10))
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, `"open_asks"`, "review submitted resources", `"call_id":`+strconv.FormatInt(a.demo.RebootID, 10))
		mustNotContain(t, r.body, "@example.org")

		page := anon.get("/c/" + demo.Slug + "/initiatives/" + strconv.FormatInt(ch, 10))
		wantStatus(t, page, http.StatusOK)
		mustContain(t, page.body, "We added a French interface", "/c/"+demo.Slug+"/calls/"+strconv.FormatInt(a.demo.RebootID, 10))

		// A lead writes through the API with a personal token; a stranger's token is refused.
		lead, err := a.store.UserByEmail(ctx, "bethany.clarke@example.org")
		if err != nil {
			t.Fatal(err)
		}
		token, err := a.store.CreateAPIToken(ctx, lead.ID, "script", convene.ScopeRegister, convene.ScopeOrganize)
		if err != nil {
			t.Fatal(err)
		}
		post := func(path, token, body string) response {
			req, _ := http.NewRequest(http.MethodPost, a.http.URL+path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			return anon.do(req)
		}
		base := "/api/v1/initiatives/" + strconv.FormatInt(ch, 10)
		wantStatus(t, post(base+"/updates", token, `{"body":"Posted from a script."}`), http.StatusCreated)
		wantStatus(t, post(base+"/asks", token, `{"kind":"money","body":"x"}`), http.StatusUnprocessableEntity)
		r = post(base+"/asks", token, `{"kind":"expertise","body":"A librarian's eye on our tags."}`)
		wantStatus(t, r, http.StatusCreated)
		var ask struct{ ID int64 }
		_ = json.Unmarshal([]byte(r.body), &ask)

		_, member := a.signedIn(t, "max.member@example.org", "Max Member")
		mtoken, _ := a.store.CreateAPIToken(ctx, member.ID, "script", convene.ScopeRegister)
		wantStatus(t, post(base+"/updates", mtoken, `{"body":"Not mine."}`), http.StatusForbidden)
		wantStatus(t, post(base+"/asks/"+strconv.FormatInt(ask.ID, 10)+"/offers", mtoken, `{"message":"I am a librarian."}`), http.StatusCreated)
		wantStatus(t, post(base+"/asks/999999/offers", mtoken, `{"message":"x"}`), http.StatusNotFound)
	})
}
