package sadpprobe

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/netip"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
)

// probeMatch is a SADP reply with the fields public SADP clients read
// (julienblitte/UniversalScanner Hikvision.cs: DeviceDescription, DeviceSN,
// IPv4Address) and the layout of the fingerprint rule examples
// (internal/fingerprint/rules/sadp.response.yaml): the inquiry's Uuid
// echoed, the model in DeviceDescription, firmware in SoftwareVersion.
func probeMatch(uuid string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>` +
		`<ProbeMatch><Uuid>` + uuid + `</Uuid><Types>inquiry</Types><DeviceType>138210</DeviceType>` +
		`<DeviceDescription>DS-2CD2187G2-LSU</DeviceDescription><DeviceSN>DS-2CD2187G2-LSU20220101AAWRX00000001</DeviceSN>` +
		`<CommandPort>8000</CommandPort><HttpPort>80</HttpPort><MAC>bc-ad-28-00-00-01</MAC>` +
		`<IPv4Address>192.168.1.64</IPv4Address><IPv4SubnetMask>255.255.255.0</IPv4SubnetMask><IPv4Gateway>192.168.1.1</IPv4Gateway>` +
		`<DHCP>false</DHCP><AnalogChannelNum>0</AnalogChannelNum><DigitalChannelNum>1</DigitalChannelNum>` +
		`<SoftwareVersion>V5.7.3build 220112</SoftwareVersion><DSPVersion>V7.3 build 220110</DSPVersion><Activated>true</Activated></ProbeMatch>`)
}

var uuidRe = regexp.MustCompile(`<Uuid>([^<]*)</Uuid>`)

func uuidOf(req []byte) string {
	if m := uuidRe.FindSubmatch(req); m != nil {
		return string(m[1])
	}
	return ""
}

// device is a SADP responder on loopback; it records requests.
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

func TestProbeHikvisionCamera(t *testing.T) {
	dv := startDevice(t, func(req []byte) [][]byte { return [][]byte{probeMatch(uuidOf(req))} })
	obs, _, err := run(t, dv.target(), 2*time.Second)
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	dv.mu.Lock()
	defer dv.mu.Unlock()
	if len(dv.reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(dv.reqs))
	}
	uuid := uuidOf(dv.reqs[0])
	if !regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$`).MatchString(uuid) {
		t.Errorf("inquiry UUID %q is not an uppercase v4 UUID", uuid)
	}
	if want := `<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>` + uuid + `</Uuid><Types>inquiry</Types></Probe>`; string(dv.reqs[0]) != want {
		t.Errorf("inquiry = %q, want %q", dv.reqs[0], want)
	}
	want := []covered.Observation{{Key: "sadp.response", Value: string(probeMatch(uuid))}}
	if !reflect.DeepEqual(obs, want) {
		t.Errorf("observations:\n got %+v\nwant %+v", obs, want)
	}
}

func TestHostileDevices(t *testing.T) {
	// Generous, so a loaded machine still delivers the hostile replies.
	const timeout = time.Second
	tests := []struct {
		name    string
		respond func([]byte) [][]byte
		wantErr string // prefix; "" means none
	}{
		{name: "silence", respond: func([]byte) [][]byte { return nil }},
		{name: "flood of garbage", respond: func([]byte) [][]byte {
			out := make([][]byte, 2000)
			for i := range out {
				out[i] = []byte("<ProbeMatch")
			}
			return out
		}, wantErr: "sadp: reply is not XML: "},
		{name: "oversized datagram", respond: func([]byte) [][]byte {
			return [][]byte{append([]byte("<ProbeMatch><DeviceDescription>"), bytes.Repeat([]byte("A"), 65000)...)}
		}, wantErr: "sadp: reply is not XML: "},
		{name: "deep nesting", respond: func([]byte) [][]byte {
			return [][]byte{append([]byte("<ProbeMatch>"), bytes.Repeat([]byte("<a>"), 21000)...)}
		}, wantErr: "sadp: reply is not XML: elements nested deeper than 16"},
		{name: "truncated reply", respond: func(req []byte) [][]byte {
			r := probeMatch(uuidOf(req))
			return [][]byte{r[:len(r)-20]}
		}, wantErr: "sadp: reply is not XML: "},
		{name: "other root", respond: func([]byte) [][]byte { return [][]byte{[]byte("<html><body/></html>")} },
			wantErr: "sadp: reply root is <html>, want <ProbeMatch>"},
		{name: "empty match", respond: func([]byte) [][]byte { return [][]byte{[]byte("<ProbeMatch><Types>inquiry</Types></ProbeMatch>")} },
			wantErr: errNoDevice.Error()},
		{name: "echo of the inquiry", respond: func(req []byte) [][]byte { return [][]byte{req} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dv := startDevice(t, tc.respond)
			obs, took, err := run(t, dv.target(), timeout)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("error = %v, want none", err)
			case tc.wantErr != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.wantErr)):
				t.Errorf("error = %v, want %q...", err, tc.wantErr)
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
