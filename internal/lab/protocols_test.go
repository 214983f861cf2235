package lab

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// TestEveryProtocolServesItsFacts starts every non-hostile profile once,
// one twice, and checks with plain clients that each port answers with
// exactly the facts the profile declares.
func TestEveryProtocolServesItsFacts(t *testing.T) {
	ps, err := Profiles()
	if err != nil {
		t.Fatal(err)
	}
	n := 1
	for _, p := range ps {
		if p.Truth.Status != StatusHostile {
			n++
		}
	}
	l := startLab(t, Config{Base: netip.MustParseAddr("127.10.20.1"), Count: n})
	if len(l.devices) != n {
		t.Fatalf("%d devices, want %d", len(l.devices), n)
	}
	seen := map[string]bool{}
	for _, d := range l.devices {
		facts := d.facts()
		for i := range d.profile.Services {
			s := &service{lab: l, dev: d, svc: &d.profile.Services[i]}
			seen[s.svc.Proto()] = true
			name := fmt.Sprintf("%s/%s/%d-%s", d.Profile, d.Addr, s.svc.Port, s.svc.Proto())
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				checkService(t, s, facts)
			})
		}
	}
	for _, p := range []string{"http", "https", "ssh", "telnet", "ftp", "rtsp", "sip", "snmp", "ssdp", "wsd", "mdns", "sadp", "dhip", "raw"} {
		if !seen[p] {
			t.Errorf("no device speaks %s", p)
		}
	}
}

// factsOf returns the values of key for the service's port.
func factsOf(facts []Fact, s *service, key string) []Fact {
	var out []Fact
	for _, f := range facts {
		if f.Key == key && f.Port == s.svc.Port && f.Transport == s.svc.Transport() {
			out = append(out, f)
		}
	}
	return out
}

