package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/store"
)

// account is the signed-in viewer's own account with their interests, for the pages that show or
// change it. Changing it takes a browser session: an API token reads through the API, but cannot
// change a password, make more tokens or delete the account.
func (s *Server) account(r *http.Request) (*convene.User, error) {
	v := viewerOf(r)
	if v.User == nil {
		return nil, convene.Errorf(convene.EUNAUTHORIZED, "signin.required", nil)
	}
	if v.Token {
		return nil, convene.Errorf(convene.EFORBIDDEN, "me.session_required", nil)
	}
	u := *v.User
	return &u, s.store.LoadInterests(r.Context(), []*convene.User{&u})
}

// membership is one community a person belongs to, with their role in it.
type membership = store.Membership

// membershipsOf lists the communities a person belongs to.
func (s *Server) membershipsOf(r *http.Request, userID int64) ([]membership, error) {
	return s.store.MembershipsOf(r.Context(), userID)
}

// profileLanguageOptions are the language choices of a profile; the first language is the one of
// their mail.
func profileLanguageOptions(l *Localizer) []Option {
	return []Option{{Value: "en", Label: l.T("languages.en")}, {Value: "fr", Label: l.T("languages.fr")},
		{Value: "en,fr", Label: l.T("people.languages.en_fr")}, {Value: "fr,en", Label: l.T("people.languages.fr_en")}}
}

func visibilityOptions(l *Localizer) []Option {
	var out []Option
	for _, v := range convene.Visibilities {
		out = append(out, Option{Value: v, Label: l.T("people.visibility." + v)})
	}
	return out
}

type tokenView struct {
	ID       int64
	Name     string
	Created  string
	LastUsed string // "" if never used
	Scopes   string // what it may do, in words
}

type myCommunity struct {
	Name, URL, ProfileURL, Role string
}

type mePage struct {
	base
	Section     string // the part of the account shown: profile, security, calendar or data
	Sections    []meSection
	Email       string
	NewToken    string // shown once, right after it was made
	HasPassword bool
	Profile     *Form
	Password    *Form
	Token       *Form
	Delete      *Form
	Tokens      []tokenView
	Communities []myCommunity
	FeedOn      bool
	NewFeed     *feedURLs // the personal feed's addresses, shown once after they are made
}

// meSection is one page of one's account, in its navigation.
type meSection struct {
	Name, Href string
	Current    bool
}

// meSections are the account's pages: the profile and one's communities; password and sign-ins;
// the calendar feed and API tokens; one's data and deleting the account.
var meSections = []struct{ name, href string }{
	{"profile", "/me"}, {"security", "/me/security"}, {"calendar", "/me/calendar"}, {"data", "/me/data"},
}

// sectionOf is the account page a form posted there belongs to.
func sectionOf(which string) string {
	switch which {
	case "password":
		return "security"
	case "token":
		return "calendar"
	case "delete":
		return "data"
	}
	return "profile"
}

