package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/opengovcall/convene/internal/logbuf"
	"github.com/opengovcall/convene/metrics"
)

// The access line reads exactly as slog's handlers would write the same record, in both formats,
// whatever its values hold (spaces, quotes, an empty id).
func TestAccessLinesReadAsSlogWritesThem(t *testing.T) {
	at := time.Date(2026, 12, 5, 20, 31, 8, 123456789, time.UTC)
	for _, l := range []line{
		{method: "GET", route: "GET /c/{slug}/calls/{id}", status: 200, bytes: 5120, took: 1234567 * time.Nanosecond, id: "9e7c979e-35l", client: "198.51.100.7"},
		{method: "PO\"ST", route: "unmatched", status: 404, bytes: 0, took: 3 * time.Second, id: "", client: "2001:db8::1"},
		{method: "GET", route: "GET /x=y", status: 500, bytes: 12, took: time.Millisecond, id: "a\tb", client: "é"},
	} {
		for _, format := range []string{"text", "json"} {
			var ours, theirs bytes.Buffer
			NewAccessLog(&ours, format).write(at, l)
			opts := &slog.HandlerOptions{}
			var h slog.Handler = slog.NewTextHandler(&theirs, opts)
			if format == "json" {
				h = slog.NewJSONHandler(&theirs, opts)
			}
			r := slog.NewRecord(at, slog.LevelInfo, "request", 0)
			r.AddAttrs(slog.String("method", l.method), slog.String("route", l.route), slog.Int("status", l.status),
				slog.Int64("bytes", l.bytes), slog.Duration("duration", l.took), slog.String("request_id", l.id), slog.String("client", l.client))
			if err := h.Handle(context.Background(), r); err != nil {
				t.Fatal(err)
			}
			// slog's text handler writes times to the millisecond, its JSON handler to the nanosecond.
			if ours.String() != theirs.String() {
				t.Errorf("%s:\nours   %q\nslog's %q", format, ours.String(), theirs.String())
			}
		}
	}
}

// BenchmarkObserve is what observe adds to a request that does nothing: the reference, then with
// the access line (through a logbuf.Writer, as convene serve writes it), the metrics, and both.
func BenchmarkObserve(b *testing.B) {
	reg := metrics.New(nil, metrics.Build{Version: "bench"})
	h := named("GET /x", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hi") }))
	base, _ := url.Parse("http://bench.example")
	out := logbuf.New(io.Discard, time.Second)
	defer out.Close()
	for _, v := range []struct {
		name   string
		access *AccessLog
		m      *metrics.Metrics
	}{{"neither", nil, nil}, {"access-line", NewAccessLog(out, "text"), nil}, {"metrics", nil, reg}, {"both", NewAccessLog(out, "text"), reg}} {
		s := &Server{log: slog.New(slog.DiscardHandler), access: v.access, metrics: v.m, baseURL: base}
		hh := s.observe(h)
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			req := httptest.NewRequest(http.MethodGet, "/x", nil)
			for b.Loop() {
				hh.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
	}
}