func checkService(t *testing.T, s *service, facts []Fact) {
	ap := netip.AddrPortFrom(s.dev.Addr, s.svc.Port)
	one := func(key string) string {
		fs := factsOf(facts, s, key)
		if len(fs) == 0 {
			t.Fatalf("no %s fact", key)
		}
		return fs[0].Value
	}
	switch p := s.svc.Proto(); p {
	case "http", "https":
		checkHTTP(t, s, ap, facts)
	case "ssh":
		got := readFor(t, ap, []byte("SSH-2.0-labtest\r\n"), 2*time.Second)
		if got != one("ssh.banner")+"\r\n" {
			t.Errorf("banner %q", got)
		}
	case "telnet":
		if got := readFor(t, ap, []byte("\r\n"), 2*time.Second); got != one("telnet.banner") {
			t.Errorf("banner %q, want %q", got, one("telnet.banner"))
		}
	case "ftp":
		got := readFor(t, ap, []byte("USER anonymous\r\nQUIT\r\n"), time.Second)
		want := one("ftp.banner") + "\r\n530 Please login with USER and PASS.\r\n221 Goodbye.\r\n"
		if got != want {
			t.Errorf("dialogue %q, want %q", got, want)
		}
	case "rtsp":
		req := fmt.Sprintf("OPTIONS rtsp://%s/ RTSP/1.0\r\nCSeq: 1\r\n\r\nDESCRIBE rtsp://%s/ RTSP/1.0\r\nCSeq: 2\r\nAccept: application/sdp\r\n\r\n", ap, s.dev.Addr)
		got := readFor(t, ap, []byte(req), 300*time.Millisecond)
		if !strings.HasPrefix(got, "RTSP/1.0 200 OK\r\nCSeq: 1\r\n") || !strings.HasSuffix(got, one("rtsp.response")) {
			t.Errorf("reply %q, want OPTIONS 200 then %q", got, one("rtsp.response"))
		}
	case "sip":
		req := "OPTIONS sip:lab@" + ap.String() + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK776asdhds\r\nFrom: <sip:probe@127.0.0.1>;tag=1928301774\r\nTo: <sip:lab@" + ap.String() + ">\r\nCall-ID: a84b4c76e66710\r\nCSeq: 63104 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
		got := string(exchangeUDP(t, ap, []byte(req)))
		want := ""
		for _, k := range []string{"sip.header.server", "sip.header.user_agent"} {
			if fs := factsOf(facts, s, k); len(fs) > 0 {
				want = fs[0].Value
			}
		}
		if !strings.HasPrefix(got, "SIP/2.0 200 OK\r\n") || !strings.Contains(got, ": "+want+"\r\n") || !strings.Contains(got, "Call-ID: a84b4c76e66710\r\n") {
			t.Errorf("reply %q lacks %q", got, want)
		}
	case "snmp":
		checkSNMP(t, s, ap, facts)
	case "ssdp":
		got := string(exchangeUDP(t, ap, []byte("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n")))
		if !strings.Contains(got, "\r\nSERVER: "+one("ssdp.header.server")+"\r\n") {
			t.Fatalf("reply %q", got)
		}
		_, loc, _ := strings.Cut(got, "LOCATION: ")
		loc, _, _ = strings.Cut(loc, "\r\n")
		body := httpGet(t, loc)
		if !strings.Contains(body, "<manufacturer>") {
			t.Errorf("description at %s: %q", loc, body)
		}
	case "wsd":
		probe := `<?xml version="1.0" encoding="UTF-8"?><e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" xmlns:w="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><e:Header><w:MessageID>uuid:84ede3de-7dec-11d0-c360-f01234567890</w:MessageID><w:To e:mustUnderstand="true">urn:schemas-xmlsoap-org:ws:2005:04:discovery</w:To><w:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</w:Action></e:Header><e:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></e:Body></e:Envelope>`
		got := string(exchangeUDP(t, ap, []byte(probe)))
		if !strings.Contains(got, "<wsa:RelatesTo>uuid:84ede3de-7dec-11d0-c360-f01234567890</wsa:RelatesTo>") ||
			!strings.Contains(got, "<d:Scopes>"+esc(s.text(&s.svc.WSD.Scopes))+"</d:Scopes>") {
			t.Fatalf("reply %q", got)
		}
		_, xaddr, _ := strings.Cut(got, "<d:XAddrs>")
		xaddr, _, _ = strings.Cut(xaddr, "</d:XAddrs>")
		soap := `<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><GetDeviceInformation xmlns="http://www.onvif.org/ver10/device/wsdl"/></s:Body></s:Envelope>`
		resp, err := client().Post(xaddr, "application/soap+xml", strings.NewReader(soap))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), "<tds:Manufacturer>"+esc(s.svc.WSD.Device.Manufacturer)+"</tds:Manufacturer>") {
			t.Errorf("ONVIF %d %q", resp.StatusCode, b)
		}
	case "mdns":
		checkMDNS(t, s, ap, facts)
	case "sadp":
		got := string(exchangeUDP(t, ap, []byte(`<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>1F9B2A6C-4E1D-4F5A-9C3E-7A2B5D8E0C11</Uuid><Types>inquiry</Types></Probe>`)))
		if got != s.sadpReply("1F9B2A6C-4E1D-4F5A-9C3E-7A2B5D8E0C11") || !strings.Contains(got, "<IPv4Address>"+s.dev.Addr.String()+"</IPv4Address>") {
			t.Errorf("reply %q", got)
		}
	case "dhip":
		body := []byte(`{"method":"DHDiscover.search","params":{"mac":"","uni":1}}` + "\n")
		got := exchangeUDP(t, ap, dhipPacket([]byte{1, 0, 0, 0, 2, 0, 0, 0}, body, 0))
		want := dhipPacket([]byte{1, 0, 0, 0, 2, 0, 0, 0}, []byte(s.text(s.svc.DHIP)), 0)
		if !bytes.Equal(got, want) {
			t.Errorf("reply %q, want %q", got, want)
		}
	case "raw":
		r := s.svc.Raw
		got := readFor(t, ap, []byte("hello?"), 300*time.Millisecond)
		if want := string(r.Hello.Bytes()); got != want {
			t.Errorf("sent %q, want %q", got, want)
		}
		if !r.Close && !waitFor(func() bool { return s.lab.Received(s.dev.Addr, s.svc.Port) >= 6 }) {
			t.Errorf("Received = %d, want >= 6", s.lab.Received(s.dev.Addr, s.svc.Port))
		}
	default:
		t.Fatalf("no check for %s", p)
	}
}