// showMe renders the account page; which names the form (profile, password, token, delete) that
// was posted with vals and came back with errs, so it shows them.
func (s *Server) showMe(w http.ResponseWriter, r *http.Request, u *convene.User, status int, which string, vals url.Values, errs formErrors) error {
	ctx := r.Context()
	b := s.newBase(r, "")
	l := b.L
	b.Title = l.T("me.title")
	p := mePage{base: b, Email: u.Email, HasPassword: u.PasswordHash != "", NewToken: s.sessions.PopString(ctx, "new_token"), Section: sectionOf(which)}
	if which == "" {
		for _, sec := range meSections {
			if sec.href == r.URL.Path {
				p.Section = sec.name
			}
		}
	}
	for _, sec := range meSections {
		p.Sections = append(p.Sections, meSection{Name: sec.name, Href: sec.href, Current: sec.name == p.Section})
	}
	if err := s.fillFeed(r, u, &p); err != nil {
		return err
	}
	p.Profile = &Form{Action: "/me", Submit: l.T("action.save"), Fields: []Field{
		{Name: "name", Label: l.T("field.name"), Type: "text", Required: true, Max: convene.MaxName, Hint: l.T("people.hint.name")},
		{Name: "organization", Label: l.T("people.field.organization"), Type: "text", Max: convene.MaxShortText},
		{Name: "title", Label: l.T("people.field.title"), Type: "text", Max: convene.MaxShortText},
		{Name: "jurisdiction", Label: l.T("people.field.jurisdiction"), Type: "select", Options: jurisdictionOptions(l, "people.jurisdiction.none")},
		{Name: "municipality", Label: l.T("people.field.municipality"), Type: "text", Max: convene.MaxShortText, Hint: l.T("people.hint.municipality")},
		{Name: "province", Label: l.T("people.field.province"), Type: "select", Options: provinceOptions(l), Hint: l.T("people.hint.province")},
		{Name: "sector", Label: l.T("people.field.sector"), Type: "select", Options: sectorOptions(l, "people.sector.none")},
		{Name: "interests", Label: l.T("people.field.interests"), Type: "text", Max: 600, Hint: l.T("people.hint.interests", "Max", convene.MaxInterests)},
		{Name: "languages", Label: l.T("field.languages"), Type: "select", Options: profileLanguageOptions(l), Hint: l.T("people.hint.languages")},
		{Name: "time_zone", Label: l.T("field.time_zone"), Type: "zone", Hint: l.T("hint.time_zone"), Options: zoneOptions(l, u.TimeZone),
			Placeholder: l.T("zone.unset")},
		{Name: "visibility", Label: l.T("people.field.visibility"), Type: "select", Options: visibilityOptions(l), Hint: l.T("people.hint.visibility")},
		{Name: "bio", Label: l.T("people.field.bio"), Type: "textarea", Max: convene.MaxBio},
		{Name: "reminders_off", Label: l.T("field.reminders_off"), Type: "checkbox"},
	}}
	p.Password = &Form{Action: "/me/password", Submit: l.T("me.password.submit")}
	if p.HasPassword {
		p.Password.Fields = append(p.Password.Fields, Field{Name: "current_password", Label: l.T("me.field.current_password"), Type: "password", Required: true, Max: 72})
	}
	p.Password.Fields = append(p.Password.Fields,
		Field{Name: "password", Label: l.T("me.field.new_password"), Type: "password", Required: true, Max: 72, Hint: l.T("me.hint.password", "Min", convene.MinPassword)},
		Field{Name: "password_confirm", Label: l.T("me.field.password_confirm"), Type: "password", Required: true, Max: 72})
	p.Token = &Form{Action: "/me/tokens", Submit: l.T("me.tokens.submit"), Fields: []Field{
		{Name: "token_name", Label: l.T("me.field.token_name"), Type: "text", Required: true, Max: 80, Hint: l.T("me.hint.token_name")},
		{Name: "scope_register", Label: l.T("token.scope.register"), Type: "checkbox"},
		{Name: "scope_organize", Label: l.T("token.scope.organize"), Type: "checkbox"},
	}}
	p.Delete = &Form{Action: "/me/delete", Submit: l.T("me.delete.submit"), Fields: []Field{
		{Name: "delete_email", Label: l.T("me.field.delete_email"), Type: "email", Required: true, Max: 254, Hint: l.T("me.hint.delete_email", "Email", u.Email)},
	}}
	initial := url.Values{"name": {u.Name}, "organization": {u.Organization}, "title": {u.Title}, "jurisdiction": {u.Jurisdiction},
		"municipality": {u.Municipality}, "province": {u.Province}, "sector": {u.Sector}, "interests": {strings.Join(u.Interests, ", ")},
		"languages": {strings.Join(u.Languages, ",")}, "time_zone": {u.TimeZone}, "visibility": {u.Visibility}, "bio": {u.Bio}}
	if u.RemindersOff {
		initial.Set("reminders_off", "on")
	}
	for name, f := range map[string]*Form{"profile": p.Profile, "password": p.Password, "token": p.Token, "delete": p.Delete} {
		fv, fe := url.Values{}, formErrors{}
		if name == "profile" {
			fv = initial
		}
		if name == which {
			fv, fe = vals, errs
		}
		if name == "password" {
			fv = url.Values{} // a password is never sent back
		}
		f.build(fv, fe, l)
	}
	tokens, err := s.store.APITokens(ctx, u.ID)
	if err != nil {
		return err
	}
	loc, err := convene.LoadZone(b.Zone)
	if err != nil {
		loc = time.UTC
	}
	for _, t := range tokens {
		tv := tokenView{ID: t.ID, Name: t.Name, Created: l.ShortDate(t.CreatedAt.In(loc))}
		var scopes []string
		for _, scope := range t.Scopes {
			scopes = append(scopes, l.T("token.scope_name."+scope))
		}
		tv.Scopes = strings.Join(scopes, ", ")
		if t.LastUsedAt != nil {
			tv.LastUsed = l.ShortDate(t.LastUsedAt.In(loc))
		}
		p.Tokens = append(p.Tokens, tv)
	}
	ms, err := s.membershipsOf(r, u.ID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		p.Communities = append(p.Communities, myCommunity{Name: m.Community.Name, URL: "/c/" + m.Community.Slug,
			ProfileURL: profilePath(m.Community, u.ID), Role: l.T("members.role." + m.Role)})
	}
	// The page can carry a new token: keep it out of every cache.
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, status, "me", p)
}

