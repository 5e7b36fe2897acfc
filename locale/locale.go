// Package locale is Convene's message catalog in English and French (go-i18n, with the messages
// as JSON files per feature in messages/) and the dates, times, zones and durations written the
// way each language writes them. Pages, mail, feeds and the command line all speak through it.
package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/opengovcall/convene"
)

//go:embed messages/*.json
var localeFiles embed.FS

// Catalog holds every user-visible message in English and French.
type Catalog struct {
	bundle   *i18n.Bundle
	plain    map[string]map[string]string // language → id → text, for messages without placeholders or plurals
	mu       sync.Mutex
	missing  map[string]bool
	speakers map[string]*Localizer // by language, made once
}

var supported = []language.Tag{language.English, language.French}

// Languages are the interface's languages, the first the default.
var Languages = []string{"en", "fr"}

// Supported reports whether the interface speaks a language.
func Supported(lang string) bool { return lang == "en" || lang == "fr" }

// New loads the embedded message files; a broken file stops start-up.
func New() (*Catalog, error) {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	plain := map[string]map[string]string{"en": {}, "fr": {}}
	names, err := fs.Glob(localeFiles, "messages/*.json")
	if err != nil {
		return nil, err
	}
	// Files are named topic.LANG.json, so each feature can keep its messages beside the others.
	for _, name := range names {
		lang := path.Ext(strings.TrimSuffix(name, ".json"))
		lang = strings.TrimPrefix(lang, ".")
		if _, ok := plain[lang]; !ok {
			return nil, fmt.Errorf("message catalog %s: name it topic.en.json or topic.fr.json", name)
		}
		if _, err := b.LoadMessageFileFS(localeFiles, name); err != nil {
			return nil, fmt.Errorf("message catalog %s: %w", name, err)
		}
		// Most messages are fixed text: keep them ready, so pages need no template execution for them.
		raw, _ := localeFiles.ReadFile(name)
		var all map[string]any
		if err := json.Unmarshal(raw, &all); err != nil {
			return nil, fmt.Errorf("message catalog %s: %w", name, err)
		}
		for id, v := range all {
			if text, ok := v.(string); ok && !strings.Contains(text, "{{") {
				plain[lang][id] = text
			}
		}
	}
	c := &Catalog{bundle: b, plain: plain, missing: map[string]bool{}, speakers: map[string]*Localizer{}}
	for _, lang := range Languages { // a localizer only reads: one per language serves every request
		c.speakers[lang] = &Localizer{Lang: lang, c: c, l: i18n.NewLocalizer(b, lang)}
	}
	return c, nil
}

// Missing lists the message ids asked for that the catalog lacks, for tests.
func (c *Catalog) Missing() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for id := range c.missing {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Localizer speaks one language: "en" or "fr".
func (c *Catalog) Localizer(lang string) *Localizer {
	if lang != "fr" {
		lang = "en"
	}
	return c.speakers[lang]
}

// Localizer translates messages and formats dates for one language.
type Localizer struct {
	Lang string
	c    *Catalog
	l    *i18n.Localizer
}

// T translates a message; args are alternating names and values for its placeholders.
func (l *Localizer) T(id string, args ...any) string {
	if len(args) == 0 {
		if text, ok := l.c.plain[l.Lang][id]; ok {
			return text
		}
	}
	var data map[string]any
	if len(args) > 0 {
		data = make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			data[fmt.Sprint(args[i])] = args[i+1]
		}
	}
	return l.translate(id, data, nil)
}

// N translates a message with plural forms for count n.
func (l *Localizer) N(id string, n int) string {
	return l.translate(id, map[string]any{"Count": n}, n)
}

func (l *Localizer) translate(id string, data map[string]any, count any) string {
	s, err := l.l.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil {
		l.c.mu.Lock()
		l.c.missing[l.Lang+":"+id] = true
		l.c.mu.Unlock()
		return id
	}
	return s
}

// Err translates an application error's message; other errors read as a generic failure.
func (l *Localizer) Err(err error) string {
	if e, ok := convene.AsError(err); ok {
		return l.translate(e.Key, e.Args, nil)
	}
	if convene.ErrorCode(err) == convene.EUNAVAILABLE {
		return l.T("error.unavailable")
	}
	return l.T("error.internal")
}

// Field translates one field error.
func (l *Localizer) Field(f convene.FieldError) string { return l.translate(f.Key, f.Args, nil) }

// Other is the language a switch link offers.
func (l *Localizer) Other() string {
	if l.Lang == "fr" {
		return "en"
	}
	return "fr"
}

