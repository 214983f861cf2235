package check

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/netip"
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
				status := "401 Unauthorized"
				if u, p, ok := req.BasicAuth(); ok && u == "admin" && p == "12345" && req.Method == "GET" {
					status = "200 OK"
				}
				c.Write([]byte("HTTP/1.1 " + status + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"))
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
	fs, errs := e.Run(context.Background(), d)
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
	// Same device again within the window: no second attempt.
	if fs, _ := e.Run(context.Background(), d); len(fs) != 0 || tries.Load() != 1 {
		t.Errorf("second run: %d findings, %d attempts", len(fs), tries.Load())
	}
	now = now.Add(25 * time.Hour)
	if fs, _ := e.Run(context.Background(), d); len(fs) != 1 || tries.Load() != 2 {
		t.Errorf("after the window: %d findings, %d attempts", len(fs), tries.Load())
	}
}

func TestKEVFlag(t *testing.T) {
	e, err := New(Config{Profile: Passive, Only: []string{"hikvision-cve-2017-7921-firmware", "huawei-hg532-cve-2017-17215-upnp-exposed"}})
	if err != nil {
		t.Fatal(err)
	}
	fs, _ := e.Run(context.Background(), &Device{Host: "h", Identification: covered.Identification{CoveredEntity: "Hikvision", Model: "DS-2CD2032-I", Firmware: "V5.4.0 build 160530"}})
	if len(fs) != 1 || !fs[0].KEV || fs[0].KEVDateAdded != "2026-03-05" || fs[0].Requests != 0 {
		t.Errorf("%+v", fs)
	}
	fs, _ = e.Run(context.Background(), &Device{Host: "h", Identification: covered.Identification{CoveredEntity: "Huawei", Model: "HG532e"},
		Observations: []covered.Observation{{Key: "port.open", Value: "tcp/37215"}}})
	if len(fs) != 1 || fs[0].KEV {
		t.Errorf("CVE-2017-17215 has no verified KEV entry in the embedded data: %+v", fs)
	}
}
