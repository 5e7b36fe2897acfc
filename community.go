package convene

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Community is one movement's home on an instance: its calls, people and record.
type Community struct {
	ID          int64
	Slug        string
	Name        string
	Description string
	TimeZone    string   // IANA zone used when nothing more specific applies
	Languages   []string // "en", "fr"
	PublicReach bool     // everyone may see its reach analytics (aggregates, small counts suppressed)
	// ApproveMembers makes joining a request an organizer approves; otherwise anyone signed in joins.
	ApproveMembers bool
	// Federation publishes the community's public calls over ActivityPub and lets it be followed
	// from other instances and follow them; off, it is not an actor at all.
	Federation bool
	// FederateNotes also sends its published minutes and initiative updates to its followers, as
	// posts (opt-in).
	FederateNotes bool
	// RequireTranslations holds a call's announcement until its texts exist in every language.
	RequireTranslations bool
	// Logo and Cover are the community's pictures, nil when it has none; each shows only with its
	// words for people who cannot see it (LogoAlt, CoverAlt, translatable like its name).
	Logo, Cover       *Image
	LogoAlt, CoverAlt string
	CreatedAt         time.Time
	UpdatedAt         time.Time
	Texts
}

// TextFields are the community's translatable fields.
func (c *Community) TextFields() []TextField {
	return []TextField{{"name", &c.Name, MaxName, false}, {"description", &c.Description, MaxDescription, true},
		{"logo_alt", &c.LogoAlt, MaxShortText, false}, {"cover_alt", &c.CoverAlt, MaxShortText, false}}
}

// Primary is the community's primary language: what its organizers write first, and what a
// reader sees when their own language is missing.
func (c *Community) Primary() string {
	if len(c.Languages) == 0 {
		return "en"
	}
	return c.Languages[0]
}

// Languages Convene speaks.
var Languages = []string{"en", "fr"}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Field size limits, shared by validation and forms.
const (
	MaxSlug        = 60
	MaxName        = 120
	MaxTitle       = 200
	MaxDescription = 5000
	MaxShortText   = 200
)

// stripAccents takes the accents off letters: "Valérie" becomes "Valerie".
func stripAccents(s string) string {
	folded, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
	if err != nil {
		return s
	}
	return folded
}

// FoldName is a person's name as matching compares it: without accents or case, its words
// separated by single spaces, so "Valérie  Dubois" and "valerie dubois" are one name.
func FoldName(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(stripAccents(name)), " "))
}

// SlugFrom makes a web address from a community's name: "Appel communautaire · Québec" becomes
// "appel-communautaire-quebec". Accents go, anything not a letter or digit separates words.
func SlugFrom(name string) string {
	folded := stripAccents(name)
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(folded) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			if b.Len() >= MaxSlug {
				break
			}
			continue
		}
		dash = true
	}
	return strings.TrimRight(b.String(), "-")
}

// Normalize trims the community's text fields and lowercases its slug.
func (c *Community) Normalize() {
	c.Slug = strings.ToLower(strings.TrimSpace(c.Slug))
	c.Name = Line(c.Name)
	c.Description = Para(c.Description)
	c.LogoAlt, c.CoverAlt = Line(c.LogoAlt), Line(c.CoverAlt)
	c.TimeZone = CanonicalZone(Line(c.TimeZone))
	var langs []string
	for _, l := range c.Languages {
		if canon, err := CanonicalLanguage(l); err == nil {
			l = canon
		} else {
			l = strings.TrimSpace(l)
		}
		if l != "" && !slices.Contains(langs, l) {
			langs = append(langs, l)
		}
	}
	c.Languages = langs
	c.Lang = c.Primary()
	NormalizeTexts(c)
}

// Validate checks the community before it is stored.
func (c *Community) Validate() error {
	var f fieldErrors
	switch {
	case c.Slug == "":
		f.add("slug", "field.required", nil)
	case utf8.RuneCountInString(c.Slug) > MaxSlug:
		f.add("slug", "field.too_long", map[string]any{"Max": MaxSlug})
	case !slugPattern.MatchString(c.Slug):
		f.add("slug", "slug.invalid", nil)
	}
	checkText(&f, "name", c.Name, MaxName, true)
	checkText(&f, "description", c.Description, MaxDescription, false)
	if !ValidZone(c.TimeZone) {
		f.add("time_zone", "timezone.unknown", map[string]any{"Zone": c.TimeZone})
	}
	if len(c.Languages) == 0 {
		f.add("languages", "languages.required", nil)
	}
	for _, l := range c.Languages {
		if _, err := CanonicalLanguage(l); err != nil {
			f.add("languages", "languages.unknown", map[string]any{"Language": l})
			break
		}
	}
	checkText(&f, "logo_alt", c.LogoAlt, MaxShortText, false)
	checkText(&f, "cover_alt", c.CoverAlt, MaxShortText, false)
	if c.Logo != nil && c.LogoAlt == "" {
		f.add("logo_alt", "image.alt_required", nil)
	}
	if c.Cover != nil && c.CoverAlt == "" {
		f.add("cover_alt", "image.alt_required", nil)
	}
	checkTexts(&f, c, c.Languages)
	return f.err()
}

func isLanguage(l string) bool {
	for _, x := range Languages {
		if x == l {
			return true
		}
	}
	return false
}

// checkText adds a field error when a text is missing (and required) or longer than max characters.
func checkText(f *fieldErrors, field, value string, max int, required bool) {
	switch {
	case !utf8.ValidString(value) || strings.ContainsRune(value, 0):
		f.add(field, "field.bad_text", nil)
	case required && value == "":
		f.add(field, "field.required", nil)
	case utf8.RuneCountInString(value) > max:
		f.add(field, "field.too_long", map[string]any{"Max": max})
	}
}
