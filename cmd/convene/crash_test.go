package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/smtptest"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

// buildConvene compiles the command once for the process tests.
func buildConvene(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "convene")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServe runs `convene serve` as its own process, its background work leased for lease (short,
// where a test waits for a crashed instance's work to be taken over).
func startServe(t *testing.T, bin, db, smtpURL, lease string) *exec.Cmd {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve", "--db", db, "--addr", addr, "--smtp", smtpURL, "--job-lease", lease,
		"--mail-from", "Calls <calls@example.org>")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if !testing.Verbose() {
		cmd.Stdout, cmd.Stderr = nil, nil
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
	return cmd
}

// registerMany stores a call a week after now with n people registered, each with an invitation job.
func registerMany(t *testing.T, db string, n int, startsIn time.Duration, reminders string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	c := &convene.Community{Slug: "load", Name: "Load", TimeZone: "America/Toronto", Languages: []string{"en"}}
	if err := st.CreateCommunity(ctx, c, 0); err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(startsIn).Truncate(time.Minute)
	sr := &convene.Series{CommunityID: c.ID, Title: "Load call", RRule: "FREQ=WEEKLY", StartsOn: convene.DateOf(start),
		StartTime: start.In(time.UTC).Format("15:04"), TimeZone: "UTC", DurationMinutes: 60, Reminders: reminders}
	if err := st.CreateSeries(ctx, sr); err != nil {
		t.Fatal(err)
	}
	call := &convene.Call{SeriesID: sr.ID, StartsAt: start, DurationMinutes: 60}
	if err := st.CreateCall(ctx, call); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		u := &convene.User{Email: fmt.Sprintf("person%04d@example.org", i), Name: fmt.Sprintf("Person %d", i), Confirmed: true}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Register(ctx, call.ID, u.ID, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// byRecipient groups received mail by recipient, checking that any repeat is the same message.
func byRecipient(t *testing.T, msgs []smtptest.Message, subject string) (people, repeats int) {
	t.Helper()
	ids := map[string]string{}
	for _, m := range msgs {
		if !strings.HasPrefix(m.Subject, subject) {
			continue
		}
		id := m.Header.Get("Message-Id")
		if first, seen := ids[m.To[0]]; seen {
			if first != id {
				t.Fatalf("%s got two different %q mails: %s and %s", m.To[0], subject, first, id)
			}
			repeats++
			continue
		}
		ids[m.To[0]] = id
	}
	return len(ids), repeats
}

// TestInvitationsSurviveSIGKILL kills the server while 1,000 invitations are being written and
// sent, restarts it, and checks every invitation arrives once; only the one mail the server had
// accepted but not yet recorded at the kill could arrive twice, and then as the same message (same
// Message-ID), which receivers drop.
func TestInvitationsSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	bin := buildConvene(t)
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			db := testdb.DSN(t, engine)
			registerMany(t, db, 1000, 7*24*time.Hour, "")
			smtp := smtptest.Start(t)
			first := startServe(t, bin, db, smtp.URL(), "2s")
			deadline := time.Now().Add(60 * time.Second)
			for len(smtp.Messages()) < 150 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			if err := first.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_, _ = first.Process.Wait()
			atKill := len(smtp.Messages())
			if atKill >= 1000 {
				t.Fatalf("all %d invitations were sent before the kill; the test proves nothing", atKill)
			}
			startServe(t, bin, db, smtp.URL(), "2s")
			var people, repeats int
			for time.Now().Before(deadline.Add(60 * time.Second)) {
				if people, repeats = byRecipient(t, smtp.Messages(), "Invitation:"); people == 1000 {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if people != 1000 {
				t.Fatalf("%d of 1000 people got their invitation (%d sent before the kill)", people, atKill)
			}
			// Each mail is recorded as sent the moment the server accepts it: at most the one in
			// flight at the kill can arrive twice.
			if repeats > 1 {
				t.Fatalf("%d repeated invitations: more than the one in flight at the kill", repeats)
			}
			t.Logf("%d sent before SIGKILL, %d repeats of mail in flight", atKill, repeats)
		})
	}
}

// TestTwoInstancesRemindOnce runs two servers on one PostgreSQL: every reminder goes out once.
func TestTwoInstancesRemindOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	bin := buildConvene(t)
	db := testdb.DSN(t, "postgres")
	// The call starts in 7 minutes with a reminder 10 minutes before: it is due at once.
	registerMany(t, db, 100, 7*time.Minute, "10")
	smtp := smtptest.Start(t)
	// Nothing crashes here, so the lease can be a realistic one: with a lease of a second, a
	// machine busy enough to stall a worker for a quarter of it between sending a mail and marking
	// it sent lets the other instance take the mail over and send it again.
	startServe(t, bin, db, smtp.URL(), "20s")
	startServe(t, bin, db, smtp.URL(), "20s")
	// Wait until every reminder arrived and the outbox is settled: nothing waits to be sent and
	// every mail recorded as sent has arrived, so a reminder sent twice would be here by now.
	st, err := store.Open(context.Background(), db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		people, _ := byRecipient(t, smtp.Messages(), "Reminder:")
		stats, err := st.Stats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if people == 100 && stats.MailWaiting == 0 && len(smtp.Messages()) >= stats.MailSent {
			break
		}
	}
	people, repeats := byRecipient(t, smtp.Messages(), "Reminder:")
	if people != 100 || repeats != 0 {
		t.Fatalf("%d people reminded, %d reminders repeated", people, repeats)
	}
}
