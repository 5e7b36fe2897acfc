package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/action"
)

// initiativeRoutes registers the pages and API of initiatives: their updates, asks and offers.
func (s *Server) initiativeRoutes(handle, api func(string, func(http.ResponseWriter, *http.Request) error)) {
	handle("GET /c/{slug}/initiatives", s.cached(s.initiativesPage, "status", "jurisdiction", "sector"))
	handle("GET /c/{slug}/initiatives/new", s.initiativeForm)
	handle("POST /c/{slug}/initiatives/new", s.initiativeForm)
	handle("GET /c/{slug}/initiatives/{id}", s.cached(s.initiativePage))
	handle("GET /c/{slug}/initiatives/{id}/edit", s.initiativeForm)
	handle("POST /c/{slug}/initiatives/{id}/edit", s.initiativeForm)
	handle("POST /c/{slug}/initiatives/{id}/leads", s.addLead)
	handle("POST /c/{slug}/initiatives/{id}/leads/{user}/remove", s.removeLead)
	handle("POST /c/{slug}/initiatives/{id}/updates", s.postUpdate)
	handle("POST /c/{slug}/initiatives/{id}/asks", s.postAsk)
	handle("POST /c/{slug}/initiatives/{id}/asks/{ask}/offers", s.postOffer)
	handle("POST /c/{slug}/initiatives/{id}/asks/{ask}/offers/{offer}/take", s.takeOffer)
	handle("POST /c/{slug}/initiatives/{id}/asks/{ask}/close", s.closeAsk)

	api("GET /api/v1/communities/{slug}/initiatives", s.cached(s.apiInitiatives, "status", "jurisdiction", "sector"))
	api("GET /api/v1/communities/{slug}/initiatives/{id}", s.cached(s.apiInitiative))
	api("POST /api/v1/initiatives/{id}/updates", s.apiPostUpdate)
	api("POST /api/v1/initiatives/{id}/asks", s.apiPostAsk)
	api("POST /api/v1/initiatives/{id}/asks/{ask}/offers", s.apiPostOffer)
}

func initiativePath(c *convene.Community, id int64) string {
	return "/c/" + c.Slug + "/initiatives/" + strconv.FormatInt(id, 10)
}

// initiativeOf loads the initiative named in the path, which must belong to c and not be deleted.
func (s *Server) initiativeOf(r *http.Request, c *convene.Community) (*convene.Initiative, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	in, err := s.store.InitiativeByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if c != nil && in.CommunityID != c.ID {
		return nil, convene.NotFound("initiative.not_found")
	}
	return in, nil
}

// askOf loads the ask named in the path, which must belong to the initiative.
func (s *Server) askOf(r *http.Request, in *convene.Initiative) (*convene.Ask, error) {
	return pathObject(r, "ask", s.store.AskByID, func(a *convene.Ask) int64 { return a.InitiativeID }, in.ID, "ask.not_found")
}

// initiativeRights is what the viewer may do with one initiative.
type initiativeRights struct {
	Member bool // may offer help
	Manage bool // edits the initiative and posts its updates and asks (convene.Rights.Manages)
}

func (s *Server) rightsOn(r *http.Request, c *convene.Community, in *convene.Initiative) (initiativeRights, error) {
	rights, err := s.rightsIn(r, c)
	if err != nil {
		return initiativeRights{}, err
	}
	return initiativeRights{Member: rights.Member(), Manage: in != nil && rights.Manages(in)}, nil
}

// requireSignedIn asks a stranger to sign in.
func requireSignedIn(r *http.Request) (*convene.User, error) {
	u := viewerOf(r).User
	if u == nil {
		return nil, convene.Errorf(convene.EUNAUTHORIZED, "signin.required", nil)
	}
	return u, nil
}

var errForbidden = action.ErrForbidden

