package web_test

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/opengovcall/convene"
)

// The viewers every route is tried as, least to most trusted.
var viewers = []string{"anonymous", "outsider", "member", "elsewhere", "organizer", "owner"}

// routeIDs are the demo's ids that fill a route pattern's wildcards.
type routeIDs map[string]string

func demoIDs(t *testing.T, a *app, target int64) routeIDs {
	t.Helper()
	ctx := context.Background()
	db := a.store.DB()
	// What the demo lacks: a comment, a proposed topic and an offer of help, by the target member.
	if err := a.store.AddComment(ctx, &convene.Comment{CommunityID: a.demo.Community.ID, Target: convene.CommentTarget{Kind: "call", ID: a.demo.RebootID},
		AuthorID: target, Body: "See you there."}); err != nil {
		t.Fatal(err)
	}
	if err := a.store.ProposeTopic(ctx, &convene.Topic{CommunityID: a.demo.Community.ID, SeriesID: a.demo.Series.ID, ProposerID: target,
		Title: "Open budgets", Kind: convene.AgendaDiscussion}); err != nil {
		t.Fatal(err)
	}
	var ask int64
	if err := db.QueryRow(`SELECT MIN(id) FROM initiative_asks`).Scan(&ask); err != nil {
		t.Fatal(err)
	}
	if err := a.store.OfferHelp(ctx, &convene.Offer{AskID: ask, UserID: target, Message: "I can help."},
		func(*convene.User, *convene.Ask) convene.Mail {
			return convene.Mail{To: "asker@example.net", Subject: "Offer", Text: "x"}
		}); err != nil {
		t.Fatal(err)
	}
	one := func(q string) string {
		var id int64
		if err := db.QueryRow(q).Scan(&id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return strconv.FormatInt(id, 10)
	}
	return routeIDs{
		"slug": a.demo.Community.Slug, "call": strconv.FormatInt(a.demo.RebootID, 10), "series": strconv.FormatInt(a.demo.Series.ID, 10),
		"season": one(`SELECT MIN(id) FROM seasons`), "item": one(`SELECT MIN(id) FROM agenda_items`), "event": one(`SELECT MIN(id) FROM events`),
		"initiative": one(`SELECT MIN(id) FROM initiatives`), "idea": one(`SELECT MIN(id) FROM ideas`), "survey": one(`SELECT MIN(id) FROM surveys`),
		"comment": one(`SELECT MIN(id) FROM comments`), "topic": one(`SELECT MIN(id) FROM topics`),
		"ask": one(`SELECT MIN(id) FROM initiative_asks`), "offer": one(`SELECT MIN(id) FROM ask_offers`),
		"person": strconv.FormatInt(target, 10), "token": "1", "question": one(`SELECT MIN(id) FROM survey_questions`),
	}
}

// fill turns a route pattern into a path on the demo.
func fill(pattern string, ids routeIDs) (method, path string) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = http.MethodGet, pattern
	}
	path = strings.TrimSuffix(path, "{$}")
	kind := ""
	parts := strings.Split(path, "/")
	for i, p := range parts {
		switch p {
		case "c", "api", "v1", "":
			continue
		case "{slug}":
			parts[i] = ids["slug"]
		case "{id}":
			parts[i] = ids[kind]
		case "{season}", "{item}", "{topic}", "{ask}", "{offer}", "{question}":
			parts[i] = ids[strings.Trim(p, "{}")]
		case "{user}":
			parts[i] = ids["person"]
		case "{action}":
			parts[i] = "reject"
		case "{token}":
			parts[i] = "not-a-token"
		case "{lang}":
			parts[i] = "en"
		case "{kind}": // a member's text to translate: the target member's comment
			parts[i], kind = "comment", "comment"
		default:
			kind = map[string]string{"calls": "call", "series": "series", "events": "event", "initiatives": "initiative", "ideas": "idea",
				"surveys": "survey", "comments": "comment", "members": "person", "people": "person", "communities": "community",
				"tokens": "token", "questions": "question"}[p]
		}
	}
	return method, strings.Join(parts, "/")
}

