package web

import (
	"cmp"
	"net/http"
	"net/url"
)

// editor describes one organizer form: its fields, its starting values and how it saves.
type editor struct {
	title   string
	submit  string
	back    string // where "cancel" leads
	fields  []Field
	initial url.Values
	// save stores the posted values and returns where to go next and the flash to show there.
	save func(vals url.Values) (to, flash string, err error)
	// paste, when set, adds a second form above the fields (the join kit's "paste an invitation").
	paste *Form
	// languages are the community's, for the fields marked Translate; primary first.
	languages []string
	// action is where the form posts; the page's own path when empty.
	action string
	// preview, when set, shows what the posted values would do, on a second button (labelled
	// previewButton) and before saving: a preview with a Warning is saved only once confirmed.
	preview       func(vals url.Values) (*Preview, error)
	previewButton string
}

type formPage struct {
	base
	Heading string
	Back    string
	Form    Form
	Paste   *Form
}

// edit runs the show-validate-save cycle every organizer form shares: GET shows the values, POST
// saves them and redirects, and invalid input re-renders the form with a message on each field and
// nothing written.
func (s *Server) edit(w http.ResponseWriter, r *http.Request, b base, ed editor) error {
	l := b.L
	vals, errs, status := ed.initial, formErrors{}, http.StatusOK
	if vals == nil {
		vals = url.Values{}
	}
	if r.Method == http.MethodPost {
		parse := parseForm
		if hasPictures(ed.fields) {
			parse = parseUpload
		}
		posted, err := parse(w, r)
		if err != nil {
			return err
		}
		for _, f := range ed.fields { // a picture field's value is the picture it has, whatever was posted
			if f.Type == "image" {
				posted[f.Name] = ed.initial[f.Name]
			}
		}
		vals = posted
		if ed.preview != nil {
			pv, err := ed.preview(vals)
			asked := vals.Get("preview") != ""
			if err == nil && (asked || (pv != nil && pv.Warning != "" && vals.Get("confirm") == "")) {
				status := http.StatusOK
				if !asked {
					status = http.StatusUnprocessableEntity // not saved: the surprise awaits confirmation
				}
				return s.showForm(w, status, b, ed, vals, errs, pv)
			}
			if err != nil && asked {
				fe, ok := errorsOf(l, err)
				if !ok {
					return err
				}
				return s.showForm(w, statusOf(err), b, ed, vals, fe, nil)
			}
		}
		to, flash, err := ed.save(vals)
		if err == nil {
			return s.redirect(w, r, to, flash)
		}
		fe, ok := errorsOf(l, err)
		if !ok {
			return err
		}
		errs, status = fe, statusOf(err)
	}
	return s.showForm(w, status, b, ed, vals, errs, nil)
}

func (s *Server) showForm(w http.ResponseWriter, status int, b base, ed editor, vals url.Values, errs formErrors, pv *Preview) error {
	form := Form{Action: cmp.Or(ed.action, b.Path), Submit: ed.submit, Fields: ed.fields, Languages: ed.languages, PreviewButton: ed.previewButton, Preview: pv}
	form.build(vals, errs, b.L)
	b.Title = ed.title
	return s.render(w, status, "form", formPage{base: b, Heading: ed.title, Back: ed.back, Form: form, Paste: ed.paste})
}