func (s *Server) mePage(w http.ResponseWriter, r *http.Request) error {
	u, err := s.account(r)
	if err != nil {
		return err
	}
	return s.showMe(w, r, u, http.StatusOK, "", nil, nil)
}

// reshowMe answers a form on the account page that failed: its own mistakes on the page again, any
// other error as an error page.
func (s *Server) reshowMe(w http.ResponseWriter, r *http.Request, u *convene.User, which string, vals url.Values, err error) error {
	fe, ok := errorsOf(viewerOf(r).L, err)
	if !ok {
		return err
	}
	return s.showMe(w, r, u, statusOf(err), which, vals, fe)
}

func (s *Server) saveProfile(w http.ResponseWriter, r *http.Request) error {
	u, err := s.account(r)
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	nu := *u
	nu.Name, nu.Organization, nu.Title = vals.Get("name"), vals.Get("organization"), vals.Get("title")
	nu.Jurisdiction, nu.Municipality, nu.Province, nu.Sector = vals.Get("jurisdiction"), vals.Get("municipality"), vals.Get("province"), vals.Get("sector")
	nu.Interests = convene.SplitInterests(vals.Get("interests"))
	nu.Languages = nil
	if langs := strings.TrimSpace(vals.Get("languages")); langs != "" {
		nu.Languages = strings.Split(langs, ",")
	}
	nu.TimeZone, nu.Visibility, nu.Bio = vals.Get("time_zone"), vals.Get("visibility"), vals.Get("bio")
	nu.RemindersOff = vals.Get("reminders_off") != ""
	if err := s.store.UpdateProfile(r.Context(), &nu); err != nil {
		return s.reshowMe(w, r, u, "profile", vals, err)
	}
	return s.redirect(w, r, "/me", "flash.saved")
}

// setPassword sets a first password, or changes one given the current password (counted like a
// sign-in attempt, so it cannot be guessed here either).
func (s *Server) setPassword(w http.ResponseWriter, r *http.Request) error {
	u, err := s.account(r)
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	var fields []convene.FieldError
	if u.PasswordHash != "" {
		if _, err := s.authenticate(r, u.Email, vals.Get("current_password")); err != nil {
			e, ok := convene.AsError(err)
			switch {
			case ok && e.Code == convene.EUNAUTHORIZED:
				fields = append(fields, convene.FieldError{Field: "current_password", Key: "me.password.current_wrong"})
			case ok && e.Code == convene.ETOOMANY:
				fields = append(fields, convene.FieldError{Field: "current_password", Key: e.Key, Args: e.Args})
			default:
				return err
			}
		}
	}
	password := vals.Get("password")
	switch {
	case len(password) < convene.MinPassword:
		fields = append(fields, convene.FieldError{Field: "password", Key: "password.too_short", Args: map[string]any{"Min": convene.MinPassword}})
	case len(password) > 72:
		fields = append(fields, convene.FieldError{Field: "password", Key: "password.too_long", Args: map[string]any{"Max": 72}})
	case vals.Get("password_confirm") != password:
		fields = append(fields, convene.FieldError{Field: "password_confirm", Key: "me.password.mismatch"})
	}
	if len(fields) > 0 {
		return s.reshowMe(w, r, u, "password", vals, convene.Invalid("form.invalid", nil, fields...))
	}
	hash, err := convene.HashPassword(password)
	if err != nil {
		return err
	}
	if err := s.store.SetPassword(r.Context(), u.ID, hash); err != nil {
		return err
	}
	// A new password ends every other session: whoever knew the old one is signed out. This one
	// carries on with a new token and the new key.
	if u.SessionKey, err = s.store.EndSessions(r.Context(), u.ID); err != nil {
		return err
	}
	if err := s.startSession(r.Context(), u); err != nil {
		return err
	}
	return s.redirect(w, r, "/me/security", "me.flash.password_set")
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	u, err := s.account(r)
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	scopes := []string{convene.ScopeRead}
	for _, scope := range []string{convene.ScopeRegister, convene.ScopeOrganize} {
		if vals.Get("scope_"+scope) != "" {
			scopes = append(scopes, scope)
		}
	}
	raw, err := s.store.CreateAPIToken(r.Context(), u.ID, vals.Get("token_name"), scopes...)
	if err != nil {
		if e, ok := convene.AsError(err); ok {
			for i := range e.Fields { // the store names the token's field "name"; this page has one already
				if e.Fields[i].Field == "name" {
					e.Fields[i].Field = "token_name"
				}
			}
		}
		return s.reshowMe(w, r, u, "token", vals, err)
	}
	// Shown on the next page load only: the store keeps just its hash.
	s.sessions.Put(r.Context(), "new_token", raw)
	return s.redirect(w, r, "/me/calendar#tokens", "me.flash.token_created")
}

