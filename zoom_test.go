package convene

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func readZoomSample(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "zoom", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// seedKit is the join kit the seed announcement describes.
var seedKit = JoinKit{
	Provider:  ProviderZoom,
	JoinURL:   "https://zoom.us/j/912323161",
	MeetingID: "912323161",
	Passcode:  "005064",
	DialIns: []DialIn{
		{Number: "+16475580588", Label: "Canada"},
		{Number: "+17207072699", Label: "US (Denver)"},
		{Number: "+16465588656", Label: "US (New York)"},
	},
	LocalNumbersURL: "https://zoom.us/u/aegrsblAn2",
}

func TestParseZoomInvitation(t *testing.T) {
	seed := readZoomSample(t, "seed.txt")
	tests := []struct {
		name string
		text string
		want JoinKit
	}{
		{name: "seed", text: seed, want: seedKit},
		{name: "seed CRLF", text: strings.ReplaceAll(seed, "\n", "\r\n"), want: seedKit},
		{name: "seed CR only", text: strings.ReplaceAll(seed, "\n", "\r"), want: seedKit},
		{
			name: "2020-2023 layout",
			text: readZoomSample(t, "2023.txt"),
			want: JoinKit{
				Provider:        ProviderZoom,
				JoinURL:         "https://us02web.zoom.us/j/85775884256?pwd=UXRy...",
				MeetingID:       "85775884256",
				Passcode:        "010383",
				PhonePasscode:   true,
				DialIns:         []DialIn{{Number: "+12532050468", Label: "US"}},
				LocalNumbersURL: "https://us02web.zoom.us/u/kcx7l4PZqf",
				SIP:             "85775884256@zoomcrc.com",
			},
		},
		{
			name: "2024 layout",
			text: readZoomSample(t, "2024.txt"),
			want: JoinKit{
				Provider:      ProviderZoom,
				JoinURL:       "https://us06web.zoom.us/j/6655340718?pwd=aBcDeFgHiJkLmNoPqRsTuVwXyZ.1",
				MeetingID:     "6655340718",
				Passcode:      "482913",
				PhonePasscode: true,
				DialIns: []DialIn{
					{Number: "+16475580588", Label: "Canada"},
					{Number: "+17789072071", Label: "Canada"},
					{Number: "+14388097799", Label: "Canada"},
					{Number: "+18557038985", Label: "Canada Toll-free"},
				},
				LocalNumbersURL: "https://us06web.zoom.us/u/kbT9xQz2Lm",
				SIP:             "6655340718@zoomcrc.com",
			},
		},
		{
			name: "URL only",
			text: "https://us02web.zoom.us/j/85775884256?pwd=UXRyWjZ4dGhxR0VUbXRzQ2VTdz09\n",
			want: JoinKit{
				Provider:  ProviderZoom,
				JoinURL:   "https://us02web.zoom.us/j/85775884256?pwd=UXRyWjZ4dGhxR0VUbXRzQ2VTdz09",
				MeetingID: "85775884256",
			},
		},
		{
			name: "URL in a sentence",
			text: "Join us at https://zoom.us/j/912323161. See you there!",
			want: JoinKit{Provider: ProviderZoom, JoinURL: "https://zoom.us/j/912323161", MeetingID: "912323161"},
		},
		{
			name: "personal link without meeting ID",
			text: "Join Zoom Meeting\nhttps://ogcc.zoom.us/my/opengov\n",
			want: JoinKit{Provider: ProviderZoom, JoinURL: "https://ogcc.zoom.us/my/opengov"},
		},
		{
			name: "tabs, no dial-by-location block: dial-ins from one-taps, repeats dropped",
			text: "\tMeeting ID:\t912 323 161\n\tOne tap mobile\n\t+16475580588,,912323161# Canada\n" +
				"\t+16475580588,,912323161# Canada again\n\t+17207072699,,912323161#   US  (Denver)\n",
			want: JoinKit{
				Provider:  ProviderZoom,
				JoinURL:   "https://zoom.us/j/912323161",
				MeetingID: "912323161",
				DialIns: []DialIn{
					{Number: "+16475580588", Label: "Canada"},
					{Number: "+17207072699", Label: "US (Denver)"},
				},
			},
		},
		{
			name: "passcode only in the one-taps, older participant-ID skip",
			text: "Meeting ID: 857 7588 4256\n+13017158592,,85775884256#,,,,,,0#,,010383# US (Washington DC)\n",
			want: JoinKit{
				Provider:      ProviderZoom,
				JoinURL:       "https://zoom.us/j/85775884256",
				MeetingID:     "85775884256",
				Passcode:      "010383",
				PhonePasscode: true,
				DialIns:       []DialIn{{Number: "+13017158592", Label: "US (Washington DC)"}},
			},
		},
		{
			name: "letters in the passcode, numeric phone passcode on a second line",
			text: "https://zoom.us/j/85775884256?pwd=abc\nMeeting ID: 857 7588 4256\nPasscode: Ab3xYz\n" +
				"One tap mobile\n+16475580588,,85775884256#,,,,*123456# Canada\n" +
				"Dial by your location\n+1 647 558 0588 Canada\nMeeting ID: 857 7588 4256\nPasscode: 123456\n",
			want: JoinKit{
				Provider:  ProviderZoom,
				JoinURL:   "https://zoom.us/j/85775884256?pwd=abc",
				MeetingID: "85775884256",
				Passcode:  "Ab3xYz",
				DialIns:   []DialIn{{Number: "+16475580588", Label: "Canada"}},
			},
		},
		{
			name: "French labels",
			text: "Participer à la réunion Zoom\nhttps://zoom.us/j/912323161\n\nID de réunion : 912 323 161\n" +
				"Code secret : 005064\nTrouvez votre numéro local : https://zoom.us/u/aegrsblAn2\n",
			want: JoinKit{
				Provider:        ProviderZoom,
				JoinURL:         "https://zoom.us/j/912323161",
				MeetingID:       "912323161",
				Passcode:        "005064",
				LocalNumbersURL: "https://zoom.us/u/aegrsblAn2",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseZoomInvitation(tt.text)
			if err != nil {
				t.Fatalf("ParseZoomInvitation: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("parsed kit does not validate: %v", err)
			}
		})
	}
}

func TestParseZoomInvitationOneTaps(t *testing.T) {
	tests := []struct {
		file string
		want []OneTap
	}{
		{"seed.txt", []OneTap{
			{Number: "+16475580588", Label: "Canada", Dial: "+16475580588,,912323161#"},
			{Number: "+17207072699", Label: "US (Denver)", Dial: "+17207072699,,912323161#"},
			{Number: "+16465588656", Label: "US (New York)", Dial: "+16465588656,,912323161#"},
		}},
		{"2023.txt", []OneTap{
			{Number: "+12532050468", Label: "US", Dial: "+12532050468,,85775884256#,,,,*010383#"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			k, err := ParseZoomInvitation(readZoomSample(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if got := k.OneTaps(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("OneTaps() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseZoomInvitationErrors(t *testing.T) {
	tests := []struct {
		name, text, key string
	}{
		{"empty", "", "joinkit.paste.empty"},
		{"blank lines", " \r\n\t\n  ", "joinkit.paste.empty"},
		{"byte-order mark only", "\uFEFF\n", "joinkit.paste.empty"},
		{"hello world", "hello world", "joinkit.paste.unrecognized"},
		{"lorem ipsum", "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.", "joinkit.paste.unrecognized"},
		{"email signature", "--\nJane Doe | Open Government Lead\nOntario Public Service\nTel: +1 416 555 0199\njane.doe@ontario.ca\nhttps://www.ontario.ca/page/open-government", "joinkit.paste.unrecognized"},
		{"dial-ins and passcode but no meeting ID", "Passcode: 010383\nDial by your location\n+1 647 558 0588 Canada\n", "joinkit.paste.unrecognized"},
		{"meeting ID of the wrong length", "Meeting ID: 123 456", "joinkit.paste.unrecognized"},
		{"non-Zoom link", "https://meet.google.com/abc-defg-hij", "joinkit.paste.unrecognized"},
		{"link and Meeting ID line disagree", "https://zoom.us/j/85775884256\nMeeting ID: 912 323 161\n", "joinkit.paste.conflict"},
		{"Meeting ID lines disagree", "Meeting ID: 912 323 161\nMeeting ID: 912 323 162\n", "joinkit.paste.conflict"},
		{"one-tap disagrees", "Meeting ID: 912 323 161\n+16475580588,,912323162# Canada\n", "joinkit.paste.conflict"},
		{"numeric passcodes disagree", "Meeting ID: 912 323 161\nPasscode: 111111\nPasscode: 222222\n", "joinkit.paste.conflict"},
		{"one-tap passcode disagrees", "Meeting ID: 912 323 161\nPasscode: 111111\n+16475580588,,912323161#,,,,*222222# Canada\n", "joinkit.paste.conflict"},
		{"one-tap passcodes disagree", "Meeting ID: 912 323 161\n+16475580588,,912323161#,,,,*111111# Canada\n+17207072699,,912323161#,,,,*222222# US\n", "joinkit.paste.conflict"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseZoomInvitation(tt.text)
			e, ok := AsError(err)
			if !ok {
				t.Fatalf("err = %v, want an *Error", err)
			}
			if e.Code != EINVALID || e.Key != tt.key {
				t.Errorf("err = %s/%s, want %s/%s", e.Code, e.Key, EINVALID, tt.key)
			}
			if !reflect.DeepEqual(k, JoinKit{}) {
				t.Errorf("kit = %+v, want the zero kit", k)
			}
		})
	}
}

func FuzzParseZoomInvitation(f *testing.F) {
	for _, name := range []string{"seed.txt", "2023.txt", "2024.txt"} {
		text := readZoomSample(f, name)
		f.Add(text)
		f.Add(strings.ReplaceAll(text, "\n", "\r\n"))
	}
	for _, text := range []string{
		"https://us02web.zoom.us/j/85775884256?pwd=UXRy",
		"Join Zoom Meeting\nhttps://ogcc.zoom.us/my/opengov\n",
		"Meeting ID: 857 7588 4256\n+13017158592,,85775884256#,,,,,,0#,,010383# US (Washington DC)\n",
		"Meeting ID: 912 323 161\nPasscode: Ab3xYz\n+16475580588,,912323161#,,,,*123456# Canada\nPasscode: 123456\n",
		"https://zoom.us/j/85775884256\nMeeting ID: 912 323 161\n",
		"hello world",
	} {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		k, err := ParseZoomInvitation(text)
		if err != nil {
			e, ok := AsError(err)
			if !ok || !strings.HasPrefix(e.Key, "joinkit.paste.") {
				t.Fatalf("unexpected error %v for %q", err, text)
			}
			return
		}
		if err := k.Validate(); err != nil {
			t.Fatalf("kit %+v does not validate: %v (%+v)", k, err, err.(*Error).Fields)
		}
		if k.IsEmpty() {
			t.Fatalf("empty kit for %q", text)
		}
		normalized := k
		normalized.DialIns = append([]DialIn(nil), k.DialIns...)
		normalized.Normalize()
		if !reflect.DeepEqual(normalized, k) {
			t.Fatalf("kit changes when normalized again: %+v -> %+v", k, normalized)
		}
	})
}

// An invitation copied onto one line, as many mail clients do, reads the same as the original:
// dial-in and one-tap numbers included.
func TestParseZoomInvitationOnOneLine(t *testing.T) {
	for _, name := range []string{"seed.txt", "2023.txt", "2024.txt"} {
		text := readZoomSample(t, name)
		want, err := ParseZoomInvitation(text)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(want.DialIns) == 0 {
			t.Fatalf("%s: the sample has no dial-in numbers to lose", name)
		}
		for sep, flat := range map[string]string{
			"spaces": strings.Join(strings.Fields(text), " "),
			"tabs":   strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\t"), "\n", "\t"),
		} {
			got, err := ReadZoomInvitation(flat)
			if err != nil {
				t.Fatalf("%s on one line (%s): %v", name, sep, err)
			}
			if !reflect.DeepEqual(got.Kit, want) {
				t.Errorf("%s on one line (%s):\n got %+v\nwant %+v", name, sep, got.Kit, want)
			}
			if len(got.LeftOut) != 0 {
				t.Errorf("%s on one line (%s): left out %q", name, sep, got.LeftOut)
			}
		}
	}
}

// What cannot be read is said, not silently dropped.
func TestReadZoomInvitationSaysWhatItLeftOut(t *testing.T) {
	text := "Join Zoom Meeting\nhttps://zoom.us/j/912323161\n\nMeeting ID: 912 323 161\n\nDial by your location\n" +
		"        +1 647 558 0588 Canada\n        call the front desk and ask for the meeting\n"
	for i := range MaxDialIns + 2 {
		text += fmt.Sprintf("        +1 613 555 %04d Ottawa %d\n", 1000+i, i)
	}
	r, err := ReadZoomInvitation(text)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Kit.DialIns) != MaxDialIns {
		t.Fatalf("kept %d numbers, want %d", len(r.Kit.DialIns), MaxDialIns)
	}
	want := []string{"call the front desk and ask for the meeting"}
	for i := MaxDialIns - 1; i < MaxDialIns+2; i++ {
		want = append(want, fmt.Sprintf("+1613555%04d Ottawa %d", 1000+i, i))
	}
	if !reflect.DeepEqual(r.LeftOut, want) {
		t.Fatalf("left out %q, want %q", r.LeftOut, want)
	}
}
