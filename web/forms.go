package web

import (
	"net/http"
	"net/url"
	"slices"
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
	// Translate asks for one control per language of the form (Form.Languages), side by side:
	// the first keeps Name, the others are named "name:lang" and optional.
	Translate bool
	Lang      string  // the language a version's control is written in
	Versions  []Field // a translated field's controls, one per language
	Missing   string  // on a version: the note that it is not translated yet
	// Placeholder labels the empty choice of a select that may be left empty.
	Placeholder string
}

// Option is one choice of a select.
type Option struct {
	Value, Label string
	Selected     bool
	Group        string // the label of the <optgroup> it is in, if any
}

// OptionGroup is an <optgroup> of a select.
type OptionGroup struct {
	Label   string
	Options []Option
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
	// Languages are the languages of a form's translated fields, primary first; with one, a
	// translated field is a plain one.
	Languages []string
	// PreviewButton, when set, labels a second button that shows what the form would do
	// (Preview) without saving it.
	PreviewButton string
	Preview       *Preview
}

// Preview is what a form would do, shown before it is saved: a heading, a sentence and a list.
type Preview struct {
	Title   string
	Lead    string
	Items   []string
	Warning string // a surprise to confirm before saving
	Confirm string // the label of the box that confirms it
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
	f.expandVersions(l)
	for i := range f.Fields {
		f.fillAll(&f.Fields[i], vals, errs, l)
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

// fillAll fills a control and, for a group or a translated field, each control in it.
func (f *Form) fillAll(fd *Field, vals url.Values, errs formErrors, l *Localizer) {
	f.fill(fd, vals, errs)
	for j := range fd.Versions {
		v := &fd.Versions[j]
		f.fillAll(v, vals, errs, l)
		if fd.Type == "versions" && j > 0 && v.Value == "" && fd.Versions[0].Value != "" {
			v.Missing = l.T("translation.missing")
		}
	}
}

// fill gives one control its value and its error.
func (f *Form) fill(fd *Field, vals url.Values, errs formErrors) {
	fd.ID = "f-" + f.Prefix + strings.ReplaceAll(fd.Name, ":", "-")
	if fd.Type == "checkbox" {
		fd.Checked = vals.Get(fd.Name) != ""
	} else {
		fd.Value = vals.Get(fd.Name)
	}
	for j := range fd.Options {
		fd.Options[j].Selected = fd.Options[j].Value == fd.Value
	}
	if msg, ok := errs[fd.Name]; ok && fd.Type != "versions" {
		fd.Error = msg
		f.Errors = append(f.Errors, *fd)
	}
}

// expandVersions turns each translated field into a group of controls, one per language.
func (f *Form) expandVersions(l *Localizer) {
	if len(f.Languages) < 2 {
		return
	}
	primary := languageName(l.Lang, f.Languages[0])
	for i, fd := range f.Fields {
		if !fd.Translate {
			continue
		}
		group := Field{Name: fd.Name, Label: fd.Label, Type: "versions"}
		for j, lang := range f.Languages {
			v := fd
			v.Translate, v.Lang = false, lang
			v.Label = l.T("translation.version", "Field", fd.Label, "Language", languageName(l.Lang, lang))
			if j > 0 {
				v.Name, v.Required = fd.Name+":"+lang, false
				v.Hint = l.T("translation.optional", "Language", languageName(l.Lang, lang), "Primary", primary)
			}
			group.Versions = append(group.Versions, v)
		}
		f.Fields[i] = group
	}
}

func (f *Form) has(name string) bool { return hasField(f.Fields, name) }

// hasField reports whether a control named name is among fields or in their groups.
func hasField(fields []Field, name string) bool {
	return slices.ContainsFunc(fields, func(fd Field) bool { return fd.Name == name || hasField(fd.Versions, name) })
}

// writtenInField asks a member which of the community's languages they write in, theirs first
// (and so chosen unless they change it); with one language there is nothing to ask.
func writtenInField(l *Localizer, c *convene.Community) []Field {
	if len(c.Languages) < 2 {
		return nil
	}
	langs := append([]string{l.Lang}, slices.DeleteFunc(slices.Clone(c.Languages), func(x string) bool { return x == l.Lang })...)
	if !slices.Contains(c.Languages, l.Lang) {
		langs = c.Languages
	}
	f := Field{Name: "lang", Label: l.T("field.written_in"), Type: "select"}
	for _, lang := range langs {
		f.Options = append(f.Options, Option{Value: lang, Label: languageName(l.Lang, lang)})
	}
	return []Field{f}
}

// versionValues adds an item's versions to a form's values, as "name:lang".
func versionValues(vals url.Values, it convene.Translatable) url.Values {
	for lang, fields := range it.Localized().Translations {
		for name, text := range fields {
			vals.Set(name+":"+lang, text)
		}
	}
	return vals
}

// readVersions sets an item's versions in each of the languages but the first from a posted
// form; fields the form did not show keep theirs.
func readVersions(vals url.Values, languages []string, it convene.Translatable) {
	for _, lang := range languages[min(1, len(languages)):] {
		for _, fd := range it.TextFields() {
			if _, shown := vals[fd.Name+":"+lang]; shown {
				it.Localized().Translations.Set(lang, fd.Name, vals.Get(fd.Name+":"+lang))
			}
		}
	}
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
	seen := map[string]bool{}
	for _, z := range convene.CanadianZones {
		out = append(out, Option{Value: z.IANA, Label: l.T("zone." + z.Key), Group: l.T("zone.group.canada")})
		seen[z.IANA] = true
	}
	others := []Option{{Value: "UTC", Label: "UTC"}}
	for _, z := range convene.AllZones {
		if !seen[z] {
			others = append(others, Option{Value: z, Label: zoneLabel(z)})
		}
	}
	if current != "" && !seen[current] && !slices.Contains(convene.AllZones, current) && current != "UTC" {
		others = append(others, Option{Value: current, Label: zoneLabel(current)})
	}
	slices.SortFunc(others[1:], func(a, b Option) int { return strings.Compare(a.Label, b.Label) })
	for i := range others {
		others[i].Group = l.T("zone.group.all")
	}
	return append(out, others...)
}

// zoneLabel names an IANA zone by its city first, so a select finds it by the city's first
// letters: "Paris (Europe)", "Buenos Aires (America/Argentina)".
func zoneLabel(iana string) string {
	i := strings.LastIndex(iana, "/")
	if i < 0 {
		return strings.ReplaceAll(iana, "_", " ")
	}
	return strings.ReplaceAll(iana[i+1:], "_", " ") + " (" + strings.ReplaceAll(iana[:i], "_", " ") + ")"
}

// optionGroups splits a select's options into their groups, in order, for <optgroup>.
func optionGroups(opts []Option) []OptionGroup {
	var out []OptionGroup
	for _, o := range opts {
		if len(out) == 0 || out[len(out)-1].Label != o.Group {
			out = append(out, OptionGroup{Label: o.Group})
		}
		out[len(out)-1].Options = append(out[len(out)-1].Options, o)
	}
	return out
}
