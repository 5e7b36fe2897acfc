// Package logbuf buffers log lines that come by the thousand a second (one access line per
// request) and writes them out in batches: a write to the terminal or journal per request costs
// more than the request itself when a page comes from the cache. Lines wait at most the flush
// interval; errors go through an unbuffered logger and are never held back.
package logbuf

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// Writer is an io.Writer that keeps what it is given in a buffer and writes it out when the buffer
// fills, at every tick of its interval, and on Close.
type Writer struct {
	mu   sync.Mutex
	buf  *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

// New starts a Writer over w that writes out at least every interval.
func New(w io.Writer, interval time.Duration) *Writer {
	b := &Writer{buf: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-b.stop:
				return
			case <-t.C:
				b.Flush()
			}
		}
	}()
	return b
}

// Write keeps p (one log line, as slog's handlers write them) for the next write-out.
func (b *Writer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// Flush writes out what is kept.
func (b *Writer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Flush()
}

// Close stops the ticks and writes out what is left.
func (b *Writer) Close() error {
	close(b.stop)
	<-b.done
	return b.Flush()
}
