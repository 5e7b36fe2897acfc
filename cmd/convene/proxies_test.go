package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/opengovcall/convene/demo"
	"github.com/opengovcall/convene/internal/testdb"
)

// The deploy folder's proxies, run for real: Caddy and nginx in front of Convene on loopback, and
// Prometheus scraping it. Each is looked for on PATH; the test command installs them, and in CI a
// missing one fails the run.

// tool finds a program the test needs, or skips (fails in CI) without it.
func tool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed; the test command installs it (apt-get install %s)", name, name)
		}
		t.Skipf("SKIPPING: %s is not installed (apt-get install %s)", name, name)
	}
	return path
}

// freePort is a loopback port nobody listens on (see freeAddr).
func freePort(t *testing.T) int {
	t.Helper()
	_, port, _ := net.SplitHostPort(freeAddr(t))
	n, _ := strconv.Atoi(port)
	return n
}

// serveDemo runs "convene serve" on the demo until the test ends and returns its address and
// console (its log lines included) and the demo organizer's password.
func serveDemo(t *testing.T, engine string, extra ...string) (addr string, console *lockedBuffer, password string) {
	t.Helper()
	db := testdb.DSN(t, engine)
	password = "an organizer password"
	if _, _, err := runCmd(t, "", "demo", "--db", db, "--organizer-password", password); err != nil {
		t.Fatal(err)
	}
	addr = "127.0.0.1:" + strconv.Itoa(freePort(t))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	console = &lockedBuffer{}
	go func() {
		done <- run(ctx, append([]string{"serve", "--db", db, "--addr", addr}, extra...), strings.NewReader(""), console, console)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop")
		}
	})
	waitFor(t, "convene", func() bool {
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
		}
		return err == nil && res.StatusCode == http.StatusOK
	})
	return addr, console, password
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("%s did not come up", what)
}

// startProgram runs a program until the test ends, its output kept for when the test fails.
func startProgram(t *testing.T, env []string, name string, args ...string) *lockedBuffer {
	t.Helper()
	out := &lockedBuffer{}
	cmd := exec.Command(name, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = append(os.Environ(), env...), out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its own group, so its workers stop with it
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		if t.Failed() {
			t.Logf("%s said:\n%s", filepath.Base(name), out.String())
		}
	})
	return out
}

// browserFrom is a client that connects from a loopback address of its own (127.0.0.2, …), as a
// distinct visitor would, trusting roots for TLS; it keeps cookies and does not follow redirects.
func browserFrom(t *testing.T, local string, roots *x509.CertPool) *http.Client {
	t.Helper()
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 15 * time.Second,
		Transport:     &http.Transport{DialContext: dialer.DialContext, TLSClientConfig: &tls.Config{RootCAs: roots, ServerName: "localhost"}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// signIn posts the sign-in form through the proxy at base, as a browser on that site would.
func signIn(t *testing.T, c *http.Client, base, email, password string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/signin", strings.NewReader(url.Values{"email": {email}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// proxyUp waits until the proxy at base answers Convene's /healthz, then checks that plain HTTP on
// httpPort is sent to HTTPS: with the status redirect, or any redirection when it is 0.
func proxyUp(t *testing.T, name, base string, httpPort int, roots *x509.CertPool, redirect int) {
	t.Helper()
	waitFor(t, name, func() bool {
		res, err := browserFrom(t, "127.0.0.1", roots).Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
		}
		return err == nil && res.StatusCode == http.StatusOK
	})
	res, err := browserFrom(t, "127.0.0.2", roots).Get("http://localhost:" + strconv.Itoa(httpPort) + "/c/open-gov-canada")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc := res.Header.Get("Location")
	if (redirect != 0 && res.StatusCode != redirect) || res.StatusCode/100 != 3 || !strings.HasPrefix(loc, "https://localhost") ||
		(redirect == 0 && !strings.HasSuffix(loc, "/c/open-gov-canada")) {
		t.Errorf("%s, plain HTTP: %d to %q", name, res.StatusCode, loc)
	}
}

// checkBehindProxy runs the checks both proxies must pass, at base (https://localhost:PORT):
// sessions work and their cookie is Secure, each visitor has their own sign-in limit, and
// Convene's log names each by their own address.
func checkBehindProxy(t *testing.T, base string, roots *x509.CertPool, console *lockedBuffer, password string) {
	t.Helper()
	attacker, visitor := browserFrom(t, "127.0.0.2", roots), browserFrom(t, "127.0.0.3", roots)
	for i := range 21 {
		if res := signIn(t, attacker, base, fmt.Sprintf("guess%d@example.org", i), "wrong password"); res.StatusCode == http.StatusSeeOther {
			t.Fatal("a wrong password signed in")
		}
	}
	if res := signIn(t, attacker, base, demo.OrganizerEmail, password); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after 21 failures from one visitor: %d, want 429", res.StatusCode)
	}
	res := signIn(t, visitor, base, demo.OrganizerEmail, password)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("another visitor was locked out: %d", res.StatusCode)
	}
	secure := false
	for _, c := range res.Cookies() {
		secure = secure || (c.Name == "convene_session" && c.Secure && c.HttpOnly)
	}
	if !secure {
		t.Errorf("the session cookie is not Secure and HttpOnly: %v", res.Header.Values("Set-Cookie"))
	}
	res, err := visitor.Get(base + "/me")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "Demo Organizer") {
		t.Fatalf("/me through the proxy: %d", res.StatusCode)
	}
	// Access lines are written out in batches, within a fifth of a second.
	waitFor(t, "both visitors' access lines", func() bool {
		log := console.String()
		return strings.Contains(log, "client=127.0.0.2") && strings.Contains(log, "client=127.0.0.3")
	})
}

