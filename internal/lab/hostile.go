package lab

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/netip"
	"time"
)

// Bounds of the hostile modes: long enough to outlast any sane scanner
// deadline, short enough that a forgotten lab does not run forever.
const (
	hostileLimit = 5 * time.Minute
	slowAccept   = 3 * time.Second
	oversize     = 10 << 20
)

// hostileTCP returns the handler of a misbehaving TCP service.
func (s *service) hostileTCP() (func(net.Conn), time.Duration, error) {
	switch s.svc.Hostile.Mode {
	case HostileFlood:
		return s.flood, 0, nil
	case HostileStall:
		return s.stall, 0, nil
	case HostileDrip:
		return s.drip, 0, nil
	case HostileHTTPLie:
		return s.lyingHTTP, 0, nil
	case HostileMalformed:
		return s.malformed, 0, nil
	case HostileOversized:
		return s.oversized, 0, nil
	case HostileCloseMidReply:
		return s.closeMidReply, 0, nil
	case HostileSlowAccept:
		return s.lateReply, slowAccept, nil
	}
	return nil, 0, fmt.Errorf("hostile mode %q is not a TCP mode", s.svc.Hostile.Mode)
}

// flood sends bytes without end until the client goes away.
func (s *service) flood(c net.Conn) {
	chunk := bytes.Repeat([]byte("FLOOD-0123456789abcdef\r\n"), 2731) // ~64 KiB
	end := time.Now().Add(hostileLimit)
	for time.Now().Before(end) {
		c.SetWriteDeadline(time.Now().Add(idleTimeout))
		if _, err := c.Write(chunk); err != nil {
			break
		}
	}
	abort(c)
}

// stall accepts and never sends; it reads (and drops) until the client
// goes away.
func (s *service) stall(c net.Conn) {
	c.SetReadDeadline(time.Now().Add(hostileLimit))
	io.Copy(io.Discard, io.LimitReader(c, maxRequest))
	abort(c)
}

// drip sends the start of a banner, then one byte per second forever.
func (s *service) drip(c net.Conn) {
	end := time.Now().Add(hostileLimit)
	msg := []byte(s.protoPrefix() + "drip drip drip ")
	for i := 0; time.Now().Before(end); i++ {
		c.SetWriteDeadline(time.Now().Add(idleTimeout))
		if _, err := c.Write(msg[i%len(msg) : i%len(msg)+1]); err != nil {
			break
		}
		if !s.lab.sleep(time.Second) {
			break
		}
	}
	abort(c)
}

// lyingHTTP promises ten million bytes and sends ten.
func (s *service) lyingHTTP(c net.Conn) {
	readSome(c)
	io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 10000000\r\n\r\n0123456789")
	finish(c)
}

// malformed answers with binary garbage where a status or identification
// line belongs.
func (s *service) malformed(c net.Conn) {
	readSome(c)
	c.SetWriteDeadline(time.Now().Add(idleTimeout))
	garbage := []byte("HTTP/9.9 \x00\xff\xfe OK?\r\nSer\x00ver:: \xfe\xfe\xfe\r\n\x01\x02\x03:\r\n")
	for i := range 512 {
		garbage = append(garbage, byte(i*7+3))
	}
	c.Write(garbage)
	finish(c)
}

// oversized sends a 10 MB header line.
func (s *service) oversized(c net.Conn) {
	readSome(c)
	chunk := bytes.Repeat([]byte("a"), 64<<10)
	c.SetWriteDeadline(time.Now().Add(idleTimeout))
	if _, err := io.WriteString(c, s.protoPrefix()+"X-Oversized: "); err != nil {
		abort(c)
		return
	}
	for sent := 0; sent < oversize; sent += len(chunk) {
		c.SetWriteDeadline(time.Now().Add(idleTimeout))
		if _, err := c.Write(chunk); err != nil {
			abort(c)
			return
		}
	}
	io.WriteString(c, "\r\n\r\n")
	finish(c)
}

// closeMidReply sends half a reply, then resets the connection.
func (s *service) closeMidReply(c net.Conn) {
	readSome(c)
	c.SetWriteDeadline(time.Now().Add(idleTimeout))
	io.WriteString(c, s.protoPrefix()+"Content-Length: 4096\r\n\r\n<html><he")
	abort(c)
}

// lateReply is the slow-accept mode's reply, once finally accepted.
func (s *service) lateReply(c net.Conn) {
	readSome(c)
	c.SetWriteDeadline(time.Now().Add(idleTimeout))
	io.WriteString(c, "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
	finish(c)
}

// protoPrefix is the status line the port's protocol would start with.
func (s *service) protoPrefix() string {
	switch s.svc.Port {
	case 22:
		return "SSH-2.0-"
	case 554:
		return "RTSP/1.0 200 OK\r\nCSeq: 1\r\n"
	case 23:
		return ""
	}
	return "HTTP/1.1 200 OK\r\n"
}

// readSome waits briefly for the client's request, so that hostile replies
// come where a reply is expected.
func readSome(c net.Conn) {
	var buf [4096]byte
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	c.Read(buf[:])
}

// hostileUDP answers any datagram with a hostile one.
func (s *service) hostileUDP(req []byte, _ netip.AddrPort) [][]byte {
	switch s.svc.Hostile.Mode {
	case HostileDHIPLie:
		ids := make([]byte, 8)
		if len(req) >= 16 {
			copy(ids, req[8:16])
		}
		return [][]byte{dhipPacket(ids, []byte(`{"method":"client.notifyDevInfo","params":{"deviceInfo":{`), 0x7fffffff)}
	case HostileMalformedUDP:
		out := []byte{0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x02, 0x01}
		for i := range 256 {
			out = append(out, byte(i*13+5))
		}
		return [][]byte{out}
	}
	return nil
}
