package web

import (
	"net/http"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/activitypub"
	"github.com/opengovcall/convene/store"
)

// Federation's pages: the documents other servers read (package activitypub answers them), the
// organizers' page to follow remote communities and approve followers, the admins' domain block
// list, and the movement's calendar.

func (s *Server) federationRoutes(mux *http.ServeMux, handle func(string, func(http.ResponseWriter, *http.Request) error)) {
	raw := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, named(pattern, h)) }
	raw("GET /.well-known/webfinger", s.fed.WebFinger)
	raw("GET /.well-known/nodeinfo", s.fed.NodeInfoIndex)
	raw("GET /nodeinfo/2.1", s.fed.NodeInfo(s.version))
	raw("GET /actor", s.fed.InstanceActor)
	raw("POST /inbox", func(w http.ResponseWriter, r *http.Request) { s.fed.Inbox(w, r, nil) })
	raw("POST /c/{slug}/inbox", s.apCommunity(func(w http.ResponseWriter, r *http.Request, c *convene.Community) { s.fed.Inbox(w, r, c) }))
	raw("GET /c/{slug}/outbox", s.apCommunity(s.fed.Outbox))
	raw("GET /c/{slug}/followers", s.apCommunity(s.fed.Followers))
	handle("GET /c/{slug}/federation", s.federationPage)
	handle("POST /c/{slug}/federation", s.federationPage)
	handle("GET /c/{slug}/movement.ics", s.movementFeed)
	handle("GET /admin/federation", s.blockedDomains)
	handle("POST /admin/federation", s.blockedDomains)
}

// apCommunity finds the federating community of a route for an ActivityPub handler.
func (s *Server) apCommunity(h func(http.ResponseWriter, *http.Request, *convene.Community)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := s.store.CommunityBySlug(r.Context(), r.PathValue("slug"))
		if err != nil || !c.Federation {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error":"no such community here, or it does not federate"}` + "\n"))
			return
		}
		h(w, r, c)
	}
}

// negotiated serves ActivityPub JSON to clients that ask for it and the page to everyone else;
// the page cache never sees the former.
func (s *Server) negotiated(page, ap func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if activitypub.Accepts(r.Header.Get("Accept")) {
			return ap(w, r)
		}
		w.Header().Add("Vary", "Accept")
		return page(w, r)
	}
}

func (s *Server) apGroup(w http.ResponseWriter, r *http.Request) error {
	s.apCommunity(s.fed.GroupActor)(w, r)
	return nil
}

// apObject answers a call or an event (kind) as the outbox published it.
func (s *Server) apObject(kind string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		s.apCommunity(func(w http.ResponseWriter, r *http.Request, c *convene.Community) {
			id, err := pathID(r, "id")
			if err != nil {
				w.WriteHeader(http.StatusNotFound)
				return
			}
			s.fed.Object(w, r, c, kind, id)
		})(w, r)
		return nil
	}
}

type federationPage struct {
	base
	Handle    string
	Followers int
	Pending   []store.Follower
	Following []store.Followed
	Form      *Form
}

// federationPage is where organizers turn federation on or off, follow remote communities, and
// accept the follows that wait for them.
func (s *Server) federationPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, b, err := s.organizing(r)
	if err != nil {
		return err
	}
	l := b.L
	form := &Form{Action: "/c/" + c.Slug + "/federation", Submit: l.T("federation.follow"), Fields: []Field{
		{Name: "who", Label: l.T("field.federation_who"), Type: "text", Required: true, Max: 300, Hint: l.T("hint.federation_who")}}}
	var formErr error
	if r.Method == http.MethodPost {
		vals, err := parseForm(w, r)
		if err != nil {
			return err
		}
		to := "/c/" + c.Slug + "/federation"
		switch vals.Get("action") {
		case "on", "off":
			if err := s.store.SetFederation(ctx, c.ID, vals.Get("action") == "on"); err != nil {
				return err
			}
			return s.redirect(w, r, to, "flash.federation_"+vals.Get("action"))
		case "notes_on", "notes_off":
			if err := s.store.SetFederateNotes(ctx, c.ID, vals.Get("action") == "notes_on"); err != nil {
				return err
			}
			return s.redirect(w, r, to, "flash.federation_"+vals.Get("action"))
		case "approve":
			if err := s.fed.AcceptPending(ctx, c, vals.Get("actor")); err != nil {
				return err
			}
			return s.redirect(w, r, to, "flash.federation_approved")
		case "reject":
			if _, err := s.store.RemoveFollower(ctx, c.ID, vals.Get("actor")); err != nil {
				return err
			}
			return s.redirect(w, r, to, "flash.federation_rejected")
		case "unfollow":
			if err := s.fed.Unfollow(ctx, c, vals.Get("actor")); err != nil {
				return err
			}
			return s.redirect(w, r, to, "flash.federation_unfollowed")
		default:
			if !c.Federation {
				return convene.Invalid("federation.off", nil)
			}
			if _, formErr = s.fed.Follow(ctx, c, vals.Get("who")); formErr == nil {
				return s.redirect(w, r, to, "flash.federation_followed")
			}
			if _, ok := errorsOf(l, formErr); !ok {
				return formErr
			}
			form.build(vals, mustErrors(l, formErr), l)
		}
	}
	if form.Fields[0].ID == "" {
		form.build(nil, nil, l)
	}
	p := federationPage{base: b, Handle: "@" + c.Slug + "@" + strings.Split(s.fed.Host(), ":")[0], Form: form}
	if p.Followers, err = s.store.FollowerCount(ctx, c.ID); err != nil {
		return err
	}
	if p.Pending, err = s.store.PendingFollowers(ctx, c.ID); err != nil {
		return err
	}
	if p.Following, err = s.store.Following(ctx, c.ID); err != nil {
		return err
	}
	p.Title = l.T("federation.title")
	status := http.StatusOK
	if formErr != nil {
		status = statusOf(formErr)
	}
	return s.render(w, status, "federation", p)
}

