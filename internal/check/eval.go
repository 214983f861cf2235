package check

import (
	"net/netip"
	"strings"

	"github.com/coveredtool/covered"
)

// Device is what the checks know about one host: its identification and
// the observations it was made from.
type Device struct {
	// Host is the host label of the identification (an address, usually).
	Host string
	// Addr is the address active checks may contact; invalid when unknown
	// (active checks then do not run).
	Addr           netip.Addr
	Identification covered.Identification
	Observations   []covered.Observation
	// Probed tells which ports the run that made Observations probed on
	// this host to completion (transport "tcp" or "udp"). It must be true
	// only for a port the run actually tried on this host and whose probes
	// all ran to their end (not cut short by a cancelled scan, a failed
	// probe or a port skipped), so that evidence missing from there means
	// the device did not show it. A missing when condition decides "not
	// affected" only when Probed is true for one of the check's Ports.
	// Nil means unknown (stored or imported evidence, an interrupted scan):
	// missing evidence then leaves the check undecided, and an earlier
	// finding stands.
	Probed func(transport string, port int) bool
}

// outcome is what the evidence says about one check on one device.
type outcome int

const (
	// notAffected: decided; the evidence shows the device is not affected
	// (or not one the check is for).
	notAffected outcome = iota
	// found: every precondition holds.
	found
	// undecided: a precondition could not be told (an identification field
	// unknown, evidence missing where the run did not look, no firmware
	// version); an earlier finding stands.
	undecided
)

func (o outcome) String() string {
	switch o {
	case notAffected:
		return "not affected"
	case found:
		return "found"
	}
	return "undecided"
}

// and combines two parts of a check's preconditions: not affected when
// either shows it, else undecided when either is, else found.
func and(a, b outcome) outcome {
	switch {
	case a == notAffected || b == notAffected:
		return notAffected
	case a == undecided || b == undecided:
		return undecided
	}
	return found
}

// Evidence is one fact a finding rests on.
type Evidence struct {
	// Key is an observation key, "firmware", or what an active check read
	// ("http.status" ...).
	Key   string `json:"key"`
	Value string `json:"value"`
	Port  int    `json:"port,omitempty"`
	Path  string `json:"path,omitempty"`
}

// maxEvidenceValue bounds one evidence value in bytes.
const maxEvidenceValue = 512

func evidenceOf(o covered.Observation) Evidence {
	return Evidence{Key: o.Key, Value: clip(o.Value), Port: o.Port, Path: o.Path}
}

// clip bounds an evidence value to maxEvidenceValue bytes.
func clip(v string) string {
	if len(v) > maxEvidenceValue {
		return v[:maxEvidenceValue]
	}
	return v
}

// applies matches the identification against Applies: not affected when a
// field it sets is known and matches none of its values, else undecided
// when one is unknown (empty), else found. The covered entity of a host
// classified not_covered is known: none.
func (c *Check) applies(d *Device) outcome {
	id := &d.Identification
	a := &c.Applies
	out := found
	field := func(known, matches bool) {
		switch {
		case !known:
			out = and(out, undecided)
		case !matches:
			out = notAffected
		}
	}
	if len(a.Entity) > 0 {
		field(id.CoveredEntity != "" || id.Status == covered.StatusNotCovered, anyFold(a.Entity, id.CoveredEntity))
	}
	if len(a.Manufacturer) > 0 {
		field(id.Manufacturer != "" || id.Brand != "" || id.Component != "",
			anyFold(a.Manufacturer, id.Manufacturer) || anyFold(a.Manufacturer, id.Brand) || anyFold(a.Manufacturer, id.Component))
	}
	if len(a.DeviceType) > 0 {
		field(id.DeviceType != "", anyFold(a.DeviceType, id.DeviceType))
	}
	if c.modelRE != nil {
		field(id.Model != "" || id.Product != "",
			(id.Model != "" && c.modelRE.MatchString(id.Model)) || (id.Product != "" && c.modelRE.MatchString(id.Product)))
	}
	return out
}

// probedAll reports whether the device's run probed every one of the
// check's ports: only then does a missing when condition show the device
// does not have it (a scan of port 443 alone says nothing of a web
// interface on 80), and only then does the absence of an unless condition
// mean something.
func (c *Check) probedAll(d *Device) bool {
	if d.Probed == nil || len(c.ports) == 0 {
		return false
	}
	for _, p := range c.ports {
		if !d.Probed(p.transport, p.port) {
			return false
		}
	}
	return true
}

