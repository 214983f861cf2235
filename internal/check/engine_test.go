package check

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/safedial"
)

func TestProfiles(t *testing.T) {
	if _, err := New(Config{Profile: AuthProfile, Dialer: &net.Dialer{}}); !errors.Is(err, ErrNotAuthorized) {
		t.Errorf("auth without authorization: %v", err)
	}
	if _, err := New(Config{Profile: Passive, Only: []string{"zte-cve-2014-2321-shell-page"}}); !errors.Is(err, ErrAboveProfile) {
		t.Errorf("read check under passive: %v", err)
	}
	if _, err := New(Config{Profile: Safe, Dialer: &net.Dialer{}, Only: []string{"hikvision-legacy-default-password"}}); !errors.Is(err, ErrAboveProfile) {
		t.Errorf("auth check under safe: %v", err)
	}
	if _, err := New(Config{Profile: Safe}); err == nil || !strings.Contains(err.Error(), "needs a Dialer") {
		t.Errorf("safe without dialer: %v", err)
	}
	if _, err := New(Config{Profile: Passive, Only: []string{"nope"}}); err == nil || !strings.Contains(err.Error(), `unknown check "nope"`) {
		t.Errorf("unknown id: %v", err)
	}
	e, err := New(Config{Profile: Passive})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range e.Checks() {
		if c.SideEffect() != None {
			t.Errorf("passive selected %s (%s)", c.ID, c.SideEffect())
		}
	}
	for _, s := range []string{"passive", "safe", "auth"} {
		p, err := ParseProfile(s)
		if err != nil || p.String() != s {
			t.Errorf("%s: %v %v", s, p, err)
		}
	}
	if _, err := ParseProfile("change"); err == nil {
		t.Error("profile change accepted")
	}
}

// TestBudgetDialer: the dial past the budget and dials to another address
// fail before anything is sent.
func TestBudgetDialer(t *testing.T) {
	var dials atomic.Int32
	inner := dialFunc(func(ctx context.Context, network, address string) (net.Conn, error) {
		dials.Add(1)
		a, b := net.Pipe()
		b.Close()
		return a, nil
	})
	b := newBudgetDialer(inner, netip.MustParseAddr("127.95.9.1"), 1)
	if _, err := b.DialContext(context.Background(), "tcp", "127.95.9.2:80"); !errors.Is(err, ErrOtherHost) {
		t.Errorf("other host: %v", err)
	}
	if _, err := b.DialContext(context.Background(), "tcp", "127.95.9.1:80"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.DialContext(context.Background(), "tcp", "127.95.9.1:80"); !errors.Is(err, ErrBudget) {
		t.Errorf("second dial: %v", err)
	}
	if dials.Load() != 1 || b.Used() != 1 {
		t.Errorf("dials %d used %d", dials.Load(), b.Used())
	}
}

type dialFunc func(ctx context.Context, network, address string) (net.Conn, error)

func (f dialFunc) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	return f(ctx, network, address)
}