// access is who may use a route.
type access int

const (
	unchecked     access = iota // the path carries a secret (an emailed link, a feed) or is sign-in itself
	public                      // anyone
	signedIn                    // anyone signed in
	member                      // members of the community and its organizers
	organizer                   // the community's organizers and owner
	owner                       // the community's owner
	ownerAnywhere               // the owner of any community (the instance's background work)
	admin                       // the instance's administrators only
)

// allows reports whether a level lets a viewer in.
func (l access) allows(viewer string) bool {
	switch l {
	case public:
		return true
	case signedIn:
		return viewer != "anonymous"
	case member:
		return viewer == "member" || viewer == "organizer" || viewer == "owner"
	case organizer:
		return viewer == "organizer" || viewer == "owner"
	case owner:
		return viewer == "owner"
	case ownerAnywhere:
		return viewer == "elsewhere" || viewer == "owner"
	}
	return false
}

// routeAccess says, for every route, who may use it. A route added without a line here fails
// TestEveryRouteChecksWhoAsks, so nobody adds one without deciding.
var routeAccess = map[string]access{
	"/":     public,
	"/api/": unchecked,
	"DELETE /api/v1/calls/{id}/registrations":                        signedIn,
	"GET /admin/jobs":                                                ownerAnywhere,
	"GET /admin/privacy":                                             admin,
	"GET /admin/federation":                                          admin,
	"POST /admin/federation":                                         admin,
	"GET /c/{slug}/federation":                                       organizer,
	"POST /c/{slug}/federation":                                      organizer,
	"GET /c/{slug}/movement.ics":                                     public,
	"GET /api/v1/calls/{id}":                                         public,
	"GET /api/v1/calls/{id}/attendance":                              organizer,
	"GET /api/v1/communities":                                        public,
	"GET /api/v1/communities/{slug}":                                 public,
	"GET /api/v1/communities/{slug}/action-items":                    public,
	"GET /api/v1/communities/{slug}/calls":                           public,
	"GET /api/v1/communities/{slug}/comments":                        public,
	"GET /api/v1/communities/{slug}/events":                          public,
	"GET /api/v1/communities/{slug}/ideas":                           public,
	"GET /api/v1/communities/{slug}/initiatives":                     public,
	"GET /api/v1/communities/{slug}/initiatives/{id}":                public,
	"GET /api/v1/communities/{slug}/people":                          public,
	"GET /api/v1/communities/{slug}/search":                          public,
	"GET /api/v1/communities/{slug}/reach":                           organizer,
	"GET /api/v1/communities/{slug}/series/{id}/topics":              public,
	"GET /api/v1/communities/{slug}/surveys":                         organizer,
	"GET /api/v1/communities/{slug}/surveys/{id}/results":            organizer,
	"GET /api/v1/communities/{slug}/timeline":                        public,
	"GET /api/v1/me":                                                 signedIn,
	"GET /api/v1/openapi.json":                                       public,
	"GET /auth/{token}":                                              unchecked,
	"GET /claim/{token}":                                             unchecked,
	"POST /claim/{token}":                                            unchecked,
	"POST /c/{slug}/calls/{id}/attendance/invite":                    organizer,
	"GET /c/{slug}":                                                  public,
	"GET /c/{slug}/calendar.ics":                                     public,
	"GET /c/{slug}/calls/{id}":                                       public,
	"GET /c/{slug}/calls/{id}/agenda/new":                            organizer,
	"GET /c/{slug}/calls/{id}/agenda/{item}/edit":                    organizer,
	"GET /c/{slug}/calls/{id}/announcement":                          organizer,
	"GET /c/{slug}/calls/{id}/attendance":                            organizer,
	"GET /c/{slug}/calls/{id}/calendar.ics":                          public,
	"GET /c/{slug}/calls/{id}/edit":                                  organizer,
	"GET /c/{slug}/calls/{id}/joinkit":                               organizer,
	"GET /c/{slug}/calls/{id}/minutes":                               organizer,
	"GET /c/{slug}/calls/{id}/registrations":                         organizer,
	"GET /c/{slug}/calls/{id}/registrations.csv":                     organizer,
	"GET /c/{slug}/comments":                                         public,
	"GET /c/{slug}/edit":                                             organizer,
	"GET /c/{slug}/images/{file}":                                    public,
	"GET /c/{slug}/translate":                                        organizer,
	"GET /c/{slug}/translate/{kind}/{id}":                            organizer, // or the text's author
	"POST /c/{slug}/translate/{kind}/{id}":                           organizer,
	"GET /c/{slug}/events":                                           public,
	"GET /c/{slug}/events/new":                                       organizer,
	"GET /c/{slug}/events/{id}":                                      public,
	"GET /c/{slug}/events/{id}/edit":                                 organizer,
	"GET /c/{slug}/events/{id}/event.ics":                            public,
	"GET /c/{slug}/ideas":                                            public,
	"GET /c/{slug}/initiatives":                                      public,
	"GET /c/{slug}/initiatives/new":                                  member,
	"GET /c/{slug}/initiatives/{id}":                                 public,
	"GET /c/{slug}/initiatives/{id}/edit":                            organizer,
	"GET /c/{slug}/members":                                          organizer,
	"GET /c/{slug}/news.atom":                                        public,
	"GET /c/{slug}/people":                                           public,
	"GET /c/{slug}/search":                                           public,
	"GET /search":                                                    public,
	"GET /c/{slug}/people/{id}":                                      member,
	"GET /c/{slug}/reach":                                            organizer,
	"GET /c/{slug}/reach.csv":                                        organizer,
	"GET /c/{slug}/reach.json":                                       organizer,
	"GET /c/{slug}/reach/people":                                     organizer,
	"GET /c/{slug}/series/new":                                       organizer,
	"GET /c/{slug}/series/{id}":                                      public,
	"GET /c/{slug}/series/{id}/calendar.ics":                         public,
	"GET /c/{slug}/series/{id}/calls/new":                            organizer,
	"GET /c/{slug}/series/{id}/edit":                                 organizer,
	"GET /c/{slug}/series/{id}/joinkit":                              organizer,
	"GET /c/{slug}/series/{id}/questions":                            organizer,
	"GET /c/{slug}/series/{id}/seasons/new":                          organizer,
	"GET /c/{slug}/series/{id}/seasons/{season}/edit":                organizer,
	"GET /c/{slug}/series/{id}/topics":                               signedIn,
	"GET /c/{slug}/surveys":                                          member,
	"GET /c/{slug}/surveys/new":                                      organizer,
	"GET /c/{slug}/surveys/{id}":                                     member,
	"GET /c/{slug}/surveys/{id}/edit":                                organizer,
	"GET /c/{slug}/surveys/{id}/results":                             organizer,
	"GET /c/{slug}/surveys/{id}/results.csv":                         organizer,
	"GET /c/{slug}/timeline":                                         public,
	"GET /calls/{id}":                                                public,
	"GET /communities/new":                                           ownerAnywhere,
	"GET /setup":                                                     unchecked, // gone once an administrator exists; unlocked by the console's code
	"POST /setup":                                                    unchecked,
	"GET /feeds/{token}/calendar.ics":                                unchecked,
	"GET /lang/{lang}":                                               public,
	"GET /me":                                                        signedIn,
	"GET /me/security":                                               signedIn,
	"GET /me/calendar":                                               signedIn,
	"GET /me/data":                                                   signedIn,
	"GET /me/attendance":                                             signedIn,
	"GET /me/export":                                                 signedIn,
	"GET /privacy":                                                   public,
	"GET /s/{token}":                                                 unchecked,
	"GET /signin":                                                    public,
	"GET /signup":                                                    public,
	"GET /unsubscribe/{token}":                                       unchecked,
	"GET /{$}":                                                       public,
	"POST /admin/jobs/retry":                                         ownerAnywhere,
	"POST /admin/privacy":                                            admin,
	"POST /api/v1/calls/{id}/registrations":                          signedIn,
	"POST /api/v1/comments":                                          signedIn,
	"POST /api/v1/initiatives/{id}/asks":                             organizer,
	"POST /api/v1/initiatives/{id}/asks/{ask}/offers":                member,
	"POST /api/v1/initiatives/{id}/updates":                          organizer,
	"POST /api/v1/series/{id}/topics":                                member,
	"POST /auth/{token}":                                             unchecked,
	"POST /c/{slug}/calls/{id}/agenda/new":                           organizer,
	"POST /c/{slug}/calls/{id}/agenda/{item}/edit":                   organizer,
	"POST /c/{slug}/calls/{id}/agenda/{item}/{action}":               organizer,
	"POST /c/{slug}/calls/{id}/announcement":                         organizer,
	"POST /c/{slug}/calls/{id}/attendance/checkin":                   organizer,
	"POST /c/{slug}/calls/{id}/attendance/confirm":                   organizer,
	"POST /c/{slug}/calls/{id}/attendance/remove":                    organizer,
	"POST /c/{slug}/calls/{id}/attendance/upload":                    organizer,
	"POST /c/{slug}/calls/{id}/attended":                             signedIn,
	"POST /c/{slug}/calls/{id}/cancel-registration":                  signedIn,
	"POST /c/{slug}/calls/{id}/accommodation":                        signedIn,
	"POST /c/{slug}/calls/{id}/edit":                                 organizer,
	"POST /c/{slug}/calls/{id}/joinkit":                              organizer,
	"POST /c/{slug}/calls/{id}/joinkit/delete":                       organizer,
	"POST /c/{slug}/calls/{id}/minutes":                              organizer,
	"POST /c/{slug}/calls/{id}/minutes/actions":                      organizer,
	"POST /c/{slug}/calls/{id}/minutes/actions/{item}/status":        organizer,
	"POST /c/{slug}/calls/{id}/minutes/note-taker":                   organizer,
	"POST /c/{slug}/calls/{id}/register":                             public,
	"POST /c/{slug}/comments":                                        member,
	"POST /c/{slug}/comments/{id}/hide":                              organizer,
	"POST /c/{slug}/comments/{id}/report":                            signedIn,
	"POST /c/{slug}/edit":                                            organizer,
	"POST /c/{slug}/events/new":                                      organizer,
	"POST /c/{slug}/events/{id}/edit":                                organizer,
	"POST /c/{slug}/ideas":                                           member,
	"POST /c/{slug}/ideas/{id}/initiative":                           organizer,
	"POST /c/{slug}/ideas/{id}/status":                               organizer,
	"POST /c/{slug}/initiatives/new":                                 member,
	"POST /c/{slug}/initiatives/{id}/asks":                           organizer,
	"POST /c/{slug}/initiatives/{id}/asks/{ask}/close":               organizer,
	"POST /c/{slug}/initiatives/{id}/asks/{ask}/offers":              member,
	"POST /c/{slug}/initiatives/{id}/asks/{ask}/offers/{offer}/take": organizer,
	"POST /c/{slug}/initiatives/{id}/edit":                           organizer,
	"POST /c/{slug}/initiatives/{id}/leads":                          organizer,
	"POST /c/{slug}/initiatives/{id}/leads/{user}/remove":            organizer,
	"POST /c/{slug}/initiatives/{id}/updates":                        organizer,
	"POST /c/{slug}/join":                                            signedIn,
	"POST /c/{slug}/leave":                                           signedIn,
	"POST /c/{slug}/members/{id}/remove":                             organizer,
	"POST /c/{slug}/members/{id}/role":                               owner,
	"POST /c/{slug}/members/{id}/{action}":                           organizer,
	"POST /c/{slug}/series/new":                                      organizer,
	"POST /c/{slug}/series/{id}/calls/new":                           organizer,
	"POST /c/{slug}/series/{id}/edit":                                organizer,
	"POST /c/{slug}/series/{id}/join-visibility":                     organizer,
	"POST /c/{slug}/series/{id}/joinkit":                             organizer,
	"POST /c/{slug}/series/{id}/questions":                           organizer,
	"POST /c/{slug}/series/{id}/seasons/new":                         organizer,
	"POST /c/{slug}/series/{id}/seasons/{season}/edit":               organizer,
	"POST /c/{slug}/series/{id}/seasons/{season}/pause":              organizer,
	"POST /c/{slug}/series/{id}/seasons/{season}/resume":             organizer,
	"POST /c/{slug}/series/{id}/subscribe":                           signedIn,
	"POST /c/{slug}/series/{id}/topics":                              member,
	"POST /c/{slug}/series/{id}/topics/{topic}/accept":               organizer,
	"POST /c/{slug}/series/{id}/topics/{topic}/decline":              organizer,
	"POST /c/{slug}/series/{id}/topics/{topic}/plus":                 member,
	"POST /c/{slug}/series/{id}/unsubscribe":                         signedIn,
	"POST /c/{slug}/surveys/new":                                     organizer,
	"POST /c/{slug}/surveys/{id}":                                    member,
	"POST /c/{slug}/surveys/{id}/delete":                             organizer,
	"POST /c/{slug}/surveys/{id}/edit":                               organizer,
	"POST /c/{slug}/surveys/{id}/questions":                          organizer,
	"POST /c/{slug}/surveys/{id}/questions/{question}/delete":        organizer,
	"POST /communities/new":                                          ownerAnywhere,
	"POST /me":                                                       signedIn,
	"POST /me/delete":                                                signedIn,
	"POST /me/feed":                                                  signedIn,
	"POST /me/feed/delete":                                           signedIn,
	"POST /me/password":                                              signedIn,
	"POST /me/signout-everywhere":                                    signedIn,
	"POST /me/tokens":                                                signedIn,
	"POST /me/tokens/{id}/delete":                                    signedIn,
	"POST /prefs/zone":                                               public,
	"POST /s/{token}":                                                unchecked,
	"POST /signin":                                                   unchecked,
	"POST /signin/link":                                              public,
	"POST /signout":                                                  public,
	"POST /signup":                                                   public,
	"POST /unsubscribe/{token}":                                      unchecked,
}

