package lab

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// answerSSDP replies to a unicast M-SEARCH (UPnP Device Architecture 1.1
// §1.3.3) whose ST is ssdp:all, upnp:rootdevice, the device type or the
// device's UUID.
func (s *service) answerSSDP(req []byte, _ netip.AddrPort) [][]byte {
	text := string(req)
	if !strings.HasPrefix(text, "M-SEARCH * HTTP/1.1") || !strings.Contains(strings.ToLower(text), "ssdp:discover") {
		return nil
	}
	st := ""
	for _, l := range strings.Split(text, "\r\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "ST") {
			st = strings.TrimSpace(v)
		}
	}
	d := s.svc.SSDP.Description
	switch st {
	case "ssdp:all":
		st = "upnp:rootdevice"
	case "upnp:rootdevice", d.DeviceType, "uuid:" + d.UUID:
	default:
		return nil
	}
	return [][]byte{[]byte(s.ssdpReply(st))}
}

func (s *service) ssdpReply(st string) string {
	sp := s.svc.SSDP
	usn := "uuid:" + sp.Description.UUID
	if st != usn {
		usn += "::" + st
	}
	return fmt.Sprintf("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\nLOCATION: http://%s%s\r\nSERVER: %s\r\nST: %s\r\nUSN: %s\r\n\r\n",
		netip.AddrPortFrom(s.dev.Addr, sp.LocationPort), sp.LocationPath, s.text(&sp.Server), st, usn)
}

var (
	wsdProbe     = regexp.MustCompile(`<(?:[\w-]+:)?Probe[\s/>]`)
	wsdMessageID = regexp.MustCompile(`<(?:[\w-]+:)?MessageID[^>]*>\s*([^<\s]{1,200})\s*</`)
)

// answerWSD replies to a WS-Discovery Probe (WS-Discovery 2005/04, as
// ONVIF Core Specification §7.3 uses it) with a ProbeMatch.
func (s *service) answerWSD(req []byte, _ netip.AddrPort) [][]byte {
	if !wsdProbe.Match(req) {
		return nil
	}
	relates := "urn:uuid:00000000-0000-0000-0000-000000000000"
	if m := wsdMessageID.FindSubmatch(req); m != nil {
		relates = string(m[1])
	}
	return [][]byte{[]byte(s.probeMatch(relates))}
}

func (s *service) probeMatch(relatesTo string) string {
	w := s.svc.WSD
	xaddr := "http://" + s.dev.Addr.String()
	if w.XAddrPort != 80 {
		xaddr = "http://" + netip.AddrPortFrom(s.dev.Addr, w.XAddrPort).String()
	}
	return `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl">` +
		`<SOAP-ENV:Header><wsa:MessageID>urn:uuid:` + esc(w.UUID) + `</wsa:MessageID><wsa:RelatesTo>` + esc(relatesTo) + `</wsa:RelatesTo>` +
		`<wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To>` +
		`<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action>` +
		`<d:AppSequence InstanceId="1" MessageNumber="1"/></SOAP-ENV:Header>` +
		`<SOAP-ENV:Body><d:ProbeMatches><d:ProbeMatch><wsa:EndpointReference><wsa:Address>urn:uuid:` + esc(w.UUID) + `</wsa:Address></wsa:EndpointReference>` +
		`<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types><d:Scopes>` + esc(s.text(&w.Scopes)) + `</d:Scopes>` +
		`<d:XAddrs>` + xaddr + onvifPath + `</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion>` +
		`</d:ProbeMatch></d:ProbeMatches></SOAP-ENV:Body></SOAP-ENV:Envelope>` + "\n"
}

var sadpUUID = regexp.MustCompile(`<Uuid>([0-9A-Fa-f-]{1,64})</Uuid>`)

// answerSADP replies to a Hikvision SADP inquiry with the profile's
// ProbeMatch, echoing the request's Uuid.
func (s *service) answerSADP(req []byte, _ netip.AddrPort) [][]byte {
	if !bytes.Contains(req, []byte("<Types>inquiry</Types>")) {
		return nil
	}
	uuid := ""
	if m := sadpUUID.FindSubmatch(req); m != nil {
		uuid = string(m[1])
	}
	return [][]byte{[]byte(s.sadpReply(uuid))}
}

func (s *service) sadpReply(uuid string) string {
	if uuid == "" {
		uuid = "00000000-0000-0000-0000-" + strings.ReplaceAll(s.dev.MAC, ":", "")
	}
	return strings.ReplaceAll(s.text(s.svc.SADP), "{uuid}", uuid)
}

// dhipMagic starts every DHIP datagram: 0x20 0 0 0 "DHIP".
var dhipMagic = []byte{0x20, 0, 0, 0, 'D', 'H', 'I', 'P'}

// answerDHIP replies to a Dahua DHDiscover.search request (32-byte DHIP
// header, JSON body) with the profile's client.notifyDevInfo.
func (s *service) answerDHIP(req []byte, _ netip.AddrPort) [][]byte {
	if len(req) < 32 || !bytes.Equal(req[:8], dhipMagic) || !bytes.Contains(req[32:], []byte("DHDiscover.search")) {
		return nil
	}
	return [][]byte{dhipPacket(req[8:16], []byte(s.text(s.svc.DHIP)), 0)}
}

// dhipPacket frames body: magic, the request's session and id, the body
// length (little endian) at offsets 16 and 24. claim, when non-zero,
// replaces the length (the hostile lying-length mode).
func dhipPacket(ids, body []byte, claim uint32) []byte {
	n := uint32(len(body))
	if claim != 0 {
		n = claim
	}
	h := make([]byte, 32, 32+len(body))
	copy(h, dhipMagic)
	copy(h[8:16], ids)
	binary.LittleEndian.PutUint32(h[16:], n)
	binary.LittleEndian.PutUint32(h[24:], n)
	return append(h, body...)
}
