package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/action"
	"github.com/opengovcall/convene/notify"
	"github.com/opengovcall/convene/store"
)

// answersFrom reads the answers to a series' questions from a form, keyed by question id.
func answersFrom(vals url.Values, qs []*convene.Question) map[string]string {
	out := map[string]string{}
	for _, q := range qs {
		out[strconv.FormatInt(q.ID, 10)] = vals.Get(q.AnswerField())
	}
	return out
}

// registerViewer registers u for the call, or subscribes them to its series, and returns the flash
// that says what happened.
func (s *Server) registerViewer(r *http.Request, call *convene.Call, u *convene.User, series bool, in convene.Signup) (string, error) {
	status, err := s.acts.Register(r.Context(), action.Actor{User: u}, call, series, in)
	if err != nil {
		return "", err
	}
	if series {
		return "flash.subscribed", nil
	}
	if status == convene.RegWaitlisted {
		return "flash.waitlisted", nil
	}
	return "flash.registered", nil
}

// register handles the registration form of a call page: a signed-in person registers at once;
// anyone else gives a name and an address and confirms through a link.
func (s *Server) register(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, call, err := s.communityCall(r)
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	qs, err := s.store.Questions(ctx, call.SeriesID)
	if err != nil {
		return err
	}
	if err := call.TakesRegistrations(s.clock.Now()); err != nil {
		return s.showCall(w, r, c, call, http.StatusUnprocessableEntity, vals, err)
	}
	v := viewerOf(r)
	if v.User != nil && vals.Get("mode") != "" {
		// Someone with a place asking to attend the other way: their answers stand.
		places, err := s.store.Places(ctx, v.User.ID, []int64{call.ID})
		if err != nil {
			return err
		}
		if places[call.ID].Status != "" && places[call.ID].Mode != vals.Get("mode") {
			status, err := s.acts.Register(ctx, action.Actor{User: v.User}, call, false, convene.Signup{Mode: vals.Get("mode")})
			if err != nil {
				if _, ok := errorsOf(v.L, err); ok {
					return s.showCall(w, r, c, call, statusOf(err), vals, err)
				}
				return err
			}
			return s.redirect(w, r, callPath(c, call)+"#register", "flash.switched."+status+"."+vals.Get("mode"))
		}
	}
	answers, aerr := convene.CleanAnswers(qs, answersFrom(vals, qs))
	in := convene.Signup{Answers: answers, Mode: vals.Get("mode"), Accommodation: vals.Get("accommodation")}
	in.Normalize()
	aerr = signupErrors(call, in, aerr)
	series := vals.Get("scope") == "series"
	if v.User != nil {
		if aerr != nil {
			return s.showCall(w, r, c, call, http.StatusUnprocessableEntity, vals, aerr)
		}
		flash, err := s.registerViewer(r, call, v.User, series, in)
		if err != nil {
			if _, ok := errorsOf(v.L, err); ok {
				return s.showCall(w, r, c, call, statusOf(err), vals, err)
			}
			return err
		}
		return s.redirect(w, r, callPath(c, call)+"#register", flash)
	}
	var fields []convene.FieldError
	name := strings.TrimSpace(vals.Get("name"))
	if name == "" {
		fields = append(fields, convene.FieldError{Field: "name", Key: "field.required"})
	} else if len([]rune(name)) > convene.MaxName {
		fields = append(fields, convene.FieldError{Field: "name", Key: "field.too_long", Args: map[string]any{"Max": convene.MaxName}})
	}
	if e, ok := convene.AsError(aerr); ok {
		fields = append(fields, e.Fields...)
	}
	email, err := s.checkLinkRequest(r, vals.Get("email"))
	if err != nil {
		if e, ok := convene.AsError(err); ok && e.Code == convene.EINVALID {
			fields = append(fields, e.Fields...)
		} else if ok && e.Code == convene.ETOOMANY {
			return s.showCall(w, r, c, call, statusOf(err), vals, err)
		} else {
			return err
		}
	}
	if len(fields) > 0 {
		return s.showCall(w, r, c, call, http.StatusUnprocessableEntity, vals, convene.Invalid("form.invalid", nil, fields...))
	}
	p := linkPayload{Name: name, Lang: v.L.Lang, CallID: call.ID, Series: series, Answers: answers, Mode: in.Mode, Accommodation: in.Accommodation}
	s.localize(r, c, call, call.Series) // the mail names the call in the visitor's language
	err = s.store.CreateAuthToken(ctx, store.TokenRegister, email, p, notify.LinkTTLMinutes*time.Minute, func(tok string) convene.Mail {
		return s.mails.RegistrationLink(email, name, v.L.Lang, tok, call, v.Zone)
	})
	if err != nil {
		return err
	}
	return s.checkEmail(w, r, email)
}

