package lab

import (
	"fmt"
	"strings"
)

// Reply is one piece of content a profile sends, with where it is sent and
// its source, for audits ("every reply cites a public source").
type Reply struct {
	Where  string // "tcp/80 http page /", "udp/161 snmp sysDescr"
	Value  string
	Source string
}

// Replies lists every piece of content the profile sends.
func (p *Profile) Replies() []Reply {
	var out []Reply
	add := func(s *Service, what string, t *Text) {
		if t != nil {
			out = append(out, Reply{fmt.Sprintf("%s/%d %s %s", s.Transport(), s.Port, s.Proto(), what), t.Value, t.Source})
		}
	}
	if p.OUI != nil {
		out = append(out, Reply{"mac oui", p.OUI.Value, p.OUI.Source})
	}
	for i := range p.Services {
		s := &p.Services[i]
		switch {
		case s.HTTP != nil:
			add(s, "Server", s.HTTP.Server)
			add(s, "certificate subject", s.HTTP.TLSSubject)
			for _, h := range s.HTTP.Headers {
				add(s, "header "+h.Name, &Text{h.Value, h.Source})
			}
			for j := range s.HTTP.Pages {
				pg := &s.HTTP.Pages[j]
				add(s, "challenge "+pg.Path, pg.Auth)
				add(s, "page "+pg.Path, pg.Body)
				for _, a := range pg.Accounts {
					add(s, "account "+a.User+" of "+pg.Path, &Text{a.User, a.Source})
				}
			}
		case s.Telnet != nil:
			add(s, "banner", &s.Telnet.Banner)
		case s.RTSP != nil:
			add(s, "Server", s.RTSP.Server)
			add(s, "challenge", s.RTSP.Auth)
			add(s, "SDP", s.RTSP.SDP)
			for _, a := range s.RTSP.Accounts {
				add(s, "account "+a.User, &Text{a.User, a.Source})
			}
		case s.SIP != nil:
			add(s, "Server", s.SIP.Server)
			add(s, "User-Agent", s.SIP.UserAgent)
		case s.SNMP != nil:
			add(s, "sysDescr", s.SNMP.SysDescr)
			add(s, "sysObjectID", s.SNMP.SysObjectID)
			add(s, "engine ID", s.SNMP.EngineID)
		case s.SSDP != nil:
			add(s, "SERVER", &s.SSDP.Server)
			d := s.SSDP.Description
			add(s, "description", &Text{d.Manufacturer + " " + d.ModelName, d.Source})
		case s.WSD != nil:
			add(s, "scopes", &s.WSD.Scopes)
			d := s.WSD.Device
			add(s, "ONVIF device information", &Text{d.Manufacturer + " " + d.Model, d.Source})
		case s.MDNS != nil:
			for _, m := range s.MDNS.Services {
				add(s, "service "+m.Type, &Text{m.Instance + " " + strings.Join(m.TXT, " "), s.MDNS.Source})
			}
		case s.Raw != nil:
			add(s, "hello", s.Raw.Hello)
			add(s, "open port", &Text{"", s.Raw.Source})
		case s.Hostile != nil:
			add(s, "mode", &Text{s.Hostile.Mode, s.Hostile.Source})
		default:
			add(s, "banner", firstText(s.SSH, s.FTP, s.SADP, s.DHIP))
		}
	}
	return out
}

func firstText(ts ...*Text) *Text {
	for _, t := range ts {
		if t != nil {
			return t
		}
	}
	return nil
}

func short(s string) string {
	if len(s) > 50 {
		return s[:47] + "..."
	}
	return s
}
