package benchdata

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// Password is the benchmark accounts' password.
const Password = "a bench password"

// Viewers are the benchmark's signed-in people: an organizer with an API token, and a member
// registered for the middle call.
type Viewers struct {
	Organizer, Member *convene.User
	Token             string // the organizer's API token
}

// AddViewers stores the benchmark's organizer and member in its community; the member is
// registered for callID.
func AddViewers(ctx context.Context, st *store.Store, callID int64) (*Viewers, error) {
	c, err := st.CommunityBySlug(ctx, Slug)
	if err != nil {
		return nil, err
	}
	v := &Viewers{}
	for _, p := range []struct {
		who  **convene.User
		name string
		role string
	}{{&v.Organizer, "Bench Organizer", convene.RoleOrganizer}, {&v.Member, "Bench Member", convene.RoleMember}} {
		u := &convene.User{Email: strings.ReplaceAll(strings.ToLower(p.name), " ", ".") + "@example.org", Name: p.name, Confirmed: true}
		if u.PasswordHash, err = convene.HashPassword(Password); err != nil {
			return nil, err
		}
		if err := st.CreateUser(ctx, u); err != nil {
			return nil, err
		}
		if _, err := st.JoinCommunity(ctx, c.ID, u.ID); err != nil {
			return nil, err
		}
		if err := st.SetRole(ctx, c.ID, u.ID, p.role); err != nil {
			return nil, err
		}
		*p.who = u
	}
	if _, err := st.Register(ctx, callID, v.Member.ID, nil); err != nil {
		return nil, err
	}
	if v.Token, err = st.CreateAPIToken(ctx, v.Organizer.ID, "bench"); err != nil {
		return nil, err
	}
	return v, nil
}

// SignIn signs u in through h's sign-in page, as a browser would, and returns the session cookie.
func SignIn(h http.Handler, baseURL string, u *convene.User) (*http.Cookie, error) {
	req := httptest.NewRequest(http.MethodPost, baseURL+"/signin",
		strings.NewReader(url.Values{"email": {u.Email}, "password": {Password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", baseURL)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == "convene_session" && rec.Code == http.StatusSeeOther {
			return ck, nil
		}
	}
	return nil, fmt.Errorf("sign in as %s: %d", u.Email, rec.Code)
}
