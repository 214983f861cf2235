package safedial

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// Hostile devices, all on loopback. Timeouts are short (100 ms) and every
// assertion is about what came back, never about how long it took: a
// broken bound shows up as the wrong bytes or a test timeout.

func stall(c net.Conn) { io.Copy(io.Discard, c) } // reads, never answers

// drip sends one byte a second, forever, and reports the first one sent.
func drip(sent chan<- struct{}) func(net.Conn) {
	return func(c net.Conn) {
		for {
			if _, err := c.Write([]byte("x")); err != nil {
				return
			}
			select {
			case sent <- struct{}{}:
			default:
			}
			time.Sleep(time.Second)
		}
	}
}

func flood(c net.Conn) { // as fast as the socket takes it
	buf := bytes.Repeat([]byte("A"), 64<<10)
	for {
		if _, err := c.Write(buf); err != nil {
			return
		}
	}
}

func dial(t *testing.T, d *Dialer, ctx context.Context, addr string) net.Conn {
	t.Helper()
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestIdleTimeout(t *testing.T) {
	tests := []struct {
		name string
		drip bool
		want string // bytes read before the timeout
	}{
		{"stall", false, ""},
		{"drip one byte a second", true, "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			handle, sent := stall, make(chan struct{}, 1)
			if tt.drip {
				handle = drip(sent)
			}
			addr := serve(t, "127.0.0.1:0", handle)
			d := newTestDialer(t, Config{ReadTimeout: 100 * time.Millisecond})
			c := dial(t, d, context.Background(), addr)
			if tt.drip {
				<-sent // the first byte is waiting, the next is a second away
			}
			got, err := ReadCapped(c, 1024)
			if !errors.Is(err, ErrIdleTimeout) || !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("err = %v, want ErrIdleTimeout matching os.ErrDeadlineExceeded", err)
			}
			if string(got) != tt.want {
				t.Fatalf("read %q before the timeout, want %q", got, tt.want)
			}
			if s := d.Stats(); s.Timeouts != 1 || s.BytesRead != int64(len(tt.want)) {
				t.Fatalf("Stats Timeouts = %d, BytesRead = %d", s.Timeouts, s.BytesRead)
			}
		})
	}
}

// deadlineConn records the read deadlines set on it.
type deadlineConn struct {
	net.Conn
	mu  sync.Mutex // guards set
	set []time.Time
}

func (c *deadlineConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	c.set = append(c.set, t)
	c.mu.Unlock()
	return c.Conn.SetReadDeadline(t)
}

func (c *deadlineConn) last() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.set[len(c.set)-1]
}

// Every Read gets its own deadline: the earliest of now+ReadTimeout, the
// dial context's deadline and the caller's deadline.
func TestFreshDeadlinePerRead(t *testing.T) {
	var conns []*deadlineConn
	base := func(ctx context.Context, network, address string) (net.Conn, error) {
		client, server := net.Pipe()
		t.Cleanup(func() { server.Close() })
		go io.Copy(server, strings.NewReader("abcdef"))
		dc := &deadlineConn{Conn: client}
		conns = append(conns, dc)
		return dc, nil
	}
	const idle = time.Hour
	d := newTestDialer(t, Config{ReadTimeout: idle, Base: base})
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(2*idle))
	defer cancel()
	c := dial(t, d, ctx, "127.0.0.1:80")
	buf := make([]byte, 1)
	for i := range 3 {
		before := time.Now()
		if _, err := c.Read(buf); err != nil {
			t.Fatal(err)
		}
		after := time.Now()
		if got := conns[0].last(); got.Before(before.Add(idle)) || got.After(after.Add(idle)) {
			t.Fatalf("read %d: deadline %v is not now+ReadTimeout (between %v and %v)", i, got, before.Add(idle), after.Add(idle))
		}
	}
	if n := len(conns[0].set); n != 3 {
		t.Fatalf("%d deadlines set for 3 reads", n)
	}

	// A context deadline sooner than the idle timeout wins.
	ctxDeadline := time.Now().Add(idle / 2)
	ctx2, cancel2 := context.WithDeadline(context.Background(), ctxDeadline)
	defer cancel2()
	c2 := dial(t, d, ctx2, "127.0.0.1:80")
	if _, err := c2.Read(buf); err != nil {
		t.Fatal(err)
	}
	if got := conns[1].last(); !got.Equal(ctxDeadline) {
		t.Fatalf("deadline %v, want the context's %v", got, ctxDeadline)
	}

	// So does the caller's own...
	mine := time.Now().Add(time.Minute)
	c2.SetReadDeadline(mine)
	if _, err := c2.Read(buf); err != nil {
		t.Fatal(err)
	}
	if got := conns[1].last(); !got.Equal(mine) {
		t.Fatalf("deadline %v, want the caller's %v", got, mine)
	}
	// ...but it cannot lengthen the bound.
	c2.SetReadDeadline(time.Now().Add(10 * idle))
	if _, err := c2.Read(buf); err != nil {
		t.Fatal(err)
	}
	if got := conns[1].last(); !got.Equal(ctxDeadline) {
		t.Fatalf("caller's later deadline gave %v, want the context's %v", got, ctxDeadline)
	}
}

