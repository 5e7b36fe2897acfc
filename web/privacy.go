package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/locale"
)

// privacySetting is the instance setting holding the operator's own privacy notice.
const privacySetting = "privacy_notice"

// maxPrivacyNotice bounds the operator's notice.
const maxPrivacyNotice = 20000

type privacyPage struct {
	base
	Custom     []string // the operator's notice, by paragraph; empty for the default one
	CustomLang string   // the notice's language when it is not the reader's (its translation missing)
	Admin      bool
}

// privacyKey is the setting of the operator's notice in a language: the interface's first
// language is the original, the others its versions.
func privacyKey(lang string) string {
	if lang == locale.Languages[0] {
		return privacySetting
	}
	return privacySetting + ":" + lang
}

// privacy shows the instance's privacy notice: the operator's, or the default one in the reader's
// language.
func (s *Server) privacy(w http.ResponseWriter, r *http.Request) error {
	b := s.newBase(r, "")
	b.Title = b.L.T("privacy.title")
	notice, err := s.store.Setting(r.Context(), privacyKey(b.L.Lang))
	if err != nil {
		return err
	}
	lang := ""
	if notice == "" && b.L.Lang != locale.Languages[0] {
		if notice, err = s.store.Setting(r.Context(), privacySetting); err != nil {
			return err
		}
		lang = locale.Languages[0]
	}
	u := viewerOf(r).User
	p := privacyPage{base: b, Custom: textParagraphs(notice), CustomLang: lang, Admin: u != nil && u.IsAdmin}
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
	// One version per language of the interface, side by side; the first is the original.
	initial := url.Values{}
	for _, lang := range locale.Languages {
		notice, err := s.store.Setting(ctx, privacyKey(lang))
		if err != nil {
			return err
		}
		initial.Set(strings.Replace(privacyKey(lang), privacySetting, "notice", 1), notice)
	}
	b := s.newBase(r, "")
	l := b.L
	ed := editor{title: l.T("privacy.edit"), submit: l.T("action.save"), back: "/privacy", initial: initial, languages: locale.Languages,
		fields: []Field{{Name: "notice", Label: l.T("privacy.field.notice"), Type: "textarea", Max: maxPrivacyNotice, Hint: l.T("privacy.hint.notice"), Translate: true}}}
	ed.save = func(vals url.Values) (string, string, error) {
		values := map[string]string{}
		var errs []convene.FieldError
		for _, lang := range locale.Languages {
			field := strings.Replace(privacyKey(lang), privacySetting, "notice", 1)
			text := vals.Get(field)
			if utf8.RuneCountInString(text) > maxPrivacyNotice {
				errs = append(errs, convene.FieldError{Field: field, Key: "field.too_long", Args: map[string]any{"Max": maxPrivacyNotice}})
			}
			values[privacyKey(lang)] = text
		}
		if len(errs) > 0 {
			return "", "", convene.Invalid("form.invalid", nil, errs...)
		}
		if err := s.store.SetSettings(ctx, values); err != nil {
			return "", "", err
		}
		return "/privacy", "flash.saved", nil
	}
	return s.edit(w, r, b, ed)
}
