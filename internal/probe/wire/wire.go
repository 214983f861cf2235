// Package wire holds the few pieces every banner-style probe of the
// discovery stage needs: a connection whose exchange deadline comes from the
// caller, bounded line and header readers, and the rule for which network
// errors are just "nothing there". It exists so that each <proto>probe
// package stays about its protocol while all of them read the network the
// same bounded way.
package wire

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/coveredtool/covered/internal/probe"
)

// DefaultTimeout bounds one exchange when neither the context nor
// probe.Options.Timeout give a deadline, so that no probe can wait forever.
const DefaultTimeout = 5 * time.Second

// Deadline is the end of one exchange: the earlier of ctx's deadline and
// now+timeout (DefaultTimeout when timeout is not positive). The caller owns
// the deadline; probes only ever shorten it.
func Deadline(ctx context.Context, timeout time.Duration) time.Time {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	end := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(end) {
		end = d
	}
	return end
}

// Conn is a probe's connection to one target. Its deadline is already set;
// cancelling the context given to Dial unblocks any pending read or write.
type Conn struct {
	net.Conn
	// Deadline is the end of the whole exchange.
	Deadline time.Time
	stop     func() bool
	cancel   context.CancelFunc
}

// Dial connects to t over t.Transport through d, the only way probes reach
// the network, with the exchange deadline from Deadline applied to both the
// connect and the connection. The dial context lives until Close, because
// a Dialer may tie the connection to it (internal/safedial does).
func Dial(ctx context.Context, d probe.Dialer, t probe.Target, opt probe.Options) (*Conn, error) {
	end := Deadline(ctx, opt.Timeout)
	dctx, cancel := context.WithDeadline(ctx, end)
	network := t.Transport
	if network == "" {
		network = "tcp"
	}
	c, err := d.DialContext(dctx, network, t.HostPort())
	if err != nil {
		cancel()
		return nil, err
	}
	if err := c.SetDeadline(end); err != nil {
		c.Close()
		cancel()
		return nil, err
	}
	// A past deadline wakes a blocked Read or Write when the scan is
	// cancelled; Close alone is not guaranteed to on every net.Conn.
	stop := context.AfterFunc(dctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	return &Conn{Conn: c, Deadline: end, stop: stop, cancel: cancel}, nil
}

// Close releases the context and closes the connection.
func (c *Conn) Close() error {
	c.stop()
	err := c.Conn.Close()
	c.cancel()
	return err
}

// ReadWithin shortens the read deadline to now+d (never past Deadline), for
// probes that stop reading once a device goes quiet.
func (c *Conn) ReadWithin(d time.Duration) error {
	end := time.Now().Add(d)
	if c.Deadline.Before(end) {
		end = c.Deadline
	}
	return c.SetReadDeadline(end)
}

// Reader returns a buffered reader that yields at most limit bytes of the
// connection in total, so that a flooding device costs at most limit bytes.
func (c *Conn) Reader(limit int64) *bufio.Reader {
	return bufio.NewReaderSize(io.LimitReader(c.Conn, limit), 1024)
}

// Quiet reports whether err only means the target had nothing (more) to
// say: a closed or filtered port, a reset, a timeout, or a cancelled scan.
// Probes return nil for these (probe.Probe contract) and wrap the rest.
func Quiet(err error) bool {
	if err == nil {
		return true
	}
	var ne net.Error
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, net.ErrClosed),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNABORTED),
		errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return true
	case errors.As(err, &ne) && ne.Timeout():
		return true
	}
	return false
}
