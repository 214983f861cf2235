package lab

import (
	"log/slog"
	"net/netip"
	"testing"
)

// FuzzUDPHandlers feeds arbitrary datagrams to every UDP service of every
// profile: the lab parses requests from the scanner under test, and a
// malformed one must never crash it.
func FuzzUDPHandlers(f *testing.F) {
	f.Add([]byte("OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\nFrom: a\r\nTo: b\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n"))
	f.Add([]byte("M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\nST: ssdp:all\r\n\r\n"))
	f.Add([]byte(`<Probe><Uuid>1</Uuid><Types>inquiry</Types></Probe>`))
	f.Add(dhipPacket(make([]byte, 8), []byte(`{"method":"DHDiscover.search"}`), 0))
	f.Add([]byte{0x30, 0x26, 0x02, 0x01, 0x01, 0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c'})
	f.Add([]byte{0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 9, '_', 's', 'e', 'r', 'v', 'i', 'c', 'e', 's', 0, 0, 12, 0, 1})
	ps, err := Profiles()
	if err != nil {
		f.Fatal(err)
	}
	l := &Lab{done: make(chan struct{}), log: slog.New(slog.DiscardHandler)}
	var handlers []func([]byte, netip.AddrPort) [][]byte
	for i := range ps {
		d := newDevice(&ps[i], DefaultBase, i)
		for j := range ps[i].Services {
			s := &service{lab: l, dev: d, svc: &ps[i].Services[j]}
			if s.svc.Transport() == "udp" {
				handlers = append(handlers, s.udpHandler())
			}
		}
	}
	from := netip.MustParseAddrPort("127.0.0.1:40000")
	f.Fuzz(func(t *testing.T, req []byte) {
		for _, h := range handlers {
			h(req, from)
		}
	})
}
