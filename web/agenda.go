package web

import (
	"maps"
	"net/http"
	"net/url"
	"strconv"

	"github.com/opengovcall/convene"
)

// A call's agenda is edited on the call page itself: its items in order, each with its moves (no
// "Move up" on the first, no "Move down" on the last), an edit page and a removal that asks
// first, and below them the form that adds one. Nothing needs JavaScript.

// agendaFields are the fields of an agenda item, for the call page's add form and the edit page.
func agendaFields(l *Localizer) []Field {
	var kinds []Option
	for _, k := range convene.AgendaKinds {
		kinds = append(kinds, Option{Value: k, Label: l.T("kind." + k)})
	}
	return []Field{
		{Name: "kind", Label: l.T("field.kind"), Type: "select", Options: kinds},
		{Name: "title", Label: l.T("field.title"), Type: "text", Required: true, Max: convene.MaxTitle, Translate: true},
		{Name: "description", Label: l.T("field.description"), Type: "textarea", Max: convene.MaxDescription, Translate: true},
		{Name: "presenter_name", Label: l.T("field.presenter_name"), Type: "text", Max: convene.MaxShortText},
		{Name: "presenter_org", Label: l.T("field.presenter_org"), Type: "text", Max: convene.MaxShortText, Translate: true},
		imageField(l, "presenter_photo", l.T("field.presenter_photo"), l.T("hint.presenter_photo")),
		{Name: "minutes", Label: l.T("field.minutes"), Type: "number", Hint: l.T("hint.minutes")},
	}
}

// agendaAddForm is the call page's form that adds an item, for organizers.
func agendaAddForm(l *Localizer, c *convene.Community, call *convene.Call) *Form {
	f := &Form{Action: callPath(c, call) + "/agenda/new", Submit: l.T("action.add"), Prefix: "agenda-", Fields: agendaFields(l), Languages: c.Languages}
	f.build(url.Values{"kind": {convene.AgendaUpdate}}, formErrors{}, l)
	return f
}

func (s *Server) agendaForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, b, err := s.organizing(r)
	if err != nil {
		return err
	}
	l := b.L
	call, err := s.callOf(r, c)
	if err != nil {
		return err
	}
	var item *convene.AgendaItem
	if r.PathValue("item") != "" {
		id, err := pathID(r, "item")
		if err != nil {
			return err
		}
		if item, err = s.store.AgendaItemByID(ctx, call.ID, id); err != nil {
			return err
		}
	}
	ed := editor{title: l.T("agenda.new"), submit: l.T("action.add"), back: callPath(c, call), initial: url.Values{"kind": {convene.AgendaUpdate}}}
	if item != nil {
		ed.title, ed.submit = l.T("agenda.edit"), l.T("action.save")
		ed.initial = url.Values{"kind": {item.Kind}, "title": {item.Title}, "description": {item.Description},
			"presenter_name": {item.PresenterName}, "presenter_org": {item.PresenterOrg}, "minutes": {strconv.Itoa(item.Minutes)},
			"presenter_photo": {imagePath(c, item.PresenterPhoto)}}
		versionValues(ed.initial, item)
	}
	ed.languages = c.Languages
	ed.fields = agendaFields(l)
	ed.save = func(vals url.Values) (string, string, error) {
		var parse []convene.FieldError
		a := &convene.AgendaItem{CallID: call.ID, Kind: vals.Get("kind"), Title: vals.Get("title"), Description: vals.Get("description"),
			PresenterName: vals.Get("presenter_name"), PresenterOrg: vals.Get("presenter_org"), Minutes: intField(vals, "minutes", &parse)}
		var photo *convene.Image
		if item != nil {
			a.Translations, photo = maps.Clone(item.Translations), item.PresenterPhoto
		}
		a.PresenterPhoto = pictureOf(r, vals, "presenter_photo", convene.ImagePortrait, photo, &parse)
		readVersions(vals, c.Languages, a)
		a.Normalize()
		if err := mergeErrors(parse, a.Validate()); err != nil {
			return "", "", err
		}
		if item == nil {
			if err := s.store.AddAgendaItem(ctx, c.ID, a); err != nil {
				return "", "", err
			}
			return callPath(c, call) + "#agenda", "flash.agenda_added", nil
		}
		a.ID = item.ID
		if err := s.store.UpdateAgendaItem(ctx, c.ID, a); err != nil {
			return "", "", err
		}
		return callPath(c, call) + "#agenda", "flash.saved", nil
	}
	return s.edit(w, r, b, ed)
}

// agendaAction moves an item up or down, or deletes it.
func (s *Server) agendaAction(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, _, err := s.organizing(r)
	if err != nil {
		return err
	}
	call, err := s.callOf(r, c)
	if err != nil {
		return err
	}
	item, err := pathID(r, "item")
	if err != nil {
		return err
	}
	flash := "flash.saved"
	switch r.PathValue("action") {
	case "up":
		err = s.store.MoveAgendaItem(ctx, c.ID, call.ID, item, -1)
	case "down":
		err = s.store.MoveAgendaItem(ctx, c.ID, call.ID, item, 1)
	case "delete": // the button that posts here is behind a "Remove…" that asks first
		vals, perr := parseForm(w, r)
		if perr != nil {
			return perr
		}
		if vals.Get("confirm") != "yes" {
			return convene.Invalid("agenda.delete.unconfirmed", nil)
		}
		err, flash = s.store.DeleteAgendaItem(ctx, c.ID, call.ID, item), "flash.agenda_deleted"
	default:
		return convene.NotFound("page.not_found")
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, callPath(c, call)+"#agenda", flash)
}
