// Package smtptest runs a real SMTP server on the loopback interface for tests, and decodes what
// it receives so tests can assert on the subject and text a person would read.
package smtptest

import (
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Server is an SMTP server listening on 127.0.0.1 that keeps every message it accepts. It takes
// PLAIN credentials over plain text (any username and password) and offers no TLS.
type Server struct {
	t    testing.TB
	addr string // fixed at Start, so Restart listens on the same port

	mu       sync.Mutex
	srv      *smtp.Server  // nil while stopped
	listener net.Listener  // srv's, closed by Stop even if srv has not started serving it yet
	served   chan struct{} // closed when srv's Serve returns
	messages []Message
	arrived  chan struct{} // closed and replaced whenever a message arrives
	rejected map[string]bool

	connections atomic.Int64
}

// Start runs a server on a free port of 127.0.0.1 until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartOn(t, "127.0.0.1:0")
}

// StartOn runs a server on addr (host:port, port 0 for a free one) until the test ends; tests of
// other loopback addresses, such as [::1]:0, use it.
func StartOn(t testing.TB, addr string) *Server {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("smtptest: listen on %s: %v", addr, err)
	}
	s := &Server{
		t:        t,
		addr:     l.Addr().String(),
		arrived:  make(chan struct{}),
		rejected: make(map[string]bool),
	}
	s.serve(l)
	t.Cleanup(s.Stop)
	return s
}

// Addr is the server's host:port, such as "127.0.0.1:40213".
func (s *Server) Addr() string { return s.addr }

// URL is the server's address as Convene's mail setting takes it, such as "smtp://127.0.0.1:40213".
func (s *Server) URL() string { return "smtp://" + s.addr }

// Stop closes the listener and every open connection, so new connections are refused. It is
// safe to call on a stopped server.
func (s *Server) Stop() {
	s.mu.Lock()
	srv, l, served := s.srv, s.listener, s.served
	s.srv = nil
	s.mu.Unlock()
	if srv == nil {
		return
	}
	_ = srv.Close()
	_ = l.Close()
	<-served
}

// Restart listens again on the same port after Stop, keeping the messages received so far; it
// fails the test if the port cannot be had again. Call it from the test's goroutine.
func (s *Server) Restart() {
	s.t.Helper()
	s.mu.Lock()
	running := s.srv != nil
	s.mu.Unlock()
	if running {
		return
	}
	l, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.t.Fatalf("smtptest: listen again on %s: %v", s.addr, err)
	}
	s.serve(l)
}

// Connections counts the connections the server has accepted since Start.
func (s *Server) Connections() int { return int(s.connections.Load()) }

// RejectRcpt makes the server refuse RCPT TO for addr with a permanent 550 error that names the
// address, as real servers do for an unknown mailbox.
func (s *Server) RejectRcpt(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejected[strings.ToLower(addr)] = true
}

// Messages returns a copy of the messages accepted so far, in order of arrival.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// WaitFor waits until at least n messages have arrived and returns them all; it fails the test
// if they have not arrived within timeout.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, arrived := len(s.messages), s.arrived
		if got >= n {
			out := append([]Message(nil), s.messages...)
			s.mu.Unlock()
			return out
		}
		s.mu.Unlock()
		select {
		case <-arrived:
		case <-deadline.C:
			t.Fatalf("smtptest: %d of %d messages arrived within %s", got, n, timeout)
			return nil
		}
	}
}

// serve starts a go-smtp server on l; a stopped go-smtp server cannot serve again, so each
// Restart makes a new one.
func (s *Server) serve(l net.Listener) {
	srv := smtp.NewServer(backend{s})
	srv.Domain = "smtptest.localhost"
	srv.AllowInsecureAuth = true
	srv.EnableSMTPUTF8 = true
	srv.MaxMessageBytes = 10 << 20
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	served := make(chan struct{})
	s.mu.Lock()
	s.srv, s.listener, s.served = srv, l, served
	s.mu.Unlock()
	go func() {
		defer close(served)
		_ = srv.Serve(countingListener{l, &s.connections})
	}()
}

// receive keeps a message the server accepted and wakes WaitFor.
func (s *Server) receive(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, m)
	close(s.arrived)
	s.arrived = make(chan struct{})
}

// isRejected tells whether RCPT TO addr must be refused.
func (s *Server) isRejected(addr string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rejected[strings.ToLower(addr)]
}

// countingListener counts accepted connections, so tests can check that a batch reused one.
type countingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}