// initiativeFilter reads the list's filters; unknown values are field errors.
func initiativeFilter(q url.Values, communityID int64) (convene.InitiativeFilter, error) {
	f := convene.InitiativeFilter{CommunityID: communityID, Status: strings.TrimSpace(q.Get("status")),
		Jurisdiction: strings.TrimSpace(q.Get("jurisdiction")), Sector: strings.TrimSpace(q.Get("sector"))}
	var errs []convene.FieldError
	if f.Status != "" && !slices.Contains(convene.InitiativeStatuses, f.Status) {
		errs = append(errs, convene.FieldError{Field: "status", Key: "initiative.status.invalid"})
	}
	if f.Jurisdiction != "" && !slices.Contains(convene.Jurisdictions, f.Jurisdiction) {
		errs = append(errs, convene.FieldError{Field: "jurisdiction", Key: "profile.jurisdiction.invalid"})
	}
	if f.Sector != "" && !slices.Contains(convene.Sectors, f.Sector) {
		errs = append(errs, convene.FieldError{Field: "sector", Key: "profile.sector.invalid"})
	}
	if len(errs) > 0 {
		return f, convene.Invalid("form.invalid", nil, errs...)
	}
	return f, nil
}

func statusOptions(l *Localizer, firstKey string) []Option {
	var out []Option
	if firstKey != "" {
		out = append(out, Option{Value: "", Label: l.T(firstKey)})
	}
	for _, st := range convene.InitiativeStatuses {
		out = append(out, Option{Value: st, Label: l.T("initiative.status." + st)})
	}
	return out
}

// initiativeView is an initiative as pages show it.
type initiativeView struct {
	*convene.Initiative
	URL          string
	StatusLabel  string
	Jurisdiction string
	Sector       string
	LeadNames    []string
}

func viewInitiative(l *Localizer, c *convene.Community, in *convene.Initiative) initiativeView {
	v := initiativeView{Initiative: in, URL: initiativePath(c, in.ID), StatusLabel: l.T("initiative.status." + in.Status)}
	if in.Jurisdiction != "" {
		v.Jurisdiction = l.T("jurisdiction." + in.Jurisdiction)
	}
	if in.Sector != "" {
		v.Sector = l.T("sector." + in.Sector)
	}
	for _, u := range in.Leads {
		v.LeadNames = append(v.LeadNames, u.Name)
	}
	return v
}

type initiativesPage struct {
	base
	Filter      Form
	Initiatives []initiativeView
	CanCreate   bool
}

func (s *Server) initiativesPage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	b, err := s.communityBase(r, c, "")
	if err != nil {
		return err
	}
	l := b.L
	b.Title = l.T("initiative.list.title", "Community", c.Name)
	rt, err := s.rightsOn(r, c, nil)
	if err != nil {
		return err
	}
	p := initiativesPage{base: b, CanCreate: rt.Member}
	q := r.URL.Query()
	p.Filter = Form{Action: "/c/" + c.Slug + "/initiatives", Submit: l.T("initiative.filter.submit"), Fields: []Field{
		{Name: "status", Label: l.T("field.status"), Type: "select", Options: statusOptions(l, "initiative.filter.all_statuses")},
		{Name: "jurisdiction", Label: l.T("people.field.jurisdiction"), Type: "select", Options: jurisdictionOptions(l, "people.filter.all_jurisdictions")},
		{Name: "sector", Label: l.T("people.field.sector"), Type: "select", Options: sectorOptions(l, "people.filter.all_sectors")},
	}}
	status, errs := http.StatusOK, formErrors{}
	f, ferr := initiativeFilter(q, c.ID)
	if ferr != nil {
		if errs, _ = errorsOf(l, ferr); errs == nil {
			return ferr
		}
		status = statusOf(ferr)
	} else {
		list, err := s.store.Initiatives(r.Context(), f)
		if err != nil {
			return err
		}
		for _, in := range list {
			p.Initiatives = append(p.Initiatives, viewInitiative(l, c, in))
		}
	}
	p.Filter.build(q, errs, l)
	return s.render(w, status, "initiatives", p)
}

