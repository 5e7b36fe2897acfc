package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

type ideasPage struct {
	base
	Ideas    []*convene.Idea
	Form     *Form // proposing an idea, for members
	Statuses []Option
}

// ideasPage lists a community's ideas; members propose one and organizers record one with its status.
func (s *Server) ideasPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	b, err := s.communityBase(r, c, "")
	if err != nil {
		return err
	}
	l := b.L
	b.Title = l.T("ideas.title", "Community", c.Name)
	member, err := s.seesMembers(r, c)
	if err != nil {
		return err
	}
	vals, errs, status := url.Values{"event": {r.URL.Query().Get("event")}}, formErrors{}, http.StatusOK
	if r.Method == http.MethodPost {
		if viewerOf(r).User == nil {
			return convene.Errorf(convene.EUNAUTHORIZED, "signin.required", nil)
		}
		if !member {
			return convene.Errorf(convene.EFORBIDDEN, "error.forbidden", nil)
		}
		if vals, err = parseForm(w, r); err != nil {
			return err
		}
		idea := &convene.Idea{CommunityID: c.ID, Title: vals.Get("title"), Description: vals.Get("description"),
			Status: convene.IdeaProposed, ProposedBy: viewerOf(r).User.ID}
		if b.Organizer && vals.Get("status") != "" {
			idea.Status = vals.Get("status")
		}
		readVersions(vals, c.Languages, idea)
		if ev := strings.TrimSpace(vals.Get("event")); ev != "" {
			if idea.EventID, err = strconv.ParseInt(ev, 10, 64); err != nil {
				return convene.NotFound("event.not_found")
			}
		}
		err := s.store.CreateIdea(ctx, idea)
		if err == nil {
			return s.redirect(w, r, "/c/"+c.Slug+"/ideas", "flash.idea_added")
		}
		fe, ok := errorsOf(l, err)
		if !ok {
			return err
		}
		errs, status = fe, statusOf(err)
	}
	ideas, err := s.store.Ideas(ctx, store.IdeaFilter{CommunityID: c.ID})
	if err != nil {
		return err
	}
	p := ideasPage{base: b, Ideas: ideas}
	for _, st := range convene.IdeaStatuses {
		p.Statuses = append(p.Statuses, Option{Value: st, Label: l.T("idea.status." + st)})
	}
	if member {
		events, err := s.store.Events(ctx, c.ID)
		if err != nil {
			return err
		}
		s.localizeData(r, c, events)
		eventOptions := []Option{{Value: "", Label: l.T("idea.no_event")}}
		for _, e := range events {
			eventOptions = append(eventOptions, Option{Value: strconv.FormatInt(e.ID, 10), Label: e.Name})
		}
		f := &Form{Action: "/c/" + c.Slug + "/ideas", Submit: l.T("idea.propose"), Prefix: "idea-", Languages: c.Languages, Fields: []Field{
			{Name: "title", Label: l.T("field.title"), Type: "text", Required: true, Max: convene.MaxTitle, Translate: true},
			{Name: "description", Label: l.T("field.description"), Type: "textarea", Max: convene.MaxDescription, Translate: true},
			{Name: "event", Label: l.T("idea.field.event"), Type: "select", Options: eventOptions},
		}}
		if b.Organizer {
			f.Fields = append(f.Fields, Field{Name: "status", Label: l.T("field.status"), Type: "select", Options: slices.Clone(p.Statuses)})
		}
		f.build(vals, errs, l)
		p.Form = f
	}
	return s.render(w, status, "event_ideas", p)
}

// ideaStatus lets an organizer record what became of an idea.
func (s *Server) ideaStatus(w http.ResponseWriter, r *http.Request) error {
	c, _, err := s.organizing(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if err := s.store.SetIdeaStatus(r.Context(), c.ID, id, vals.Get("status")); err != nil {
		return err
	}
	return s.redirect(w, r, localPath(vals.Get("next")), "flash.saved")
}

// ideaInitiative lets an organizer turn an idea into a new initiative they lead, in one step.
func (s *Server) ideaInitiative(w http.ResponseWriter, r *http.Request) error {
	c, _, err := s.organizing(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := parseForm(w, r); err != nil {
		return err
	}
	in, err := s.store.IdeaToInitiative(r.Context(), c.ID, id, viewerOf(r).User.ID)
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/c/"+c.Slug+"/initiatives/"+strconv.FormatInt(in.ID, 10), "flash.idea_initiative")
}

type apiIdea struct {
	ID          int64     `json:"id"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Status      string    `json:"status"`
	RaisedAt    time.Time `json:"raised_at"`
	EventID     int64     `json:"event_id,omitempty"`
	EventName   string    `json:"event_name,omitempty"`
	// InitiativeID is the initiative the idea became, with its page.
	InitiativeID  int64                `json:"initiative_id,omitempty"`
	InitiativeURL string               `json:"initiative_url,omitempty"`
	URL           string               `json:"url"`
	Translations  convene.Translations `json:"translations"` // every version of its texts: language → field → text
}

func (s *Server) toAPIIdea(c *convene.Community, i *convene.Idea) apiIdea {
	a := apiIdea{ID: i.ID, Title: i.Title, Description: i.Description, Status: i.Status, RaisedAt: i.RaisedAt,
		EventID: i.EventID, EventName: i.EventName.Text, Translations: convene.Versions(i), URL: s.absURL("/c/" + c.Slug + "/ideas#idea-" + strconv.FormatInt(i.ID, 10))}
	if i.InitiativeID != 0 {
		a.InitiativeID, a.InitiativeURL = i.InitiativeID, s.absURL("/c/"+c.Slug+"/initiatives/"+strconv.FormatInt(i.InitiativeID, 10))
	}
	return a
}

func (s *Server) apiIdeas(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	ideas, err := s.store.Ideas(r.Context(), store.IdeaFilter{CommunityID: c.ID})
	if err != nil {
		return err
	}
	out := struct {
		Ideas []apiIdea `json:"ideas"`
	}{Ideas: []apiIdea{}}
	s.localizeData(r, c, ideas)
	for _, i := range ideas {
		out.Ideas = append(out.Ideas, s.toAPIIdea(c, i))
	}
	return writeJSON(w, http.StatusOK, out)
}
