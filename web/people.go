package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// directoryPageSize is how many people one page of the directory shows.
const directoryPageSize = 50

// peopleRoutes registers the pages about people: the directory and profiles, one's own account,
// a community's members, the privacy notice, and their JSON API.
func (s *Server) peopleRoutes(handle, api func(string, func(http.ResponseWriter, *http.Request) error)) {
	handle("GET /c/{slug}/people", s.directory)
	handle("GET /c/{slug}/people/{id}", s.profile)
	handle("POST /c/{slug}/join", s.joinCommunity)
	handle("POST /c/{slug}/leave", s.leaveCommunity)

	handle("GET /me", s.mePage)
	handle("GET /me/security", s.mePage)
	handle("GET /me/calendar", s.mePage)
	handle("GET /me/data", s.mePage)
	handle("POST /me", s.saveProfile)
	handle("POST /me/password", s.setPassword)
	handle("POST /me/tokens", s.createToken)
	handle("POST /me/tokens/{id}/delete", s.deleteToken)
	handle("GET /me/export", s.exportData)
	handle("POST /me/delete", s.deleteAccount)
	handle("POST /me/signout-everywhere", s.signOutEverywhere)

	handle("GET /c/{slug}/members", s.members)
	handle("POST /c/{slug}/members/{id}/role", s.setMemberRole)
	handle("POST /c/{slug}/members/{id}/remove", s.removeMember)
	handle("POST /c/{slug}/members/{id}/{action}", s.answerMembership)

	handle("GET /privacy", s.cached(s.privacy))
	handle("GET /admin/privacy", s.privacyForm)
	handle("POST /admin/privacy", s.privacyForm)

	api("GET /api/v1/communities/{slug}/people", s.cached(s.apiPeople, "limit", "jurisdiction", "sector", "interest", "after_id", "after_name"))
	api("GET /api/v1/me", s.apiMe)
}

// personView is what a page may show of a person: never their email address.
type personView struct {
	ID           int64
	Name         string
	Organization string
	Title        string
	URL          string
	Jurisdiction string // translated, with the municipality
	Sector       string // translated
	Languages    []string
	Interests    []string
	Visibility   string
}

func viewPerson(l *Localizer, c *convene.Community, u *convene.User) personView {
	p := personView{ID: u.ID, Name: u.Name, Organization: u.Organization, Title: u.Title, Interests: u.Interests,
		URL: profilePath(c, u.ID), Visibility: u.Visibility}
	if u.Jurisdiction != "" {
		p.Jurisdiction = placeLabel(l, u.Jurisdiction, u.Municipality, u.Province)
	}
	if u.Sector != "" {
		p.Sector = l.T("sector." + u.Sector)
	}
	for _, lang := range u.Languages {
		p.Languages = append(p.Languages, l.T("languages."+lang))
	}
	return p
}

func profilePath(c *convene.Community, id int64) string {
	return "/c/" + c.Slug + "/people/" + strconv.FormatInt(id, 10)
}

// jurisdictionOptions lists every jurisdiction for a select, after a first choice worded by firstKey
// that stands for none (or, in a filter, all).
func jurisdictionOptions(l *Localizer, firstKey string) []Option {
	out := []Option{{Value: "", Label: l.T(firstKey)}}
	for _, j := range convene.Jurisdictions {
		out = append(out, Option{Value: j, Label: l.T("jurisdiction." + j)})
	}
	return out
}

// provinceOptions lists the provinces and territories a municipal or Indigenous jurisdiction is in.
func provinceOptions(l *Localizer) []Option {
	out := []Option{{Value: "", Label: l.T("people.province.none")}}
	for _, p := range convene.ProvincesAndTerritories {
		out = append(out, Option{Value: p, Label: l.T("jurisdiction." + p)})
	}
	return out
}

// placeLabel names a jurisdiction with where it is: "Municipal · Ottawa, Ontario", "Indigenous
// government or organization · Quebec".
func placeLabel(l *Localizer, jurisdiction, municipality, province string) string {
	out := l.T("jurisdiction." + jurisdiction)
	where := municipality
	if province != "" {
		where = strings.TrimPrefix(where+", "+l.T("jurisdiction."+province), ", ")
	}
	if where != "" {
		out += " · " + where
	}
	return out
}

