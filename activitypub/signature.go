package activitypub

import (
	"bytes"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-fed/httpsig"
)

// HTTP Signatures as Mastodon speaks them: the draft-cavage scheme in the Signature header, with
// rsa-sha256 over (request-target), host and date, and digest for a request with a body.

var (
	postHeaders = []string{httpsig.RequestTarget, "host", "date", "digest"}
	getHeaders  = []string{httpsig.RequestTarget, "host", "date"}
)

// SkewWindow is how far a signed request's Date may be from this server's clock; a request
// outside it is refused, and signatures are remembered this long to refuse replays.
const SkewWindow = 5 * time.Minute

// Sign signs a request (with body for a POST, nil for a GET) with a private key under keyID, as
// every delivery and fetch is signed.
func Sign(r *http.Request, body []byte, keyID string, key *rsa.PrivateKey, now time.Time) error {
	r.Header.Set("Date", now.UTC().Format(http.TimeFormat))
	if r.Header.Get("Host") == "" {
		r.Header.Set("Host", r.URL.Host)
	}
	headers := getHeaders
	if body != nil {
		headers = postHeaders
	}
	s, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256, headers, httpsig.Signature, 0)
	if err != nil {
		return err
	}
	return s.SignRequest(key, keyID, r, body)
}

// Errors that make an inbox answer 401.
var (
	ErrUnsigned  = errors.New("the request is not signed")
	ErrSignature = errors.New("the signature does not verify")
	ErrStale     = errors.New("the request's Date is outside the accepted window")
	ErrDigest    = errors.New("the body does not match its Digest")
	ErrReplay    = errors.New("this signed request was already received")
	ErrHeaders   = errors.New("the signature must cover (request-target), host, date and digest")
)

// signed is what a verified request's signature says.
type signed struct {
	KeyID     string
	Signature string // the header's signature value: what replays repeat
}

// checkSigned checks what can be checked before the key is known: a signature over the right
// headers, a Date within the window and a Digest that matches the body. It returns the key id.
func checkSigned(r *http.Request, body []byte, now time.Time) (*signed, httpsig.Verifier, error) {
	header := r.Header.Get("Signature")
	if header == "" {
		return nil, nil, ErrUnsigned
	}
	params := signatureParams(header)
	covered := strings.Fields(strings.ToLower(params["headers"]))
	need := getHeaders
	if r.Method == http.MethodPost {
		need = postHeaders
	}
	for _, h := range need {
		if !slices.Contains(covered, h) {
			return nil, nil, ErrHeaders
		}
	}
	date, err := http.ParseTime(r.Header.Get("Date"))
	if err != nil || date.Before(now.Add(-SkewWindow)) || date.After(now.Add(SkewWindow)) {
		return nil, nil, ErrStale
	}
	if r.Method == http.MethodPost {
		sum := sha256.Sum256(body)
		want := "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
		if !digestMatches(r.Header.Get("Digest"), want) {
			return nil, nil, ErrDigest
		}
	}
	v, err := httpsig.NewVerifier(r)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	return &signed{KeyID: v.KeyId(), Signature: params["signature"]}, v, nil
}

// digestMatches compares a Digest header (which may list several) with the SHA-256 wanted; the
// algorithm name is case-insensitive.
func digestMatches(header, want string) bool {
	for _, d := range strings.Split(header, ",") {
		d = strings.TrimSpace(d)
		if algo, value, ok := strings.Cut(d, "="); ok && strings.EqualFold(algo, "SHA-256") && "SHA-256="+value == want {
			return true
		}
	}
	return false
}

// signatureParams reads a Signature header's key="value" parameters.
func signatureParams(header string) map[string]string {
	out := map[string]string{}
	for _, part := range splitParams(header) {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		out[strings.ToLower(strings.TrimSpace(k))] = strings.Trim(strings.TrimSpace(v), `"`)
	}
	return out
}

// splitParams splits on commas outside quotes.
func splitParams(s string) []string {
	var out []string
	var cur bytes.Buffer
	quoted := false
	for _, c := range s {
		switch {
		case c == '"':
			quoted = !quoted
			cur.WriteRune(c)
		case c == ',' && !quoted:
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteRune(c)
		}
	}
	return append(out, cur.String())
}

// replayKey names a signature for the replay record.
func replayKey(sig *signed) string {
	sum := sha256.Sum256([]byte(sig.KeyID + "\n" + sig.Signature))
	return hex.EncodeToString(sum[:16])
}

// parsePublicKey reads an RSA public key in PEM (PKIX, or PKCS#1 as some servers publish it).
func parsePublicKey(p string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(p))
	if block == nil {
		return nil, errors.New("no PEM public key")
	}
	if k, err := x509.ParsePKIXPublicKey(block.Bytes); err == nil {
		if rk, ok := k.(*rsa.PublicKey); ok {
			return rk, nil
		}
		return nil, errors.New("the public key is not RSA")
	}
	return x509.ParsePKCS1PublicKey(block.Bytes)
}

// ParsePrivateKey reads an RSA private key in PEM, for peers that sign as a community.
func ParsePrivateKey(p string) (*rsa.PrivateKey, error) { return parsePrivateKey(p) }

// parsePrivateKey reads an RSA private key in PEM (PKCS#8 or PKCS#1).
func parsePrivateKey(p string) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(p))
	if block == nil {
		return nil, errors.New("no PEM private key")
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		if rk, ok := k.(*rsa.PrivateKey); ok {
			return rk, nil
		}
		return nil, errors.New("the private key is not RSA")
	}
	return x509.ParsePKCS1PrivateKey(block.Bytes)
}
