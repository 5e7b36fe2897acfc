package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/opengovcall/convene"
)

// kitValues turns a join kit into form values; dial-ins become one "number label" line each.
func kitValues(k *convene.JoinKit) url.Values {
	if k == nil {
		return url.Values{"provider": {convene.ProviderZoom}}
	}
	var lines []string
	for _, d := range k.DialIns {
		lines = append(lines, strings.TrimSpace(convene.FormatPhone(d.Number)+" "+d.Label))
	}
	v := url.Values{"provider": {k.Provider}, "join_url": {k.JoinURL}, "meeting_id": {k.MeetingIDDisplay()}, "passcode": {k.Passcode},
		"dial_ins": {strings.Join(lines, "\n")}, "local_numbers_url": {k.LocalNumbersURL}, "sip": {k.SIP}}
	if k.PhonePasscode {
		v.Set("phone_passcode", "on")
	}
	return v
}

var dialInLine = regexp.MustCompile(`^\s*(\+?[0-9][0-9 ().-]{6,}[0-9])\s*(.*)$`)

// kitFromValues reads a join kit from form values; a dial-in line without a number is a field error.
func kitFromValues(vals url.Values) (*convene.JoinKit, []convene.FieldError) {
	k := &convene.JoinKit{Provider: vals.Get("provider"), JoinURL: vals.Get("join_url"), MeetingID: vals.Get("meeting_id"),
		Passcode: vals.Get("passcode"), PhonePasscode: vals.Get("phone_passcode") != "", LocalNumbersURL: vals.Get("local_numbers_url"),
		SIP: vals.Get("sip")}
	var errs []convene.FieldError
	for _, line := range strings.Split(vals.Get("dial_ins"), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		m := dialInLine.FindStringSubmatch(line)
		if m == nil {
			errs = append(errs, convene.FieldError{Field: "dial_ins", Key: "joinkit.dial_in.line", Args: map[string]any{"Line": strings.TrimSpace(line)}})
			continue
		}
		k.DialIns = append(k.DialIns, convene.DialIn{Number: m[1], Label: strings.TrimSpace(m[2])})
	}
	return k, errs
}

func (s *Server) joinKitForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, b, err := s.organizing(r)
	if err != nil {
		return err
	}
	l := b.L
	call, sr, err := s.callOrSeriesOf(r, c)
	if err != nil {
		return err
	}
	var current *convene.JoinKit
	ed := editor{submit: l.T("action.save")}
	if call != nil {
		k, own, err := s.store.CallJoinKit(ctx, call)
		if err != nil && convene.ErrorCode(err) != convene.ENOTFOUND {
			return err
		}
		if own || k != nil {
			current = k // start an override from the series' kit
		}
		ed.title, ed.back = l.T("joinkit.edit_call"), callPath(c, call)
	} else {
		if current, err = s.store.SeriesJoinKit(ctx, sr.ID); err != nil && convene.ErrorCode(err) != convene.ENOTFOUND {
			return err
		}
		ed.title, ed.back = l.T("joinkit.edit_series", "Series", sr.Title), seriesPath(c, sr)
	}
	ed.initial = kitValues(current)
	var providers []Option
	for _, p := range convene.Providers {
		providers = append(providers, Option{Value: p, Label: l.T("provider." + p)})
	}
	ed.fields = []Field{
		{Name: "provider", Label: l.T("field.provider"), Type: "select", Options: providers},
		{Name: "join_url", Label: l.T("field.join_url"), Type: "url", Max: 2000},
		{Name: "meeting_id", Label: l.T("field.meeting_id"), Type: "text", Max: 40},
		{Name: "passcode", Label: l.T("field.passcode"), Type: "text", Max: 32},
		{Name: "phone_passcode", Label: l.T("field.phone_passcode"), Type: "checkbox"},
		{Name: "dial_ins", Label: l.T("field.dial_ins"), Type: "textarea", Hint: l.T("hint.dial_ins")},
		{Name: "local_numbers_url", Label: l.T("field.local_numbers_url"), Type: "url", Max: 2000},
		{Name: "sip", Label: l.T("field.sip"), Type: "text", Max: 200},
	}
	paste := &Form{Action: b.Path, Submit: l.T("joinkit.paste.submit"), Fields: []Field{
		{Name: "invitation", Label: l.T("field.invitation"), Type: "textarea", Hint: l.T("hint.invitation"), Max: 20000},
	}}
	paste.build(url.Values{}, nil, l)
	ed.paste = paste
	ed.save = func(vals url.Values) (string, string, error) {
		k, parse := kitFromValues(vals)
		if call != nil {
			k.CallID = call.ID
		} else {
			k.SeriesID = sr.ID
		}
		k.Normalize()
		if err := mergeErrors(parse, k.Validate()); err != nil {
			return "", "", err
		}
		if err := s.store.SaveJoinKit(ctx, c.ID, k); err != nil {
			return "", "", err
		}
		return ed.back, "flash.joinkit_saved", nil
	}
	if r.Method == http.MethodPost {
		vals, err := parseForm(w, r)
		if err != nil {
			return err
		}
		if _, pasted := vals["invitation"]; pasted {
			// Pasting fills the form in for review; nothing is saved until the organizer saves it.
			read, err := convene.ReadZoomInvitation(vals.Get("invitation"))
			if err != nil {
				fe, ok := errorsOf(l, err)
				if !ok {
					return err
				}
				paste.build(vals, formErrors{"invitation": fe[""]}, l)
				return s.showForm(w, statusOf(err), b, ed, ed.initial, nil, nil)
			}
			paste.Info = l.T("joinkit.paste.filled")
			if len(read.LeftOut) > 0 {
				paste.Info += " " + l.T("joinkit.paste.left_out", "Parts", strings.Join(read.LeftOut, " · "))
			}
			return s.showForm(w, http.StatusOK, b, ed, kitValues(&read.Kit), nil, nil)
		}
		r.PostForm, r.Form = vals, vals
	}
	return s.edit(w, r, b, ed)
}

func (s *Server) deleteCallJoinKit(w http.ResponseWriter, r *http.Request) error {
	c, _, err := s.organizing(r)
	if err != nil {
		return err
	}
	call, err := s.callOf(r, c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteCallJoinKit(r.Context(), c.ID, call.ID); err != nil {
		return err
	}
	return s.redirect(w, r, callPath(c, call), "flash.joinkit_removed")
}
