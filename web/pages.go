package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/feed"
	"github.com/opengovcall/convene/notify"
	"github.com/opengovcall/convene/store"
)

// communityOf loads the community named in the path.
func (s *Server) communityOf(r *http.Request) (*convene.Community, error) {
	return s.store.CommunityBySlug(r.Context(), r.PathValue("slug"))
}

// pathID reads a numeric id from the path; anything else is a page that does not exist.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, convene.NotFound("page.not_found")
	}
	return id, nil
}

// pathObject loads the object whose id is the path parameter name and returns it when it belongs to
// parent (owner reads whom it belongs to); an unknown, malformed or foreign id is not found, with
// the catalog key missing.
func pathObject[T any](r *http.Request, name string, load func(context.Context, int64) (T, error), owner func(T) int64, parent int64, missing string) (T, error) {
	var zero T
	id, err := pathID(r, name)
	if err != nil {
		return zero, err
	}
	v, err := load(r.Context(), id)
	if err != nil {
		return zero, err
	}
	if owner(v) != parent {
		return zero, convene.NotFound(missing)
	}
	return v, nil
}

// seriesOf loads the series named in the path, which must belong to c.
func (s *Server) seriesOf(r *http.Request, c *convene.Community) (*convene.Series, error) {
	return pathObject(r, "id", s.store.SeriesByID, func(sr *convene.Series) int64 { return sr.CommunityID }, c.ID, "series.not_found")
}

// callOf loads the call named in the path, which must belong to c.
func (s *Server) callOf(r *http.Request, c *convene.Community) (*convene.Call, error) {
	return pathObject(r, "id", s.store.CallByID, func(call *convene.Call) int64 { return call.CommunityID }, c.ID, "call.not_found")
}

// communityCall loads the community and the call a page under /c/{slug}/calls/{id} is about.
func (s *Server) communityCall(r *http.Request) (*convene.Community, *convene.Call, error) {
	c, err := s.communityOf(r)
	if err != nil {
		return nil, nil, err
	}
	call, err := s.callOf(r, c)
	return c, call, err
}

// callOrSeriesOf loads what a form under /c/{slug}/series/{id}/… or /c/{slug}/calls/{id}/… is about:
// the series alone, or the call with its series.
func (s *Server) callOrSeriesOf(r *http.Request, c *convene.Community) (*convene.Call, *convene.Series, error) {
	if strings.Contains(r.URL.Path, "/series/") {
		sr, err := s.seriesOf(r, c)
		return nil, sr, err
	}
	call, err := s.callOf(r, c)
	if err != nil {
		return nil, nil, err
	}
	return call, call.Series, nil
}

// communityBase is a page's layout data inside a community, with the viewer's zone defaulting to
// the community's.
func (s *Server) communityBase(r *http.Request, c *convene.Community, title string) (base, error) {
	b := s.newBase(r, title)
	b.Community = c
	s.localize(r, c, c)
	b.Description = summary(c.Description)
	b.Alternates = []alternate{
		{Href: s.absURL("/c/" + c.Slug + "/news.atom"), Type: "application/atom+xml", Title: b.L.T("news.title", "Community", c.Name)},
		{Href: s.absURL("/c/" + c.Slug + "/calendar.ics"), Type: "text/calendar", Title: b.L.T("calendar.subscribe_community")},
	}
	if viewerOf(r).Zone == "" {
		b.Zone = c.TimeZone
	}
	var err error
	b.Organizer, err = s.canOrganize(r, c)
	return b, err
}

// callView is a call as pages show it: in the viewer's zone and every Canadian zone.
type callView struct {
	*convene.Call
	URL    string
	Status string // convene.Call.StatusAt now
	Badge  string // convene.Call.Shown now: a call that ended with nothing recorded says so
	Local  time.Time
	Zones  []convene.ZoneTime
	Agenda []*convene.AgendaItem
	Kit    *convene.JoinKit
	OwnKit bool
	// KitExposed, for organizers, is the stricter level this call keeps while the same meeting is
	// shown more openly on the series' other calls ("" when it is not).
	KitExposed string
	// Minutes are the call's rendered minutes, its action items and the follow-ups carried into it.
	Minutes callMinutes

	// For the viewer of a call page.
	Access          convene.JoinAccess
	RegStatus       string // the viewer's registration: "", registered or waitlisted
	RegisteredCount int
	Open            bool // still takes registrations
	Subscribed      bool // the viewer is subscribed to the series
	RegForm         *Form
	RegError        string // why the last registration attempt failed, when the form is not shown
	Comments        int    // visible comments on the call
	Calendar        callCalendar
	Attendance      callAttendance
	Surveys         []surveyLink // open feedback surveys about a held call or its season, for members
	AgendaForm      *Form        // adds an agenda item, for organizers
	Next            bool         // the series' next call, highlighted in lists
	Live            bool         // it starts within a quarter of an hour, or is under way
	Hybrid          *callHybrid  // accessibility, the venue and how the viewer attends
}

