package web

import (
	"cmp"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/opengovcall/convene"
)

// joinLevelOptions lists who may see join details; a call may also follow its series.
func joinLevelOptions(l *Localizer, inherit bool) []Option {
	var out []Option
	if inherit {
		out = append(out, Option{Value: "", Label: l.T("join_level.inherit")})
	}
	for _, lv := range convene.JoinLevels {
		out = append(out, Option{Value: lv, Label: l.T("join_level." + lv)})
	}
	return out
}

func (s *Server) communityForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(r)
	l := v.L
	var c *convene.Community
	var b base
	if r.PathValue("slug") == "" { // creating: instance admins, and people who own a community already
		if v.User == nil {
			return convene.Errorf(convene.EUNAUTHORIZED, "signin.required", nil)
		}
		if !v.User.IsAdmin {
			owner, err := s.ownsAnyCommunity(r, v.User)
			if err != nil {
				return err
			}
			if !owner {
				return convene.Errorf(convene.EFORBIDDEN, "community.create.forbidden", nil)
			}
		}
		b = s.newBase(r, "")
	} else {
		var err error
		if c, err = s.communityOf(r); err != nil {
			return err
		}
		if err := s.requireOrganizer(r, c); err != nil {
			return err
		}
		if b, err = s.communityBase(r, c, ""); err != nil {
			return err
		}
	}
	ed := editor{title: l.T("community.new"), submit: l.T("action.create"), back: "/",
		initial: url.Values{"time_zone": {"America/Toronto"}, "languages": {"en,fr"}}}
	if c != nil {
		ed.title, ed.submit, ed.back = l.T("community.edit"), l.T("action.save"), "/c/"+c.Slug
		ed.initial = versionValues(url.Values{"slug": {c.Slug}, "name": {convene.Original(c, "name")}, "description": {convene.Original(c, "description")},
			"time_zone": {c.TimeZone}, "languages": {strings.Join(c.Languages, ", ")}, "logo": {imagePath(c, c.Logo)},
			"logo_alt": {convene.Original(c, "logo_alt")}, "cover": {imagePath(c, c.Cover)}, "cover_alt": {convene.Original(c, "cover_alt")}}, c)
		ed.languages = c.Languages
		if c.PublicReach {
			ed.initial.Set("public_reach", "on")
		}
		if c.ApproveMembers {
			ed.initial.Set("approve_members", "on")
		}
		if c.RequireTranslations {
			ed.initial.Set("require_translations", "on")
		}
	}
	slugHint := "hint.slug_new" // a new community's address may come from its name
	if c != nil {
		slugHint = "hint.slug"
	}
	ed.fields = []Field{
		{Name: "name", Label: l.T("field.name"), Type: "text", Required: true, Max: convene.MaxName, Translate: true},
		{Name: "slug", Label: l.T("field.slug"), Type: "text", Required: c != nil, Max: convene.MaxSlug, Hint: l.T(slugHint)},
		{Name: "description", Label: l.T("field.description"), Type: "textarea", Max: convene.MaxDescription, Translate: true},
		{Name: "time_zone", Label: l.T("field.time_zone"), Type: "zone", Required: true, Hint: l.T("hint.time_zone"), Options: zoneOptions(l, "")},
		{Name: "languages", Label: l.T("field.languages"), Type: "text", Required: true, Max: 100, Hint: l.T("hint.languages")},
		{Name: "public_reach", Label: l.T("field.public_reach"), Type: "checkbox"},
		{Name: "approve_members", Label: l.T("field.approve_members"), Type: "checkbox", Hint: l.T("hint.approve_members")},
		{Name: "require_translations", Label: l.T("field.require_translations"), Type: "checkbox", Hint: l.T("hint.require_translations")},
	}
	if c != nil { // pictures come once the community exists, from its edit form
		ed.fields = append(ed.fields,
			imageField(l, "logo", l.T("field.logo"), l.T("hint.logo")),
			Field{Name: "logo_alt", Label: l.T("field.logo_alt"), Type: "text", Max: convene.MaxShortText, Hint: l.T("hint.logo_alt"), Translate: true},
			imageField(l, "cover", l.T("field.cover"), l.T("hint.cover")),
			Field{Name: "cover_alt", Label: l.T("field.cover_alt"), Type: "text", Max: convene.MaxShortText, Hint: l.T("hint.cover_alt"), Translate: true})
	}
	ed.save = func(vals url.Values) (string, string, error) {
		nc := &convene.Community{Slug: vals.Get("slug"), Name: vals.Get("name"), Description: vals.Get("description"),
			TimeZone: vals.Get("time_zone"), Languages: strings.Split(vals.Get("languages"), ","), PublicReach: vals.Get("public_reach") != "",
			ApproveMembers: vals.Get("approve_members") != "", RequireTranslations: vals.Get("require_translations") != ""}
		if c != nil {
			nc.Translations = maps.Clone(c.Translations)
			readVersions(vals, c.Languages, nc)
		}
		if c == nil {
			if strings.TrimSpace(nc.Slug) == "" { // made from the name, which the organizer may change later
				nc.Slug = convene.SlugFrom(nc.Name)
			}
			if err := s.store.CreateCommunity(ctx, nc, v.User.ID); err != nil {
				return "", "", err
			}
			return "/c/" + nc.Slug, "flash.community_created", nil
		}
		nc.ID = c.ID
		var refused []convene.FieldError
		nc.Logo = pictureOf(r, vals, "logo", convene.ImageLogo, c.Logo, &refused)
		nc.Cover = pictureOf(r, vals, "cover", convene.ImageCover, c.Cover, &refused)
		nc.LogoAlt, nc.CoverAlt = c.LogoAlt, c.CoverAlt // a form that does not show them (a script's) leaves them
		if _, shown := vals["logo_alt"]; shown {
			nc.LogoAlt = vals.Get("logo_alt")
		}
		if _, shown := vals["cover_alt"]; shown {
			nc.CoverAlt = vals.Get("cover_alt")
		}
		if len(refused) > 0 {
			nc.Normalize()
			return "", "", mergeErrors(refused, nc.Validate())
		}
		if err := s.store.UpdateCommunity(ctx, nc); err != nil {
			return "", "", err
		}
		return "/c/" + nc.Slug, "flash.saved", nil
	}
	return s.edit(w, r, b, ed)
}

