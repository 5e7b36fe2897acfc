// Package search finds things in a community's record, in English and French: calls, minutes,
// initiatives and their updates, asks, ideas, events, comments and public profiles.
//
// Text becomes terms in Go, the same way on both database engines: words are cut at anything that
// is not a letter or a digit, lowered, stripped of accents, and stemmed in English and in French
// (Snowball, github.com/kljensen/snowball), so "consultations" finds "consultation" and « données »
// finds "donnees" whichever language either was written in. The engines only match terms: FTS5
// on SQLite, a tsvector with the 'simple' configuration on PostgreSQL.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/french"
	"golang.org/x/text/unicode/norm"
)

// maxWordLength is the longest word that becomes a term; longer runs (a pasted hash, a URL's
// path) are left out.
const maxWordLength = 40

// Terms are the terms text is found by, separated by spaces, in the order of its words: for each
// word its folded form and its English and French stems, each once.
func Terms(text string) string {
	var b strings.Builder
	for _, w := range words(text) {
		for _, f := range forms(w.text) {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(f)
		}
	}
	return b.String()
}

// forms are the distinct terms one word (as written) is found by.
func forms(word string) []string {
	f := fold(word)
	if f == "" || len([]rune(f)) > maxWordLength {
		return nil
	}
	out := []string{f}
	for _, s := range []string{english.Stem(f, true), french.Stem(f, true)} {
		if s = fold(s); s != "" && !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// fold lowers a word and strips its accents and ligatures: "Données" → "donnees", "œuvre" → "oeuvre".
func fold(s string) string {
	s = strings.ToLower(s)
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii { // most words: nothing to strip
		return s
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(ligatures.Replace(s)) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}

var ligatures = strings.NewReplacer("œ", "oe", "æ", "ae", "ß", "ss")

// word is a word of a text and where it is, in bytes.
type word struct {
	text       string
	start, end int
}

// words cuts text into its words: runs of letters and digits (an apostrophe ends a word, so
// "l'équipe" is "l" and "équipe").
func words(text string) []word {
	var out []word
	start := -1
	for i, r := range text {
		inWord := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		switch {
		case inWord && start < 0:
			start = i
		case !inWord && start >= 0:
			out = append(out, word{text[start:i], start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, word{text[start:], start, len(text)})
	}
	return out
}
