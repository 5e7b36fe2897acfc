package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/opengovcall/convene"
)

// signInAgain is another browser signed in as the account with the test members' password.
func (a *app) signInAgain(t *testing.T, email string) *client {
	t.Helper()
	c := a.client()
	wantStatus(t, c.post("/signin", url.Values{"email": {email}, "password": {"a member password"}}), http.StatusSeeOther)
	return c
}

// whoAmI is the email GET /api/v1/me answers for a client, or "" when it is not signed in.
func whoAmI(t *testing.T, c *client) string {
	t.Helper()
	r := c.get("/api/v1/me")
	if r.status == http.StatusUnauthorized {
		return ""
	}
	wantStatus(t, r, http.StatusOK)
	var me struct {
		Email string `json:"email"`
	}
	decode(t, r, &me)
	return me.Email
}

// The takeover a review found: a deleted account's second session must not become the session of
// the next person to sign up, whose account must not get the deleted one's id.
func TestDeletedAccountSessionsDieWithIt(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		first, gone := a.signedIn(t, "leaving@example.net", "Leaving Soon")
		second := a.signInAgain(t, gone.Email)
		if who := whoAmI(t, second); who != gone.Email {
			t.Fatalf("second browser is %q", who)
		}
		wantStatus(t, first.post("/me/delete", url.Values{"delete_email": {gone.Email}}), http.StatusSeeOther)
		victim, v := a.signedIn(t, "victim@example.net", "Next Person")
		if v.ID <= gone.ID {
			t.Fatalf("the new account got id %d, the deleted one had %d", v.ID, gone.ID)
		}
		if who := whoAmI(t, second); who != "" {
			t.Fatalf("the deleted account's other session is signed in as %q", who)
		}
		if who := whoAmI(t, victim); who != v.Email {
			t.Fatalf("the new person is %q", who)
		}
	})
}

// A new password ends every other session; "sign out everywhere" ends them all.
func TestPasswordChangeAndSignOutEverywhere(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		phone, u := a.signedIn(t, "two.devices@example.net", "Two Devices")
		laptop := a.signInAgain(t, u.Email)
		r := laptop.post("/me/password", url.Values{"current_password": {"a member password"},
			"password": {"a brand new password"}, "password_confirm": {"a brand new password"}})
		wantStatus(t, r, http.StatusSeeOther)
		if who := whoAmI(t, laptop); who != u.Email {
			t.Fatalf("the browser that changed the password is %q", who)
		}
		if who := whoAmI(t, phone); who != "" {
			t.Fatalf("another session survived a new password as %q", who)
		}

		phone = a.client()
		wantStatus(t, phone.post("/signin", url.Values{"email": {u.Email}, "password": {"a brand new password"}}), http.StatusSeeOther)
		me := laptop.get("/me/security")
		mustContain(t, me.body, "Sign out everywhere", `action="/me/signout-everywhere"`)
		wantStatus(t, laptop.post("/me/signout-everywhere", nil), http.StatusSeeOther)
		for name, c := range map[string]*client{"phone": phone, "laptop": laptop} {
			if who := whoAmI(t, c); who != "" {
				t.Errorf("%s is still signed in as %q after signing out everywhere", name, who)
			}
		}
	})
}

// Ids that leave the database (sessions, tokens, calendar UIDs, links) are never handed out twice,
// on either engine, even after the newest row is deleted.
func TestIDsAreNeverReused(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		ids := map[int64]bool{}
		for i := range 3 {
			u := &convene.User{Email: "churn" + string(rune('a'+i)) + "@example.net", Name: "Churn", Confirmed: true}
			if err := a.store.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			if ids[u.ID] {
				t.Fatalf("user id %d handed out twice", u.ID)
			}
			ids[u.ID] = true
			if _, err := a.store.CreateAPIToken(ctx, u.ID, "cli"); err != nil {
				t.Fatal(err)
			}
			if err := a.store.DeleteUser(ctx, u.ID); err != nil {
				t.Fatal(err)
			}
		}
	})
}
