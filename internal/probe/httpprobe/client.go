package httpprobe

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/coveredtool/covered/internal/probe"
)

// Bounds on what one target can make the probe send, wait for and hold.
const (
	// maxRequests caps the GETs sent to one target, retries included.
	maxRequests = 8
	// maxHeaderBytes caps the status line and header fields of a response.
	maxHeaderBytes = 16 << 10
	// maxBody caps the body bytes read from one response; the rest is
	// never read (the connection is closed instead).
	maxBody = 64 << 10
	// maxPrefix caps the body bytes kept in http.response and http.body.
	maxPrefix = 4 << 10
	// maxCapture caps the raw bytes kept to reproduce the header block;
	// it is larger than maxHeaderBytes because reads arrive in chunks.
	maxCapture = maxHeaderBytes + 4<<10
	// defaultTimeout bounds one exchange when Options.Timeout is zero.
	defaultTimeout = 5 * time.Second
)

// UserAgent is sent with every request. It is honest about what we are so
// that device owners can recognize the scan in their logs.
const UserAgent = "covered/1 (+https://github.com/coveredtool/covered)"

// ErrBadResponse marks a target that answered with bytes that are not a
// well-formed HTTP response: a broken status line, headers cut short, an
// oversized header block. Probe returns it wrapped with the target and path.
var ErrBadResponse = errors.New("malformed HTTP response")

// Outcomes of one exchange that are not failures worth reporting.
var (
	errTimeout  = errors.New("httpprobe: no timely answer")
	errNoAnswer = errors.New("httpprobe: connection closed without an answer")
	errBudget   = errors.New("httpprobe: request budget spent")
	errNotTLS   = errors.New("httpprobe: plain text on a TLS port")
)

// response is one GET's answer, bounded in size.
type response struct {
	path   string
	status int
	header http.Header
	// head is the status line and header fields as the device sent them
	// (original case, order and spacing), ending with the blank line.
	head []byte
	// body is up to maxBody bytes, with transfer coding removed.
	body []byte
	// truncated is set when the body was longer than maxBody or its read
	// was cut short by the deadline.
	truncated bool
}

// raw is the http.response value: the header block verbatim plus the body
// prefix.
func (r *response) raw() string {
	return string(r.head) + string(prefix(r.body))
}

func prefix(b []byte) []byte { return b[:min(len(b), maxPrefix)] }

// session is the state of probing one target: where to connect, how to
// name the host, and how many requests are left.
type session struct {
	d       probe.Dialer
	addr    string // dialed address, always the target's, never a name
	host    string // Host header and URL authority
	sni     string // TLS server name, empty for IP-only targets
	tls     bool
	timeout time.Duration
	left    int
	stalled bool // a read timed out: send nothing more
}

func newSession(d probe.Dialer, t probe.Target, opt probe.Options, useTLS bool) *session {
	timeout := opt.Timeout
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	s := &session{d: d, addr: t.HostPort(), sni: t.Hostname, tls: useTLS, timeout: timeout, left: maxRequests}
	name := t.Hostname
	if name == "" {
		name = t.Addr.WithZone("").String()
	}
	defPort := uint16(80)
	if useTLS {
		defPort = 443
	}
	switch {
	case t.Port != defPort:
		s.host = net.JoinHostPort(name, fmt.Sprint(t.Port))
	case t.Addr.Is6() && t.Hostname == "":
		s.host = "[" + name + "]"
	default:
		s.host = name
	}
	return s
}

func (s *session) scheme() string {
	if s.tls {
		return "https"
	}
	return "http"
}

// base is the root URL of the target, used to resolve links in pages.
func (s *session) base() *url.URL { return &url.URL{Scheme: s.scheme(), Host: s.host, Path: "/"} }