// sectorOptions lists every sector for a select, after a first choice as jurisdictionOptions does.
func sectorOptions(l *Localizer, firstKey string) []Option {
	out := []Option{{Value: "", Label: l.T(firstKey)}}
	for _, sec := range convene.Sectors {
		out = append(out, Option{Value: sec, Label: l.T("sector." + sec)})
	}
	return out
}

// textParagraphs splits typed text into its non-empty lines, each to be shown (escaped) as a paragraph.
func textParagraphs(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// seesMembers reports whether the viewer may see the profiles a community's people show to
// members: a member of it, or an instance admin.
func (s *Server) seesMembers(r *http.Request, c *convene.Community) (bool, error) {
	rt, err := s.rightsIn(r, c)
	return rt.Member(), err
}

// directoryFilter reads the directory's filters and page from a query; unknown jurisdictions and
// sectors are field errors, so a hand-made link is told rather than silently widened.
func directoryFilter(q url.Values, communityID int64, public bool, limit int) (convene.DirectoryFilter, error) {
	f := convene.DirectoryFilter{CommunityID: communityID, Public: public, Limit: limit,
		Jurisdiction: strings.TrimSpace(q.Get("jurisdiction")), Sector: strings.TrimSpace(q.Get("sector"))}
	var errs []convene.FieldError
	if f.Jurisdiction != "" && !slices.Contains(convene.Jurisdictions, f.Jurisdiction) {
		errs = append(errs, convene.FieldError{Field: "jurisdiction", Key: "profile.jurisdiction.invalid"})
	}
	if f.Sector != "" && !slices.Contains(convene.Sectors, f.Sector) {
		errs = append(errs, convene.FieldError{Field: "sector", Key: "profile.sector.invalid"})
	}
	if tags := convene.NormalizeInterests([]string{q.Get("interest")}); len(tags) > 0 {
		f.Interest = tags[0]
	}
	if v := q.Get("after_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return f, convene.Invalid("people.after.invalid", nil)
		}
		f.AfterID, f.AfterName = id, q.Get("after_name")
	}
	if len(errs) > 0 {
		return f, convene.Invalid("form.invalid", nil, errs...)
	}
	return f, nil
}

// nextQuery is the query of the page after one ending with last, keeping the filters.
func nextQuery(f convene.DirectoryFilter, last string, lastID int64) url.Values {
	q := url.Values{}
	for name, v := range map[string]string{"jurisdiction": f.Jurisdiction, "sector": f.Sector, "interest": f.Interest} {
		if v != "" {
			q.Set(name, v)
		}
	}
	q.Set("after_name", last)
	q.Set("after_id", strconv.FormatInt(lastID, 10))
	return q
}

type directoryPage struct {
	base
	Filter   Form
	People   []personView
	NextURL  string
	FirstURL string // back to the first page, when on a later one
	Member   bool
}

func (s *Server) directory(w http.ResponseWriter, r *http.Request) error {
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
	b.Title = l.T("people.directory.title", "Community", c.Name)
	member, err := s.seesMembers(r, c)
	if err != nil {
		return err
	}
	p := directoryPage{base: b, Member: member}
	q := r.URL.Query()
	p.Filter = Form{Action: "/c/" + c.Slug + "/people", Submit: l.T("people.filter.submit"), Fields: []Field{
		{Name: "jurisdiction", Label: l.T("people.field.jurisdiction"), Type: "select", Options: jurisdictionOptions(l, "people.filter.all_jurisdictions")},
		{Name: "sector", Label: l.T("people.field.sector"), Type: "select", Options: sectorOptions(l, "people.filter.all_sectors")},
		{Name: "interest", Label: l.T("people.field.interest"), Type: "text", Max: convene.MaxInterestLen, Hint: l.T("people.filter.interest_hint")},
	}}
	status := http.StatusOK
	f, ferr := directoryFilter(q, c.ID, !member, directoryPageSize+1)
	errs := formErrors{}
	if ferr != nil {
		if errs, _ = errorsOf(l, ferr); errs == nil {
			return ferr
		}
		status = statusOf(ferr)
	} else {
		people, err := s.store.Directory(ctx, f)
		if err != nil {
			return err
		}
		if len(people) > directoryPageSize {
			people = people[:directoryPageSize]
			last := people[len(people)-1]
			p.NextURL = p.Filter.Action + "?" + nextQuery(f, last.Name, last.ID).Encode()
		}
		for _, u := range people {
			p.People = append(p.People, viewPerson(l, c, u))
		}
		if f.AfterID != 0 {
			first := nextQuery(f, "", 0)
			first.Del("after_name")
			first.Del("after_id")
			p.FirstURL = p.Filter.Action + "?" + first.Encode()
		}
	}
	p.Filter.build(q, errs, l)
	return s.render(w, status, "directory", p)
}

