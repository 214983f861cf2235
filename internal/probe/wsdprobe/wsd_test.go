package wsdprobe

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coveredtool/covered/internal/probe/wire/wiretest"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
)

// probeMatches is a ProbeMatches reply laid out as WS-Discovery (April
// 2005, §5.3) and the ONVIF Core Specification (§7.3, scopes
// onvif://www.onvif.org/name/... and /hardware/...) describe it, with the
// scopes of a Hikvision camera (fingerprint rule wsd-hikvision-name).
func probeMatches(relatesTo, xaddrs string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>` +
		`<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" ` +
		`xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl">` +
		`<SOAP-ENV:Header><wsa:MessageID>urn:uuid:11111111-2222-4333-8444-555555555555</wsa:MessageID>` +
		`<wsa:RelatesTo>` + relatesTo + `</wsa:RelatesTo>` +
		`<wsa:To SOAP-ENV:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To>` +
		`<wsa:Action SOAP-ENV:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action></SOAP-ENV:Header>` +
		`<SOAP-ENV:Body><d:ProbeMatches><d:ProbeMatch>` +
		`<wsa:EndpointReference><wsa:Address>urn:uuid:0a1b2c3d-0000-1000-8000-001122334455</wsa:Address></wsa:EndpointReference>` +
		`<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>` +
		`<d:Scopes>onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/hardware/DS-2CD2346G2-ISU onvif://www.onvif.org/name/HIKVISION%20DS-2CD2346G2-ISU</d:Scopes>` +
		`<d:XAddrs>` + xaddrs + `</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion>` +
		`</d:ProbeMatch></d:ProbeMatches></SOAP-ENV:Body></SOAP-ENV:Envelope>`)
}

// deviceInfo is a GetDeviceInformationResponse (ONVIF Core Specification
// §8.3.1: Manufacturer, Model, FirmwareVersion, SerialNumber, HardwareId).
const deviceInfo = `<?xml version="1.0" encoding="UTF-8"?>` +
	`<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><env:Body>` +
	`<tds:GetDeviceInformationResponse><tds:Manufacturer>HIKVISION</tds:Manufacturer><tds:Model>DS-2CD2346G2-ISU</tds:Model>` +
	`<tds:FirmwareVersion>V5.7.12 build 221205</tds:FirmwareVersion><tds:SerialNumber>DS-2CD2346G2-ISU20220101AAWRJ00000001</tds:SerialNumber>` +
	`<tds:HardwareId>88</tds:HardwareId></tds:GetDeviceInformationResponse></env:Body></env:Envelope>`

// soapFault is the SOAP 1.2 fault ONVIF devices send when a call needs
// authentication (ONVIF Core §5.12, ter:NotAuthorized).
const soapFault = `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:ter="http://www.onvif.org/ver10/error">` +
	`<env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value><env:Subcode><env:Value>ter:NotAuthorized</env:Value></env:Subcode></env:Code>` +
	`<env:Reason><env:Text xml:lang="en">Sender not Authorized</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>`

var messageIDRe = regexp.MustCompile(`<a:MessageID>([^<]+)</a:MessageID>`)

// relatesTo returns the MessageID of a received Probe, for RelatesTo.
func relatesTo(req []byte) string {
	if m := messageIDRe.FindSubmatch(req); m != nil {
		return string(m[1])
	}
	return ""
}

// startDevice runs a WS-Discovery responder on loopback.
func startDevice(t *testing.T, respond func(req []byte) [][]byte) probe.Target {
	t.Helper()
	return wiretest.StartUDPDevice(t, nil, respond).Target()
}

// onvifServer is the device service; it records requests.
type onvifServer struct {
	url  string
	hits atomic.Int32
	mu   sync.Mutex // guards reqs
	reqs []*http.Request
	body [][]byte
}

func startONVIF(t *testing.T, addr string, h http.HandlerFunc) *onvifServer {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("listen %s: %v", addr, err)
	}
	s := &onvifServer{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs, s.body = append(s.reqs, r), append(s.body, b)
		s.mu.Unlock()
		h(w, r)
	}))
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	s.url = srv.URL + "/onvif/device_service"
	return s
}

func serveInfo(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/soap+xml; charset=utf-8")
	fmt.Fprint(w, deviceInfo)
}

func run(t *testing.T, tg probe.Target, timeout time.Duration) ([]covered.Observation, *wiretest.Scoped, time.Duration, error) {
	t.Helper()
	d := &wiretest.Scoped{Allow: tg.Addr}
	var obs []covered.Observation
	start := time.Now()
	err := (&Prober{}).Probe(context.Background(), d, tg, probe.Options{Timeout: timeout}, func(o covered.Observation) { obs = append(obs, o) })
	return obs, d, time.Since(start), err
}

