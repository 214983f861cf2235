package dhipprobe

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered/internal/probe/wire/wiretest"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
)

// devInfo is a client.notifyDevInfo reply body with the deviceInfo fields
// public DHIP clients read (UniversalScanner Dahua2.cs: method, DeviceType,
// IPAddress, SerialNo, mac) in the layout of the fingerprint rule examples
// (internal/fingerprint/rules/dhip.response.yaml).
const devInfo = `{"mac":"3c:ef:8c:00:00:01","method":"client.notifyDevInfo","params":{"deviceInfo":{"AlarmInputChannels":0,` +
	`"DeviceClass":"IPC","DeviceType":"IPC-HFW2431S-S-S2","HttpPort":80,"IPv4Address":{"DhcpEnable":false,"IPAddress":"192.168.1.108",` +
	`"SubnetMask":"255.255.255.0"},"MachineName":"X","Manufacturer":"Dahua","Port":37777,"SerialNo":"X","Vendor":"Dahua","Version":"2.800.0000000.25.R"}}}`

// frameOf wraps body in a DHIP header with the given header-size word and
// length words.
func frameOf(size, n1, n2 uint32, body string) []byte {
	b := make([]byte, 32)
	binary.LittleEndian.PutUint32(b[0:], size)
	copy(b[4:], "DHIP")
	binary.LittleEndian.PutUint32(b[16:], n1)
	binary.LittleEndian.PutUint32(b[24:], n2)
	return append(b, body...)
}

func reply(body string) []byte { return frameOf(32, uint32(len(body)), uint32(len(body)), body) }

func run(t *testing.T, tg probe.Target, timeout time.Duration) ([]covered.Observation, time.Duration, error) {
	t.Helper()
	var obs []covered.Observation
	start := time.Now()
	err := (&Prober{}).Probe(context.Background(), &wiretest.Scoped{Allow: tg.Addr}, tg, probe.Options{Timeout: timeout}, func(o covered.Observation) { obs = append(obs, o) })
	return obs, time.Since(start), err
}

func TestProbeDahuaCamera(t *testing.T) {
	dv := wiretest.StartUDPDevice(t, nil, func([]byte) [][]byte { return [][]byte{reply(devInfo)} })
	obs, _, err := run(t, dv.Target(), 2*time.Second)
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	want := []covered.Observation{{Key: "dhip.response", Value: string(reply(devInfo))}}
	if !reflect.DeepEqual(obs, want) {
		t.Errorf("observations:\n got %+v\nwant %+v", obs, want)
	}
	reqs := dv.Requests()
	// 32-byte header: size 32, "DHIP", 8 reserved, length 59 twice.
	wantReq := "20000000" + "44484950" + "0000000000000000" + "3b000000" + "00000000" + "3b000000" + "00000000" +
		hex.EncodeToString([]byte(`{"method":"DHDiscover.search","params":{"mac":"","uni":1}}`+"\n"))
	if len(reqs) != 1 || hex.EncodeToString(reqs[0]) != wantReq {
		t.Errorf("requests % x, want one %s", reqs, wantReq)
	}
}

func TestHostileDevices(t *testing.T) {
	// Generous, so a loaded machine still delivers the hostile replies.
	const timeout = time.Second
	tests := []struct {
		name    string
		respond func([]byte) [][]byte
		wantErr string // exact; "" means none
	}{
		{name: "silence", respond: func([]byte) [][]byte { return nil }},
		{name: "flood of garbage", respond: func([]byte) [][]byte {
			out := make([][]byte, 2000)
			for i := range out {
				out[i] = []byte("DHIP")
			}
			return out
		}, wantErr: "dhip: reply of 4 bytes is shorter than the 32-byte header"},
		{name: "oversized datagram claiming 4 GiB", respond: func([]byte) [][]byte {
			return [][]byte{frameOf(32, 0xffffffff, 0xffffffff, strings.Repeat("{", 65000))}
		}, wantErr: "dhip: header claims 4294967295 body bytes, datagram has 65000"},
		{name: "length past the datagram", respond: func([]byte) [][]byte {
			return [][]byte{frameOf(32, uint32(len(devInfo))+1, 0, devInfo)}
		}, wantErr: fmt.Sprintf("dhip: header claims %d body bytes, datagram has %d", len(devInfo)+1, len(devInfo))},
		{name: "header size past the datagram", respond: func([]byte) [][]byte {
			return [][]byte{frameOf(0xfffffff0, uint32(len(devInfo)), 0, devInfo)}
		}, wantErr: fmt.Sprintf("dhip: header size 4294967280 outside 32..%d", 32+len(devInfo))},
		{name: "wrong magic", respond: func([]byte) [][]byte {
			b := reply(devInfo)
			copy(b[4:], "PIHD")
			return [][]byte{b}
		}, wantErr: "dhip: reply lacks the DHIP magic (got 50 49 48 44)"},
		{name: "body not JSON", respond: func([]byte) [][]byte { return [][]byte{reply(`{"method":`)} },
			wantErr: errNotObject.Error()},
		{name: "echo of the search", respond: func(req []byte) [][]byte { return [][]byte{req} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dv := wiretest.StartUDPDevice(t, nil, tc.respond)
			obs, took, err := run(t, dv.Target(), timeout)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("error = %v, want none", err)
			case tc.wantErr != "" && (err == nil || err.Error() != tc.wantErr):
				t.Errorf("error = %v, want %q", err, tc.wantErr)
			}
			if len(obs) != 0 {
				t.Errorf("observations from a hostile device: %+v", obs)
			}
			if took > timeout+2*time.Second {
				t.Errorf("probe took %v with a %v timeout", took, timeout)
			}
		})
	}
}

func TestParseReplyLengths(t *testing.T) {
	// The second length word stands in when the first is zero, trailing
	// padding after the JSON is not part of it, and a larger header size
	// moves the body.
	f, err := parseReply(frameOf(32, 0, uint32(len(devInfo)+2), devInfo+"\x00\n"))
	if err != nil || string(f.Body) != devInfo || f.Method != "client.notifyDevInfo" {
		t.Errorf("second length word: %q, %v", f.Body, err)
	}
	b := frameOf(40, uint32(len(devInfo)), 0, "\x00\x00\x00\x00\x00\x00\x00\x00"+devInfo)
	if f, err := parseReply(b); err != nil || !bytes.Equal(f.Body, []byte(devInfo)) {
		t.Errorf("header size 40: %q, %v", f.Body, err)
	}
}