// callCalendar are the ways a call page offers to put the call in a calendar.
type callCalendar struct {
	Download string
	Series   feedURLs
	Google   string
	Outlook  string
}

func (s *Server) viewCall(c *convene.Community, call *convene.Call, zone string) *callView {
	loc, err := convene.LoadZone(zone)
	if err != nil {
		loc = time.UTC
	}
	now := s.clock.Now()
	return &callView{Call: call, URL: callPath(c, call), Status: call.StatusAt(now), Badge: call.Shown(now), Local: call.StartsAt.In(loc)}
}

func callPath(c *convene.Community, call *convene.Call) string { return notify.CallPath(c, call) }

func seriesPath(c *convene.Community, sr *convene.Series) string {
	return "/c/" + c.Slug + "/series/" + strconv.FormatInt(sr.ID, 10)
}

type homePage struct {
	base
	Communities []homeCommunity
	CanCreate   bool
}

// rowView is a call as a list shows it, one line: every text computed here once, so that the
// template only prints (a list of 261 calls spent most of its time in the template's reflection).
type rowView struct {
	URL, DateTime, When         string
	Title, Theme                template.HTML
	Cancelled, Next             bool
	Badge, BadgeLabel, NextText string
	Moved, Extra                string // their badges' labels, empty when not so
}

func callRow(l *Localizer, c *callView) rowView {
	r := rowView{URL: c.URL, DateTime: c.StartsAt.UTC().Format(time.RFC3339), Title: callTitle(l, c),
		When:      l.ShortDate(c.Local) + " · " + l.Clock(c.Local) + " " + l.ZoneAbbreviation(c.Local),
		Cancelled: c.Status == convene.CallCancelled, Next: c.Next, Badge: c.Badge}
	if c.Theme != "" {
		r.Theme = shownText(l, c, "theme")
	}
	if c.Next {
		r.NextText = l.T("call.next")
	} else {
		r.BadgeLabel = l.T("status." + c.Badge)
	}
	if c.Moved() {
		r.Moved = l.T("status.moved")
	}
	if c.Extra() {
		r.Extra = l.T("status.extra")
	}
	return r
}

// homeCommunity is a community on the home page, with its next call when it has one.
type homeCommunity struct {
	*convene.Community
	Next *callView
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	cs, err := s.store.Communities(ctx)
	if err != nil {
		return err
	}
	v := viewerOf(r)
	p := homePage{base: s.newBase(r, v.L.T("home.title")), CanCreate: v.User != nil && v.User.IsAdmin}
	if v.User != nil && !p.CanCreate {
		if p.CanCreate, err = s.ownsAnyCommunity(r, v.User); err != nil {
			return err
		}
	}
	now := s.clock.Now()
	for _, c := range cs { // an instance holds a few communities: one query each
		hc := homeCommunity{Community: c}
		next, err := s.store.NextCall(ctx, c.ID, now)
		if err != nil && convene.ErrorCode(err) != convene.ENOTFOUND {
			return err
		}
		if next != nil {
			hc.Next = s.viewCall(c, next, p.Zone)
		}
		p.Communities = append(p.Communities, hc)
	}
	return s.render(w, http.StatusOK, "home", p)
}

type communityPage struct {
	base
	Calendar feedURLs
	Member   bool // the viewer belongs to the community
	Next     *callView
	Upcoming []*callView
	Past     []*callView
	Series   []*convene.Series
	// ToTranslate counts, for organizers, the public texts still missing one of the languages.
	ToTranslate int
	// Setup, for organizers, is what is left to set up, in order; nil once all is done.
	Setup []setupStep
	// Movement are the coming events of the remote communities it follows.
	Movement []store.RemoteEvent
}

