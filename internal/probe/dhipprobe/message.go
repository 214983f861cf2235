package dhipprobe

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/coveredtool/covered/internal/probe/wire"
)

// The DHIP framing. Dahua publishes no specification of its discovery
// protocol; the frame below is what independent public implementations
// agree on:
//
//   - julienblitte/UniversalScanner, UniversalScanner/Dahua2.cs (LGPL
//     network scanner, protocol observed on the wire): a 32-byte header of
//     eight little-endian 32-bit words — header size (32), the magic
//     0x44484950 written as the bytes "DHIP", two reserved words, the JSON
//     length, a reserved word, the JSON length again, a reserved word —
//     then the JSON {"method":"DHDiscover.search","params":{"mac":"","uni":1}}
//     sent to UDP 37810; replies carry the same header and JSON whose method
//     is "client.notifyDevInfo" with params.deviceInfo (DeviceType,
//     SerialNo, Vendor, Version...); the reader checks the header size and
//     that the first length equals the bytes after the header;
//   - other public clients build the same bytes (one field report: "32-byte
//     header, 20 00 00 00 + DHIP, JSON length little-endian at offsets 16
//     and 24"; another notes bare JSON without the header gets no reply);
//   - shared/domain signals_other.csv: Dahua, DHIP discovery on UDP 37810.
//
// DHDiscover.search only asks devices to describe themselves; nothing that
// changes a device (DHDiscover.setConfig and the like) is ever sent.
const (
	headerLen = 32
	magic     = "DHIP"
)

// searchBody is the discovery request's JSON. UniversalScanner ends it with
// CRLF and other clients with LF or nothing; devices parse JSON, so the
// line end is cosmetic and counted in the length.
const searchBody = `{"method":"DHDiscover.search","params":{"mac":"","uni":1}}` + "\n"

// searchRequest is the DHIP discovery frame.
func searchRequest() []byte {
	b := make([]byte, headerLen, headerLen+len(searchBody))
	binary.LittleEndian.PutUint32(b[0:], headerLen)
	copy(b[4:8], magic)
	binary.LittleEndian.PutUint32(b[16:], uint32(len(searchBody)))
	binary.LittleEndian.PutUint32(b[24:], uint32(len(searchBody)))
	return append(b, searchBody...)
}

// frame is a parsed DHIP datagram.
type frame struct {
	// Method is the JSON "method" ("client.notifyDevInfo" in replies).
	Method string
	// Body is the JSON part, within the datagram.
	Body []byte
}

var errNotObject = errors.New("dhip: reply body is not a JSON object")

// parseReply checks a datagram's DHIP header and returns its JSON body.
// Lengths come from the wire and are trusted only as far as the datagram
// goes: the header's JSON length must fit in the bytes after the header.
// The first word is the header size, 32 in every public capture; a larger
// value that fits is honoured as the body offset, a smaller one is
// nonsense. Our own request echoed back is wire.ErrSkip.
func parseReply(b []byte) (frame, error) {
	if len(b) < headerLen {
		return frame{}, fmt.Errorf("dhip: reply of %d bytes is shorter than the %d-byte header", len(b), headerLen)
	}
	if string(b[4:8]) != magic {
		return frame{}, fmt.Errorf("dhip: reply lacks the DHIP magic (got % x)", b[4:8])
	}
	off := binary.LittleEndian.Uint32(b[0:])
	if off < headerLen || uint64(off) > uint64(len(b)) {
		return frame{}, fmt.Errorf("dhip: header size %d outside %d..%d", off, headerLen, len(b))
	}
	rest := b[off:]
	n := binary.LittleEndian.Uint32(b[16:])
	if n == 0 {
		n = binary.LittleEndian.Uint32(b[24:])
	}
	if n == 0 || uint64(n) > uint64(len(rest)) {
		return frame{}, fmt.Errorf("dhip: header claims %d body bytes, datagram has %d", n, len(rest))
	}
	body := bytes.TrimRight(rest[:n], " \t\r\n\x00")
	if len(body) == 0 || body[0] != '{' || !json.Valid(body) {
		return frame{}, errNotObject
	}
	var head struct {
		Method string `json:"method"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		return frame{}, errNotObject
	}
	if head.Method == "DHDiscover.search" {
		return frame{}, wire.ErrSkip
	}
	return frame{Method: head.Method, Body: body}, nil
}