// personIn loads the person named in the path as the viewer may see them in c: a member of it whose
// profile is public, or shown to members and the viewer is one, or the viewer's own. Anything else
// is "not found", so a hidden profile does not even reveal that the person belongs.
func (s *Server) personIn(r *http.Request, c *convene.Community, member bool) (*convene.User, error) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, convene.NotFound("member.not_found")
	}
	p, err := s.store.UserByID(ctx, id)
	if convene.ErrorCode(err) == convene.ENOTFOUND {
		return nil, convene.NotFound("member.not_found")
	} else if err != nil {
		return nil, err
	}
	role, err := s.store.RoleOf(ctx, c.ID, p.ID)
	if err != nil {
		return nil, err
	}
	v := viewerOf(r).User
	self := v != nil && v.ID == p.ID
	shown := p.Confirmed && (p.Visibility == convene.VisibilityPublic || (p.Visibility == convene.VisibilityMembers && member))
	if role == "" || !(self || shown) {
		return nil, convene.NotFound("member.not_found")
	}
	return p, s.store.LoadInterests(ctx, []*convene.User{p})
}

type profilePage struct {
	base
	Person    personView
	Bio       []string
	Self      bool
	ShowCalls bool        // the viewer may know which calls the person took part in
	Calls     []*callView // held calls of the community they had a place at
	// Initiatives they lead, and the open action items they own from calls' minutes.
	Initiatives []*convene.Initiative
	Actions     []*convene.ActionItem
	Alike       []personView
}

// maxProfileCalls bounds the past calls a profile looks through.
const maxProfileCalls = 200

func (s *Server) profile(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	member, err := s.seesMembers(r, c)
	if err != nil {
		return err
	}
	person, err := s.personIn(r, c, member)
	if err != nil {
		return err
	}
	b, err := s.communityBase(r, c, person.Name)
	if err != nil {
		return err
	}
	v := viewerOf(r).User
	p := profilePage{base: b, Person: viewPerson(b.L, c, person), Bio: textParagraphs(person.Bio), Self: v != nil && v.ID == person.ID}
	// Who took part in which call is not public: members and the person see it.
	p.ShowCalls = member || p.Self
	if p.ShowCalls {
		now := s.clock.Now()
		past, err := s.store.Calls(ctx, convene.CallFilter{CommunityID: c.ID, To: now, Descending: true, Limit: maxProfileCalls})
		if err != nil {
			return err
		}
		ids := make([]int64, len(past))
		for i, call := range past {
			ids[i] = call.ID
		}
		places, err := s.store.Places(ctx, person.ID, ids)
		if err == nil {
			err = s.store.FillRecorded(ctx, past)
		}
		if err != nil {
			return err
		}
		for _, call := range past {
			if places[call.ID].Status == convene.RegRegistered && call.StatusAt(now) == convene.CallHeld {
				p.Calls = append(p.Calls, s.viewCall(c, call, b.Zone))
			}
		}
	}
	if p.Initiatives, err = s.store.Initiatives(ctx, convene.InitiativeFilter{CommunityID: c.ID, LeadID: person.ID}); err != nil {
		return err
	}
	if p.Actions, err = s.store.ActionItems(ctx, store.ActionFilter{CommunityID: c.ID, OwnerID: person.ID, Status: convene.ActionOpen}); err != nil {
		return err
	}
	alike, err := s.store.PeopleLikeYou(ctx, c.ID, person, !member, 6)
	if err != nil {
		return err
	}
	for _, u := range alike {
		p.Alike = append(p.Alike, viewPerson(b.L, c, u))
	}
	return s.render(w, http.StatusOK, "person", p)
}

