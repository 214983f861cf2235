package sadpprobe

import (
	"bytes"
	"context"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered/internal/probe/wire/wiretest"

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

func run(t *testing.T, tg probe.Target, timeout time.Duration) ([]covered.Observation, time.Duration, error) {
	t.Helper()
	var obs []covered.Observation
	start := time.Now()
	err := (&Prober{}).Probe(context.Background(), &wiretest.Scoped{Allow: tg.Addr}, tg, probe.Options{Timeout: timeout}, func(o covered.Observation) { obs = append(obs, o) })
	return obs, time.Since(start), err
}

func TestProbeHikvisionCamera(t *testing.T) {
	dv := wiretest.StartUDPDevice(t, nil, func(req []byte) [][]byte { return [][]byte{probeMatch(uuidOf(req))} })
	obs, _, err := run(t, dv.Target(), 2*time.Second)
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	reqs := dv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	uuid := uuidOf(reqs[0])
	if !regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$`).MatchString(uuid) {
		t.Errorf("inquiry UUID %q is not an uppercase v4 UUID", uuid)
	}
	if want := `<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>` + uuid + `</Uuid><Types>inquiry</Types></Probe>`; string(reqs[0]) != want {
		t.Errorf("inquiry = %q, want %q", reqs[0], want)
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
			dv := wiretest.StartUDPDevice(t, nil, tc.respond)
			obs, took, err := run(t, dv.Target(), timeout)
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
