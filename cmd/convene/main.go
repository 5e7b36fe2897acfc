// Command convene runs a Convene instance: the web server, its database migrations, the demo
// community and account administration.
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/demo"
	"github.com/opengovcall/convene/internal/logbuf"
	"github.com/opengovcall/convene/mail"
	"github.com/opengovcall/convene/metrics"
	"github.com/opengovcall/convene/proxy"
	"github.com/opengovcall/convene/store"
	"github.com/opengovcall/convene/web"
)

const usage = `Convene runs a recurring community call that grows a movement.

Usage:
  convene <command> [flags]

Commands:
  serve     run the web server (add --demo to load the demo community into an empty database)
  migrate   bring the database schema up to date
  demo      load the demo community into a database
  user      manage accounts: convene user create --email … --name … [--admin], or user promote --email …
  jobs      background work and mail: status (default), retry, run
  attendance  record a held call's attendance: convene attendance import --call ID FILE
  backup    copy the database to a file while the server runs: convene backup --db … FILE
  restore   bring a backup back into an empty database: convene restore --db … FILE
  copy      move an instance from SQLite to PostgreSQL: convene copy --from FILE --to postgres://…
  version   print the version

Run "convene <command> --help" for a command's flags. Every flag can also be set with an
environment variable, named in its help (e.g. CONVENE_DB).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "convene:", err)
		}
		os.Exit(2)
	}
}

// run dispatches a command; main's only job is to turn its error into an exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return errors.New("no command given")
		}
		return nil
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr)
	case "migrate":
		return migrate(ctx, args[1:], stdout, stderr)
	case "demo":
		return loadDemo(ctx, args[1:], stdout, stderr)
	case "user":
		return user(ctx, args[1:], stdin, stdout, stderr)
	case "jobs":
		return jobs(ctx, args[1:], stdout, stderr)
	case "attendance":
		return attendance(ctx, args[1:], stdin, stdout, stderr)
	case "backup":
		return backupCmd(ctx, args[1:], stdout, stderr)
	case "restore":
		return restoreCmd(ctx, args[1:], stdout, stderr)
	case "copy":
		return copyCmd(ctx, args[1:], stdout, stderr)
	case "version":
		return versionCmd(args[1:], stdout, stderr)
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// env reads a CONVENE_* variable with a default, for flags' fallbacks.
func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func newFlagSet(name, summary string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: convene %s [flags]\n\n%s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
	}
	return fs
}

// dbFlag adds --db to a command.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", env("CONVENE_DB", "convene.db"), "SQLite file path, or a postgres:// URL (env CONVENE_DB)")
}

// openStore opens and migrates the database, explaining a bad --db clearly.
func openStore(ctx context.Context, dsn string, clock convene.Clock) (*store.Store, error) {
	dsn = strings.TrimSpace(dsn)
	if dsn == "" {
		return nil, errors.New("--db is empty: give a SQLite file path or a postgres:// URL")
	}
	if strings.Contains(dsn, "://") && !store.IsPostgres(dsn) {
		return nil, fmt.Errorf("--db %q: only SQLite file paths and postgres:// URLs are supported", redact(dsn))
	}
	st, err := store.Open(ctx, dsn, clock)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", redact(dsn), err)
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// redact hides the secrets of a database URL before it is printed: a password in user:pass@ and
// in the query (password=, sslpassword=, and libpq's other secret parameters). A URL that does not
// parse is not printed at all.
func redact(dsn string) string {
	if !strings.Contains(dsn, "://") {
		return dsn // a SQLite file path
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "(a database URL that does not parse)"
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	if u.RawQuery != "" {
		q := u.Query()
		for name := range q {
			switch strings.ToLower(name) {
			case "password", "sslpassword", "passfile", "sslkey":
				q.Set(name, "xxxxx")
			}
		}
		u.RawQuery = q.Encode()
	}
	return u.String()
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", "Run the web server until interrupted (SIGINT or SIGTERM), then finish the requests in flight.", stderr)
	addr := fs.String("addr", env("CONVENE_ADDR", "127.0.0.1:8080"), "address to listen on, host:port (env CONVENE_ADDR)")
	db := dbFlag(fs)
	baseURL := fs.String("base-url", env("CONVENE_BASE_URL", ""), "absolute URL people reach this instance at; default http://ADDR (env CONVENE_BASE_URL)")
	withDemo := fs.Bool("demo", env("CONVENE_DEMO", "") == "true", "load the demo community if the database is empty (env CONVENE_DEMO=true)")
	mailCfg := mailFlags(fs)
	jobLease := fs.Duration("job-lease", 5*time.Minute, "how long background work claimed by an instance stays reserved; after a crash, another instance takes it over then")
	pageCache := fs.String("page-cache", env("CONVENE_PAGE_CACHE", "2s"), "how long anonymous visitors may get a public page rendered earlier; 0 turns it off (env CONVENE_PAGE_CACHE)")
	dbTimeout := fs.String("db-timeout", env("CONVENE_DB_TIMEOUT", "10s"), "how long one request may wait on the database before it is answered 503 (env CONVENE_DB_TIMEOUT)")
	trusted := fs.String("trusted-proxies", env("CONVENE_TRUSTED_PROXIES", ""), "comma-separated networks (CIDR) of the reverse proxies in front of Convene, e.g. 127.0.0.1/32; only their X-Forwarded-For, Forwarded and X-Forwarded-Proto are believed (env CONVENE_TRUSTED_PROXIES)")
	metricsAddr := fs.String("metrics-addr", env("CONVENE_METRICS_ADDR", ""), "host:port of a separate listener serving /metrics for Prometheus, e.g. 127.0.0.1:9090; off when empty (env CONVENE_METRICS_ADDR)")
	logFormat := fs.String("log-format", env("CONVENE_LOG_FORMAT", "text"), "text or json (env CONVENE_LOG_FORMAT)")
	logLevel := fs.String("log-level", env("CONVENE_LOG_LEVEL", "info"), "debug, info, warn or error (env CONVENE_LOG_LEVEL)")
	allowHTTP := fs.Bool("federation-allow-http", env("CONVENE_FEDERATION_ALLOW_HTTP", "") == "true",
		"let federation reach http:// servers and private and loopback addresses, for a test network; never on the internet (env CONVENE_FEDERATION_ALLOW_HTTP=true)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	proxies, err := proxy.Parse(*trusted)
	if err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	if *metricsAddr != "" {
		if _, port, err := net.SplitHostPort(*metricsAddr); err != nil || port == "" {
			return fmt.Errorf("--metrics-addr %q: want host:port, e.g. 127.0.0.1:9090", *metricsAddr)
		}
	}
	logger, err := newLogger(stderr, *logFormat, *logLevel)
	if err != nil {
		return err
	}
	// One line per request at info level, written out in batches (at most a fifth of a second
	// late): a write per request would cost more than serving a cached page.
	var accessLog *web.AccessLog
	if logger.Enabled(ctx, slog.LevelInfo) {
		accessOut := logbuf.New(stderr, 200*time.Millisecond)
		defer accessOut.Close()
		accessLog = web.NewAccessLog(accessOut, *logFormat)
	}
	requestDBTimeout, err := time.ParseDuration(*dbTimeout)
	if err != nil || requestDBTimeout < 100*time.Millisecond || requestDBTimeout > 10*time.Minute {
		return fmt.Errorf("--db-timeout %q: want a duration from 100ms to 10m, such as 10s", *dbTimeout)
	}
	cacheTTL, err := time.ParseDuration(*pageCache)
	if err != nil || cacheTTL < 0 || cacheTTL > time.Hour {
		return fmt.Errorf("--page-cache %q: want a duration from 0 to 1h, such as 2s", *pageCache)
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil || port == "" {
		return fmt.Errorf("--addr %q: want host:port, e.g. 127.0.0.1:8080", *addr)
	}
	if *baseURL == "" {
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "localhost"
		}
		*baseURL = "http://" + net.JoinHostPort(host, port)
	}
	if u, err := url.Parse(*baseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--base-url %q: want an absolute http(s) URL such as https://calls.example.org", *baseURL)
	}
	clock := convene.SystemClock{}
	sender, err := mailCfg.sender(logger)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, *db, clock)
	if err != nil {
		return err
	}
	defer st.Close()
	if *withDemo {
		if err := demoIfEmpty(ctx, st, clock, stdout); err != nil {
			return err
		}
	}
	setupCode, err := firstRunCode(ctx, st, *baseURL, stdout)
	if err != nil {
		return err
	}
	worker := mail.NewWorker(st, sender, logger, clock)
	worker.Lease = max(*jobLease/2, time.Second)
	var m *metrics.Metrics
	if *metricsAddr != "" {
		v, commit, _ := buildInfo()
		m = metrics.New(st, metrics.Build{Version: v, Commit: commit})
		worker.Delivered = m.MailDelivered
	}
	version, _, _ := buildInfo()
	srv, err := web.New(st, web.Config{BaseURL: *baseURL, Logger: logger, Clock: clock, PageCacheTTL: cacheTTL, DBTimeout: requestDBTimeout, WakeMail: worker.Wake,
		MailFrom: *mailCfg.from, JobLease: *jobLease, SetupCode: setupCode, TrustedProxies: proxies, Metrics: m, AccessLog: accessLog,
		FederationAllowHTTP: *allowHTTP, Version: version})
	if err != nil {
		return err
	}
	// Every community is an ActivityPub actor with its own key pair: those made before federation
	// get theirs now, before anyone asks for them.
	if made, err := st.EnsureCommunityKeys(ctx); err != nil {
		return err
	} else if made > 0 {
		logger.Info("federation keys made", "communities", made)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	if m != nil {
		mln, err := net.Listen("tcp", *metricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("--metrics-addr: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", m.Handler())
		ms := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go ms.Serve(mln)
		defer ms.Close()
		logger.Info("metrics are served", "listen", mln.Addr().String()+"/metrics")
	}
	hs := &http.Server{Handler: srv, MaxHeaderBytes: web.MaxHeaderBytes, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	workerDone, jobsDone, sweepDone := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() { sweep(ctx, st, logger); close(sweepDone) }()
	go func() { worker.Run(ctx); close(workerDone) }()
	go func() { srv.RunJobs(ctx, 5*time.Second); close(jobsDone) }()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	logger.Info("convene is serving", "url", *baseURL, "listen", ln.Addr().String(), "database", st.Engine(), "version", buildVersion(),
		"trusted_proxies", proxies.String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = hs.Shutdown(shutdownCtx)
	<-workerDone // mail in flight is marked before the database closes
	<-jobsDone
	<-sweepDone // a refresh of reach summaries ends with its transaction, before the database closes
	return err
}

// newLogger writes logs as text or JSON lines, from the given level up.
func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
}

// sweep removes expired sessions and old sign-in attempts, and brings reach summaries up to date,
// at start and every hour.
func sweep(ctx context.Context, st *store.Store, logger *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if err := st.DeleteExpired(ctx); err != nil && ctx.Err() == nil {
			logger.Error("sweep expired sessions", "err", err)
		}
		// Reach summaries are refreshed by the next report anyway; doing it here too means the
		// first report after an upgrade, or after a quiet spell of registrations, finds them ready.
		if cs, err := st.Communities(ctx); err == nil {
			for _, c := range cs {
				start := time.Now()
				if ctx.Err() != nil {
					return
				}
				if err := st.RefreshReach(ctx, c.ID); err != nil && ctx.Err() == nil {
					logger.Error("refresh reach summaries", "community", c.Slug, "err", err)
				} else if d := time.Since(start); d > time.Second {
					logger.Info("refreshed reach summaries", "community", c.Slug, "took", d.Round(time.Millisecond))
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// demoIfEmpty loads the demo community with a fresh organizer password, printed once.
func demoIfEmpty(ctx context.Context, st *store.Store, clock convene.Clock, stdout io.Writer) error {
	n, err := st.CountCommunities(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintln(stdout, "The database already holds communities, so the demo was not loaded again (start from a new --db file to reload it).")
		return nil
	}
	password := randomPassword()
	res, err := demo.Load(ctx, st, clock, password)
	if err != nil {
		return fmt.Errorf("load demo: %w", err)
	}
	fmt.Fprintf(stdout, "Loaded the demo community %q with %d calls.\nSign in as organizer: %s / %s\n",
		res.Community.Name, res.Calls, demo.OrganizerEmail, password)
	return nil
}

func randomPassword() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate", "Bring the database schema up to date. serve does this too at start.", stderr)
	db := dbFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := openStore(ctx, *db, convene.SystemClock{})
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(stdout, "The %s database is up to date.\n", st.Engine())
	return nil
}

func loadDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", "Load the demo community (Canada's open government community call) into a database.", stderr)
	db := dbFlag(fs)
	password := fs.String("organizer-password", env("CONVENE_DEMO_PASSWORD", ""), "also create the demo organizer "+demo.OrganizerEmail+" with this password (env CONVENE_DEMO_PASSWORD)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := openStore(ctx, *db, convene.SystemClock{})
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := demo.Load(ctx, st, convene.SystemClock{}, *password)
	if convene.ErrorCode(err) == convene.ECONFLICT {
		return errors.New("the demo community (or its organizer) is already in this database")
	} else if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Loaded %q: %d calls, the reboot call is /c/%s/calls/%d.\n", res.Community.Name, res.Calls, demo.Slug, res.RebootID)
	return nil
}

func readLine(r io.Reader) (string, error) {
	var b strings.Builder
	buf := make([]byte, 1)
	for {
		n, err := r.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				break
			}
			b.WriteByte(buf[0])
		}
		if err != nil {
			break
		}
	}
	return strings.TrimRight(b.String(), "\r"), nil
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