func (s *Server) communityPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	s.localize(r, c, c)
	b, err := s.communityBase(r, c, c.Name)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	p := communityPage{base: b, Calendar: s.feedURLs("/c/" + c.Slug + "/calendar.ics")}
	if p.Member, err = s.seesMembers(r, c); err != nil {
		return err
	}
	if p.Series, err = s.store.SeriesOf(ctx, c.ID); err != nil {
		return err
	}
	if b.Organizer {
		texts, err := s.untranslatedTexts(ctx, b.L, c)
		if err != nil {
			return err
		}
		p.ToTranslate = len(texts)
	}
	next, err := s.store.NextCall(ctx, c.ID, now)
	if err != nil && convene.ErrorCode(err) != convene.ENOTFOUND {
		return err
	}
	if b.Organizer {
		if p.Setup, err = s.setupChecklist(ctx, b.L, c, p.Series, next); err != nil {
			return err
		}
	}
	if next != nil {
		p.Next = s.viewCall(c, next, b.Zone)
		p.Next.Zones = convene.InCanadianZones(next.StartsAt)
		if p.Next.Agenda, err = s.store.Agenda(ctx, next.ID); err != nil {
			return err
		}
	}
	upcoming, err := s.store.Calls(ctx, convene.CallFilter{CommunityID: c.ID, From: now, Limit: 7})
	if err != nil {
		return err
	}
	for _, call := range upcoming {
		if next == nil || call.ID != next.ID {
			p.Upcoming = append(p.Upcoming, s.viewCall(c, call, b.Zone))
		}
	}
	past, err := s.store.Calls(ctx, convene.CallFilter{CommunityID: c.ID, To: now, Descending: true, Limit: 12})
	if err == nil {
		err = s.store.FillRecorded(ctx, past) // their badges say whether each took place
	}
	if err != nil {
		return err
	}
	for _, call := range past {
		if next == nil || call.ID != next.ID {
			p.Past = append(p.Past, s.viewCall(c, call, b.Zone))
		}
	}
	if p.Movement, err = s.movementEvents(r, c, 10); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "community", p)
}

type seasonView struct {
	*convene.Season
	Calls []*callView
	// Coming are its calls not over yet, Past the others, shown folded.
	Coming, Past []*callView
}

// split sorts a season's calls into those not over yet (cancelled ones included: people look
// for them) and those past.
func (sv *seasonView) split(now time.Time) {
	for _, cv := range sv.Calls {
		if cv.EndsAt().After(now) {
			sv.Coming = append(sv.Coming, cv)
		} else {
			sv.Past = append(sv.Past, cv)
		}
	}
}

type seriesPage struct {
	base
	Calendar   feedURLs
	Subscribed bool
	Series     *convene.Series
	Schedule   string // when it meets, in words
	Seasons    []*seasonView
	Others     []*callView // calls outside any season
	Kit        *convene.JoinKit
	// SeasonsHTML is the seasons and other calls as the "series-seasons" template renders them,
	// kept by a stamp of what they show (seasonsStamp).
	SeasonsHTML template.HTML
}

func (s *Server) seriesPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	sr, err := s.seriesOf(r, c)
	if err != nil {
		return err
	}
	s.localize(r, c, sr)
	b, err := s.communityBase(r, c, sr.Title)
	if err != nil {
		return err
	}
	p := seriesPage{base: b, Series: sr, Calendar: s.feedURLs(seriesPath(c, sr) + "/calendar.ics"), Schedule: b.L.DescribeSchedule(sr, s.clock.Now())}
	p.Alternates = append(p.Alternates, alternate{Href: s.absURL(seriesPath(c, sr) + "/calendar.ics"), Type: "text/calendar",
		Title: b.L.T("calendar.subscribe_series")})
	seasons, err := s.store.SeasonsOf(ctx, sr.ID)
	if err != nil {
		return err
	}
	if b.Organizer {
		if p.Kit, err = s.store.SeriesJoinKit(ctx, sr.ID); err != nil && convene.ErrorCode(err) != convene.ENOTFOUND {
			return err
		}
	}
	if b.User != nil {
		if p.Subscribed, err = s.store.Subscribed(ctx, sr.ID, b.User.ID); err != nil {
			return err
		}
	}
	// The seasons' calls are most of the page: they are rendered again only when what they show
	// changed (fragments.go).
	stamp, err := s.seasonsStamp(r, c, sr, seasons, b)
	if err != nil {
		return err
	}
	p.SeasonsHTML, err = s.fragment(stamp, func() (template.HTML, error) {
		if err := s.fillSeasons(r, c, sr, seasons, &p); err != nil {
			return "", err
		}
		return s.renderFragment("series", "series-seasons", p)
	})
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "series", p)
}

