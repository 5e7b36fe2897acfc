package feed

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/opengovcall/convene"
)

// TestFoldingKeepsUTF8Whole folds long French text at 75 octets without splitting a character,
// and escapes commas, semicolons, backslashes and line breaks once.
func TestFoldingKeepsUTF8Whole(t *testing.T) {
	start := time.Date(2019, 11, 13, 17, 0, 0, 0, time.UTC)
	call := &convene.Call{ID: 7, StartsAt: start, DurationMinutes: 60, Status: convene.CallScheduled, UpdatedAt: start, CreatedAt: start,
		Title: strings.Repeat("Appel communautaire du gouvernement ouvert, édition spéciale; ", 3) + `C:\dossier`}
	f := &Feed{Name: "Été", Host: "calls.example.org", Entries: []Entry{{Call: call, URL: "https://calls.example.org/c/x/calls/7",
		Agenda: []*convene.AgendaItem{{Position: 1, Title: "Données ouvertes à l’échelle du pays", PresenterName: "Chloé Lavoie"}}}}}
	body := f.Serialize()
	var unfolded strings.Builder
	for i, line := range strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Fatalf("line %d has %d octets", i, len(line))
		}
		if !utf8.ValidString(line) {
			t.Fatalf("line %d splits a character: %q", i, line)
		}
		if strings.HasPrefix(line, " ") {
			unfolded.WriteString(line[1:])
		} else {
			unfolded.WriteString("\n" + line)
		}
	}
	text := unfolded.String()
	for _, want := range []string{`SUMMARY:Appel communautaire du gouvernement ouvert\, édition spéciale\; `, `C:\\dossier`,
		`1. Données ouvertes à l’échelle du pays — Chloé Lavoie\n`, "UID:call-7@calls.example.org", "DTSTART:20191113T170000Z",
		"DTEND:20191113T180000Z", "SEQUENCE:0", "DTSTAMP:20191113T170000Z", "STATUS:CONFIRMED"} {
		if !strings.Contains(text, want) {
			t.Errorf("feed lacks %q:\n%s", want, text)
		}
	}
}
