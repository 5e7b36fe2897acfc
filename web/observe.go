package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/opengovcall/convene/proxy"
)

// Every request passes through observe first: it works out who is asking (behind a trusted proxy,
// the client the proxy forwards), gives the request an id, and when the answer is sent writes one
// access line (method, route pattern, status, bytes, duration, id, client: never the raw path,
// which may carry a token, nor anything personal) and counts it in the metrics.

// requestInfo is what observe knows of a request, shared with the handlers below it.
type requestInfo struct {
	client proxy.Client
	id     string
	route  string // the pattern of the route that answered, set by the route itself
	rec    *recorder
	// sessionLoaded is set once the session middleware has loaded the session and handed the
	// request on: a session error after that is the commit's, when the answer is under way.
	sessionLoaded bool
}

type requestInfoKey struct{}

func infoOf(r *http.Request) *requestInfo {
	info, _ := r.Context().Value(requestInfoKey{}).(*requestInfo)
	return info
}

// recorder remembers the status and size of an answer.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// started reports whether the answer's status line has gone out.
func (w *recorder) started() bool { return w.status != 0 }

// requestIDs makes ids unique across restarts without a random read per request: a random
// prefix per process, then a counter.
var (
	requestPrefix = func() string {
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		return hex.EncodeToString(b)
	}()
	requestCount atomic.Uint64
)

func newRequestID() string {
	return requestPrefix + "-" + strconv.FormatUint(requestCount.Add(1), 36)
}

func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{client: s.proxies.ClientOf(r), rec: &recorder{ResponseWriter: w}}
		info.id = info.client.RequestID
		if info.id == "" {
			info.id = newRequestID()
		}
		w.Header().Set("X-Request-ID", info.id)
		if info.client.Scheme == "https" && s.baseURL.Scheme == "https" {
			w.Header().Set("Strict-Transport-Security", "max-age=31536000")
		}
		r = r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, info))
		defer func() {
			status := info.rec.status
			if status == 0 {
				status = http.StatusOK
			}
			elapsed := time.Since(start)
			route := info.route
			if route == "" {
				route = "unmatched"
			}
			if s.metrics != nil {
				s.metrics.ObserveRequest(route, status, elapsed)
			}
			if s.access != nil {
				s.access.write(start, line{method: r.Method, route: route, status: status, bytes: info.rec.bytes, took: elapsed,
					id: info.id, client: info.client.Addr})
			}
		}()
		next.ServeHTTP(info.rec, r)
	})
}

// named marks the request with the pattern of the route that answers it, for logs and metrics.
func named(pattern string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info := infoOf(r); info != nil {
			info.route = pattern
		}
		h.ServeHTTP(w, r)
	})
}

// clientGone reports whether an error only says that the client went away: it closed the
// connection, so its request was canceled or writing to it failed. That is no server error.
func clientGone(r *http.Request, err error) bool {
	return errors.Is(r.Context().Err(), context.Canceled) || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)
}

// answerStarted reports whether a response has begun, after which no error page can follow.
func answerStarted(r *http.Request) bool {
	info := infoOf(r)
	return info != nil && info.rec.started()
}

// recoverPanics turns a panic in a handler into a 500 answer and one error line with the stack.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			id := ""
			if info := infoOf(r); info != nil {
				id = info.id
			}
			s.log.Error("panic", "method", r.Method, "path", logPath(r), "request_id", id, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if !answerStarted(r) {
				http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}
