package tlsprobe

import (
	"bytes"
	"crypto/tls"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"
)

// This package parses no network bytes itself (crypto/tls and crypto/x509
// do); the fuzz target still drives the whole probe with arbitrary server
// bytes, so that its error handling and observation building meet broken,
// truncated and lying handshakes.

// serverFlight records what a TLS 1.2 server sends in answer to our
// ClientHello: ServerHello, Certificate, ServerKeyExchange, ServerHelloDone.
// Replayed to a later handshake it still shows the certificate, since the
// client checks the certificate before the key exchange.
func serverFlight(t testing.TB) []byte {
	t.Helper()
	cert, _ := makeCert(t, nil, nil, hikvisionSubject, big.NewInt(0xab12))
	cli, srv := net.Pipe()
	rec := &recConn{Conn: srv}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = tls.Server(rec, &tls.Config{Certificates: []tls.Certificate{cert}, MaxVersion: tls.VersionTLS12}).Handshake()
		srv.Close()
	}()
	_ = cli.SetDeadline(time.Now().Add(5 * time.Second))
	_ = tls.Client(cli, clientTLS("")).Handshake()
	cli.Close()
	wg.Wait()
	return rec.first()
}

type recConn struct {
	net.Conn
	mu     sync.Mutex // guards writes
	writes [][]byte
}

func (r *recConn) Write(p []byte) (int, error) {
	r.mu.Lock()
	r.writes = append(r.writes, append([]byte(nil), p...))
	r.mu.Unlock()
	return r.Conn.Write(p)
}

// first is the server's first flight (crypto/tls writes it in one call).
func (r *recConn) first() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.writes) == 0 {
		return nil
	}
	return r.writes[0]
}

// TestReplayedFlight: a recorded server flight, replayed, yields the
// certificate; the handshake then fails, which is not an error here.
func TestReplayedFlight(t *testing.T) {
	flight := serverFlight(t)
	tg := serve(t, func(c net.Conn) { _, _ = c.Write(flight); _, _ = c.Read(make([]byte, 1)) })
	got, err := run(tg, time.Second)
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	if len(got) != 3 || got[0].Value != hikvisionRFC4514 || got[2].Value != "ab12" {
		t.Errorf("observations %+v, want the recorded certificate", got)
	}
}

func FuzzServerReply(f *testing.F) {
	flight := serverFlight(f)
	f.Add(flight)
	f.Add(flight[:len(flight)/2])
	f.Add([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
	f.Add([]byte{0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28}) // handshake_failure alert
	f.Add(bytes.Repeat([]byte{0x16, 0x03, 0x03, 0xff, 0xff}, 4))
	f.Fuzz(func(t *testing.T, reply []byte) {
		tg := serve(t, func(c net.Conn) { _, _ = c.Write(reply) })
		start := time.Now()
		got, _ := run(tg, 200*time.Millisecond)
		// Bounded by the 200 ms timeout, with room for a loaded machine;
		// a hang would last until the server's 5 s deadline.
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("probe took %v", d)
		}
		if len(got) > 3 {
			t.Fatalf("%d observations from one certificate", len(got))
		}
	})
}
