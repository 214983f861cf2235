package httpprobe

import (
	"crypto/tls"
	"crypto/x509/pkix"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
)

func TestRegistered(t *testing.T) {
	ps := probe.ForPort("tcp", 80)
	if !slices.ContainsFunc(ps, func(p probe.Probe) bool { return p.Name() == "http" }) {
		t.Fatalf("http probe not registered for tcp/80")
	}
	if slices.Contains(New().Ports(), 8000) {
		t.Errorf("port 8000 is Hikvision's binary SDK port; the http probe must not claim it")
	}
}

// TestTranscripts replays each recorded device and asserts exactly what the
// probe reports and which pages it asks for.
func TestTranscripts(t *testing.T) {
	for _, file := range transcriptFiles(t) {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			tr := loadTranscript(t, file)
			s := startServer(t, nil, replay(tr.respond))
			got, err := run(t, New(), s.target(), 2*time.Second)
			if err != nil {
				t.Fatalf("Probe: %v", err)
			}
			diffObs(t, got, tr.want)
			if got, want := s.targets(), tr.requests; !slices.Equal(got, want) {
				t.Errorf("requests\ngot  %q\nwant %q", got, want)
			}
			checkRequests(t, s, s.ln.Addr().String())
		})
	}
}

// TestHTTPS speaks TLS on a port configured for it; what comes back is the
// same as over plain HTTP.
func TestHTTPS(t *testing.T) {
	tr := loadTranscript(t, "testdata/transcripts/zte_ont.txtar")
	cert, _ := selfSigned(t, pkix.Name{CommonName: "192.168.1.1"})
	s := startServer(t, &tls.Config{Certificates: []tls.Certificate{cert}}, replay(tr.respond))
	p := New()
	p.tlsPorts[s.target().Port] = true
	got, err := run(t, p, s.target(), 2*time.Second)
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	diffObs(t, got, tr.want)
	if got := s.targets(); !slices.Equal(got, tr.requests) {
		t.Errorf("requests %q, want %q", got, tr.requests)
	}
	checkRequests(t, s, s.ln.Addr().String())
}

// TestPlainOnTLSPort: a port expected to speak TLS that answers the hello
// in plain HTTP gets one plain request sequence instead.
func TestPlainOnTLSPort(t *testing.T) {
	tr := loadTranscript(t, "testdata/transcripts/zte_ont.txtar")
	s := startServer(t, nil, replay(tr.respond))
	p := New()
	p.tlsPorts[s.target().Port] = true
	got, err := run(t, p, s.target(), 2*time.Second)
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	diffObs(t, got, tr.want)
	if got := s.targets(); !slices.Equal(got, tr.requests) {
		t.Errorf("requests %q, want %q", got, tr.requests)
	}
	if got, want := s.conns(), len(tr.requests)+1; got != want {
		t.Errorf("%d connections, want %d (one TLS hello, then plain requests)", got, want)
	}
}

func TestHostHeader(t *testing.T) {
	tr := loadTranscript(t, "testdata/transcripts/nginx.txtar")
	s := startServer(t, nil, replay(tr.respond))
	tg := s.target()
	tg.Hostname = "cam01.example.net"
	if _, err := run(t, New(), tg, 2*time.Second); err != nil {
		t.Fatalf("Probe: %v", err)
	}
	// The name is sent as Host; the connection still goes to the address.
	checkRequests(t, s, "cam01.example.net:"+strings.Split(s.ln.Addr().String(), ":")[1])
}

func TestSessionHost(t *testing.T) {
	for _, tc := range []struct {
		name string
		t    probe.Target
		tls  bool
		want string
	}{
		{"ipv4 default port", tgt("192.0.2.7", 80, ""), false, "192.0.2.7"},
		{"ipv4 other port", tgt("192.0.2.7", 8080, ""), false, "192.0.2.7:8080"},
		{"https default port", tgt("192.0.2.7", 443, ""), true, "192.0.2.7"},
		{"https on 80", tgt("192.0.2.7", 80, ""), true, "192.0.2.7:80"},
		{"ipv6 default port", tgt("2001:db8::7", 80, ""), false, "[2001:db8::7]"},
		{"ipv6 other port", tgt("2001:db8::7", 8443, ""), true, "[2001:db8::7]:8443"},
		{"ipv6 zone dropped", tgt("fe80::1%eth0", 80, ""), false, "[fe80::1]"},
		{"hostname", tgt("192.0.2.7", 80, "nvr.example"), false, "nvr.example"},
		{"hostname other port", tgt("192.0.2.7", 8081, "nvr.example"), false, "nvr.example:8081"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSession(nil, tc.t, probe.Options{}, tc.tls)
			if s.host != tc.want {
				t.Errorf("host %q, want %q", s.host, tc.want)
			}
			if s.addr != tc.t.HostPort() {
				t.Errorf("dials %q, want %q", s.addr, tc.t.HostPort())
			}
		})
	}
}

// TestChunkedResponse: http.response keeps the header block as sent and the
// body with its transfer coding removed.
func TestChunkedResponse(t *testing.T) {
	head := "HTTP/1.1 200 OK\r\nserver: Webs\r\nTransfer-Encoding: chunked\r\nconnection: close\r\n\r\n"
	s := startServer(t, nil, replay(func(string) []byte {
		return []byte(head + "7\r\n<title>\r\n8\r\nDVR</tit\r\n3\r\nle>\r\n0\r\n\r\n")
	}))
	got, err := run(t, New(), s.target(), 2*time.Second)
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	want := []covered.Observation{
		{Key: "http.response", Path: "/", Value: head + "<title>DVR</title>"},
		{Key: "http.header.server", Path: "/", Value: "Webs"},
		{Key: "http.title", Path: "/", Value: "DVR"},
	}
	diffObs(t, got, want)
	// Every path answers with the root page: after the first vendor page
	// the probe stops asking.
	if got, want := len(s.targets()), 3; got != want {
		t.Errorf("%d requests (%q), want %d", got, s.targets(), want)
	}
}

// TestRequestBudget: a device that answers every page differently still
// gets at most maxRequests requests.
func TestRequestBudget(t *testing.T) {
	s := startServer(t, nil, replay(func(target string) []byte {
		return []byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\npage " + target)
	}))
	p := New()
	p.tlsPorts[s.target().Port] = true // the TLS attempt spends one request
	if _, err := run(t, p, s.target(), 2*time.Second); err != nil {
		t.Fatalf("Probe: %v", err)
	}
	// One TLS hello, "/", the favicon and all six vendor pages would be
	// nine; the last vendor page is dropped.
	if got := s.conns(); got != maxRequests {
		t.Errorf("%d connections, want %d", got, maxRequests)
	}
	if slices.Contains(s.targets(), "/web_shell_cmd.gch") {
		t.Errorf("requests %q go past the budget", s.targets())
	}
}

func tgt(addr string, port uint16, host string) probe.Target {
	return probe.Target{Addr: mustAddr(addr), Port: port, Transport: "tcp", Hostname: host}
}
