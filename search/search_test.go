package search_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/search"
	"github.com/opengovcall/convene/store"
)

// found reports whether a search for query finds text, the way the engines match: one of each
// word's forms among the text's terms.
func found(t *testing.T, query, text string) bool {
	t.Helper()
	q, err := search.ParseQuery(query)
	if err != nil {
		t.Fatalf("%q: %v", query, err)
	}
	terms := map[string]bool{}
	for _, term := range strings.Fields(search.Terms(text)) {
		terms[term] = true
	}
	for _, forms := range q.Words {
		ok := false
		for _, f := range forms {
			ok = ok || terms[f]
		}
		if !ok {
			return false
		}
	}
	return true
}

func TestWordsAreFoundInEitherLanguageWithOrWithoutAccents(t *testing.T) {
	for _, tc := range []struct {
		query, text string
		want        bool
	}{
		{"consultations", "A public consultation on the action plan", true},
		{"consultation", "Three consultations were held", true},
		{"données ouvertes", "Les donnees ouvertes de la Nouvelle-Écosse", true},
		{"donnees", "Les données ouvertes", true},
		{"Nova Scotia open data", "What we said about open data in Nova Scotia", true},
		{"clearinghouse", "The Re:OpenGov clearinghouse for ideas", true},
		{"Re:OpenGov", "The Re:OpenGov clearinghouse", true},
		{"équipe", "l'Équipe du gouvernement ouvert", true},
		{"oeuvre", "la mise en œuvre du plan", true},
		{"budget", "Open data in Nova Scotia", false},
		{"open data Alberta", "Open data in Nova Scotia", false},
		{"the", "The plan", true}, // a search of stop words alone still searches them
	} {
		if got := found(t, tc.query, tc.text); got != tc.want {
			t.Errorf("%q in %q: found %t, want %t (terms %q)", tc.query, tc.text, got, tc.want, search.Terms(tc.text))
		}
	}
}

func TestBadSearchesAreRefusedOrMadeHarmless(t *testing.T) {
	for _, tc := range []struct{ query, key string }{
		{"", "search.empty"},
		{"   ", "search.empty"},
		{`"*- ()`, "search.empty"},
		{`"""`, "search.empty"},
		{strings.Repeat("open data ", 1000), "search.too_long"},
	} {
		_, err := search.ParseQuery(tc.query)
		if fe, ok := err.(*convene.Error); !ok || fe.Key != tc.key {
			t.Errorf("%.20q: %v, want %s", tc.query, err, tc.key)
		}
	}
	safe := regexp.MustCompile(`^\("[\p{L}\p{N}]+"( OR "[\p{L}\p{N}]+")*\)( AND \("[\p{L}\p{N}]+"( OR "[\p{L}\p{N}]+")*\))*$`)
	for _, query := range hostile {
		q, err := search.ParseQuery(query)
		if err != nil {
			t.Fatalf("%q: %v", query, err)
		}
		if !safe.MatchString(q.FTS5()) {
			t.Errorf("%q makes the FTS5 expression %q", query, q.FTS5())
		}
		if len(q.Words) > search.MaxQueryWords {
			t.Errorf("%q: %d words", query, len(q.Words))
		}
	}
}

// hostile are searches full of the engines' syntax.
var hostile = []string{
	`"open data`, `open* data*`, `-consultation`, `open NEAR data`, `NEAR(open data, 2)`, `open AND NOT data`,
	`col:open`, `^open`, `open | data & !plan`, `'open' <-> 'data'`, `(open`, `a:* & b`,
	`données "ouvertes`, strings.Repeat("word ", 30), `l'équipe's "plan"`,
}

// The expressions go to the real engines without an error, whatever was typed.
func TestHostileSearchesParseInBothEngines(t *testing.T) {
	testdb.Each(t, convene.FixedClock(time.Now()), func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		db := s.DB()
		pg := s.Engine() == "postgres"
		if !pg {
			if _, err := db.ExecContext(ctx, `CREATE VIRTUAL TABLE probe USING fts5(terms, tokenize = 'unicode61 remove_diacritics 2')`); err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, `INSERT INTO probe (terms) VALUES (?)`, search.Terms("Open data: les données ouvertes")); err != nil {
				t.Fatal(err)
			}
		}
		for _, query := range append(hostile, "open data", "données") {
			q, err := search.ParseQuery(query)
			if err != nil {
				t.Fatal(err)
			}
			var n int
			if pg {
				err = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT to_tsvector('simple', $1) @@ to_tsquery('simple', $2) AS hit) x WHERE hit`,
					search.Terms("Open data: les données ouvertes"), q.TSQuery()).Scan(&n)
			} else {
				err = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM probe WHERE probe MATCH ?`, q.FTS5()).Scan(&n)
			}
			if err != nil {
				t.Errorf("%q: %v", query, err)
			}
			if (query == "open data" || query == "données") && n != 1 {
				t.Errorf("%q does not find the text it names", query)
			}
		}
	})
}

func TestSnippetsMarkTheWordsAndEscapeTheText(t *testing.T) {
	q, _ := search.ParseQuery("données")
	got := string(search.Snippet(`<script>alert(1)</script> Nous avons parlé des donnees ouvertes & du plan.`, q, 200))
	if !strings.Contains(got, "<mark>donnees</mark>") || strings.Contains(got, "<script>") || !strings.Contains(got, "&amp;") {
		t.Errorf("snippet %q", got)
	}
	long := strings.Repeat("Earlier words about other things. ", 20) + "Then open data came up. " + strings.Repeat("Later words. ", 20)
	q, _ = search.ParseQuery("open data")
	got = string(search.Snippet(long, q, 80))
	if !strings.HasPrefix(got, "… ") || !strings.HasSuffix(got, " …") || !strings.Contains(got, "<mark>open</mark> <mark>data</mark>") {
		t.Errorf("snippet of a long text %q", got)
	}
	if n := len([]rune(got)); n > 140 {
		t.Errorf("snippet of %d characters", n)
	}
}
