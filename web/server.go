// Package web serves Convene's pages and JSON API over HTTP.
package web

import (
	"context"
	"errors"
	"github.com/maypok86/otter/v2"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/klauspost/compress/gzhttp"

	"github.com/opengovcall/convene"
	"github.com/opengovcall/convene/action"
	"github.com/opengovcall/convene/activitypub"
	"github.com/opengovcall/convene/metrics"
	"github.com/opengovcall/convene/notify"
	"github.com/opengovcall/convene/proxy"
	"github.com/opengovcall/convene/store"
)

// Config is what the web server needs from the command line.
type Config struct {
	BaseURL string // absolute URL the instance is reached at, e.g. https://calls.example.org
	Logger  *slog.Logger
	Clock   convene.Clock
	// JobLease is how long a claimed job stays reserved to its worker; after a crash another
	// instance takes it over once this has passed. Zero means five minutes.
	JobLease time.Duration
	// MailFrom is the sender of Convene's mail and the organizer of its invitations.
	MailFrom string
	// WakeMail, when set, is called after a request wrote mail to the outbox, so the mail worker
	// sends it now rather than at its next poll.
	WakeMail func()
	// PageCacheTTL is how long anonymous visitors may be served a public page rendered earlier;
	// 0 turns the cache off.
	PageCacheTTL time.Duration
	// PageCacheBytes bounds the memory the page cache holds; zero means 32 MiB.
	PageCacheBytes int
	// DBTimeout is how long one request may wait on the database before it is answered 503;
	// zero means ten seconds.
	DBTimeout time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For, Forwarded and
	// X-Forwarded-Proto headers say who the client is; from anyone else those headers are ignored.
	TrustedProxies proxy.Trusted
	// AccessLog, when set, takes one line per request (convene serve writes it through a
	// logbuf.Writer to its log's output); nil logs no requests.
	AccessLog *AccessLog
	// Metrics, when set, counts requests and page-cache use (see package metrics).
	Metrics *metrics.Metrics
	// SetupCode, while the instance has no administrator, is the one-time code that /setup asks
	// for to make the first one (the console shows it); empty turns the setup page off.
	SetupCode string
	// FederationAllowHTTP lets federation reach http:// addresses and private networks (a test
	// network); never for an instance on the internet.
	FederationAllowHTTP bool
	// Version is the build's version, as NodeInfo tells it.
	Version string

	asWritten bool // pages render from their templates as written, every message looked up (tests compare)
	unkept    bool // nothing is kept by stamp: every answer and fragment is made (benchmarks of a first request)
}

// Server serves one Convene instance.
type Server struct {
	store    *store.Store
	clock    convene.Clock
	log      *slog.Logger
	baseURL  *url.URL
	catalog  *Catalog
	views    *views
	sessions *scs.SessionManager
	cache    *pageCache
	mails    notify.Writer
	acts     *action.Actions // the write actions the pages and the API share
	jobs     *notify.Runner
	fed      *activitypub.Federation
	// dbTimeout bounds each request's database work.
	dbTimeout time.Duration
	feeds     feedCache
	// stampedAnswers keeps public answers made of calls by what they were made from (stamped.go).
	stampedAnswers *otter.Cache[string, stampedAnswer]
	unkept         bool // Config.unkept
	reach          reachCache
	wake           func()
	setup          *setupGate // the first-run setup page, while the instance has no administrator
	proxies        proxy.Trusted
	metrics        *metrics.Metrics
	access         *AccessLog
	handler        http.Handler
	version        string
	// apiRoutes lists the JSON API's route patterns ("GET /api/v1/…"), which the OpenAPI
	// description must cover.
	apiRoutes []string
	// pageRoutes lists every other route pattern, for tests that walk them all.
	pageRoutes []string
}

