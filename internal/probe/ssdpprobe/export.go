package ssdpprobe

import (
	"errors"

	"github.com/coveredtool/covered"
)

// This file exports the request and the reply parsing for --broadcast mode
// (internal/scan/broadcast), so a reply heard on the multicast group is
// read exactly as one heard by unicast.

// SearchRequest is the probe's M-SEARCH with HOST set to hostPort; for the
// multicast group that is "239.255.255.250:1900" (UDA 2.0 §1.3.2).
func SearchRequest(hostPort string) []byte { return searchRequest(hostPort) }

// ReplyObservations parses one datagram as Probe does and returns what it
// observes: ssdp.header.server when the reply has a SERVER header. Another
// control point's request (M-SEARCH, NOTIFY) gives no observations and no
// error; anything else that is not a search response is an error. The
// description behind LOCATION is not fetched here.
func ReplyObservations(b []byte) ([]covered.Observation, error) {
	r, err := parseReply(b)
	if errors.Is(err, errNotResponse) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if r.Server == "" {
		return nil, nil
	}
	return []covered.Observation{{Key: "ssdp.header.server", Value: r.Server}}, nil
}