// TestEveryRouteChecksWhoAsks tries every route, pages and API, as an anonymous visitor, a
// signed-in outsider, a member, the organizer of another community, an organizer and the owner,
// and checks each is let in or refused as routeAccess says. Requests carry no form values, so a
// viewer let in may get a validation error; one refused must get 401, 403, 404 or the sign-in page.
func TestEveryRouteChecksWhoAsks(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			for _, who := range viewers {
				a := newApp(t, engine, nil)
				c, ids := authzViewer(t, a, who)
				patterns := routeOrder(append(a.server.PageRoutes(), a.server.APIRoutes()...))
				for _, p := range patterns {
					level, ok := routeAccess[p]
					if !ok {
						t.Errorf("%s: say who may use it in routeAccess", p)
						continue
					}
					if level == unchecked {
						continue
					}
					method, path := fill(p, ids)
					var r response
					if method == http.MethodGet {
						r = c.get(path)
					} else {
						r = c.send(method, path)
					}
					toSignIn := r.status == http.StatusSeeOther && strings.HasPrefix(r.location, "/signin")
					refused := toSignIn || r.status == http.StatusUnauthorized || r.status == http.StatusForbidden || r.status == http.StatusNotFound
					switch {
					case level.allows(who) && (toSignIn || r.status == http.StatusUnauthorized || r.status == http.StatusForbidden):
						t.Errorf("%s %s as %s: refused (%d), but it is for %s", method, path, who, r.status, levelName(level))
					case !level.allows(who) && !refused:
						t.Errorf("%s %s as %s: answered %d, but it is for %s only", method, path, who, r.status, levelName(level))
					}
				}
				if who == viewers[0] {
					for p := range routeAccess {
						if !slices.Contains(patterns, p) {
							t.Errorf("routeAccess lists %s, which is not a route", p)
						}
					}
				}
			}
		})
	}
}