// New builds the server and parses every template, so a broken one fails at start-up.
func New(st *store.Store, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = convene.SystemClock{}
	}
	base, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, errors.New("base URL must be an absolute http(s) URL")
	}
	catalog, err := NewCatalog()
	if err != nil {
		return nil, err
	}
	v, err := loadViews(catalog)
	if err != nil {
		return nil, err
	}
	if cfg.asWritten {
		v.byLang = nil
	}
	sm := scs.New()
	sm.Store = st.Sessions()
	sm.Codec = sessionCodec{}
	sm.Lifetime = 30 * 24 * time.Hour
	sm.IdleTimeout = 7 * 24 * time.Hour
	sm.Cookie.Name = "convene_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = base.Scheme == "https"
	s := &Server{store: st, clock: cfg.Clock, log: cfg.Logger, baseURL: base, catalog: catalog, views: v, sessions: sm,
		cache: newPageCache(cfg.PageCacheTTL, cfg.PageCacheBytes), stampedAnswers: newStampedAnswers(), unkept: cfg.unkept, wake: cfg.WakeMail, dbTimeout: cfg.DBTimeout, setup: newSetupGate(cfg.SetupCode),
		proxies: cfg.TrustedProxies, metrics: cfg.Metrics, access: cfg.AccessLog}
	if s.dbTimeout <= 0 {
		s.dbTimeout = defaultDBTimeout
	}
	// A session that cannot be loaded or saved (the database stopped answering) is answered like
	// any other failure: 503 with a page that says so, not a bare 500.
	sm.ErrorFunc = s.sessionFailed
	s.mails = notify.Writer{Catalog: catalog, BaseURL: base.String()}
	s.acts = action.New(st, s.mails, cfg.WakeMail)
	if cfg.MailFrom == "" {
		cfg.MailFrom = "Convene <convene@" + base.Hostname() + ">"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s.jobs, err = notify.NewRunner(ctx, st, catalog, notify.Config{BaseURL: base.String(), Host: base.Host, MailFrom: cfg.MailFrom,
		Clock: s.clock, Log: s.log, Lease: cfg.JobLease, Wake: s.wakeMail})
	if err != nil {
		return nil, err
	}
	s.fed = activitypub.New(st, base.String(), s.clock, s.log)
	s.fed.AllowHTTP = cfg.FederationAllowHTTP
	s.jobs.Federation = s.fed
	s.version = cfg.Version
	s.handler = s.routes()
	return s, nil
}

// RunJobs does background work until ctx ends (see notify.Runner).
func (s *Server) RunJobs(ctx context.Context, interval time.Duration) { s.jobs.RunJobs(ctx, interval) }

// RunJobsOnce does one batch of due background work and returns how many jobs it did.
func (s *Server) RunJobsOnce(ctx context.Context) (int, error) { return s.jobs.RunJobsOnce(ctx) }

