package httpprobe

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
)

// transcript is one device's answers, read from testdata/transcripts/*.txtar
// (the format is described in hikvision_camera.txtar).
type transcript struct {
	responses map[string][]byte // request target -> bytes as served
	fallback  []byte            // served for any other target
	want      []covered.Observation
	requests  []string
}

func loadTranscript(t testing.TB, file string) *transcript {
	t.Helper()
	a, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatalf("read transcript: %v", err)
	}
	tr := &transcript{responses: map[string][]byte{}}
	var want []byte
	for _, f := range a.Files {
		switch f.Name {
		case "want":
			want = f.Data
		case "requests":
			tr.requests = strings.Fields(string(f.Data))
		case "404":
			tr.fallback = wire(t, file, f.Name, f.Data)
		default:
			tr.responses[f.Name] = wire(t, file, f.Name, f.Data)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(string(want)), "\n") {
		key, rest, _ := strings.Cut(line, " ")
		path, value, _ := strings.Cut(rest, " ")
		if value == "" && (key == "http.response" || key == "http.body") {
			raw, ok := tr.responses[path]
			if !ok {
				t.Fatalf("%s: want line %q names no section", file, line)
			}
			head, body := splitWire(raw)
			value = RedactSubscriber(string(body[:min(len(body), maxPrefix)]))
			if key == "http.response" {
				value = string(head) + value
			}
		}
		tr.want = append(tr.want, covered.Observation{Key: key, Path: path, Value: value})
	}
	return tr
}

// wire turns a section into the bytes a device sends: header lines end in
// CRLF, the body is kept as written. A Content-Length that does not match
// the body fails the test, so transcripts cannot lie by mistake.
func wire(t testing.TB, file, name string, data []byte) []byte {
	t.Helper()
	head, body, ok := bytes.Cut(data, []byte("\n\n"))
	if !ok {
		t.Fatalf("%s section %q: no blank line after the header", file, name)
	}
	out := append(bytes.ReplaceAll(append(head, '\n'), []byte("\n"), []byte("\r\n")), "\r\n"...)
	for _, l := range strings.Split(string(head), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, "Content-Length") {
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err != nil || n != len(body) {
				t.Fatalf("%s section %q: Content-Length %s, body has %d bytes", file, name, v, len(body))
			}
		}
	}
	return append(out, body...)
}

func splitWire(raw []byte) (head, body []byte) {
	i := bytes.Index(raw, []byte("\r\n\r\n")) + 4
	return raw[:i], raw[i:]
}

func (tr *transcript) respond(target string) []byte {
	if r, ok := tr.responses[target]; ok {
		return r
	}
	return tr.fallback
}

// server is a loopback device: each connection gets handle, and every
// request that parses is recorded.
type server struct {
	ln   net.Listener
	mu   sync.Mutex // guards reqs and conns
	reqs []*http.Request
	n    int // connections accepted
	wg   sync.WaitGroup
}

// startServer listens on 127.0.0.1:0 (with TLS when cfg is set) and runs
// handle for each connection until the test ends.
func startServer(t testing.TB, cfg *tls.Config, handle func(s *server, c net.Conn)) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	if cfg != nil {
		ln = tls.NewListener(ln, cfg)
	}
	s := &server{ln: ln}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.n++
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				handle(s, c)
			}()
		}
	}()
	t.Cleanup(s.close)
	return s
}

func (s *server) close() {
	s.ln.Close()
	s.wg.Wait()
}

// readRequest parses one request from c and records it.
func (s *server) readRequest(c net.Conn) (*http.Request, error) {
	req, err := http.ReadRequest(bufio.NewReader(c))
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	s.mu.Unlock()
	return req, nil
}

// replay answers each request with respond(target) and closes, as the
// devices in the transcripts do ("Connection: close"). An unparsable
// request gets a 400, as nginx sends to a TLS hello on a plain port.
func replay(respond func(string) []byte) func(*server, net.Conn) {
	return func(s *server, c net.Conn) {
		req, err := s.readRequest(c)
		if err != nil {
			_, _ = c.Write([]byte("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"))
			return
		}
		_, _ = c.Write(respond(req.RequestURI))
	}
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

func (s *server) target() probe.Target {
	ap := netip.MustParseAddrPort(s.ln.Addr().String())
	return probe.Target{Addr: ap.Addr(), Port: ap.Port(), Transport: "tcp"}
}

func (s *server) requests() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*http.Request(nil), s.reqs...)
}

func (s *server) targets() []string {
	var out []string
	for _, r := range s.requests() {
		out = append(out, r.RequestURI)
	}
	return out
}

func (s *server) conns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// run probes t with p through a plain net.Dialer and returns what it emitted.
func run(t testing.TB, p *Prober, tg probe.Target, timeout time.Duration) ([]covered.Observation, error) {
	t.Helper()
	var got []covered.Observation
	err := p.Probe(context.Background(), &net.Dialer{}, tg, probe.Options{Timeout: timeout},
		func(o covered.Observation) { got = append(got, o) })
	return got, err
}

// checkRequests asserts the safety contract on every request a server saw.
func checkRequests(t *testing.T, s *server, host string) {
	t.Helper()
	for _, r := range s.requests() {
		if r.Method != http.MethodGet || r.Proto != "HTTP/1.1" {
			t.Errorf("%s %s %s: want GET over HTTP/1.1", r.Method, r.RequestURI, r.Proto)
		}
		if ua := r.Header.Get("User-Agent"); ua != UserAgent {
			t.Errorf("%s: User-Agent %q, want %q", r.RequestURI, ua, UserAgent)
		}
		if r.Host != host {
			t.Errorf("%s: Host %q, want %q", r.RequestURI, r.Host, host)
		}
		if !r.Close {
			t.Errorf("%s: no Connection: close", r.RequestURI)
		}
		for _, h := range []string{"Authorization", "Cookie", "Accept-Encoding"} {
			if v := r.Header.Get(h); v != "" {
				t.Errorf("%s: sent %s: %q", r.RequestURI, h, v)
			}
		}
		if r.ContentLength > 0 {
			t.Errorf("%s: sent a body", r.RequestURI)
		}
	}
}

func diffObs(t *testing.T, got, want []covered.Observation) {
	t.Helper()
	show := func(os []covered.Observation) string {
		var b strings.Builder
		for _, o := range os {
			v := o.Value
			if len(v) > 120 {
				v = v[:120] + fmt.Sprintf("...(%d bytes)", len(o.Value))
			}
			fmt.Fprintf(&b, "\n  %s %s %q", o.Key, o.Path, v)
		}
		return b.String()
	}
	same := len(got) == len(want)
	for i := 0; same && i < len(got); i++ {
		same = got[i] == want[i]
	}
	if !same {
		t.Errorf("observations differ\ngot:%s\nwant:%s", show(got), show(want))
	}
}

func transcriptFiles(t testing.TB) []string {
	files, err := filepath.Glob("testdata/transcripts/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts: %v", err)
	}
	return files
}

// selfSigned makes a throwaway server certificate for loopback TLS tests.
func selfSigned(t testing.TB, subject pkix.Name) (tls.Certificate, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(0x1f2e3d),
		Subject:      subject,
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, cert
}
