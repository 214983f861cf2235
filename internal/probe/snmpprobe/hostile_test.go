package snmpprobe

import (
	"bytes"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered/internal/probe/wire/wiretest"

	"github.com/gosnmp/gosnmp"

	"github.com/coveredtool/covered/internal/probe"
)

// startHostile runs a UDP device on loopback that answers each request
// with whatever respond returns.
func startHostile(t *testing.T, respond func(req []byte) [][]byte) probe.Target {
	t.Helper()
	return wiretest.StartUDPDevice(t, nil, respond).Target()
}

// report builds a Report like the agent's, with the given IDs.
func report(t *testing.T, msgID uint32, engineID []byte) []byte {
	t.Helper()
	p := &gosnmp.SnmpPacket{
		Version: gosnmp.Version3, MsgFlags: gosnmp.NoAuthNoPriv, SecurityModel: gosnmp.UserSecurityModel,
		SecurityParameters: &gosnmp.UsmSecurityParameters{AuthoritativeEngineID: string(engineID)},
		PDUType:            gosnmp.Report, MsgID: msgID,
		Variables: []gosnmp.SnmpPDU{{Name: ".1.3.6.1.6.3.15.1.1.4.0", Type: gosnmp.Counter32, Value: uint32(1)}},
	}
	b, err := p.MarshalMsg()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// msgIDOf decodes the msgID of our discovery request.
func msgIDOf(req []byte) uint32 {
	p, err := (&gosnmp.GoSNMP{Version: gosnmp.Version2c}).SnmpDecodePacket(req)
	if err != nil {
		return 0
	}
	return p.MsgID
}

func TestHostileDevices(t *testing.T) {
	// The timeout is generous so that a loaded machine still delivers the
	// hostile replies inside it; bounded cases return long before it.
	const timeout = time.Second
	tests := []struct {
		name    string
		respond func(t *testing.T) func([]byte) [][]byte
		wantErr string // substring; "" means no error
	}{
		{"silence", func(*testing.T) func([]byte) [][]byte {
			return func([]byte) [][]byte { return nil }
		}, ""},
		{"flood of garbage", func(*testing.T) func([]byte) [][]byte {
			return func([]byte) [][]byte {
				out := make([][]byte, 2000)
				for i := range out {
					out[i] = []byte("\x30\x03garbage")
				}
				return out
			}
		}, "snmp: decode v3 reply"},
		{"flood of replies to other requests", func(t *testing.T) func([]byte) [][]byte {
			return func(req []byte) [][]byte {
				out := make([][]byte, 500)
				for i := range out {
					out[i] = report(t, msgIDOf(req)+1, huaweiEngineID)
				}
				return out
			}
		}, ""},
		{"oversized datagram", func(*testing.T) func([]byte) [][]byte {
			return func([]byte) [][]byte { return [][]byte{bytes.Repeat([]byte{0x30}, 65000)} }
		}, "snmp: decode v3 reply"},
		{"truncated report", func(t *testing.T) func([]byte) [][]byte {
			return func(req []byte) [][]byte {
				r := report(t, msgIDOf(req), huaweiEngineID)
				return [][]byte{r[:len(r)-9]}
			}
		}, "snmp: decode v3 reply"},
		{"engine ID too long", func(t *testing.T) func([]byte) [][]byte {
			return func(req []byte) [][]byte { return [][]byte{report(t, msgIDOf(req), bytes.Repeat([]byte{0x80}, 33))} }
		}, "engine ID has 33 octets"},
		{"engine ID too short", func(t *testing.T) func([]byte) [][]byte {
			return func(req []byte) [][]byte { return [][]byte{report(t, msgIDOf(req), []byte{0x80, 0, 7})} }
		}, "engine ID has 3 octets"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tg := startHostile(t, tc.respond(t))
			obs, took, err := run(t, tg, probe.Options{Timeout: timeout})
			if len(obs) != 0 {
				t.Errorf("observations from a hostile device: %+v", obs)
			}
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("error = %v, want none", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("error = %v, want one containing %q", err, tc.wantErr)
			}
			if took > timeout+2*time.Second {
				t.Errorf("probe took %v with a %v timeout", took, timeout)
			}
		})
	}
}

// TestClosedPort: an ICMP port unreachable is no error and no wait.
func TestClosedPort(t *testing.T) {
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	ap := conn.LocalAddr().(*net.UDPAddr).AddrPort()
	conn.Close()
	obs, _, err := run(t, probe.Target{Addr: ap.Addr(), Port: ap.Port(), Transport: "udp"}, probe.Options{Timeout: 300 * time.Millisecond})
	if err != nil || len(obs) != 0 {
		t.Errorf("closed port: obs %v, err %v", obs, err)
	}
}
