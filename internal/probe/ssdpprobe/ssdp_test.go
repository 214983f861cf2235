package ssdpprobe

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coveredtool/covered/internal/probe/wire/wiretest"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
)

// hikDescription is a UPnP device description as UDA 2.0 §2.3 lays it out,
// with the manufacturer and model fields a Hikvision camera fills
// (shared/domain README §7; fingerprint rule upnp-hikvision-manufacturer).
const hikDescription = `<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major><minor>0</minor></specVersion>
<device><deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType><friendlyName>DS-2CD2143G2-I - E12345678</friendlyName>
<manufacturer>Hikvision</manufacturer><manufacturerURL>http://www.hikvision.com</manufacturerURL>
<modelName>DS-2CD2143G2-I</modelName><UDN>uuid:0a1b2c3d-0000-1000-8000-001122334455</UDN></device></root>`

// server is the SERVER header of the emulated device: "OS/version
// UPnP/1.0 product/version" (UDA 2.0 §1.3.3).
const server = "Linux/3.10 UPnP/1.0 HIK/1.0"

// searchReply is one unicast search response (UDA 2.0 §1.3.3).
func searchReply(location, st string) []byte {
	return []byte("HTTP/1.1 200 OK\r\n" +
		"CACHE-CONTROL: max-age=1800\r\n" +
		"EXT:\r\n" +
		"LOCATION: " + location + "\r\n" +
		"SERVER: " + server + "\r\n" +
		"ST: " + st + "\r\n" +
		"USN: uuid:0a1b2c3d-0000-1000-8000-001122334455::" + st + "\r\n" +
		"\r\n")
}

func run(t *testing.T, tg probe.Target, timeout time.Duration) ([]covered.Observation, *wiretest.Scoped, time.Duration, error) {
	t.Helper()
	d := &wiretest.Scoped{Allow: tg.Addr}
	var obs []covered.Observation
	start := time.Now()
	err := (&Prober{Settle: 100 * time.Millisecond}).Probe(context.Background(), d, tg, probe.Options{Timeout: timeout}, func(o covered.Observation) { obs = append(obs, o) })
	return obs, d, time.Since(start), err
}

// describer serves the description and counts requests.
func describer(t *testing.T, addr string, h http.HandlerFunc) (string, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("listen %s: %v", addr, err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h(w, r)
	}))
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL, &hits
}

func serveDescription(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprint(w, hikDescription)
}

func TestProbeHikvisionCamera(t *testing.T) {
	base, hits := describer(t, "127.0.0.1:0", serveDescription)
	loc := base + "/desc.xml"
	dv := wiretest.StartUDPDevice(t, nil, func([]byte) [][]byte {
		return [][]byte{
			searchReply(loc, "upnp:rootdevice"),
			searchReply(loc, "uuid:0a1b2c3d-0000-1000-8000-001122334455"),
			searchReply(loc, "urn:schemas-upnp-org:device:Basic:1"),
		}
	})
	obs, _, _, err := run(t, dv.Target(), 2*time.Second)
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	port := netip.MustParseAddrPort(strings.TrimPrefix(base, "http://")).Port()
	want := []covered.Observation{
		{Key: "ssdp.header.server", Value: server},
		{Key: "upnp.description", Value: hikDescription, Path: "/desc.xml", Port: int(port), Transport: "tcp"},
	}
	if !reflect.DeepEqual(obs, want) {
		t.Errorf("observations:\n got %+v\nwant %+v", obs, want)
	}
	if hits.Load() != 1 {
		t.Errorf("description fetched %d times, want 1", hits.Load())
	}
	tg := dv.Target()
	wantReq := "M-SEARCH * HTTP/1.1\r\nHOST: " + tg.HostPort() + "\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n"
	reqs := dv.Requests()
	if len(reqs) != 1 || string(reqs[0]) != wantReq {
		t.Errorf("requests: %q, want one %q", reqs, wantReq)
	}
}

// TestIPv6: the HOST header and the description URL use the bracketed
// IPv6 literal of the target.
func TestIPv6(t *testing.T) {
	base, hits := describer(t, "[::1]:0", serveDescription)
	dv := wiretest.StartUDPDevice(t, net.IPv6loopback, func([]byte) [][]byte {
		return [][]byte{searchReply(base+"/desc.xml", "upnp:rootdevice")}
	})
	obs, _, _, err := run(t, dv.Target(), 2*time.Second)
	if err != nil || len(obs) != 2 || obs[1].Value != hikDescription || hits.Load() != 1 {
		t.Fatalf("obs %+v, err %v, %d fetches", obs, err, hits.Load())
	}
	reqs := dv.Requests()
	if host := "HOST: [::1]:"; !strings.Contains(string(reqs[0]), host) {
		t.Errorf("request %q lacks %q", reqs[0], host)
	}
}

// TestOwnDescriptionBehindForeignLinks: links elsewhere do not use up the
// fetch budget before the device's own description.
func TestOwnDescriptionBehindForeignLinks(t *testing.T) {
	base, hits := describer(t, "127.0.0.1:0", serveDescription)
	dv := wiretest.StartUDPDevice(t, nil, func([]byte) [][]byte {
		return [][]byte{
			searchReply("http://127.0.0.2:1/a.xml", "upnp:rootdevice"),
			searchReply("http://127.0.0.3:1/b.xml", "upnp:rootdevice"),
			searchReply("http://127.0.0.4:1/c.xml", "upnp:rootdevice"),
			searchReply(base+"/desc.xml", "upnp:rootdevice"),
			searchReply(base+"/again.xml", "upnp:rootdevice"), // same body: emitted once
		}
	})
	obs, _, _, err := run(t, dv.Target(), 2*time.Second)
	if err != nil || len(obs) != 2 || obs[1].Path != "/desc.xml" || hits.Load() != 2 {
		t.Errorf("obs %+v, err %v, %d fetches", obs, err, hits.Load())
	}
}

// TestLocationElsewhereIsNotFetched: a LOCATION naming another host (or a
// name, or a redirect away) is never dialed.
func TestLocationElsewhereIsNotFetched(t *testing.T) {
	other, otherHits := describer(t, "127.0.0.2:0", serveDescription)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(other, "http://"))
	redirector, _ := describer(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other+"/desc.xml", http.StatusFound)
	})
	for _, loc := range []string{
		other + "/desc.xml",
		"http://localhost:" + port + "/desc.xml",
		"http://127.0.0.1@127.0.0.2:" + port + "/desc.xml",
		"https://127.0.0.1:" + port + "/desc.xml",
		redirector + "/desc.xml",
	} {
		t.Run(loc, func(t *testing.T) {
			dv := wiretest.StartUDPDevice(t, nil, func([]byte) [][]byte { return [][]byte{searchReply(loc, "upnp:rootdevice")} })
			obs, d, _, err := run(t, dv.Target(), 2*time.Second)
			if err != nil {
				t.Fatalf("Probe: %v", err)
			}
			if len(obs) != 1 || obs[0].Key != "ssdp.header.server" {
				t.Errorf("observations: %+v, want only the SERVER header", obs)
			}
			for _, dial := range d.Dials() {
				if strings.Contains(dial, "127.0.0.2") || strings.Contains(dial, "localhost") {
					t.Errorf("dialed %s", dial)
				}
			}
		})
	}
	if otherHits.Load() != 0 {
		t.Errorf("the other host was fetched %d times", otherHits.Load())
	}
}
