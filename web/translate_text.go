package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/action"
)

// What members write (comments, topic proposals, initiative updates and asks) stays in the
// language its author wrote it in; its author or an organizer may add versions in the community's
// other languages, on a page that shows the original beside a field per language.

// translateTextPath is where a member's text gets its versions.
func translateTextPath(c *convene.Community, kind string, id int64) string {
	return "/c/" + c.Slug + "/translate/" + kind + "/" + strconv.FormatInt(id, 10)
}

// translateLink is where the viewer adds versions of a member's text, or "" when they may not or
// the community has one language.
func translateLink(c *convene.Community, who action.Actor, kind string, id, authorID int64) string {
	if len(c.Languages) < 2 || !who.MayTranslate(&convene.MemberText{AuthorID: authorID}) {
		return ""
	}
	return translateTextPath(c, kind, id)
}

// memberTextBack is where a member's text is shown.
func memberTextBack(c *convene.Community, mt *convene.MemberText) string {
	id := strconv.FormatInt(mt.ID, 10)
	switch mt.Kind {
	case convene.MemberComment:
		return commentsPath(c, mt.On) + "#comment-" + id
	case convene.MemberTopic:
		return "/c/" + c.Slug + "/series/" + strconv.FormatInt(mt.SeriesID, 10) + "/topics#topic-" + id
	default: // updates and asks, on their initiative's page
		return initiativePath(c, mt.On.ID) + "#" + mt.Kind + "-" + id
	}
}

type originalText struct {
	Label      string
	Paragraphs []string
}

type translateTextPage struct {
	base
	Back     string
	Kind     string // what it is, for the reader: "Comment", …
	Lang     string // the original's language
	Original []originalText
	Form     *Form
}

// memberTextOf loads the member's text a request names, for someone who may translate it:
// strangers are asked to sign in, others are refused.
func (s *Server) memberTextOf(r *http.Request) (*convene.Community, action.Actor, *convene.MemberText, error) {
	c, err := s.communityOf(r)
	if err != nil {
		return nil, action.Actor{}, nil, err
	}
	who, err := s.actor(r, c)
	if err != nil {
		return nil, who, nil, err
	}
	if who.User == nil {
		return nil, who, nil, convene.Errorf(convene.EUNAUTHORIZED, "signin.required", nil)
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, who, nil, err
	}
	mt, err := s.store.MemberText(r.Context(), c.ID, r.PathValue("kind"), id)
	if err != nil {
		return nil, who, nil, err
	}
	if !who.MayTranslate(mt) {
		return nil, who, nil, action.ErrForbidden
	}
	if mt.Item.Localized().Lang == "" {
		mt.Item.Localized().Lang = c.Primary()
	}
	return c, who, mt, nil
}

func (s *Server) translateTextPage(w http.ResponseWriter, r *http.Request) error {
	c, _, mt, err := s.memberTextOf(r)
	if err != nil {
		return err
	}
	return s.showTranslateText(w, r, c, mt, http.StatusOK, versionValues(url.Values{}, mt.Item), nil)
}

// otherLanguages are the community's languages a member's text may take versions in.
func otherLanguages(c *convene.Community, mt *convene.MemberText) []string {
	return slices.DeleteFunc(slices.Clone(c.Languages), func(lang string) bool { return lang == mt.Item.Localized().Lang })
}

func (s *Server) showTranslateText(w http.ResponseWriter, r *http.Request, c *convene.Community, mt *convene.MemberText, status int, vals url.Values, ferr error) error {
	b, err := s.communityBase(r, c, "")
	if err != nil {
		return err
	}
	l := b.L
	b.Title = l.T("translate.text.title")
	p := translateTextPage{base: b, Back: memberTextBack(c, mt), Kind: l.T("translate.kind." + mt.Kind), Lang: mt.Item.Localized().Lang}
	f := &Form{Action: translateTextPath(c, mt.Kind, mt.ID), Submit: l.T("translate.text.submit")}
	for _, tf := range mt.Item.TextFields() {
		label := l.T("translate.field." + tf.Name)
		p.Original = append(p.Original, originalText{Label: label, Paragraphs: textParagraphs(*tf.Text)})
		for _, lang := range otherLanguages(c, mt) {
			name := languageName(l.Lang, lang)
			fd := Field{Name: tf.Name + ":" + lang, Label: l.T("translation.version", "Field", label, "Language", name), Type: "text", Max: tf.Max, Lang: lang,
				Hint: l.T("translate.text.hint", "Language", name)}
			if tf.Para {
				fd.Type = "textarea"
			}
			f.Fields = append(f.Fields, fd)
		}
	}
	errs := formErrors{}
	if ferr != nil {
		fe, ok := errorsOf(l, ferr)
		if !ok {
			return ferr
		}
		errs = fe
	}
	f.build(vals, errs, l)
	p.Form = f
	return s.render(w, status, "translate_text", p)
}

// postTranslateText saves the versions of a member's text; an empty field removes that version.
func (s *Server) postTranslateText(w http.ResponseWriter, r *http.Request) error {
	c, who, mt, err := s.memberTextOf(r)
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	versions := convene.Translations{}
	for _, lang := range otherLanguages(c, mt) {
		for _, tf := range mt.Item.TextFields() {
			if _, sent := vals[tf.Name+":"+lang]; sent {
				if versions[lang] == nil {
					versions[lang] = map[string]string{}
				}
				versions[lang][tf.Name] = vals.Get(tf.Name + ":" + lang)
			}
		}
	}
	if _, err := s.acts.Translate(r.Context(), who, c, mt.Kind, mt.ID, versions); err != nil {
		return s.showTranslateText(w, r, c, mt, http.StatusUnprocessableEntity, vals, err)
	}
	return s.redirect(w, r, memberTextBack(c, mt), "flash.translation_saved")
}