// holds returns the first observation meeting cond.
func (cond *Cond) holds(obs []covered.Observation) (covered.Observation, bool) {
	for _, o := range obs {
		if o.Key != cond.Key || (cond.Port != 0 && o.Port != cond.Port) {
			continue
		}
		if cond.pathRE != nil && !cond.pathRE.MatchString(o.Path) {
			continue
		}
		if cond.matchRE != nil && !cond.matchRE.MatchString(o.Value) {
			continue
		}
		return o, true
	}
	return covered.Observation{}, false
}

// firmware finds the device's firmware version: the first extractor that
// matches, else the identification's firmware. When the range bounds the
// build date, a version that carries one is preferred over an earlier one
// that does not (Dahua's DHIP reply gives the number, ONVIF the date too).
func (r *Range) firmware(d *Device) (Version, Evidence, bool) {
	var first Version
	var firstEv Evidence
	for _, e := range r.From {
		for _, o := range d.Observations {
			if o.Key != e.Key || (e.pathRE != nil && !e.pathRE.MatchString(o.Path)) {
				continue
			}
			m := e.re.FindStringSubmatch(o.Value)
			if m == nil {
				continue
			}
			s := strings.TrimSpace(m[e.re.SubexpIndex("v")])
			if i := e.re.SubexpIndex("build"); i >= 0 && m[i] != "" {
				s += " build " + strings.TrimSpace(m[i])
			}
			v := ParseVersion(s)
			if !v.Valid() {
				continue
			}
			ev := Evidence{Key: "firmware", Value: clip(s), Port: o.Port, Path: clip(o.Key + " " + o.Path)}
			if r.BuildBefore == 0 || v.Date != 0 {
				return v, ev, true
			}
			if !first.Valid() {
				first, firstEv = v, ev
			}
		}
	}
	if fw := d.Identification.Firmware; fw != "" {
		if v := ParseVersion(fw); v.Valid() && (!first.Valid() || v.Date != 0) {
			return v, Evidence{Key: "firmware", Value: clip(fw), Path: "identification"}, true
		}
	}
	return first, firstEv, first.Valid()
}

// contains reports whether v is in the range; decided is false when the
// range needs a build date v does not have (Version.Date 0).
func (r *Range) contains(v Version) (in, decided bool) {
	if r.Introduced != "" && Compare(v, ParseVersion(r.Introduced)) < 0 {
		return false, true
	}
	if r.Fixed != "" && Compare(v, ParseVersion(r.Fixed)) >= 0 {
		return false, true
	}
	if r.LastAffected != "" && Compare(v, ParseVersion(r.LastAffected)) > 0 {
		return false, true
	}
	if r.BuildBefore != 0 {
		if v.Date == 0 {
			return false, false
		}
		return v.Date < r.BuildBefore, true
	}
	return true, true
}

// evaluate decides the evidence part of a check (applies, when, unless,
// firmware): found, with the evidence; not affected, when some part shows
// it (an identification field known and different, a when condition
// missing where the run probed all the check's ports, an unless condition
// holding, a firmware
// version outside the range); else undecided, when some part cannot be
// told (an identification field unknown, a when condition missing or an
// unless condition absent where the run did not probe all the check's
// ports, no firmware version or no build date the range needs).
func (c *Check) evaluate(d *Device) ([]Evidence, outcome) {
	out := c.applies(d)
	if out == notAffected {
		return nil, notAffected
	}
	var ev []Evidence
	for i := range c.When {
		o, ok := c.When[i].holds(d.Observations)
		switch {
		case ok:
			ev = append(ev, evidenceOf(o))
		case c.probedAll(d):
			return nil, notAffected
		default:
			out = and(out, undecided)
		}
	}
	for i := range c.Unless {
		if _, ok := c.Unless[i].holds(d.Observations); ok {
			return nil, notAffected
		}
	}
	if len(c.Unless) > 0 && !c.probedAll(d) {
		// No HTTPS seen on a scan that did not look for it proves nothing.
		out = and(out, undecided)
	}
	if r := c.Firmware; r != nil {
		v, e, seen := r.firmware(d)
		in, decided := false, false
		if seen {
			in, decided = r.contains(v)
		}
		switch {
		case r.Undecided && decided:
			// The range decides the device: the checks deciding by
			// firmware speak for it, this one has nothing to report.
			return nil, notAffected
		case r.Undecided:
			if seen {
				ev = append(ev, e) // the version seen, without what the range needs
			}
		case !decided:
			out = and(out, undecided) // no version, or no build date
		case !in:
			return nil, notAffected
		default:
			ev = append(ev, e)
		}
	}
	if out != found {
		return nil, out
	}
	if c.Applies.Model != "" {
		m := d.Identification.Model
		if m == "" {
			m = d.Identification.Product
		}
		ev = append(ev, Evidence{Key: "model", Value: m, Path: "identification"})
	}
	return ev, found
}
