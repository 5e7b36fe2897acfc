// Package proxy tells who is asking when Convene runs behind a reverse proxy (Caddy, nginx). Only
// a connection from a proxy the operator trusts may say, in X-Forwarded-For or Forwarded (RFC
// 7239), which client it forwards and, in X-Forwarded-Proto, over which scheme; from anyone else
// those headers are ignored, so a client cannot claim another address to slip past a rate limit.
package proxy

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Trusted is the set of networks whose connections are proxies; the zero value trusts nobody.
type Trusted struct {
	prefixes []netip.Prefix
}

// Parse reads a comma-separated list of networks in CIDR notation (a bare address counts as one
// host): "127.0.0.1/32, 10.0.0.0/8, ::1". An empty list trusts nobody.
func Parse(list string) (Trusted, error) {
	var t Trusted
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		p, err := netip.ParsePrefix(item)
		if err != nil {
			addr, aerr := netip.ParseAddr(item)
			if aerr != nil {
				return Trusted{}, fmt.Errorf("%q is not a network such as 10.0.0.0/8 or an address such as 127.0.0.1", item)
			}
			p = netip.PrefixFrom(addr, addr.BitLen())
		}
		t.prefixes = append(t.prefixes, p.Masked())
	}
	return t, nil
}

// String lists the trusted networks as Parse reads them.
func (t Trusted) String() string {
	var parts []string
	for _, p := range t.prefixes {
		parts = append(parts, p.String())
	}
	return strings.Join(parts, ",")
}

// Any reports whether any network is trusted.
func (t Trusted) Any() bool { return len(t.prefixes) > 0 }

// trusts reports whether an address belongs to a trusted network.
func (t Trusted) trusts(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, p := range t.prefixes {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// Client is who a request comes from: the client's address, the scheme it used, and whether a
// trusted proxy said so (and so its X-Request-ID may be kept).
type Client struct {
	Addr      string // an IP address, without port
	Scheme    string // "http" or "https"
	ViaProxy  bool
	RequestID string // a trusted proxy's X-Request-ID, when it sent one
}

// ClientOf works out who sent r. The connection's own address is the client unless it is a
// trusted proxy; then the client is the right-most address of the forwarding chain that is not
// itself a trusted proxy (everything left of it could have been written by the client).
func (t Trusted) ClientOf(r *http.Request) Client {
	c := Client{Addr: hostOf(r.RemoteAddr), Scheme: "http"}
	if r.TLS != nil {
		c.Scheme = "https"
	}
	peer, err := netip.ParseAddr(c.Addr)
	if err != nil || !t.trusts(peer) {
		return c
	}
	chain := forwardedFor(r.Header)
	if len(chain) == 0 {
		return c
	}
	c.ViaProxy = true
	for i := len(chain) - 1; i >= 0; i-- {
		addr, err := netip.ParseAddr(chain[i])
		if err != nil {
			break // a hop that is not an address (RFC 7239's "unknown", an obfuscated name): stop at the last known one
		}
		c.Addr = addr.Unmap().String()
		if !t.trusts(addr) {
			break
		}
	}
	if proto := strings.ToLower(strings.TrimSpace(lastItem(r.Header.Values("X-Forwarded-Proto")))); proto == "https" || proto == "http" {
		c.Scheme = proto
	} else if proto := forwardedProto(r.Header); proto != "" {
		c.Scheme = proto
	}
	if id := strings.TrimSpace(r.Header.Get("X-Request-ID")); validRequestID(id) {
		c.RequestID = id
	}
	return c
}

// forwardedFor is the forwarding chain, client first: from Forwarded's for= parameters when the
// proxy sent that header, else from X-Forwarded-For.
func forwardedFor(h http.Header) []string {
	var chain []string
	for _, line := range h.Values("Forwarded") {
		for _, elem := range strings.Split(line, ",") {
			for _, pair := range strings.Split(elem, ";") {
				k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if ok && strings.EqualFold(k, "for") {
					chain = append(chain, forwardedNode(v))
				}
			}
		}
	}
	if len(chain) > 0 {
		return chain
	}
	for _, line := range h.Values("X-Forwarded-For") {
		for _, item := range strings.Split(line, ",") {
			if item = strings.TrimSpace(item); item != "" {
				chain = append(chain, hostOf(item))
			}
		}
	}
	return chain
}

// forwardedNode reads RFC 7239's node: "192.0.2.60", "\"[2001:db8::1]:4711\"", "unknown".
func forwardedNode(v string) string {
	v = strings.Trim(strings.TrimSpace(v), `"`)
	if strings.HasPrefix(v, "[") {
		if end := strings.Index(v, "]"); end > 0 {
			return v[1:end]
		}
	}
	return hostOf(v)
}

// forwardedProto is the proto= of the last element of Forwarded, if any.
func forwardedProto(h http.Header) string {
	elems := strings.Split(strings.Join(h.Values("Forwarded"), ","), ",")
	for _, pair := range strings.Split(elems[len(elems)-1], ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if v = strings.ToLower(strings.Trim(v, `"`)); ok && strings.EqualFold(k, "proto") && (v == "http" || v == "https") {
			return v
		}
	}
	return ""
}

// hostOf strips the port from "host:port", "[::1]:80" or leaves a bare address as it is.
func hostOf(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return strings.Trim(addr, "[]")
}

func lastItem(values []string) string {
	if len(values) == 0 {
		return ""
	}
	items := strings.Split(values[len(values)-1], ",")
	return items[len(items)-1]
}

// validRequestID accepts a proxy's request id that is safe to log: up to 128 visible ASCII
// characters.
func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, r := range id {
		if r < '!' || r > '~' {
			return false
		}
	}
	return true
}
