package lab

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"
)

// certCache makes one self-signed certificate per distinct subject, all
// with one key, so a thousand HTTPS devices cost one key generation.
type certCache struct {
	mu    sync.Mutex // guards key and certs
	key   *ecdsa.PrivateKey
	certs map[string]*tls.Config
}

func newCertCache() *certCache { return &certCache{certs: map[string]*tls.Config{}} }

// config returns a TLS server configuration whose certificate has subject
// (and, self-signed, issuer) subject, an RFC 4514 name. Each device gets its
// own certificate (serial number from subject and device), as devices that
// make their self-signed certificate at first boot do; the key is shared,
// since nothing in a scan tells keys apart by more than the certificate.
func (cc *certCache) config(subject, device string) (*tls.Config, error) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	id := subject + "\x00" + device
	if cfg, ok := cc.certs[id]; ok {
		return cfg, nil
	}
	if cc.key == nil {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("generate certificate key: %w", err)
		}
		cc.key = k
	}
	name, err := parseRDN(subject)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(id))
	tmpl := &x509.Certificate{
		SerialNumber:          new(big.Int).SetBytes(sum[:8]),
		Subject:               name,
		NotBefore:             time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &cc.key.PublicKey, cc.key)
	if err != nil {
		return nil, fmt.Errorf("create certificate %q: %w", subject, err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: cc.key}}}
	cc.certs[id] = cfg
	return cfg, nil
}

// parseRDN reads the simple RFC 4514 names of device certificates
// (CN, OU, O, L, ST, C; no escaped commas). pkix.Name.String prints them
// back in the same order, so the subject a client sees is the profile's.
func parseRDN(s string) (pkix.Name, error) {
	var n pkix.Name
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return n, fmt.Errorf("certificate subject %q: %q is not attr=value", s, part)
		}
		switch strings.ToUpper(strings.TrimSpace(k)) {
		case "CN":
			n.CommonName = v
		case "OU":
			n.OrganizationalUnit = append(n.OrganizationalUnit, v)
		case "O":
			n.Organization = append(n.Organization, v)
		case "L":
			n.Locality = append(n.Locality, v)
		case "ST":
			n.Province = append(n.Province, v)
		case "C":
			n.Country = append(n.Country, v)
		default:
			return n, fmt.Errorf("certificate subject %q: attribute %q not supported", s, k)
		}
	}
	return n, nil
}