func waitFor(f func() bool) bool {
	for range 100 {
		if f() {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

func client() *http.Client {
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		DisableKeepAlives: true, TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := client().Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func checkHTTP(t *testing.T, s *service, ap netip.AddrPort, facts []Fact) {
	scheme := "http"
	if s.svc.HTTP.TLSSubject != nil {
		scheme = "https"
		conn, err := tls.Dial("tcp", ap.String(), &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			t.Fatal(err)
		}
		cert := conn.ConnectionState().PeerCertificates[0]
		conn.Close()
		if got, want := cert.Subject.String(), s.text(s.svc.HTTP.TLSSubject); got != want {
			t.Errorf("certificate subject %q, want %q", got, want)
		}
		if cert.Issuer.String() != cert.Subject.String() {
			t.Errorf("not self-signed: issuer %q", cert.Issuer)
		}
	}
	for _, f := range factsOf(facts, s, "http.response") {
		pg := findPage(s, f.Path)
		var body io.Reader
		if pg.Action != "" {
			body = strings.NewReader(pg.Action)
		}
		req, _ := http.NewRequest(pg.method(), scheme+"://"+ap.String()+f.Path, body)
		resp, err := client().Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", pg.method(), f.Path, err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != pg.status() {
			t.Errorf("%s: status %d, want %d", f.Path, resp.StatusCode, pg.status())
		}
		want := s.text(pg.Body)
		if len(pg.Accounts) > 0 {
			want = "" // shown only to a login (TestHTTPBasicAccounts)
		}
		if string(got) != want {
			t.Errorf("%s: body %q, want %q", f.Path, got, want)
		}
		if s.svc.HTTP.Server != nil && resp.Header.Get("Server") != s.text(s.svc.HTTP.Server) {
			t.Errorf("%s: Server %q", f.Path, resp.Header.Get("Server"))
		}
		if pg.Auth != nil && resp.Header.Get("WWW-Authenticate") != s.text(pg.Auth) {
			t.Errorf("%s: WWW-Authenticate %q", f.Path, resp.Header.Get("WWW-Authenticate"))
		}
		for _, h := range s.svc.HTTP.Headers {
			if strings.EqualFold(h.Name, "connection") {
				continue // hop-by-hop: net/http consumes it; the raw check below sees it
			}
			if resp.Header.Get(h.Name) == "" {
				t.Errorf("%s: header %s missing: %v", f.Path, h.Name, resp.Header)
			}
		}
	}
	// Raw bytes: the verbatim header spelling survives.
	got := readFor(t, ap, []byte("GET / HTTP/1.0\r\n\r\n"), 300*time.Millisecond)
	if scheme == "http" && !strings.HasPrefix(got, "HTTP/1.1 ") {
		t.Errorf("raw reply %q", got)
	}
	for _, h := range s.svc.HTTP.Headers {
		if scheme == "http" && !strings.Contains(got, "\r\n"+h.Name+": ") {
			t.Errorf("raw reply lacks %q: %q", h.Name, got)
		}
	}
	if resp, err := client().Get(scheme + "://" + ap.String() + "/no/such/page"); err != nil || resp.StatusCode != 404 {
		t.Errorf("unknown page: %v %v", resp, err)
	}
}

func findPage(s *service, path string) Page {
	for _, p := range s.dev.profile.Pages(s.svc.Port) {
		if p.Path == path {
			return p
		}
	}
	return Page{}
}

// readFor connects, sends req, and returns what the server sent within d
// (or until it closed).
func readFor(t *testing.T, ap netip.AddrPort, req []byte, d time.Duration) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", ap.String(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if req != nil {
		c.Write(req)
	}
	c.SetReadDeadline(time.Now().Add(d))
	b, _ := io.ReadAll(io.LimitReader(c, 1<<20))
	return string(b)
}

// TestHTTPBasicAccounts: a page with accounts answers 401 and its Basic
// challenge, without the body, to a request with no credentials, a wrong
// password, an unknown user or another scheme, and 200 with the body and
// no challenge to one of its accounts (RFC 7617). The profile whose owner
// changed the password refuses the vendor default the same way.
func TestHTTPBasicAccounts(t *testing.T) {
	l := startLab(t, Config{Base: netip.MustParseAddr("127.10.41.1"), Profiles: []string{"hikvision-ipc-legacy-2014", "hikvision-ipc-legacy-changed"}})
	const path = "/ISAPI/System/deviceInfo"
	for _, d := range l.devices {
		var pg Page
		for _, p := range d.profile.Pages(80) {
			if p.Path == path {
				pg = p
			}
		}
		if len(pg.Accounts) == 0 {
			t.Fatalf("%s: %s has no accounts", d.Profile, path)
		}
		s := &service{lab: l, dev: d, svc: d.profile.httpService(80)}
		challenge, body := s.text(pg.Auth), s.text(pg.Body)
		if !strings.HasPrefix(challenge, "Basic ") || !strings.Contains(body, "<firmwareVersion>") {
			t.Fatalf("%s: challenge %q body %q", d.Profile, challenge, body)
		}
		url := "http://" + netip.AddrPortFrom(d.Addr, 80).String() + path
		get := func(set func(*http.Request)) (*http.Response, string) {
			t.Helper()
			req, _ := http.NewRequest("GET", url, nil)
			if set != nil {
				set(req)
			}
			resp, err := client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return resp, string(b)
		}
		refused := func(what string, set func(*http.Request)) {
			t.Helper()
			resp, got := get(set)
			if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != challenge || got != "" || resp.Header.Get("Content-Type") != "" {
				t.Errorf("%s, %s: %d WWW-Authenticate %q Content-Type %q body %q, want 401, the challenge and no body",
					d.Profile, what, resp.StatusCode, resp.Header.Get("WWW-Authenticate"), resp.Header.Get("Content-Type"), got)
			}
		}
		refused("no credentials", nil)
		a := pg.Accounts[0]
		refused("wrong password", func(r *http.Request) { r.SetBasicAuth(a.User, a.Password+"x") })
		refused("unknown user", func(r *http.Request) { r.SetBasicAuth(a.User+"x", a.Password) })
		refused("Digest scheme", func(r *http.Request) { r.Header.Set("Authorization", `Digest username="`+a.User+`"`) })
		if d.Profile == "hikvision-ipc-legacy-changed" {
			refused("vendor default admin/12345", func(r *http.Request) { r.SetBasicAuth("admin", "12345") })
		}
		for _, a := range pg.Accounts {
			resp, got := get(func(r *http.Request) { r.SetBasicAuth(a.User, a.Password) })
			if resp.StatusCode != 200 || got != body || resp.Header.Get("WWW-Authenticate") != "" || resp.Header.Get("Content-Type") != pg.ContentType {
				t.Errorf("%s, account %s: %d WWW-Authenticate %q Content-Type %q body %q, want 200 and the body",
					d.Profile, a.User, resp.StatusCode, resp.Header.Get("WWW-Authenticate"), resp.Header.Get("Content-Type"), got)
			}
		}
	}
}
