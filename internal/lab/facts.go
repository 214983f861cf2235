package lab

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// Fact is one observation a complete, correct scan of a device would make
// (DESIGN vocabulary), with the public source of the value. Benchmarks use
// facts as the expected observations; tests run the fingerprint rules on
// them.
type Fact struct {
	Key       string
	Value     string
	Path      string
	Port      uint16
	Transport string
	Source    string
}

var titleRE = regexp.MustCompile(`(?is)<title>(.*?)</title>`)

// Facts lists what a device of this profile reveals, for a device at the
// lab's default base address with the profile's first MAC address.
func (p *Profile) Facts() []Fact { return newDevice(p, DefaultBase, 1).facts() }

func (d *device) facts() []Fact {
	var out []Fact
	if d.profile.OUI != nil {
		out = append(out, Fact{Key: "mac", Value: d.MAC, Source: d.profile.OUI.Source})
	}
	for i := range d.profile.Services {
		s := &service{dev: d, svc: &d.profile.Services[i]}
		out = append(out, s.facts()...)
	}
	return out
}

func (s *service) facts() []Fact {
	sv := s.svc
	var out []Fact
	add := func(key, value, path, source string) {
		out = append(out, Fact{Key: key, Value: value, Path: path, Port: sv.Port, Transport: sv.Transport(), Source: source})
	}
	switch {
	case sv.HTTP != nil:
		if sv.HTTP.Server != nil {
			add("http.header.server", s.text(sv.HTTP.Server), "", sv.HTTP.Server.Source)
		}
		if t := sv.HTTP.TLSSubject; t != nil {
			add("tls.cert.subject", s.text(t), "", t.Source)
			add("tls.cert.issuer", s.text(t), "", t.Source+" (self-signed: issuer = subject)")
		}
		for _, pg := range s.dev.profile.Pages(sv.Port) {
			req := &http.Request{Method: pg.method(), RequestURI: pg.Path}
			raw, _ := s.respondHTTP([]Page{pg}, req, []byte(pg.Action))
			src := firstText(pg.Body, pg.Auth).Source
			add("http.response", string(raw), pg.Path, src)
			if pg.Auth != nil {
				add("http.header.www_authenticate", s.text(pg.Auth), pg.Path, pg.Auth.Source)
			}
			// A page behind accounts shows its body only to a login, which a
			// scan does not make.
			if pg.Body != nil && len(pg.Accounts) == 0 {
				body := s.text(pg.Body)
				key := pg.Key
				if key == "" {
					key = "http.body"
				}
				add(key, body, pg.Path, pg.Body.Source)
				if m := titleRE.FindStringSubmatch(body); m != nil {
					add("http.title", strings.TrimSpace(m[1]), pg.Path, pg.Body.Source)
				}
			}
		}
	case sv.SSH != nil:
		add("ssh.banner", s.text(sv.SSH), "", sv.SSH.Source)
	case sv.Telnet != nil:
		v := s.text(&sv.Telnet.Banner)
		if sv.Telnet.Negotiate {
			v = telnetNegotiation + v
		}
		add("telnet.banner", v, "", sv.Telnet.Banner.Source)
	case sv.FTP != nil:
		add("ftp.banner", s.text(sv.FTP), "", sv.FTP.Source)
	case sv.RTSP != nil:
		r := sv.RTSP
		if r.Server != nil {
			add("rtsp.header.server", s.text(r.Server), "", r.Server.Source)
		}
		if t := firstText(r.Auth, r.SDP, r.Server); t != nil {
			add("rtsp.response", string(s.rtspReply("DESCRIBE", fmt.Sprintf("rtsp://%s/", s.dev.Addr), "2", "")), "", t.Source)
		}
	case sv.SIP != nil:
		if t := sv.SIP.Server; t != nil {
			add("sip.header.server", s.text(t), "", t.Source)
		}
		if t := sv.SIP.UserAgent; t != nil {
			add("sip.header.user_agent", s.text(t), "", t.Source)
		}
	case sv.SNMP != nil:
		n := sv.SNMP
		if n.SysDescr != nil && n.Community != "" {
			add("snmp.sysdescr", s.text(n.SysDescr), oidSysDescr, n.SysDescr.Source)
		}
		if n.SysObjectID != nil && n.Community != "" {
			add("snmp.sysobjectid", s.text(n.SysObjectID), oidSysObjectID, n.SysObjectID.Source)
		}
		if n.EngineID != nil {
			add("snmp.engineid", hex.EncodeToString([]byte(s.snmpAgent().engineID)), "", n.EngineID.Source)
		}
	case sv.SSDP != nil:
		add("ssdp.header.server", s.text(&sv.SSDP.Server), "", sv.SSDP.Server.Source)
	case sv.WSD != nil:
		add("wsd.probe_match", s.probeMatch("urn:uuid:00000000-0000-0000-0000-000000000001"), "", sv.WSD.Scopes.Source)
	case sv.MDNS != nil:
		for _, m := range sv.MDNS.Services {
			add("mdns.service", expand(m.Instance, s.dev.Addr, s.dev.hw)+"."+m.Type+".local", "", sv.MDNS.Source)
			add("mdns.txt", strings.Join(s.mdnsTXT(m), " "), "", sv.MDNS.Source)
		}
	case sv.SADP != nil:
		add("sadp.response", s.sadpReply("4F1A2B3C-0000-0000-0000-001122334455"), "", sv.SADP.Source)
	case sv.DHIP != nil:
		add("dhip.response", string(dhipPacket(make([]byte, 8), []byte(s.text(sv.DHIP)), 0)), "", sv.DHIP.Source)
	case sv.Raw != nil:
		add("port.open", fmt.Sprintf("tcp/%d", sv.Port), "", sv.Raw.Source)
		if h := sv.Raw.Hello; h != nil {
			add("tcp.banner", string(h.Bytes()), "", h.Source)
		}
	}
	return out
}
