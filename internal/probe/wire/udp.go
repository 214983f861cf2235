package wire

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/coveredtool/covered/internal/probe"
)

const (
	// MaxDatagram is the read buffer: larger than any UDP payload (65,507
	// bytes over IPv4, 65,527 over IPv6), so no reply is ever truncated and
	// none can make the probe allocate more.
	MaxDatagram = 64 << 10
	// defaultUDPTimeout bounds one exchange when neither Options.Timeout nor
	// the context says otherwise.
	defaultUDPTimeout = 2 * time.Second
)

// ErrSkip marks a datagram that is not a reply to this request (an echo,
// a late reply to an earlier exchange): ignored, and not nonsense.
var ErrSkip = errors.New("datagram is not a reply to this request")

// ExchangeEnd is when one request/reply exchange must be over:
// Options.Timeout from now, or the context's deadline when that is earlier.
func ExchangeEnd(ctx context.Context, opt probe.Options) time.Time {
	d := opt.Timeout
	if d <= 0 {
		d = defaultUDPTimeout
	}
	end := time.Now().Add(d)
	if dl, ok := ctx.Deadline(); ok && dl.Before(end) {
		end = dl
	}
	return end
}

// Exchange sends req on the connected socket and hands each datagram that
// comes back to accept, until end passes, ctx is done, maxReplies
// datagrams were read (a flood cannot hold the probe), or settle has passed
// since the first accepted reply (settle 0 stops at the first). accept
// returns nil to take a datagram, ErrSkip to ignore it, or another error
// for nonsense. exchange returns how many datagrams were taken and, when
// none was, the first nonsense error: silence or a closed port is no error.
func Exchange(ctx context.Context, conn net.Conn, req []byte, end time.Time, maxReplies int, settle time.Duration, accept func([]byte) error) (int, error) {
	if err := conn.SetDeadline(end); err != nil {
		return 0, nil
	}
	// Cancelling ctx unblocks a pending Read by moving the deadline.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if _, err := conn.Write(req); err != nil {
		return 0, nil // refused or unreachable: a closed port, not an error
	}
	buf := make([]byte, MaxDatagram)
	taken := 0
	var bad error
	for range maxReplies {
		if ctx.Err() != nil {
			break
		}
		n, err := conn.Read(buf)
		if err != nil {
			break // deadline, ICMP unreachable or cancellation: no more replies
		}
		switch err := accept(buf[:n]); {
		case err == nil:
			taken++
			if settle <= 0 {
				return taken, nil
			}
			if taken == 1 {
				if s := time.Now().Add(settle); s.Before(end) {
					_ = conn.SetReadDeadline(s)
				}
			}
		case errors.Is(err, ErrSkip):
		case bad == nil:
			bad = err
		}
	}
	if taken > 0 {
		return taken, nil
	}
	return 0, bad
}

// AskUDP sends req to t over a connected UDP socket from d and hands each
// reply to accept, as Exchange does. It is the whole exchange of discovery
// protocols that ask once and read the answer (SADP, DHIP). Silence, and a
// dial cut short by the context, are not errors; name prefixes dial errors.
func AskUDP(ctx context.Context, d probe.Dialer, t probe.Target, opt probe.Options, name string, req []byte, maxReplies int, accept func([]byte) error) error {
	conn, err := d.DialContext(ctx, "udp", t.HostPort())
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("%s: dial %s: %w", name, t.HostPort(), err)
	}
	defer conn.Close()
	_, err = Exchange(ctx, conn, req, ExchangeEnd(ctx, opt), maxReplies, 0, accept)
	return err
}
