// Package pcap imports packet captures (format "pcap", an importer format
// of the import stage): classic pcap files, with microsecond or nanosecond
// times in either byte order, and pcapng files, as tcpdump, dumpcap,
// Wireshark and tshark write them, optionally gzip-compressed. Frames are
// read with gopacket's pure-Go pcapgo readers and layers (never libpcap):
// Ethernet (with 802.1Q tags), Linux cooked captures (SLL and SLL2),
// BSD loopback (NULL and LOOP) and raw IPv4/IPv6; then IPv4 or IPv6, then
// TCP or UDP.
//
// A capture shows what devices say about themselves without being asked,
// and what the scanner would have heard had it asked. What becomes an
// observation, with the keys and value shapes the scanner's probes use so
// that the same fingerprint rules match:
//
//   - ARP requests and replies: the sender's MAC as `mac` of the sender's
//     address. The Ethernet source of IP packets is never attributed to
//     their source address: behind a router it is the router's.
//   - DHCP client messages (UDP 67/68): chaddr as `mac`, option 12 as
//     `dhcp.hostname`, option 60 as `dhcp.vendor_class` and option 55 as
//     `dhcp.param_list` (decimal option numbers joined by ","); Host is the
//     client's address (ciaddr, else the requested address), else its MAC.
//     A server's DHCPACK gives `mac` for the address it assigns.
//   - mDNS responses (UDP 5353): service types and instance names as
//     `mdns.service`, an instance's TXT strings joined by ";" as `mdns.txt`
//     (Path = the instance), SRV targets and A/AAAA owner names without
//     ".local" as `hostname`; Host is the responder.
//   - SSDP NOTIFY announcements and search responses (UDP 1900): SERVER as
//     `ssdp.header.server` of the sender.
//   - SIP over UDP and TCP: User-Agent as `sip.header.user_agent` and Server
//     as `sip.header.server` of the message's sender.
//   - HTTP over TCP, any port: a request's User-Agent and Sec-CH-UA-Model
//     as `http.user_agent` and `http.header.sec_ch_ua_model` of the client;
//     a response as `http.response` (header block as sent and the first
//     4 KiB of the body, Path = the request's path; Set-Cookie values and
//     SIM identifiers blanked, as a capture holds other people's
//     sessions), its Server,
//     WWW-Authenticate and <title> as `http.header.server`,
//     `http.header.www_authenticate` and `http.title` of the server.
//   - RTSP responses: `rtsp.response` (status line and headers) and
//     `rtsp.header.server` of the server.
//   - TLS: a ClientHello's server name as `tls.sni` of the client; the leaf
//     certificate of a cleartext (TLS 1.0-1.2) Certificate message as
//     `tls.cert.subject`, `tls.cert.issuer` (RFC 4514, as Go writes them)
//     and `tls.cert.serial` (lowercase hex) of the server.
//
// Facts of a service carry its Port and Transport; facts of a client carry
// none. Seen is the time of the packet (for TCP, of the segment carrying the
// first byte of that direction); Source is "import:pcap". Identical (host,
// key, value, port) observations are emitted once, through a bounded set.
//
// TCP is followed simply: the first 16 KiB of each direction of each
// connection, only bytes in sequence from the SYN (or from the first
// segment seen when the capture missed it); out-of-order segments are
// dropped, retransmissions keep only their new bytes, and a direction stops
// at a gap a truncated (snaplen) segment leaves. Directions that do not
// start like HTTP, RTSP, SIP or TLS are not kept. At most 16384 connections
// and 32 MiB of stream bytes are held; past that the least recently active
// connection is read and forgotten. Memory does not grow with the capture.
//
// Damaged packets, which captures are full of, are skipped silently. A
// damaged file structure is not: a record whose lengths disagree is
// reported with its packet number and skipped, and one whose length cannot
// be trusted (an impossible block length, a truncated file) is reported and
// ends reading, with what was read so far kept. No length in the file is
// trusted before it is checked (see framer).
package pcap

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

func init() { importer.Register(Format{}) }

var _ importer.Format = Format{}

// Format reads pcap and pcapng captures.
type Format struct{}

// Name implements importer.Format.
func (Format) Name() string { return "pcap" }

// Description implements importer.Format.
func (Format) Description() string {
	return "packet capture, pcap or pcapng (tcpdump, Wireshark): ARP, DHCP, mDNS, SSDP, SIP, HTTP, RTSP, TLS"
}

// Example implements importer.Format: captures are binary, so the example
// is a command that writes one with the traffic the importer reads.
func (Format) Example() string {
	return "tcpdump -i eth0 -s 0 -w capture.pcap 'arp or udp port 67 or udp port 68 or udp port 5353 or udp port 1900 or port 5060 or tcp'"
}

