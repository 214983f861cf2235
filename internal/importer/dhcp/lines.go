package dhcp

import (
	"strings"
	"time"

	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/textfile"
)

// maxOption is the longest value a DHCP option can carry (RFC 2132: one
// length octet). Longer values are not what a client sent.
const maxOption = 255

// record emits the usual observations of a DHCP record: its MAC, then
// hostname, vendor class and parameter request list when present. A record
// already seen this hour (a renewal) emits nothing.
func record(s *textfile.Sink, d textfile.Device, hostname, vendor, params string) error {
	if !s.Fresh(d, hostname, vendor, params) {
		return nil
	}
	params = strings.Clone(params) // may be a view of a reused buffer
	if err := s.Obs(d, "mac", d.MAC); err != nil {
		return err
	}
	if err := s.Obs(d, "dhcp.hostname", hostname); err != nil {
		return err
	}
	if err := s.Obs(d, "dhcp.vendor_class", vendor); err != nil {
		return err
	}
	return s.Obs(d, "dhcp.param_list", params)
}

// inLocation is the zone of times a file writes without one: the zone of
// src.Seen (the file's modification time, local), UTC when it is unknown.
func inLocation(src importer.Source) *time.Location {
	if src.Seen.IsZero() {
		return time.UTC
	}
	return src.Seen.Location()
}
