package mail_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/smtptest"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/mail"
	"github.com/opengovcall/convene/store"
)

// testClock is a clock the test moves by hand; the store and the worker share it.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// logBuffer collects a worker's log so tests can check it never names a recipient.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newLogger(b *logBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// enqueue puts n mails in the outbox, to memberN@example.org with subject "Mail N".
func enqueue(t *testing.T, st *store.Store, n int) {
	t.Helper()
	for i := range n {
		err := st.EnqueueMail(context.Background(), convene.Mail{
			To: fmt.Sprintf("member%d@example.org", i), Subject: fmt.Sprintf("Mail %d", i),
			Text: fmt.Sprintf("Votre lien n° %d\n", i),
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func checkStats(t *testing.T, st *store.Store, waiting, sent, failing int) {
	t.Helper()
	w, s, f, err := st.OutboxStats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if w != waiting || s != sent || f != failing {
		t.Errorf("outbox: %d waiting, %d sent, %d failing; want %d, %d, %d", w, s, f, waiting, sent, failing)
	}
}

func runOnce(t *testing.T, w *mail.Worker, wantSent, wantFailed int) {
	t.Helper()
	sent, failed, err := w.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	if sent != wantSent || failed != wantFailed {
		t.Fatalf("RunOnce: %d sent, %d failed; want %d, %d", sent, failed, wantSent, wantFailed)
	}
}

var messageIDPattern = regexp.MustCompile(`^<outbox-\d+\.\d+@example\.org>$`)

// checkDeliveredOnce checks that the server got each of n mails exactly once, counted by
// Message-ID, with the subjects enqueue gave them.
func checkDeliveredOnce(t *testing.T, msgs []smtptest.Message, n int) {
	t.Helper()
	byID := map[string]int{}
	subjects := map[string]bool{}
	for _, m := range msgs {
		id := m.Header.Get("Message-Id")
		if !messageIDPattern.MatchString(id) {
			t.Errorf("Message-ID %q is not the outbox's", id)
		}
		byID[id]++
		subjects[m.Subject] = true
	}
	if len(msgs) != n || len(byID) != n {
		t.Errorf("%d messages with %d distinct Message-IDs, want %d of each", len(msgs), len(byID), n)
	}
	for id, k := range byID {
		if k != 1 {
			t.Errorf("%s delivered %d times", id, k)
		}
	}
	for i := range n {
		if !subjects[fmt.Sprintf("Mail %d", i)] {
			t.Errorf("Mail %d never arrived", i)
		}
	}
}

func TestWorkerRetriesAfterServerOutage(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	testdb.Each(t, clock, func(t *testing.T, st *store.Store) {
		srv := smtptest.Start(t)
		var logs logBuffer
		w := mail.NewWorker(st, newSMTP(t, srv.URL()), newLogger(&logs), clock)
		enqueue(t, st, 3)

		srv.Stop()
		runOnce(t, w, 0, 3)
		if n := len(srv.Messages()); n != 0 {
			t.Fatalf("%d messages arrived at a stopped server", n)
		}
		checkStats(t, st, 3, 0, 3)

		// The first retry waits 30 seconds.
		clock.Advance(29 * time.Second)
		runOnce(t, w, 0, 0)

		clock.Advance(2 * time.Second)
		srv.Restart()
		runOnce(t, w, 3, 0)
		runOnce(t, w, 0, 0)
		checkStats(t, st, 0, 3, 0)
		checkDeliveredOnce(t, srv.WaitFor(t, 3, 5*time.Second), 3)

		out := logs.String()
		if !strings.Contains(out, "mail not delivered") || !strings.Contains(out, "m•••@example.org") {
			t.Errorf("failures not logged with masked recipients:\n%s", out)
		}
		if strings.Contains(out, "member0@") {
			t.Errorf("log names a recipient:\n%s", out)
		}
	})
}

func TestWorkerMasksRefusedRecipientInLog(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	testdb.Each(t, clock, func(t *testing.T, st *store.Store) {
		srv := smtptest.Start(t)
		srv.RejectRcpt("member1@example.org")
		var logs logBuffer
		w := mail.NewWorker(st, newSMTP(t, srv.URL()), newLogger(&logs), clock)
		enqueue(t, st, 3)

		runOnce(t, w, 2, 1)
		checkStats(t, st, 1, 2, 1)
		out := logs.String()
		if !strings.Contains(out, "550") || !strings.Contains(out, "m•••@example.org") {
			t.Errorf("the refusal is not logged:\n%s", out)
		}
		if strings.Contains(out, "member1@") {
			t.Errorf("log names the refused recipient:\n%s", out)
		}
	})
}

func TestTwoWorkersDeliverEachMailOnce(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	testdb.Each(t, clock, func(t *testing.T, st *store.Store) {
		srv := smtptest.Start(t)
		sender := newSMTP(t, srv.URL()) // shared, as two workers in one process would share it
		enqueue(t, st, 40)

		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for range 2 {
			w := mail.NewWorker(st, sender, newLogger(new(logBuffer)), clock)
			w.BatchSize = 5 // so the workers take turns rather than one taking all
			wg.Go(func() {
				for {
					sent, failed, err := w.RunOnce(context.Background())
					if err != nil || failed != 0 {
						t.Errorf("RunOnce: %d failed, %v", failed, err)
						return
					}
					if sent == 0 {
						return
					}
					mu.Lock()
					total += sent
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if total != 40 {
			t.Errorf("workers sent %d mails, want 40", total)
		}
		checkStats(t, st, 0, 40, 0)
		checkDeliveredOnce(t, srv.WaitFor(t, 40, 10*time.Second), 40)
	})
}

func TestRunDeliversOnWakeAndStopsWithContext(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	testdb.Each(t, clock, func(t *testing.T, st *store.Store) {
		srv := smtptest.Start(t)
		w := mail.NewWorker(st, newSMTP(t, srv.URL()), newLogger(new(logBuffer)), clock)
		w.Interval = time.Hour // only Wake can make it poll again
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			w.Run(ctx)
		}()

		enqueue(t, st, 2)
		w.Wake()
		w.Wake() // a second Wake while one is pending does not block
		checkDeliveredOnce(t, srv.WaitFor(t, 2, 5*time.Second), 2)

		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("Run did not return after its context was cancelled")
		}
		checkStats(t, st, 0, 2, 0)
	})
}

func TestRetryDelay(t *testing.T) {
	for attempts, want := range map[int]time.Duration{
		0: 30 * time.Second, 1: 30 * time.Second, 2: time.Minute, 3: 2 * time.Minute,
		7: 32 * time.Minute, 8: time.Hour, 9: time.Hour, 1000: time.Hour,
	} {
		if got := mail.RetryDelay(attempts); got != want {
			t.Errorf("RetryDelay(%d) = %s, want %s", attempts, got, want)
		}
	}
}

// slowSender takes a while over each mail and stops, as SMTP does, once its context ends.
type slowSender struct {
	each time.Duration
	mu   sync.Mutex
	got  []string
}

func (s *slowSender) Send(ctx context.Context, items []convene.OutboxItem) []error {
	errs := make([]error, len(items))
	for i, it := range items {
		if errs[i] = ctx.Err(); errs[i] != nil {
			continue
		}
		time.Sleep(s.each)
		s.mu.Lock()
		s.got = append(s.got, it.Mail.Subject)
		s.mu.Unlock()
	}
	return errs
}

// A batch that takes longer than its lease stops sending while the lease still holds: what is
// left stays waiting, unfailed, for the next claim, so no other instance sends a mail twice.
func TestWorkerStopsSendingBeforeItsLeaseRunsOut(t *testing.T) {
	testdb.Each(t, nil, func(t *testing.T, st *store.Store) {
		enqueue(t, st, 10)
		sender := &slowSender{each: 60 * time.Millisecond}
		var logs logBuffer
		w := mail.NewWorker(st, sender, newLogger(&logs), nil)
		w.Lease = 400 * time.Millisecond // sends for 300 ms: about five mails
		sent, failed, err := w.RunOnce(context.Background())
		if err != nil || failed != 0 || sent == 0 || sent >= 10 || sent != len(sender.got) {
			t.Fatalf("RunOnce: %d sent (%d delivered), %d failed, %v", sent, len(sender.got), failed, err)
		}
		checkStats(t, st, 10-sent, sent, 0)
	})
}