// joinCommunity makes the signed-in viewer a member of the path's community.
func (s *Server) joinCommunity(w http.ResponseWriter, r *http.Request) error {
	u := viewerOf(r).User
	if u == nil {
		return convene.Errorf(convene.EUNAUTHORIZED, "signin.required", nil)
	}
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	joined, err := s.store.JoinCommunity(r.Context(), c.ID, u.ID)
	if err != nil {
		return err
	}
	if joined == store.Requested {
		return s.redirect(w, r, formNext(vals, "/c/"+c.Slug), "membership.flash.requested")
	}
	return s.redirect(w, r, formNext(vals, "/c/"+c.Slug), "people.flash.joined")
}

// leaveCommunity takes the viewer out of the path's community; its last owner stays.
func (s *Server) leaveCommunity(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := viewerOf(r).User
	if u == nil {
		return convene.Errorf(convene.EUNAUTHORIZED, "signin.required", nil)
	}
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	role, err := s.store.RoleOf(ctx, c.ID, u.ID)
	if err != nil {
		return err
	}
	if role == "" {
		return convene.NotFound("member.not_found")
	}
	if role == convene.RoleOwner {
		owners, err := s.ownerCount(r, c)
		if err != nil {
			return err
		}
		if owners <= 1 {
			return convene.Errorf(convene.ECONFLICT, "members.last_owner", nil)
		}
	}
	if err := s.store.RemoveMember(ctx, c.ID, u.ID, false); err != nil {
		return err
	}
	return s.redirect(w, r, formNext(vals, "/c/"+c.Slug), "people.flash.left")
}

// formNext is the form's "next" page on this site, or def.
func formNext(vals url.Values, def string) string {
	if vals.Get("next") == "" {
		return def
	}
	return localPath(vals.Get("next"))
}

// maxAPIPeople is the most people one API page returns.
const maxAPIPeople = 100

type apiPerson struct {
	ID           int64    `json:"id"`
	Name         string   `json:"name"`
	Organization string   `json:"organization"`
	Title        string   `json:"title"`
	Jurisdiction string   `json:"jurisdiction"`
	Municipality string   `json:"municipality"`
	Province     string   `json:"province,omitempty"`
	Sector       string   `json:"sector"`
	Interests    []string `json:"interests"`
	Languages    []string `json:"languages"`
	URL          string   `json:"url"`
}

func (s *Server) toAPIPerson(c *convene.Community, u *convene.User) apiPerson {
	p := apiPerson{ID: u.ID, Name: u.Name, Organization: u.Organization, Title: u.Title, Jurisdiction: u.Jurisdiction,
		Municipality: u.Municipality, Province: u.Province, Sector: u.Sector, Interests: u.Interests, Languages: u.Languages, URL: s.absURL(profilePath(c, u.ID))}
	if p.Interests == nil {
		p.Interests = []string{}
	}
	if p.Languages == nil {
		p.Languages = []string{}
	}
	return p
}

// apiPeople lists a community's public profiles, whoever asks: the open directory.
func (s *Server) apiPeople(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	limit := directoryPageSize
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxAPIPeople {
			return convene.Invalid("api.limit.invalid", map[string]any{"Max": maxAPIPeople})
		}
		limit = n
	}
	f, err := directoryFilter(q, c.ID, true, limit+1)
	if err != nil {
		return err
	}
	people, err := s.store.Directory(r.Context(), f)
	if err != nil {
		return err
	}
	out := struct {
		People []apiPerson `json:"people"`
		Next   *string     `json:"next"`
	}{People: make([]apiPerson, 0, len(people))}
	if len(people) > limit {
		people = people[:limit]
		last := people[len(people)-1]
		next := nextQuery(f, last.Name, last.ID)
		if q.Get("limit") != "" {
			next.Set("limit", strconv.Itoa(limit))
		}
		u := s.absURL("/api/v1/communities/" + c.Slug + "/people?" + next.Encode())
		out.Next = &u
	}
	for _, u := range people {
		out.People = append(out.People, s.toAPIPerson(c, u))
	}
	return writeJSON(w, http.StatusOK, out)
}