func TestProbeHikvisionCamera(t *testing.T) {
	srv := startONVIF(t, "127.0.0.1:0", serveInfo)
	var (
		mu    sync.Mutex // guards reply
		reply []byte
	)
	tg := startDevice(t, func(req []byte) [][]byte {
		mu.Lock()
		defer mu.Unlock()
		reply = probeMatches(relatesTo(req), srv.url+" http://[fe80::1]/onvif/device_service")
		return [][]byte{reply}
	})
	obs, _, _, err := run(t, tg, 2*time.Second)
	mu.Lock()
	defer mu.Unlock()
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	port := netip.MustParseAddrPort(strings.TrimSuffix(strings.TrimPrefix(srv.url, "http://"), "/onvif/device_service")).Port()
	want := []covered.Observation{
		{Key: "wsd.probe_match", Value: string(reply)},
		{Key: "onvif.device_information", Value: deviceInfo, Path: "/onvif/device_service", Port: int(port), Transport: "tcp"},
	}
	if !reflect.DeepEqual(obs, want) {
		t.Errorf("observations:\n got %+v\nwant %+v", obs, want)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.reqs) != 1 {
		t.Fatalf("%d ONVIF requests, want 1", len(srv.reqs))
	}
	r := srv.reqs[0]
	if r.Method != http.MethodPost || r.Header.Get("Authorization") != "" ||
		r.Header.Get("Content-Type") != deviceInformationContentType || !bytes.Equal(srv.body[0], deviceInformationRequest) {
		t.Errorf("GetDeviceInformation request: %s %v %q", r.Method, r.Header, srv.body[0])
	}
}

// TestDeviceInformationRefused: a device that wants credentials gets none,
// and its refusal is not an observation.
func TestDeviceInformationRefused(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{
		"401": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("WWW-Authenticate", `Digest realm="IP Camera", nonce="x", qop="auth"`)
			w.WriteHeader(http.StatusUnauthorized)
		},
		"fault 400": func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, soapFault)
		},
		"fault 200": func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, soapFault) },
		"not SOAP":  func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "<html>login</html>") },
	} {
		t.Run(name, func(t *testing.T) {
			srv := startONVIF(t, "127.0.0.1:0", h)
			tg := startDevice(t, func(req []byte) [][]byte { return [][]byte{probeMatches(relatesTo(req), srv.url)} })
			obs, _, _, err := run(t, tg, 2*time.Second)
			if err != nil || len(obs) != 1 || obs[0].Key != "wsd.probe_match" {
				t.Errorf("obs %+v, err %v: want only wsd.probe_match", obs, err)
			}
			if srv.hits.Load() != 1 {
				t.Errorf("%d requests, want 1", srv.hits.Load())
			}
		})
	}
}

// TestXAddrsElsewhereAreNotFetched: a device service on another host, or
// under a name, is never dialed.
func TestXAddrsElsewhereAreNotFetched(t *testing.T) {
	other := startONVIF(t, "127.0.0.2:0", serveInfo)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(strings.TrimSuffix(other.url, "/onvif/device_service"), "http://"))
	xaddrs := other.url + " http://localhost:" + port + "/onvif/device_service https://127.0.0.1:" + port + "/x"
	tg := startDevice(t, func(req []byte) [][]byte { return [][]byte{probeMatches(relatesTo(req), xaddrs)} })
	obs, d, _, err := run(t, tg, 2*time.Second)
	if err != nil || len(obs) != 1 {
		t.Errorf("obs %+v, err %v", obs, err)
	}
	if other.hits.Load() != 0 {
		t.Errorf("the other host got %d requests", other.hits.Load())
	}
	if dials := d.Dials(); len(dials) != 1 {
		t.Errorf("dials %v, want only the UDP probe", dials)
	}
}

func TestProbeMessageIsWellFormed(t *testing.T) {
	id := newMessageID()
	if !regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(id) {
		t.Errorf("message ID %q is not a v4 urn:uuid", id)
	}
	env, err := decodeEnvelope(probeMessage(id))
	if err != nil || env.Body.Probe == nil {
		t.Fatalf("probe message does not parse as a SOAP Probe: %v", err)
	}
	if _, err := decodeEnvelope(deviceInformationRequest); err != nil {
		t.Errorf("GetDeviceInformation request: %v", err)
	}
}
