package lab

import (
	"fmt"
	"net"
	"net/netip"
	"time"
)

// service is one service of one device, bound and serving.
type service struct {
	lab *Lab
	dev *device
	svc *Service
}

// text expands a profile value for this device.
func (s *service) text(t *Text) string { return t.expand(s.dev.Addr, s.dev.hw) }

// tcpHandler returns the connection handler of a TCP service, and the
// delay before each Accept (slow-accept only).
func (s *service) tcpHandler() (func(net.Conn), time.Duration, error) {
	sv := s.svc
	switch {
	case sv.HTTP != nil:
		h := s.httpHandler()
		if sv.HTTP.TLSSubject == nil {
			return h, 0, nil
		}
		cfg, err := s.lab.certs.config(s.text(sv.HTTP.TLSSubject), s.dev.Addr.String())
		if err != nil {
			return nil, 0, err
		}
		return func(c net.Conn) { serveTLS(c, cfg, h) }, 0, nil
	case sv.SSH != nil:
		return s.serveSSH, 0, nil
	case sv.Telnet != nil:
		return s.serveTelnet, 0, nil
	case sv.FTP != nil:
		return s.serveFTP, 0, nil
	case sv.RTSP != nil:
		return s.serveRTSP, 0, nil
	case sv.Raw != nil:
		return s.serveRaw, 0, nil
	case sv.Hostile != nil:
		return s.hostileTCP()
	}
	return nil, 0, fmt.Errorf("no TCP server for %s", sv.Proto())
}

// udpHandler returns the datagram handler of a UDP service.
func (s *service) udpHandler() func([]byte, netip.AddrPort) [][]byte {
	sv := s.svc
	switch {
	case sv.SIP != nil:
		return s.answerSIP
	case sv.SNMP != nil:
		return s.snmpAgent().answer
	case sv.SSDP != nil:
		return s.answerSSDP
	case sv.WSD != nil:
		return s.answerWSD
	case sv.MDNS != nil:
		return s.answerMDNS
	case sv.SADP != nil:
		return s.answerSADP
	case sv.DHIP != nil:
		return s.answerDHIP
	case sv.Hostile != nil:
		return s.hostileUDP
	}
	return func([]byte, netip.AddrPort) [][]byte { return nil }
}
