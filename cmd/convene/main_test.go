package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/internal/testdb"
	"github.com/opengovcall/convene/store"
)

func runCmd(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestHelpAndVersion(t *testing.T) {
	out, _, err := runCmd(t, "", "--help")
	if err != nil || !strings.Contains(out, "serve") || !strings.Contains(out, "migrate") || !strings.Contains(out, "user") {
		t.Fatalf("help: %v %q", err, out)
	}
	for _, cmd := range []string{"serve", "migrate", "demo"} {
		_, errOut, err := runCmd(t, "", cmd, "--help")
		if err == nil || !strings.Contains(errOut, "CONVENE_DB") {
			t.Fatalf("%s --help: %v %q", cmd, err, errOut)
		}
	}
	if out, _, err := runCmd(t, "", "version"); err != nil || !strings.HasPrefix(out, "convene ") {
		t.Fatalf("version: %v %q", err, out)
	}
	if _, _, err := runCmd(t, "", "launch"); err == nil || !strings.Contains(err.Error(), `unknown command "launch"`) {
		t.Fatalf("unknown command: %v", err)
	}
}

func TestServeValidatesFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--addr", "8080"}, "want host:port"},
		{[]string{"serve", "--base-url", "calls.example.org"}, "want an absolute http(s) URL"},
		{[]string{"serve", "--db", "mysql://root@localhost/convene"}, "only SQLite file paths and postgres:// URLs"},
		{[]string{"serve", "--db", " "}, "--db is empty"},
		{[]string{"serve", "--page-cache", "forever"}, "want a duration from 0 to 1h"},
		{[]string{"serve", "--db-timeout", "1ns"}, "want a duration from 100ms to 10m"},
		{[]string{"serve", "--trusted-proxies", "127.0.0.1/32, 10.0.0.0/33"}, `--trusted-proxies: "10.0.0.0/33" is not a network`},
		{[]string{"serve", "--trusted-proxies", "localhost"}, `"localhost" is not a network such as 10.0.0.0/8`},
		{[]string{"serve", "--metrics-addr", "9090"}, `--metrics-addr "9090": want host:port`},
		{[]string{"serve", "--log-format", "xml"}, `--log-format "xml": want text or json`},
		{[]string{"serve", "--log-level", "loud"}, `--log-level "loud": want debug, info, warn or error`},
		// Start-up failures name the database without its secrets, wherever the URL holds them.
		{[]string{"serve", "--db", "postgres://convene@127.0.0.1:1/convene?password=s3cret&sslmode=disable"}, "password=xxxxx"},
		{[]string{"serve", "--db", "postgres://convene:s3cret@127.0.0.1:1/convene?sslpassword=s3cret"}, "convene:xxxxx@"},
	} {
		_, _, err := runCmd(t, "", tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%v: error %v shows the password", tc.args, err)
		}
	}
	t.Setenv("CONVENE_ADDR", "nonsense")
	if _, _, err := runCmd(t, "", "serve"); err == nil || !strings.Contains(err.Error(), `--addr "nonsense"`) {
		t.Errorf("CONVENE_ADDR fallback: %v", err)
	}
}

