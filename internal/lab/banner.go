package lab

import (
	"bufio"
	"io"
	"net"
	"strings"
	"time"
)

// serveSSH sends the identification string (RFC 4253 §4.2), reads the
// client's, and closes: enough for banner grabbing, no key exchange.
func (s *service) serveSSH(c net.Conn) {
	c.SetDeadline(time.Now().Add(idleTimeout))
	if _, err := io.WriteString(c, s.text(s.svc.SSH)+"\r\n"); err != nil {
		return
	}
	br := bufio.NewReaderSize(io.LimitReader(c, 255), 256)
	br.ReadString('\n')
	finish(c)
}

// telnetNegotiation is IAC WILL ECHO, IAC WILL SUPPRESS-GO-AHEAD (RFC 854,
// 857, 858): what a login-prompting telnetd offers first.
const telnetNegotiation = "\xff\xfb\x01\xff\xfb\x03"

// serveTelnet shows the banner and prompt and closes on the first input or
// after idleTimeout. It never reads a user name: no login is possible.
func (s *service) serveTelnet(c net.Conn) {
	t := s.svc.Telnet
	out := s.text(&t.Banner)
	if t.Negotiate {
		out = telnetNegotiation + out
	}
	c.SetDeadline(time.Now().Add(idleTimeout))
	if _, err := io.WriteString(c, out); err != nil {
		return
	}
	var buf [512]byte
	c.Read(buf[:])
	finish(c)
}

// serveFTP sends the greeting and answers QUIT with 221 and every other
// command with 530 (RFC 959): no login is possible.
func (s *service) serveFTP(c net.Conn) {
	c.SetWriteDeadline(time.Now().Add(idleTimeout))
	if _, err := io.WriteString(c, s.text(s.svc.FTP)+"\r\n"); err != nil {
		return
	}
	br := bufio.NewReaderSize(io.LimitReader(c, 64<<10), 1024)
	for range 20 {
		c.SetDeadline(time.Now().Add(idleTimeout))
		line, err := br.ReadString('\n')
		if err != nil {
			break
		}
		cmd, _, _ := strings.Cut(strings.TrimSpace(line), " ")
		if strings.EqualFold(cmd, "QUIT") {
			io.WriteString(c, "221 Goodbye.\r\n")
			break
		}
		if _, err := io.WriteString(c, "530 Please login with USER and PASS.\r\n"); err != nil {
			return
		}
	}
	finish(c)
}

// serveRaw is a vendor port that is only opened: it sends the documented
// hello if any, counts what the client sends and closes when the client
// does or after idleTimeout. It never interprets input.
func (s *service) serveRaw(c net.Conn) {
	r := s.svc.Raw
	if r.Close {
		c.Close()
		return
	}
	c.SetDeadline(time.Now().Add(idleTimeout))
	if hello := r.Hello.Bytes(); len(hello) > 0 {
		if _, err := c.Write(hello); err != nil {
			return
		}
	}
	counter := s.dev.received[s.svc.Port]
	io.Copy(io.Discard, countingReader{io.LimitReader(c, maxRequest), func(n int) { counter.Add(int64(n)) }})
	finish(c)
}
