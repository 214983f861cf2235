package lab

import (
	"errors"
	"io"
	"net"
	"net/netip"
	"time"
)

// Time and size bounds of the lab's own servers, so that a misbehaving
// client (or a scanner under test) cannot pin a lab goroutine forever.
const (
	// idleTimeout ends a connection that sent nothing for this long.
	idleTimeout = 10 * time.Second
	// maxRequest caps what the lab reads from one connection.
	maxRequest = 1 << 20
	// udpBuf is the read buffer of one UDP socket: discovery requests are
	// small, and thousands of sockets each hold one.
	udpBuf = 4096
)

// listenLocal binds on the host's own network stack.
func listenLocal(network string, ap netip.AddrPort) (io.Closer, error) {
	if network == "udp" {
		return net.ListenUDP("udp4", net.UDPAddrFromAddrPort(ap))
	}
	return net.ListenTCP("tcp4", net.TCPAddrFromAddrPort(ap))
}

// acceptLoop accepts connections and runs h on each in its own goroutine.
// delay, when set, waits before each Accept (the slow-accept hostile mode:
// the kernel completes the handshake, the reply comes late).
func (l *Lab) acceptLoop(ln net.Listener, h func(net.Conn), delay time.Duration) {
	defer l.wg.Done()
	for {
		if delay > 0 && !l.sleep(delay) {
			return
		}
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of descriptors or a transient error: back off, retry.
			l.log.Debug("lab: accept", "addr", ln.Addr(), "err", err)
			if !l.sleep(50 * time.Millisecond) {
				return
			}
			continue
		}
		if !l.track(c) {
			return
		}
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			defer l.untrack(c)
			h(c)
		}()
	}
}

// track registers an open connection for Close; false (and the connection
// closed) when the lab is closing.
func (l *Lab) track(c net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		c.Close()
		return false
	}
	l.conns[c] = struct{}{}
	return true
}

func (l *Lab) untrack(c net.Conn) {
	c.Close()
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
}

// udpLoop answers each datagram with the handler's replies, sent back to
// the sender's address and port.
func (l *Lab) udpLoop(pc *net.UDPConn, h func(req []byte, from netip.AddrPort) [][]byte) {
	defer l.wg.Done()
	buf := make([]byte, udpBuf)
	for {
		n, from, err := pc.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		for _, out := range h(buf[:n], from) {
			if _, err := pc.WriteToUDPAddrPort(out, from); err != nil {
				l.log.Debug("lab: udp reply", "addr", pc.LocalAddr(), "to", from, "err", err)
			}
		}
	}
}

// finish ends a connection politely: half-close, then drain what the
// client still sends for a moment, so that the kernel does not answer
// unread data with a reset that could destroy the reply in flight.
func finish(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	c.SetReadDeadline(time.Now().Add(time.Second))
	io.Copy(io.Discard, io.LimitReader(c, 64<<10))
	c.Close()
}

// abort ends a connection with a reset (SO_LINGER 0).
func abort(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}

// countingReader counts bytes read into n.
type countingReader struct {
	r io.Reader
	n func(int)
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n(n)
	return n, err
}