// organizing loads the path's community and checks the viewer may organize it.
func (s *Server) organizing(r *http.Request) (*convene.Community, base, error) {
	c, err := s.communityOf(r)
	if err != nil {
		return nil, base{}, err
	}
	if err := s.requireOrganizer(r, c); err != nil {
		return nil, base{}, err
	}
	b, err := s.communityBase(r, c, "")
	return c, b, err
}

func (s *Server) seriesForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, b, err := s.organizing(r)
	if err != nil {
		return err
	}
	l := b.L
	var sr *convene.Series
	if r.PathValue("id") != "" {
		if sr, err = s.seriesOf(r, c); err != nil {
			return err
		}
	}
	ed := editor{title: l.T("series.new"), submit: l.T("action.create"), back: "/c/" + c.Slug,
		initial: scheduleValues(url.Values{"start_time": {"12:00"}, "time_zone": {c.TimeZone}, "reminders": {l.Reminders([]int{1440, 60})},
			"duration": {"60"}, "starts_on": {convene.DateOf(s.clock.Now()).String()}}, "FREQ=MONTHLY;BYDAY=2WE"),
		previewButton: l.T("preview.submit")}
	if sr != nil {
		ed.title, ed.submit, ed.back = l.T("series.edit"), l.T("action.save"), seriesPath(c, sr)
		ed.initial = versionValues(scheduleValues(url.Values{"title": {sr.Title}, "description": {sr.Description},
			"starts_on": {sr.StartsOn.String()}, "start_time": {sr.StartTime}, "time_zone": {sr.TimeZone},
			"duration": {strconv.Itoa(sr.DurationMinutes)}, "join_visibility": {sr.JoinVisibility},
			"reveal_minutes": {strconv.Itoa(sr.RevealMinutes)}, "reminders": {l.Reminders(sr.ReminderMinutes())}}, sr.RRule), sr)
		accessibilityValues(ed.initial, sr.Accessibility)
	}
	var offer convene.Accessibility
	if sr != nil {
		offer = sr.Accessibility
	}
	ed.languages = c.Languages
	ed.fields = []Field{
		{Name: "title", Label: l.T("field.title"), Type: "text", Required: true, Max: convene.MaxTitle, Translate: true},
		{Name: "description", Label: l.T("field.description"), Type: "textarea", Max: convene.MaxDescription, Translate: true},
		scheduleField(l),
		{Name: "starts_on", Label: l.T("field.series_starts_on"), Type: "date", Required: true, Hint: l.T("hint.series_starts_on")},
		{Name: "start_time", Label: l.T("field.start_time"), Type: "time", Required: true},
		{Name: "time_zone", Label: l.T("field.time_zone"), Type: "zone", Required: true, Hint: l.T("hint.time_zone"), Options: zoneOptions(l, "")},
		{Name: "duration", Label: l.T("field.duration"), Type: "number", Required: true},
		{Name: "join_visibility", Label: l.T("field.join_visibility"), Type: "select", Options: joinLevelOptions(l, false), Hint: l.T("hint.join_visibility")},
		{Name: "reveal_minutes", Label: l.T("field.reveal_minutes"), Type: "number", Hint: l.T("hint.reveal_minutes")},
		{Name: "reminders", Label: l.T("field.reminders"), Type: "text", Hint: l.T("hint.reminders"), Max: 60},
		accessibilityFields(l, offer),
	}
	read := func(vals url.Values) (*convene.Series, error) {
		var parse []convene.FieldError
		ns := &convene.Series{CommunityID: c.ID, Title: vals.Get("title"), Description: vals.Get("description"), RRule: scheduleRule(vals, &parse),
			StartsOn: dateField(vals, "starts_on", &parse), StartTime: vals.Get("start_time"), TimeZone: vals.Get("time_zone"),
			DurationMinutes: intField(vals, "duration", &parse), JoinVisibility: vals.Get("join_visibility"),
			RevealMinutes: intField(vals, "reveal_minutes", &parse), Reminders: vals.Get("reminders"), Accessibility: readAccessibility(vals)}
		if sr != nil {
			ns.Translations = maps.Clone(sr.Translations)
		}
		readVersions(vals, c.Languages, ns)
		ns.Normalize()
		return ns, mergeErrors(parse, ns.Validate())
	}
	ed.preview = func(vals url.Values) (*Preview, error) {
		ns, err := read(vals)
		if err := onlyScheduleErrors(err); err != nil { // the dates do not wait for a title
			return nil, err
		}
		return schedulePreview(l, ns, s.clock.Now()), nil
	}
	ed.save = func(vals url.Values) (string, string, error) {
		ns, err := read(vals)
		if err != nil {
			return "", "", err
		}
		if sr == nil {
			if err := s.store.CreateSeries(ctx, ns); err != nil {
				return "", "", err
			}
			return seriesPath(c, ns) + "/seasons/new", "flash.series_created", nil
		}
		ns.ID = sr.ID
		if err := s.store.UpdateSeries(ctx, ns); err != nil {
			return "", "", err
		}
		return seriesPath(c, ns), "flash.saved", nil
	}
	return s.edit(w, r, b, ed)
}

