package proxy_test

import (
	"crypto/tls"
	"net/http"
	"testing"

	"github.com/opengovcall/convene/proxy"
)

func TestParseRefusesWhatIsNotANetwork(t *testing.T) {
	for _, bad := range []string{"10.0.0.0/33", "localhost", "10.0.0.0/8;", "1.2.3"} {
		if _, err := proxy.Parse(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	tr, err := proxy.Parse(" 127.0.0.1 , 10.1.2.3/8, ::1 ")
	if err != nil || tr.String() != "127.0.0.1/32,10.0.0.0/8,::1/128" {
		t.Fatalf("%v %q", err, tr.String())
	}
	if none, _ := proxy.Parse(""); none.Any() {
		t.Error("an empty list trusts someone")
	}
}

func TestClientOf(t *testing.T) {
	tr, _ := proxy.Parse("127.0.0.1/32, 10.0.0.0/8")
	for _, tc := range []struct {
		name, remote string
		header       http.Header
		tls          bool
		want         proxy.Client
	}{
		{"direct, no headers", "203.0.113.9:5000", nil, false, proxy.Client{Addr: "203.0.113.9", Scheme: "http"}},
		{"a client that claims to be forwarded is not believed", "203.0.113.9:5000",
			http.Header{"X-Forwarded-For": {"198.51.100.1"}, "X-Forwarded-Proto": {"https"}, "X-Request-Id": {"mine"}}, false,
			proxy.Client{Addr: "203.0.113.9", Scheme: "http"}},
		{"direct over TLS", "203.0.113.9:5000", nil, true, proxy.Client{Addr: "203.0.113.9", Scheme: "https"}},
		{"the trusted proxy's client", "127.0.0.1:40000",
			http.Header{"X-Forwarded-For": {"198.51.100.7"}, "X-Forwarded-Proto": {"https"}, "X-Request-Id": {"abc-123"}}, false,
			proxy.Client{Addr: "198.51.100.7", Scheme: "https", ViaProxy: true, RequestID: "abc-123"}},
		{"a spoofed left-most address is skipped", "127.0.0.1:40000",
			http.Header{"X-Forwarded-For": {"1.2.3.4, 198.51.100.7"}}, false,
			proxy.Client{Addr: "198.51.100.7", Scheme: "http", ViaProxy: true}},
		{"trusted hops are walked past", "127.0.0.1:40000",
			http.Header{"X-Forwarded-For": {"1.2.3.4, 198.51.100.7", "10.0.0.5"}}, false,
			proxy.Client{Addr: "198.51.100.7", Scheme: "http", ViaProxy: true}},
		{"Forwarded (RFC 7239), IPv6 with a port", "127.0.0.1:40000",
			http.Header{"Forwarded": {`for=192.0.2.43, for="[2001:db8:cafe::17]:4711";proto=https`}}, false,
			proxy.Client{Addr: "2001:db8:cafe::17", Scheme: "https", ViaProxy: true}},
		{"an unsafe request id is dropped", "127.0.0.1:40000",
			http.Header{"X-Forwarded-For": {"198.51.100.7"}, "X-Request-Id": {"two words"}}, false,
			proxy.Client{Addr: "198.51.100.7", Scheme: "http", ViaProxy: true}},
		{"a proxy that forwards nothing is the client", "127.0.0.1:40000", nil, false, proxy.Client{Addr: "127.0.0.1", Scheme: "http"}},
	} {
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = tc.remote
		if tc.header != nil {
			r.Header = tc.header
		}
		if tc.tls {
			r.TLS = &tls.ConnectionState{}
		}
		if got := tr.ClientOf(r); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
