package wire

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"time"

	"github.com/coveredtool/covered/internal/probe"
)

const (
	// MaxBody caps the HTTP body read (a description or SOAP reply is a
	// few KiB; the rest of a larger one is not needed to identify).
	MaxBody = 64 << 10
	// maxHeader caps the HTTP response header block.
	maxHeader = 16 << 10
	// maxURL caps a URL taken from a reply.
	maxURL = 2048
)

// TargetURL parses a URL a device advertised and accepts it only when it is
// plain http and its host is the target's own address literal: the probe
// never follows a device to another host (no scope escape, no DNS). It
// returns the URL and the port to dial.
func TargetURL(raw string, target netip.Addr) (*url.URL, uint16, bool) {
	if raw == "" || len(raw) > maxURL {
		return nil, 0, false
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.User != nil || u.Opaque != "" {
		return nil, 0, false
	}
	host, err := netip.ParseAddr(u.Hostname())
	if err != nil || host.Unmap() != target.Unmap() {
		return nil, 0, false
	}
	port := uint16(80)
	if p := u.Port(); p != "" {
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil || n == 0 {
			return nil, 0, false
		}
		port = uint16(n)
	}
	return u, port, true
}

// HTTPDo sends one request (no credentials, no redirects followed, no
// keep-alive, no compression) through d to target:port only, and returns
// the status code and at most MaxBody bytes of the body. Every read ends
// by end.
func HTTPDo(ctx context.Context, d probe.Dialer, target netip.Addr, port uint16, method string, u *url.URL, hdr http.Header, body []byte, end time.Time) (int, []byte, error) {
	want := netip.AddrPortFrom(target, port)
	tr := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			ap, err := netip.ParseAddrPort(addr)
			if err != nil || ap.Addr().Unmap() != want.Addr().Unmap() || ap.Port() != want.Port() {
				return nil, fmt.Errorf("refusing to dial %s: not the target", addr)
			}
			return d.DialContext(ctx, "tcp", addr)
		},
		DisableKeepAlives:      true,
		DisableCompression:     true,
		MaxResponseHeaderBytes: maxHeader,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	rctx, cancel := context.WithDeadline(ctx, end)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, method, u.String(), bytes.NewReader(body))
	if err != nil {
		return 0, nil, fmt.Errorf("build %s %s: %w", method, u.EscapedPath(), err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, u.EscapedPath(), err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody))
	if err != nil && len(data) == 0 {
		return resp.StatusCode, nil, fmt.Errorf("read %s body: %w", u.EscapedPath(), err)
	}
	return resp.StatusCode, data, nil
}
