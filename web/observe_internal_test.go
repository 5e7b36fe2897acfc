package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a buffer several goroutines may write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A client that goes away, an error after the answer began and a panic: none of them writes a
// second status line ("superfluous WriteHeader"), only the panic logs an error (with its stack),
// and a client that went away is logged at debug level at most.
func TestFailuresAreLoggedOnceAndQuietlyWhenTheClientLeft(t *testing.T) {
	logs := &syncBuffer{}
	s := &Server{log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	s.access = NewAccessLog(logs, "text")
	started := make(chan struct{})
	mux := http.NewServeMux()
	mux.Handle("GET /gone", named("GET /gone", s.page(func(w http.ResponseWriter, r *http.Request) error {
		close(started)
		<-r.Context().Done() // the client hangs up while the page waits on something
		return r.Context().Err()
	})))
	mux.Handle("GET /late", named("GET /late", s.page(func(w http.ResponseWriter, r *http.Request) error {
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("half a page"))
		return errors.New("the template failed half way")
	})))
	mux.Handle("GET /panic", named("GET /panic", s.page(func(w http.ResponseWriter, r *http.Request) error {
		panic("a bug")
	})))
	serverLog := &syncBuffer{}
	hs := httptest.NewUnstartedServer(s.observe(s.recoverPanics(mux)))
	hs.Config.ErrorLog = log.New(serverLog, "", 0)
	hs.Start()
	defer hs.Close()

	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, hs.URL+"/gone", nil)
	go func() { <-started; cancel() }()
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("the canceled request was answered")
	}
	res, err := http.Get(hs.URL + "/late")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || string(body) != "half a page" {
		t.Errorf("late failure: %d %q", res.StatusCode, body)
	}
	res, err = http.Get(hs.URL + "/panic")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusInternalServerError {
		t.Errorf("a panic answered %d", res.StatusCode)
	}
	deadline := time.Now().Add(2 * time.Second)
	for !strings.Contains(logs.String(), `route="GET /gone"`) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	out := logs.String()
	if strings.Contains(serverLog.String(), "superfluous") {
		t.Errorf("net/http saw a second status line: %s", serverLog.String())
	}
	if n := strings.Count(out, "level=ERROR"); n != 2 {
		t.Errorf("%d error lines, want the late failure's and the panic's:\n%s", n, out)
	}
	if !strings.Contains(out, `level=DEBUG msg="client went away"`) || !strings.Contains(out, "request failed after its answer began") {
		t.Errorf("log:\n%s", out)
	}
	if !strings.Contains(out, `msg=panic`) || !strings.Contains(out, "goroutine") || !strings.Contains(out, `route="GET /panic" status=500`) {
		t.Errorf("the panic is not logged with its stack and its 500:\n%s", out)
	}
}
