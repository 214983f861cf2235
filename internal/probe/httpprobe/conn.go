package httpprobe

import (
	"crypto/tls"
	"errors"
	"net"
	"sync"
)

// isNotTLS reports whether a handshake failed because the server answered
// in plain text, so the same port is worth one plain HTTP request.
func isNotTLS(err error) bool {
	var rh tls.RecordHeaderError
	return errors.As(err, &rh)
}

// clientTLS accepts any certificate and old protocol versions and suites:
// the probe observes what the device presents and sends nothing secret,
// so refusing a weak or self-signed device would only hide evidence.
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

// recorder keeps the first bytes read from a connection so that the header
// block can be reported exactly as sent, which net/http's parsed form
// (canonical case, map order) cannot give.
type recorder struct {
	net.Conn
	mu  sync.Mutex // guards buf and n
	buf []byte     // first maxCapture bytes read
	n   int64      // bytes read in all
}

func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.Conn.Read(p)
	if n > 0 {
		r.mu.Lock()
		r.n += int64(n)
		if room := maxCapture - len(r.buf); room > 0 {
			r.buf = append(r.buf, p[:min(n, room)]...)
		}
		r.mu.Unlock()
	}
	return n, err
}

func (r *recorder) captured() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]byte(nil), r.buf...)
}

func (r *recorder) total() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}
