package safedial

import (
	"context"
	"errors"
	"math"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no scope", Config{}, "safedial: config: Scope is required (a dialer without a scope would reach any address)"},
		{"negative rate", Config{Scope: loopback, Rate: -1}, "safedial: config: Rate must be 0 (default) or a finite rate >= 0.001 per second, got -1"},
		{"NaN host rate", Config{Scope: loopback, HostRate: math.NaN()}, "safedial: config: HostRate must be 0 (default) or a finite rate >= 0.001 per second, got NaN"},
		{"tiny host rate", Config{Scope: loopback, HostRate: 1e-9}, "safedial: config: HostRate must be 0 (default) or a finite rate >= 0.001 per second, got 1e-09"},
		{"negative concurrency", Config{Scope: loopback, HostConcurrency: -2}, "safedial: config: HostConcurrency must be >= 0 (0 means default), got -2"},
		{"negative read timeout", Config{Scope: loopback, ReadTimeout: -time.Second}, "safedial: config: ReadTimeout must be >= 0 (0 means default), got -1s"},
		{"negative max read", Config{Scope: loopback, MaxRead: -1}, "safedial: config: MaxRead must be >= 0 bytes (0 means default), got -1"},
		{"zero values take defaults", Config{Scope: loopback}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Fatalf("Validate() = %q, want %q", got, tt.want)
			}
			if _, err := New(tt.cfg); (err != nil) != (tt.want != "") {
				t.Fatalf("New error = %v, want error %v", err, tt.want != "")
			}
		})
	}
}

func TestNewFillsDefaults(t *testing.T) {
	d := newTestDialer(t, Config{})
	c := d.cfg
	if c.Rate != DefaultRate || c.HostRate != DefaultHostRate || c.HostConcurrency != DefaultHostConcurrency ||
		c.ConnectTimeout != DefaultConnectTimeout || c.ReadTimeout != DefaultReadTimeout || c.MaxRead != DefaultMaxRead {
		t.Fatalf("defaults not applied: %+v", c)
	}
	if d.interval != 25*time.Millisecond {
		t.Fatalf("per-host spacing = %v, want 25ms for 40/s", d.interval)
	}
}

// Refusals must happen before any packet: the recording Base must never
// be called for them.
func TestScopeRefusedBeforeAnyPacket(t *testing.T) {
	scope := prefixScope{
		allow: loopback.allow,
		deny:  []netip.Prefix{netip.MustParsePrefix("127.0.0.9/32"), netip.MustParsePrefix("127.0.1.0/24")},
	}
	tests := []struct {
		name, network, address string
		want                   error
		reason                 string
	}{
		{"outside scope", "tcp", "10.0.0.1:80", ErrOutOfScope, "outside the scan scope"},
		{"excluded address", "tcp", "127.0.0.9:22", ErrOutOfScope, "outside the scan scope"},
		{"excluded range", "udp", "127.0.1.7:161", ErrOutOfScope, "outside the scan scope"},
		{"excluded behind v4-mapped v6", "tcp", "[::ffff:127.0.0.9]:22", ErrOutOfScope, "outside the scan scope"},
		{"v6 outside scope", "tcp6", "[2001:db8::1]:443", ErrOutOfScope, "outside the scan scope"},
		{"unspecified v4", "tcp", "0.0.0.0:80", ErrOutOfScope, "unspecified address (it would reach this machine)"},
		{"unspecified v6", "tcp", "[::]:80", ErrOutOfScope, "unspecified address (it would reach this machine)"},
		{"multicast", "udp", "239.255.255.250:1900", ErrOutOfScope, "multicast address (segment-wide discovery is not a dial)"},
		{"broadcast", "udp", "255.255.255.255:37020", ErrOutOfScope, "broadcast address"},
		{"host name", "tcp", "localhost:80", ErrBadAddress, ""},
		{"no port", "tcp", "127.0.0.1", ErrBadAddress, ""},
		{"port zero", "tcp", "127.0.0.1:0", ErrBadAddress, ""},
		{"raw network", "ip4:icmp", "127.0.0.1:0", ErrBadAddress, ""},
		{"family mismatch", "tcp6", "127.0.0.1:80", ErrBadAddress, ""},
	}
	rec := &recorder{}
	defer rec.close()
	d := newTestDialer(t, Config{Scope: scope, Base: rec.dial})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := d.DialContext(context.Background(), tt.network, tt.address)
			if c != nil || !errors.Is(err, tt.want) {
				t.Fatalf("DialContext(%s, %s) = %v, %v; want %v", tt.network, tt.address, c, err, tt.want)
			}
			var se *ScopeError
			if tt.reason != "" && (!errors.As(err, &se) || se.Reason != tt.reason) {
				t.Fatalf("error %q: want ScopeError with reason %q", err, tt.reason)
			}
		})
	}
	if n := rec.count(); n != 0 {
		t.Fatalf("Base called %d times for refused addresses, want 0", n)
	}
	if s := d.Stats(); s.OutOfScope != 9 || s.Invalid != 5 || s.Dials != 0 || s.Hosts != 0 {
		t.Fatalf("Stats = %+v, want 9 out of scope, 5 invalid, no dials and no host state", s)
	}

	// In scope, both families: Base is called with the unmapped literal.
	for _, addr := range []string{"127.0.0.1:22", "[::1]:22", "[::ffff:127.0.0.2]:22"} {
		c, err := d.DialContext(context.Background(), "tcp", addr)
		if err != nil {
			t.Fatalf("DialContext(%s): %v", addr, err)
		}
		c.Close()
	}
	var got []string
	for _, c := range rec.snapshot() {
		got = append(got, c.address)
	}
	if strings.Join(got, " ") != "127.0.0.1:22 [::1]:22 127.0.0.2:22" {
		t.Fatalf("Base saw %v", got)
	}
}