// Catalog is the server's message catalog, for tests that check nothing went untranslated.
func (s *Server) Catalog() *Catalog { return s.catalog }

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern string, h func(http.ResponseWriter, *http.Request) error) {
		s.pageRoutes = append(s.pageRoutes, pattern)
		mux.Handle(pattern, named(pattern, s.page(h)))
	}
	mux.Handle("GET /healthz", named("GET /healthz", http.HandlerFunc(s.healthz)))
	mux.Handle("GET /readyz", named("GET /readyz", http.HandlerFunc(s.readyz)))
	mux.Handle("GET /static/", named("GET /static/", s.views.static()))

	handle("GET /{$}", s.cached(s.home))
	handle("GET /signin", s.signIn)
	handle("POST /signin", s.signIn)
	handle("POST /signin/link", s.signInLink)
	handle("GET /signup", s.signUp)
	handle("POST /signup", s.signUp)
	handle("GET /auth/{token}", s.authLink)
	handle("POST /auth/{token}", s.authLink)
	handle("GET /calls/{id}", s.callRedirect)
	handle("POST /signout", s.signOut)
	handle("GET /lang/{lang}", s.setLanguage)
	handle("POST /prefs/zone", s.setZone)

	handle("GET /setup", s.setupPage)
	handle("POST /setup", s.setupPage)
	handle("GET /communities/new", s.communityForm)
	handle("POST /communities/new", s.communityForm)
	handle("GET /c/{slug}", s.negotiated(s.cached(s.communityPage), s.apGroup))
	handle("GET /c/{slug}/edit", s.communityForm)
	handle("GET /c/{slug}/images/{file}", s.image)
	handle("GET /c/{slug}/translate", s.translatePage)
	handle("GET /c/{slug}/translate/{kind}/{id}", s.translateTextPage)
	handle("POST /c/{slug}/translate/{kind}/{id}", s.postTranslateText)
	handle("POST /c/{slug}/edit", s.communityForm)

	handle("GET /c/{slug}/series/new", s.seriesForm)
	handle("POST /c/{slug}/series/new", s.seriesForm)
	handle("GET /c/{slug}/series/{id}", s.cached(s.seriesPage))
	handle("GET /c/{slug}/series/{id}/edit", s.seriesForm)
	handle("POST /c/{slug}/series/{id}/edit", s.seriesForm)
	handle("GET /c/{slug}/series/{id}/seasons/new", s.seasonForm)
	handle("POST /c/{slug}/series/{id}/seasons/new", s.seasonForm)
	handle("GET /c/{slug}/series/{id}/seasons/{season}/edit", s.seasonForm)
	handle("POST /c/{slug}/series/{id}/seasons/{season}/edit", s.seasonForm)
	handle("POST /c/{slug}/series/{id}/seasons/{season}/pause", s.pauseSeason)
	handle("POST /c/{slug}/series/{id}/seasons/{season}/resume", s.pauseSeason)
	handle("GET /c/{slug}/series/{id}/calls/new", s.callForm)
	handle("POST /c/{slug}/series/{id}/calls/new", s.callForm)
	handle("GET /c/{slug}/series/{id}/joinkit", s.joinKitForm)
	handle("POST /c/{slug}/series/{id}/joinkit", s.joinKitForm)
	handle("POST /c/{slug}/series/{id}/join-visibility", s.seriesJoinVisibility)

	handle("GET /c/{slug}/calls/{id}", s.negotiated(s.cached(s.callPage), s.apObject("call")))
	handle("GET /c/{slug}/calls/{id}/calendar.ics", s.communityFeed)
	handle("GET /c/{slug}/series/{id}/calendar.ics", s.communityFeed)
	handle("GET /c/{slug}/calendar.ics", s.communityFeed)
	handle("GET /feeds/{token}/calendar.ics", s.personalFeed)
	handle("POST /me/feed", s.personalFeedToken)
	handle("GET /admin/jobs", s.jobsPage)
	handle("POST /admin/jobs/retry", s.jobsPage)
	handle("POST /me/feed/delete", s.personalFeedToken)
	handle("GET /c/{slug}/calls/{id}/edit", s.callForm)
	handle("POST /c/{slug}/calls/{id}/edit", s.callForm)
	handle("GET /c/{slug}/calls/{id}/joinkit", s.joinKitForm)
	handle("POST /c/{slug}/calls/{id}/joinkit", s.joinKitForm)
	handle("POST /c/{slug}/calls/{id}/joinkit/delete", s.deleteCallJoinKit)
	handle("GET /c/{slug}/calls/{id}/agenda/new", s.agendaForm)
	handle("POST /c/{slug}/calls/{id}/agenda/new", s.agendaForm)
	handle("GET /c/{slug}/calls/{id}/agenda/{item}/edit", s.agendaForm)
	handle("POST /c/{slug}/calls/{id}/agenda/{item}/edit", s.agendaForm)
	handle("POST /c/{slug}/calls/{id}/agenda/{item}/{action}", s.agendaAction)
	handle("POST /c/{slug}/calls/{id}/register", s.register)
	handle("GET /c/{slug}/calls/{id}/announcement", s.announce)
	handle("POST /c/{slug}/calls/{id}/announcement", s.announce)
	handle("POST /c/{slug}/calls/{id}/cancel-registration", s.cancelRegistration)
	handle("POST /c/{slug}/calls/{id}/accommodation", s.accommodation)
	handle("GET /c/{slug}/calls/{id}/registrations", s.registrations)
	handle("GET /c/{slug}/calls/{id}/registrations.csv", s.registrations)
	handle("GET /unsubscribe/{token}", s.unsubscribe)
	handle("POST /unsubscribe/{token}", s.unsubscribe)
	handle("POST /c/{slug}/series/{id}/subscribe", s.subscription)
	handle("POST /c/{slug}/series/{id}/unsubscribe", s.subscription)
	handle("GET /c/{slug}/series/{id}/questions", s.questions)
	handle("POST /c/{slug}/series/{id}/questions", s.questions)

	api := func(pattern string, h func(http.ResponseWriter, *http.Request) error) {
		s.apiRoutes = append(s.apiRoutes, pattern)
		mux.Handle(pattern, named(pattern, s.apiHandler(h)))
	}
	api("GET /api/v1/communities", s.apiCommunities)
	api("GET /api/v1/communities/{slug}", s.apiCommunity)
	api("GET /api/v1/communities/{slug}/calls", s.cached(s.apiCalls, "from", "to", "limit"))
	api("GET /api/v1/calls/{id}", s.cached(s.apiCall))
	api("POST /api/v1/calls/{id}/registrations", s.apiRegistration)
	api("DELETE /api/v1/calls/{id}/registrations", s.apiRegistration)
	s.peopleRoutes(handle, api)
	s.searchRoutes(handle, api)
	s.initiativeRoutes(handle, api)
	s.eventRoutes(handle, api)
	s.minutesRoutes(handle, api)
	s.commentRoutes(handle, api)
	s.topicRoutes(handle, api)
	s.surveyRoutes(handle, api)
	s.reachRoutes(handle, api)
	s.attendanceRoutes(handle, api)
	s.federationRoutes(mux, handle)
	api("GET /api/v1/openapi.json", s.openAPI)
	api("/api/", func(http.ResponseWriter, *http.Request) error { return convene.NotFound("api.not_found") })
	handle("/", func(http.ResponseWriter, *http.Request) error { return convene.NotFound("page.not_found") })

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAPI(r) {
			s.refuse(w, r, convene.Errorf(convene.EFORBIDDEN, "error.cross_origin", nil), http.StatusForbidden)
			return
		}
		s.renderError(w, r, convene.Errorf(convene.EFORBIDDEN, "error.cross_origin", nil))
	}))
	// The one-click unsubscribe POST comes from mail providers' servers; the signed link it
	// carries is its only authority, and it can only stop mail.
	cop.AddInsecureBypassPattern("POST /unsubscribe/{token}")
	// Other servers deliver to the inboxes; the HTTP signature is their authority.
	cop.AddInsecureBypassPattern("POST /inbox")
	cop.AddInsecureBypassPattern("POST /c/{slug}/inbox")
	gzip, err := gzhttp.NewWrapper(gzhttp.MinSize(1024), gzhttp.SuffixETag(gzipETagSuffix))
	if err != nil {
		panic(err) // the options are constants
	}
	app := s.invalidating(s.sessions.LoadAndSave(s.withViewer(mux)))
	return s.observe(s.recoverPanics(gzip(securityHeaders(s.guard(s.apiCORS(cop.Handler(app), app))))))
}

