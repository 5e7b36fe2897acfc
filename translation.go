package convene

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"golang.org/x/text/language"
)

// Translations are the versions of an item's texts in languages other than its own: BCP 47
// language tag → field name → text. Tags are kept in canonical form ("fr", "iu", "fr-CA").
type Translations map[string]map[string]string

// Texts make an item translatable. Its own fields hold the original, written in Lang (for what
// organizers write, the community's primary language); Translations hold the other versions.
// Localize swaps in the reader's version and remembers which fields still show the original.
type Texts struct {
	Lang         string // the language of the item's own fields; "" until known
	Translations Translations

	original map[string]string // field → original text, once Localize swapped it
	swapped  map[string]string // field → the version Localize swapped in
	shown    map[string]string // field → language it shows in, where not the reader's
	reader   string            // the language Localize showed it in
}

// TextField is one translatable field of an item: its name in forms, the API and storage, where
// its text lives, and its limit.
type TextField struct {
	Name string
	Text *string
	Max  int
	Para bool // a paragraph, newlines kept; otherwise one line
}

// Translatable is an item with translatable fields.
type Translatable interface {
	TextFields() []TextField
	Localized() *Texts
}

// Localized returns the item's texts; embedding Texts makes an item Translatable with TextFields.
func (t *Texts) Localized() *Texts { return t }

// CanonicalLanguage reads a BCP 47 tag and returns its canonical form ("FR" → "fr"); a malformed
// or unknown one is an error.
func CanonicalLanguage(tag string) (string, error) {
	tag = strings.TrimSpace(tag)
	if tag == "" {
		return "", Invalid("language.invalid", map[string]any{"Language": tag})
	}
	t, err := language.Parse(tag)
	if err != nil || t == language.Und {
		return "", Invalid("language.invalid", map[string]any{"Language": tag})
	}
	return t.String(), nil
}

// Get is a field's version in a language, "" when missing.
func (t Translations) Get(lang, field string) string { return t[lang][field] }

// Set stores a field's version in a language; an empty text removes it.
func (t *Translations) Set(lang, field, text string) {
	if text == "" {
		if (*t)[lang] != nil {
			delete((*t)[lang], field)
			if len((*t)[lang]) == 0 {
				delete(*t, lang)
			}
		}
		return
	}
	if *t == nil {
		*t = Translations{}
	}
	if (*t)[lang] == nil {
		(*t)[lang] = map[string]string{}
	}
	(*t)[lang][field] = text
}

// Languages lists the languages the item has any version in, besides its own, sorted.
func (t Translations) Languages() []string { return slices.Sorted(maps.Keys(t)) }

// NormalizeTexts trims every version the way its field is trimmed and drops empty ones and those
// in the item's own language (its fields hold that one).
func NormalizeTexts(it Translatable) {
	tx := it.Localized()
	kept, own := Translations{}, it.TextFields()
	for lang, fields := range tx.Translations {
		if canon, err := CanonicalLanguage(lang); err == nil {
			lang = canon
		}
		if lang == tx.Lang {
			continue
		}
		for _, f := range own {
			text := fields[f.Name]
			if f.Para {
				text = Para(text)
			} else {
				text = Line(text)
			}
			kept.Set(lang, f.Name, text)
		}
		for name, text := range fields { // unknown fields stay for ValidateTexts to refuse
			if _, known := fieldNamed(own, name); !known {
				kept.Set(lang, name, text)
			}
		}
	}
	tx.Translations = kept
	if len(kept) == 0 {
		tx.Translations = nil
	}
}

// ValidateTexts checks an item's versions against the languages of its community: each a
// well-formed tag the community uses, for a field the item has, within its limit. Errors name
// the field as "title:fr", as the forms do.
func ValidateTexts(it Translatable, languages []string) error {
	var f fieldErrors
	checkTexts(&f, it, languages)
	return f.err()
}

func checkTexts(f *fieldErrors, it Translatable, languages []string) {
	tx, fields := it.Localized(), it.TextFields()
	for _, lang := range tx.Translations.Languages() {
		canon, err := CanonicalLanguage(lang)
		if err != nil || canon != lang {
			f.add("translations", "language.invalid", map[string]any{"Language": lang})
			continue
		}
		if !slices.Contains(languages, lang) {
			f.add("translations", "language.not_in_community", map[string]any{"Language": lang})
			continue
		}
		for name, text := range tx.Translations[lang] {
			field, known := fieldNamed(fields, name)
			if !known {
				f.add("translations", "translation.unknown_field", map[string]any{"Field": name})
				continue
			}
			checkText(f, name+":"+lang, text, field.Max, false)
		}
	}
}

// Localize shows an item in a reader's language: each field takes its version in lang where
// there is one, and keeps its original otherwise, remembered as shown in the original's
// language. own is the language the item's fields are in when the item does not say (the
// community's primary). It can run again for another reader.
func Localize(it Translatable, lang, own string) {
	if it == nil {
		return
	}
	tx := it.Localized()
	if tx.Lang == "" {
		tx.Lang = own
	}
	if tx.original != nil || tx.shown != nil {
		Unlocalize(it)
	}
	tx.reader = lang
	if lang == tx.Lang { // the reader's language is the original's: nothing to swap or mark
		return
	}
	for _, f := range it.TextFields() {
		if v := tx.Translations.Get(lang, f.Name); v != "" {
			if tx.original == nil {
				tx.original, tx.swapped = map[string]string{}, map[string]string{}
			}
			tx.original[f.Name], tx.swapped[f.Name] = *f.Text, v
			*f.Text = v
			continue
		}
		if *f.Text != "" {
			if tx.shown == nil {
				tx.shown = map[string]string{}
			}
			tx.shown[f.Name] = tx.Lang
		}
	}
}

