package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/opengovcall/convene"
)

// Field is one form control with its label, current value and error, ready for the "field" template.
type Field struct {
	ID       string // the control's id: "f-" + the form's prefix + Name
	Name     string
	Label    string
	Type     string // text, textarea, date, time, datetime-local, number, select, checkbox, url, email, password
	Value    string
	Hint     string
	Error    string
	Required bool
	Max      int // maximum length, 0 for none
	Options  []Option
	Checked  bool
}

// Option is one choice of a select.
type Option struct {
	Value, Label string
	Selected     bool
}

// Form is a whole form: where it posts, its fields and its errors.
type Form struct {
	Action string
	Submit string
	Fields []Field
	Errors []Field // the fields with errors, for the summary at the top
	Prefix string  // keeps ids apart when a page holds two forms with the same field names
	Notice string  // a general error above the fields
	Info   string  // a note that is not an error, e.g. "filled in from the invitation"
}

// formErrors holds translated messages per field name.
type formErrors map[string]string

// errorsOf turns a validation or conflict error into per-field messages. ok is false for errors
// that are not about the form (those become an error page).
func errorsOf(l *Localizer, err error) (formErrors, bool) {
	e, ok := convene.AsError(err)
	if !ok || (e.Code != convene.EINVALID && e.Code != convene.ECONFLICT) {
		return nil, false
	}
	fe := formErrors{}
	for _, f := range e.Fields {
		if _, seen := fe[f.Field]; !seen {
			fe[f.Field] = l.Field(f)
		}
	}
	if len(fe) == 0 {
		fe[""] = l.Err(err)
	}
	return fe, true
}

// build finishes a form: copies values and errors into its fields and lists the errors in order.
func (f *Form) build(vals url.Values, errs formErrors, l *Localizer) {
	for i := range f.Fields {
		fd := &f.Fields[i]
		fd.ID = "f-" + f.Prefix + fd.Name
		if fd.Type == "checkbox" {
			fd.Checked = vals.Get(fd.Name) != ""
		} else {
			fd.Value = vals.Get(fd.Name)
		}
		for j := range fd.Options {
			fd.Options[j].Selected = fd.Options[j].Value == fd.Value
		}
		if msg, ok := errs[fd.Name]; ok {
			fd.Error = msg
			f.Errors = append(f.Errors, *fd)
		}
	}
	if msg, ok := errs[""]; ok {
		f.Notice = msg
	}
	for name, msg := range errs { // errors about fields this form does not show
		if name == "" || f.has(name) {
			continue
		}
		f.Errors = append(f.Errors, Field{Label: l.T("field." + name), Error: msg})
	}
}

func (f *Form) has(name string) bool {
	for _, fd := range f.Fields {
		if fd.Name == name {
			return true
		}
	}
	return false
}

// parseForm reads a posted form, refusing bodies over 64 KiB.
func parseForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return nil, convene.Invalid("form.unreadable", nil)
	}
	if !validValues(r.PostForm) {
		return nil, convene.Invalid("form.bad_text", nil)
	}
	return r.PostForm, nil
}

// intField reads a whole number from a form; a malformed one is a field error, an empty one is 0.
func intField(vals url.Values, name string, errs *[]convene.FieldError) int {
	s := strings.TrimSpace(vals.Get(name))
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		*errs = append(*errs, convene.FieldError{Field: name, Key: "number.invalid"})
	}
	return n
}

// dateField reads a day from a form.
func dateField(vals url.Values, name string, errs *[]convene.FieldError) convene.Date {
	s := strings.TrimSpace(vals.Get(name))
	if s == "" {
		return convene.Date{}
	}
	d, err := convene.ParseDate(s)
	if err != nil {
		*errs = append(*errs, convene.FieldError{Field: name, Key: "date.invalid"})
	}
	return d
}

// mergeErrors adds parse errors to a validation error so the form shows them all at once.
func mergeErrors(parse []convene.FieldError, validation error) error {
	if len(parse) == 0 {
		return validation
	}
	e, ok := convene.AsError(validation)
	if validation != nil && !ok {
		return validation
	}
	fields := append([]convene.FieldError{}, parse...)
	if e != nil {
		fields = append(fields, e.Fields...)
	}
	return convene.Invalid("form.invalid", nil, fields...)
}

// zoneOptions lists the zones an organizer picks from, with the current one kept even if unusual.
func zoneOptions(l *Localizer, current string) []Option {
	var out []Option
	seen := false
	for _, z := range convene.ViewerZones {
		out = append(out, Option{Value: z.IANA, Label: l.T("zone." + z.Key)})
		seen = seen || z.IANA == current
	}
	if !seen && current != "" {
		out = append(out, Option{Value: current, Label: current})
	}
	return out
}
