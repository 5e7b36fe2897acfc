package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/opengovcall/convene"
)

// untranslatedText is one public text of a community that lacks a version in some of its
// languages, with where to write them.
type untranslatedText struct {
	Kind    string // the catalog key of what it is: "translate.kind.call", …
	Name    string // its title or name, in the original
	Lang    string // the original's language, for the lang attribute
	EditURL string
	Missing []missingVersion
}

type missingVersion struct {
	Language string   // the language's name, in the reader's language
	Fields   []string // the fields' labels
}

// untranslatedTexts lists the community's public texts missing a version in one of its
// languages: the community, its series, seasons, calls (those with texts of their own) and their
// agendas, events, ideas and initiatives.
func (s *Server) untranslatedTexts(ctx context.Context, l *Localizer, c *convene.Community) ([]untranslatedText, error) {
	if len(c.Languages) < 2 {
		return nil, nil
	}
	var out []untranslatedText
	add := func(kind string, it convene.Translatable, name, edit string) {
		missing := convene.Missing(it, c.Languages)
		if len(missing) == 0 {
			return
		}
		u := untranslatedText{Kind: kind, Name: name, Lang: c.Primary(), EditURL: edit}
		for _, lang := range c.Languages {
			if fields := missing[lang]; len(fields) > 0 {
				mv := missingVersion{Language: languageName(l.Lang, lang)}
				for _, f := range fields {
					mv.Fields = append(mv.Fields, l.T("translate.field."+f))
				}
				u.Missing = append(u.Missing, mv)
			}
		}
		out = append(out, u)
	}
	add("translate.kind.community", c, convene.Original(c, "name"), "/c/"+c.Slug+"/edit")
	series, err := s.store.SeriesOf(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, sr := range series {
		add("translate.kind.series", sr, sr.Title, seriesPath(c, sr)+"/edit")
		seasons, err := s.store.SeasonsOf(ctx, sr.ID)
		if err != nil {
			return nil, err
		}
		for _, se := range seasons {
			add("translate.kind.season", se, se.Name, seriesPath(c, sr)+"/seasons/"+strconv.FormatInt(se.ID, 10)+"/edit")
		}
	}
	calls, err := s.store.Calls(ctx, convene.CallFilter{CommunityID: c.ID})
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, call := range calls {
		ids = append(ids, call.ID)
		if call.Title != "" || call.Theme != "" || call.Note != "" {
			add("translate.kind.call", call, l.ShortDate(call.StartsAt.In(call.Location()))+" · "+call.DisplayTitle(), callPath(c, call)+"/edit")
		}
	}
	agendas, err := s.store.Agendas(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, call := range calls {
		for _, a := range agendas[call.ID] {
			add("translate.kind.agenda", a, a.Title, callPath(c, call)+"/agenda/"+strconv.FormatInt(a.ID, 10)+"/edit")
		}
	}
	events, err := s.store.Events(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range events {
		add("translate.kind.event", e, e.Name, eventPath(c, e)+"/edit")
	}
	initiatives, err := s.store.Initiatives(ctx, convene.InitiativeFilter{CommunityID: c.ID})
	if err != nil {
		return nil, err
	}
	for _, in := range initiatives {
		add("translate.kind.initiative", in, in.Name, initiativePath(c, in.ID)+"/edit")
	}
	// Ideas are not listed: members propose them, in the languages they choose, and no one edits
	// them afterwards.
	return out, nil
}

type translatePage struct {
	base
	Texts         []untranslatedText
	Count         int    // versions missing, all texts together
	LanguageNames string // the community's languages, named for the reader
}

// translatePage lists, for the community's organizers, every public text still missing a language.
func (s *Server) translatePage(w http.ResponseWriter, r *http.Request) error {
	c, b, err := s.organizing(r)
	if err != nil {
		return err
	}
	texts, err := s.untranslatedTexts(r.Context(), b.L, c)
	if err != nil {
		return err
	}
	p := translatePage{base: b, Texts: texts, LanguageNames: languageList(b.L, c)}
	for _, t := range texts {
		for _, m := range t.Missing {
			p.Count += len(m.Fields)
		}
	}
	p.Title = b.L.T("translate.title", "Community", c.Name)
	return s.render(w, http.StatusOK, "translate", p)
}

// languageList names the community's languages for a reader, primary first.
func languageList(l *Localizer, c *convene.Community) string {
	names := make([]string, len(c.Languages))
	for i, lang := range c.Languages {
		names[i] = languageName(l.Lang, lang)
	}
	return strings.Join(names, ", ")
}