func levelName(l access) string {
	return [...]string{"unchecked", "everyone", "signed-in people", "members", "organizers", "the owner", "community owners", "administrators"}[l]
}

// authzViewer signs a client in as one kind of viewer on a fresh copy of the demo, with a target
// member and what the demo lacks (a comment, a topic, an offer, an open survey) for the routes to act on.
func authzViewer(t *testing.T, a *app, who string) (*client, routeIDs) {
	t.Helper()
	ctx := context.Background()
	_, target := a.signedIn(t, "target@example.net", "Target Member")
	ids := demoIDs(t, a, target.ID)
	if _, err := a.store.DB().Exec(`UPDATE surveys SET closes_at = NULL`); err != nil {
		t.Fatal(err)
	}
	var c *client
	switch who {
	case "anonymous":
		c = a.client()
	case "outsider":
		var u *convene.User
		c, u = a.signedIn(t, "outsider@example.net", "Out Sider")
		if err := a.store.RemoveMember(ctx, a.demo.Community.ID, u.ID, false); err != nil {
			t.Fatal(err)
		}
	case "member":
		c, _ = a.signedIn(t, "member@example.net", "Mem Ber")
	case "elsewhere":
		var u *convene.User
		c, u = a.signedIn(t, "elsewhere@example.net", "Else Where")
		if err := a.store.CreateCommunity(ctx, &convene.Community{Slug: "elsewhere", Name: "Elsewhere", TimeZone: "America/Toronto",
			Languages: []string{"en"}}, u.ID); err != nil {
			t.Fatal(err)
		}
		if err := a.store.RemoveMember(ctx, a.demo.Community.ID, u.ID, false); err != nil {
			t.Fatal(err)
		}
	case "organizer":
		var u *convene.User
		c, u = a.signedIn(t, "co.organizer@example.net", "Co Organizer")
		if err := a.store.SetRole(ctx, a.demo.Community.ID, u.ID, convene.RoleOrganizer); err != nil {
			t.Fatal(err)
		}
	case "owner":
		c = a.client()
		c.signIn()
	}
	return c, ids
}

