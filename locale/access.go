package locale

import (
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/opengovcall/convene"
)

// LanguageName is a language's name as a reader of another writes it: "English", "anglais".
func LanguageName(reader, lang string) string {
	tag, err := language.Parse(lang)
	if err != nil {
		return lang
	}
	if name := display.Tags(language.Make(reader)).Name(tag); name != "" {
		return name
	}
	return lang
}

// Accessibility is what a call offers so that everyone can take part, one sentence each: captions,
// interpretation, sign language, materials ahead, and whom to ask. Pages, mail, calendars and
// structured data all say it in these words.
func (l *Localizer) Accessibility(a convene.Accessibility) []string {
	var out []string
	if a.Captions != "" {
		out = append(out, l.T("accessibility.captions."+a.Captions))
	}
	if len(a.Interpretation) > 0 {
		names := make([]string, len(a.Interpretation))
		for i, lang := range a.Interpretation {
			names[i] = LanguageName(l.Lang, lang)
		}
		out = append(out, l.T("accessibility.interpretation", "Languages", strings.Join(names, " ↔ ")))
	}
	for _, s := range a.SignLanguages {
		out = append(out, l.T("accessibility.sign."+s))
	}
	if a.MaterialsAhead {
		out = append(out, l.T("accessibility.materials_ahead"))
	}
	if a.Contact != "" {
		out = append(out, l.T("accessibility.contact", "Contact", a.Contact))
	}
	return out
}