func TestCommandsOnBothDatabases(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			db := testdb.DSN(t, engine)
			if out, _, err := runCmd(t, "", "migrate", "--db", db); err != nil || !strings.Contains(out, "up to date") {
				t.Fatalf("migrate: %v %q", err, out)
			}
			out, _, err := runCmd(t, "", "demo", "--db", db)
			if err != nil || !strings.Contains(out, "Open Government Community Call") {
				t.Fatalf("demo: %v %q", err, out)
			}
			if _, _, err := runCmd(t, "", "demo", "--db", db); err == nil || !strings.Contains(err.Error(), "already in this database") {
				t.Fatalf("demo twice: %v", err)
			}
			out, _, err = runCmd(t, "a long enough password\n", "user", "create", "--db", db, "--email", "Lead@Example.org",
				"--name", "Lead Organizer", "--community", "open-gov-canada", "--role", "organizer")
			if err != nil || !strings.Contains(out, "Created lead@example.org") || strings.Contains(out, "Password:") {
				t.Fatalf("user create: %v %q", err, out)
			}
			if _, _, err := runCmd(t, "short\n", "user", "create", "--db", db, "--email", "x@example.org", "--name", "X"); err == nil ||
				!strings.Contains(err.Error(), "password") {
				t.Fatalf("short password accepted: %v", err)
			}
			if _, _, err := runCmd(t, "another long password\n", "user", "create", "--db", db, "--email", "lead@example.org", "--name", "Twin", "--admin"); err == nil ||
				err.Error() != "lead@example.org already has an account; to make it an administrator: convene user promote --email lead@example.org" {
				t.Fatalf("duplicate email: %v", err)
			}
			if _, _, err := runCmd(t, "", "user", "create", "--db", db, "--email", "not an address", "--name", "X"); err == nil ||
				strings.Contains(err.Error(), ".invalid") || !strings.HasPrefix(err.Error(), "--email: ") {
				t.Fatalf("a bad address is explained in words, not a catalog key: %v", err)
			}
			// An existing account becomes an administrator, and stops being one.
			if out, _, err := runCmd(t, "", "user", "promote", "--db", db, "--email", "LEAD@example.org"); err != nil ||
				!strings.Contains(out, "lead@example.org (Lead Organizer) is now an administrator") {
				t.Fatalf("promote: %v %q", err, out)
			}
			if _, _, err := runCmd(t, "", "user", "promote", "--db", db, "--email", "nobody@example.org"); err == nil ||
				!strings.Contains(err.Error(), "no account has the address nobody@example.org") {
				t.Fatalf("promote a stranger: %v", err)
			}
			st0, err := store.Open(context.Background(), db, nil)
			if err != nil {
				t.Fatal(err)
			}
			if has, err := st0.HasAdmin(context.Background()); err != nil || !has {
				t.Fatalf("after promote: admin %v (%v)", has, err)
			}
			st0.Close()
			if out, _, err := runCmd(t, "", "user", "promote", "--db", db, "--email", "lead@example.org", "--revoke"); err != nil ||
				!strings.Contains(out, "is no longer an administrator") {
				t.Fatalf("revoke: %v %q", err, out)
			}
			// Background work: counts, a run that sends waiting mail with progress lines, retries.
			st, err := store.Open(context.Background(), db, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.EnqueueMail(context.Background(), convene.Mail{To: "lead@example.org", Subject: "Hello", Text: "From the test."}); err != nil {
				t.Fatal(err)
			}
			st.Close()
			out, _, err = runCmd(t, "", "jobs", "--db", db)
			if err != nil || !strings.Contains(out, "mail: 1 waiting, 0 sent, 0 failing") {
				t.Fatalf("jobs: %v %q", err, out)
			}
			out, _, err = runCmd(t, "", "jobs", "run", "--db", db)
			if err != nil || !strings.Contains(out, "mail: 1 of 1") || !strings.Contains(out, "Sent 1 mails") {
				t.Fatalf("jobs run: %v %q", err, out)
			}
			if out, _, err = runCmd(t, "", "jobs", "retry", "--db", db); err != nil || !strings.Contains(out, "0 failed jobs and mails are due again") {
				t.Fatalf("jobs retry: %v %q", err, out)
			}
			if _, _, err := runCmd(t, "", "jobs", "dance", "--db", db); err == nil {
				t.Fatal("unknown jobs action accepted")
			}
			serveUntilStopped(t, db)
		})
	}
}

// serveUntilStopped starts serve, checks it answers, then interrupts it and expects a clean stop.
func serveUntilStopped(t *testing.T, db string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	stdout := &lockedBuffer{}
	go func() {
		done <- run(ctx, []string{"serve", "--db", db, "--addr", addr}, strings.NewReader(""), stdout, io.Discard)
	}()
	var body string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		res, err := http.Get(fmt.Sprintf("http://%s/c/open-gov-canada", addr))
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		body = string(b)
		break
	}
	if !strings.Contains(body, "Open Government Community Call · Canada") {
		t.Fatalf("served page: %.500q", body)
	}
	firstAdmin(t, addr, stdout.String())
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve stopped with %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
}

// lockedBuffer is a bytes.Buffer a server goroutine writes while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// firstAdmin follows the console's first-run instructions: with no administrator, serve printed a
// one-time code; /setup takes it (and refuses a wrong one), makes the administrator, and is gone.
func firstAdmin(t *testing.T, addr, console string) {
	t.Helper()
	m := regexp.MustCompile(`Open (http://\S+)/setup and enter this one-time setup code: ([A-Z0-9-]+)`).FindStringSubmatch(console)
	if m == nil {
		t.Fatalf("serve did not print a setup code:\n%s", console)
	}
	base, code := m[1], m[2]
	post := func(code string) *http.Response {
		form := url.Values{"code": {code}, "name": {"First Admin"}, "email": {"admin@example.org"}, "password": {"a long enough password"}}
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/setup", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", base)
		res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := post("WRONG-CODE"); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a wrong code: %d", res.StatusCode)
	}
	if res := post(strings.ToLower(code)); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/communities/new" {
		t.Fatalf("the right code: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res, err := http.Get("http://" + addr + "/setup")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("/setup once an administrator exists: %d", res.StatusCode)
	}
}
