package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/opengovcall/convene"
)

func (s *Server) commentRoutes(handle, api func(string, func(http.ResponseWriter, *http.Request) error)) {
	handle("GET /c/{slug}/comments", s.commentsPage)
	handle("POST /c/{slug}/comments", s.postComment)
	handle("POST /c/{slug}/comments/{id}/hide", s.hideComment)
	handle("POST /c/{slug}/comments/{id}/report", s.reportComment)
	handle("GET /c/{slug}/news.atom", s.newsFeed)
	api("GET /api/v1/communities/{slug}/comments", s.apiComments)
	api("POST /api/v1/comments", s.apiPostComment)
}

// commentView is a comment as the comments page shows it: its Markdown rendered and sanitized.
type commentView struct {
	ID        int64
	Author    string
	HTML      template.HTML
	CreatedAt time.Time
	Reports   int
	Lang      string        // the language it shows in, when known
	Note      template.HTML // "English only", or that it is a translation
	Translate string        // where the viewer adds its versions, when they may
}

type commentsPageData struct {
	base
	On       string // the target as "kind:id"
	Back     string // the page of what the comments are about
	Comments []commentView
	Form     *Form // members only
}

// commentBack is the page of what comments are about.
func commentBack(c *convene.Community, t convene.CommentTarget) string {
	id := strconv.FormatInt(t.ID, 10)
	switch t.Kind {
	case convene.CommentOnCall:
		return "/c/" + c.Slug + "/calls/" + id
	case convene.CommentOnInitiative:
		return "/c/" + c.Slug + "/initiatives/" + id
	case convene.CommentOnIdea:
		return "/c/" + c.Slug + "/ideas#idea-" + id
	}
	return "/c/" + c.Slug + "/initiatives"
}

func commentsPath(c *convene.Community, t convene.CommentTarget) string {
	return "/c/" + c.Slug + "/comments?on=" + url.QueryEscape(t.String())
}

// commentsPage lists the visible comments on a call, an initiative, an ask or an idea, with a
// form for members. Organizers see how often each comment was reported and may hide it.
func (s *Server) commentsPage(w http.ResponseWriter, r *http.Request) error {
	return s.showComments(w, r, http.StatusOK, nil, nil)
}

func (s *Server) showComments(w http.ResponseWriter, r *http.Request, status int, vals url.Values, ferr error) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	t, err := convene.ParseCommentTarget(r.URL.Query().Get("on"))
	if err != nil {
		return err
	}
	b, err := s.communityBase(r, c, "")
	if err != nil {
		return err
	}
	l := b.L
	b.Title = l.T("comment.title")
	list, err := s.store.Comments(r.Context(), c.ID, t)
	if err != nil {
		return err
	}
	p := commentsPageData{base: b, On: t.String(), Back: commentBack(c, t)}
	who, err := s.actor(r, c)
	if err != nil {
		return err
	}
	for _, cm := range list {
		s.localize(r, c, cm)
		p.Comments = append(p.Comments, commentView{ID: cm.ID, Author: cm.AuthorName, HTML: renderMarkdown(cm.Body), CreatedAt: cm.CreatedAt,
			Reports: cm.Reports, Lang: cm.LangOf("body"), Note: memberNote(l, cm, "body"), Translate: translateLink(c, who, convene.MemberComment, cm.ID, cm.AuthorID)})
	}
	member, err := s.seesMembers(r, c)
	if err != nil {
		return err
	}
	if member {
		p.Form = &Form{Action: commentsPath(c, t), Submit: l.T("comment.post"), Prefix: "cm-", Fields: []Field{
			{Name: "body", Label: l.T("comment.field.body"), Type: "textarea", Required: true, Max: convene.MaxComment, Hint: l.T("minutes.hint.markdown")}}}
		p.Form.Fields = append(p.Form.Fields, writtenInField(l, c)...)
		errs := formErrors{}
		if ferr != nil {
			if fe, ok := errorsOf(l, ferr); ok {
				errs = fe
			} else if convene.ErrorCode(ferr) == convene.ETOOMANY {
				errs = formErrors{"": l.Err(ferr)}
			} else {
				return ferr
			}
		}
		if vals == nil {
			vals = url.Values{}
		}
		p.Form.build(vals, errs, l)
	}
	return s.render(w, status, "comments", p)
}

