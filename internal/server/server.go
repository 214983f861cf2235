// Package server is `covered serve`: the REST API under /api/v1 and the
// dashboard over the inventory store, with accounts, sessions, API tokens
// and the list of ranges an administrator allows scans of.
//
// Everything a route needs to know about itself (method, pattern, the role
// it requires, whether it is part of the API) is in one table (routes.go),
// so that registration, the authorization check and the tests that walk
// every route — unauthenticated and under-privileged requests refused, the
// OpenAPI document matching the handlers — cannot drift apart.
//
// The server does not scan or render reports itself: the command that
// starts it passes those operations in (Config.Scan, Config.Report), so
// this package depends on the store and nothing heavier.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/coveredtool/covered/internal/auth"
	"github.com/coveredtool/covered/internal/store"
	"github.com/prometheus/client_golang/prometheus"
)

// ScanRequest is a scan a user started from the web.
type ScanRequest struct {
	Targets []string // addresses, CIDRs and ranges, all inside the allowed ranges
	Site    string
	Actor   string // the user name, recorded as the run's user
}

// ReportRequest is a report download.
type ReportRequest struct {
	Kind, Format string // as `covered report --kind --format`
	Site         string
	Run          int64 // 0: every run
}

// Config is what New needs. Store is required; Scan and Report may be nil,
// which disables those routes (they answer 501).
type Config struct {
	Store  *store.Store
	Logger *slog.Logger
	// Scan prepares a scan: it records the run (BeginRun) and returns its
	// id and the scan itself, which the server runs in the background and
	// waits for on Close. ctx is the server's lifetime, not the request's.
	Scan func(ctx context.Context, req ScanRequest) (runID int64, run func(), err error)
	// Report writes a report to w and returns its content type and file
	// name.
	Report func(ctx context.Context, req ReportRequest, w io.Writer) (contentType, filename string, err error)
	// Version is shown in the dashboard and /healthz.
	Version string
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// OwnAddrs are the server's own addresses, which scans may target only
	// when an allowed range names them explicitly. Nil: the interfaces'.
	OwnAddrs []netip.Addr
	// MetricsPublic serves /metrics without a token; set when metrics have
	// their own loopback listener (--metrics-listen) and the main handler
	// does not serve them.
	MetricsPublic bool
	// SecureCookies marks session cookies Secure (true in production;
	// browsers accept Secure cookies on loopback without TLS).
	SecureCookies bool
}

// Server is the HTTP handler of `covered serve`.
type Server struct {
	cfg     Config
	st      *store.Store
	log     *slog.Logger
	now     func() time.Time
	mux     *http.ServeMux
	logins  *auth.Limiter // per client address and per user name
	metrics *metrics
	reg     *prometheus.Registry
	counts  countCache

	// ctx is the server's lifetime: background scans run under it.
	ctx    context.Context
	cancel context.CancelFunc
	bgMu   sync.Mutex // guards closed and wg.Add against Close's Wait
	closed bool
	wg     sync.WaitGroup
}

// Session lifetimes: an idle session ends after sessionIdle, any session
// after sessionMax.
const (
	sessionIdle = 12 * time.Hour
	sessionMax  = 7 * 24 * time.Hour
)

// New builds the server over cfg.Store.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("server: no store")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.OwnAddrs == nil {
		cfg.OwnAddrs = interfaceAddrs()
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		cfg: cfg, st: cfg.Store, log: cfg.Logger, now: cfg.Now, mux: http.NewServeMux(),
		// Ten attempts, then one every 30 s, per address and per name.
		logins: auth.NewLimiter(10, 30*time.Second, 10_000),
		reg:    prometheus.NewRegistry(),
		ctx:    ctx, cancel: cancel,
	}
	s.metrics = newMetrics(s.reg, s.st)
	if err := s.register(); err != nil {
		cancel()
		return nil, err
	}
	return s, nil
}

// Handler is the server's handler with every middleware applied.
func (s *Server) Handler() http.Handler { return s.observe(s.mux) }

// MetricsHandler serves the Prometheus metrics alone, for --metrics-listen.
func (s *Server) MetricsHandler() http.Handler { return s.metricsHandler() }

// Close stops background scans and waits for them to record their end.
func (s *Server) Close() error {
	s.bgMu.Lock()
	s.closed = true
	s.bgMu.Unlock()
	s.cancel()
	s.wg.Wait()
	return nil
}

// background runs fn until it returns, and Close waits for it; after Close
// it refuses.
func (s *Server) background(fn func()) error {
	s.bgMu.Lock()
	defer s.bgMu.Unlock()
	if s.closed {
		return &httpError{http.StatusServiceUnavailable, "the server is shutting down"}
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		fn()
	}()
	return nil
}

// Listener is one address to serve on.
type Listener struct {
	Addr    string
	Handler http.Handler
	TLS     *tls.Config // nil: plain HTTP
}

// Serve serves every listener until ctx ends, then shuts them down
// gracefully: in-flight requests get shutdownGrace to finish.
func Serve(ctx context.Context, log *slog.Logger, ls ...Listener) error {
	const shutdownGrace = 10 * time.Second
	errc := make(chan error, len(ls))
	var servers []*http.Server
	for _, l := range ls {
		ln, err := net.Listen("tcp", l.Addr)
		if err != nil {
			for _, srv := range servers {
				srv.Close()
			}
			return fmt.Errorf("listen on %s: %w", l.Addr, err)
		}
		srv := &http.Server{
			Handler:           l.Handler,
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       60 * time.Second,
			WriteTimeout:      5 * time.Minute, // reports of a large inventory
			IdleTimeout:       2 * time.Minute,
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		}
		servers = append(servers, srv)
		log.Info("listening", "addr", ln.Addr().String(), "tls", l.TLS != nil)
		if l.TLS != nil {
			// ServeTLS (certificates from TLSConfig) rather than a tls
			// listener, so that net/http negotiates HTTP/2 by ALPN.
			srv.TLSConfig = l.TLS
			go func() { errc <- srv.ServeTLS(ln, "", "") }()
			continue
		}
		go func() { errc <- srv.Serve(ln) }()
	}
	select {
	case err := <-errc:
		for _, srv := range servers {
			srv.Close()
		}
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	var errs []error
	for _, srv := range servers {
		if err := srv.Shutdown(sctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// interfaceAddrs lists the machine's own addresses.
func interfaceAddrs() []netip.Addr {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var out []netip.Addr
	for _, a := range addrs {
		if p, err := netip.ParsePrefix(a.String()); err == nil {
			out = append(out, p.Addr().Unmap())
		}
	}
	return out
}
