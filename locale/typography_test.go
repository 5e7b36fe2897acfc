package locale

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"
)

// frenchMessages are every French text of the catalog, plural forms included, by message id.
func frenchMessages(t *testing.T) map[string][]string {
	t.Helper()
	names, _ := fs.Glob(localeFiles, "messages/*.fr.json")
	out := map[string][]string{}
	for _, name := range names {
		b, _ := localeFiles.ReadFile(name)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for id, v := range m {
			switch v := v.(type) {
			case string:
				out[id] = append(out[id], v)
			case map[string]any:
				for _, form := range v {
					if s, ok := form.(string); ok {
						out[id] = append(out[id], s)
					}
				}
			}
		}
	}
	return out
}

var (
	placeholder = regexp.MustCompile(`\{\{.*?\}\}`)
	webAddress  = regexp.MustCompile(`https?://\S+`)
	// A name put straight after an article or a preposition reads badly in French whatever it
	// is ("Chronologie de Open Government…"): name it after a colon or inside « ».
	articleBeforeName = regexp.MustCompile(`\b(de|du|des|le|la|les|à|au|que)\s+\{\{\.(Community|Series|Call|Initiative|Event|Season|Name|Title)\}\}`)
)

// French as a Canadian reader expects it: a no-break space before : ; ! ? and inside « », and no
// article or preposition glued to a name.
func TestFrenchTypography(t *testing.T) {
	for id, texts := range frenchMessages(t) {
		for _, text := range texts {
			if m := articleBeforeName.FindString(text); m != "" {
				t.Errorf("%s: %q puts a name after an article: %q", id, text, m)
			}
			plain := []rune(webAddress.ReplaceAllString(placeholder.ReplaceAllString(text, "X"), "U"))
			for i, r := range plain {
				noBreakBefore := i > 0 && (plain[i-1] == '\u00a0' || plain[i-1] == '\u202f')
				switch {
				case r == ':' && i > 0 && i+1 < len(plain) && unicode.IsDigit(plain[i-1]) && unicode.IsDigit(plain[i+1]):
				case r == ';' && i > 0 && i+1 < len(plain) && isCode(plain[i-1]) && isCode(plain[i+1]):
					// a rule written out, FREQ=MONTHLY;BYDAY=2WE, is code: a space would break it
				case strings.ContainsRune(":;!?»", r) && !noBreakBefore:
					t.Errorf("%s: %q wants a no-break space before %q", id, text, r)
				case r == '«' && (i+1 >= len(plain) || plain[i+1] != '\u00a0'):
					t.Errorf("%s: %q wants a no-break space after «", id, text)
				}
			}
		}
	}
}

// Times read "12 h" and "12 h 30", dates "mercredi 13 novembre 2019".
func TestFrenchTimesAndDates(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	fr := c.Localizer("fr")
	noon := time.Date(2019, 11, 13, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ got, want string }{
		{fr.Clock(noon), "12\u00a0h"},
		{fr.Clock(noon.Add(30 * time.Minute)), "12\u00a0h\u00a030"},
		{fr.Clock(noon.Add(-3*time.Hour - 55*time.Minute)), "8\u00a0h\u00a005"},
		{fr.Date(noon), "mercredi 13 novembre 2019"},
		{fr.T("punct.colon"), "\u00a0: "},
	} {
		if tc.got != tc.want {
			t.Errorf("%q, want %q", tc.got, tc.want)
		}
	}
}

// isCode reports whether a rune belongs to a recurrence rule written out (capitals and digits).
func isCode(r rune) bool { return unicode.IsUpper(r) || unicode.IsDigit(r) }