// send makes a same-origin request with an empty body: a form post for pages, {} for the API.
func (c *client) send(method, path string) response {
	body, ctype := "", "application/x-www-form-urlencoded"
	if strings.HasPrefix(path, "/api/") {
		body, ctype = "{}", "application/json"
	}
	req, _ := http.NewRequest(method, c.a.http.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Origin", c.a.http.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// lastRoutes change who the viewer is (taking part makes them a member; they leave, sign out,
// delete their account), so they are tried after every other.
var lastRoutes = []string{"POST /api/v1/calls/{id}/registrations", "POST /c/{slug}/calls/{id}/register", "POST /c/{slug}/series/{id}/subscribe",
	"POST /c/{slug}/join", "POST /c/{slug}/leave", "POST /me/delete", "POST /me/signout-everywhere", "POST /signout"}

// routeOrder sorts route patterns, with lastRoutes at the end.
func routeOrder(patterns []string) []string {
	slices.SortFunc(patterns, func(a, b string) int {
		la, lb := slices.Index(lastRoutes, a), slices.Index(lastRoutes, b)
		if (la < 0) != (lb < 0) {
			if la < 0 {
				return -1
			}
			return 1
		}
		if la >= 0 {
			return la - lb
		}
		return strings.Compare(a, b)
	})
	return patterns
}
