package notify

import (
	"strings"
	"testing"
	"time"
)

// A failing job waits 30 seconds, then twice as long each time, never more than an hour.
func TestRetryBacksOff(t *testing.T) {
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute,
		32 * time.Minute, time.Hour, time.Hour, time.Hour}
	for i, w := range want {
		if got := retryDelay(i + 1); got != w {
			t.Errorf("attempt %d: wait %s, want %s", i+1, got, w)
		}
	}
}

// An unsubscribe link reads back as what it was signed for; any change to it, or another key,
// makes it worthless.
func TestUnsubscribeTokens(t *testing.T) {
	n := &Runner{LinkKey: []byte(strings.Repeat("k", 32)), Mails: Writer{BaseURL: "https://calls.example.org"}}
	for _, target := range []Target{{UserID: 7, Kind: StopReminders}, {UserID: 7, Kind: StopSeries, ID: 3}, {UserID: 12, Kind: StopCall, ID: 99}} {
		token := n.Token(target)
		got, err := n.ReadToken(token)
		if err != nil || got != target {
			t.Fatalf("%+v read back as %+v (%v)", target, got, err)
		}
		if url := n.UnsubscribeURL(target); url != "https://calls.example.org/unsubscribe/"+token {
			t.Fatalf("link %q", url)
		}
		for _, bad := range []string{strings.Replace(token, "7.", "8.", 1), strings.Replace(token, target.Kind, "call", 1) + "x", token[:len(token)-1], "", "a.b"} {
			if bad == token {
				continue
			}
			if _, err := n.ReadToken(bad); err == nil {
				t.Errorf("a changed link %q was accepted", bad)
			}
		}
		other := &Runner{LinkKey: []byte(strings.Repeat("o", 32))}
		if _, err := other.ReadToken(token); err == nil {
			t.Error("a link signed with another key was accepted")
		}
	}
}
