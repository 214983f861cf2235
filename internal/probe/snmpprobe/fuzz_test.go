package snmpprobe

import (
	"testing"

	"github.com/gosnmp/gosnmp"
)

// seedReplies are the agent's replies from the loopback tests.
func seedReplies(f *testing.F) (rep, get []byte) {
	a := &agent{engineID: huaweiEngineID, community: "public", versions: []gosnmp.SnmpVersion{gosnmp.Version2c}, descr: huaweiDescr}
	rep = a.reply(&gosnmp.SnmpPacket{Version: gosnmp.Version3, MsgID: 42, RequestID: 7})
	get = a.reply(&gosnmp.SnmpPacket{Version: gosnmp.Version2c, Community: "public", RequestID: 7})
	if rep == nil || get == nil {
		f.Fatal("no seed replies")
	}
	return rep, get
}

// FuzzParseReport: any bytes give an engine ID of 5..32 octets or an
// error, never a panic or a hang.
func FuzzParseReport(f *testing.F) {
	rep, get := seedReplies(f)
	f.Add(rep)
	f.Add(get)
	f.Add(rep[:len(rep)/2])
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		id, err := parseReport(b, 42)
		if err == nil && (len(id) < 5 || len(id) > 32) {
			t.Fatalf("accepted engine ID of %d octets", len(id))
		}
	})
}

// FuzzParseGetResponse: any bytes give system values or an error.
func FuzzParseGetResponse(f *testing.F) {
	rep, get := seedReplies(f)
	f.Add(get)
	f.Add(rep)
	f.Add(get[:len(get)-3])
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := parseGetResponse(b, 7)
		if err != nil && !s.empty() {
			t.Fatalf("values with an error: %+v", s)
		}
	})
}