// caddyRoots reads the root certificate of Caddy's internal authority from its data folder.
func caddyRoots(t *testing.T, data string) *x509.CertPool {
	t.Helper()
	var pemBytes []byte
	waitFor(t, "caddy's certificate authority", func() bool {
		b, err := os.ReadFile(filepath.Join(data, "caddy", "pki", "authorities", "local", "root.crt"))
		pemBytes = b
		return err == nil
	})
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pemBytes) {
		t.Fatal("caddy's root certificate does not parse")
	}
	return roots
}

func TestServeBehindCaddy(t *testing.T) {
	caddy := tool(t, "caddy")
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			httpsPort, httpPort := freePort(t), freePort(t)
			base := "https://localhost:" + strconv.Itoa(httpsPort)
			addr, console, password := serveDemo(t, engine, "--base-url", base, "--trusted-proxies", "127.0.0.1/32")
			home := t.TempDir()
			startProgram(t, []string{"HOME=" + home, "XDG_DATA_HOME=" + home, "XDG_CONFIG_HOME=" + home,
				"CONVENE_SITE=localhost", "CONVENE_TLS=internal", "CONVENE_UPSTREAM=" + addr, "CONVENE_CADDY_ADMIN=off",
				"CONVENE_HTTP_PORT=" + strconv.Itoa(httpPort), "CONVENE_HTTPS_PORT=" + strconv.Itoa(httpsPort)},
				caddy, "run", "--config", filepath.Join("..", "..", "deploy", "Caddyfile"), "--adapter", "caddyfile")
			roots := caddyRoots(t, home)
			proxyUp(t, "caddy", base, httpPort, roots, 0)
			checkBehindProxy(t, base, roots, console, password)
		})
	}
}

// selfSigned writes a certificate for localhost and its key into dir.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, roots *x509.CertPool) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	roots = x509.NewCertPool()
	roots.AddCert(cert)
	return certFile, keyFile, roots
}

