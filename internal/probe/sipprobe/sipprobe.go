// Package sipprobe is the SIP probe of the discovery stage. VoIP gateways,
// softswitches, home gateways with phone ports and door stations answer a
// SIP OPTIONS request with Server or User-Agent headers that name the
// product ("Huawei SoftX3000 V300R010", "HUAWEI-EchoLife HG8121H/...",
// "F660/V2.22..."); the probe reports them as sip.header.server and
// sip.header.user_agent.
//
// What it sends: one well-formed OPTIONS request (RFC 3261 §11), over UDP
// (probe "sip") or TCP (probe "sip-tcp"), and nothing else: no REGISTER,
// no INVITE, no credentials.
package sipprobe

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"strconv"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
	"github.com/coveredtool/covered/internal/probe/wire"
)

const (
	// maxMessage caps one response head (and one datagram read); SIP
	// responses to OPTIONS are well under 2 KiB.
	maxMessage = 8 << 10
	// maxMessages bounds how many responses (provisional ones, strays) we
	// read before giving up on a final answer.
	maxMessages = 8
	userAgent   = "covered"
)

// Prober is the SIP probe for one transport.
type Prober struct {
	network string // "udp" or "tcp"
}

// UDP and TCP are the registered SIP probes.
var (
	UDP = &Prober{network: "udp"}
	TCP = &Prober{network: "tcp"}
)

var _ probe.Probe = (*Prober)(nil)

func init() {
	probe.Register(UDP)
	probe.Register(TCP)
}

// Name implements probe.Probe: "sip" over UDP (where nearly all devices
// listen), "sip-tcp" over TCP.
func (p *Prober) Name() string {
	if p.network == "tcp" {
		return "sip-tcp"
	}
	return "sip"
}

// Transport implements probe.Probe.
func (p *Prober) Transport() string { return p.network }

// Ports implements probe.Probe.
func (*Prober) Ports() []uint16 { return []uint16{5060} }

// Probe implements probe.Probe.
func (p *Prober) Probe(ctx context.Context, d probe.Dialer, t probe.Target, opt probe.Options, emit probe.Emit) error {
	t.Transport = p.network
	c, err := wire.Dial(ctx, d, t, opt)
	if err != nil {
		if wire.Quiet(err) {
			return nil
		}
		return fmt.Errorf("sip %s/%s: %w", t.HostPort(), p.network, err)
	}
	defer c.Close()
	remote := t.HostPort()
	if t.Hostname != "" {
		remote = net.JoinHostPort(t.Hostname, strconv.Itoa(int(t.Port)))
	}
	id := NewIDs()
	if _, err := c.Write(Request(p.network, c.LocalAddr().String(), remote, id)); err != nil {
		if wire.Quiet(err) {
			return nil
		}
		return fmt.Errorf("sip %s/%s: %w", t.HostPort(), p.network, err)
	}
	next := datagrams(c)
	if p.network == "tcp" {
		next = stream(c.Reader(maxMessages * maxMessage))
	}
	resp, err := await(next, id)
	if resp.Code != 0 {
		for _, h := range []struct{ name, key string }{{"Server", "sip.header.server"}, {"User-Agent", "sip.header.user_agent"}} {
			if v, _ := resp.get(h.name); v != "" {
				emit(covered.Observation{Key: h.key, Value: v, Port: int(t.Port), Transport: p.network})
			}
		}
		return nil
	}
	if wire.Quiet(err) {
		return nil
	}
	return fmt.Errorf("sip %s/%s: %w", t.HostPort(), p.network, err)
}

// await reads responses until a final one (2xx-6xx) to our request, and
// returns it, or the last provisional one when no final one came. It skips
// responses to other requests and, while a real one may still come,
// answers that are not SIP; the error says why it stopped without one.
func await(next func() ([]byte, error), id IDs) (Response, error) {
	var (
		best    Response
		lastErr error
	)
	for range maxMessages {
		b, err := next()
		if len(b) > 0 {
			r, perr := ParseResponse(b)
			switch {
			case perr != nil:
				lastErr = perr
			case r.answers(id):
				best = r
				if r.Code >= 200 {
					return best, nil
				}
			}
		}
		if err != nil {
			if lastErr == nil || !wire.Quiet(err) {
				lastErr = err
			}
			break
		}
	}
	return best, lastErr
}

// datagrams reads one datagram per call; a datagram longer than the buffer
// is cut, which only loses the end of its head.
func datagrams(c net.Conn) func() ([]byte, error) {
	buf := make([]byte, maxMessage)
	return func() ([]byte, error) {
		n, err := c.Read(buf)
		return buf[:n], err
	}
}

// stream reads one response head per call from a TCP stream and skips its
// body (Content-Length is mandatory over streams, RFC 3261 §18.3). A head
// cut short is returned without its partial last line, so possibly empty.
func stream(r *bufio.Reader) func() ([]byte, error) {
	return func() ([]byte, error) {
		raw, err := wire.ReadHeader(r, maxMessage)
		if err != nil {
			// Whole lines only: half a line is too little to judge.
			return raw[:bytes.LastIndexByte(raw, '\n')+1], err
		}
		resp, perr := ParseResponse(raw)
		if perr != nil {
			return raw, nil
		}
		if v, ok := resp.get("Content-Length"); ok {
			n, cerr := strconv.Atoi(v)
			if cerr != nil || n < 0 || n > maxMessage {
				return raw, fmt.Errorf("body of %q bytes: %w", v, wire.ErrHeaderTooLarge)
			}
			if _, err := r.Discard(n); err != nil {
				return raw, err
			}
		}
		return raw, nil
	}
}