func (s *Server) deleteToken(w http.ResponseWriter, r *http.Request) error {
	u, err := s.account(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.store.DeleteAPIToken(r.Context(), u.ID, id); err != nil {
		return err
	}
	return s.redirect(w, r, "/me/calendar#tokens", "me.flash.token_deleted")
}

// exportData downloads everything Convene holds about the viewer as JSON.
func (s *Server) exportData(w http.ResponseWriter, r *http.Request) error {
	u, err := s.account(r)
	if err != nil {
		return err
	}
	data, err := s.store.ExportPersonalData(r.Context(), u.ID)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="convene-my-data.json"`)
	h.Set("Cache-Control", "no-store")
	_, err = w.Write(append(b, '\n'))
	return err
}

// deleteAccount erases the viewer's account once they type its email address, and signs them out.
func (s *Server) deleteAccount(w http.ResponseWriter, r *http.Request) error {
	u, err := s.account(r)
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if convene.NormalizeEmail(vals.Get("delete_email")) != convene.NormalizeEmail(u.Email) {
		return s.reshowMe(w, r, u, "delete", vals, convene.Invalid("form.invalid", nil,
			convene.FieldError{Field: "delete_email", Key: "me.delete.mismatch"}))
	}
	if err := s.store.DeleteUser(r.Context(), u.ID); err != nil {
		return err
	}
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	return s.redirect(w, r, "/", "me.flash.account_deleted")
}

type apiMembership struct {
	Community  string `json:"community"`
	Name       string `json:"name"`
	Role       string `json:"role"`
	URL        string `json:"url"`
	ProfileURL string `json:"profile_url"`
}

type apiAccount struct {
	ID           int64           `json:"id"`
	Email        string          `json:"email"`
	Name         string          `json:"name"`
	Organization string          `json:"organization"`
	Title        string          `json:"title"`
	Jurisdiction string          `json:"jurisdiction"`
	Municipality string          `json:"municipality"`
	Province     string          `json:"province,omitempty"`
	Sector       string          `json:"sector"`
	Interests    []string        `json:"interests"`
	Languages    []string        `json:"languages"`
	TimeZone     string          `json:"time_zone"`
	Visibility   string          `json:"visibility"`
	Bio          string          `json:"bio"`
	Memberships  []apiMembership `json:"memberships"`
}

// apiMe is the caller's own profile, email included, with their memberships.
func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	v := viewerOf(r)
	if v.User == nil {
		return convene.Errorf(convene.EUNAUTHORIZED, "signin.required", nil)
	}
	u := *v.User
	if err := s.store.LoadInterests(r.Context(), []*convene.User{&u}); err != nil {
		return err
	}
	out := apiAccount{ID: u.ID, Email: u.Email, Name: u.Name, Organization: u.Organization, Title: u.Title,
		Jurisdiction: u.Jurisdiction, Municipality: u.Municipality, Province: u.Province, Sector: u.Sector, Interests: u.Interests,
		Languages: u.Languages, TimeZone: u.TimeZone, Visibility: u.Visibility, Bio: u.Bio, Memberships: []apiMembership{}}
	if out.Interests == nil {
		out.Interests = []string{}
	}
	if out.Languages == nil {
		out.Languages = []string{}
	}
	ms, err := s.membershipsOf(r, u.ID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		out.Memberships = append(out.Memberships, apiMembership{Community: m.Community.Slug, Name: m.Community.Name, Role: m.Role,
			URL: s.absURL("/c/" + m.Community.Slug), ProfileURL: s.absURL(profilePath(m.Community, u.ID))})
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, out)
}
