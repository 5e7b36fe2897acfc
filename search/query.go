package search

import (
	"strings"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/french"

	"github.com/opengovcall/convene"
)

// Query limits: what a person types in a search box, not a document.
const (
	MaxQueryLength = 200 // characters
	MaxQueryWords  = 12
)

// Query is what a person searched for, made safe: its words only, none of any engine's syntax
// (quotes, stars, minus signs, NEAR are letters or nothing here), each matched by any of its forms.
type Query struct {
	Text  string     // as typed, trimmed
	Words [][]string // each word's forms; a result holds one form of every word
}

// ParseQuery reads a search. An empty one, or one with no word in it, and one longer than
// MaxQueryLength are refused with a message for the searcher; words past MaxQueryWords are left out.
func ParseQuery(text string) (Query, error) {
	text = strings.TrimSpace(text)
	if len([]rune(text)) > MaxQueryLength {
		return Query{}, convene.Invalid("search.too_long", map[string]any{"Max": MaxQueryLength})
	}
	q := Query{Text: text}
	var stop [][]string // stop words are searched only when nothing else was asked
	for _, w := range words(text) {
		f := forms(w.text)
		if len(f) == 0 {
			continue
		}
		if isStopWord(f[0]) {
			stop = append(stop, f)
			continue
		}
		if len(q.Words) < MaxQueryWords && !sameForms(q.Words, f) {
			q.Words = append(q.Words, f)
		}
	}
	if len(q.Words) == 0 {
		q.Words = stop[:min(len(stop), MaxQueryWords)]
	}
	if len(q.Words) == 0 {
		return Query{}, convene.Invalid("search.empty", nil)
	}
	return q, nil
}

func isStopWord(folded string) bool {
	return english.IsStopWord(folded) || french.IsStopWord(folded)
}

func sameForms(have [][]string, f []string) bool {
	for _, h := range have {
		if h[0] == f[0] {
			return true
		}
	}
	return false
}

// FTS5 is the query as an SQLite FTS5 MATCH expression: every word, any of its forms, each form a
// quoted string (forms are letters and digits only, so nothing in them is syntax).
func (q Query) FTS5() string {
	parts := make([]string, len(q.Words))
	for i, f := range q.Words {
		parts[i] = `("` + strings.Join(f, `" OR "`) + `")`
	}
	return strings.Join(parts, " AND ")
}

// TSQuery is the query as a PostgreSQL tsquery for the 'simple' configuration, in the same form.
func (q Query) TSQuery() string {
	parts := make([]string, len(q.Words))
	for i, f := range q.Words {
		parts[i] = "('" + strings.Join(f, "' | '") + "')"
	}
	return strings.Join(parts, " & ")
}

// matches reports whether a word of a text, as written, is one the query asked for.
func (q Query) matches(word string) bool {
	for _, f := range forms(word) {
		for _, w := range q.Words {
			if contains(w, f) {
				return true
			}
		}
	}
	return false
}
