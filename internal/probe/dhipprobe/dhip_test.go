package dhipprobe

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

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

// device is a DHIP responder on loopback; it records requests.
type device struct {
	conn *net.UDPConn
	mu   sync.Mutex // guards reqs
	reqs [][]byte
}

func startDevice(t *testing.T, respond func(req []byte) [][]byte) *device {
	t.Helper()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	dv := &device{conn: conn}
	go func() {
		buf := make([]byte, 65536)
		for {
			n, from, err := conn.ReadFromUDP(buf)
			if err != nil {
				return
			}
			req := append([]byte(nil), buf[:n]...)
			dv.mu.Lock()
			dv.reqs = append(dv.reqs, req)
			dv.mu.Unlock()
			for _, out := range respond(req) {
				if _, err := conn.WriteToUDP(out, from); err != nil {
					return
				}
			}
		}
	}()
	return dv
}

func (dv *device) target() probe.Target {
	ap := dv.conn.LocalAddr().(*net.UDPAddr).AddrPort()
	return probe.Target{Addr: ap.Addr().Unmap(), Port: ap.Port(), Transport: "udp"}
}

// dialer refuses every host but the target's, as the scanner's does.
type dialer struct{ allow netip.Addr }

func (d *dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || ap.Addr().Unmap() != d.allow {
		return nil, fmt.Errorf("dial %s: out of scope", address)
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, address)
}

func run(t *testing.T, tg probe.Target, timeout time.Duration) ([]covered.Observation, time.Duration, error) {
	t.Helper()
	var obs []covered.Observation
	start := time.Now()
	err := (&Prober{}).Probe(context.Background(), &dialer{allow: tg.Addr}, tg, probe.Options{Timeout: timeout}, func(o covered.Observation) { obs = append(obs, o) })
	return obs, time.Since(start), err
}

func TestProbeDahuaCamera(t *testing.T) {
	dv := startDevice(t, func([]byte) [][]byte { return [][]byte{reply(devInfo)} })
	obs, _, err := run(t, dv.target(), 2*time.Second)
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	want := []covered.Observation{{Key: "dhip.response", Value: string(reply(devInfo))}}
	if !reflect.DeepEqual(obs, want) {
		t.Errorf("observations:\n got %+v\nwant %+v", obs, want)
	}
	dv.mu.Lock()
	defer dv.mu.Unlock()
	// 32-byte header: size 32, "DHIP", 8 reserved, length 59 twice.
	wantReq := "20000000" + "44484950" + "0000000000000000" + "3b000000" + "00000000" + "3b000000" + "00000000" +
		hex.EncodeToString([]byte(`{"method":"DHDiscover.search","params":{"mac":"","uni":1}}`+"\n"))
	if len(dv.reqs) != 1 || hex.EncodeToString(dv.reqs[0]) != wantReq {
		t.Errorf("requests % x, want one %s", dv.reqs, wantReq)
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
			dv := startDevice(t, tc.respond)
			obs, took, err := run(t, dv.target(), timeout)
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
