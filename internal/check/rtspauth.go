package check

import (
	"bufio"
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/netip"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/coveredtool/covered/internal/probe"
)

// dahuaSource cites Dahua's network default accounts.
const dahuaSource = "Dahua manuals (manualslib NVRPRO p.66, HDCVI DVR manual) via shared/domain cves_safe_checks.csv"

// dahuaDefaults are the network default accounts of Dahua's older
// firmware (before device initialization), in the order they are tried.
// 888888 is a local (front-panel) account per the same manuals and is
// never tried over the network. The hidden "default" account is not tried
// either: the domain sources name it but give no password, and trying a
// password taken from elsewhere would be a guess that costs a failed login
// on the device.
var dahuaDefaults = []defaultAccount{
	{"admin", "admin", dahuaSource},
	{"666666", "666666", dahuaSource},
}

// dahuaRTSPPath is the stream URI of Dahua's RTSP server (channel 1, main
// stream); DESCRIBE only asks for its SDP and starts nothing.
const dahuaRTSPPath = "/cam/realmonitor?channel=1&subtype=0"

// maxRTSPReply bounds one RTSP reply (header and body).
const maxRTSPReply = 32 << 10

// rtspDigestPort is the first port whose RTSP reply in the evidence carries
// a Digest challenge; false when there is none.
func rtspDigestPort(d *Device) (uint16, bool) {
	for _, o := range d.Observations {
		if o.Key != "rtsp.response" || o.Port <= 0 || o.Port > 65535 {
			continue
		}
		for _, line := range strings.Split(o.Value, "\n") {
			name, val, ok := strings.Cut(line, ":")
			if ok && strings.EqualFold(strings.TrimSpace(name), "WWW-Authenticate") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(val)), "digest") {
				return uint16(o.Port), true
			}
		}
	}
	return 0, false
}

// dahuaRTSPDefault tries each Dahua network default account once, with an
// RTSP DESCRIBE under Digest authentication (RFC 2326 §D, RFC 7826 §19.1):
// one connection per account, carrying an unauthenticated DESCRIBE for a
// fresh challenge and the authenticated DESCRIBE. 200 with SDP means the
// account works; 401 means it does not. Anything else (the device stops
// challenging, refuses, throttles or closes) stops the check before the
// next account, so a device that is locking out is not pushed further, and
// so does the first account that works. Only devices whose evidence shows a
// Digest challenge on RTSP are tried.
//
// An account that works is a finding, whatever became of those before it. The
// device is not affected only when every account was tried and answered
// 401; an account skipped (already tried within the window) or left
// without a verdict makes the check undecided.
func dahuaRTSPDefault(ctx context.Context, env *Env) ([]Evidence, bool, error) {
	port, ok := rtspDigestPort(env.Device)
	if !ok {
		return nil, false, nil
	}
	var ev []Evidence
	var undecided error // why an account got no verdict, if one did not
	for i, acct := range dahuaDefaults {
		if ok, err := env.Attempt(ctx, acct.user); err != nil {
			return nil, false, err // the claim could not be recorded: try nothing
		} else if !ok {
			if undecided == nil {
				undecided = fmt.Errorf("%w: account %s was already tried on this device within the attempt window", ErrUndecided, acct.user)
			}
			continue
		}
		works, err := rtspDigestDescribe(ctx, env.Dialer, env.Device.Addr, port, dahuaRTSPPath, acct.user, acct.password)
		if err != nil {
			undecided = noAnswer(fmt.Errorf("account %s: %w", acct.user, err))
			break // no clear answer: stop before the next account
		}
		if works {
			// One working default proves the finding; trying the next
			// accounts would only add failed logins towards a lockout, now
			// or in a later run within the window, so their attempts are
			// spent without sending.
			ev = append(ev, Evidence{Key: "auth.default_account",
				Value: "account " + acct.user + ": the vendor default password was accepted over RTSP Digest (DESCRIBE answered 200 with SDP; password not recorded; " + acct.source + ")",
				Port:  int(port), Path: "/cam/realmonitor"})
			for _, rest := range dahuaDefaults[i+1:] {
				env.Attempt(ctx, rest.user) // spent, not sent; an error here changes nothing
			}
			break
		}
	}
	if len(ev) > 0 {
		return ev, true, nil
	}
	return nil, false, undecided
}