// gzipETagSuffix marks the ETag of a compressed response, which must differ from the plain one's;
// etagMatch reads it back.
const gzipETagSuffix = "-gzip"

// sessionFailed answers a session that could not be loaded or saved (the database stopped
// answering) like any other failure, with a page that says so. A failure to save comes once the
// handler's answer is under way, so it is only logged (the visitor keeps their old session); a
// client that went away is no failure at all.
func (s *Server) sessionFailed(w http.ResponseWriter, r *http.Request, err error) {
	info := infoOf(r)
	switch {
	case clientGone(r, err):
		s.log.Debug("client went away", "method", r.Method, "path", logPath(r), "err", err)
	case info != nil && info.sessionLoaded:
		s.log.Warn("session not saved", "method", r.Method, "path", logPath(r), "err", err)
	default:
		s.renderError(w, r, err)
	}
}

// readyz answers 200 only when the instance can do its work: the database answers, its schema is
// this binary's, and the background jobs ran recently. /healthz only says the process is alive.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	var problems []string
	if err := s.store.Ping(ctx); err != nil {
		problems = append(problems, "database: not answering")
	} else if current, err := s.store.SchemaCurrent(ctx); err != nil || !current {
		problems = append(problems, "database: schema not up to date (run convene migrate)")
	}
	if last := s.jobs.LastRun(); last.IsZero() || time.Since(last) > jobsStale {
		problems = append(problems, "background jobs: not run in the last "+jobsStale.String())
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if len(problems) > 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(strings.Join(problems, "\n") + "\n"))
		return
	}
	w.Write([]byte("ready\n"))
}

