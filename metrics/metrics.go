// Package metrics is what Convene tells Prometheus: requests by route pattern (never the raw
// path, which may carry a token) and status with their latency, page-cache hits and misses,
// background jobs by kind and state, the outbox's depth and the age of its oldest mail, mails
// sent and failed, reminders due, the database pool and the build. It is served on a listener of
// its own (convene serve --metrics-addr), away from the public site.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/opengovcall/convene/store"
)

// Build names the running binary.
type Build struct {
	Version, Commit string
}

// Metrics holds an instance's collectors in a registry of its own.
type Metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	cacheHits   prometheus.Counter
	cacheMisses prometheus.Counter
	mailSent    prometheus.Counter
	mailFailed  prometheus.Counter
}

// New makes the collectors for an instance over its store; with no store (a benchmark of what
// counting a request costs), only those of requests, the page cache, mail and the build.
func New(st *store.Store, build Build) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "convene_http_requests_total",
		Help: "HTTP requests answered, by route pattern and status code."}, []string{"route", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "convene_http_request_duration_seconds",
		Help:    "How long requests took to answer, by route pattern.",
		Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}}, []string{"route"})
	m.cacheHits = prometheus.NewCounter(prometheus.CounterOpts{Name: "convene_page_cache_hits_total",
		Help: "Public pages served to anonymous visitors from the page cache."})
	m.cacheMisses = prometheus.NewCounter(prometheus.CounterOpts{Name: "convene_page_cache_misses_total",
		Help: "Public pages rendered for anonymous visitors because the cache did not hold them."})
	m.mailSent = prometheus.NewCounter(prometheus.CounterOpts{Name: "convene_mail_sent_total", Help: "Mails handed to the mail server."})
	m.mailFailed = prometheus.NewCounter(prometheus.CounterOpts{Name: "convene_mail_failed_total",
		Help: "Attempts to send a mail that failed (each is retried later)."})
	info := prometheus.NewGauge(prometheus.GaugeOpts{Name: "convene_build_info", Help: "The running build: always 1, labelled with its version and commit.",
		ConstLabels: prometheus.Labels{"version": build.Version, "commit": build.Commit}})
	info.Set(1)
	m.reg.MustRegister(m.requests, m.latency, m.cacheHits, m.cacheMisses, m.mailSent, m.mailFailed, info,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if st != nil {
		m.reg.MustRegister(collectors.NewDBStatsCollector(st.DB(), st.Engine()), &storeCollector{st: st})
	}
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, Timeout: 10 * time.Second})
}

// ObserveRequest counts one answered request.
func (m *Metrics) ObserveRequest(route string, status int, took time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(took.Seconds())
}

// PageCache counts a page-cache lookup.
func (m *Metrics) PageCache(hit bool) {
	if hit {
		m.cacheHits.Inc()
	} else {
		m.cacheMisses.Inc()
	}
}

// MailDelivered counts the mails one pass of the mail worker sent and failed to send.
func (m *Metrics) MailDelivered(sent, failed int) {
	m.mailSent.Add(float64(sent))
	m.mailFailed.Add(float64(failed))
}

// storeCollector reads the jobs and the outbox from the database at each scrape.
type storeCollector struct{ st *store.Store }

var (
	jobsDesc = prometheus.NewDesc("convene_jobs", "Background jobs by kind and state (pending, due, failing, given_up, done).",
		[]string{"kind", "state"}, nil)
	outboxDesc = prometheus.NewDesc("convene_outbox_waiting", "Mails written but not sent yet.", nil, nil)
	oldestDesc = prometheus.NewDesc("convene_outbox_oldest_unsent_age_seconds",
		"How long the oldest mail not sent yet has waited; 0 when none waits.", nil, nil)
	remindersDesc = prometheus.NewDesc("convene_reminders_due", "Reminders whose time has come but that have not been sent.", nil, nil)
	scrapeDesc    = prometheus.NewDesc("convene_store_scrape_error", "1 when the database could not be read for these figures.", nil, nil)
)

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{jobsDesc, outboxDesc, oldestDesc, remindersDesc, scrapeDesc} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ops, err := c.st.Ops(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(scrapeDesc, prometheus.GaugeValue, 1)
		return
	}
	ch <- prometheus.MustNewConstMetric(scrapeDesc, prometheus.GaugeValue, 0)
	for k, n := range ops.Jobs {
		ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(n), k[0], k[1])
	}
	ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, float64(ops.OutboxWaiting))
	age := 0.0
	if !ops.OldestUnsent.IsZero() {
		age = max(0, time.Since(ops.OldestUnsent).Seconds())
	}
	ch <- prometheus.MustNewConstMetric(oldestDesc, prometheus.GaugeValue, age)
	ch <- prometheus.MustNewConstMetric(remindersDesc, prometheus.GaugeValue, float64(ops.RemindersDue))
}
