package search

import (
	"html/template"
	"strings"
	"unicode/utf8"
)

// Snippet is a short passage of text around the first words the query asked for, as HTML: the
// text escaped, those words in <mark>, an ellipsis where it was cut. about is its length in
// characters, roughly; a text with no such word gives its opening.
func Snippet(text string, q Query, about int) template.HTML {
	ws := words(text)
	first := -1
	for i, w := range ws {
		if q.matches(w.text) {
			first = i
			break
		}
	}
	start, end := 0, len(text)
	if first >= 0 && utf8.RuneCountInString(text[:ws[first].start]) > about/3 {
		start = wordStartBefore(text, ws, ws[first].start, about/3)
	}
	if utf8.RuneCountInString(text[start:]) > about {
		end = wordEndAfter(ws, start, about, text)
	}
	var b strings.Builder
	if start > 0 {
		b.WriteString("… ")
	}
	at := start
	for _, w := range ws {
		if w.start < start || w.end > end {
			continue
		}
		b.WriteString(template.HTMLEscapeString(text[at:w.start]))
		if q.matches(w.text) {
			b.WriteString("<mark>" + template.HTMLEscapeString(w.text) + "</mark>")
		} else {
			b.WriteString(template.HTMLEscapeString(w.text))
		}
		at = w.end
	}
	b.WriteString(template.HTMLEscapeString(text[at:end]))
	if end < len(text) {
		b.WriteString(" …")
	}
	return template.HTML(strings.TrimSpace(b.String()))
}

// wordStartBefore is where the word starts that begins about runes before at.
func wordStartBefore(text string, ws []word, at, about int) int {
	for i := len(ws) - 1; i >= 0; i-- {
		if ws[i].start < at && utf8.RuneCountInString(text[ws[i].start:at]) >= about {
			return ws[i].start
		}
	}
	return 0
}

// wordEndAfter is where the last word ends that fits in about runes from start.
func wordEndAfter(ws []word, start, about int, text string) int {
	end := start
	for _, w := range ws {
		if w.start < start {
			continue
		}
		if utf8.RuneCountInString(text[start:w.end]) > about {
			break
		}
		end = w.end
	}
	if end == start {
		return len(text)
	}
	return end
}
