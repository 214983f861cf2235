package asn

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"github.com/gaissmai/bart"
)

// sniffSize is how much of a file Open reads to tell text from a database.
const sniffSize = 4096

// Open reads an ASN source, telling its kind from its content, not its
// name:
//
//   - a MaxMind DB (binary): GeoLite2-ASN, GeoIP2-ISP, DB-IP ASN Lite
//     (autonomous_system_number, autonomous_system_organization) or ipinfo
//     ("asn": "AS123" with "name" or "as_name");
//   - JSON: an ipverse/asn-ip as/N/aggregated.json ({"asn", "handle",
//     "description", "subnets": {"ipv4", "ipv6"}}), or an array of them;
//   - text: a prefix list, see ParsePrefixes.
//
// Gzip and tar archives (how GeoLite2 is delivered) are refused with a hint
// to unpack them first. Errors name the file, and the line for text.
func Open(path string) (*DB, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open ASN source: %w", err)
	}
	defer f.Close()
	head := make([]byte, sniffSize)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read ASN source %s: %w", path, err)
	}
	head = head[:n]
	switch {
	case n == 0:
		return nil, fmt.Errorf("ASN source %s is empty", path)
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return nil, fmt.Errorf("ASN source %s is gzip-compressed: decompress it first (gunzip; tar xzf for a GeoLite2 .tar.gz)", path)
	case len(head) > 262 && bytes.Equal(head[257:262], []byte("ustar")):
		return nil, fmt.Errorf("ASN source %s is a tar archive: extract the .mmdb file from it first", path)
	case !isText(head):
		m, err := openMMDB(path)
		if err != nil {
			return nil, err
		}
		return &DB{mmdbs: []*mmdb{m}}, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("read ASN source %s: %w", path, err)
	}
	t, err := parse(f, path, head)
	if err != nil {
		return nil, err
	}
	return &DB{prefixes: t}, nil
}

// ParsePrefixes reads a prefix list or an ipverse aggregated.json from r;
// name is the file's path, for messages and for the ASN of ipverse's
// as/N/ipv4-aggregated.txt files, whose lines carry none.
//
// Text lines are one of
//
//	CIDR ASN [name...]            198.51.100.0/24 36678 CHINA TELECOM (AMERICAS)
//	CIDR AS<n> [name...]          198.51.100.0/24,AS36678,CTUSA
//	ASN CIDR [name...]            AS36678 | 198.51.100.0/24
//	FIRST LAST ASN [CC] [name...] 1.0.0.0	1.0.0.255	13335	US	CLOUDFLARENET (iptoasn.com)
//	CIDR                          one per line: the ASN comes from a "# asn: N"
//	                              line above, an ipverse "# AS<n> (HANDLE)"
//	                              header, or a path .../as/<n>/file
//
// with fields separated by blanks, ',', ';' or '|' (the name keeps its
// inner separators) and an address standing for its /32 or /128. '#' and
// '%' start comments; a '#' after a blank ends a line. AS0 lines (RFC 7607,
// "not routed" in iptoasn) are skipped. The first bad line ends reading
// with an error naming the file and line: an ASN table with a hole in it
// would silently miss the networks it was given for.
func ParsePrefixes(r io.Reader, name string) (*DB, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	head, err := br.Peek(sniffSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("read ASN source %s: %w", name, err)
	}
	t, err := parse(br, name, head)
	if err != nil {
		return nil, err
	}
	return &DB{prefixes: t}, nil
}

// parse reads a text or JSON prefix source; head is its beginning.
func parse(r io.Reader, name string, head []byte) (*bart.Table[entry], error) {
	if first := bytes.TrimLeft(head, " \t\r\n\ufeff"); len(first) > 0 && (first[0] == '{' || first[0] == '[') {
		return parseJSON(r, name)
	}
	return parseText(r, name)
}

// isText reports whether head looks like text: valid UTF-8 (a rune cut at
// the end aside) without NUL bytes. A MaxMind DB's search tree is binary
// from its first byte.
func isText(head []byte) bool {
	if bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	for i := 0; i < utf8.UTFMax && len(head) > 0; i++ {
		if utf8.Valid(head) {
			return true
		}
		head = head[:len(head)-1]
	}
	return utf8.Valid(head)
}

// LineError is a bad line of a prefix list or JSON file.
type LineError struct {
	File string
	Line int // 1-based
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }
