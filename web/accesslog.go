package web

import (
	"io"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// AccessLog writes the one line per request, in the text or JSON format of the server's other
// logs (log/slog's TextHandler and JSONHandler write the same fields the same way). It encodes the
// line itself rather than through slog: at tens of thousands of cached pages a second, slog's
// general encoder cost more than serving the page (2 µs against 0.3 µs, measured in BENCHMARKS.md).
type AccessLog struct {
	w    io.Writer // one Write per line; a logbuf.Writer batches them
	json bool
}

// NewAccessLog writes access lines to w as "text" or "json".
func NewAccessLog(w io.Writer, format string) *AccessLog {
	return &AccessLog{w: w, json: format == "json"}
}

var lineBufs = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// line is one request, as the access log records it.
type line struct {
	method, route, id, client string
	status                    int
	bytes                     int64
	took                      time.Duration
}

func (a *AccessLog) write(at time.Time, l line) {
	bp := lineBufs.Get().(*[]byte)
	b := (*bp)[:0]
	if a.json {
		b = append(b, `{"time":"`...)
		b = at.AppendFormat(b, time.RFC3339Nano)
		b = append(b, `","level":"INFO","msg":"request","method":`...)
		b = strconv.AppendQuote(b, l.method)
		b = append(b, `,"route":`...)
		b = strconv.AppendQuote(b, l.route)
		b = append(b, `,"status":`...)
		b = strconv.AppendInt(b, int64(l.status), 10)
		b = append(b, `,"bytes":`...)
		b = strconv.AppendInt(b, l.bytes, 10)
		b = append(b, `,"duration":`...)
		b = strconv.AppendInt(b, int64(l.took), 10)
		b = append(b, `,"request_id":`...)
		b = strconv.AppendQuote(b, l.id)
		b = append(b, `,"client":`...)
		b = strconv.AppendQuote(b, l.client)
		b = append(b, "}\n"...)
	} else {
		b = append(b, "time="...)
		b = at.AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
		b = append(b, " level=INFO msg=request method="...)
		b = appendValue(b, l.method)
		b = append(b, " route="...)
		b = appendValue(b, l.route)
		b = append(b, " status="...)
		b = strconv.AppendInt(b, int64(l.status), 10)
		b = append(b, " bytes="...)
		b = strconv.AppendInt(b, l.bytes, 10)
		b = append(b, " duration="...)
		b = append(b, l.took.String()...)
		b = append(b, " request_id="...)
		b = appendValue(b, l.id)
		b = append(b, " client="...)
		b = appendValue(b, l.client)
		b = append(b, '\n')
	}
	a.w.Write(b)
	*bp = b
	lineBufs.Put(bp)
}

// appendValue writes a text value as slog's TextHandler does: bare when it can be, quoted when it
// is empty or holds a space, '=', a quote or anything not printable.
func appendValue(b []byte, s string) []byte {
	if s == "" {
		return append(b, `""`...)
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r <= ' ' || r == '=' || r == '"' || r == utf8.RuneError || r == 0x7f {
			return strconv.AppendQuote(b, s)
		}
		i += size
	}
	return append(b, s...)
}