func TestServeBehindNginx(t *testing.T) {
	nginx := tool(t, "nginx")
	site, err := os.ReadFile(filepath.Join("..", "..", "deploy", "nginx", "convene.conf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			httpsPort, httpPort := freePort(t), freePort(t)
			base := "https://localhost:" + strconv.Itoa(httpsPort)
			addr, console, password := serveDemo(t, engine, "--base-url", base, "--trusted-proxies", "127.0.0.1/32")
			dir := t.TempDir()
			if err := os.Chmod(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			certFile, keyFile, roots := selfSigned(t, dir)
			// The shipped site with this machine's names, ports and certificate; nothing else changed.
			conf := strings.NewReplacer("calls.example.org;", "localhost;", "server 127.0.0.1:8080;", "server "+addr+";",
				"listen 80;", "listen 127.0.0.1:"+strconv.Itoa(httpPort)+";", "listen [::]:80;", "",
				"listen 443 ssl http2;", "listen 127.0.0.1:"+strconv.Itoa(httpsPort)+" ssl http2;", "listen [::]:443 ssl http2;", "",
				"/etc/letsencrypt/live/calls.example.org/fullchain.pem", certFile,
				"/etc/letsencrypt/live/calls.example.org/privkey.pem", keyFile).Replace(string(site))
			main := fmt.Sprintf(`daemon off;
user root;
pid %[1]s/nginx.pid;
error_log stderr;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
%[2]s
}
`, dir, conf)
			confFile := filepath.Join(dir, "nginx.conf")
			if err := os.WriteFile(confFile, []byte(main), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(nginx, "-t", "-p", dir, "-c", confFile).CombinedOutput(); err != nil {
				t.Fatalf("nginx -t: %v\n%s", err, out)
			}
			startProgram(t, nil, nginx, "-p", dir, "-c", confFile)
			proxyUp(t, "nginx", base, httpPort, roots, http.StatusMovedPermanently)
			checkBehindProxy(t, base, roots, console, password)
		})
	}
}

// A real Prometheus scrapes a real Convene: it finds the target up and sees the request counter
// grow; promtool accepts the exposition.
func TestPrometheusScrapesConvene(t *testing.T) {
	prometheus, promtool := tool(t, "prometheus"), tool(t, "promtool")
	metricsAddr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	addr, _, _ := serveDemo(t, "sqlite", "--metrics-addr", metricsAddr)
	for range 3 {
		if res, err := http.Get("http://" + addr + "/c/open-gov-canada"); err == nil {
			res.Body.Close()
		}
	}
	res, err := http.Get("http://" + metricsAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	exposition, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{`convene_http_requests_total{code="200",route="GET /c/{slug}"}`, "convene_page_cache_misses_total",
		"convene_outbox_waiting", `convene_jobs{kind=`, "convene_reminders_due", "convene_build_info{commit=", "go_sql_open_connections"} {
		if !strings.Contains(string(exposition), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	check := exec.Command(promtool, "check", "metrics")
	check.Stdin = strings.NewReader(string(exposition))
	if out, err := check.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}

	dir := t.TempDir()
	config := fmt.Sprintf("global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: convene\n    static_configs:\n      - targets: ['%s']\n", metricsAddr)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	web := "127.0.0.1:" + strconv.Itoa(freePort(t))
	startProgram(t, nil, prometheus, "--config.file="+filepath.Join(dir, "prometheus.yml"), "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+web)
	query := func(q string) (float64, bool) {
		res, err := http.Get("http://" + web + "/api/v1/query?query=" + url.QueryEscape(q))
		if err != nil {
			return 0, false
		}
		defer res.Body.Close()
		var out struct {
			Data struct {
				Result []struct {
					Value []any `json:"value"`
				} `json:"result"`
			} `json:"data"`
		}
		if json.NewDecoder(res.Body).Decode(&out) != nil || len(out.Data.Result) == 0 || len(out.Data.Result[0].Value) != 2 {
			return 0, false
		}
		s, _ := out.Data.Result[0].Value[1].(string)
		v, err := strconv.ParseFloat(s, 64)
		return v, err == nil
	}
	waitFor(t, "the first scrape", func() bool { v, ok := query(`up{job="convene"}`); return ok && v == 1 })
	requests := `sum(convene_http_requests_total{route="GET /c/{slug}"})`
	var before float64
	waitFor(t, "the request counter", func() bool { v, ok := query(requests); before = v; return ok && v >= 3 })
	for range 5 {
		if res, err := http.Get("http://" + addr + "/c/open-gov-canada"); err == nil {
			res.Body.Close()
		}
	}
	waitFor(t, "the counter to grow", func() bool { v, ok := query(requests); return ok && v >= before+5 })
}
