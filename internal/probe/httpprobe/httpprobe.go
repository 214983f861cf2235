// Package httpprobe is the HTTP and HTTPS discovery probe: it asks a web
// server the few read-only questions that make embedded devices say who
// made them, and reports the answers as observations (DESIGN vocabulary:
// http.response, http.header.server, http.header.www_authenticate,
// http.title, http.favicon.md5, http.favicon.mmh3, http.body).
//
// What it sends to one target, at most maxRequests (8) requests in all, each
// a plain HTTP/1.1 GET with "Connection: close" and an honest User-Agent,
// without credentials, cookies or a body:
//
//  1. GET / — the answer is reported, redirects are recorded, never followed;
//  2. GET of the favicon the page links on the same host, else /favicon.ico;
//  3. GETs of documented device-information pages of Hikvision, Dahua,
//     Huawei HiLink and ZTE (see vendors), only for the makers the root page
//     points at when it points at any, and skipping a maker's second page
//     when its first does not exist.
//
// On 443 and 8443 (and 7443 and 10443, when asked to probe them) it speaks
// TLS over the same Dialer, accepting any certificate since the probe
// observes and does not trust; when such a port answers the hello in plain
// text it starts over in plain HTTP once. Every exchange is bounded by
// Options.Timeout (5 s when zero), 16 KiB of header and 64 KiB of body;
// after a timeout nothing more is sent to the target. The raw response keeps
// the header block exactly as sent (case, order, spacing: some signatures
// depend on it) and the first 4 KiB of the body.
package httpprobe

import (
	"bytes"
	"context"
	"errors"
	"strings"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
)

func init() { probe.Register(New()) }

var _ probe.Probe = (*Prober)(nil)

// Prober is the HTTP(S) probe. The zero value is not usable; call New.
type Prober struct {
	// tlsPorts are the ports spoken to over TLS.
	tlsPorts map[uint16]bool
}

// New returns the probe with its default ports.
func New() *Prober {
	return &Prober{tlsPorts: map[uint16]bool{443: true, 8443: true, 7443: true, 10443: true}}
}

// Name implements probe.Probe.
func (*Prober) Name() string { return "http" }

// Transport implements probe.Probe.
func (*Prober) Transport() string { return "tcp" }

// Ports implements probe.Probe: the common web ports, the alternates
// embedded devices use (8081, 8888), Huawei HG532 UPnP (37215) and UPnP
// (49152). Port 8000 is left out: on Hikvision it is the binary SDK port.
func (*Prober) Ports() []uint16 { return []uint16{80, 443, 8080, 8081, 8443, 8888, 37215, 49152} }

// Probe implements probe.Probe. It returns nil when the target does not
// answer in time or closes the connection, and an error wrapping
// ErrBadResponse when it answers with something that is not HTTP.
func (p *Prober) Probe(ctx context.Context, d probe.Dialer, t probe.Target, opt probe.Options, emit probe.Emit) error {
	s := newSession(d, t, opt, p.tlsPorts[t.Port])
	root, err := s.get(ctx, "/")
	if errors.Is(err, errNotTLS) {
		s = newSession(d, t, opt, false)
		s.left-- // the failed handshake counts
		root, err = s.get(ctx, "/")
	}
	if err != nil {
		return reportable(err)
	}
	o := &out{emit: emit, seen: map[string]bool{}}
	o.response(root)
	if tt := Title(root.body); tt != "" {
		o.add("http.title", root.path, tt)
	}

	if fav, err := s.get(ctx, faviconPath(s.base(), iconLinks(root.body))); err != nil {
		if stop(err) {
			return reportable(err)
		}
	} else {
		o.headers(fav)
		if isIcon(fav, root) {
			o.add("http.favicon.md5", fav.path, faviconMD5(fav.body))
			o.add("http.favicon.mmh3", fav.path, faviconMMH3(fav.body))
		}
	}

	hints := append(append([]byte(nil), root.head...), root.body...)
	for _, v := range plan(hints) {
		for _, path := range v.paths {
			r, err := s.get(ctx, path)
			if err != nil {
				if stop(err) {
					return reportable(err)
				}
				break
			}
			if absent(r.status) {
				o.headers(r)
				break
			}
			if r.status == root.status && len(r.body) > 0 && bytes.Equal(r.body, root.body) {
				// The device answers every path with its root page:
				// nothing more to learn from asking for others.
				return nil
			}
			o.response(r)
			if len(r.body) > 0 {
				o.add("http.body", r.path, RedactSubscriber(string(prefix(r.body))))
			}
		}
	}
	return nil
}

// stop reports whether an exchange error ends the probe of this target. A
// connection closed without an answer only ends the current maker's pages.
func stop(err error) bool { return !errors.Is(err, errNoAnswer) }

// reportable drops the outcomes that are not failures (timeouts, closed
// ports, spent budget) and keeps malformed answers and our own bugs.
func reportable(err error) error {
	for _, quiet := range []error{errTimeout, errNoAnswer, errBudget, errNotTLS} {
		if errors.Is(err, quiet) {
			return nil
		}
	}
	return err
}

// isIcon accepts a favicon answer worth hashing: a complete, non-empty 2xx
// body that is not an HTML page (many devices answer every path with their
// login page, and hashing that would fingerprint the page, not an icon).
func isIcon(r, root *response) bool {
	if r.status < 200 || r.status > 299 || len(r.body) == 0 || r.truncated {
		return false
	}
	if ct := strings.ToLower(r.header.Get("Content-Type")); strings.HasPrefix(ct, "text/html") {
		return false
	}
	return !bytes.Equal(r.body, root.body)
}

// out emits observations, reporting each distinct header value once per
// target: a device repeats its Server header on every page, and one
// observation of it is evidence enough.
type out struct {
	emit probe.Emit
	seen map[string]bool // key + "\x00" + value of headers already emitted
}

func (o *out) add(key, path, value string) {
	o.emit(covered.Observation{Key: key, Path: path, Value: value})
}

func (o *out) response(r *response) {
	o.add("http.response", r.path, RedactSubscriber(r.raw()))
	o.headers(r)
}

func (o *out) headers(r *response) {
	for _, h := range []struct{ name, key string }{
		{"Server", "http.header.server"},
		{"WWW-Authenticate", "http.header.www_authenticate"},
	} {
		for _, v := range r.header.Values(h.name) {
			if id := h.key + "\x00" + v; !o.seen[id] {
				o.seen[id] = true
				o.add(h.key, r.path, v)
			}
		}
	}
}
