package web

import (
	"html/template"
	"net/http"
	"reflect"
	"strings"
	"sync"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/locale"
)

// Organizers write a community's texts in several languages (convene.Texts). A page shows each
// item in the reader's language, the original where that version is missing; render does it for
// everything a page's data holds, and handlers call localize first for what they turn into text
// before rendering (titles, descriptions, structured data).

// localize shows items of community c in the viewer's language.
func (s *Server) localize(r *http.Request, c *convene.Community, items ...convene.Translatable) {
	lang, own := viewerOf(r).L.Lang, primaryOf(c)
	for _, it := range items {
		if it != nil && !reflect.ValueOf(it).IsNil() {
			convene.Localize(it, lang, own)
		}
	}
}

func primaryOf(c *convene.Community) string {
	if c == nil {
		return "en"
	}
	return c.Primary()
}

// translatable is the interface render looks for as it walks a page's data.
var translatable = reflect.TypeFor[convene.Translatable]()

// ownPackages are the packages whose types may hold translatable items; the walk skips the rest
// (the catalog, templates, times).
const ownPackages = "github.com/opengovcall/convene"

func ours(t reflect.Type) bool {
	return strings.HasPrefix(t.PkgPath(), ownPackages) && t.PkgPath() != ownPackages+"/locale"
}

// localizeAll shows every translatable item reachable from v in lang: through pointers, slices,
// maps and the fields of Convene's own types, each pointer visited once. own is the language of
// items that do not say theirs. What each type can reach is worked out once (walkPlanOf), so a
// page of 261 calls walks only the fields that can hold a translatable item.
func localizeAll(v reflect.Value, lang, own string, seen map[uintptr]bool) {
	p := walkPlanOf(v.Type())
	if !p.reaches {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || seen[v.Pointer()] {
			return
		}
		seen[v.Pointer()] = true
		if p.translatable {
			convene.Localize(v.Interface().(convene.Translatable), lang, own)
		}
		localizeAll(v.Elem(), lang, own, seen)
	case reflect.Interface:
		if !v.IsNil() {
			localizeAll(v.Elem(), lang, own, seen)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			localizeAll(v.Index(i), lang, own, seen)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			localizeAll(it.Value(), lang, own, seen)
		}
	case reflect.Struct:
		if p.translatable && v.CanAddr() {
			convene.Localize(v.Addr().Interface().(convene.Translatable), lang, own)
		}
		for _, i := range p.fields {
			localizeAll(v.Field(i), lang, own, seen)
		}
	}
}

// walkPlan is what localizeAll needs to know of a type: whether a translatable item can be
// reached through it at all, whether it is one (a pointer to one, for structs), and which of a
// struct's fields can lead to one.
type walkPlan struct {
	reaches, translatable bool
	fields                []int
}

var walkPlans sync.Map // reflect.Type → *walkPlan

func walkPlanOf(t reflect.Type) *walkPlan {
	if p, ok := walkPlans.Load(t); ok {
		return p.(*walkPlan)
	}
	p := planWalk(t, map[reflect.Type]bool{})
	walkPlans.Store(t, p)
	return p
}

// planWalk works out t's plan; visiting holds the types being worked out further up, which are
// taken to reach one (a recursive type is walked, as before plans).
func planWalk(t reflect.Type, visiting map[reflect.Type]bool) *walkPlan {
	if visiting[t] {
		return &walkPlan{reaches: true}
	}
	visiting[t] = true
	defer delete(visiting, t)
	reaches := func(u reflect.Type) bool {
		if p, ok := walkPlans.Load(u); ok {
			return p.(*walkPlan).reaches
		}
		return planWalk(u, visiting).reaches
	}
	p := &walkPlan{}
	switch t.Kind() {
	case reflect.Interface:
		p.reaches = true
	case reflect.Pointer:
		if ours(t.Elem()) {
			p.translatable = t.Implements(translatable)
			p.reaches = p.translatable || reaches(t.Elem())
		}
	case reflect.Slice, reflect.Array, reflect.Map:
		if k := t.Elem().Kind(); k == reflect.Pointer || k == reflect.Struct || k == reflect.Interface || k == reflect.Slice {
			p.reaches = reaches(t.Elem())
		}
	case reflect.Struct:
		if !ours(t) {
			break
		}
		p.translatable = reflect.PointerTo(t).Implements(translatable)
		for i := range t.NumField() {
			if f := t.Field(i); f.Type.Kind() != reflect.String && (f.IsExported() || f.Anonymous) && reaches(f.Type) {
				p.fields = append(p.fields, i)
			}
		}
		p.reaches = p.translatable || len(p.fields) > 0
	}
	return p
}

