// Package covered holds the domain types that flow through the pipeline:
// observations (raw evidence from scans, imports and captures) and
// identifications (who made a device, whether a covered list names it, and
// why). It imports only the standard library so that every stage can share
// these types without pulling in any other stage.
package covered

import "time"

// Observation is one raw fact a device revealed, with where and when it was
// seen. It is the only input of identification (DESIGN: observation contract).
type Observation struct {
	// Host groups observations of one device: an IP, MAC, hostname or any
	// label the source gives.
	Host string `json:"host"`
	// Key names what was observed, from the vocabulary in Keys.
	Key string `json:"key"`
	// Value is the observed value verbatim. It may hold any bytes; the JSON
	// form writes non-UTF-8 values as "hex:..." (see obsfile).
	Value string `json:"value"`
	// Port is the TCP or UDP port the value came from, 0 when not relevant.
	Port int `json:"port,omitempty"`
	// Transport is "tcp" or "udp" when Port is set.
	Transport string `json:"transport,omitempty"`
	// Path is the HTTP path or SNMP OID the value was read from.
	Path string `json:"path,omitempty"`
	// Source names the producer: "scan", "import:nmap", "capture", ...
	Source string `json:"source,omitempty"`
	// Seen is when the value was observed; zero when unknown.
	Seen time.Time `json:"seen,omitzero"`
	// IP and MAC are addresses of the device when the source knows them.
	IP  string `json:"ip,omitempty"`
	MAC string `json:"mac,omitempty"`
}

// Status is the verdict of classification for one host.
type Status string

// The four statuses of the identification contract.
const (
	// StatusCovered: the evidence says a covered entity (or its subsidiary,
	// affiliate or proven OEM lineage) produced the device.
	StatusCovered Status = "covered"
	// StatusSuspected: probably covered, on weaker or conflicting evidence.
	StatusSuspected Status = "suspected"
	// StatusNotCovered: identified, and not covered.
	StatusNotCovered Status = "not_covered"
	// StatusUnidentified: not enough evidence to say who made it.
	StatusUnidentified Status = "unidentified"
)

// Flags reports whether s is at least as severe as threshold, in the order
// unidentified/not_covered < suspected < covered. It implements --fail-on.
func (s Status) Flags(threshold Status) bool {
	switch threshold {
	case StatusCovered:
		return s == StatusCovered
	case StatusSuspected:
		return s == StatusCovered || s == StatusSuspected
	}
	return false
}

// Review reasons: why a person should look although the status does not flag.
const (
	ReviewHiSiliconComponent  = "hisilicon-component"
	ReviewFormerAffiliate     = "former-affiliate"
	ReviewFCCCategory         = "fcc-category"
	ReviewCarrierNetwork      = "carrier-network"
	ReviewConflict            = "conflicting-evidence"
	ReviewUnverifiedAffiliate = "unverified-affiliate"
)

// Evidence is one observation that a rule or lookup table turned into a
// claim about the device.
type Evidence struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	Port  int    `json:"port,omitempty"`
	Path  string `json:"path,omitempty"`
	// Rule is the id of the fingerprint rule or lookup table ("oui", "pen",
	// "useragent") that matched.
	Rule string `json:"rule"`
	// Says is the maker, brand or component the evidence names.
	Says string `json:"says,omitempty"`
	// Role is what Says is: "manufacturer", "brand" or "component".
	Role string `json:"role,omitempty"`
	// Certainty is the rule's confidence in [0,1] that Says is right.
	Certainty float64 `json:"certainty"`
	Source    string  `json:"source,omitempty"`
}

// Candidate is one maker the evidence points at, with its combined score.
// Identifications keep the runners-up so that conflicts stay visible.
type Candidate struct {
	Manufacturer string   `json:"manufacturer"`
	Confidence   float64  `json:"confidence"`
	Keys         []string `json:"keys"`
}

// Identification is the answer for one host (DESIGN: identification contract).
type Identification struct {
	Host          string   `json:"host"`
	Status        Status   `json:"status"`
	CoveredEntity string   `json:"covered_entity"`
	Regimes       []string `json:"regimes"`
	Manufacturer  string   `json:"manufacturer"`
	Brand         string   `json:"brand"`
	Product       string   `json:"product"`
	Model         string   `json:"model"`
	Firmware      string   `json:"firmware"`
	DeviceType    string   `json:"device_type"`
	// Component names a notable part inside the device made by someone else
	// (e.g. a HiSilicon SoC), empty when none is known.
	Component string `json:"component,omitempty"`
	// Service names a service provider whose network the host exchanged
	// traffic with (flow records), empty when none is known. Traffic with a
	// covered carrier's own network makes the host suspected of using its
	// covered service; traffic with its parent group's network asks for
	// review.
	Service string `json:"service,omitempty"`
	// Confidence in [0,1] that Manufacturer (or, for brand-only evidence,
	// Brand) is right.
	Confidence float64    `json:"confidence"`
	ScopeNote  string     `json:"scope_note"`
	Review     []string   `json:"review"`
	Evidence   []Evidence `json:"evidence"`
	// Conflicts lists other makers the evidence also points at.
	Conflicts    []Candidate `json:"conflicts,omitempty"`
	Rationale    string      `json:"rationale"`
	RulesVersion string      `json:"rules_version"`
	ListsVersion string      `json:"lists_version"`
}
