// Package vendorprobe is the discovery-stage probe for the binary ports of
// video-surveillance vendors, where the only safe thing to do is listen:
//
//   - 8000/tcp, the Hikvision SDK port: the device speaks first (the nmap
//     NULL probe, which sends nothing, matches it; shared/domain
//     signals_other.csv);
//   - 37777/tcp, the Dahua SDK port: many devices send nothing until a
//     client logs in;
//   - 9530/tcp and 34567/tcp, HiSilicon/Xiongmai DVR firmware (the 2020
//     backdoor activation listener and the XMEye NetSDK port): observe only,
//     never send an activation string (shared/domain README §8).
//
// What it sends: nothing. It connects, reads what the device volunteers
// within a short time, and hangs up. No vendor hello is sent because no
// public document of one was found for these ports; inventing protocol
// bytes is exactly what a safe scanner must not do.
//
// Vocabulary extension: this package emits the key tcp.banner, not in
// DESIGN's v1 table: the first bytes a TCP service sent unprompted, raw
// (capped at 512 bytes; the observation writer spells non-UTF-8 values as
// "hex:..."), with Port and Transport "tcp" set, since the port is what
// gives the bytes their meaning. Nothing is emitted when no bytes arrive:
// open ports are the scanner's record, not this probe's.
package vendorprobe

import (
	"context"
	"fmt"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
	"github.com/coveredtool/covered/internal/probe/wire"
)

const (
	// Key is the observation key this probe adds to the vocabulary.
	Key = "tcp.banner"
	// maxBanner caps what is kept of the first bytes.
	maxBanner = 512
	// defaultWait and defaultIdle: see Prober.
	defaultWait = 2 * time.Second
	defaultIdle = 300 * time.Millisecond
)

// Prober is the listen-only probe for vendor binary ports.
type Prober struct {
	// Wait is how long to wait for the first byte (zero: 2s); devices
	// that speak first do so at once, and most of the others never will.
	Wait time.Duration
	// Idle ends the read when no more bytes came for this long after the
	// first ones (zero: 300ms). Neither extends the exchange deadline.
	Idle time.Duration
}

var _ probe.Probe = (*Prober)(nil)

func init() { probe.Register(&Prober{}) }

// Name implements probe.Probe.
func (*Prober) Name() string { return "vendor" }

// Transport implements probe.Probe.
func (*Prober) Transport() string { return "tcp" }

// Ports implements probe.Probe.
func (*Prober) Ports() []uint16 { return []uint16{8000, 9530, 34567, 37777} }

// Probe implements probe.Probe.
func (p *Prober) Probe(ctx context.Context, d probe.Dialer, t probe.Target, opt probe.Options, emit probe.Emit) error {
	t.Transport = "tcp"
	c, err := wire.Dial(ctx, d, t, opt)
	if err != nil {
		if wire.Quiet(err) {
			return nil
		}
		return fmt.Errorf("vendor %s: %w", t.HostPort(), err)
	}
	defer c.Close()
	b, err := listen(c, or(p.Wait, defaultWait), or(p.Idle, defaultIdle))
	if len(b) > 0 {
		emit(covered.Observation{Key: Key, Value: string(b), Port: int(t.Port), Transport: "tcp"})
	}
	if wire.Quiet(err) {
		return nil
	}
	return fmt.Errorf("vendor %s: %w", t.HostPort(), err)
}

// listen reads up to maxBanner bytes: the first within wait, later ones
// each within idle of the one before.
func listen(c *wire.Conn, wait, idle time.Duration) ([]byte, error) {
	buf := make([]byte, maxBanner)
	n := 0
	for n < len(buf) {
		d := idle
		if n == 0 {
			d = wait
		}
		if err := c.ReadWithin(d); err != nil {
			return buf[:n], err
		}
		k, err := c.Read(buf[n:])
		n += k
		if err != nil {
			return buf[:n], err
		}
	}
	return buf[:n], nil
}

func or(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
