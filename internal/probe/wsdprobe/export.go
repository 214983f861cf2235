package wsdprobe

import (
	"errors"

	"github.com/coveredtool/covered/internal/probe/wire"

	"github.com/coveredtool/covered"
)

// This file exports the request and the reply parsing for --broadcast mode
// (internal/scan/broadcast), so a reply heard after a multicast Probe is
// read exactly as one heard by unicast.

// ProbeRequest returns the probe's WS-Discovery Probe with a fresh
// MessageID, and that ID, which replies must relate to.
func ProbeRequest() (req []byte, messageID string) {
	id := newMessageID()
	return probeMessage(id), id
}

// MatchObservations parses one datagram as Probe does and returns what it
// observes: the whole ProbeMatches reply as wsd.probe_match. An echoed
// Probe or a reply to another message gives no observations and no error;
// anything else that is not a ProbeMatches is an error. The device service
// is not asked for GetDeviceInformation here.
func MatchObservations(b []byte, messageID string) ([]covered.Observation, error) {
	if _, err := parseProbeMatches(b, messageID); err != nil {
		if errors.Is(err, wire.ErrSkip) {
			return nil, nil
		}
		return nil, err
	}
	return []covered.Observation{{Key: "wsd.probe_match", Value: string(b)}}, nil
}