// errNoVerdict: the device answered neither 200 with SDP nor 401.
var errNoVerdict = errors.New("rtsp: no authentication verdict")

// rtspDigestDescribe opens one connection, asks for a challenge and answers
// it with user's Digest credentials. It returns true on 200 with SDP, false
// on 401, and an error (never carrying the credentials) otherwise.
func rtspDigestDescribe(ctx context.Context, d probe.Dialer, addr netip.Addr, port uint16, path, user, password string) (bool, error) {
	hostport := netip.AddrPortFrom(addr, port).String()
	c, err := d.DialContext(ctx, "tcp", hostport)
	if err != nil {
		return false, err
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
	} else {
		c.SetDeadline(time.Now().Add(5 * time.Second))
	}
	uri := "rtsp://" + hostport + path
	r := textproto.NewReader(bufio.NewReader(io.LimitReader(c, 2*maxRTSPReply)))
	if _, err := fmt.Fprintf(c, "DESCRIBE %s RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: covered-check\r\nAccept: application/sdp\r\n\r\n", uri); err != nil {
		return false, err
	}
	code, hdr, _, err := readRTSPReply(r, "1")
	if err != nil {
		return false, err
	}
	if code != 401 {
		return false, fmt.Errorf("%w: status %d to the unauthenticated DESCRIBE", errNoVerdict, code)
	}
	ch, ok := digestChallenge(hdr.Values("Www-Authenticate"))
	if !ok {
		return false, fmt.Errorf("%w: no usable Digest challenge", errNoVerdict)
	}
	auth, err := ch.authorization("DESCRIBE", uri, user, password)
	if err != nil {
		return false, err
	}
	if _, err := fmt.Fprintf(c, "DESCRIBE %s RTSP/1.0\r\nCSeq: 2\r\nUser-Agent: covered-check\r\nAccept: application/sdp\r\nAuthorization: %s\r\n\r\n", uri, auth); err != nil {
		return false, errors.New("rtsp: write of the authenticated DESCRIBE failed")
	}
	code, hdr, body, err := readRTSPReply(r, "2")
	switch {
	case err != nil:
		return false, err
	case code == 200 && (strings.HasPrefix(strings.ToLower(hdr.Get("Content-Type")), "application/sdp") || strings.HasPrefix(string(body), "v=0")):
		return true, nil
	case code == 401:
		return false, nil
	}
	return false, fmt.Errorf("%w: status %d to the authenticated DESCRIBE", errNoVerdict, code)
}

// readRTSPReply reads one RTSP reply to the request numbered cseq: status
// code, header, and the body when Content-Length announces one (at most
// maxRTSPReply bytes; a larger one is an error, not a partial read).
func readRTSPReply(r *textproto.Reader, cseq string) (int, textproto.MIMEHeader, []byte, error) {
	line, err := r.ReadLine()
	if err != nil {
		return 0, nil, nil, fmt.Errorf("rtsp: read reply: %w", err)
	}
	f := strings.Fields(line)
	if len(f) < 2 || !strings.HasPrefix(f[0], "RTSP/") {
		return 0, nil, nil, errors.New("rtsp: not an RTSP reply")
	}
	code, err := strconv.Atoi(f[1])
	if err != nil {
		return 0, nil, nil, errors.New("rtsp: bad status code")
	}
	hdr, err := r.ReadMIMEHeader()
	if err != nil {
		// A header cut short (the device closed mid-reply) is no verdict,
		// whatever its status line said.
		return 0, nil, nil, fmt.Errorf("rtsp: read header: %w", err)
	}
	if got := strings.TrimSpace(hdr.Get("CSeq")); got != cseq {
		return 0, nil, nil, fmt.Errorf("rtsp: reply to CSeq %q, want %s", got, cseq)
	}
	var body []byte
	if cl := hdr.Get("Content-Length"); cl != "" {
		n, err := strconv.Atoi(strings.TrimSpace(cl))
		switch {
		case err != nil || n < 0:
			return 0, nil, nil, errors.New("rtsp: bad Content-Length")
		case n > maxRTSPReply:
			// Reading part of it would leave the rest to be taken for
			// the next reply.
			return 0, nil, nil, fmt.Errorf("rtsp: body of %d bytes, more than %d", n, maxRTSPReply)
		}
		body = make([]byte, n)
		if _, err := io.ReadFull(r.R, body); err != nil {
			return 0, nil, nil, fmt.Errorf("rtsp: read body: %w", err)
		}
	}
	return code, hdr, body, nil
}

