package tlsprobe

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
)

// hikvisionSubject is the factory certificate subject of Hikvision devices
// (rapid7/recog xml/x509_subjects.xml, via shared/domain/signals_other.csv).
var hikvisionSubject = pkix.Name{
	CommonName:         "www.hikvision.com",
	OrganizationalUnit: []string{"DVRNVR"},
	Organization:       []string{"HIKVISION"},
	Locality:           []string{"HangZhou"},
	Province:           []string{"ZheJiang"},
	Country:            []string{"CN"},
}

const hikvisionRFC4514 = "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN"

func TestRegistered(t *testing.T) {
	ps := probe.ForPort("tcp", 443)
	if !slices.ContainsFunc(ps, func(p probe.Probe) bool { return p.Name() == "tls" }) {
		t.Fatal("tls probe not registered for tcp/443")
	}
}

func TestCertificate(t *testing.T) {
	ca, caKey := makeCert(t, nil, nil, pkix.Name{CommonName: "Dahua CA", Organization: []string{"Zhejiang Dahua Technology Co., Ltd."}}, big.NewInt(1))
	for _, tc := range []struct {
		name     string
		chain    func() tls.Certificate
		hostname string
		want     []covered.Observation
	}{
		{
			name:  "hikvision factory self-signed",
			chain: func() tls.Certificate { c, _ := makeCert(t, nil, nil, hikvisionSubject, big.NewInt(0xab12)); return c },
			want: []covered.Observation{
				{Key: "tls.cert.subject", Value: hikvisionRFC4514},
				{Key: "tls.cert.issuer", Value: hikvisionRFC4514},
				{Key: "tls.cert.serial", Value: "ab12"},
			},
		},
		{
			name: "leaf of a chain, name with a comma, SNI sent",
			chain: func() tls.Certificate {
				c, _ := makeCert(t, &ca, caKey, pkix.Name{CommonName: "IPC", Organization: []string{"Dahua"}}, big.NewInt(0xabc))
				return c
			},
			hostname: "ipc.example",
			want: []covered.Observation{
				{Key: "tls.cert.subject", Value: "CN=IPC,O=Dahua"},
				{Key: "tls.cert.issuer", Value: `CN=Dahua CA,O=Zhejiang Dahua Technology Co.\, Ltd.`},
				{Key: "tls.cert.serial", Value: "0abc"},
			},
		},
		{
			name:  "empty subject left out",
			chain: func() tls.Certificate { c, _ := makeCert(t, nil, nil, pkix.Name{}, big.NewInt(7)); return c },
			want:  []covered.Observation{{Key: "tls.cert.serial", Value: "07"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var (
				mu  sync.Mutex
				sni []string
			)
			cfg := &tls.Config{
				Certificates: []tls.Certificate{tc.chain()},
				GetConfigForClient: func(h *tls.ClientHelloInfo) (*tls.Config, error) {
					mu.Lock()
					sni = append(sni, h.ServerName)
					mu.Unlock()
					return nil, nil
				},
			}
			tg := serve(t, func(c net.Conn) { _ = tls.Server(c, cfg).Handshake() })
			tg.Hostname = tc.hostname
			got, err := run(tg, time.Second)
			if err != nil {
				t.Fatalf("Probe: %v", err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("observations\ngot  %+v\nwant %+v", got, tc.want)
			}
			mu.Lock()
			defer mu.Unlock()
			if !slices.Equal(sni, []string{tc.hostname}) {
				t.Errorf("SNI %q, want %q", sni, tc.hostname)
			}
		})
	}
}

// TestCertificateBeforeFailure: a server that demands a client certificate
// fails the handshake, but its own certificate was already seen.
func TestCertificateBeforeFailure(t *testing.T) {
	cert, _ := makeCert(t, nil, nil, hikvisionSubject, big.NewInt(5))
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequireAnyClientCert, MaxVersion: tls.VersionTLS12}
	tg := serve(t, func(c net.Conn) { _ = tls.Server(c, cfg).Handshake() })
	got, err := run(tg, time.Second)
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	if len(got) != 3 || got[0].Value != hikvisionRFC4514 {
		t.Errorf("observations %+v, want the server certificate", got)
	}
}

// TestHostile: peers that are not TLS servers, or stall, give no
// observations, return within the timeout, and are not errors.
func TestHostile(t *testing.T) {
	const timeout = 300 * time.Millisecond
	for _, tc := range []struct {
		name   string
		handle func(net.Conn)
	}{
		{"never answers", func(c net.Conn) { _, _ = io.Copy(io.Discard, c) }},
		{"closes at once", func(net.Conn) {}},
		{"plain HTTP", func(c net.Conn) { _, _ = c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n")) }},
		{"drips a record header", func(c net.Conn) {
			for _, b := range []byte{0x16, 0x03, 0x03, 0x40, 0x00} {
				if _, err := c.Write([]byte{b}); err != nil {
					return
				}
				time.Sleep(100 * time.Millisecond)
			}
			_, _ = io.Copy(io.Discard, c)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := serve(t, tc.handle)
			start := time.Now()
			got, err := run(tg, timeout)
			if d := time.Since(start); d > timeout+2*time.Second {
				t.Errorf("took %v with a %v timeout", d, timeout)
			}
			if err != nil || len(got) != 0 {
				t.Errorf("Probe = %+v, %v; want nothing", got, err)
			}
		})
	}
}

// TestAlert: a TLS server that refuses the handshake before showing a
// certificate is worth reporting, with the server's alert in the error.
func TestAlert(t *testing.T) {
	cfg := &tls.Config{
		GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
			return nil, errors.New("refused")
		},
	}
	tg := serve(t, func(c net.Conn) { _ = tls.Server(c, cfg).Handshake() })
	got, err := run(tg, time.Second)
	if len(got) != 0 {
		t.Errorf("observations %+v, want none", got)
	}
	want := "tls: handshake with " + tg.HostPort() + ": remote error: tls: internal error"
	if err == nil || err.Error() != want {
		t.Errorf("Probe error %v, want %q", err, want)
	}
}

func TestSerialHex(t *testing.T) {
	for _, tc := range []struct {
		in   *big.Int
		want string
	}{
		{big.NewInt(0), "00"},
		{big.NewInt(1), "01"},
		{big.NewInt(0xabc), "0abc"},
		{big.NewInt(0x1f2e3d), "1f2e3d"},
		{big.NewInt(-255), "-ff"},
		{new(big.Int).Lsh(big.NewInt(1), 159), "80" + strings.Repeat("0", 38)},
		{nil, ""},
	} {
		if got := SerialHex(tc.in); got != tc.want {
			t.Errorf("SerialHex(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// serve runs handle for every connection to a loopback listener until the
// test ends, and returns the listener as a target.
func serve(t testing.TB, handle func(net.Conn)) probe.Target {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(5 * time.Second))
				handle(c)
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	ap := netip.MustParseAddrPort(ln.Addr().String())
	return probe.Target{Addr: ap.Addr(), Port: ap.Port(), Transport: "tcp"}
}

func run(tg probe.Target, timeout time.Duration) ([]covered.Observation, error) {
	var got []covered.Observation
	err := New().Probe(context.Background(), &net.Dialer{}, tg, probe.Options{Timeout: timeout},
		func(o covered.Observation) { got = append(got, o) })
	return got, err
}

// makeCert issues a certificate for subject, signed by parent (self-signed
// when parent is nil), and returns it with its key.
func makeCert(t testing.TB, parent *tls.Certificate, parentKey *ecdsa.PrivateKey, subject pkix.Name, serial *big.Int) (tls.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               subject,
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  parent == nil,
	}
	signer, signKey := tmpl, key
	if parent != nil {
		p, err := x509.ParseCertificate(parent.Certificate[0])
		if err != nil {
			t.Fatal(err)
		}
		signer, signKey = p, parentKey
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signKey)
	if err != nil {
		t.Fatal(err)
	}
	chain := [][]byte{der}
	if parent != nil {
		chain = append(chain, parent.Certificate...)
	}
	return tls.Certificate{Certificate: chain, PrivateKey: key}, key
}