// postComment adds the signed-in member's comment; too many comments lately are refused with the
// time to wait.
func (s *Server) postComment(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	who, err := s.actor(r, c)
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	cm, err := s.acts.Comment(r.Context(), who, c, r.URL.Query().Get("on"), vals.Get("body"), vals.Get("lang"))
	if err == nil {
		return s.redirect(w, r, commentsPath(c, cm.Target), "flash.comment_posted")
	}
	if _, ok := errorsOf(viewerOf(r).L, err); ok || convene.ErrorCode(err) == convene.ETOOMANY {
		return s.showComments(w, r, statusOf(err), vals, err)
	}
	return err
}

// commentBackOf reads where to go back to after hiding or reporting a comment.
func commentBackOf(c *convene.Community, vals url.Values) string {
	if t, err := convene.ParseCommentTarget(vals.Get("on")); err == nil {
		return commentsPath(c, t)
	}
	return "/c/" + c.Slug
}

// hideComment lets an organizer hide a comment for good.
func (s *Server) hideComment(w http.ResponseWriter, r *http.Request) error {
	c, _, err := s.organizing(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if err := s.store.HideComment(r.Context(), c.ID, id); err != nil {
		return err
	}
	return s.redirect(w, r, commentBackOf(c, vals), "flash.comment_hidden")
}

// reportComment records that the signed-in user reported a comment to the organizers.
func (s *Server) reportComment(w http.ResponseWriter, r *http.Request) error {
	u, err := requireSignedIn(r)
	if err != nil {
		return err
	}
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	vals, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if err := s.store.ReportComment(r.Context(), c.ID, id, u.ID, vals.Get("reason")); err != nil {
		return err
	}
	return s.redirect(w, r, commentBackOf(c, vals), "flash.comment_reported")
}

// apiWritten is what the API says of a text a member wrote: the language they wrote it in and
// every version of it (language → field → text).
type apiWritten struct {
	Lang         string               `json:"lang"`
	Translations convene.Translations `json:"translations"`
}

// writtenOf is the API's account of a member's text.
func writtenOf(it convene.Translatable) apiWritten {
	return apiWritten{Lang: it.Localized().Lang, Translations: convene.Versions(it)}
}

type apiComment struct {
	ID        int64     `json:"id"`
	On        string    `json:"on"`
	Author    string    `json:"author"`
	Body      string    `json:"body"`
	HTML      string    `json:"html"`
	CreatedAt time.Time `json:"created_at"`
	apiWritten
}

func toAPIComment(c *convene.Comment) apiComment {
	return apiComment{ID: c.ID, On: c.Target.String(), Author: c.AuthorName, Body: c.Body, HTML: string(renderMarkdown(c.Body)), CreatedAt: c.CreatedAt,
		apiWritten: writtenOf(c)}
}

// apiComments lists the visible comments on one thing of a community, authors by name only.
func (s *Server) apiComments(w http.ResponseWriter, r *http.Request) error {
	c, err := s.communityOf(r)
	if err != nil {
		return err
	}
	t, err := convene.ParseCommentTarget(r.URL.Query().Get("on"))
	if err != nil {
		return err
	}
	list, err := s.store.Comments(r.Context(), c.ID, t)
	if err != nil {
		return err
	}
	s.localizeData(r, c, list)
	out := struct {
		Comments []apiComment `json:"comments"`
	}{Comments: []apiComment{}}
	for _, cm := range list {
		out.Comments = append(out.Comments, toAPIComment(cm))
	}
	return writeJSON(w, http.StatusOK, out)
}

// apiPostComment adds the signed-in member's comment: {"community": slug, "on": "call:12", "body": "…"}.
func (s *Server) apiPostComment(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireSignedIn(r); err != nil {
		return err
	}
	var body struct {
		Community string `json:"community"`
		On        string `json:"on"`
		Body      string `json:"body"`
		Lang      string `json:"lang"`
	}
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	c, err := s.store.CommunityBySlug(r.Context(), body.Community)
	if err != nil {
		return err
	}
	who, err := s.actor(r, c)
	if err != nil {
		return err
	}
	cm, err := s.acts.Comment(r.Context(), who, c, body.On, body.Body, body.Lang)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toAPIComment(cm))
}
