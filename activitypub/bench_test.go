package activitypub

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

// benchCommunity stores a community with one future call, and a Federation for it.
func benchCommunity(b *testing.B, clock convene.Clock) (*store.Store, *Federation, *convene.Community) {
	b.Helper()
	ctx := context.Background()
	s := testdb.Open(b, "sqlite", clock)
	c := &convene.Community{Slug: "ogc", Name: "Open Government Canada", TimeZone: "America/Toronto", Languages: []string{"en"}}
	if err := s.CreateCommunity(ctx, c, 0); err != nil {
		b.Fatal(err)
	}
	sr := &convene.Series{CommunityID: c.ID, Title: "Open Government Community Call", RRule: "FREQ=MONTHLY;BYDAY=2WE",
		StartsOn: convene.Date{Year: 2019, Month: 1, Day: 1}, StartTime: "12:00", TimeZone: "America/Toronto", DurationMinutes: 60}
	if err := s.CreateSeries(ctx, sr); err != nil {
		b.Fatal(err)
	}
	call := &convene.Call{SeriesID: sr.ID, StartsAt: time.Date(2019, 12, 11, 17, 0, 0, 0, time.UTC), DurationMinutes: 60, Theme: "Open data"}
	if err := s.CreateCall(ctx, call); err != nil {
		b.Fatal(err)
	}
	f := New(s, "http://127.0.0.1:1", clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	f.AllowHTTP = true // the followers' servers are on loopback
	return s, f, c
}

// BenchmarkDeliverToTenThousandFollowers publishes a call's Create to 10,000 followers on 200
// hosts (loopback addresses 127.0.0.1–200, one server counting what it receives) and reports
// deliveries per second: with shared inboxes (one delivery per host) and without (one per
// follower).
func BenchmarkDeliverToTenThousandFollowers(b *testing.B) {
	ln, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		b.Skip(err)
	}
	var received atomic.Int64
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		received.Add(1)
		w.WriteHeader(http.StatusAccepted)
	})}
	go srv.Serve(ln)
	defer srv.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	for _, shared := range []bool{true, false} {
		name := "own-inboxes"
		if shared {
			name = "shared-inboxes"
		}
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				ctx := context.Background()
				clock := convene.FixedClock(time.Date(2019, 11, 1, 0, 0, 0, 0, time.UTC))
				s, f, c := benchCommunity(b, clock)
				for k := 0; k < 10000; k++ {
					host := fmt.Sprintf("http://127.0.0.%d:%d", k%200+1, port)
					fl := store.Follower{Actor: fmt.Sprintf("%s/users/u%d", host, k), Inbox: fmt.Sprintf("%s/users/u%d/inbox", host, k), Accepted: true}
					if shared {
						fl.SharedInbox = host + "/inbox"
					}
					if err := s.AddFollower(ctx, c.ID, fl); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := f.PublishOnce(ctx); err != nil {
					b.Fatal(err)
				}
				// The 10,000 followers written one by one left a long write-ahead log: fold it in
				// now, so its checkpoint is not timed as delivery.
				if _, err := s.DB().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				received.Store(0)
				b.StartTimer()
				start := time.Now()
				total := 0
				for {
					n, err := f.DeliverOnce(ctx, 1000, 32)
					if err != nil {
						b.Fatal(err)
					}
					if n == 0 {
						break
					}
					total += n
				}
				took := time.Since(start)
				b.StopTimer()
				if int(received.Load()) != total || total == 0 {
					b.Fatalf("delivered %d, received %d", total, received.Load())
				}
				b.ReportMetric(float64(total), "deliveries")
				b.ReportMetric(float64(total)/took.Seconds(), "deliveries/s")
				s.Close()
			}
		})
	}
}

// BenchmarkInboxVerification verifies signed activities from one known actor: signature,
// Digest, Date window and the replay record, as the inbox does before reading an activity.
func BenchmarkInboxVerification(b *testing.B) {
	ctx := context.Background()
	clock := convene.FixedClock(time.Date(2019, 11, 1, 0, 0, 0, 0, time.UTC))
	s, f, c := benchCommunity(b, clock)
	defer s.Close()
	f.limiter.perMinute = b.N + 1 // one host sends them all: measured, not rate-limited
	pub, priv, err := s.CommunityKey(ctx, c.ID)
	if err != nil {
		b.Fatal(err)
	}
	key, _ := parsePrivateKey(priv)
	actor := &store.RemoteActor{URI: "https://peer.example/c/ogc", Host: "peer.example", Kind: "Group", Inbox: "https://peer.example/c/ogc/inbox",
		KeyID: "https://peer.example/c/ogc#main-key", PublicPEM: pub}
	if err := s.SaveRemoteActor(ctx, actor); err != nil {
		b.Fatal(err)
	}
	reqs := make([]*http.Request, b.N)
	bodies := make([][]byte, b.N)
	for i := range reqs {
		bodies[i] = []byte(fmt.Sprintf(`{"id":"https://peer.example/c/ogc#n%d","type":"Create","actor":"https://peer.example/c/ogc","object":{"type":"Note","content":"%s"}}`,
			i, strings.Repeat("x", 200)))
		r, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:1/inbox", bytes.NewReader(bodies[i]))
		if err := Sign(r, bodies[i], actor.KeyID, key, clock.Now()); err != nil {
			b.Fatal(err)
		}
		reqs[i] = r
	}
	b.ResetTimer()
	for i := range reqs {
		if _, status, err := f.verify(reqs[i], bodies[i]); err != nil {
			b.Fatalf("%d: %v", status, err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "activities/s")
}
