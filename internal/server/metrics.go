package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coveredtool/covered/internal/store"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus series: request counts and
// latencies by route, and the inventory's open findings, read from the
// store at scrape time.
type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry, st *store.Store) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "covered_http_requests_total", Help: "HTTP requests by route pattern and status code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "covered_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.latency, &inventoryCollector{st: st},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// inventoryCollector reports the open covered and suspected findings.
type inventoryCollector struct{ st *store.Store }

var openFindingsDesc = prometheus.NewDesc("covered_open_findings", "Open findings by covered entity and status.", []string{"entity", "status"}, nil)

func (c *inventoryCollector) Describe(ch chan<- *prometheus.Desc) { ch <- openFindingsDesc }

func (c *inventoryCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, err := c.st.OpenFindingCounts(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(openFindingsDesc, err)
		return
	}
	byEntity := map[[2]string]int{}
	for _, fc := range counts {
		byEntity[[2]string{fc.Entity, string(fc.Status)}] += fc.N
	}
	for k, n := range byEntity {
		ch <- prometheus.MustNewConstMetric(openFindingsDesc, prometheus.GaugeValue, float64(n), k[0], k[1])
	}
}

func (s *Server) metricsHandler() http.Handler {
	return promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{ErrorLog: nil})
}

// metricsRoute serves /metrics on the main listener: public only when
// configured so, otherwise to an API token or session with the viewer role.
func (s *Server) metricsRoute(w http.ResponseWriter, r *http.Request, p *principal) error {
	if !s.cfg.MetricsPublic && p == nil {
		return errUnauthenticated
	}
	s.metricsHandler().ServeHTTP(w, r)
	return nil
}

// statusWriter records the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe sets the security headers of every response, and logs and
// measures every request by its route pattern (never by raw path, so that
// ids do not explode the series).
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h := w.Header()
		// No inline script or style, nothing from elsewhere: the dashboard
		// works air-gapped and an injected tag cannot run.
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v)
				if sw.code == 0 {
					http.Error(sw, "internal error", http.StatusInternalServerError)
				}
			}
			route := r.Pattern
			if route == "" || route == "/" {
				route = "other"
			}
			route = strings.TrimPrefix(route, r.Method+" ")
			code := sw.code
			if code == 0 {
				code = http.StatusOK
			}
			d := time.Since(start)
			s.metrics.requests.WithLabelValues(route, strconv.Itoa(code)).Inc()
			s.metrics.latency.WithLabelValues(route).Observe(d.Seconds())
			s.log.Info("request", "method", r.Method, "route", route, "path", r.URL.Path, "status", code,
				"ms", float64(d.Microseconds())/1000, "remote", clientAddr(r))
		}()
		next.ServeHTTP(sw, r)
	})
}