func (s *Server) seasonForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, b, err := s.organizing(r)
	if err != nil {
		return err
	}
	l := b.L
	sr, err := s.seriesOf(r, c)
	if err != nil {
		return err
	}
	var se *convene.Season
	if r.PathValue("season") != "" {
		id, err := pathID(r, "season")
		if err != nil {
			return err
		}
		if se, err = s.store.SeasonByID(ctx, id); err != nil {
			return err
		}
		if se.SeriesID != sr.ID {
			return convene.NotFound("season.not_found")
		}
	}
	today := convene.DateOf(s.clock.Now())
	ed := editor{title: l.T("season.new", "Series", sr.Title), submit: l.T("action.create"), back: seriesPath(c, sr),
		initial: url.Values{"starts_on": {today.String()}, "ends_on": {today.AddDays(180).String()}}, previewButton: l.T("preview.season_submit")}
	if se != nil {
		ed.title, ed.submit = l.T("season.edit", "Season", se.Name), l.T("action.save")
		ed.initial = versionValues(url.Values{"name": {se.Name}, "starts_on": {se.StartsOn.String()}, "ends_on": {se.EndsOn.String()}, "note": {se.Note}}, se)
	}
	ed.languages = c.Languages
	ed.fields = []Field{
		{Name: "name", Label: l.T("field.season_name"), Type: "text", Required: true, Max: convene.MaxName, Hint: l.T("hint.season_name"), Translate: true},
		{Name: "starts_on", Label: l.T("field.starts_on"), Type: "date", Required: true},
		{Name: "ends_on", Label: l.T("field.ends_on"), Type: "date", Required: true, Hint: l.T("hint.ends_on")},
		{Name: "note", Label: l.T("field.note"), Type: "textarea", Max: convene.MaxDescription, Translate: true},
	}
	read := func(vals url.Values) (*convene.Season, error) {
		var parse []convene.FieldError
		ns := &convene.Season{SeriesID: sr.ID, Name: vals.Get("name"), Note: vals.Get("note"),
			StartsOn: dateField(vals, "starts_on", &parse), EndsOn: dateField(vals, "ends_on", &parse)}
		if se != nil {
			ns.Translations = maps.Clone(se.Translations)
		}
		readVersions(vals, c.Languages, ns)
		ns.Normalize()
		return ns, mergeErrors(parse, ns.Validate())
	}
	ed.preview = func(vals url.Values) (*Preview, error) {
		ns, err := read(vals)
		if err != nil {
			return nil, err
		}
		return seasonPreview(l, sr, ns, se != nil)
	}
	ed.save = func(vals url.Values) (string, string, error) {
		ns, err := read(vals)
		if err != nil {
			return "", "", err
		}
		if se == nil {
			if err := s.store.CreateSeason(ctx, ns); err != nil {
				return "", "", err
			}
			return seriesPath(c, sr), "flash.season_created", nil
		}
		ns.ID = se.ID
		if err := s.store.UpdateSeason(ctx, ns); err != nil {
			return "", "", err
		}
		return seriesPath(c, sr), "flash.saved", nil
	}
	return s.edit(w, r, b, ed)
}