// jobsStale is how long the background jobs may go without a run before the instance says it is
// not ready: they run every few seconds while the server runs.
const jobsStale = 2 * time.Minute

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Error("health check", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// securityHeaders sets the headers every response carries: no framing, no sniffing, no inline script.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range securityHeaderValues {
			h[k] = v // shared and never changed: a value's slice is full, so an Add copies it
		}
		next.ServeHTTP(w, r)
	})
}

// securityHeaderValues are the headers every answer carries, their keys canonical.
var securityHeaderValues = map[string][]string{
	"Content-Security-Policy": {"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
	"X-Content-Type-Options":  {"nosniff"},
	"Referrer-Policy":         {"strict-origin-when-cross-origin"},
	"X-Frame-Options":         {"DENY"},
}

// statusOf maps an application error code to its HTTP status.
func statusOf(err error) int {
	switch convene.ErrorCode(err) {
	case convene.EINVALID:
		return http.StatusUnprocessableEntity
	case convene.ENOTFOUND:
		return http.StatusNotFound
	case convene.ECONFLICT:
		return http.StatusConflict
	case convene.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case convene.EFORBIDDEN:
		return http.StatusForbidden
	case convene.ETOOMANY:
		return http.StatusTooManyRequests
	case convene.EBADREQUEST:
		return http.StatusBadRequest
	case convene.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// noteFailure logs a request that failed on Convene's side: internal errors as errors, a database
// that did not answer in time as a warning, telling the client when to try again. What users did
// wrong is not logged.
func (s *Server) noteFailure(w http.ResponseWriter, r *http.Request, status int, err error) {
	switch status {
	case http.StatusInternalServerError:
		s.log.Error("request failed", "method", r.Method, "path", logPath(r), "err", err)
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "10")
		s.log.Warn("database did not answer in time", "method", r.Method, "path", logPath(r), "err", err)
	}
}

// wakeMail tells the mail worker there is mail to send.
func (s *Server) wakeMail() {
	if s.wake != nil {
		s.wake()
	}
}

// absURL turns a path into an absolute URL on this instance.
func (s *Server) absURL(path string) string { return s.baseURL.String() + path }

// logPath is a request's path as logs may show it: the secrets some addresses carry (emailed
// links, personal feeds) are replaced, so logs never hold a working credential.
func logPath(r *http.Request) string {
	p := r.URL.Path
	for _, prefix := range []string{"/auth/", "/feeds/", "/s/", "/unsubscribe/"} {
		if strings.HasPrefix(p, prefix) {
			return prefix + "…"
		}
	}
	return p
}
