package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/action"
)

// Accessibility and hybrid calls: the form fields organizers fill in on a series and a call, what
// a call page shows of them, and what a registrant says about how they attend and what they need.

// accessibilityFields ask what a series' (or one call's) calls offer: captions, interpretation,
// sign language, materials ahead, and whom to ask. a is the offer shown, so that languages the
// API set outside the form's list stay offered.
func accessibilityFields(l *Localizer, a convene.Accessibility) Field {
	captions := Field{Name: "captions", Label: l.T("field.captions"), Type: "select"}
	for _, k := range convene.CaptionKinds {
		label := l.T("accessibility.captions_none")
		if k != "" {
			label = l.T("accessibility.captions." + k)
		}
		captions.Options = append(captions.Options, Option{Value: k, Label: label})
	}
	interp := Field{Name: "interpretation", Label: l.T("field.interpretation"), Type: "group"}
	for _, lang := range offeredLanguages(a) {
		interp.Versions = append(interp.Versions, Field{Name: "interpretation." + lang, Label: languageName(l.Lang, lang), Type: "checkbox"})
	}
	signs := Field{Name: "sign_languages", Label: l.T("field.sign_languages"), Type: "group"}
	for _, s := range convene.SignLanguages {
		signs.Versions = append(signs.Versions, Field{Name: "sign." + s, Label: l.T("accessibility.sign_name." + s), Type: "checkbox"})
	}
	return Field{Name: "accessibility", Label: l.T("accessibility.heading"), Type: "group", Versions: []Field{
		captions, interp, signs,
		{Name: "materials_ahead", Label: l.T("field.materials_ahead"), Type: "checkbox"},
		{Name: "access_contact", Label: l.T("field.access_contact"), Type: "text", Max: convene.MaxAccessContact, Hint: l.T("hint.access_contact")},
	}}
}

// offeredLanguages are the interpretation languages a form offers: the usual ones and any the
// offer holds besides.
func offeredLanguages(a convene.Accessibility) []string {
	out := slices.Clone(convene.InterpretationOffered)
	for _, lang := range a.Interpretation {
		if !slices.Contains(out, lang) {
			out = append(out, lang)
		}
	}
	return out
}

// accessibilityValues are a form's values for an offer.
func accessibilityValues(vals url.Values, a convene.Accessibility) url.Values {
	vals.Set("captions", a.Captions)
	for _, lang := range a.Interpretation {
		vals.Set("interpretation."+lang, "on")
	}
	for _, s := range a.SignLanguages {
		vals.Set("sign."+s, "on")
	}
	if a.MaterialsAhead {
		vals.Set("materials_ahead", "on")
	}
	vals.Set("access_contact", a.Contact)
	return vals
}

// readAccessibility reads an offer from a form; languages keep the order of the form's list.
func readAccessibility(vals url.Values) convene.Accessibility {
	a := convene.Accessibility{Captions: vals.Get("captions"), MaterialsAhead: vals.Get("materials_ahead") != "",
		Contact: vals.Get("access_contact")}
	for _, lang := range convene.InterpretationOffered {
		if vals.Get("interpretation."+lang) != "" {
			a.Interpretation = append(a.Interpretation, lang)
		}
	}
	var others []string // set through the API, shown after the form's list
	for name := range vals {
		if lang, ok := strings.CutPrefix(name, "interpretation."); ok && vals.Get(name) != "" && !slices.Contains(convene.InterpretationOffered, lang) {
			others = append(others, lang)
		}
	}
	slices.Sort(others)
	a.Interpretation = append(a.Interpretation, others...)
	for _, s := range convene.SignLanguages {
		if vals.Get("sign."+s) != "" {
			a.SignLanguages = append(a.SignLanguages, s)
		}
	}
	return a
}

// hybridFields ask how a call takes place: online, in a room or both, the room, and its places.
func hybridFields(l *Localizer) []Field {
	mode := Field{Name: "attendance_mode", Label: l.T("field.attendance_mode"), Type: "select", Hint: l.T("hint.attendance_mode")}
	for _, m := range convene.CallModes {
		mode.Options = append(mode.Options, Option{Value: m, Label: l.T("call.mode." + m)})
	}
	return []Field{mode, {Name: "venue", Label: l.T("venue.heading"), Type: "group", Versions: []Field{
		{Name: "venue_name", Label: l.T("field.venue_name"), Type: "text", Max: convene.MaxTitle},
		{Name: "venue_address", Label: l.T("field.venue_address"), Type: "textarea", Max: 2 * convene.MaxShortText},
		{Name: "venue_room", Label: l.T("field.venue_room"), Type: "text", Max: convene.MaxName},
		{Name: "venue_map_url", Label: l.T("field.venue_map_url"), Type: "url", Max: convene.MaxJoinKitURL},
		{Name: "venue_access_notes", Label: l.T("field.venue_access_notes"), Type: "textarea", Max: convene.MaxDescription, Hint: l.T("hint.venue_access_notes")},
		{Name: "in_person_capacity", Label: l.T("field.in_person_capacity"), Type: "number", Hint: l.T("hint.in_person_capacity")},
	}}}
}