func TestByteCapFlood(t *testing.T) {
	addr := serve(t, "127.0.0.1:0", flood)
	d := newTestDialer(t, Config{MaxRead: 4096})
	c := dial(t, d, context.Background(), addr)
	got, err := ReadCapped(c, 1<<20)
	if !errors.Is(err, ErrReadCap) || len(got) != 4096 {
		t.Fatalf("read %d bytes, err %v; want 4096 bytes and ErrReadCap", len(got), err)
	}
	if _, err := c.Read(make([]byte, 10)); !errors.Is(err, ErrReadCap) {
		t.Fatalf("read after the cap: %v, want ErrReadCap", err)
	}
	if s := d.Stats(); s.BytesRead != 4096 || s.CapHits != 1 {
		t.Fatalf("Stats BytesRead = %d, CapHits = %d; want 4096, 1", s.BytesRead, s.CapHits)
	}
}

func TestCloseMidReply(t *testing.T) {
	tests := []struct {
		name    string
		reply   string
		reset   bool
		read    func(net.Conn) ([]byte, error)
		want    string
		wantErr error
	}{
		{"half a banner line", "SSH-2.0-Hik", false,
			func(c net.Conn) ([]byte, error) { return ReadLine(bufio.NewReader(c), 256) },
			"SSH-2.0-Hik", io.ErrUnexpectedEOF},
		{"frame shorter than its length", "0123456789", false,
			func(c net.Conn) ([]byte, error) { return ReadFrame(c, 100, 1000) },
			"0123456789", io.ErrUnexpectedEOF},
		{"reset mid header block", "RTSP/1.0 200 OK\r\nCSeq: 1\r\n", true,
			func(c net.Conn) ([]byte, error) { return ReadUntil(bufio.NewReader(c), []byte("\r\n\r\n"), 4096) },
			"RTSP/1.0 200 OK\r\nCSeq: 1\r\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := serve(t, "127.0.0.1:0", func(c net.Conn) {
				// Answer a request, so the reset cannot race the
				// client's connect.
				if _, err := bufio.NewReader(c).ReadString('\n'); err != nil {
					return
				}
				c.Write([]byte(tt.reply))
				if tt.reset {
					c.(*net.TCPConn).SetLinger(0)
				}
				c.Close()
			})
			quiet := serve(t, "127.0.0.1:0", stall)
			d := newTestDialer(t, Config{HostConcurrency: 1, ReadTimeout: 5 * time.Second})
			c := dial(t, d, context.Background(), addr)
			if _, err := c.Write([]byte("OPTIONS * RTSP/1.0\r\n")); err != nil {
				t.Fatal(err)
			}
			got, err := tt.read(c)
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.reset && !errors.Is(err, io.ErrUnexpectedEOF) && !strings.Contains(err.Error(), "reset") {
				t.Fatalf("err = %v, want a reset or an unexpected EOF", err)
			}
			if !tt.reset && string(got) != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			// The slot came back: with a cap of 1 per host, the next dial
			// to the same address proceeds (a quiet server, so the
			// dial cannot race a reset).
			c.Close()
			dial(t, d, context.Background(), quiet).Close()
		})
	}
}

// Cancelling the dial context unblocks a Read at once, whether it lands
// before the Read arms its deadline or during the Read.
func TestCancelUnblocksRead(t *testing.T) {
	addr := serve(t, "127.0.0.1:0", stall)
	d := newTestDialer(t, Config{ReadTimeout: time.Hour, Clock: newFakeClock(true)}) // pacing must not eat the 100 ms deadline
	ctx, cancel := context.WithCancel(context.Background())
	c := dial(t, d, ctx, addr)
	res := make(chan error, 1)
	go func() { _, err := c.Read(make([]byte, 1)); res <- err }()
	cancel()
	if err := <-res; !errors.Is(err, context.Canceled) {
		t.Fatalf("Read after cancel: %v, want context.Canceled", err)
	}
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, context.Canceled) {
		t.Fatalf("later Read: %v, want context.Canceled", err)
	}

	// A context deadline is reported as such, not as an idle timeout.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel2()
	c2 := dial(t, d, ctx2, addr)
	if _, err := c2.Read(make([]byte, 1)); !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrIdleTimeout) {
		t.Fatalf("Read past the context deadline: %v, want DeadlineExceeded", err)
	}
	if s := d.Stats(); s.Timeouts != 0 {
		t.Fatalf("Stats Timeouts = %d; the caller's deadlines are not idle timeouts", s.Timeouts)
	}
	c.Close()
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Read after Close: %v, want net.ErrClosed", err)
	}
}
