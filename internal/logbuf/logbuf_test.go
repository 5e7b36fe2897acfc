package logbuf_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opengovcall/convene/internal/logbuf"
)

type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Lines are held until a tick writes them out, whole and in order, and Close leaves none behind.
func TestLinesWaitForATickAndNoneIsLost(t *testing.T) {
	out := &safeBuffer{}
	w := logbuf.New(out, 50*time.Millisecond)
	w.Write([]byte("first\n"))
	if out.String() != "" {
		t.Fatal("a line went out before its tick")
	}
	deadline := time.Now().Add(2 * time.Second)
	for out.String() == "" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if out.String() != "first\n" {
		t.Fatalf("after a tick: %q", out.String())
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				w.Write([]byte(strings.Repeat("x", i+1) + "\n"))
			}
		}()
	}
	wg.Wait()
	w.Close()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 8001 {
		t.Fatalf("%d lines, want 8001", len(lines))
	}
	for _, l := range lines[1:] {
		if strings.Trim(l, "x") != "" || len(l) > 8 {
			t.Fatalf("a line was cut or mixed: %q", l)
		}
	}
}
