package web

import (
	"net/http"
	"net/url"
	"unicode/utf8"

	"github.com/opengovcall/convene"
)

// privacySetting is the instance setting holding the operator's own privacy notice.
const privacySetting = "privacy_notice"

// maxPrivacyNotice bounds the operator's notice.
const maxPrivacyNotice = 20000

type privacyPage struct {
	base
	Custom []string // the operator's notice, by paragraph; empty for the default one
	Admin  bool
}

// privacy shows the instance's privacy notice: the operator's, or the default one in the reader's
// language.
func (s *Server) privacy(w http.ResponseWriter, r *http.Request) error {
	notice, err := s.store.Setting(r.Context(), privacySetting)
	if err != nil {
		return err
	}
	b := s.newBase(r, "")
	b.Title = b.L.T("privacy.title")
	u := viewerOf(r).User
	p := privacyPage{base: b, Custom: textParagraphs(notice), Admin: u != nil && u.IsAdmin}
	return s.render(w, http.StatusOK, "privacy", p)
}

// privacyForm lets instance admins write the privacy notice.
func (s *Server) privacyForm(w http.ResponseWriter, r *http.Request) error {
	u := viewerOf(r).User
	if u == nil {
		return convene.Errorf(convene.EUNAUTHORIZED, "signin.required", nil)
	}
	if !u.IsAdmin {
		return convene.Errorf(convene.EFORBIDDEN, "error.forbidden", nil)
	}
	ctx := r.Context()
	notice, err := s.store.Setting(ctx, privacySetting)
	if err != nil {
		return err
	}
	b := s.newBase(r, "")
	l := b.L
	ed := editor{title: l.T("privacy.edit"), submit: l.T("action.save"), back: "/privacy",
		initial: url.Values{"notice": {notice}},
		fields:  []Field{{Name: "notice", Label: l.T("privacy.field.notice"), Type: "textarea", Max: maxPrivacyNotice, Hint: l.T("privacy.hint.notice")}}}
	ed.save = func(vals url.Values) (string, string, error) {
		text := vals.Get("notice")
		if utf8.RuneCountInString(text) > maxPrivacyNotice {
			return "", "", convene.Invalid("form.invalid", nil,
				convene.FieldError{Field: "notice", Key: "field.too_long", Args: map[string]any{"Max": maxPrivacyNotice}})
		}
		if err := s.store.SetSetting(ctx, privacySetting, text); err != nil {
			return "", "", err
		}
		return "/privacy", "flash.saved", nil
	}
	return s.edit(w, r, b, ed)
}
