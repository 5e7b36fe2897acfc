package web

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/action"
)

// apiHandler adapts a JSON handler: errors become {"error": {"code", "message"}} with their status,
// the message in the language the client asks for.
func (s *Server) apiHandler(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := viewerOf(r)
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !v.may(convene.ScopeRegister) {
			s.writeAPIError(w, r, http.StatusForbidden, convene.Errorf(convene.EFORBIDDEN, "token.scope_missing", map[string]any{"Scope": convene.ScopeRegister}))
			return
		}
		if err := h(w, r); err != nil {
			status := statusOf(err)
			s.noteFailure(w, r, status, err)
			s.writeAPIError(w, r, status, err)
		}
	})
}

// writeAPIError answers an API request with {"error": {"code", "message", "fields"}}, in the
// viewer's language.
func (s *Server) writeAPIError(w http.ResponseWriter, r *http.Request, status int, err error) {
	l := viewerOf(r).L
	body := apiError{}
	body.Error.Code = convene.ErrorCode(err)
	body.Error.Message = l.Err(err)
	if e, ok := convene.AsError(err); ok {
		for _, f := range e.Fields {
			body.Error.Fields = append(body.Error.Fields, apiFieldError{Field: f.Field, Message: l.Field(f)})
		}
	}
	writeJSON(w, status, body)
}

type apiError struct {
	Error struct {
		Code    string          `json:"code"`
		Message string          `json:"message"`
		Fields  []apiFieldError `json:"fields,omitempty"`
	} `json:"error"`
}

type apiFieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

type apiCommunity struct {
	Slug         string               `json:"slug"`
	Name         string               `json:"name"`
	Description  string               `json:"description"`
	TimeZone     string               `json:"time_zone"`
	Languages    []string             `json:"languages"`
	URL          string               `json:"url"`
	CallsURL     string               `json:"calls_url"`
	ICSURL       string               `json:"ics_url"`
	Logo         *apiPicture          `json:"logo"`
	Cover        *apiPicture          `json:"cover"`
	Translations convene.Translations `json:"translations"` // every version of its texts: language → field → text
}

