package web

import (
	"io/fs"
	"net/http"
	"regexp"
	"testing"
)

// TestTemplatesUseKnownMessages finds every message id written literally in a template and checks
// the catalog has it, so a page cannot show a raw id.
func TestTemplatesUseKnownMessages(t *testing.T) {
	c, err := NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	ids := regexp.MustCompile(`\.L\.[TN] "([a-z0-9_.]+)"`)
	err = fs.WalkDir(templateFiles, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := templateFiles.ReadFile(p)
		for _, m := range ids.FindAllStringSubmatch(string(b), -1) {
			for _, lang := range []string{"en", "fr"} {
				if got := c.Localizer(lang).N(m[1], 2); got == m[1] {
					t.Errorf("%s uses %q, missing in %s", p, m[1], lang)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLogPathHidesSecrets(t *testing.T) {
	for path, want := range map[string]string{
		"/auth/abc123":               "/auth/…",
		"/feeds/s3cr3t/calendar.ics": "/feeds/…",
		"/s/4n0nym0us-t0ken":         "/s/…",
		"/c/open-gov-canada/calls/7": "/c/open-gov-canada/calls/7",
	} {
		r, _ := http.NewRequest(http.MethodGet, path, nil)
		if got := logPath(r); got != want {
			t.Errorf("%s logs as %s", path, got)
		}
	}
}