// get sends one GET for path (which may carry a query) and reads the
// answer within the session's per-request timeout and byte caps. It never
// follows redirects: a 3xx is returned like any other answer.
func (s *session) get(ctx context.Context, path string) (*response, error) {
	if s.stalled {
		return nil, errTimeout
	}
	if s.left <= 0 {
		return nil, errBudget
	}
	s.left--
	u, err := url.ParseRequestURI(path)
	if err != nil {
		return nil, fmt.Errorf("build request for %s: %w", path, err)
	}
	u.Scheme, u.Host = s.scheme(), s.host

	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	// The URL is set after construction so that it is used as built, not
	// re-parsed from its string form.
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://target/", nil)
	if err != nil {
		return nil, fmt.Errorf("build request for %s: %w", path, err)
	}
	req.URL = u
	req.Host = s.host
	req.Close = true
	req.Header.Set("User-Agent", UserAgent)

	var rec atomic.Pointer[recorder]
	tr := s.transport(ctx, &rec)
	defer tr.CloseIdleConnections()

	resp, err := tr.RoundTrip(req)
	if err != nil {
		return nil, s.classify(ctx, path, err, rec.Load())
	}
	defer resp.Body.Close()
	r := &response{path: path, status: resp.StatusCode, header: resp.Header}
	r.body, err = io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if len(r.body) > maxBody {
		r.body, r.truncated = r.body[:maxBody], true
	}
	if err != nil {
		// Keep the headers and what part of the body came; a device that
		// stalls mid-body gets no further requests.
		r.truncated = true
		if ctx.Err() != nil || isTimeout(err) || expired(ctx) {
			s.stalled = true
		}
	}
	if c := rec.Load(); c != nil {
		r.head, _ = headerBlock(c.captured(), resp.StatusCode)
	}
	if r.head == nil {
		// Not expected (the capture holds the whole header block); rebuild
		// it from the parsed form rather than report nothing.
		var b bytes.Buffer
		fmt.Fprintf(&b, "HTTP/%d.%d %s\r\n", resp.ProtoMajor, resp.ProtoMinor, resp.Status)
		_ = resp.Header.Write(&b)
		r.head = append(b.Bytes(), "\r\n"...)
	}
	return r, nil
}

// transport builds a single-use HTTP/1.1 transport whose connections all
// come from the probe's Dialer (so scope, rate and byte limits apply) and
// go to the target address whatever the URL says. It dials with the
// request's own context: net/http detaches dials from request
// cancellation, which would let a stalled TLS handshake outlive the probe.
func (s *session) transport(ctx context.Context, rec *atomic.Pointer[recorder]) *http.Transport {
	dial := func() (net.Conn, error) {
		c, err := s.d.DialContext(ctx, "tcp", s.addr)
		if err != nil {
			return nil, err
		}
		if dl, ok := ctx.Deadline(); ok {
			if err := c.SetDeadline(dl); err != nil {
				c.Close()
				return nil, err
			}
		}
		return c, nil
	}
	tr := &http.Transport{
		DialContext: func(context.Context, string, string) (net.Conn, error) {
			c, err := dial()
			if err != nil {
				return nil, err
			}
			r := &recorder{Conn: c}
			rec.Store(r)
			return r, nil
		},
		DisableKeepAlives:      true,
		DisableCompression:     true, // bodies stay as sent; no gzip bombs
		MaxResponseHeaderBytes: maxHeaderBytes,
	}
	if s.tls {
		tr.DialTLSContext = func(context.Context, string, string) (net.Conn, error) {
			c, err := dial()
			if err != nil {
				return nil, err
			}
			tc := tls.Client(c, clientTLS(s.sni))
			if err := tc.HandshakeContext(ctx); err != nil {
				c.Close()
				return nil, err
			}
			r := &recorder{Conn: tc}
			rec.Store(r)
			return r, nil
		}
	}
	return tr
}

// classify sorts a failed exchange: no timely answer and a connection
// closed or refused before any byte came back are normal outcomes of
// scanning; bytes that are not HTTP are worth reporting.
func (s *session) classify(ctx context.Context, path string, err error, rec *recorder) error {
	switch {
	case s.tls && isNotTLS(err):
		return errNotTLS
	case ctx.Err() != nil || isTimeout(err) || expired(ctx):
		// Checked before the bytes received: when the deadline cuts a
		// slow answer short, net/http may report the stump as malformed.
		s.stalled = true
		return errTimeout
	case rec == nil || rec.total() == 0:
		return errNoAnswer
	default:
		return fmt.Errorf("GET %s from %s: %w: %w", path, s.addr, ErrBadResponse, err)
	}
}

// expired reports whether ctx's deadline has passed, even if its timer has
// not fired yet (the connection deadline is the same instant and may win).
func expired(ctx context.Context) bool {
	dl, ok := ctx.Deadline()
	return ok && !time.Now().Before(dl)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}
