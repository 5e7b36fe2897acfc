package locale

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestCatalogsMatch keeps English and French in step: the same messages, the same placeholders.
func TestCatalogsMatch(t *testing.T) {
	load := func(lang string) map[string]any {
		names, _ := fs.Glob(localeFiles, "messages/*."+lang+".json")
		all := map[string]any{}
		for _, name := range names {
			b, err := localeFiles.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for id, v := range m {
				if _, dup := all[id]; dup {
					t.Errorf("%s is defined twice in %s catalogs", id, lang)
				}
				all[id] = v
			}
		}
		if len(all) == 0 {
			t.Fatalf("no %s messages", lang)
		}
		return all
	}
	en, fr := load("en"), load("fr")
	placeholders := regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)
	names := func(v any) string {
		b, _ := json.Marshal(v)
		var out []string
		for _, m := range placeholders.FindAllStringSubmatch(string(b), -1) {
			out = append(out, m[1])
		}
		sort.Strings(out)
		return strings.Join(out, ",")
	}
	for id, v := range en {
		w, ok := fr[id]
		if !ok {
			t.Errorf("%s is missing in French", id)
			continue
		}
		// Plural forms may drop the count in the "one" form; compare the set of names only.
		if a, b := dedupe(names(v)), dedupe(names(w)); a != b {
			t.Errorf("%s: English uses {%s}, French {%s}", id, a, b)
		}
	}
	for id := range fr {
		if _, ok := en[id]; !ok {
			t.Errorf("%s is missing in English", id)
		}
	}
}

func dedupe(s string) string {
	seen := map[string]bool{}
	var out []string
	for _, p := range strings.Split(s, ",") {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return strings.Join(out, ",")
}

func TestDatesInBothLanguages(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	toronto, _ := time.LoadLocation("America/Toronto")
	seed := time.Date(2019, 11, 13, 12, 0, 0, 0, toronto)
	if got := c.Localizer("en").When(seed); got != "Wednesday, November 13, 2019 · 12:00 p.m. EST" {
		t.Errorf("en: %q", got)
	}
	if got := c.Localizer("fr").When(seed); got != "mercredi 13 novembre 2019 · 12\u00a0h HNE" {
		t.Errorf("fr: %q", got)
	}
	if got := c.Localizer("en").Clock(seed.Add(-12 * time.Hour)); got != "12:00 a.m." {
		t.Errorf("midnight: %q", got)
	}
}
