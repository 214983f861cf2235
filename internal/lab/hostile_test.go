package lab

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// TestHostileDevicesMisbehave checks each hostile mode does what it says,
// with a client that bounds its own reads the way the scanner must.
func TestHostileDevicesMisbehave(t *testing.T) {
	var names []string
	ps, err := Profiles()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Truth.Status == StatusHostile {
			names = append(names, p.Name)
		}
	}
	l := startLab(t, Config{Base: netip.MustParseAddr("127.10.30.1"), Profiles: names})
	addr := map[string]netip.Addr{}
	for _, d := range l.Devices() {
		addr[d.Profile] = d.Addr
		if d.Truth.Status != StatusHostile {
			t.Errorf("%s: status %s", d.Profile, d.Truth.Status)
		}
	}
	at := func(profile string, port uint16) string { return netip.AddrPortFrom(addr[profile], port).String() }
	get := func(url string) (*http.Response, []byte, error) {
		c := &http.Client{Timeout: 2 * time.Second}
		resp, err := c.Get(url)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		return resp, b, err
	}

	t.Run("flood", func(t *testing.T) {
		t.Parallel()
		c := dial(t, at("hostile-flood", 80))
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		n, err := io.Copy(io.Discard, io.LimitReader(c, 4<<20))
		if n != 4<<20 {
			t.Errorf("read %d bytes (%v), want an endless stream", n, err)
		}
	})
	t.Run("stall", func(t *testing.T) {
		t.Parallel()
		c := dial(t, at("hostile-stall", 22))
		c.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		n, err := c.Read(make([]byte, 10))
		if n != 0 || !isTimeout(err) {
			t.Errorf("read %d bytes, %v; want a timeout", n, err)
		}
	})
	t.Run("drip", func(t *testing.T) {
		t.Parallel()
		c := dial(t, at("hostile-drip", 22))
		c.SetReadDeadline(time.Now().Add(2500 * time.Millisecond))
		b, _ := io.ReadAll(c)
		if len(b) < 2 || len(b) > 4 || !strings.HasPrefix("SSH-2.0-", string(b)) {
			t.Errorf("2.5 s of drip gave %q", b)
		}
	})
	t.Run("http-lying-length", func(t *testing.T) {
		t.Parallel()
		resp, b, err := get("http://" + at("hostile-lying-length", 80) + "/")
		if !errors.Is(err, io.ErrUnexpectedEOF) || resp.ContentLength != 10000000 || string(b) != "0123456789" {
			t.Errorf("got %v, %q, %v; want 10 of 10000000 bytes, then unexpected EOF", resp, b, err)
		}
	})
	t.Run("dhip-lying-length", func(t *testing.T) {
		t.Parallel()
		ap := netip.MustParseAddrPort(at("hostile-lying-length", 37810))
		reply := exchangeUDP(t, ap, dhipPacket(make([]byte, 8), []byte(`{"method":"DHDiscover.search"}`), 0))
		if !bytes.HasPrefix(reply, dhipMagic) || binary.LittleEndian.Uint32(reply[16:]) != 0x7fffffff || len(reply) > 200 {
			t.Errorf("reply %q", reply)
		}
	})
	t.Run("malformed", func(t *testing.T) {
		t.Parallel()
		if _, _, err := get("http://" + at("hostile-malformed", 80) + "/"); err == nil || !strings.Contains(err.Error(), "malformed HTTP") {
			t.Errorf("error %v, want a malformed HTTP response", err)
		}
		reply := exchangeUDP(t, netip.MustParseAddrPort(at("hostile-malformed", 161)), []byte("anything"))
		if reply[0] != 0x30 || reply[1] != 0x84 {
			t.Errorf("udp reply %x", reply[:8])
		}
	})
	t.Run("oversized", func(t *testing.T) {
		t.Parallel()
		_, _, err := get("http://" + at("hostile-oversized", 80) + "/")
		if err == nil || !strings.Contains(err.Error(), "header") {
			t.Errorf("error %v, want the client's header limit to trip", err)
		}
		c := dial(t, at("hostile-oversized", 80))
		c.Write([]byte("GET / HTTP/1.0\r\n\r\n"))
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, _ := io.Copy(io.Discard, c)
		if n < oversize {
			t.Errorf("read %d bytes, want more than %d", n, oversize)
		}
	})
	t.Run("close-mid-reply", func(t *testing.T) {
		t.Parallel()
		_, _, err := get("http://" + at("hostile-close-mid-reply", 80) + "/")
		if err == nil {
			t.Error("a half reply read cleanly")
		}
		c := dial(t, at("hostile-close-mid-reply", 554))
		c.Write([]byte("OPTIONS rtsp://x/ RTSP/1.0\r\nCSeq: 1\r\n\r\n"))
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		b, err := io.ReadAll(c)
		if !strings.HasPrefix(string(b), "RTSP/1.0 200 OK") && err == nil {
			t.Errorf("read %q, %v", b, err)
		}
	})
	t.Run("slow-accept", func(t *testing.T) {
		t.Parallel()
		start := time.Now()
		c := dial(t, at("hostile-slow-accept", 80))
		if time.Since(start) > time.Second {
			t.Errorf("connect took %v: the kernel should complete the handshake", time.Since(start))
		}
		c.Write([]byte("GET / HTTP/1.0\r\n\r\n"))
		c.SetReadDeadline(time.Now().Add(8 * time.Second))
		b, _ := io.ReadAll(c)
		if d := time.Since(start); d < 2*time.Second || !strings.HasPrefix(string(b), "HTTP/1.1 204") {
			t.Errorf("reply %q after %v; want it late", b, d)
		}
	})
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