// localizePage localizes a page's data before it is rendered and returns it; data held by value is
// copied so its items can be changed.
func localizePage(data any) any {
	p, ok := data.(interface{ layout() base })
	if !ok || p.layout().L == nil {
		return data
	}
	b := p.layout()
	v := reflect.ValueOf(data)
	if v.Kind() != reflect.Pointer {
		cp := reflect.New(v.Type()).Elem()
		cp.Set(v)
		v = cp
	}
	localizeAll(v, b.L.Lang, primaryOf(b.Community), map[uintptr]bool{})
	return v.Interface()
}

// layout gives render the layout data of any page.
func (b base) layout() base { return b }

// shownText writes a localized field of an item for a page: the reader's version as it is, or
// the original inside an element that names its language, so screen readers switch voice, with
// a discreet note ("English only").
func shownText(l *Localizer, it convene.Translatable, field string) template.HTML {
	var text string
	for _, f := range it.TextFields() {
		if f.Name == field {
			text = *f.Text
		}
	}
	esc := template.HTMLEscapeString(text)
	lang := it.Localized().ShownIn(field)
	if lang == "" || text == "" {
		return template.HTML(esc)
	}
	return template.HTML(`<span lang="` + template.HTMLEscapeString(lang) + `">` + esc + `</span> <span class="lang-note">` +
		template.HTMLEscapeString(l.T("lang.only", "Language", languageName(l.Lang, lang))) + `</span>`)
}

// callTitle writes a call's title, or its series' when it has none, as shownText does.
func callTitle(l *Localizer, c any) template.HTML {
	var call *convene.Call
	switch v := c.(type) {
	case *convene.Call:
		call = v
	case *callView:
		call = v.Call
	case callView:
		call = v.Call
	default:
		return ""
	}
	if call.Title == "" && call.Series != nil {
		return shownText(l, call.Series, "title")
	}
	return shownText(l, call, "title")
}

// langAttr is a lang attribute for a block showing a field in another language than the page's.
func langAttr(it convene.Translatable, field string) template.HTMLAttr {
	if lang := it.Localized().ShownIn(field); lang != "" {
		return template.HTMLAttr(` lang="` + template.HTMLEscapeString(lang) + `"`)
	}
	return ""
}

// langNote is the note after a block shown in another language ("English only"), or nothing.
func langNote(l *Localizer, it convene.Translatable, field string) template.HTML {
	if lang := it.Localized().ShownIn(field); lang != "" {
		return template.HTML(` <p class="lang-note">` + template.HTMLEscapeString(l.T("lang.only", "Language", languageName(l.Lang, lang))) + `</p>`)
	}
	return ""
}

// memberNote is the note after what a member wrote, as a reader sees it: "Translation; original
// in English" when it shows a version its author or an organizer added, "English only" when it
// shows the original in another language than the reader's, or nothing.
func memberNote(l *Localizer, it convene.Translatable, field string) template.HTML {
	tx := it.Localized()
	key, lang := "lang.only", tx.ShownIn(field)
	if tx.Translated(field) {
		key, lang = "lang.translation_of", tx.Lang
	}
	if lang == "" {
		return ""
	}
	return template.HTML(` <span class="lang-note">` + template.HTMLEscapeString(l.T(key, "Language", languageName(l.Lang, lang))) + `</span>`)
}

// writtenIn is the lang attribute of what a member wrote, when its language is known.
func writtenIn(lang string) template.HTMLAttr {
	if lang == "" {
		return ""
	}
	return template.HTMLAttr(` lang="` + template.HTMLEscapeString(lang) + `"`)
}

// languageName is a language's name as a reader of another writes it: "English", "anglais".
func languageName(reader, lang string) string { return locale.LanguageName(reader, lang) }

// localizeData shows every translatable item reachable from values (items, slices or maps of
// them) in the viewer's language; the JSON API calls it on what it loaded before answering.
func (s *Server) localizeData(r *http.Request, c *convene.Community, values ...any) {
	localizeIn(viewerOf(r).L.Lang, c, values...)
}

// localizeIn is localizeData for a reader of lang who is not the one asking (a personal feed's
// owner).
func localizeIn(lang string, c *convene.Community, values ...any) {
	own, seen := primaryOf(c), map[uintptr]bool{}
	for _, v := range values {
		localizeAll(reflect.ValueOf(v), lang, own, seen)
	}
}