// hybridValues are a form's values for how a call takes place.
func hybridValues(vals url.Values, call *convene.Call) url.Values {
	vals.Set("attendance_mode", call.Mode())
	if v := call.Venue; v != nil {
		vals.Set("venue_name", v.Name)
		vals.Set("venue_address", v.Address)
		vals.Set("venue_room", v.Room)
		vals.Set("venue_map_url", v.MapURL)
		vals.Set("venue_access_notes", v.AccessNotes)
	}
	vals.Set("in_person_capacity", strconv.Itoa(call.InPersonCapacity))
	if a := call.OwnAccessibility; a != nil {
		vals.Set("own_accessibility", "on")
		accessibilityValues(vals, *a)
	}
	return vals
}

// readHybrid reads how a call takes place, and its own accessibility offer, into call.
func readHybrid(vals url.Values, call *convene.Call, parse *[]convene.FieldError) {
	call.AttendanceMode = vals.Get("attendance_mode")
	call.Venue = &convene.Venue{Name: vals.Get("venue_name"), Address: vals.Get("venue_address"), Room: vals.Get("venue_room"),
		MapURL: vals.Get("venue_map_url"), AccessNotes: vals.Get("venue_access_notes")}
	call.InPersonCapacity = intField(vals, "in_person_capacity", parse)
	call.OwnAccessibility = nil
	if vals.Get("own_accessibility") != "" {
		a := readAccessibility(vals)
		call.OwnAccessibility = &a
	}
}

// callAccessFields are the call form's accessibility fields: whether it differs from its series,
// then the offer.
func callAccessFields(l *Localizer, call *convene.Call, sr *convene.Series) []Field {
	a := sr.Accessibility
	if call != nil && call.OwnAccessibility != nil {
		a = *call.OwnAccessibility
	}
	return []Field{{Name: "own_accessibility", Label: l.T("field.own_accessibility"), Type: "checkbox"}, accessibilityFields(l, a)}
}

// signupFields ask a registrant how they attend a hybrid call and what they need to take part.
func signupFields(l *Localizer, call *convene.Call) []Field {
	var out []Field
	if call.Mode() == convene.CallHybrid {
		mode := Field{Name: "mode", Label: l.T("field.mode"), Type: "radio", Required: true}
		for _, m := range call.AttendanceModes() {
			mode.Options = append(mode.Options, Option{Value: m, Label: l.T("register.mode." + m)})
		}
		out = append(out, mode)
	}
	hint := l.T("hint.accommodation")
	if c := call.Accessibility().Contact; c != "" {
		hint = l.T("hint.accommodation_contact", "Contact", c)
	}
	return append(out, Field{Name: "accommodation", Label: l.T("field.accommodation"), Type: "textarea", Max: convene.MaxAccommodation, Hint: hint})
}

// callHybrid is what a call page shows of how the call takes place and of the viewer's place.
type callHybrid struct {
	Modes         []string
	Venue         *convene.Venue
	Access        []string       // what the call offers, one sentence each
	Counts        map[string]int // places taken per way of attending
	MyMode        string         // how the viewer attends, when they registered
	Accommodation string         // what the viewer asked for
	SwitchTo      string         // the other way of attending a hybrid call, for a registrant
}

// loadHybrid fills what a call page shows of accessibility, the venue and the viewer's place.
func (s *Server) loadHybrid(ctx context.Context, l *Localizer, call *convene.Call, u *convene.User, place convene.Place) (*callHybrid, error) {
	h := &callHybrid{Modes: call.AttendanceModes(), Access: l.Accessibility(call.Accessibility())}
	if call.InPerson() {
		h.Venue = call.Venue
	}
	var err error
	if h.Counts, err = s.store.RegisteredByMode(ctx, call.ID); err != nil {
		return nil, err
	}
	if place.Status == "" || u == nil {
		return h, nil
	}
	h.MyMode = place.Mode
	if call.Mode() == convene.CallHybrid {
		h.SwitchTo = convene.AttendOnline
		if place.Mode == convene.AttendOnline {
			h.SwitchTo = convene.AttendInPerson
		}
	}
	reg, err := s.store.RegistrationOf(ctx, call.ID, u.ID)
	if err != nil {
		return nil, err
	}
	h.Accommodation = reg.Accommodation
	return h, nil
}

// accommodation changes what a registrant asked for to take part in a call.
func (s *Server) accommodation(w http.ResponseWriter, r *http.Request) error {
	c, call, err := s.communityCall(r)
	if err != nil {
		return err
	}
	u := viewerOf(r).User
	if u == nil {
		return convene.Errorf(convene.EUNAUTHORIZED, "signin.required", nil)
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if err := s.acts.SetAccommodation(r.Context(), action.Actor{User: u}, call.ID, vals.Get("accommodation")); err != nil {
		if _, ok := errorsOf(viewerOf(r).L, err); ok {
			return s.showCall(w, r, c, call, statusOf(err), vals, err)
		}
		return err
	}
	return s.redirect(w, r, callPath(c, call)+"#register", "flash.accommodation_saved")
}