// mustErrors is errorsOf for an error known to be about the form.
func mustErrors(l *Localizer, err error) formErrors {
	fe, _ := errorsOf(l, err)
	return fe
}

type blockedPage struct {
	base
	Domains []string
	Form    *Form
}

// blockedDomains is the admins' list of domains the instance does not federate with.
func (s *Server) blockedDomains(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := viewerOf(r).User
	if u == nil {
		return convene.Errorf(convene.EUNAUTHORIZED, "signin.required", nil)
	}
	if !u.IsAdmin {
		return convene.Errorf(convene.EFORBIDDEN, "error.forbidden", nil)
	}
	b := s.newBase(r, viewerOf(r).L.T("federation.blocked_title"))
	l := b.L
	form := &Form{Action: "/admin/federation", Submit: l.T("federation.block"), Fields: []Field{
		{Name: "domain", Label: l.T("field.domain"), Type: "text", Required: true, Max: 253, Hint: l.T("hint.domain")}}}
	var formErr error
	if r.Method == http.MethodPost {
		vals, err := parseForm(w, r)
		if err != nil {
			return err
		}
		if d := vals.Get("unblock"); d != "" {
			if err := s.store.UnblockDomain(ctx, d); err != nil {
				return err
			}
			return s.redirect(w, r, "/admin/federation", "flash.federation_unblocked")
		}
		if formErr = s.store.BlockDomain(ctx, vals.Get("domain")); formErr == nil {
			return s.redirect(w, r, "/admin/federation", "flash.federation_blocked")
		}
		if _, ok := errorsOf(l, formErr); !ok {
			return formErr
		}
		form.build(vals, mustErrors(l, formErr), l)
	} else {
		form.build(nil, nil, l)
	}
	p := blockedPage{base: b, Form: form}
	var err error
	if p.Domains, err = s.store.BlockedDomains(ctx); err != nil {
		return err
	}
	status := http.StatusOK
	if formErr != nil {
		status = statusOf(formErr)
	}
	return s.render(w, status, "federation_blocked", p)
}

// movementEvents are the events of the remote communities a community follows, from a day ago.
func (s *Server) movementEvents(r *http.Request, c *convene.Community, limit int) ([]store.RemoteEvent, error) {
	if !c.Federation {
		return nil, nil
	}
	return s.store.MovementEvents(r.Context(), c.ID, s.clock.Now().Add(-24*time.Hour), limit)
}

// movementFeed is the calendar of the events across the movement a community follows, each
// marked with where it comes from and linking back there.
func (s *Server) movementFeed(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	events, err := s.movementEvents(r, c, 500)
	if err != nil {
		return err
	}
	l := viewerOf(r).L
	cal := ics.NewCalendarFor("Convene")
	cal.SetProductId("-//Convene//Convene community calls//EN")
	cal.SetName(l.T("federation.movement_feed", "Community", c.Name))
	cal.SetXPublishedTTL("PT1H")
	for _, e := range events {
		ev := cal.AddEvent(e.URI)
		ev.SetDtStampTime(e.UpdatedAt.UTC())
		ev.SetStartAt(e.StartsAt)
		end := e.EndsAt
		if end.IsZero() {
			end = e.StartsAt.Add(time.Hour)
		}
		ev.SetEndAt(end)
		origin := e.ActorName
		if origin == "" {
			origin = e.Host
		}
		ev.SetSummary(e.Name + " (" + origin + ")")
		ev.SetURL(e.URL)
		if e.Location != "" {
			ev.SetLocation(e.Location)
		}
		ev.SetDescription(l.T("federation.from", "Origin", origin, "Host", e.Host) + "\n" + e.URL)
		if e.Cancelled {
			ev.SetStatus(ics.ObjectStatusCancelled)
		} else {
			ev.SetStatus(ics.ObjectStatusConfirmed)
		}
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="movement.ics"`)
	_, err = w.Write([]byte(cal.Serialize(ics.WithNewLine("\r\n"))))
	return err
}