// Date formats a day the way each language writes it: "Wednesday, November 13, 2019" or
// "mercredi 13 novembre 2019".
func (l *Localizer) Date(t time.Time) string {
	wd := l.T("weekday." + strconv.Itoa(int(t.Weekday())))
	mo := l.T("month." + strconv.Itoa(int(t.Month())))
	if l.Lang == "fr" {
		return fmt.Sprintf("%s %d %s %d", wd, t.Day(), mo, t.Year())
	}
	return fmt.Sprintf("%s, %s %d, %d", wd, mo, t.Day(), t.Year())
}

// ShortDate formats a day compactly: "Nov 13, 2019" or "13 nov. 2019".
func (l *Localizer) ShortDate(t time.Time) string {
	mo := l.T("month.short." + strconv.Itoa(int(t.Month())))
	if l.Lang == "fr" {
		return fmt.Sprintf("%d %s %d", t.Day(), mo, t.Year())
	}
	return fmt.Sprintf("%s %d, %d", mo, t.Day(), t.Year())
}

// Clock formats a time of day: "12:00 p.m." in English, "12 h 00" in French (Canadian usage).
func (l *Localizer) Clock(t time.Time) string {
	if l.Lang == "fr" { // "12 h", "12 h 30", with no-break spaces
		if t.Minute() == 0 {
			return fmt.Sprintf("%d\u00a0h", t.Hour())
		}
		return fmt.Sprintf("%d\u00a0h\u00a0%02d", t.Hour(), t.Minute())
	}
	suffix := "a.m."
	if t.Hour() >= 12 {
		suffix = "p.m."
	}
	h := t.Hour() % 12
	if h == 0 {
		h = 12
	}
	return fmt.Sprintf("%d:%02d %s", h, t.Minute(), suffix)
}

// When formats an instant with its day, time and zone abbreviation, French ones in French
// ("12 h 00 HNE").
func (l *Localizer) When(t time.Time) string {
	return l.Date(t) + " · " + l.Clock(t) + " " + l.ZoneAbbreviation(t)
}

// frenchZones are the abbreviations French Canada uses for North American zones (heure normale,
// heure avancée), by the English ones the time zone database gives.
var frenchZones = map[string]string{
	"NST": "HNT", "NDT": "HAT", "AST": "HNA", "ADT": "HAA", "EST": "HNE", "EDT": "HAE",
	"CST": "HNC", "CDT": "HAC", "MST": "HNR", "MDT": "HAR", "PST": "HNP", "PDT": "HAP",
	"AKST": "HNAK", "AKDT": "HAAK", "HST": "HNH",
}

// ZoneAbbreviation is the abbreviation of t's zone at t, in the reader's language.
func (l *Localizer) ZoneAbbreviation(t time.Time) string {
	abbr := t.Format("MST")
	if fr, ok := frenchZones[abbr]; ok && l.Lang == "fr" {
		return fr
	}
	return abbr
}

// Before says how far ahead something is: "in 1 day", "in 2 hours", "in 15 minutes".
func (l *Localizer) Before(minutes int) string {
	switch {
	case minutes%1440 == 0:
		return l.N("time.in_days", minutes/1440)
	case minutes%60 == 0:
		return l.N("time.in_hours", minutes/60)
	}
	return l.N("time.in_minutes", minutes)
}

// Reminders writes reminder offsets as people say them, for the series form: "1 day, 1 hour",
// "1 jour, 1 heure"; ParseReminders reads them back.
func (l *Localizer) Reminders(minutes []int) string {
	parts := make([]string, len(minutes))
	for i, m := range minutes {
		switch {
		case m%1440 == 0:
			parts[i] = l.N("unit.days", m/1440)
		case m%60 == 0:
			parts[i] = l.N("unit.hours", m/60)
		default:
			parts[i] = l.N("unit.minutes", m)
		}
	}
	return strings.Join(parts, ", ")
}

// ZoneName is the translated name of a zone in the picker, or the IANA name for others.
func (l *Localizer) ZoneName(iana string) string {
	for _, z := range convene.ViewerZones {
		if z.IANA == iana {
			return l.T("zone." + z.Key)
		}
	}
	return strings.ReplaceAll(iana, "_", " ")
}

// Preferred picks a reader's language: the one they chose (a "lang" cookie's value), else the
// best match of their browser's Accept-Language, else English.
func Preferred(chosen, acceptLanguage string) string {
	if Supported(chosen) {
		return chosen
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err == nil && len(tags) > 0 {
		m := language.NewMatcher(supported)
		_, i, conf := m.Match(tags...)
		if conf != language.No && i == 1 {
			return "fr"
		}
	}
	return "en"
}
