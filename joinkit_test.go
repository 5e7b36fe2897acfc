package convene

import (
	"reflect"
	"strings"
	"testing"
)

func TestJoinKitOneTaps(t *testing.T) {
	dialIns := []DialIn{{Number: "+16475580588", Label: "Canada"}, {Number: "+17207072699", Label: "US (Denver)"}}
	tests := []struct {
		name string
		kit  JoinKit
		want []OneTap
	}{
		{"no passcode", JoinKit{MeetingID: "912323161", Passcode: "005064", DialIns: dialIns}, []OneTap{
			{Number: "+16475580588", Label: "Canada", Dial: "+16475580588,,912323161#"},
			{Number: "+17207072699", Label: "US (Denver)", Dial: "+17207072699,,912323161#"},
		}},
		{"phone passcode", JoinKit{MeetingID: "85775884256", Passcode: "010383", PhonePasscode: true, DialIns: dialIns[:1]}, []OneTap{
			{Number: "+16475580588", Label: "Canada", Dial: "+16475580588,,85775884256#,,,,*010383#"},
		}},
		{"phone passcode with letters is never dialled", JoinKit{MeetingID: "85775884256", Passcode: "Ab3x", PhonePasscode: true, DialIns: dialIns[:1]}, []OneTap{
			{Number: "+16475580588", Label: "Canada", Dial: "+16475580588,,85775884256#"},
		}},
		{"no meeting ID", JoinKit{DialIns: dialIns}, nil},
		{"no dial-ins", JoinKit{MeetingID: "912323161"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.kit.OneTaps(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("OneTaps() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestJoinKitMeetingIDDisplay(t *testing.T) {
	tests := []struct{ id, want string }{
		{"912323161", "912 323 161"},
		{"6655340718", "665 534 0718"},
		{"85775884256", "857 7588 4256"},
		{"", ""},
		{"123", "123"},
		{"1234", "123 4"},
		{"12345678", "123 456 78"},
		{"123456789012", "123 456 789 012"},
		{"912 323 161", "912 323 161"},
	}
	for _, tt := range tests {
		if got := (JoinKit{MeetingID: tt.id}).MeetingIDDisplay(); got != tt.want {
			t.Errorf("MeetingIDDisplay(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
}

func TestJoinKitIsEmpty(t *testing.T) {
	tests := []struct {
		name string
		kit  JoinKit
		want bool
	}{
		{"zero", JoinKit{}, true},
		{"only ids and provider", JoinKit{ID: 1, SeriesID: 2, Provider: ProviderZoom}, true},
		{"blank text and rows", JoinKit{JoinURL: "  ", DialIns: []DialIn{{Number: " "}}}, true},
		{"link", JoinKit{JoinURL: "https://zoom.us/j/912323161"}, false},
		{"meeting ID", JoinKit{MeetingID: "912323161"}, false},
		{"passcode", JoinKit{Passcode: "005064"}, false},
		{"dial-in", JoinKit{DialIns: []DialIn{{Number: "+16475580588"}}}, false},
		{"local numbers", JoinKit{LocalNumbersURL: "https://zoom.us/u/aegrsblAn2"}, false},
		{"SIP", JoinKit{SIP: "85775884256@zoomcrc.com"}, false},
	}
	for _, tt := range tests {
		if got := tt.kit.IsEmpty(); got != tt.want {
			t.Errorf("%s: IsEmpty() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestJoinKitNormalize(t *testing.T) {
	k := JoinKit{
		Provider:  "  ZOOM ",
		JoinURL:   " https://zoom.us/j/912323161 ",
		MeetingID: " 912 323-161 ",
		Passcode:  " 005064 ",
		DialIns: []DialIn{
			{Number: "+1 647 558 0588", Label: "  Canada "},
			{Number: " ", Label: ""},
			{Number: "(720) 707-2699", Label: "US\t(Denver)"},
			{Number: "1 855 703 8985", Label: "Canada Toll-free"},
			{Number: "+44 20 3481 5237", Label: "UK"},
			{Number: "020 3481 5237", Label: "UK, no country code"},
			{Number: "647 558 0588 ext. 12", Label: "extension"},
		},
		LocalNumbersURL: " https://zoom.us/u/aegrsblAn2\n",
		SIP:             " sip:85775884256@zoomcrc.com ",
	}
	k.Normalize()
	want := JoinKit{
		Provider:  ProviderZoom,
		JoinURL:   "https://zoom.us/j/912323161",
		MeetingID: "912323161",
		Passcode:  "005064",
		DialIns: []DialIn{
			{Number: "+16475580588", Label: "Canada"},
			{Number: "+17207072699", Label: "US (Denver)"},
			{Number: "+18557038985", Label: "Canada Toll-free"},
			{Number: "+442034815237", Label: "UK"},
			{Number: "020 3481 5237", Label: "UK, no country code"},
			{Number: "647 558 0588 ext. 12", Label: "extension"},
		},
		LocalNumbersURL: "https://zoom.us/u/aegrsblAn2",
		SIP:             "85775884256@zoomcrc.com",
	}
	if !reflect.DeepEqual(k, want) {
		t.Errorf("got  %+v\nwant %+v", k, want)
	}
}

func TestJoinKitNormalizeProviderDefault(t *testing.T) {
	k := JoinKit{MeetingID: "123 456"}
	k.Normalize()
	if k.Provider != ProviderOther {
		t.Errorf("Provider = %q, want %q", k.Provider, ProviderOther)
	}
	var empty JoinKit
	empty.Normalize()
	if empty.Provider != "" {
		t.Errorf("empty kit Provider = %q, want it left empty", empty.Provider)
	}
}

func TestJoinKitValidate(t *testing.T) {
	valid := seedKit
	if err := valid.Validate(); err != nil {
		t.Fatalf("seed kit: %v", err)
	}
	manyDialIns := make([]DialIn, MaxDialIns+1)
	for i := range manyDialIns {
		manyDialIns[i] = DialIn{Number: "+16475580588"}
	}
	tests := []struct {
		name       string
		edit       func(k *JoinKit)
		field, key string
	}{
		{"unknown provider", func(k *JoinKit) { k.Provider = "webex" }, "provider", "joinkit.provider.invalid"},
		{"missing provider", func(k *JoinKit) { k.Provider = "" }, "provider", "joinkit.provider.invalid"},
		{"relative link", func(k *JoinKit) { k.JoinURL = "zoom.us/j/912323161" }, "join_url", "joinkit.url.invalid"},
		{"ftp link", func(k *JoinKit) { k.JoinURL = "ftp://zoom.us/j/912323161" }, "join_url", "joinkit.url.invalid"},
		{"link with credentials", func(k *JoinKit) { k.JoinURL = "https://zoom.us@evil.example/j/1" }, "join_url", "joinkit.url.invalid"},
		{"link with a space", func(k *JoinKit) { k.JoinURL = "https://zoom.us/j/912 323 161" }, "join_url", "joinkit.url.invalid"},
		{"nothing to join with", func(k *JoinKit) { k.JoinURL, k.MeetingID, k.DialIns = "", "", nil }, "join_url", "joinkit.required"},
		{"short Zoom meeting ID", func(k *JoinKit) { k.MeetingID = "12345678" }, "meeting_id", "joinkit.meeting_id.invalid"},
		{"long Zoom meeting ID", func(k *JoinKit) { k.MeetingID = "123456789012" }, "meeting_id", "joinkit.meeting_id.invalid"},
		{"spaced meeting ID", func(k *JoinKit) { k.MeetingID = "912 323 161" }, "meeting_id", "joinkit.meeting_id.invalid"},
		{"other provider, short meeting ID", func(k *JoinKit) { k.Provider, k.MeetingID = ProviderOther, "12" }, "meeting_id", "joinkit.meeting_id.invalid"},
		{"other provider, long meeting ID", func(k *JoinKit) { k.Provider, k.MeetingID = ProviderOther, strings.Repeat("1", 21) }, "meeting_id", "joinkit.meeting_id.invalid"},
		{"long passcode", func(k *JoinKit) { k.Passcode = strings.Repeat("x", MaxPasscode+1) }, "passcode", "joinkit.passcode.too_long"},
		{"passcode with a line break", func(k *JoinKit) { k.Passcode = "0050\n64" }, "passcode", "joinkit.passcode.invalid"},
		{"phone passcode with letters", func(k *JoinKit) { k.Passcode, k.PhonePasscode = "Ab3x", true }, "passcode", "joinkit.passcode.not_dialable"},
		{"phone passcode missing", func(k *JoinKit) { k.Passcode, k.PhonePasscode = "", true }, "passcode", "joinkit.passcode.not_dialable"},
		{"too many dial-ins", func(k *JoinKit) { k.DialIns = manyDialIns }, "dial_ins", "joinkit.dial_ins.too_many"},
		{"dial-in without +", func(k *JoinKit) { k.DialIns = []DialIn{{Number: "6475580588"}} }, "dial_ins", "joinkit.dial_in.number.invalid"},
		{"dial-in too short", func(k *JoinKit) { k.DialIns = []DialIn{{Number: "+1234567"}} }, "dial_ins", "joinkit.dial_in.number.invalid"},
		{"dial-in too long", func(k *JoinKit) { k.DialIns = []DialIn{{Number: "+1234567890123456"}} }, "dial_ins", "joinkit.dial_in.number.invalid"},
		{"dial-in label too long", func(k *JoinKit) {
			k.DialIns = []DialIn{{Number: "+16475580588", Label: strings.Repeat("é", MaxDialInLabel+1)}}
		}, "dial_ins", "joinkit.dial_in.label.too_long"},
		{"local numbers link", func(k *JoinKit) { k.LocalNumbersURL = "javascript:alert(1)" }, "local_numbers_url", "joinkit.url.invalid"},
		{"SIP without a host", func(k *JoinKit) { k.SIP = "85775884256" }, "sip", "joinkit.sip.invalid"},
		{"SIP with a space", func(k *JoinKit) { k.SIP = "857 75884256@zoomcrc.com" }, "sip", "joinkit.sip.invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := seedKit
			k.DialIns = append([]DialIn(nil), seedKit.DialIns...)
			tt.edit(&k)
			e, ok := AsError(k.Validate())
			if !ok || e.Code != EINVALID {
				t.Fatalf("Validate() = %v, want an EINVALID *Error", e)
			}
			want := []FieldError{{Field: tt.field, Key: tt.key}}
			got := make([]FieldError, len(e.Fields))
			for i, fe := range e.Fields {
				got[i] = FieldError{Field: fe.Field, Key: fe.Key}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Fields = %+v, want %+v", e.Fields, want)
			}
		})
	}
}

func TestJoinKitValidateArgs(t *testing.T) {
	k := JoinKit{Provider: ProviderZoom, MeetingID: "123", DialIns: []DialIn{{Number: "+16475580588"}, {Number: "bad"}}}
	e, ok := AsError(k.Validate())
	if !ok {
		t.Fatal("want an *Error")
	}
	want := []FieldError{
		{Field: "meeting_id", Key: "joinkit.meeting_id.invalid", Args: map[string]any{"Min": 9, "Max": 11}},
		{Field: "dial_ins", Key: "joinkit.dial_in.number.invalid", Args: map[string]any{"Row": 2}},
	}
	if !reflect.DeepEqual(e.Fields, want) {
		t.Errorf("Fields = %+v, want %+v", e.Fields, want)
	}
}

func TestJoinKitValidateOtherProviders(t *testing.T) {
	for _, k := range []JoinKit{
		{Provider: ProviderTeams, JoinURL: "https://teams.microsoft.com/l/meetup-join/19%3ameeting", MeetingID: "123"},
		{Provider: ProviderMeet, JoinURL: "https://meet.google.com/abc-defg-hij", DialIns: []DialIn{{Number: "+16475580588"}}},
		{Provider: ProviderJitsi, JoinURL: "http://meet.example.org/OpenGovCall"},
		{Provider: ProviderOther, DialIns: []DialIn{{Number: "+442034815237", Label: "UK"}}, Passcode: "1234", PhonePasscode: true},
	} {
		if err := k.Validate(); err != nil {
			t.Errorf("%+v: %v", k, err)
		}
	}
}

func TestJoinKitFormatPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+16475580588", "+1 647 558 0588"},
		{"+18557038985", "+1 855 703 8985"},
		{"+442034815237", "+442034815237"},
		{"+11234567890", "+11234567890"},
		{"6475580588", "6475580588"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := FormatPhone(tt.in); got != tt.want {
			t.Errorf("FormatPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
