package wsdprobe

import (
	"crypto/rand"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"

	"github.com/coveredtool/covered/internal/probe/wire"
)

// Namespaces of the WS-Discovery version ONVIF devices speak: the ONVIF
// Core Specification (§7.3, Device discovery) requires WS-Discovery in its
// April 2005 form, SOAP 1.2, WS-Addressing 2004/08; the type
// dn:NetworkVideoTransmitter is the ONVIF network video transmitter.
const (
	nsSOAP    = "http://www.w3.org/2003/05/soap-envelope"
	nsWSA     = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
	nsWSD     = "http://schemas.xmlsoap.org/ws/2005/04/discovery"
	nsNetwork = "http://www.onvif.org/ver10/network/wsdl"
	nsDevice  = "http://www.onvif.org/ver10/device/wsdl"
)

// newMessageID returns a fresh urn:uuid (RFC 4122 version 4), so replies
// can be matched to this probe by their RelatesTo.
func newMessageID() string {
	var u [16]byte
	_, _ = rand.Read(u[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// probeMessage is the WS-Discovery Probe for ONVIF video transmitters,
// addressed to the discovery service URN with an anonymous ReplyTo so the
// match comes back to the sending socket.
func probeMessage(messageID string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>` +
		`<s:Envelope xmlns:s="` + nsSOAP + `" xmlns:a="` + nsWSA + `" xmlns:d="` + nsWSD + `" xmlns:dn="` + nsNetwork + `">` +
		`<s:Header>` +
		`<a:Action s:mustUnderstand="1">` + nsWSD + `/Probe</a:Action>` +
		`<a:MessageID>` + messageID + `</a:MessageID>` +
		`<a:ReplyTo><a:Address>` + nsWSA + `/role/anonymous</a:Address></a:ReplyTo>` +
		`<a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>` +
		`</s:Header>` +
		`<s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body>` +
		`</s:Envelope>`)
}

// deviceInformationRequest is the ONVIF Device service GetDeviceInformation
// call (ONVIF Core Specification §8.3.1): read-only, no parameters.
var deviceInformationRequest = []byte(`<?xml version="1.0" encoding="UTF-8"?>` +
	`<s:Envelope xmlns:s="` + nsSOAP + `"><s:Body><GetDeviceInformation xmlns="` + nsDevice + `"/></s:Body></s:Envelope>`)

// deviceInformationContentType is the SOAP 1.2 media type with the action.
const deviceInformationContentType = `application/soap+xml; charset=utf-8; action="` + nsDevice + `/GetDeviceInformation"`

// match is the part of a ProbeMatch the probe uses.
type match struct {
	Address string `xml:"EndpointReference>Address"`
	Types   string `xml:"Types"`
	Scopes  string `xml:"Scopes"`
	XAddrs  string `xml:"XAddrs"`
}

// envelope matches SOAP envelopes by local name, whatever prefixes and
// namespace versions the device uses.
type envelope struct {
	XMLName xml.Name `xml:"Envelope"`
	Header  struct {
		RelatesTo string `xml:"RelatesTo"`
	} `xml:"Header"`
	Body struct {
		ProbeMatches *struct {
			Matches []match `xml:"ProbeMatch"`
		} `xml:"ProbeMatches"`
		Probe                        *struct{} `xml:"Probe"`
		Fault                        *struct{} `xml:"Fault"`
		GetDeviceInformationResponse *struct {
			Manufacturer string `xml:"Manufacturer"`
			Model        string `xml:"Model"`
		} `xml:"GetDeviceInformationResponse"`
	} `xml:"Body"`
}

// maxDepth bounds element nesting. A SOAP discovery reply nests about six
// deep; encoding/xml gets superlinearly slower on deep nesting (about
// 0.1 s of CPU for one 64 KiB datagram of open tags), so deeper input is
// refused by a cheap token scan before it is decoded.
const maxDepth = 32

// decodeEnvelope parses one SOAP envelope.
func decodeEnvelope(b []byte) (*envelope, error) {
	if err := wire.CheckXMLDepth(b, maxDepth); err != nil {
		return nil, err
	}
	dec := wire.XMLDecoder(b)
	var env envelope
	if err := dec.Decode(&env); err != nil {
		return nil, err
	}
	return &env, nil
}

// errNoMatch is a well-formed envelope that holds no ProbeMatch.
var errNoMatch = errors.New("wsd: reply holds no ProbeMatch")

// parseProbeMatches parses a reply to the probe messageID and returns its
// matches. An echo of a Probe, or a reply relating to another message, is
// wire.ErrSkip.
func parseProbeMatches(b []byte, messageID string) ([]match, error) {
	env, err := decodeEnvelope(b)
	if err != nil {
		return nil, fmt.Errorf("wsd: reply is not a SOAP envelope: %w", err)
	}
	if env.Body.Probe != nil {
		return nil, wire.ErrSkip
	}
	if rel := strings.TrimSpace(env.Header.RelatesTo); rel != "" && rel != messageID {
		return nil, wire.ErrSkip
	}
	if env.Body.ProbeMatches == nil || len(env.Body.ProbeMatches.Matches) == 0 {
		return nil, errNoMatch
	}
	return env.Body.ProbeMatches.Matches, nil
}

// isDeviceInformation reports whether an HTTP body is a
// GetDeviceInformationResponse rather than a fault or anything else.
func isDeviceInformation(b []byte) bool {
	env, err := decodeEnvelope(b)
	return err == nil && env.Body.Fault == nil && env.Body.GetDeviceInformationResponse != nil
}
