package wire

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/coveredtool/covered/internal/probe"
	"github.com/coveredtool/covered/internal/safedial"
)

type onlyLoopback struct{}

func (onlyLoopback) Contains(a netip.Addr) bool { return a.IsLoopback() }

// TestThroughSafedial: a connection from the scanner's real dialer stays
// usable for the whole exchange (safedial ties it to the dial context), and
// a refusal by scope is an error worth reporting, not "nothing there".
func TestThroughSafedial(t *testing.T) {
	d, err := safedial.New(safedial.Config{Scope: onlyLoopback{}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			time.Sleep(20 * time.Millisecond)
			c.Write([]byte("SSH-2.0-HUAWEI-1.5\r\n"))
			c.Close()
		}
	}()
	ap := netip.MustParseAddrPort(ln.Addr().String())
	c, err := Dial(context.Background(), d, probe.Target{Addr: ap.Addr(), Port: ap.Port(), Transport: "tcp"}, probe.Options{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	line, err := ReadLine(c.Reader(1024), 255)
	if string(line) != "SSH-2.0-HUAWEI-1.5\r\n" || err != nil {
		t.Errorf("ReadLine through safedial = %q, %v", line, err)
	}

	_, err = Dial(context.Background(), d, probe.Target{Addr: netip.MustParseAddr("192.0.2.1"), Port: 22, Transport: "tcp"}, probe.Options{})
	if err == nil || Quiet(err) {
		t.Errorf("out-of-scope dial: error %v, want a reportable one", err)
	}
}
