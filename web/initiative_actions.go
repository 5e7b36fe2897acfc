package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/action"
)

// leadForm offers the community's members who do not lead the initiative yet as co-leads.
func (s *Server) leadForm(r *http.Request, l *Localizer, c *convene.Community, in *convene.Initiative, pf pageForm) (*Form, error) {
	members, err := s.store.Members(r.Context(), c.ID)
	if err != nil {
		return nil, err
	}
	opts := []Option{{Value: "", Label: l.T("initiative.lead.choose")}}
	for _, m := range members {
		if !in.IsLead(m.User.ID) {
			opts = append(opts, Option{Value: strconv.FormatInt(m.User.ID, 10), Label: m.User.Name})
		}
	}
	f := &Form{Action: initiativePath(c, in.ID) + "/leads", Prefix: "lead-", Submit: l.T("initiative.lead.add"), Fields: []Field{
		{Name: "lead", Label: l.T("initiative.lead.field"), Type: "select", Options: opts, Required: true},
	}}
	vals, errs := url.Values{}, formErrors{}
	if pf.name == "lead" {
		vals, errs = pf.vals, pf.errs
	}
	f.build(vals, errs, l)
	return f, nil
}

// addLead makes a member a co-lead of the initiative.
func (s *Server) addLead(w http.ResponseWriter, r *http.Request) error {
	c, in, _, err := s.managedInitiative(r)
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(vals.Get("lead"), 10, 64)
	if err := s.store.AddLead(r.Context(), in.ID, id); err != nil {
		return s.formFailed(w, r, c, in, "lead", vals, err)
	}
	return s.redirect(w, r, initiativePath(c, in.ID)+"#leads", "flash.lead_added")
}

// removeLead takes a lead off the initiative; the last one stays.
func (s *Server) removeLead(w http.ResponseWriter, r *http.Request) error {
	c, in, _, err := s.managedInitiative(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "user")
	if err != nil {
		return err
	}
	if err := s.store.RemoveLead(r.Context(), in.ID, id); err != nil {
		return err
	}
	return s.redirect(w, r, initiativePath(c, in.ID)+"#leads", "flash.lead_removed")
}

// formFailed re-renders the initiative page with a form's errors, or returns err when it is not
// about the form.
func (s *Server) formFailed(w http.ResponseWriter, r *http.Request, c *convene.Community, in *convene.Initiative, name string, vals url.Values, err error) error {
	errs, ok := errorsOf(viewerOf(r).L, err)
	if !ok {
		return err
	}
	return s.showInitiative(w, r, c, in, pageForm{name: name, vals: vals, errs: errs, status: statusOf(err)})
}

// initiativeFor loads the path's community and initiative for a signed-in viewer, with what they
// may do with it.
func (s *Server) initiativeFor(r *http.Request) (*convene.Community, *convene.Initiative, *convene.User, initiativeRights, error) {
	c, err := s.communityOf(r)
	if err != nil {
		return nil, nil, nil, initiativeRights{}, err
	}
	u, err := requireSignedIn(r)
	if err != nil {
		return nil, nil, nil, initiativeRights{}, err
	}
	in, err := s.initiativeOf(r, c)
	if err != nil {
		return nil, nil, nil, initiativeRights{}, err
	}
	rt, err := s.rightsOn(r, c, in)
	return c, in, u, rt, err
}

// managedInitiative loads the path's community and initiative for a write by its leads or
// organizers, and the viewer as the actions see them.
func (s *Server) managedInitiative(r *http.Request) (*convene.Community, *convene.Initiative, action.Actor, error) {
	c, in, _, rt, err := s.initiativeFor(r)
	if err != nil {
		return nil, nil, action.Actor{}, err
	}
	if !rt.Manage {
		return nil, nil, action.Actor{}, errForbidden
	}
	who, err := s.actor(r, c)
	return c, in, who, err
}

func updateFrom(vals url.Values) (*convene.InitiativeUpdate, error) {
	up := &convene.InitiativeUpdate{Body: vals.Get("body"), Texts: convene.Texts{Lang: vals.Get("lang")}}
	if v := strings.TrimSpace(vals.Get("call_id")); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return nil, convene.Invalid("form.invalid", nil, convene.FieldError{Field: "call_id", Key: "update.call.invalid"})
		}
		up.CallID = id
	}
	return up, nil
}

// postUpdate and postAsk check the viewer's rights before reading the form, so a refusal says
// nothing of the input; the action checks them again, as it does for the API.
func (s *Server) postUpdate(w http.ResponseWriter, r *http.Request) error {
	c, in, who, err := s.managedInitiative(r)
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	up, err := updateFrom(vals)
	if err == nil {
		err = s.acts.PostUpdate(r.Context(), who, in, up)
	}
	if err != nil {
		return s.formFailed(w, r, c, in, "update", vals, err)
	}
	return s.redirect(w, r, initiativePath(c, in.ID), "update.posted")
}

func (s *Server) postAsk(w http.ResponseWriter, r *http.Request) error {
	c, in, who, err := s.managedInitiative(r)
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	a := &convene.Ask{Kind: vals.Get("kind"), Body: vals.Get("body"), Texts: convene.Texts{Lang: vals.Get("lang")}}
	if err := s.acts.PostAsk(r.Context(), who, in, a); err != nil {
		return s.formFailed(w, r, c, in, "ask", vals, err)
	}
	return s.redirect(w, r, initiativePath(c, in.ID), "ask.posted")
}

func (s *Server) postOffer(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	if _, err := requireSignedIn(r); err != nil {
		return err
	}
	who, err := s.actor(r, c)
	if err != nil {
		return err
	}
	in, err := s.initiativeOf(r, c)
	if err != nil {
		return err
	}
	a, err := s.askOf(r, in)
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if _, err := s.acts.OfferHelp(r.Context(), who, c, in, a, vals.Get("message"), vals.Get("lang")); err != nil {
		return s.formFailed(w, r, c, in, "offer"+strconv.FormatInt(a.ID, 10), vals, err)
	}
	return s.redirect(w, r, initiativePath(c, in.ID), "ask.offered")
}

// askManaged loads the path's ask for its author, the initiative's leads or organizers.
func (s *Server) askManaged(r *http.Request) (*convene.Community, *convene.Initiative, *convene.Ask, error) {
	c, in, u, rt, err := s.initiativeFor(r)
	if err != nil {
		return nil, nil, nil, err
	}
	a, err := s.askOf(r, in)
	if err != nil {
		return nil, nil, nil, err
	}
	if !rt.Manage && a.AuthorID != u.ID {
		return nil, nil, nil, errForbidden
	}
	return c, in, a, nil
}

func (s *Server) takeOffer(w http.ResponseWriter, r *http.Request) error {
	c, in, a, err := s.askManaged(r)
	if err != nil {
		return err
	}
	offerID, err := pathID(r, "offer")
	if err != nil {
		return err
	}
	if err := s.store.TakeOffer(r.Context(), a.ID, offerID); err != nil {
		return err
	}
	return s.redirect(w, r, initiativePath(c, in.ID), "ask.offer_taken")
}

func (s *Server) closeAsk(w http.ResponseWriter, r *http.Request) error {
	c, in, a, err := s.askManaged(r)
	if err != nil {
		return err
	}
	if err := s.store.CloseAsk(r.Context(), a.ID); err != nil {
		return err
	}
	return s.redirect(w, r, initiativePath(c, in.ID), "ask.closed_flash")
}