// digest is a parsed Digest challenge (RFC 7616 §3.3, as RTSP uses it).
type digest struct {
	realm, nonce, opaque, algorithm string
	qopAuth                         bool
}

// digestChallenge picks the first Digest challenge with an algorithm this
// package computes (MD5 or SHA-256, not the -sess variants).
func digestChallenge(values []string) (digest, bool) {
	for _, v := range values {
		scheme, rest, _ := strings.Cut(strings.TrimSpace(v), " ")
		if !strings.EqualFold(scheme, "digest") {
			continue
		}
		p := authParams(rest)
		ch := digest{realm: p["realm"], nonce: p["nonce"], opaque: p["opaque"], algorithm: p["algorithm"]}
		for _, q := range strings.Split(p["qop"], ",") {
			if strings.TrimSpace(q) == "auth" {
				ch.qopAuth = true
			}
		}
		// A challenge that offers qop but not "auth" (only auth-int) cannot
		// be answered here; answering it without qop would draw a 401 that
		// says nothing about the password.
		if ch.nonce == "" || ch.hash() == nil || (p["qop"] != "" && !ch.qopAuth) {
			continue
		}
		return ch, true
	}
	return digest{}, false
}

func (ch digest) hash() func() hash.Hash {
	switch strings.ToUpper(ch.algorithm) {
	case "", "MD5":
		return md5.New
	case "SHA-256":
		return sha256.New
	}
	return nil
}

func (ch digest) h(s string) string {
	x := ch.hash()()
	io.WriteString(x, s)
	return hex.EncodeToString(x.Sum(nil))
}

// authorization is the Authorization header value answering ch.
func (ch digest) authorization(method, uri, user, password string) (string, error) {
	ha1 := ch.h(user + ":" + ch.realm + ":" + password)
	ha2 := ch.h(method + ":" + uri)
	var b strings.Builder
	fmt.Fprintf(&b, `Digest username="%s", realm="%s", nonce="%s", uri="%s"`, quote(user), quote(ch.realm), quote(ch.nonce), uri)
	if ch.qopAuth {
		var cn [8]byte
		if _, err := rand.Read(cn[:]); err != nil {
			return "", errors.New("rtsp: no randomness for the cnonce")
		}
		cnonce := hex.EncodeToString(cn[:])
		const nc = "00000001"
		fmt.Fprintf(&b, `, response="%s", qop=auth, nc=%s, cnonce="%s"`, ch.h(ha1+":"+ch.nonce+":"+nc+":"+cnonce+":auth:"+ha2), nc, cnonce)
	} else {
		fmt.Fprintf(&b, `, response="%s"`, ch.h(ha1+":"+ch.nonce+":"+ha2))
	}
	if ch.algorithm != "" {
		fmt.Fprintf(&b, ", algorithm=%s", ch.algorithm)
	}
	if ch.opaque != "" {
		fmt.Fprintf(&b, `, opaque="%s"`, quote(ch.opaque))
	}
	return b.String(), nil
}

// authParams parses comma-separated auth-params (name=value or
// name="quoted value"), names lower-cased.
func authParams(s string) map[string]string {
	out := map[string]string{}
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimLeft(strings.TrimSpace(s), ", ") {
		eq := strings.IndexByte(s, '=')
		if eq < 0 {
			break
		}
		name := strings.ToLower(strings.TrimSpace(s[:eq]))
		s = strings.TrimSpace(s[eq+1:])
		var val string
		if strings.HasPrefix(s, `"`) {
			end := 1
			for end < len(s) && s[end] != '"' {
				if s[end] == '\\' {
					end++
				}
				end++
			}
			val = unquote(s[1:min(end, len(s))])
			s = s[min(end+1, len(s)):]
		} else {
			end := strings.IndexByte(s, ',')
			if end < 0 {
				end = len(s)
			}
			val = strings.TrimSpace(s[:end])
			s = s[end:]
		}
		out[name] = val
	}
	return out
}

// unquote undoes quoted-string escapes (RFC 9110 §5.6.4): a backslash
// keeps the character after it.
func unquote(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// quote makes s a quoted-string's content: backslash and double quote
// escaped.
func quote(s string) string {
	if !strings.ContainsAny(s, `"\`) {
		return s
	}
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}
