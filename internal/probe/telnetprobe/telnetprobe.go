// Package telnetprobe is the Telnet probe of the discovery stage. Telnet
// servers of embedded devices greet with a banner and a login prompt that
// often name the maker or model ("ZXHN H108N\r\nLogin:", Huawei's "Warning:
// Telnet is not a secure protocol..."); the probe reports that text as
// telnet.banner.
//
// What it sends: only refusals of option negotiation (WONT for each DO,
// DONT for each WILL, RFC 854/855), so that the server moves on to its
// banner. It never sends a username, a password or any other text. On port
// 9527 (the HiSilicon/Xiongmai debug console) it sends nothing at all: it
// connects and reads.
package telnetprobe

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
	"github.com/coveredtool/covered/internal/probe/wire"
)

const (
	// maxText caps the banner: login banners are a few hundred bytes.
	maxText = 2 << 10
	// maxRaw caps all bytes read, negotiation included, so that a server
	// that negotiates forever costs a bounded amount.
	maxRaw = 16 << 10
	// defaultIdle: see Prober.Idle.
	defaultIdle = time.Second
	// readOnlyPort is the HiSilicon/Xiongmai debug console (shared/domain
	// README §7-8): observed, never talked to.
	readOnlyPort = 9527
)

// Prober is the Telnet probe.
type Prober struct {
	// Idle ends the read when the server has sent some text and then
	// nothing for this long, for banners without a recognisable prompt.
	// Zero means one second. It never extends the exchange deadline.
	Idle time.Duration
}

var _ probe.Probe = (*Prober)(nil)

func init() { probe.Register(&Prober{}) }

// Name implements probe.Probe.
func (*Prober) Name() string { return "telnet" }

// Transport implements probe.Probe.
func (*Prober) Transport() string { return "tcp" }

// Ports implements probe.Probe: 23, 2323 (the usual alternative on
// routers and IoT devices) and 9527 (HiSilicon/Xiongmai console).
func (*Prober) Ports() []uint16 { return []uint16{23, 2323, readOnlyPort} }

// Probe implements probe.Probe.
func (p *Prober) Probe(ctx context.Context, d probe.Dialer, t probe.Target, opt probe.Options, emit probe.Emit) error {
	t.Transport = "tcp"
	c, err := wire.Dial(ctx, d, t, opt)
	if err != nil {
		if wire.Quiet(err) {
			return nil
		}
		return fmt.Errorf("telnet %s: %w", t.HostPort(), err)
	}
	defer c.Close()
	idle := p.Idle
	if idle <= 0 {
		idle = defaultIdle
	}
	text, err := read(c, idle, t.Port != readOnlyPort)
	if len(bytes.TrimSpace(text)) > 0 {
		emit(covered.Observation{Key: "telnet.banner", Value: string(text), Port: int(t.Port), Transport: "tcp"})
	}
	if !wire.Quiet(err) {
		return fmt.Errorf("telnet %s: %w", t.HostPort(), err)
	}
	return nil
}

// read collects banner text until a prompt, the text cap, the raw cap, the
// peer hanging up, the deadline, or idle time without bytes once some text
// has arrived. When answer is set it writes the refusals nvt works out.
func read(c *wire.Conn, idle time.Duration, answer bool) ([]byte, error) {
	var (
		n     nvt
		text  []byte
		reply []byte
		raw   int
		buf   = make([]byte, 1024)
	)
	for raw < maxRaw && len(text) < maxText {
		var err error
		if len(text) > 0 {
			err = c.ReadWithin(idle)
		} else {
			err = c.SetReadDeadline(c.Deadline)
		}
		if err != nil {
			return text, err
		}
		k, err := c.Read(buf[:min(len(buf), maxRaw-raw)])
		raw += k
		text, reply = n.decode(text, reply[:0], buf[:k])
		if len(reply) > 0 && answer {
			if _, werr := c.Write(reply); werr != nil {
				return capText(text), werr
			}
		}
		if err != nil {
			return capText(text), err
		}
		if k > 0 && atPrompt(text) {
			break
		}
	}
	return capText(text), nil
}

func capText(b []byte) []byte { return b[:min(len(b), maxText)] }
