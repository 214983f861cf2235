package httpprobe

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"

	"github.com/twmb/murmur3"
)

// faviconMD5 is the hex MD5 of the icon bytes, the form recog's
// favicons.xml and most fingerprint databases use.
func faviconMD5(icon []byte) string {
	sum := md5.Sum(icon)
	return hex.EncodeToString(sum[:])
}

// faviconMMH3 is the favicon hash Shodan indexes as http.favicon.hash, so
// values from Shodan queries and published indicator lists match ours.
// Shodan computes, in Python, mmh3.hash(codecs.encode(content, "base64")):
// the bytes are base64-encoded the way base64.encodebytes does it (standard
// alphabet, a newline after every 76 output characters and after the last
// line), and that text is hashed with 32-bit MurmurHash3 (x86 variant, seed
// 0), read as a signed integer. The newlines matter: hashing plain base64
// gives a different number.
func faviconMMH3(icon []byte) string {
	return strconv.FormatInt(int64(int32(murmur3.Sum32(encodeBytes(icon)))), 10)
}

// encodeBytes is Python's base64.encodebytes: standard base64 broken into
// lines of at most 76 characters, each ending in "\n". Empty input gives
// empty output, as in Python.
func encodeBytes(b []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(b)
	out := make([]byte, 0, len(enc)+len(enc)/76+1)
	for len(enc) > 76 {
		out = append(out, enc[:76]...)
		out = append(out, '\n')
		enc = enc[76:]
	}
	if len(enc) > 0 {
		out = append(out, enc...)
		out = append(out, '\n')
	}
	return out
}

// faviconPath picks the icon to fetch: the first icon linked from the page
// that lives on the same origin (same scheme, host and port as base), or
// /favicon.ico. Icons on other hosts are never fetched: the scan scope is
// this target, and a CDN's icon says nothing about the device.
func faviconPath(base *url.URL, links []string) string {
	for _, href := range links {
		ref, err := url.Parse(href)
		if err != nil {
			continue
		}
		u := base.ResolveReference(ref)
		if u.Scheme != base.Scheme || !sameHost(u, base) {
			continue
		}
		u.Fragment = ""
		if p := u.RequestURI(); strings.HasPrefix(p, "/") {
			return p
		}
	}
	return "/favicon.ico"
}

// sameHost compares host names (case-insensitively) and effective ports,
// so that "http://cam/" and "http://CAM:80/" are one origin.
func sameHost(a, b *url.URL) bool {
	return strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "https" {
		return "443"
	}
	return "80"
}