func (s *Server) pauseSeason(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, _, err := s.organizing(r)
	if err != nil {
		return err
	}
	sr, err := s.seriesOf(r, c)
	if err != nil {
		return err
	}
	id, err := pathID(r, "season")
	if err != nil {
		return err
	}
	se, err := s.store.SeasonByID(ctx, id)
	if err != nil {
		return err
	}
	if se.SeriesID != sr.ID {
		return convene.NotFound("season.not_found")
	}
	if strings.HasSuffix(r.URL.Path, "/pause") {
		err, flash := s.store.PauseSeason(ctx, se.ID), "flash.season_paused"
		if err != nil {
			return err
		}
		return s.redirect(w, r, seriesPath(c, sr), flash)
	}
	if err := s.store.ResumeSeason(ctx, se.ID); err != nil {
		return err
	}
	return s.redirect(w, r, seriesPath(c, sr), "flash.season_resumed")
}

func (s *Server) callForm(w http.ResponseWriter, r *http.Request) error {
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
	loc, err := convene.LoadZone(sr.TimeZone)
	if err != nil {
		return err
	}
	ed := editor{title: l.T("call.new", "Series", sr.Title), submit: l.T("action.create"), back: seriesPath(c, sr),
		initial: url.Values{"date": {convene.DateOf(s.clock.Now().In(loc)).String()}, "time": {sr.StartTime},
			"duration": {strconv.Itoa(sr.DurationMinutes)}, "status": {convene.CallScheduled}}}
	if call != nil {
		local := call.StartsAt.In(loc)
		ed.title, ed.submit, ed.back = l.T("call.edit"), l.T("action.save"), callPath(c, call)
		ed.initial = url.Values{"date": {local.Format(time.DateOnly)}, "time": {local.Format("15:04")},
			"duration": {strconv.Itoa(call.DurationMinutes)}, "status": {call.Status}, "title": {call.Title},
			"theme": {call.Theme}, "note": {call.Note}, "capacity": {strconv.Itoa(call.Capacity)}, "join_visibility": {call.JoinVisibility},
			"outcome": {call.Outcome}}
		versionValues(ed.initial, call)
		hybridValues(ed.initial, call)
	}
	if call == nil || call.OwnAccessibility == nil {
		accessibilityValues(ed.initial, sr.Accessibility)
	}
	ed.languages = c.Languages
	ed.fields = []Field{
		{Name: "date", Label: l.T("field.date"), Type: "date", Required: true},
		{Name: "time", Label: l.T("field.time_in_zone", "Zone", l.ZoneName(sr.TimeZone)), Type: "time", Required: true},
		{Name: "duration", Label: l.T("field.duration"), Type: "number", Required: true},
		{Name: "title", Label: l.T("field.call_title"), Type: "text", Max: convene.MaxTitle, Hint: l.T("hint.call_title", "Series", sr.Title), Translate: true},
		{Name: "theme", Label: l.T("field.theme"), Type: "text", Max: convene.MaxTitle, Translate: true},
		{Name: "note", Label: l.T("field.note"), Type: "textarea", Max: convene.MaxDescription, Hint: l.T("hint.call_note"), Translate: true},
		{Name: "capacity", Label: l.T("field.capacity"), Type: "number", Hint: l.T("hint.capacity")},
		{Name: "join_visibility", Label: l.T("field.join_visibility"), Type: "select", Options: joinLevelOptions(l, true)},
	}
	ed.fields = append(append(ed.fields, hybridFields(l)...), callAccessFields(l, call, sr)...)
	ended := call != nil && !call.EndsAt().After(s.clock.Now())
	if call != nil {
		ed.fields = append(ed.fields, Field{Name: "status", Label: l.T("field.status"), Type: "select", Options: []Option{
			{Value: convene.CallScheduled, Label: l.T("status.scheduled")}, {Value: convene.CallCancelled, Label: l.T("status.cancelled")}}})
	}
	if ended { // did it take place? Attendance and minutes say so too; this says it when they cannot
		opts := []Option{}
		for _, o := range convene.CallOutcomes {
			opts = append(opts, Option{Value: o, Label: l.T("call.outcome." + cmp.Or(o, "none"))})
		}
		ed.fields = append(ed.fields, Field{Name: "outcome", Label: l.T("field.outcome"), Type: "select", Options: opts, Hint: l.T("hint.outcome")})
	}
	ed.save = func(vals url.Values) (string, string, error) {
		var parse []convene.FieldError
		day := dateField(vals, "date", &parse)
		nc := &convene.Call{SeriesID: sr.ID, CommunityID: c.ID, DurationMinutes: intField(vals, "duration", &parse),
			Title: vals.Get("title"), Theme: vals.Get("theme"), Note: vals.Get("note"), Status: convene.CallScheduled,
			Capacity: intField(vals, "capacity", &parse), JoinVisibility: vals.Get("join_visibility")}
		readHybrid(vals, nc, &parse)
		if call != nil {
			nc.ID, nc.Status, nc.Outcome = call.ID, vals.Get("status"), call.Outcome
			if ended {
				nc.Outcome = vals.Get("outcome")
			}
			nc.Translations = maps.Clone(call.Translations)
		}
		readVersions(vals, c.Languages, nc)
		hm, err := time.Parse("15:04", strings.TrimSpace(vals.Get("time")))
		if err != nil {
			parse = append(parse, convene.FieldError{Field: "time", Key: "time.invalid"})
		} else if !day.IsZero() {
			nc.StartsAt = time.Date(day.Year, day.Month, day.Day, hm.Hour(), hm.Minute(), 0, 0, loc)
		}
		nc.Normalize()
		if verr := nc.Validate(); verr != nil || len(parse) > 0 {
			if e, ok := convene.AsError(verr); ok {
				for i := range e.Fields { // the form asks for a date and a time, not one instant
					if e.Fields[i].Field == "starts_at" {
						e.Fields[i].Field = "date"
					}
				}
			}
			return "", "", mergeErrors(parse, verr)
		}
		if call == nil {
			if err := s.store.CreateCall(ctx, nc); err != nil {
				return "", "", err
			}
			return callPath(c, nc), "flash.call_created", nil
		}
		if err := s.store.UpdateCall(ctx, nc); err != nil {
			return "", "", err
		}
		return callPath(c, nc), "flash.saved", nil
	}
	return s.edit(w, r, b, ed)
}
