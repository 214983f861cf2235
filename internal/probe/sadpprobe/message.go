package sadpprobe

import (
	"crypto/rand"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"

	"github.com/coveredtool/covered/internal/probe/wire"
)

// The SADP inquiry. Hikvision publishes no specification of SADP (Search
// Active Devices Protocol); the request below is the one public,
// independent implementations agree on, byte for byte apart from the UUID:
//
//   - julienblitte/UniversalScanner, UniversalScanner/Hikvision.cs (LGPL
//     network scanner, protocol observed on the wire): sends
//     `<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>{uuid}</Uuid>
//     <Types>inquiry</Types></Probe>` to UDP 37020 and reads replies whose
//     root is <ProbeMatch> with DeviceDescription, DeviceSN, IPv4Address;
//   - several other open-source SADP clients found in public code send the
//     same document (one documents it as "UTF-8 XML, no framing, Uuid an
//     uppercase RFC 4122 v4, Types literally inquiry");
//   - shared/domain signals_other.csv: Hikvision, SADP on UDP 37020.
//
// "inquiry" only asks devices to describe themselves; the protocol's other
// verbs (activation, password reset, network changes) are never sent.
func inquiry(uuid string) []byte {
	return []byte(`<?xml version="1.0" encoding="utf-8"?>` +
		`<Probe><Uuid>` + uuid + `</Uuid><Types>inquiry</Types></Probe>`)
}

// newUUID returns an uppercase RFC 4122 version 4 UUID, the form SADP
// clients send.
func newUUID() string {
	var u [16]byte
	_, _ = rand.Read(u[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return strings.ToUpper(fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16]))
}

// reply is the part of a SADP ProbeMatch the probe checks. The fields are
// those the public implementations above read; identification reads the
// raw XML, so only the root element decides what is accepted.
type reply struct {
	XMLName           xml.Name
	UUID              string `xml:"Uuid"`
	Types             string `xml:"Types"`
	DeviceType        string `xml:"DeviceType"`
	DeviceDescription string `xml:"DeviceDescription"`
	DeviceSN          string `xml:"DeviceSN"`
	MAC               string `xml:"MAC"`
	SoftwareVersion   string `xml:"SoftwareVersion"`
}

// errNoDevice is a well-formed XML reply that describes no device.
var errNoDevice = errors.New("sadp: reply names no device (no DeviceDescription, DeviceSN or MAC)")

// parseReply parses one datagram. A <Probe> (our inquiry echoed, or another
// client's) is wire.ErrSkip; anything else must be a <ProbeMatch> that names a
// device; the raw reply is what the probe reports.
func parseReply(b []byte) (*reply, error) {
	if err := wire.CheckXMLDepth(b, maxDepth); err != nil {
		return nil, fmt.Errorf("sadp: reply is not XML: %w", err)
	}
	var r reply
	if err := wire.XMLDecoder(b).Decode(&r); err != nil {
		return nil, fmt.Errorf("sadp: reply is not XML: %w", err)
	}
	switch r.XMLName.Local {
	case "Probe":
		return nil, wire.ErrSkip
	case "ProbeMatch":
	default:
		return nil, fmt.Errorf("sadp: reply root is <%.40s>, want <ProbeMatch>", r.XMLName.Local)
	}
	if r.DeviceDescription == "" && r.DeviceSN == "" && r.MAC == "" {
		return nil, errNoDevice
	}
	return &r, nil
}

// maxDepth bounds element nesting. A ProbeMatch is two levels deep;
// encoding/xml gets superlinearly slower on deep nesting (about 0.1 s of
// CPU for one 64 KiB datagram of open tags), so deeper input is refused by
// a cheap token scan before it is decoded.
const maxDepth = 16