// signupErrors adds to the answers' errors (aerr) what is wrong with how the person attends and
// their accommodation request, so the form says everything at once.
func signupErrors(call *convene.Call, in convene.Signup, aerr error) error {
	var fields []convene.FieldError
	if e, ok := convene.AsError(aerr); ok {
		fields = append(fields, e.Fields...)
	} else if aerr != nil {
		return aerr
	}
	for _, err := range []error{func() error { _, err := call.AttendMode(in.Mode, false); return err }(), convene.CheckAccommodation(in.Accommodation)} {
		if e, ok := convene.AsError(err); ok {
			fields = append(fields, e.Fields...)
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return convene.Invalid("form.invalid", nil, fields...)
}

// cancelRegistration gives up the viewer's place (or place in line) at a call.
func (s *Server) cancelRegistration(w http.ResponseWriter, r *http.Request) error {
	c, call, err := s.communityCall(r)
	if err != nil {
		return err
	}
	u := viewerOf(r).User
	if u == nil {
		return convene.Errorf(convene.EUNAUTHORIZED, "signin.required", nil)
	}
	if err := s.acts.CancelRegistration(r.Context(), action.Actor{User: u}, call.ID); err != nil {
		return err
	}
	return s.redirect(w, r, callPath(c, call)+"#register", "flash.registration_cancelled")
}

// subscription subscribes the viewer to a series, or unsubscribes them.
func (s *Server) subscription(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	sr, err := s.seriesOf(r, c)
	if err != nil {
		return err
	}
	u := viewerOf(r).User
	if u == nil {
		return convene.Errorf(convene.EUNAUTHORIZED, "signin.required", nil)
	}
	if strings.HasSuffix(r.URL.Path, "/unsubscribe") {
		if err := s.acts.Unsubscribe(r.Context(), action.Actor{User: u}, sr.ID); err != nil {
			return err
		}
		return s.redirect(w, r, seriesPath(c, sr), "flash.unsubscribed")
	}
	if err := s.acts.Subscribe(r.Context(), action.Actor{User: u}, sr.ID, nil); err != nil {
		if convene.ErrorCode(err) == convene.EINVALID {
			// The series asks questions: its next call's registration form has them, set to
			// the whole series, with what is missing marked.
			if next, nerr := s.nextCallOf(r, sr); nerr == nil {
				return s.showCall(w, r, c, next, http.StatusUnprocessableEntity, url.Values{"scope": {"series"}}, err)
			}
		}
		return err
	}
	return s.redirect(w, r, seriesPath(c, sr), "flash.subscribed")
}

// nextCallOf is a series' next scheduled call that has not started.
func (s *Server) nextCallOf(r *http.Request, sr *convene.Series) (*convene.Call, error) {
	calls, err := s.store.Calls(r.Context(), convene.CallFilter{SeriesID: sr.ID, From: s.clock.Now(), Limit: 20})
	if err != nil {
		return nil, err
	}
	for _, call := range calls {
		if call.Status == convene.CallScheduled {
			return call, nil
		}
	}
	return nil, convene.NotFound("call.none_upcoming")
}

type registrationsPage struct {
	base
	Call          *callView
	Questions     []*convene.Question
	Registrations []*convene.Registration
	Counts        map[string]int
	// Accommodations are the requests of those registered or waiting, for the organizers to act on.
	Accommodations []*convene.Registration
}

// registrations lists who registered for a call, for its organizers, as a page or as CSV.
func (s *Server) registrations(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, b, err := s.organizing(r)
	if err != nil {
		return err
	}
	call, err := s.callOf(r, c)
	if err != nil {
		return err
	}
	regs, err := s.store.CallRegistrations(ctx, call.ID)
	if err != nil {
		return err
	}
	qs, err := s.store.Questions(ctx, call.SeriesID)
	if err != nil {
		return err
	}
	l := b.L
	if strings.HasSuffix(r.URL.Path, ".csv") {
		out, err := startCSV(w, "registrations-"+strconv.FormatInt(call.ID, 10)+".csv")
		if err != nil {
			return err
		}
		head := []string{l.T("field.name"), l.T("field.email"), l.T("field.organization"), l.T("field.status"), l.T("registrations.registered_at"),
			l.T("registrations.mode"), l.T("registrations.accommodation")}
		for _, q := range qs {
			head = append(head, q.Label)
		}
		if err := out.row(head...); err != nil {
			return err
		}
		for _, reg := range regs {
			row := []string{reg.User.Name, reg.User.Email, reg.User.Organization, l.T("registration." + reg.Status),
				reg.CreatedAt.UTC().Format(time.RFC3339), l.T("register.mode." + reg.Mode), reg.Accommodation}
			for _, q := range qs {
				row = append(row, reg.Answers[strconv.FormatInt(q.ID, 10)])
			}
			if err := out.row(row...); err != nil {
				return err
			}
		}
		return out.close()
	}
	p := registrationsPage{base: b, Call: s.viewCall(c, call, b.Zone), Questions: qs, Registrations: regs, Counts: map[string]int{}}
	for _, reg := range regs {
		p.Counts[reg.Status]++
		if reg.Accommodation != "" && reg.Status != convene.RegCancelled {
			p.Accommodations = append(p.Accommodations, reg)
		}
	}
	p.Title = l.T("registrations.title", "Call", call.DisplayTitle())
	return s.render(w, http.StatusOK, "registrations", p)
}

type questionsPage struct {
	base
	Series    *convene.Series
	Questions []*convene.Question
	Form      Form
	Back      string
}

// questions lets organizers add and remove a series' registration questions.
func (s *Server) questions(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, b, err := s.organizing(r)
	if err != nil {
		return err
	}
	sr, err := s.seriesOf(r, c)
	if err != nil {
		return err
	}
	l := b.L
	path := seriesPath(c, sr) + "/questions"
	vals, errs, status := url.Values{"kind": {convene.QuestionText}}, formErrors{}, http.StatusOK
	if r.Method == http.MethodPost {
		if vals, err = parseForm(w, r); err != nil {
			return err
		}
		if del := vals.Get("delete"); del != "" {
			id, _ := strconv.ParseInt(del, 10, 64)
			if err := s.store.DeleteQuestion(ctx, c.ID, sr.ID, id); err != nil {
				return err
			}
			return s.redirect(w, r, path, "flash.question_deleted")
		}
		q := &convene.Question{SeriesID: sr.ID, Kind: vals.Get("kind"), Label: vals.Get("label"),
			Choices: strings.Split(vals.Get("choices"), "\n"), Required: vals.Get("required") != ""}
		err := s.store.AddQuestion(ctx, c.ID, q)
		if err == nil {
			return s.redirect(w, r, path, "flash.question_added")
		}
		fe, ok := errorsOf(l, err)
		if !ok {
			return err
		}
		errs, status = fe, statusOf(err)
	}
	qs, err := s.store.Questions(ctx, sr.ID)
	if err != nil {
		return err
	}
	p := questionsPage{base: b, Series: sr, Questions: qs, Back: seriesPath(c, sr)}
	p.Title = l.T("questions.title", "Series", sr.Title)
	p.Form = Form{Action: path, Submit: l.T("action.add"), Fields: []Field{
		{Name: "kind", Label: l.T("field.question_kind"), Type: "select", Options: []Option{
			{Value: convene.QuestionText, Label: l.T("question.kind.text")}, {Value: convene.QuestionChoice, Label: l.T("question.kind.choice")}}},
		{Name: "label", Label: l.T("field.question_label"), Type: "text", Required: true, Max: convene.MaxShortText},
		{Name: "choices", Label: l.T("field.choices"), Type: "textarea", Hint: l.T("hint.choices")},
		{Name: "required", Label: l.T("field.question_required"), Type: "checkbox"},
	}}
	p.Form.build(vals, errs, l)
	return s.render(w, status, "questions", p)
}