// Detect claims a classic pcap header (magic a1b2c3d4 or a1b23c4d in
// either byte order, version 2) or a pcapng section header block
// (0a0d0d0a with a byte-order magic), also inside gzip.
func (Format) Detect(head []byte) bool {
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(head))
		if err != nil {
			return false
		}
		var b [pcapHeaderLength]byte
		n, _ := io.ReadFull(zr, b[:])
		head = b[:n]
	}
	if len(head) >= 12 && bytes.Equal(head[:4], []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		bom := head[8:12]
		return bytes.Equal(bom, []byte{0x1a, 0x2b, 0x3c, 0x4d}) || bytes.Equal(bom, []byte{0x4d, 0x3c, 0x2b, 0x1a})
	}
	if len(head) < pcapHeaderLength {
		return false
	}
	order, ok := pcapOrder(head)
	return ok && order.Uint16(head[4:]) == 2
}

// Read implements importer.Format.
func (f Format) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) error {
	report := func(n int, err error) {
		bad(&importer.RecordError{File: src.Name, Line: max(n, 1), Err: err})
	}
	in, err := gunzip(r)
	if err != nil {
		return fmt.Errorf("read %s: %w", src.Name, err)
	}
	fr := newFramer(in, report)
	next, err := open(fr)
	if err != nil {
		return finish(src.Name, fr, err, report)
	}
	rd := newReader(newSink("import:"+f.Name(), src.Seen, emit))
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		data, ts, link, err := next()
		if err != nil {
			if ferr := rd.flush(); ferr != nil {
				return ferr
			}
			return finish(src.Name, fr, err, report)
		}
		if err := rd.packet(link, data, ts); err != nil {
			return err
		}
	}
}

// readFunc returns the next packet of a capture, valid until the next
// call, with its time and link type.
type readFunc func() (data []byte, ts time.Time, link layers.LinkType, err error)

// open starts the pcapgo reader the file's header calls for.
func open(fr *framer) (readFunc, error) {
	if err := fr.start(); err != nil {
		return nil, err
	}
	if fr.ng {
		ng, err := pcapgo.NewNgReader(fr, pcapgo.NgReaderOptions{WantMixedLinkType: true})
		if err != nil {
			return nil, err
		}
		return func() ([]byte, time.Time, layers.LinkType, error) {
			data, ci, err := ng.ZeroCopyReadPacketData()
			var link layers.LinkType
			if len(ci.AncillaryData) > 0 {
				link, _ = ci.AncillaryData[0].(layers.LinkType)
			}
			return data, ci.Timestamp, link, err
		}, nil
	}
	pr, err := pcapgo.NewReader(fr)
	if err != nil {
		return nil, err
	}
	link := pr.LinkType()
	return func() ([]byte, time.Time, layers.LinkType, error) {
		data, ci, err := pr.ZeroCopyReadPacketData()
		return data, ci.Timestamp, link, err
	}, nil
}

// finish sorts out how reading ended: the end of the file, a damaged
// structure (reported; what was read stands), or a failing input.
func finish(name string, fr *framer, err error, report func(int, error)) error {
	var se *structError
	var re *readError
	switch {
	case errors.Is(err, io.EOF):
		return nil
	case errors.As(err, &se):
		report(se.packet, se)
		return nil
	case errors.As(err, &re):
		return fmt.Errorf("read %s: %w", name, re.err)
	}
	// pcapgo refused something the framer let through.
	n := max(fr.packets, 1)
	report(n, fmt.Errorf("packet %d: %w", n, err))
	return nil
}

// gzipError is a corrupt or truncated gzip stream: a damaged file, not a
// failing input.
type gzipError struct{ err error }

func (e *gzipError) Error() string { return "compressed stream: " + e.err.Error() }
func (e *gzipError) Unwrap() error { return e.err }

// gunzip returns r, decompressed when it starts with the gzip magic.
func gunzip(r io.Reader) (io.Reader, error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(2)
	if err != nil || magic[0] != 0x1f || magic[1] != 0x8b {
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		return br, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return &failed{&gzipError{err}}, nil
	}
	return gzipReader{zr}, nil
}

type gzipReader struct{ zr *gzip.Reader }

func (g gzipReader) Read(p []byte) (int, error) {
	n, err := g.zr.Read(p)
	var corrupt flate.CorruptInputError
	if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &corrupt) {
		err = &gzipError{err}
	}
	return n, err
}

// failed is a reader that only fails, for a gzip header that does not
// parse: the framer reports it like any other damage.
type failed struct{ err error }

func (f *failed) Read([]byte) (int, error) { return 0, f.err }