// initiativeForm creates an initiative (any member; they become its lead) or edits one (its leads
// and the community's organizers).
func (s *Server) initiativeForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	u, err := requireSignedIn(r)
	if err != nil {
		return err
	}
	var in *convene.Initiative
	if r.PathValue("id") != "" {
		if in, err = s.initiativeOf(r, c); err != nil {
			return err
		}
	}
	rt, err := s.rightsOn(r, c, in)
	if err != nil {
		return err
	}
	if (in == nil && !rt.Member) || (in != nil && !rt.Manage) {
		return errForbidden
	}
	b, err := s.communityBase(r, c, "")
	if err != nil {
		return err
	}
	l := b.L
	ed := editor{languages: c.Languages, fields: []Field{
		{Name: "name", Label: l.T("field.name"), Type: "text", Required: true, Max: convene.MaxName, Translate: true},
		{Name: "description", Label: l.T("field.description"), Type: "textarea", Max: convene.MaxInitiative, Translate: true},
		{Name: "status", Label: l.T("field.status"), Type: "select", Options: statusOptions(l, "")},
		{Name: "jurisdiction", Label: l.T("people.field.jurisdiction"), Type: "select", Options: jurisdictionOptions(l, "initiative.field.none")},
		{Name: "sector", Label: l.T("people.field.sector"), Type: "select", Options: sectorOptions(l, "initiative.field.none")},
		{Name: "links", Label: l.T("initiative.field.links"), Type: "textarea", Hint: l.T("initiative.field.links_hint")},
	}}
	if in == nil {
		ed.title, ed.submit, ed.back = l.T("initiative.new.title"), l.T("initiative.new.submit"), "/c/"+c.Slug+"/initiatives"
		ed.initial = url.Values{"status": {convene.InitiativeIdea}}
		in = &convene.Initiative{CommunityID: c.ID, LeadIDs: []int64{u.ID}}
	} else {
		ed.title, ed.submit, ed.back = l.T("initiative.edit.title", "Name", in.Name), l.T("action.save"), initiativePath(c, in.ID)
		ed.initial = url.Values{"name": {in.Name}, "description": {in.Description}, "status": {in.Status},
			"jurisdiction": {in.Jurisdiction}, "sector": {in.Sector}, "links": {strings.Join(in.Links, "\n")}}
		versionValues(ed.initial, in)
	}
	ed.save = func(vals url.Values) (string, string, error) {
		in.Name, in.Description, in.Status = vals.Get("name"), vals.Get("description"), vals.Get("status")
		in.Jurisdiction, in.Sector = vals.Get("jurisdiction"), vals.Get("sector")
		in.Links = strings.Split(strings.ReplaceAll(vals.Get("links"), "\r", ""), "\n")
		readVersions(vals, c.Languages, in)
		if in.ID == 0 {
			if err := s.store.CreateInitiative(ctx, in); err != nil {
				return "", "", err
			}
			return initiativePath(c, in.ID), "initiative.created", nil
		}
		if err := s.store.UpdateInitiative(ctx, in); err != nil {
			return "", "", err
		}
		return initiativePath(c, in.ID), "initiative.saved", nil
	}
	return s.edit(w, r, b, ed)
}

// updateView is an update as the initiative page shows it.
type updateView struct {
	*convene.InitiativeUpdate
	Paragraphs []string
	CallURL    string
	CallLocal  time.Time
	Translate  string // where the viewer adds its versions, when they may
}

// askView is an ask as the initiative page shows it to one viewer.
type askView struct {
	*convene.Ask
	KindLabel  string
	Paragraphs []string
	Manage     bool // the viewer sees who offered, takes offers and closes the ask
	Offered    bool // the viewer has offered help already
	OfferForm  *Form
	Action     string
	Translate  string // where the viewer adds its versions, when they may
}

type initiativePage struct {
	base
	Initiative initiativeView
	Rights     initiativeRights
	Paragraphs []string
	Updates    []updateView
	Asks       []askView
	UpdateForm *Form
	AskForm    *Form
	LeadForm   *Form // adds a co-lead, for those who manage the initiative
	Comments   int   // visible comments on the initiative
}

// forms in error on the initiative page: which one, and its values and messages.
type pageForm struct {
	name   string // "update", "ask" or "offer<id>"
	vals   url.Values
	errs   formErrors
	status int
}

func (s *Server) initiativePage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	in, err := s.initiativeOf(r, c)
	if err != nil {
		return err
	}
	return s.showInitiative(w, r, c, in, pageForm{status: http.StatusOK})
}

