package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/opengovcall/convene/activitypub"
)

// signedPost posts body to an inbox, signed as keyID with key at now; sent, when not nil, is the
// body actually sent (a tampered one).
func signedPost(t *testing.T, inbox string, body, sent []byte, keyID string, key *rsa.PrivateKey, now time.Time) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, inbox, bytes.NewReader(body))
	req.Header.Set("Content-Type", activitypub.ContentType)
	if key != nil {
		if err := activitypub.Sign(req, body, keyID, key, now); err != nil {
			t.Fatal(err)
		}
	}
	if sent != nil {
		req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(sent)), int64(len(sent))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// TestInboxRefusesWhatIsNotSignedByItsActor sends A's inbox requests signed as B's community,
// good and bad: only the good ones are taken, every refusal says why, and nothing is stored.
func TestInboxRefusesWhatIsNotSignedByItsActor(t *testing.T) {
	eachPair(t, func(t *testing.T, a *app, aClock *settableClock, b *app, _ *settableClock) {
		ctx := context.Background()
		inbox := a.http.URL + "/c/open-gov-canada/inbox"
		me := b.http.URL + "/c/open-gov-canada"
		_, pem, err := b.store.CommunityKey(ctx, b.demo.Community.ID)
		if err != nil {
			t.Fatal(err)
		}
		key, err := activitypub.ParsePrivateKey(pem)
		if err != nil {
			t.Fatal(err)
		}
		keyID := me + "#main-key"
		now := aClock.Now()
		follow := func(n int) []byte {
			return []byte(fmt.Sprintf(`{"@context":"https://www.w3.org/ns/activitystreams","id":"%s#follows/%d","type":"Follow","actor":"%s","object":"%s"}`,
				me, n, me, a.http.URL+"/c/open-gov-canada"))
		}
		other, _ := rsa.GenerateKey(rand.Reader, 2048)
		big := append([]byte(`{"type":"Create","actor":"`+me+`","object":"`), bytes.Repeat([]byte("x"), 10<<20)...)
		for _, tc := range []struct {
			name       string
			body, sent []byte
			keyID      string
			key        *rsa.PrivateKey
			at         time.Time
			status     int
			says       string
		}{
			{"unsigned", follow(1), nil, keyID, nil, now, 401, "not signed"},
			{"tampered body", follow(2), follow(99), keyID, key, now, 401, "Digest"},
			{"wrong key", follow(3), nil, keyID, other, now, 401, "does not verify"},
			{"an old Date", follow(4), nil, keyID, key, now.Add(-time.Hour), 401, "window"},
			{"an actor on another host", []byte(`{"id":"http://127.0.0.3:9/f","type":"Follow","actor":"http://127.0.0.3:9/c/x","object":"` + a.http.URL + `/c/open-gov-canada"}`),
				nil, keyID, key, now, 401, "actor is not the one who signed"},
			{"malformed JSON", []byte(`{"type": "Follow", "actor": `), nil, keyID, key, now, 400, "not an activity"},
			{"an unknown type", []byte(`{"id":"` + me + `#x","type":"Teleport","actor":"` + me + `","object":"` + me + `"}`), nil, keyID, key, now, 422, "unsupported activity type"},
			{"10 MB", big, nil, keyID, key, now, 413, "at most"},
		} {
			status, body := signedPost(t, inbox, tc.body, tc.sent, tc.keyID, tc.key, tc.at)
			if status != tc.status || !strings.Contains(body, tc.says) {
				t.Errorf("%s: %d %s, want %d saying %q", tc.name, status, body, tc.status, tc.says)
			}
		}
		// A redirect loop where the key should be: refused, and the inbox keeps answering.
		loop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
		}))
		defer loop.Close()
		if status, body := signedPost(t, inbox, follow(5), nil, loop.URL+"/actor#main-key", key, now); status != 401 || !strings.Contains(body, "redirects") {
			t.Errorf("key behind a redirect loop: %d %s", status, body)
		}
		if n, _ := a.store.FollowerCount(ctx, a.demo.Community.ID); n != 0 {
			t.Fatalf("%d followers after refusals", n)
		}

		// A good follow is taken once; the same request again is a replay.
		good := follow(6)
		req1, body1 := signedPost(t, inbox, good, nil, keyID, key, now)
		if req1 != http.StatusAccepted {
			t.Fatalf("good follow: %d %s", req1, body1)
		}
		// The same request again (same Date, same body, same signature) is a replay.
		if status, body := signedPost(t, inbox, good, nil, keyID, key, now); status != http.StatusUnauthorized || !strings.Contains(body, "already received") {
			t.Fatalf("a replay: %d %s", status, body)
		}
		if n, _ := a.store.FollowerCount(ctx, a.demo.Community.ID); n != 1 {
			t.Fatalf("%d followers after one good follow", n)
		}

		// An Update of an event on A's own host, sent by B: not B's to change.
		org := a.client()
		org.signIn()
		wantStatus(t, org.post("/c/open-gov-canada/federation", url.Values{"who": {me}}), http.StatusSeeOther)
		forged := []byte(fmt.Sprintf(`{"id":"%s#u1","type":"Update","actor":"%s","object":{"id":"%s/c/open-gov-canada/calls/7","type":"Event","name":"Hijacked","startTime":"2019-12-11T17:00:00Z","attributedTo":"%s"}}`,
			me, me, a.http.URL, me))
		if status, body := signedPost(t, inbox, forged, nil, keyID, key, now); status != http.StatusForbidden {
			t.Fatalf("an event on another host: %d %s", status, body)
		}
		// A community that does not federate cannot be followed.
		if err := a.store.SetFederation(ctx, a.demo.Community.ID, false); err != nil {
			t.Fatal(err)
		}
		if status, _ := signedPost(t, inbox, follow(7), nil, keyID, key, now); status != http.StatusNotFound {
			t.Fatalf("following a community that does not federate: %d", status)
		}
		if status, _, _ := getAP(t, a, "/c/open-gov-canada"); status != http.StatusNotFound {
			t.Fatalf("the actor of a community that does not federate: %d", status)
		}
		if err := a.store.SetFederation(ctx, a.demo.Community.ID, true); err != nil {
			t.Fatal(err)
		}
		// A blocked domain is refused before anything else.
		if err := a.store.BlockDomain(ctx, "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
		if status, body := signedPost(t, inbox, follow(8), nil, keyID, key, now); status != http.StatusForbidden {
			t.Fatalf("a blocked domain: %d %s", status, body)
		}
		var events int
		if err := a.store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM ap_remote_events`).Scan(&events); err != nil || events != 0 {
			t.Fatalf("%d remote events stored (%v)", events, err)
		}
	})
}
