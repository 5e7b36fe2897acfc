package convene

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func readParticipantSample(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "participants", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseParticipantReport(t *testing.T) {
	toronto, err := time.LoadLocation("America/Toronto")
	if err != nil {
		t.Fatal(err)
	}
	at := func(y int, mo time.Month, d, h, mi, s int) time.Time {
		return time.Date(y, mo, d, h, mi, s, 0, toronto)
	}
	summaryJoins := readParticipantSample(t, "summary-joins.csv")
	summaryJoinsWant := ParticipantReport{
		MeetingID: "85218486288",
		Topic:     "Open Government Community Call",
		StartsAt:  at(2020, 9, 24, 11, 30, 52),
		EndsAt:    at(2020, 9, 24, 12, 45, 10),
		Layout:    ParticipantLayoutJoins,
		Rows:      4,
		Participants: []Participant{
			{Name: "Jane Host", Email: "host@example.org", Minutes: 75, Joins: 1,
				FirstJoin: at(2020, 9, 24, 11, 30, 52), LastLeave: at(2020, 9, 24, 12, 45, 10)},
			{Name: "Eric's iPad", OriginalName: "Clapton", Email: "eric@example.org", Minutes: 68, Joins: 2, Guest: true,
				FirstJoin: at(2020, 9, 24, 11, 35, 16), LastLeave: at(2020, 9, 24, 12, 45, 10)},
			{Name: "Tremblay, Marie", Minutes: 50, Joins: 1, Guest: true,
				FirstJoin: at(2020, 9, 24, 11, 40, 0), LastLeave: at(2020, 9, 24, 12, 30, 0)},
		},
	}
	joins := readParticipantSample(t, "joins.csv")
	joinsWant := ParticipantReport{
		Layout: ParticipantLayoutJoins,
		Rows:   3,
		Participants: []Participant{
			{Name: "Amira Haddad", Email: "amira.haddad@example.ca", Minutes: 58, Joins: 2,
				FirstJoin: at(2019, 11, 13, 12, 0, 5), LastLeave: at(2019, 11, 13, 13, 0, 10)},
			{Name: "Dial-in 647 ***0588", Minutes: 56, Joins: 1, Guest: true,
				FirstJoin: at(2019, 11, 13, 12, 2, 11), LastLeave: at(2019, 11, 13, 12, 58, 3)},
		},
	}
	emailVariantWant := ParticipantReport{
		Layout: ParticipantLayoutJoins,
		Rows:   2,
		Participants: []Participant{
			{Name: "Lucie Gagnon", Email: "lucie.gagnon@example.ca", Minutes: 75, Joins: 1,
				FirstJoin: at(2023, 6, 1, 0, 0, 0), LastLeave: at(2023, 6, 1, 1, 15, 0)},
			{Name: "Raj Patel", OriginalName: "Rajesh Patel", Email: "raj@example.ca", Minutes: 45, Joins: 1, Guest: true,
				FirstJoin: at(2023, 6, 1, 0, 5, 0), LastLeave: at(2023, 6, 1, 0, 50, 0)},
		},
	}
	tests := []struct {
		name string
		text string
		want ParticipantReport
	}{
		{name: "summary, byte-order mark, comma-only separator, rejoins, guests", text: summaryJoins, want: summaryJoinsWant},
		{name: "summary CRLF", text: strings.ReplaceAll(summaryJoins, "\n", "\r\n"), want: summaryJoinsWant},
		{name: "summary without byte-order mark", text: strings.TrimPrefix(summaryJoins, "\uFEFF"), want: summaryJoinsWant},
		{name: "joins only", text: joins, want: joinsWant},
		{name: "joins with trailing commas and blank lines", text: strings.ReplaceAll(joins, "\n", ",,\n\n"), want: joinsWant},
		{
			name: "joins with consent, waiting room and marketing columns",
			text: readParticipantSample(t, "joins-consent.csv"),
			want: ParticipantReport{
				Layout: ParticipantLayoutJoins,
				Rows:   3,
				Participants: []Participant{
					{Name: "Jane Host", OriginalName: "Jane Doe", Email: "host@example.org", Minutes: 64, Joins: 1,
						FirstJoin: at(2024, 1, 18, 9, 58, 30), LastLeave: at(2024, 1, 18, 11, 2, 12)},
					{Name: "Pierre Lavoie", Email: "pierre@example.qc.ca", Minutes: 60, Joins: 2, Guest: true,
						FirstJoin: at(2024, 1, 18, 10, 0, 10), LastLeave: at(2024, 1, 18, 11, 0, 0)},
				},
			},
		},
		{
			name: "unique users with summary and blank separator",
			text: readParticipantSample(t, "unique.csv"),
			want: ParticipantReport{
				MeetingID: "85218486288",
				Topic:     "Budget consultation",
				StartsAt:  at(2022, 3, 2, 14, 0, 0),
				EndsAt:    at(2022, 3, 2, 15, 30, 0),
				Layout:    ParticipantLayoutUnique,
				Rows:      2,
				Participants: []Participant{
					{Name: "Jane Host", Email: "host@example.org", Minutes: 90, Joins: 1},
					{Name: "Sam Okafor", OriginalName: "Samuel Okafor", Minutes: 71, Joins: 1, Guest: true},
				},
			},
		},
		{name: "lower-case Email variant, day-first 24-hour", text: readParticipantSample(t, "email-variant.csv"), want: emailVariantWant},
		{
			name: "Name and Email header, month-first without padding, extra column, quoted name",
			text: readParticipantSample(t, "name-email.csv"),
			want: ParticipantReport{
				Layout: ParticipantLayoutJoins,
				Rows:   2,
				Participants: []Participant{
					{Name: "Lucie Gagnon", Email: "lucie.gagnon@example.ca", Minutes: 70, Joins: 1,
						FirstJoin: at(2020, 9, 4, 9, 5, 0), LastLeave: at(2020, 9, 4, 10, 15, 0)},
					{Name: `O'Brien, "Kit"`, Minutes: 15, Joins: 1,
						FirstJoin: at(2020, 9, 4, 21, 30, 0), LastLeave: at(2020, 9, 4, 21, 45, 0)},
				},
			},
		},
		{
			name: "columns in another order, day above 12, ISO times, rejoin by name",
			text: "\uFEFFGuest,Leave Time,Join Time,Name (Original Name),Duration (Minutes)\n" +
				"\n" +
				"yes,25/12/2023 10:30,25/12/2023 10:00,Guest Phone,30\n" +
				"NO,2023-12-25 11:00:00,2023-12-25 10:45:00,Guest Phone,15\n",
			want: ParticipantReport{
				Layout: ParticipantLayoutJoins,
				Rows:   2,
				Participants: []Participant{
					{Name: "Guest Phone", Minutes: 45, Joins: 2, Guest: true,
						FirstJoin: at(2023, 12, 25, 10, 0, 0), LastLeave: at(2023, 12, 25, 11, 0, 0)},
				},
			},
		},
		{
			name: "second field above 12 means month first, even in 24-hour times",
			text: "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n" +
				"A,,02/03/2021 09:00,02/03/2021 09:10,10,No\n" +
				"B,,02/13/2021 09:00,02/13/2021 09:10,10,No\n",
			want: ParticipantReport{
				Layout: ParticipantLayoutJoins,
				Rows:   2,
				Participants: []Participant{
					{Name: "A", Minutes: 10, Joins: 1, FirstJoin: at(2021, 2, 3, 9, 0, 0), LastLeave: at(2021, 2, 3, 9, 10, 0)},
					{Name: "B", Minutes: 10, Joins: 1, FirstJoin: at(2021, 2, 13, 9, 0, 0), LastLeave: at(2021, 2, 13, 9, 10, 0)},
				},
			},
		},
		{
			name: "summary topic that reads like a header, a.m. and p.m., ISO with T",
			text: "Meeting ID,Topic,Start Time\n" +
				"852-1848-6288,Name (Original Name),2020-09-24T11:30\n" +
				"Name,User Email,Join Time,Leave Time,Duration (Minutes)\n" +
				"Al,AL@example.org,9/24/2020 11:35 a.m.,9/24/2020 12:05 p.m.,30\n",
			want: ParticipantReport{
				MeetingID: "85218486288",
				Topic:     "Name (Original Name)",
				StartsAt:  at(2020, 9, 24, 11, 30, 0),
				Layout:    ParticipantLayoutJoins,
				Rows:      1,
				Participants: []Participant{
					{Name: "Al", Email: "al@example.org", Minutes: 30, Joins: 1,
						FirstJoin: at(2020, 9, 24, 11, 35, 0), LastLeave: at(2020, 9, 24, 12, 5, 0)},
				},
			},
		},
		{
			name: "nested and empty parentheses, invalid UTF-8",
			text: "Name (Original Name),User Email,Total Duration (Minutes)\n" +
				"Kim (Ottawa) (Kimberly (Kim) Lee),,5\n" +
				"(Only Original),,6\n" +
				"Bad \xff byte,,7\n",
			want: ParticipantReport{
				Layout: ParticipantLayoutUnique,
				Rows:   3,
				Participants: []Participant{
					{Name: "Kim (Ottawa)", OriginalName: "Kimberly (Kim) Lee", Minutes: 5, Joins: 1},
					{Name: "Only Original", Minutes: 6, Joins: 1},
					{Name: "Bad \uFFFD byte", Minutes: 7, Joins: 1},
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseParticipantReport(strings.NewReader(tt.text), toronto)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

func TestParseParticipantReportErrors(t *testing.T) {
	header := "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
	var long strings.Builder
	long.WriteString("Name (Original Name),User Email,Total Duration (Minutes)\n")
	for i := 0; i <= MaxParticipantRows; i++ {
		fmt.Fprintf(&long, "P%d,,1\n", i)
	}
	tests := []struct {
		name string
		text string
		key  string
		args map[string]any
	}{
		{"empty", "", "attendance.report.empty", nil},
		{"byte-order mark only", "\uFEFF", "attendance.report.empty", nil},
		{"blank and comma-only lines", "\n,,,\r\n  \n", "attendance.report.empty", nil},
		{"another tool's CSV", readParticipantSample(t, "other-tool.csv"), "attendance.report.unrecognized", nil},
		{"summary only", "Meeting ID,Topic,Start Time,End Time\n85218486288,Call,09/24/2020 11:30:52 AM,\n", "attendance.report.unrecognized", nil},
		{"participant header without duration", "Name (Original Name),User Email,Guest\nA,,No\n", "attendance.report.unrecognized", nil},
		{"header only", header, "attendance.report.noparticipants", nil},
		{"summary and header only", "Meeting ID,Topic\n1,Call\n,\n" + header + ",,,,,\n", "attendance.report.noparticipants", nil},
		{"unreadable join time", header + "A,,yesterday,09/24/2020 12:00 PM,5,No\n", "attendance.report.row", map[string]any{"Line": 2}},
		{"missing leave time", header + "\nA,,09/24/2020 11:00 AM,,5,No\n", "attendance.report.row", map[string]any{"Line": 3}},
		{"hour 13 PM", header + "A,,09/24/2020 13:00 PM,09/24/2020 1:10 PM,10,No\n", "attendance.report.row", map[string]any{"Line": 2}},
		{"February 30", header + "A,,02/30/2020 11:00 AM,02/30/2020 11:10 AM,10,No\n", "attendance.report.row", map[string]any{"Line": 2}},
		{"day-first file with a month-first row", header + "A,,25/12/2023 10:00,25/12/2023 10:10,10,No\nB,,12/25/2023 10:00,12/25/2023 10:10,10,No\n", "attendance.report.row", map[string]any{"Line": 3}},
		{"negative duration", header + "A,,09/24/2020 11:00 AM,09/24/2020 11:10 AM,-10,No\n", "attendance.report.row", map[string]any{"Line": 2}},
		{"non-numeric duration", header + "A,a@example.org,09/24/2020 11:00 AM,09/24/2020 11:10 AM,ten,No\n", "attendance.report.row", map[string]any{"Line": 2}},
		{"neither name nor e-mail", header + ",,09/24/2020 11:00 AM,09/24/2020 11:10 AM,10,No\n", "attendance.report.row", map[string]any{"Line": 2}},
		{"unreadable summary time", "Meeting ID,Topic,Start Time\n1,Call,soon\n" + header + "A,,09/24/2020 11:00 AM,09/24/2020 11:10 AM,10,No\n", "attendance.report.row", map[string]any{"Line": 2}},
		{"quoted cell spanning lines", header + "\"A\nB\",,09/24/2020 11:00 AM,never,10,No\n", "attendance.report.row", map[string]any{"Line": 2}},
		{"too many rows", long.String(), "attendance.report.toolong", map[string]any{"Max": MaxParticipantRows}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := ParseParticipantReport(strings.NewReader(tt.text), time.UTC)
			e, ok := AsError(err)
			if !ok {
				t.Fatalf("err = %v, want an *Error", err)
			}
			if e.Code != EINVALID || e.Key != tt.key || !reflect.DeepEqual(e.Args, tt.args) {
				t.Errorf("err = %s/%s %v, want %s/%s %v", e.Code, e.Key, e.Args, EINVALID, tt.key, tt.args)
			}
			if rep != nil {
				t.Errorf("report = %+v, want nil", rep)
			}
		})
	}
}

func TestParticipantReportLocales(t *testing.T) {
	keys := []string{"empty", "unrecognized", "row", "noparticipants", "toolong"}
	for _, lang := range []string{"en", "fr"} {
		b := readLocale(t, "participants."+lang+".json")
		for _, k := range keys {
			if !bytes.Contains(b, []byte(`"attendance.report.`+k+`"`)) {
				t.Errorf("participants.%s.json lacks attendance.report.%s", lang, k)
			}
		}
	}
}

func readLocale(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("locale", "messages", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var participantSamples = []string{
	"summary-joins.csv", "joins.csv", "joins-consent.csv", "unique.csv", "email-variant.csv", "name-email.csv", "other-tool.csv",
}

func FuzzParseParticipantReport(f *testing.F) {
	for _, name := range participantSamples {
		text := readParticipantSample(f, name)
		f.Add(text)
		f.Add(strings.ReplaceAll(text, "\n", "\r\n"))
	}
	f.Add("Name (Original Name),User Email,Total Duration (Minutes)\n(x),,5\n")
	f.Add("Name,Email,Join time,Leave time,Duration (minutes)\n\"A,,1/1/2020 1:00 AM,\"\n")
	f.Fuzz(func(t *testing.T, text string) {
		rep, err := ParseParticipantReport(strings.NewReader(text), time.UTC)
		if err != nil {
			e, ok := AsError(err)
			if !ok || e.Code != EINVALID || !strings.HasPrefix(e.Key, "attendance.report.") {
				t.Fatalf("unexpected error %v for %q", err, text)
			}
			if rep != nil {
				t.Fatalf("report %+v alongside error %v", rep, err)
			}
			return
		}
		if len(rep.Participants) == 0 || rep.Rows < len(rep.Participants) {
			t.Fatalf("report %+v for %q", rep, text)
		}
		for _, p := range rep.Participants {
			if p.Minutes < 0 || p.Joins < 1 || (p.Name == "" && p.Email == "") {
				t.Fatalf("participant %+v for %q", p, text)
			}
		}
	})
}

func BenchmarkParseParticipantReport10000(b *testing.B) {
	var buf strings.Builder
	buf.WriteString("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Recording Consent\n")
	start := time.Date(2024, 1, 18, 9, 0, 0, 0, time.UTC)
	for i := 0; i < 10_000; i++ {
		join := start.Add(time.Duration(i%600) * time.Second)
		leave := join.Add(time.Duration(5+i%50) * time.Minute)
		fmt.Fprintf(&buf, "Person %d (Original %d),person%d@example.org,%s,%s,%d,%s,Y\n",
			i%2500, i%2500, i%2500, join.Format("01/02/2006 03:04:05 PM"), leave.Format("01/02/2006 03:04:05 PM"), 5+i%50,
			map[bool]string{true: "Yes", false: "No"}[i%7 == 0])
	}
	text := buf.String()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		rep, err := ParseParticipantReport(strings.NewReader(text), time.UTC)
		if err != nil || len(rep.Participants) != 2500 {
			b.Fatal(err)
		}
	}
}

// A participant report holding NUL bytes and other control characters in names is read, and
// none of them reaches what is stored.
func TestParticipantReportDropsControlCharacters(t *testing.T) {
	report := "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n" +
		"Nul\x00 Person,,11/13/2019 12:00:00 PM,11/13/2019 12:30:00 PM,30,Yes\n"
	rep, err := ParseParticipantReport(strings.NewReader(report), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Participants) != 1 || strings.ContainsRune(rep.Participants[0].Name, 0) {
		t.Fatalf("participants: %+v", rep.Participants)
	}
}