// fillSeasons reads a series' calls into its page's seasons, those coming first.
func (s *Server) fillSeasons(r *http.Request, c *convene.Community, sr *convene.Series, seasons []*convene.Season, p *seriesPage) error {
	calls, err := s.store.Calls(r.Context(), convene.CallFilter{SeriesID: sr.ID})
	if err == nil {
		err = s.store.FillRecorded(r.Context(), calls)
	}
	if err != nil {
		return err
	}
	b := p.base
	bySeason := map[int64]*seasonView{}
	for _, se := range seasons {
		sv := &seasonView{Season: se}
		bySeason[se.ID] = sv
		p.Seasons = append(p.Seasons, sv)
	}
	now := s.clock.Now()
	nextMarked := false
	for _, call := range calls {
		cv := s.viewCall(c, call, b.Zone)
		if !nextMarked && cv.Status == convene.CallScheduled {
			cv.Next, nextMarked = true, true
		}
		if sv := bySeason[call.SeasonID]; sv != nil {
			sv.Calls = append(sv.Calls, cv)
		} else {
			p.Others = append(p.Others, cv)
		}
	}
	// The page opens on what is coming: seasons with calls ahead first, in order, then the past
	// ones, the latest first, their calls folded.
	for _, sv := range p.Seasons {
		sv.split(now)
	}
	slices.SortStableFunc(p.Seasons, func(a, b *seasonView) int {
		switch {
		case len(a.Coming) > 0 && len(b.Coming) > 0:
			return a.StartsOn.In(time.UTC).Compare(b.StartsOn.In(time.UTC))
		case len(a.Coming) > 0:
			return -1
		case len(b.Coming) > 0:
			return 1
		}
		return b.StartsOn.In(time.UTC).Compare(a.StartsOn.In(time.UTC))
	})
	return nil
}

// liveBefore is how long before its start a call page says "Happening now" and leads to joining.
const liveBefore = 15 * time.Minute

type callPage struct {
	base
	Call *callView
}

// standing works out what the viewer is to a call: signed in, member, registered, organizer.
func (s *Server) standing(r *http.Request, c *convene.Community, call *convene.Call) (convene.Standing, convene.Place, error) {
	ctx := r.Context()
	u := viewerOf(r).User
	var st convene.Standing
	if u == nil {
		return st, convene.Place{}, nil
	}
	rights, err := s.rightsIn(r, c)
	if err != nil {
		return st, convene.Place{}, err
	}
	places, err := s.store.Places(ctx, u.ID, []int64{call.ID})
	if err != nil {
		return st, convene.Place{}, err
	}
	return rights.At(places[call.ID]), places[call.ID], nil
}

func (s *Server) callPage(w http.ResponseWriter, r *http.Request) error {
	c, call, err := s.communityCall(r)
	if err != nil {
		return err
	}
	return s.showCall(w, r, c, call, http.StatusOK, nil, nil)
}

