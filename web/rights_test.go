package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/demo"
)

// An organizer's token without the organize scope acts as a member everywhere the API decides
// what to show: the calls listing and a call's answer keep a registered-only meeting hidden, as
// they do for any member, while a token with the scope sees it.
func TestReadTokenOfAnOrganizerSeesWhatAMemberSees(t *testing.T) {
	eachApp(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		owner, err := a.store.UserByEmail(ctx, demo.OrganizerEmail)
		if err != nil {
			t.Fatal(err)
		}
		read, err := a.store.CreateAPIToken(ctx, owner.ID, "read only")
		if err != nil {
			t.Fatal(err)
		}
		organize, err := a.store.CreateAPIToken(ctx, owner.ID, "organizer", convene.ScopeRead, convene.ScopeOrganize)
		if err != nil {
			t.Fatal(err)
		}
		kit, _, err := a.store.CallJoinKit(ctx, mustCall(t, a, a.demo.RebootID))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{fmt.Sprintf("/api/v1/calls/%d", a.demo.RebootID),
			"/api/v1/communities/" + demo.Slug + "/calls?from=2019-11-01T00:00:00Z&to=2019-12-01T00:00:00Z"} {
			get := func(token string) response {
				req, _ := http.NewRequest(http.MethodGet, a.http.URL+path, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				return a.client().do(req)
			}
			r := get(read)
			wantStatus(t, r, http.StatusOK)
			mustNotContain(t, r.body, kit.Passcode, kit.JoinURL)
			r = get(organize)
			wantStatus(t, r, http.StatusOK)
			mustContain(t, r.body, kit.JoinURL)
		}
	})
}
