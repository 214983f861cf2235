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
	v := o.Value
	if len(v) > maxEvidenceValue {
		v = v[:maxEvidenceValue]
	}
	return Evidence{Key: o.Key, Value: v, Port: o.Port, Path: o.Path}
}

// AppliesTo reports whether the device is one the check is for.
func (c *Check) AppliesTo(d *Device) bool {
	id := &d.Identification
	a := &c.Applies
	if len(a.Entity) > 0 && !anyFold(a.Entity, id.CoveredEntity) {
		return false
	}
	if len(a.Manufacturer) > 0 && !anyFold(a.Manufacturer, id.Manufacturer) && !anyFold(a.Manufacturer, id.Brand) && !anyFold(a.Manufacturer, id.Component) {
		return false
	}
	if len(a.DeviceType) > 0 && !anyFold(a.DeviceType, id.DeviceType) {
		return false
	}
	if c.modelRE != nil && !c.modelRE.MatchString(id.Model) && !c.modelRE.MatchString(id.Product) {
		return false
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
			ev := Evidence{Key: "firmware", Value: s, Port: o.Port, Path: o.Key + " " + o.Path}
			if r.BuildBefore == 0 || v.Build != 0 {
				return v, ev, true
			}
			if !first.Valid() {
				first, firstEv = v, ev
			}
		}
	}
	if fw := d.Identification.Firmware; fw != "" {
		if v := ParseVersion(fw); v.Valid() && (!first.Valid() || v.Build != 0) {
			return v, Evidence{Key: "firmware", Value: fw, Path: "identification"}, true
		}
	}
	return first, firstEv, first.Valid()
}

// contains reports whether v is in the range; decided is false when the
// range needs a build date v does not have.
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
		if v.Build == 0 {
			return false, false
		}
		return v.Build < r.BuildBefore, true
	}
	return true, true
}

// evaluate decides the evidence part of a check (applies, when, unless,
// firmware) and returns the evidence when it holds.
func (c *Check) evaluate(d *Device) ([]Evidence, bool) {
	if !c.AppliesTo(d) {
		return nil, false
	}
	var ev []Evidence
	for i := range c.When {
		o, ok := c.When[i].holds(d.Observations)
		if !ok {
			return nil, false
		}
		ev = append(ev, evidenceOf(o))
	}
	for i := range c.Unless {
		if _, ok := c.Unless[i].holds(d.Observations); ok {
			return nil, false
		}
	}
	if r := c.Firmware; r != nil {
		v, e, found := r.firmware(d)
		in, decided := false, false
		if found {
			in, decided = r.contains(v)
		}
		switch {
		case r.Undecided && decided:
			return nil, false
		case r.Undecided:
			if found {
				ev = append(ev, e) // the version seen, without what the range needs
			}
		case !in || !decided:
			return nil, false
		default:
			ev = append(ev, e)
		}
	}
	if c.Applies.Model != "" {
		m := d.Identification.Model
		if m == "" {
			m = d.Identification.Product
		}
		ev = append(ev, Evidence{Key: "model", Value: m, Path: "identification"})
	}
	return ev, true
}