// apiPicture is a picture a community shows, with the words that stand for it.
type apiPicture struct {
	URL    string `json:"url"`
	Alt    string `json:"alt"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

func (s *Server) toAPIPicture(c *convene.Community, img *convene.Image, alt string) *apiPicture {
	if img == nil {
		return nil
	}
	return &apiPicture{URL: s.absURL(imagePath(c, img)), Alt: alt, Width: img.Width, Height: img.Height}
}

func (s *Server) toAPICommunity(c *convene.Community) apiCommunity {
	return apiCommunity{Slug: c.Slug, Name: c.Name, Description: c.Description, TimeZone: c.TimeZone, Languages: c.Languages,
		URL: s.absURL("/c/" + c.Slug), CallsURL: s.absURL("/api/v1/communities/" + c.Slug + "/calls"),
		ICSURL: s.absURL("/c/" + c.Slug + "/calendar.ics"), Logo: s.toAPIPicture(c, c.Logo, c.LogoAlt), Cover: s.toAPIPicture(c, c.Cover, c.CoverAlt),
		Translations: convene.Versions(c)}
}

func (s *Server) apiCommunities(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.store.Communities(r.Context())
	if err != nil {
		return err
	}
	out := struct {
		Communities []apiCommunity `json:"communities"`
	}{Communities: []apiCommunity{}}
	s.localizeData(r, nil, cs)
	for _, c := range cs {
		out.Communities = append(out.Communities, s.toAPICommunity(c))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiCommunity(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	s.localizeData(r, c, c)
	return writeJSON(w, http.StatusOK, s.toAPICommunity(c))
}

type apiSeries struct {
	ID           int64                `json:"id"`
	Title        string               `json:"title"`
	RRule        string               `json:"rrule"`
	TimeZone     string               `json:"time_zone"`
	URL          string               `json:"url"`
	ICSURL       string               `json:"ics_url"`
	Translations convene.Translations `json:"translations"` // every version of its texts: language → field → text
}

type apiAgendaItem struct {
	Position     int                  `json:"position"`
	Kind         string               `json:"kind"`
	Title        string               `json:"title"`
	Description  string               `json:"description,omitempty"`
	Presenter    string               `json:"presenter"`
	Organization string               `json:"organization,omitempty"`
	Photo        string               `json:"presenter_photo,omitempty"`
	Minutes      int                  `json:"minutes,omitempty"`
	Translations convene.Translations `json:"translations"` // every version of its texts: language → field → text
}

type apiDialIn struct {
	Number string `json:"number"`
	Label  string `json:"label"`
}

type apiJoinKit struct {
	Provider        string      `json:"provider"`
	URL             string      `json:"url,omitempty"`
	MeetingID       string      `json:"meeting_id,omitempty"`
	Passcode        string      `json:"passcode,omitempty"`
	DialIns         []apiDialIn `json:"dial_ins"`
	OneTap          []string    `json:"one_tap"`
	LocalNumbersURL string      `json:"local_numbers_url,omitempty"`
	SIP             string      `json:"sip,omitempty"`
}

type apiJoinAccess struct {
	Level   string `json:"level"`
	Visible bool   `json:"visible"`
	Need    string `json:"need,omitempty"`
	From    string `json:"from,omitempty"`
}

type apiCall struct {
	ID       int64           `json:"id"`
	Title    string          `json:"title"`
	Theme    string          `json:"theme,omitempty"`
	Status   string          `json:"status"`
	StartsAt string          `json:"starts_at"`
	EndsAt   string          `json:"ends_at"`
	TimeZone string          `json:"time_zone"`
	Moved    bool            `json:"moved"`
	URL      string          `json:"url"`
	ICSURL   string          `json:"ics_url"`
	Series   apiSeries       `json:"series"`
	Agenda   []apiAgendaItem `json:"agenda"`
	// Join is null when there is no join kit, or when the caller may not see it (see join_access).
	Join            *apiJoinKit   `json:"join"`
	JoinAccess      apiJoinAccess `json:"join_access"`
	RegisteredCount int           `json:"registered_count"`
	Capacity        *int          `json:"capacity"`
	Registration    string        `json:"registration,omitempty"` // the caller's: registered or waitlisted
	// RegistrationMode is how the caller attends when they registered: online or in_person.
	RegistrationMode string `json:"registration_mode,omitempty"`
	// AttendanceModes are the ways to attend (online, in_person); Venue is where it meets in person.
	AttendanceModes  []string             `json:"attendance_modes"`
	Venue            *convene.Venue       `json:"venue"`
	InPersonCapacity *int                 `json:"in_person_capacity"`
	Accessibility    apiAccessibility     `json:"accessibility"`
	Note             string               `json:"note,omitempty"`
	Translations     convene.Translations `json:"translations"` // every version of its texts: language → field → text
}

// apiAccessibility is what a call offers so that everyone can take part, every key present.
type apiAccessibility struct {
	Captions       *string  `json:"captions"` // null, "automatic" or "human" (CART)
	Interpretation []string `json:"interpretation"`
	SignLanguages  []string `json:"sign_languages"`
	MaterialsAhead bool     `json:"materials_ahead"`
	Contact        *string  `json:"contact"`
}

func toAPIAccessibility(a convene.Accessibility) apiAccessibility {
	out := apiAccessibility{Interpretation: append([]string{}, a.Interpretation...), SignLanguages: append([]string{}, a.SignLanguages...),
		MaterialsAhead: a.MaterialsAhead}
	if a.Captions != "" {
		out.Captions = &a.Captions
	}
	if a.Contact != "" {
		out.Contact = &a.Contact
	}
	return out
}

// callContext is what shapes a call's JSON for one caller.
type callContext struct {
	standing     convene.Standing
	registration string
	mode         string
	registered   int
}

func (s *Server) toAPICall(c *convene.Community, call *convene.Call, agenda []*convene.AgendaItem, kit *convene.JoinKit, cc callContext) apiCall {
	out := apiCall{ID: call.ID, Title: call.DisplayTitle(), Theme: call.Theme, Note: call.Note, Translations: convene.Versions(call),
		Status:   call.StatusAt(s.clock.Now()),
		StartsAt: call.StartsAt.UTC().Format(time.RFC3339), EndsAt: call.EndsAt().UTC().Format(time.RFC3339),
		TimeZone: call.Series.TimeZone, Moved: call.Moved(), URL: s.absURL(callPath(c, call)),
		ICSURL: s.absURL(callPath(c, call) + "/calendar.ics"),
		Series: apiSeries{ID: call.Series.ID, Title: call.Series.Title, RRule: call.Series.RRule, TimeZone: call.Series.TimeZone,
			Translations: convene.Versions(call.Series),
			URL:          s.absURL(seriesPath(c, call.Series)), ICSURL: s.absURL(seriesPath(c, call.Series) + "/calendar.ics")},
		Agenda: []apiAgendaItem{}}
	for _, a := range agenda {
		out.Agenda = append(out.Agenda, apiAgendaItem{Position: a.Position, Kind: a.Kind, Title: a.Title, Description: a.Description,
			Presenter: a.PresenterName, Organization: a.PresenterOrg, Minutes: a.Minutes, Translations: convene.Versions(a)})
		if a.PresenterPhoto != nil {
			out.Agenda[len(out.Agenda)-1].Photo = s.absURL(imagePath(c, a.PresenterPhoto))
		}
	}
	out.RegisteredCount, out.Registration = cc.registered, cc.registration
	if cc.registration != "" {
		out.RegistrationMode = cc.mode
	}
	if call.Capacity > 0 && call.Online() {
		capacity := call.Capacity
		out.Capacity = &capacity
	}
	out.AttendanceModes, out.Accessibility = call.AttendanceModes(), toAPIAccessibility(call.Accessibility())
	if call.InPerson() {
		out.Venue = call.Venue
		if call.InPersonCapacity > 0 {
			capacity := call.InPersonCapacity
			out.InPersonCapacity = &capacity
		}
	}
	access := call.JoinAccessFor(cc.standing, s.clock.Now())
	out.JoinAccess = apiJoinAccess{Level: call.JoinLevel(), Visible: access.Visible, Need: access.Need}
	if !access.From.IsZero() {
		out.JoinAccess.From = access.From.UTC().Format(time.RFC3339)
	}
	if kit != nil && access.Visible {
		j := &apiJoinKit{Provider: kit.Provider, URL: kit.JoinURL, MeetingID: kit.MeetingID, Passcode: kit.Passcode,
			LocalNumbersURL: kit.LocalNumbersURL, SIP: kit.SIP, DialIns: []apiDialIn{}, OneTap: []string{}}
		for _, d := range kit.DialIns {
			j.DialIns = append(j.DialIns, apiDialIn{Number: d.Number, Label: d.Label})
		}
		for _, t := range kit.OneTaps() {
			j.OneTap = append(j.OneTap, t.Dial)
		}
		out.Join = j
	}
	return out
}

// maxAPIRange is the longest span one calls request may cover.
const maxAPIRange = 10 * 366 * 24 * time.Hour

func (s *Server) apiCalls(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := convene.CallFilter{CommunityID: c.ID}
	for _, bound := range []struct {
		name string
		t    *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := q.Get(bound.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil || t.Year() < 1900 || t.Year() > 9999 {
				return convene.Invalid("api.bound.invalid", map[string]any{"Name": bound.name, "Value": v})
			}
			*bound.t = t
		}
	}
	if f.From.IsZero() && f.To.IsZero() { // default: what is coming, to the minute
		f.From = s.clock.Now().Truncate(time.Minute).Add(-convene.MaxDuration * time.Minute)
	}
	if !f.From.IsZero() && !f.To.IsZero() {
		if !f.From.Before(f.To) {
			return convene.Invalid("api.bound.order", nil)
		}
		if f.To.Sub(f.From) > maxAPIRange {
			return convene.Invalid("api.bound.range", map[string]any{"Years": 10})
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return convene.Invalid("api.limit.invalid", map[string]any{"Max": 1000})
		}
		f.Limit = n
	} else {
		f.Limit = 500
	}
	// An anonymous caller asking again for unchanged calls gets the answer after one aggregate
	// query (stamped.go); the counts of registered people are part of it.
	stamp, err := s.publicStamp(r, f, true, c.UpdatedAt)
	if err != nil {
		return err
	}
	return s.serveStamped(w, r, stamp, func(w http.ResponseWriter) error { return s.writeAPICalls(w, r, c, f) })
}

// writeAPICalls writes the calls f selects for the caller.
func (s *Server) writeAPICalls(w http.ResponseWriter, r *http.Request, c *convene.Community, f convene.CallFilter) error {
	ctx := r.Context()
	calls, err := s.store.Calls(ctx, f)
	if err != nil {
		return err
	}
	ids := make([]int64, len(calls))
	for i, call := range calls {
		ids[i] = call.ID
	}
	agendas, err := s.store.Agendas(ctx, ids)
	if err != nil {
		return err
	}
	kits, err := s.store.CallJoinKits(ctx, calls)
	if err != nil {
		return err
	}
	contexts, err := s.callContexts(r, c, calls)
	if err != nil {
		return err
	}
	for _, call := range calls {
		s.localize(r, c, call, call.Series)
		for _, a := range agendas[call.ID] {
			s.localize(r, c, a)
		}
	}
	out := struct {
		Calls []apiCall `json:"calls"`
	}{Calls: make([]apiCall, 0, len(calls))}
	for _, call := range calls {
		out.Calls = append(out.Calls, s.toAPICall(c, call, agendas[call.ID], kits[call.ID], contexts[call.ID]))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiCall(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return convene.NotFound("call.not_found")
	}
	call, err := s.store.CallByID(ctx, id)
	if err != nil {
		return err
	}
	c, err := s.store.CommunityByID(ctx, call.CommunityID)
	if err != nil {
		return err
	}
	agenda, err := s.store.Agenda(ctx, call.ID)
	if err != nil {
		return err
	}
	kit, _, err := s.store.CallJoinKit(ctx, call)
	if err != nil && convene.ErrorCode(err) != convene.ENOTFOUND {
		return err
	}
	contexts, err := s.callContexts(r, c, []*convene.Call{call})
	if err != nil {
		return err
	}
	s.localizeData(r, c, call, agenda)
	return writeJSON(w, http.StatusOK, s.toAPICall(c, call, agenda, kit, contexts[call.ID]))
}

// callContexts works out, for calls of one community, the caller's standing and registration and
// each call's number of registered people, in a few queries.
func (s *Server) callContexts(r *http.Request, c *convene.Community, calls []*convene.Call) (map[int64]callContext, error) {
	ctx := r.Context()
	ids := make([]int64, len(calls))
	for i, call := range calls {
		ids[i] = call.ID
	}
	counts, err := s.store.RegisteredCounts(ctx, ids)
	if err != nil {
		return nil, err
	}
	var rights convene.Rights
	places := map[int64]convene.Place{}
	if u := viewerOf(r).User; u != nil {
		if rights, err = s.rightsIn(r, c); err != nil {
			return nil, err
		}
		if places, err = s.store.Places(ctx, u.ID, ids); err != nil {
			return nil, err
		}
	}
	out := make(map[int64]callContext, len(calls))
	for _, call := range calls {
		p := places[call.ID]
		out[call.ID] = callContext{standing: rights.At(p), registration: p.Status, mode: p.Mode, registered: counts[call.ID]}
	}
	return out, nil
}

// apiRegistration registers the caller for a call (POST) or cancels their registration (DELETE).
func (s *Server) apiRegistration(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := viewerOf(r).User
	if u == nil {
		return convene.Errorf(convene.EUNAUTHORIZED, "signin.required", nil)
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return convene.NotFound("call.not_found")
	}
	call, err := s.store.CallByID(ctx, id)
	if err != nil {
		return err
	}
	if r.Method == http.MethodDelete {
		if err := s.acts.CancelRegistration(ctx, action.Actor{User: u}, call.ID); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	var body struct {
		Answers       map[string]string `json:"answers"`
		Series        bool              `json:"series"`
		Mode          string            `json:"mode"`
		Accommodation string            `json:"accommodation"`
	}
	if r.ContentLength != 0 {
		if err := decodeBody(w, r, &body); err != nil {
			return err
		}
	}
	// The store checks the answers against the series' questions, for every path alike.
	in := convene.Signup{Answers: body.Answers, Mode: body.Mode, Accommodation: body.Accommodation}
	if _, err := s.acts.Register(ctx, action.Actor{User: u}, call, body.Series, in); err != nil {
		return err
	}
	places, err := s.store.Places(ctx, u.ID, []int64{call.ID})
	if err != nil {
		return err
	}
	p := places[call.ID]
	return writeJSON(w, http.StatusOK, map[string]any{"call_id": call.ID, "status": p.Status, "mode": p.Mode, "series": body.Series})
}

// decodeBody reads a JSON request body of at most 64 KiB into v.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
	if err != nil {
		return convene.Invalid("api.body.invalid", nil)
	}
	if !validJSON(raw) {
		return convene.Invalid("form.bad_text", nil)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return convene.Invalid("api.body.invalid", nil)
	}
	return nil
}