func (s *Server) showInitiative(w http.ResponseWriter, r *http.Request, c *convene.Community, in *convene.Initiative, pf pageForm) error {
	ctx := r.Context()
	s.localize(r, c, in)
	b, err := s.communityBase(r, c, in.Name)
	if err != nil {
		return err
	}
	l := b.L
	rt, err := s.rightsOn(r, c, in)
	if err != nil {
		return err
	}
	p := initiativePage{base: b, Initiative: viewInitiative(l, c, in), Rights: rt, Paragraphs: textParagraphs(in.Description)}
	ups, err := s.store.Updates(ctx, in.ID)
	if err != nil {
		return err
	}
	loc, err := convene.LoadZone(b.Zone)
	if err != nil {
		loc = time.UTC
	}
	who, err := s.actor(r, c)
	if err != nil {
		return err
	}
	for _, up := range ups {
		s.localize(r, c, up)
		v := updateView{InitiativeUpdate: up, Paragraphs: textParagraphs(up.Body), Translate: translateLink(c, who, convene.MemberUpdate, up.ID, up.AuthorID)}
		if up.CallID != 0 {
			v.CallURL = "/c/" + c.Slug + "/calls/" + strconv.FormatInt(up.CallID, 10)
			v.CallLocal = up.CallStartsAt.In(loc)
		}
		p.Updates = append(p.Updates, v)
	}
	asks, err := s.store.Asks(ctx, in.ID, false)
	if err != nil {
		return err
	}
	me := viewerOf(r).User
	formFor := func(name string) (url.Values, formErrors) {
		if pf.name == name {
			return pf.vals, pf.errs
		}
		return url.Values{}, formErrors{}
	}
	base := initiativePath(c, in.ID)
	for _, a := range asks {
		s.localize(r, c, a)
		v := askView{Ask: a, KindLabel: l.T("ask.kind." + a.Kind), Paragraphs: textParagraphs(a.Body),
			Manage: rt.Manage || (me != nil && me.ID == a.AuthorID), Action: base + "/asks/" + strconv.FormatInt(a.ID, 10),
			Translate: translateLink(c, who, convene.MemberAsk, a.ID, a.AuthorID)}
		for _, o := range a.Offers {
			if me != nil && o.UserID == me.ID {
				v.Offered = true
			}
		}
		if a.Open && rt.Member && !v.Offered {
			name := "offer" + strconv.FormatInt(a.ID, 10)
			f := &Form{Action: v.Action + "/offers", Prefix: name + "-", Submit: l.T("ask.offer.submit"), Fields: []Field{
				{Name: "message", Label: l.T("ask.offer.message"), Type: "textarea", Required: true, Max: convene.MaxOfferNote},
			}}
			f.Fields = append(f.Fields, writtenInField(l, c)...)
			vals, errs := formFor(name)
			f.build(vals, errs, l)
			v.OfferForm = f
		}
		p.Asks = append(p.Asks, v)
	}
	if rt.Manage {
		calls, err := s.store.Calls(ctx, convene.CallFilter{CommunityID: c.ID, To: s.clock.Now().Add(45 * 24 * time.Hour), Descending: true, Limit: 24})
		if err != nil {
			return err
		}
		opts := []Option{{Value: "", Label: l.T("update.call.none")}}
		for _, call := range calls {
			opts = append(opts, Option{Value: strconv.FormatInt(call.ID, 10), Label: l.Date(call.StartsAt.In(loc)) + " · " + call.DisplayTitle()})
		}
		p.UpdateForm = &Form{Action: base + "/updates", Prefix: "update-", Submit: l.T("update.submit"), Fields: []Field{
			{Name: "body", Label: l.T("update.field.body"), Type: "textarea", Required: true, Max: convene.MaxUpdate},
			{Name: "call_id", Label: l.T("update.field.call"), Type: "select", Options: opts},
		}}
		p.UpdateForm.Fields = append(p.UpdateForm.Fields, writtenInField(l, c)...)
		vals, errs := formFor("update")
		p.UpdateForm.build(vals, errs, l)
		kinds := []Option{}
		for _, k := range convene.AskKinds {
			kinds = append(kinds, Option{Value: k, Label: l.T("ask.kind." + k)})
		}
		p.AskForm = &Form{Action: base + "/asks", Prefix: "ask-", Submit: l.T("ask.submit"), Fields: []Field{
			{Name: "kind", Label: l.T("field.kind"), Type: "select", Options: kinds},
			{Name: "body", Label: l.T("ask.field.body"), Type: "textarea", Required: true, Max: convene.MaxAskBody},
		}}
		p.AskForm.Fields = append(p.AskForm.Fields, writtenInField(l, c)...)
		vals, errs = formFor("ask")
		p.AskForm.build(vals, errs, l)
		if p.LeadForm, err = s.leadForm(r, l, c, in, pf); err != nil {
			return err
		}
	}
	if p.Comments, err = s.store.CountComments(ctx, c.ID, convene.CommentTarget{Kind: convene.CommentOnInitiative, ID: in.ID}); err != nil {
		return err
	}
	return s.render(w, pf.status, "initiative", p)
}
