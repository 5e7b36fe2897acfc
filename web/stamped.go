package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/maypok86/otter/v2"

	"github.com/opengovcall/convene"
)

// Public answers made of calls (a community's or a series' calendar feed, the calls API) are
// kept by a stamp that names what they were made from: an aggregate of the calls, their series,
// kits and registrations that one query reads (Store.CallsStamp, Store.RegistrationsStamp), with
// the address, the language and the minute. An unchanged answer is then served after that query
// instead of reading, localizing and encoding every call; any change, through any instance or the
// command line, changes the stamp, so a kept answer is never stale, only unused. Only anonymous
// readers are served this way: what a signed-in reader sees depends on their standing at each
// call, and takes the full way.

// stampedAnswersBytes bounds the answers kept: a few dozen feeds of hundreds of calls.
const stampedAnswersBytes = 32 << 20

type stampedAnswer struct {
	header http.Header // what the answer said about itself (type, file name, validator, caching)
	body   []byte
	gz     []byte // body compressed once, for the many readers that accept gzip
}

func newStampedAnswers() *otter.Cache[string, stampedAnswer] {
	return otter.Must(&otter.Options[string, stampedAnswer]{
		MaximumWeight: stampedAnswersBytes,
		Weigher: func(key string, a stampedAnswer) uint32 {
			return uint32(min(len(key)+len(a.body)+len(a.gz)+256, 1<<31))
		},
	})
}

// publicStamp names, for an anonymous reader, the answer to r made from the calls f selects (and
// their registrations when counts are shown) under the community and series whose last changes
// are changed. It returns "" for a signed-in reader or one with a token.
func (s *Server) publicStamp(r *http.Request, f convene.CallFilter, registrations bool, changed ...time.Time) (string, error) {
	v := viewerOf(r)
	if v.User != nil || r.Header.Get("Authorization") != "" {
		return "", nil
	}
	parts := []string{r.URL.Path, r.URL.RawQuery, v.L.Lang,
		s.clock.Now().UTC().Truncate(time.Minute).Format(time.RFC3339)} // a kit's reveal, a call's status
	for _, t := range changed {
		parts = append(parts, t.UTC().Format(time.RFC3339Nano))
	}
	stamp, err := s.store.CallsStamp(r.Context(), f)
	if err != nil {
		return "", err
	}
	parts = append(parts, stamp)
	if registrations {
		if stamp, err = s.store.RegistrationsStamp(r.Context(), f); err != nil {
			return "", err
		}
		parts = append(parts, stamp)
	}
	return strings.Join(parts, "|"), nil
}

// serveStamped answers with what was kept under stamp, or makes the answer with write and keeps
// it when it is a 200. An empty stamp just writes.
func (s *Server) serveStamped(w http.ResponseWriter, r *http.Request, stamp string, write func(http.ResponseWriter) error) error {
	if stamp == "" || s.unkept {
		return write(w)
	}
	if a, ok := s.stampedAnswers.GetIfPresent(stamp); ok {
		h := w.Header()
		for k, v := range a.header {
			h[k] = v
		}
		zipped := a.gz != nil && acceptsGzip(r)
		if zipped { // the compression layer leaves an answer that says its encoding alone
			h.Set("Content-Encoding", "gzip")
			h.Add("Vary", "Accept-Encoding")
			if etag := a.header.Get("ETag"); etag != "" {
				h.Set("ETag", strings.TrimSuffix(etag, `"`)+gzipETagSuffix+`"`)
			}
		}
		if etag := a.header.Get("ETag"); etag != "" && notModified(w, r, etag) {
			return nil
		}
		body := a.body
		if zipped {
			body = a.gz
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		_, err := w.Write(body)
		return err
	}
	cw := &capture{ResponseWriter: w, status: http.StatusOK}
	if err := write(cw); err != nil {
		return err
	}
	if cw.status == http.StatusOK && cw.header != nil {
		a := stampedAnswer{header: cw.header, body: cw.buf.Bytes()}
		if len(a.body) >= 1024 { // as the compression layer does
			var z bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&z, gzip.DefaultCompression)
			_, _ = zw.Write(a.body)
			if zw.Close() == nil {
				a.gz = z.Bytes()
			}
		}
		s.stampedAnswers.Set(stamp, a)
	}
	return nil
}

// acceptsGzip reports whether a request's Accept-Encoding takes gzip (a q of 0 refuses it).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") && strings.TrimSpace(name) != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