// showCall renders a call page; vals and formErr re-render its registration form after a mistake.
func (s *Server) showCall(w http.ResponseWriter, r *http.Request, c *convene.Community, call *convene.Call, status int, vals url.Values, formErr error) error {
	ctx := r.Context()
	s.localize(r, c, call, call.Series)
	b, err := s.communityBase(r, c, call.DisplayTitle())
	if err != nil {
		return err
	}
	b.Alternates = append(b.Alternates, alternate{Href: s.absURL(callPath(c, call) + "/calendar.ics"), Type: "text/calendar",
		Title: call.DisplayTitle()})
	b.Description = b.L.When(call.StartsAt.In(call.Location()))
	if about := strings.TrimSpace(call.Theme + " " + call.Note); about != "" {
		b.Description = summary(b.Description + " · " + about)
	}
	cv := s.viewCall(c, call, b.Zone)
	cv.Zones = convene.InCanadianZones(call.StartsAt)
	if cv.Agenda, err = s.store.Agenda(ctx, call.ID); err != nil {
		return err
	}
	for _, a := range cv.Agenda {
		s.localize(r, c, a)
	}
	if cv.Minutes, err = s.loadMinutes(ctx, call, cv.Agenda, s.clock.Now()); err != nil {
		return err
	}
	cv.Kit, cv.OwnKit, err = s.store.CallJoinKit(ctx, call)
	if err != nil && convene.ErrorCode(err) != convene.ENOTFOUND {
		return err
	}
	st, place, err := s.standing(r, c, call)
	if err != nil {
		return err
	}
	regStatus := place.Status
	if cv.Hybrid, err = s.loadHybrid(ctx, b.L, call, viewerOf(r).User, place); err != nil {
		return err
	}
	b.StructuredData = s.callEvent(c, call, cv.Agenda, cv.Hybrid.Access)
	if st.Organizer {
		cv.AgendaForm = agendaAddForm(b.L, c, call)
	}
	if st.Organizer && cv.Kit != nil {
		if cv.KitExposed, err = s.kitExposed(ctx, call, cv.Kit, cv.OwnKit); err != nil {
			return err
		}
	}
	now := s.clock.Now()
	if st.Member && call.StatusAt(now) == convene.CallHeld {
		if cv.Surveys, err = s.openSurveysAbout(r, c, call, now); err != nil {
			return err
		}
	}
	cv.Access = call.JoinAccessFor(st, now)
	cv.RegStatus = regStatus
	for _, n := range cv.Hybrid.Counts {
		cv.RegisteredCount += n
	}
	cv.Open = call.StatusAt(now) == convene.CallScheduled
	cv.Live = cv.Open && !call.StartsAt.After(now.Add(liveBefore))
	if cv.Comments, err = s.store.CountComments(ctx, c.ID, convene.CommentTarget{Kind: "call", ID: call.ID}); err != nil {
		return err
	}
	if cv.Attendance, err = s.loadCallAttendance(r, c, call); err != nil {
		return err
	}
	if u := viewerOf(r).User; u != nil {
		if cv.Subscribed, err = s.store.Subscribed(ctx, call.SeriesID, u.ID); err != nil {
			return err
		}
	}
	if cv.Open && regStatus == "" {
		qs, err := s.store.Questions(ctx, call.SeriesID)
		if err != nil {
			return err
		}
		cv.RegForm = s.registrationForm(b.L, viewerOf(r).User == nil, qs, c, call)
		errs := formErrors{}
		if formErr != nil {
			if fe, ok := errorsOf(b.L, formErr); ok {
				errs = fe
			} else {
				errs[""] = b.L.Err(formErr)
			}
		}
		if vals == nil {
			vals = url.Values{"scope": {"call"}}
		}
		vals.Del("email") // re-shown from the form's own value below
		if formErr != nil {
			vals.Set("email", r.PostFormValue("email"))
		}
		cv.RegForm.build(vals, errs, b.L)
	}
	if formErr != nil && cv.RegForm == nil {
		cv.RegError = b.L.Err(formErr)
	}
	entry := feed.Entry{Call: call, URL: s.absURL(callPath(c, call)), Mode: attendsAs(st)}
	details := entry.URL
	for _, a := range cv.Agenda {
		details += "\n" + strconv.Itoa(a.Position) + ". " + a.Title
	}
	cv.Calendar = callCalendar{Download: callPath(c, call) + "/calendar.ics", Series: s.feedURLs(seriesPath(c, call.Series) + "/calendar.ics"),
		Google: feed.GoogleLink(entry, details), Outlook: feed.OutlookLink(entry, details)}
	b.Title = call.DisplayTitle() + " · " + b.L.ShortDate(cv.Local)
	return s.render(w, status, "call", callPage{base: b, Call: cv})
}

// registrationForm is the form on a call page: name and address for people without an account,
// the series' questions, and whether to register for this call or the whole series.
func (s *Server) registrationForm(l *Localizer, anonymous bool, qs []*convene.Question, c *convene.Community, call *convene.Call) *Form {
	f := &Form{Prefix: "reg-", Action: callPath(c, call) + "/register", Submit: l.T("register.submit")}
	if anonymous {
		f.Fields = append(f.Fields,
			Field{Name: "name", Label: l.T("field.name"), Type: "text", Required: true, Max: convene.MaxName},
			Field{Name: "email", Label: l.T("field.email"), Type: "email", Required: true, Max: 254, Hint: l.T("hint.register_email")})
	}
	for _, q := range qs {
		fd := Field{Name: q.AnswerField(), Label: q.Label, Type: "text", Required: q.Required, Max: convene.MaxAnswer}
		if q.Kind == convene.QuestionChoice {
			fd.Type = "select"
			fd.Options = []Option{{Value: "", Label: l.T("register.choose")}}
			for _, ch := range q.Choices {
				fd.Options = append(fd.Options, Option{Value: ch, Label: ch})
			}
		}
		f.Fields = append(f.Fields, fd)
	}
	f.Fields = append(f.Fields, signupFields(l, call)...)
	f.Fields = append(f.Fields, Field{Name: "scope", Label: l.T("field.scope"), Type: "select", Options: []Option{
		{Value: "call", Label: l.T("register.scope.call")}, {Value: "series", Label: l.T("register.scope.series", "Series", call.Series.Title)}}})
	return f
}
