// Package tlsprobe is the TLS discovery probe: it performs one TLS
// handshake and reports the server certificate's names, because embedded
// devices ship with factory certificates that name their maker (Hikvision's
// "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN",
// shared/domain/signals_other.csv).
//
// What it sends: a ClientHello (with the target's host name as SNI when the
// user gave one), and the rest of a normal handshake. It accepts any
// certificate, since it only observes, sends no application data and closes.
//
// Observations, all of the leaf certificate:
//   - tls.cert.subject and tls.cert.issuer: RFC 4514 strings as Go's
//     pkix.Name.String writes them (most specific name first, "CN=...,C=CN");
//   - tls.cert.serial: the serial number as lowercase hex of its big-endian
//     bytes, even length, "-" first if negative. This key extends the DESIGN
//     v1 vocabulary (factory certificates reuse serials across a vendor's
//     fleet, which makes them evidence too); it is to be listed in keys.go
//     and DESIGN.md beside the other tls.cert keys.
package tlsprobe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math/big"
	"sync"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
	"github.com/coveredtool/covered/internal/probe/wire"
)

func init() { probe.Register(New()) }

var _ probe.Probe = (*Prober)(nil)

// Prober is the TLS certificate probe.
type Prober struct{}

// New returns the probe.
func New() *Prober { return &Prober{} }

// Name implements probe.Probe.
func (*Prober) Name() string { return "tls" }

// Transport implements probe.Probe.
func (*Prober) Transport() string { return "tcp" }

// Ports implements probe.Probe: HTTPS and the alternates device web
// interfaces and management consoles use.
func (*Prober) Ports() []uint16 { return []uint16{443, 7443, 8443, 10443} }

// Probe implements probe.Probe. A closed port, a timeout or a port that does
// not speak TLS is not an error; a TLS server whose handshake fails before
// it shows a certificate is.
func (*Prober) Probe(ctx context.Context, d probe.Dialer, t probe.Target, opt probe.Options, emit probe.Emit) error {
	c, err := wire.Dial(ctx, d, t, opt)
	if err != nil {
		if wire.Quiet(err) {
			return nil
		}
		return fmt.Errorf("tls: connect to %s: %w", t.HostPort(), err)
	}
	defer c.Close()

	var (
		mu   sync.Mutex // guards leaf
		leaf *x509.Certificate
	)
	cfg := clientTLS(t.Hostname)
	// Keep the certificate as soon as it is parsed, so that a handshake
	// failing later (a client certificate demanded, no common key
	// exchange) still yields it.
	cfg.VerifyPeerCertificate = func(raw [][]byte, _ [][]*x509.Certificate) error {
		if len(raw) == 0 {
			return nil
		}
		cert, err := x509.ParseCertificate(raw[0])
		if err != nil {
			return fmt.Errorf("parse server certificate: %w", err)
		}
		mu.Lock()
		leaf = cert
		mu.Unlock()
		return nil
	}
	hctx, cancel := context.WithDeadline(ctx, c.Deadline)
	defer cancel()
	herr := tls.Client(c, cfg).HandshakeContext(hctx)

	mu.Lock()
	cert := leaf
	mu.Unlock()
	if cert != nil {
		for _, o := range observe(cert) {
			emit(o)
		}
		return nil
	}
	var notTLS tls.RecordHeaderError
	switch {
	case herr == nil:
		return fmt.Errorf("tls: handshake with %s: no certificate", t.HostPort())
	case wire.Quiet(herr) || errors.As(herr, &notTLS):
		return nil
	default:
		return fmt.Errorf("tls: handshake with %s: %w", t.HostPort(), herr)
	}
}

// observe turns the leaf certificate into observations; empty names (some
// certificates carry only subject alternative names) are left out.
func observe(cert *x509.Certificate) []covered.Observation {
	var out []covered.Observation
	add := func(key, value string) {
		if value != "" {
			out = append(out, covered.Observation{Key: key, Value: value})
		}
	}
	add("tls.cert.subject", cert.Subject.String())
	add("tls.cert.issuer", cert.Issuer.String())
	add("tls.cert.serial", SerialHex(cert.SerialNumber))
	return out
}

// SerialHex writes a serial number as tls.cert.serial holds it: lowercase
// hex of its big-endian magnitude, padded to whole bytes ("0abc", not
// "abc") so that it reads like the DER bytes and openssl's output, with "-"
// first for the negative serials some old devices carry; "" for nil. The
// importers of captures and scans write their serials with it too.
func SerialHex(n *big.Int) string {
	if n == nil {
		return ""
	}
	s := new(big.Int).Abs(n).Text(16)
	if len(s)%2 == 1 {
		s = "0" + s
	}
	if n.Sign() < 0 {
		s = "-" + s
	}
	return s
}

// clientTLS accepts any certificate and old versions and cipher suites: the
// probe observes what the device presents and sends nothing secret, so
// refusing a weak or self-signed device would only hide evidence.
func clientTLS(serverName string) *tls.Config {
	var suites []uint16
	for _, cs := range tls.CipherSuites() {
		suites = append(suites, cs.ID)
	}
	for _, cs := range tls.InsecureCipherSuites() {
		suites = append(suites, cs.ID)
	}
	return &tls.Config{
		ServerName:         serverName,
		InsecureSkipVerify: true, //nolint:gosec // observation only, see above
		MinVersion:         tls.VersionTLS10,
		CipherSuites:       suites,
	}
}
