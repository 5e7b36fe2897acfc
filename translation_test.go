package convene

import (
	"strings"
	"testing"
)

// A reader gets their language's version of each field; a missing one keeps the original and says
// which language it shows in. Localizing again for another reader starts from the originals.
func TestLocalize(t *testing.T) {
	c := &Call{Title: "Community Call reboot", Theme: "Open data", Note: "Bring questions"}
	c.Translations.Set("fr", "title", "Relance de l’appel communautaire")
	c.Translations.Set("fr", "theme", "Données ouvertes")
	Localize(c, "fr", "en")
	if c.Title != "Relance de l’appel communautaire" || c.Theme != "Données ouvertes" || c.Note != "Bring questions" {
		t.Fatalf("French reader sees %q / %q / %q", c.Title, c.Theme, c.Note)
	}
	if c.ShownIn("title") != "" || c.ShownIn("note") != "en" {
		t.Fatalf("shown in: title %q, note %q", c.ShownIn("title"), c.ShownIn("note"))
	}
	if Original(c, "title") != "Community Call reboot" {
		t.Fatalf("original %q", Original(c, "title"))
	}
	Localize(c, "en", "en")
	if c.Title != "Community Call reboot" || c.ShownIn("note") != "" {
		t.Fatalf("English reader after French sees %q (note shown in %q)", c.Title, c.ShownIn("note"))
	}
	v := Versions(c)
	if v.Get("en", "title") != "Community Call reboot" || v.Get("fr", "theme") != "Données ouvertes" || v.Get("fr", "note") != "" {
		t.Fatalf("versions %v", v)
	}
	if m := Missing(c, []string{"en", "fr"}); len(m["fr"]) != 1 || m["fr"][0] != "note" {
		t.Fatalf("missing %v", m)
	}
}

// Writing an item shown in French puts the originals back, unless a field was edited since.
func TestUnlocalizeKeepsEdits(t *testing.T) {
	c := &Call{Title: "Reboot", Theme: "Open data"}
	c.Translations.Set("fr", "title", "Relance")
	c.Translations.Set("fr", "theme", "Données ouvertes")
	Localize(c, "fr", "en")
	c.Theme = "Open data in Canada" // edited after it was shown
	Unlocalize(c)
	if c.Title != "Reboot" || c.Theme != "Open data in Canada" {
		t.Fatalf("after unlocalize: %q / %q", c.Title, c.Theme)
	}
}

// Versions are checked against the community's languages: well-formed tags only, languages it
// has, fields the item has, within each field's limit.
func TestValidateTexts(t *testing.T) {
	for _, tc := range []struct {
		lang, field, text, want string
	}{
		{"fr", "title", "Relance", ""},
		{"iu", "title", "ᐊᐃᑉᐱᓐᓇᓱᐊᕐᓂᖅ", "language.not_in_community"},
		{"fr-", "title", "x", "language.invalid"},
		{"fr", "colour", "bleu", "translation.unknown_field"},
		{"fr", "title", strings.Repeat("é", MaxTitle+1), "field.too_long"},
	} {
		c := &Call{Title: "Reboot", Texts: Texts{Lang: "en", Translations: Translations{tc.lang: {tc.field: tc.text}}}}
		err := ValidateTexts(c, []string{"en", "fr"})
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s %s: %v", tc.lang, tc.field, err)
			}
			continue
		}
		e, ok := AsError(err)
		if !ok || len(e.Fields) == 0 || e.Fields[0].Key != tc.want {
			t.Errorf("%s %s: %v, want %s", tc.lang, tc.field, err, tc.want)
		}
	}
	if _, err := CanonicalLanguage("FR-ca"); err != nil {
		t.Fatal(err)
	}
	if got, _ := CanonicalLanguage("FR-ca"); got != "fr-CA" {
		t.Fatalf("canonical %q", got)
	}
}
