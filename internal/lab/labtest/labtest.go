// Package labtest holds what tests of the credential checks share about
// the device lab: asking a lab camera for its RTSP Digest challenge, and
// the forms a tried password takes on the wire, which must never be found
// in what covered keeps. Only _test.go files import it.
package labtest

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// RTSPRealm asks the lab camera at host (loopback) for its RTSP Digest
// challenge, outside any recording, and returns the realm.
func RTSPRealm(t testing.TB, host string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", net.JoinHostPort(host, "554"), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	fmt.Fprintf(c, "DESCRIBE rtsp://%s/ RTSP/1.0\r\nCSeq: 1\r\n\r\n", net.JoinHostPort(host, "554"))
	b := make([]byte, 4096)
	n, _ := io.ReadAtLeast(c, b, 1)
	_, after, ok := strings.Cut(string(b[:n]), `realm="`)
	realm, _, _ := strings.Cut(after, `"`)
	if !ok || realm == "" {
		t.Fatalf("%s: no realm in %q", host, b[:n])
	}
	return realm
}

// B64 is the Basic-authentication form of s.
func B64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// MD5Hex is hex MD5, the Digest hash of RFC 2617.
func MD5Hex(s string) string {
	h := md5.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

// SecretForms lists the forms an account's password takes on the wire:
// "user:password" and its Basic encoding, the password's base64, and the
// MD5 Digest HA1 and response for realm, nonce, method and uri.
func SecretForms(user, password, realm, nonce, method, uri string) []string {
	ha1 := MD5Hex(user + ":" + realm + ":" + password)
	return []string{user + ":" + password, B64(user + ":" + password), B64(password), ha1,
		MD5Hex(ha1 + ":" + nonce + ":" + MD5Hex(method+":"+uri))}
}
