package sadpprobe

import (
	"errors"

	"github.com/coveredtool/covered/internal/probe/wire"

	"github.com/coveredtool/covered"
)

// This file exports the request and the reply parsing for --broadcast mode
// (internal/scan/broadcast), so a reply to the multicast inquiry is read
// exactly as one heard by unicast.

// InquiryRequest returns the probe's SADP inquiry with a fresh UUID.
func InquiryRequest() []byte { return inquiry(newUUID()) }

// ReplyObservations parses one datagram as Probe does and returns what it
// observes: the raw ProbeMatch as sadp.response. An echoed <Probe> gives no
// observations and no error; anything else that is not a ProbeMatch naming
// a device is an error.
func ReplyObservations(b []byte) ([]covered.Observation, error) {
	if _, err := parseReply(b); err != nil {
		if errors.Is(err, wire.ErrSkip) {
			return nil, nil
		}
		return nil, err
	}
	return []covered.Observation{{Key: "sadp.response", Value: string(b)}}, nil
}
