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
	f := &Feed{Name: "Été", Instance: "calls.example.org", Entries: []Entry{{Call: call, URL: "https://calls.example.org/c/x/calls/7",
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

// TestCalendarsCarryNoBareControlCharacters writes a call whose text holds carriage returns and
// other control characters, as if input cleaning had been bypassed: no line of the feed or of an
// invitation may hold a bare CR, and no injected property may start a line.
func TestCalendarsCarryNoBareControlCharacters(t *testing.T) {
	start := time.Date(2019, 11, 13, 17, 0, 0, 0, time.UTC)
	evil := "Reboot\rORGANIZER:mailto:attacker@evil.example\r\nLOCATION:https://evil.example\x00\x07"
	call := &convene.Call{ID: 7, StartsAt: start, DurationMinutes: 60, Status: convene.CallScheduled, UpdatedAt: start, CreatedAt: start,
		Title: evil, Theme: evil, Note: evil}
	f := &Feed{Name: evil, Instance: "calls.example.org", Entries: []Entry{{Call: call, URL: "https://calls.example.org/c/x/calls/7",
		Agenda: []*convene.AgendaItem{{Position: 1, Title: evil, PresenterName: evil}}}}}
	for name, body := range map[string]string{
		"feed":       f.Serialize(),
		"invitation": f.Invitation(f.Entries[0], "REQUEST", 3, "calls@example.org", evil, "member@example.net", evil, start),
	} {
		for i, line := range strings.Split(body, "\r\n") {
			if strings.ContainsAny(line, "\r\n\x00\x07") || strings.HasPrefix(line, "ORGANIZER:mailto:attacker") || strings.HasPrefix(line, "LOCATION:https://evil") {
				t.Fatalf("%s line %d: %q", name, i, line)
			}
		}
	}
}