// Unlocalize puts back the originals Localize swapped out, except in fields changed since (an
// edit wins), so what is written is never a translation in the original's place.
func Unlocalize(it Translatable) {
	tx := it.Localized()
	for _, f := range it.TextFields() {
		if v, ok := tx.swapped[f.Name]; ok && *f.Text == v {
			*f.Text = tx.original[f.Name]
		}
	}
	tx.original, tx.swapped, tx.shown, tx.reader = nil, nil, nil, ""
}

// ShownIn is the language a field shows in after Localize when it is not the reader's (the
// original's, its translation missing), or "".
func (t *Texts) ShownIn(field string) string { return t.shown[field] }

// Translated reports whether a field shows a translation after Localize (not its original).
func (t *Texts) Translated(field string) bool {
	_, ok := t.swapped[field]
	return ok
}

// LangOf is the language a field shows in: the reader's where Localize swapped in their
// version, the item's own otherwise ("" when not known).
func (t *Texts) LangOf(field string) string {
	if t.Translated(field) {
		return t.reader
	}
	return t.Lang
}

// Original is a field's text in the item's own language, whatever Localize did.
func Original(it Translatable, field string) string {
	if f, ok := fieldNamed(it.TextFields(), field); ok {
		return it.Localized().originalOf(f)
	}
	return ""
}

// fieldNamed finds a field among an item's translatable fields.
func fieldNamed(fields []TextField, name string) (TextField, bool) {
	i := slices.IndexFunc(fields, func(f TextField) bool { return f.Name == name })
	if i < 0 {
		return TextField{}, false
	}
	return fields[i], true
}

// Versions are every version of an item's texts, its own language included: language → field →
// text, for the API and for forms.
func Versions(it Translatable) Translations {
	tx := it.Localized()
	out := make(Translations, len(tx.Translations)+1)
	if tx.Lang != "" {
		own := map[string]string{}
		for _, f := range it.TextFields() {
			if text := tx.originalOf(f); text != "" {
				own[f.Name] = text
			}
		}
		if len(own) > 0 {
			out[tx.Lang] = own
		}
	}
	for lang, fields := range tx.Translations {
		if len(fields) > 0 {
			out[lang] = fields
		}
	}
	return out
}

// originalOf is a field's text in the item's own language, whatever Localize did.
func (t *Texts) originalOf(f TextField) string {
	if v, ok := t.original[f.Name]; ok {
		return v
	}
	return *f.Text
}

// Missing lists, for each of the languages (its community's, primary first), the item's fields
// that have an original but no version in it. An item that does not say its language is in the
// primary one.
func Missing(it Translatable, languages []string) map[string][]string {
	tx := it.Localized()
	own := tx.Lang
	if own == "" && len(languages) > 0 {
		own = languages[0]
	}
	out := map[string][]string{}
	for _, lang := range languages {
		if lang == own {
			continue
		}
		for _, f := range it.TextFields() {
			if tx.originalOf(f) != "" && tx.Translations.Get(lang, f.Name) == "" {
				out[lang] = append(out[lang], f.Name)
			}
		}
	}
	return out
}

// Name is another item's name or title shown beside an item (the initiative an update is about,
// the call it was presented at), with that item's versions, so pages show it in the reader's
// language too. Field is the key of the text in those versions ("name", or "title" for calls).
type Name struct {
	Text  string
	Field string
	Texts
}

// TextFields is the name's one field.
func (n *Name) TextFields() []TextField {
	field := n.Field
	if field == "" {
		field = "name"
	}
	return []TextField{{field, &n.Text, MaxTitle, false}}
}

// String is the name as shown.
func (n Name) String() string { return n.Text }

// MarshalJSON writes the name as shown, a plain string.
func (n Name) MarshalJSON() ([]byte, error) { return json.Marshal(n.Text) }

// checkAuthorLanguage readies the language a member says they wrote in: "" stays unknown, a
// well-formed tag takes its canonical form, anything else is a field error on "lang".
func checkAuthorLanguage(f *fieldErrors, lang *string) {
	if *lang == "" {
		return
	}
	canon, err := CanonicalLanguage(*lang)
	if err != nil {
		f.add("lang", "language.invalid", map[string]any{"Language": *lang})
		return
	}
	*lang = canon
}

// Kinds of texts members write that their author or an organizer may translate.
const (
	MemberComment = "comment"
	MemberTopic   = "topic"
	MemberUpdate  = "update"
	MemberAsk     = "ask"
)

// MemberTextKinds are the kinds of member texts that take translations.
var MemberTextKinds = []string{MemberComment, MemberTopic, MemberUpdate, MemberAsk}

// MemberText is a text a member wrote, found by its kind and id: a *Comment, *Topic,
// *InitiativeUpdate or *Ask, with who wrote it and where it is shown.
type MemberText struct {
	Kind     string
	ID       int64
	AuthorID int64 // 0 when the author's account is gone
	Item     Translatable
	// Where it is shown: the call, initiative or idea a comment is on, the series a topic was
	// proposed to, the initiative of an update or an ask.
	On CommentTarget
	// SeriesID is the series of a topic.
	SeriesID int64
}
