package dhipprobe

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzParseReply: any datagram gives a JSON body that lies inside it, or
// an error; lengths on the wire never reach past the datagram.
func FuzzParseReply(f *testing.F) {
	f.Add(reply(devInfo))
	f.Add(searchRequest())
	f.Add(frameOf(32, 0xffffffff, 0xffffffff, "{}"))
	f.Add(frameOf(0xfffffff0, 2, 2, "{}"))
	f.Add(frameOf(40, 2, 0, "\x00\x00\x00\x00\x00\x00\x00\x00{}"))
	f.Add([]byte("DHIP"))
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := parseReply(b)
		if err != nil {
			return
		}
		if !json.Valid(fr.Body) || !bytes.Contains(b, fr.Body) || len(b) < headerLen+len(fr.Body) {
			t.Fatalf("body %q is not valid JSON inside the datagram", fr.Body)
		}
	})
}
