package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/action"
)

// The API's initiatives: open data, so never an email address, and offers only as a count.

type apiInitiative struct {
	ID           int64                `json:"id"`
	Name         string               `json:"name"`
	Description  string               `json:"description"`
	Jurisdiction string               `json:"jurisdiction,omitempty"`
	Sector       string               `json:"sector,omitempty"`
	Status       string               `json:"status"`
	Links        []string             `json:"links"`
	Leads        []string             `json:"leads,omitempty"`
	URL          string               `json:"url"`
	UpdatedAt    time.Time            `json:"updated_at"`
	Updates      []apiUpdate          `json:"updates,omitempty"`
	OpenAsks     []apiAsk             `json:"open_asks,omitempty"`
	Self         string               `json:"api_url"`
	Translations convene.Translations `json:"translations"` // every version of its texts: language → field → text
}

type apiUpdate struct {
	ID        int64     `json:"id"`
	Body      string    `json:"body"`
	Author    string    `json:"author,omitempty"`
	CallID    int64     `json:"call_id,omitempty"`
	CallURL   string    `json:"call_url,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	apiWritten
}

type apiAsk struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	Body      string    `json:"body"`
	Open      bool      `json:"open"`
	Offers    int       `json:"offers"`
	CreatedAt time.Time `json:"created_at"`
	apiWritten
}

func (s *Server) toAPIInitiative(c *convene.Community, in *convene.Initiative) apiInitiative {
	links := in.Links
	if links == nil {
		links = []string{}
	}
	out := apiInitiative{ID: in.ID, Name: in.Name, Description: in.Description, Jurisdiction: in.Jurisdiction, Sector: in.Sector,
		Status: in.Status, Links: links, URL: s.absURL(initiativePath(c, in.ID)), UpdatedAt: in.UpdatedAt, Translations: convene.Versions(in),
		Self: s.absURL("/api/v1/communities/" + c.Slug + "/initiatives/" + strconv.FormatInt(in.ID, 10))}
	for _, u := range in.Leads {
		out.Leads = append(out.Leads, u.Name)
	}
	return out
}

func toAPIAsk(a *convene.Ask) apiAsk {
	return apiAsk{ID: a.ID, Kind: a.Kind, Body: a.Body, Open: a.Open, Offers: len(a.Offers), CreatedAt: a.CreatedAt, apiWritten: writtenOf(a)}
}

func (s *Server) apiInitiatives(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	f, err := initiativeFilter(r.URL.Query(), c.ID)
	if err != nil {
		return err
	}
	list, err := s.store.Initiatives(r.Context(), f)
	if err != nil {
		return err
	}
	out := []apiInitiative{}
	s.localizeData(r, c, list)
	for _, in := range list {
		out = append(out, s.toAPIInitiative(c, in))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"initiatives": out})
}

func (s *Server) apiInitiative(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	in, err := s.initiativeOf(r, c)
	if err != nil {
		return err
	}
	s.localizeData(r, c, in)
	out := s.toAPIInitiative(c, in)
	ups, err := s.store.Updates(ctx, in.ID)
	if err != nil {
		return err
	}
	asks, err := s.store.Asks(ctx, in.ID, true)
	if err != nil {
		return err
	}
	s.localizeData(r, c, ups, asks)
	for _, up := range ups {
		au := apiUpdate{ID: up.ID, Body: up.Body, Author: up.AuthorName, CallID: up.CallID, CreatedAt: up.CreatedAt, apiWritten: writtenOf(up)}
		if up.CallID != 0 {
			au.CallURL = s.absURL("/api/v1/calls/" + strconv.FormatInt(up.CallID, 10))
		}
		out.Updates = append(out.Updates, au)
	}
	for _, a := range asks {
		out.OpenAsks = append(out.OpenAsks, toAPIAsk(a))
	}
	return writeJSON(w, http.StatusOK, out)
}

// apiWrite loads the initiative of an API write, its community, and the caller as an actor there.
func (s *Server) apiWrite(r *http.Request) (*convene.Community, *convene.Initiative, action.Actor, error) {
	if _, err := requireSignedIn(r); err != nil {
		return nil, nil, action.Actor{}, err
	}
	in, err := s.initiativeOf(r, nil)
	if err != nil {
		return nil, nil, action.Actor{}, err
	}
	c, err := s.store.CommunityByID(r.Context(), in.CommunityID)
	if err != nil {
		return nil, nil, action.Actor{}, err
	}
	who, err := s.actor(r, c)
	return c, in, who, err
}

func (s *Server) apiPostUpdate(w http.ResponseWriter, r *http.Request) error {
	_, in, who, err := s.apiWrite(r)
	if err != nil {
		return err
	}
	var body struct {
		Body   string `json:"body"`
		CallID int64  `json:"call_id"`
		Lang   string `json:"lang"`
	}
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	up := &convene.InitiativeUpdate{Body: body.Body, CallID: body.CallID, Texts: convene.Texts{Lang: body.Lang}}
	if err := s.acts.PostUpdate(r.Context(), who, in, up); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, apiUpdate{ID: up.ID, Body: up.Body, Author: who.User.Name, CallID: up.CallID, CreatedAt: up.CreatedAt,
		apiWritten: writtenOf(up)})
}

func (s *Server) apiPostAsk(w http.ResponseWriter, r *http.Request) error {
	_, in, who, err := s.apiWrite(r)
	if err != nil {
		return err
	}
	var body struct {
		Kind string `json:"kind"`
		Body string `json:"body"`
		Lang string `json:"lang"`
	}
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	a := &convene.Ask{Kind: body.Kind, Body: body.Body, Texts: convene.Texts{Lang: body.Lang}}
	if err := s.acts.PostAsk(r.Context(), who, in, a); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toAPIAsk(a))
}

func (s *Server) apiPostOffer(w http.ResponseWriter, r *http.Request) error {
	c, in, who, err := s.apiWrite(r)
	if err != nil {
		return err
	}
	a, err := s.askOf(r, in)
	if err != nil {
		return err
	}
	var body struct {
		Message string `json:"message"`
		Lang    string `json:"lang"`
	}
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	o, err := s.acts.OfferHelp(r.Context(), who, c, in, a, body.Message, body.Lang)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"id": o.ID, "ask_id": a.ID, "created_at": o.CreatedAt})
}