// TestDefaultPasswordNeverInClear: an auth check against a loopback server
// that accepts the default account reports it without the password, and
// the account is tried once per device per window.
func TestDefaultPasswordNeverInClear(t *testing.T) {
	ln, err := net.Listen("tcp", "127.95.1.1:0")
	if err != nil {
		t.Skipf("cannot bind 127.95.1.1: %v", err)
	}
	defer ln.Close()
	var tries atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				tries.Add(1)
				status, body := "401 Unauthorized", ""
				if u, p, ok := req.BasicAuth(); ok && u == "admin" && p == "12345" && req.Method == "GET" {
					// Only a DeviceInfo document counts as an accepted login.
					status, body = "200 OK", "<DeviceInfo><model>DS-2CD2032-I</model></DeviceInfo>"
				}
				c.Write([]byte("HTTP/1.1 " + status + "\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\nConnection: close\r\n\r\n" + body))
			}()
		}
	}()
	ap := netip.MustParseAddrPort(ln.Addr().String())
	sd, err := safedial.New(safedial.Config{Scope: prefixScope(netip.MustParsePrefix("127.95.1.0/24"))})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	e, err := New(Config{Profile: AuthProfile, Authorized: true, Dialer: sd, Only: []string{"hikvision-legacy-default-password"}, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	d := &Device{Host: ap.Addr().String(), Addr: ap.Addr(),
		Identification: covered.Identification{CoveredEntity: "Hikvision", Firmware: "V5.1.6 build 140412"},
		Observations: []covered.Observation{
			{Key: "http.response", Value: "HTTP/1.1 401 Unauthorized", Port: int(ap.Port())},
			{Key: "http.header.www_authenticate", Value: `Basic realm="DVRNVRDVS"`, Port: int(ap.Port())},
		}}
	r := e.Run(context.Background(), d)
	fs, errs := r.Findings, r.Errs
	if len(errs) > 0 || len(fs) != 1 {
		t.Fatalf("findings %+v errors %v", fs, errs)
	}
	js, _ := json.Marshal(fs)
	for _, secret := range []string{"12345", base64.StdEncoding.EncodeToString([]byte("admin:12345"))} {
		if strings.Contains(string(js), secret) {
			t.Errorf("finding carries the password in clear: %s", js)
		}
	}
	if fs[0].Requests != 1 || fs[0].SideEffect != "auth" {
		t.Errorf("finding %+v", fs[0])
	}
	// Same device again within the window: no second attempt, and no
	// verdict either (the finding of the first run stands).
	if r := e.Run(context.Background(), d); len(r.Findings) != 0 || tries.Load() != 1 ||
		len(r.Decided) != 0 || len(r.Undecided) != 1 || len(r.Errs) != 0 {
		t.Errorf("second run: %+v, %d attempts", r, tries.Load())
	}
	now = now.Add(25 * time.Hour)
	if r := e.Run(context.Background(), d); len(r.Findings) != 1 || tries.Load() != 2 {
		t.Errorf("after the window: %d findings, %d attempts", len(r.Findings), tries.Load())
	}
}

func TestKEVFlag(t *testing.T) {
	e, err := New(Config{Profile: Passive, Only: []string{"hikvision-cve-2017-7921-firmware", "huawei-hg532-cve-2017-17215-upnp-exposed"}})
	if err != nil {
		t.Fatal(err)
	}
	fs := e.Run(context.Background(), &Device{Host: "h", Identification: covered.Identification{CoveredEntity: "Hikvision", Model: "DS-2CD2032-I", Firmware: "V5.4.0 build 160530"}}).Findings
	if len(fs) != 1 || !fs[0].KEV || fs[0].KEVDateAdded != "2026-03-05" || fs[0].Requests != 0 {
		t.Errorf("%+v", fs)
	}
	fs = e.Run(context.Background(), &Device{Host: "h", Identification: covered.Identification{CoveredEntity: "Huawei", Model: "HG532e"},
		Observations: []covered.Observation{{Key: "port.open", Value: "tcp/37215"}}}).Findings
	if len(fs) != 1 || fs[0].KEV {
		t.Errorf("CVE-2017-17215 has no verified KEV entry in the embedded data: %+v", fs)
	}
}

// TestActiveOutcomes: an active check decides only on a clear answer. A
// device that never answers, refuses the connection, answers an unexpected
// status or has no address leaves the check undecided (an earlier finding
// stands), which is not an error; an answer showing the device is not
// affected, or preconditions that do not hold, decide it.
func TestActiveOutcomes(t *testing.T) {
	const (
		silent  = "" // accepts and never answers
		refused = "refused"
		noAddr  = "no address"
	)
	type outcome int
	const (
		found outcome = iota
		notAffected
		undecided
	)
	const marker = "<html>please input shell command:<input name=IF_CMD></html>"
	zte := covered.Identification{CoveredEntity: "ZTE", Model: "F660"}
	hik := covered.Identification{CoveredEntity: "Hikvision", Firmware: "V5.1.6 build 140412"}
	dahua := covered.Identification{CoveredEntity: "Dahua"}
	basic := covered.Observation{Key: "http.header.www_authenticate", Value: `Basic realm="DVRNVRDVS"`}
	digest := covered.Observation{Key: "http.header.www_authenticate", Value: `Digest realm="DS", nonce="1"`}
	for _, tc := range []struct {
		name, check string
		id          covered.Identification
		obs         []covered.Observation
		reply       string // the device's answer to the first request
		want        outcome
		dials       int32 // connections the device accepted
	}{
		{"zte page served", "zte-cve-2014-2321-shell-page", zte, nil, "200 OK\r\n\r\n" + marker, found, 1},
		{"zte 404", "zte-cve-2014-2321-shell-page", zte, nil, "404 Not Found\r\n\r\nnope", notAffected, 1},
		{"zte 200 without the marker", "zte-cve-2014-2321-shell-page", zte, nil, "200 OK\r\n\r\nhello", notAffected, 1},
		{"zte 403 (a page behind a login still exists)", "zte-cve-2014-2321-shell-page", zte, nil, "403 Forbidden\r\n\r\n", undecided, 1},
		{"zte 503", "zte-cve-2014-2321-shell-page", zte, nil, "503 Service Unavailable\r\n\r\n", undecided, 1},
		{"zte silent", "zte-cve-2014-2321-shell-page", zte, nil, silent, undecided, 1},
		{"zte refused", "zte-cve-2014-2321-shell-page", zte, nil, refused, undecided, 0},
		{"zte without an address", "zte-cve-2014-2321-shell-page", zte, nil, noAddr, undecided, 0},
		{"zte page fetched by the scan", "zte-cve-2014-2321-shell-page", zte, []covered.Observation{{Key: "http.body", Path: "/web_shell_cmd.gch", Value: marker}}, "404 Not Found\r\n\r\n", found, 0},
		{"zte model out of range", "zte-cve-2014-2321-shell-page", covered.Identification{CoveredEntity: "ZTE", Model: "ZXR10 5960"}, nil, "200 OK\r\n\r\n" + marker, notAffected, 0},
		{"hikvision 401", "hikvision-legacy-default-password", hik, []covered.Observation{basic}, "401 Unauthorized\r\n\r\n", notAffected, 1},
		{"hikvision 500", "hikvision-legacy-default-password", hik, []covered.Observation{basic}, "500 Internal Server Error\r\n\r\n", undecided, 1},
		{"hikvision silent", "hikvision-legacy-default-password", hik, []covered.Observation{basic}, silent, undecided, 1},
		{"hikvision 200 with a DeviceInfo", "hikvision-legacy-default-password", hik, []covered.Observation{basic}, "200 OK\r\n\r\n<DeviceInfo><model>DS-2CD2032-I</model></DeviceInfo>", found, 1},
		{"hikvision 200 to anything", "hikvision-legacy-default-password", hik, []covered.Observation{basic}, "200 OK\r\n\r\n<html>welcome</html>", undecided, 1},
		{"hikvision digest only", "hikvision-legacy-default-password", hik, []covered.Observation{digest}, "200 OK\r\n\r\n", notAffected, 0},
		{"dahua silent", "dahua-default-password-rtsp", dahua, []covered.Observation{{Key: "rtsp.response",
			Value: "RTSP/1.0 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"x\", nonce=\"1\"\r\n\r\n"}}, silent, undecided, 1},
		{"dahua refused", "dahua-default-password-rtsp", dahua, []covered.Observation{{Key: "rtsp.response",
			Value: "RTSP/1.0 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"x\", nonce=\"1\"\r\n\r\n"}}, refused, undecided, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ap, accepted := outcomeServer(t, tc.reply)
			sd, err := safedial.New(safedial.Config{Scope: prefixScope(netip.MustParsePrefix("127.0.0.1/32"))})
			if err != nil {
				t.Fatal(err)
			}
			e, err := New(Config{Profile: AuthProfile, Authorized: true, Dialer: sd, Only: []string{tc.check}, Timeout: 300 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			d := &Device{Host: "127.0.0.1", Addr: ap.Addr(), Identification: tc.id}
			for _, o := range append([]covered.Observation{{Key: "http.response", Value: "HTTP/1.1 401 Unauthorized"}}, tc.obs...) {
				o.Port = int(ap.Port())
				d.Observations = append(d.Observations, o)
			}
			r := e.Run(context.Background(), d)
			if len(r.Errs) > 0 {
				t.Errorf("errors %v: no clear answer is not an error", r.Errs)
			}
			decided := len(r.Decided) == 1 && r.Decided[0] == tc.check && len(r.Undecided) == 0
			switch tc.want {
			case found:
				if !decided || len(r.Findings) != 1 || r.Findings[0].Check != tc.check {
					t.Errorf("want a finding: %+v", r)
				}
			case notAffected:
				if !decided || len(r.Findings) != 0 {
					t.Errorf("want decided, not affected: %+v", r)
				}
			case undecided:
				if len(r.Undecided) != 1 || r.Undecided[0] != tc.check || len(r.Decided) != 0 || len(r.Findings) != 0 {
					t.Errorf("want undecided: %+v", r)
				}
			}
			if n := accepted.Load(); n != tc.dials {
				t.Errorf("the device accepted %d connections, want %d", n, tc.dials)
			}
		})
	}
}

// outcomeServer is a one-address device on 127.0.0.1 for
// TestActiveOutcomes: it reads a request and answers "HTTP/1.1 "+reply and
// closes, or with reply "" reads and never answers, or (reply "refused")
// is a port closed again, or (reply "no address") is no address at all.
func outcomeServer(t *testing.T, reply string) (netip.AddrPort, *atomic.Int32) {
	t.Helper()
	accepted := &atomic.Int32{}
	if reply == "no address" {
		return netip.AddrPort{}, accepted
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skipf("cannot bind 127.0.0.1: %v", err)
	}
	ap := netip.MustParseAddrPort(ln.Addr().String())
	if reply == "refused" {
		ln.Close()
		return ap, accepted
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			go func() {
				defer c.Close()
				if reply == "" {
					io.Copy(io.Discard, c) // until the client gives up
					return
				}
				if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
					return
				}
				c.Write([]byte("HTTP/1.1 " + reply))
			}()
		}
	}()
	return ap, accepted
}
