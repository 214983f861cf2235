package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/coveredtool/covered/internal/report"
	"github.com/coveredtool/covered/internal/scan"
	"github.com/coveredtool/covered/internal/server"
	"github.com/coveredtool/covered/internal/store"
	"github.com/spf13/cobra"
)

// serveFlags are the options of `covered serve`.
type serveFlags struct {
	listen, metricsListen string
	tls                   bool
	tlsCert, tlsKey       string
	allow                 []string
	adminPasswordFile     string
	logFormat             string
}

func (p Program) serveCmd() *cobra.Command {
	var (
		f    serveFlags
		know knowFlags
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the dashboard and the REST API over the inventory store",
		Long: `serve runs the web dashboard and the REST API (/api/v1, documented at
/api/v1/openapi.json) over the same store as the other commands (--db).

On the first start with an empty store it creates the administrator "admin"
with the password in --admin-password-file, or prints a one-time setup link.
Scans started from the web may only target the ranges an administrator
allowed: --allow seeds that list on the first start; from then on the list
administrators edit in the dashboard is authoritative. Loopback and the
server's own addresses are scannable only when a range names them alone.

Prometheus metrics are at /metrics for API tokens, or without a token on a
separate listener (--metrics-listen, keep it on loopback).`,
		Example: `  covered serve
  covered serve --admin-password-file /etc/covered/admin.pw --allow 10.20.0.0/16
  covered serve --listen 0.0.0.0:8443 --tls --tls-cert cert.pem --tls-key key.pem
  covered serve --metrics-listen 127.0.0.1:9109 --log-format json`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := p.configKnowledge(cmd, &know); err != nil {
				return err
			}
			return p.serve(cmd.Context(), &f, &know)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", "127.0.0.1:8089", "`ADDRESS` to serve on")
	fl.StringVar(&f.metricsListen, "metrics-listen", "", "also serve /metrics without a token on `ADDRESS` (loopback)")
	fl.BoolVar(&f.tls, "tls", false, "serve HTTPS: with --tls-cert and --tls-key, or a generated self-signed certificate")
	fl.StringVar(&f.tlsCert, "tls-cert", "", "certificate `FILE` (PEM) for --tls")
	fl.StringVar(&f.tlsKey, "tls-key", "", "private key `FILE` (PEM) for --tls")
	fl.StringArrayVar(&f.allow, "allow", nil, "allow web scans of `CIDR` (repeatable; seeds the list on the first start only)")
	fl.StringVar(&f.adminPasswordFile, "admin-password-file", "", "create the administrator \"admin\" with the password in `FILE` on the first start")
	fl.StringVar(&f.logFormat, "log-format", "text", "log `FORMAT`: text or json (to standard error)")
	know.register(cmd)
	return cmd
}

func (p Program) serve(ctx context.Context, f *serveFlags, know *knowFlags) error {
	var log *slog.Logger
	switch f.logFormat {
	case "text":
		log = slog.New(slog.NewTextHandler(p.Stderr, nil))
	case "json":
		log = slog.New(slog.NewJSONHandler(p.Stderr, nil))
	default:
		return usageErr("--log-format %q: want text or json", f.logFormat)
	}
	seed, err := parseAllow(f.allow)
	if err != nil {
		return err
	}
	if f.metricsListen != "" {
		if err := loopbackListen("--metrics-listen", f.metricsListen); err != nil {
			return err
		}
	}
	if !f.tls {
		// Passwords and session cookies must not cross a network in clear,
		// and browsers drop the Secure session cookie over plain HTTP
		// anywhere but on loopback.
		if err := loopbackListen("--listen without --tls", f.listen); err != nil {
			return err
		}
	}
	password := ""
	if f.adminPasswordFile != "" {
		b, err := os.ReadFile(f.adminPasswordFile)
		if err != nil {
			return usageErr("--admin-password-file: %v", err)
		}
		password = strings.TrimRight(string(b), "\r\n")
	}
	st, err := p.g.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	srv, err := server.New(server.Config{
		Store: st, Logger: log, Version: toolVersion(),
		Scan:          p.webScan(know),
		Report:        p.webReport(st),
		MetricsPublic: false,
		SecureCookies: true,
	})
	if err != nil {
		return err
	}
	defer srv.Close()
	if err := seedAllowed(ctx, st, seed); err != nil {
		return err
	}
	setup, err := srv.Bootstrap(ctx, password)
	if err != nil {
		return err
	}
	scheme := "http"
	main := server.Listener{Addr: f.listen, Handler: srv.Handler()}
	if f.tls {
		host, _, _ := net.SplitHostPort(f.listen)
		cfg, err := server.TLSConfig(f.tlsCert, f.tlsKey, []string{host, "localhost", "127.0.0.1", "::1"}, time.Now())
		if err != nil {
			return usageErr("%v", err)
		}
		main.TLS, scheme = cfg, "https"
	} else if f.tlsCert != "" || f.tlsKey != "" {
		return usageErr("--tls-cert and --tls-key need --tls")
	}
	if setup != "" {
		fmt.Fprintf(p.Stderr, "covered: no user yet: create the administrator at %s://%s/setup?token=%s (valid 24 hours, once)\n", scheme, linkHost(f.listen), setup)
	}
	ls := []server.Listener{main}
	if f.metricsListen != "" {
		ls = append(ls, server.Listener{Addr: f.metricsListen, Handler: srv.MetricsHandler()})
	}
	return server.Serve(ctx, log, ls...)
}

// parseAllow reads the --allow CIDRs.
func parseAllow(in []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, a := range in {
		for _, s := range strings.Split(a, ",") {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			pfx, err := netip.ParsePrefix(s)
			if err != nil {
				addr, aerr := netip.ParseAddr(s)
				if aerr != nil {
					return nil, usageErr("--allow %q: want a CIDR such as 10.20.0.0/16", s)
				}
				pfx = netip.PrefixFrom(addr, addr.BitLen())
			}
			out = append(out, pfx.Masked())
		}
	}
	return out, nil
}

// seedAllowed writes --allow into a store whose list was never set; once
// set, the stored list is authoritative and --allow is ignored.
func seedAllowed(ctx context.Context, st *store.Store, seed []netip.Prefix) error {
	_, initialized, err := st.AllowedRanges(ctx)
	if err != nil || initialized || len(seed) == 0 {
		return err
	}
	return st.SetAllowedRanges(ctx, seed, "serve --allow")
}

// linkHost is the address to print in a link to the server: a wildcard
// listen address is reached on loopback.
func linkHost(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if ip, err := netip.ParseAddr(host); host == "" || err == nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// loopbackListen refuses an address that is not on loopback.
func loopbackListen(flag, addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usageErr("%s %q: %v", flag, addr, err)
	}
	if ip, err := netip.ParseAddr(host); (err != nil || !ip.IsLoopback()) && host != "localhost" {
		return usageErr("%s %q: only a loopback address may be served this way (metrics without a token, or the dashboard without TLS)", flag, addr)
	}
	return nil
}

// webScan starts scans for the server with the scanner's safe defaults:
// the run is recorded before it returns, the scan goes on in the
// background under the server's context.
func (p Program) webScan(know *knowFlags) func(context.Context, server.ScanRequest) (int64, func(), error) {
	return func(ctx context.Context, req server.ScanRequest) (int64, func(), error) {
		var sf scanFlags
		sf.register(&cobra.Command{}) // the flag defaults are the safe defaults
		sf.site, sf.actor, sf.checks = req.Site, req.Actor, "passive"
		plan, err := p.plan(ctx, req.Targets, &sf)
		if err != nil {
			return 0, nil, err
		}
		eng, err := newEngine(know)
		if err != nil {
			return 0, nil, err
		}
		// The scan's default passive checks run too: their findings reach
		// the dashboard like those of a scan from the command line.
		chk, err := p.scanChecks(&sf, plan)
		if err != nil {
			return 0, nil, err
		}
		rec, err := p.beginScanRecord(ctx, req.Targets, plan, &sf, eng)
		if err != nil {
			return 0, nil, err
		}
		chk.useStore(rec.st)
		return rec.run, func() {
			cfg := plan.config(&sf)
			var mu sync.Mutex // the scan reports hosts concurrently; the recorder is not safe for that
			_, err := scan.Run(ctx, cfg, func(r scan.Result) {
				if len(r.Observations) == 0 {
					return
				}
				id := identifyHost(eng, r.Observations)
				hc := chk.run(ctx, r, id)
				mu.Lock()
				defer mu.Unlock()
				rec.addChecked(ctx, r.Observations, id, hc.stored())
			})
			if _, ferr := rec.finish(ctx, 0); ferr != nil || err != nil && !errors.Is(err, context.Canceled) {
				fmt.Fprintf(p.Stderr, "covered: web scan of run %d: %v\n", rec.run, errors.Join(err, ferr))
			}
		}, nil
	}
}

// reportTypes are the content types and file extensions of report formats.
var reportTypes = map[report.Format][2]string{
	report.FormatHTML: {"text/html; charset=utf-8", "html"},
	report.FormatPDF:  {"application/pdf", "pdf"},
	report.FormatCSV:  {"text/csv; charset=utf-8", "csv"},
	report.FormatJSON: {"application/json", "json"},
	report.FormatXLSX: {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"},
}

// webReport renders reports for the server from its store.
func (p Program) webReport(st *store.Store) func(context.Context, server.ReportRequest, io.Writer) (string, string, error) {
	return func(ctx context.Context, req server.ReportRequest, w io.Writer) (string, string, error) {
		kind, err := report.ParseKind(req.Kind)
		if err != nil {
			return "", "", err
		}
		format, err := report.ParseFormat(req.Format)
		if err != nil {
			return "", "", err
		}
		cfg, err := p.g.conf()
		if err != nil {
			return "", "", err
		}
		sc := reportScope{site: req.Site}
		if req.Run != 0 {
			sc.runs = []int64{req.Run}
		}
		d, err := buildReportData(ctx, st, cfg, sc)
		if err != nil {
			return "", "", err
		}
		if err := report.Render(w, kind, format, d); err != nil {
			return "", "", err
		}
		t := reportTypes[format]
		return t[0], fmt.Sprintf("covered-%s-%s.%s", kind, time.Now().UTC().Format("20060102"), t[1]), nil
	}
}
