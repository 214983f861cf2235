package pcap

import (
	"crypto/x509"
	"net/netip"

	"github.com/coveredtool/covered/internal/probe/tlsprobe"
)

// TLS handshake message types (RFC 5246 §7.4, RFC 8446 §4).
const (
	recordHandshake = 22
	msgClientHello  = 1
	msgCertificate  = 11
	extServerName   = 0
	serverNameHost  = 0
)

// tlsStream reads the cleartext handshake at the start of a TLS stream: a
// client's ClientHello names the server it wants (tls.sni, a fact of the
// client), a server's Certificate message (TLS 1.0 to 1.2; TLS 1.3
// encrypts it) shows its leaf certificate, reported as the TLS probe does.
func (r *reader) tlsStream(from netip.AddrPort, h *half) error {
	hs := r.handshake(h.buf)
	for len(hs) >= 4 {
		typ, n := hs[0], int(hs[1])<<16|int(hs[2])<<8|int(hs[3])
		body := hs[4:]
		complete := len(body) >= n
		if complete {
			body = body[:n]
		}
		var err error
		switch typ {
		case msgClientHello:
			err = r.out.add(fact{host: from.Addr(), key: "tls.sni", val: serverName(body), seen: h.seen})
		case msgCertificate:
			err = r.certificate(from, body, h)
		}
		if err != nil || !complete {
			return err
		}
		hs = hs[4+n:]
	}
	return nil
}

// handshake returns the handshake bytes of the records at the start of b,
// joined (a message may span records, and a record hold several
// messages), up to the first record of another type: after
// ChangeCipherSpec, or from the start of TLS 1.3 encrypted records, the
// rest is ciphertext.
func (r *reader) handshake(b []byte) []byte {
	r.scratch = r.scratch[:0]
	for len(b) >= 5 && b[0] == recordHandshake {
		n := int(b[3])<<8 | int(b[4])
		frag := b[5:]
		r.scratch = append(r.scratch, frag[:min(n, len(frag))]...)
		if n > len(frag) {
			break
		}
		b = frag[n:]
	}
	return r.scratch
}

// serverName returns the host_name of a ClientHello's server_name
// extension (RFC 6066 §3), or "".
func serverName(b []byte) string {
	// client_version, random, session_id, cipher_suites, compression_methods
	if len(b) < 2+32+1 {
		return ""
	}
	b = b[2+32:]
	for _, lenBytes := range [...]int{1, 2, 1} {
		var ok bool
		if _, b, ok = vector(b, lenBytes); !ok {
			return ""
		}
	}
	exts, _, ok := vector(b, 2)
	if !ok {
		return ""
	}
	for len(exts) >= 4 {
		typ := int(exts[0])<<8 | int(exts[1])
		data, rest, ok := vector(exts[2:], 2)
		if !ok {
			return ""
		}
		exts = rest
		if typ != extServerName {
			continue
		}
		list, _, ok := vector(data, 2)
		for ok && len(list) >= 3 {
			nameType := list[0]
			var name []byte
			if name, list, ok = vector(list[1:], 2); ok && nameType == serverNameHost {
				return string(name)
			}
		}
		return ""
	}
	return ""
}

// vector reads a TLS vector with a length of n bytes (RFC 5246 §4.3).
func vector(b []byte, n int) (v, rest []byte, ok bool) {
	if len(b) < n {
		return nil, nil, false
	}
	l := 0
	for _, c := range b[:n] {
		l = l<<8 | int(c)
	}
	if len(b) < n+l {
		return nil, nil, false
	}
	return b[n : n+l], b[n+l:], true
}

// certificate reports the leaf of a Certificate message (RFC 5246 §7.4.2)
// as the TLS probe does: subject and issuer as Go's pkix.Name.String
// writes them (RFC 4514), the serial as even-length lowercase hex. The same
// certificate from the same server is parsed once.
func (r *reader) certificate(server netip.AddrPort, b []byte, h *half) error {
	list, ok := b, len(b) >= 3
	if !ok {
		return nil
	}
	list = list[3:] // certificate_list length: the list may be cut short
	der, _, ok := vector(list, 3)
	if !ok || len(der) == 0 {
		return nil
	}
	if !r.out.first(server, der) {
		return nil
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil // not a certificate Go reads: the probe would not report it either
	}
	svc := fact{host: server.Addr(), port: server.Port(), tr: "tcp", seen: h.seen}
	for _, kv := range [...]struct{ key, val string }{
		{"tls.cert.subject", cert.Subject.String()},
		{"tls.cert.issuer", cert.Issuer.String()},
		{"tls.cert.serial", tlsprobe.SerialHex(cert.SerialNumber)},
	} {
		f := svc
		f.key, f.val = kv.key, kv.val
		if err := r.out.add(f); err != nil {
			return err
		}
	}
	return nil
}
