package web

import (
	"bytes"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

// A session encodes to the same bytes every time, and sessions scs's own codec saved (before the
// upgrade that brought this one) are still read.
func TestSessionCodecIsStableAndReadsOldSessions(t *testing.T) {
	deadline := time.Date(2026, 12, 12, 12, 0, 0, 0, time.UTC)
	values := map[string]any{"user_id": int64(7), "session_key": "k3y", "flash": "flash.saved", "new_token": "t0k", "zone": "America/Toronto"}
	first, err := sessionCodec{}.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		again, _ := sessionCodec{}.Encode(deadline, values)
		if !bytes.Equal(first, again) {
			t.Fatal("the same session encoded to different bytes")
		}
	}
	old, err := scs.GobCodec{}.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	if old[0] == sortedMark {
		t.Fatalf("scs's encoding starts with the mark %q", sortedMark)
	}
	for _, b := range [][]byte{first, old} {
		d, got, err := sessionCodec{}.Decode(b)
		if err != nil || !d.Equal(deadline) || len(got) != len(values) || got["user_id"] != int64(7) || got["zone"] != "America/Toronto" {
			t.Fatalf("decoded %v %v %v", d, got, err)
		}
	}
}
