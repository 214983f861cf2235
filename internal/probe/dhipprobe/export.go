package dhipprobe

import (
	"errors"

	"github.com/coveredtool/covered/internal/probe/wire"

	"github.com/coveredtool/covered"
)

// This file exports the request and the reply parsing for --broadcast mode
// (internal/scan/broadcast), so a reply to the broadcast search is read
// exactly as one heard by unicast.

// SearchRequest returns the probe's DHDiscover.search frame.
func SearchRequest() []byte { return searchRequest() }

// ReplyObservations parses one datagram as Probe does and returns what it
// observes: the raw reply, header included, as dhip.response. Our own
// search echoed gives no observations and no error; anything else that is
// not a DHIP frame with a JSON object is an error.
func ReplyObservations(b []byte) ([]covered.Observation, error) {
	if _, err := parseReply(b); err != nil {
		if errors.Is(err, wire.ErrSkip) {
			return nil, nil
		}
		return nil, err
	}
	return []covered.Observation{{Key: "dhip.response", Value: string(b)}}, nil
}
