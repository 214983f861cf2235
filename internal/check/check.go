// Package check is the security-check stage: after discovery and
// identification, it decides which known weaknesses a device shows, with
// each check's side effects declared and enforced, so the default profile
// can run on production networks.
//
// Checks are data (checks/*.yaml, embedded): what a check applies to, the
// evidence it needs, a firmware range, its side effect, request budget,
// lockout risk, CVEs, severity and advice, and examples that are its tests
// (Set.Test), like the fingerprint rules. A check that must send something
// names a small Go function (active.go) that does it through the dialer the
// engine hands it, which counts and caps what it sends.
//
// Side effects, in order: none (uses evidence already collected), read
// (extra read-only requests), auth (authentication attempts) and change
// (state changes: refused when loading, never shipped). Profiles are the
// highest side effect allowed: passive = none, safe = read, auth = auth.
package check

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// SideEffect is what a check does to a device, in increasing order.
type SideEffect int

// The side effects.
const (
	// None: decided from evidence already collected; sends nothing.
	None SideEffect = iota
	// Read: extra read-only requests (plain GETs of public pages).
	Read
	// Auth: authentication attempts (one per account per device).
	Auth
	// Change: anything that changes device state or writes files. No check
	// may declare it: Load refuses.
	Change
)

var sideEffectNames = []string{"none", "read", "auth", "change"}

func (s SideEffect) String() string {
	if s >= 0 && int(s) < len(sideEffectNames) {
		return sideEffectNames[s]
	}
	return fmt.Sprintf("SideEffect(%d)", int(s))
}

// ParseSideEffect reads a side effect name.
func ParseSideEffect(s string) (SideEffect, error) {
	for i, n := range sideEffectNames {
		if n == s {
			return SideEffect(i), nil
		}
	}
	return 0, fmt.Errorf("side effect %q: want none, read, auth or change", s)
}

// Profile is the highest side effect a run allows.
type Profile SideEffect

// The profiles.
const (
	// Passive allows side effect none only; the default of scan --checks.
	Passive = Profile(None)
	// Safe adds read-only requests; the default of covered check.
	Safe = Profile(Read)
	// AuthProfile adds authentication attempts; opt-in, only with an
	// explicit authorization.
	AuthProfile = Profile(Auth)
)

func (p Profile) String() string {
	switch p {
	case Passive:
		return "passive"
	case Safe:
		return "safe"
	case AuthProfile:
		return "auth"
	}
	return fmt.Sprintf("Profile(%d)", int(p))
}

// ParseProfile reads passive, safe or auth.
func ParseProfile(s string) (Profile, error) {
	switch s {
	case "passive":
		return Passive, nil
	case "safe":
		return Safe, nil
	case "auth":
		return AuthProfile, nil
	}
	return 0, fmt.Errorf("profile %q: want passive, safe or auth", s)
}

// Allows reports whether a check with side effect s may run under p.
func (p Profile) Allows(s SideEffect) bool { return s <= SideEffect(p) && s != Change }

// Severities, lowest first.
var severities = map[string]int{"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}

// lockoutRisks are the allowed lockout_risk values.
var lockoutRisks = map[string]bool{"none": true, "low": true, "medium": true, "high": true}

// Check is one security check.
type Check struct {
	// ID is unique across all check files; findings name it.
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
	// Applies says which devices the check is for.
	Applies Applies `yaml:"applies"`
	// SideEffectName is none, read or auth (see SideEffect).
	SideEffectName string `yaml:"side_effect"`
	// MaxRequests is the most connections (TCP) or datagrams (UDP) the
	// check may send to one device; 0 for side effect none.
	MaxRequests int `yaml:"max_requests"`
	// LockoutRisk is none, low, medium or high: how likely the check is to
	// lock an account (auth checks) or trip a device's defences.
	LockoutRisk string `yaml:"lockout_risk"`
	// CVEs are the CVE ids the check reports, if any.
	CVEs []string `yaml:"cves,omitempty"`
	// Severity is info, low, medium, high or critical.
	Severity string `yaml:"severity"`
	// Advice is the remediation advice reported with a finding.
	Advice string `yaml:"advice"`
	// Source cites the public facts the check rests on.
	Source string `yaml:"source"`
	// Note says why the check is shaped the way it is, when not obvious.
	Note string `yaml:"note,omitempty"`
	// Records lists the evidence a finding carries (observation keys, or
	// "firmware", or "response" for what an active check read).
	Records []string `yaml:"records"`

	// When: every condition must hold (each on some observation).
	When []Cond `yaml:"when,omitempty"`
	// Ports are where the when-evidence comes from ("tcp/23", "udp/161"):
	// a miss is decided (not affected) only when the run probed all of them
	// on the device (Device.Probed). A check with when and no ports never
	// decides "not affected" from a miss: it is undecided.
	Ports []string `yaml:"ports,omitempty"`
	// Unless: no condition may hold.
	Unless []Cond `yaml:"unless,omitempty"`
	// Firmware, when set, must contain the device's firmware version.
	Firmware *Range `yaml:"firmware,omitempty"`
	// Probe names the Go function (active.go) of a read or auth check.
	Probe string `yaml:"probe,omitempty"`

	Examples []Example `yaml:"examples"`

	side     SideEffect
	modelRE  *regexp.Regexp
	ports    []portRef
	location string
}

// portRef is a transport and port, as "tcp/23" spells it.
type portRef struct {
	transport string
	port      int
}

// parsePort reads "tcp/N" or "udp/N" (N in 1-65535).
func parsePort(s string) (portRef, error) {
	tr, num, ok := strings.Cut(s, "/")
	if !ok || (tr != "tcp" && tr != "udp") {
		return portRef{}, fmt.Errorf("%q: want tcp/N or udp/N", s)
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != num {
		return portRef{}, fmt.Errorf("%q: want tcp/N or udp/N with N in 1-65535", s)
	}
	return portRef{tr, n}, nil
}

// SideEffect is the declared side effect.
func (c *Check) SideEffect() SideEffect { return c.side }

// Location is "file: check id" for messages.
func (c *Check) Location() string { return c.location }

// Applies selects devices. Empty fields match anything; lists match when
// any element does (case-insensitive).
type Applies struct {
	// Entity is the covered entity of the identification.
	Entity []string `yaml:"entity,omitempty"`
	// Manufacturer is the identified maker (or brand, or component).
	Manufacturer []string `yaml:"manufacturer,omitempty"`
	// DeviceType is the identified device_type.
	DeviceType []string `yaml:"device_type,omitempty"`
	// Model is an RE2 expression the identified product or model must match.
	Model string `yaml:"model,omitempty"`
}

// Cond is a condition on the observations: some observation has Key, and
// (when set) a value matching Match, a path matching Path, port Port.
type Cond struct {
	Key   string `yaml:"key"`
	Match string `yaml:"match,omitempty"`
	Path  string `yaml:"path,omitempty"`
	Port  int    `yaml:"port,omitempty"`

	matchRE, pathRE *regexp.Regexp
}

// Range is an advisory's affected firmware range. Versions compare with
// Compare. Affected means: at or after Introduced (when set), before Fixed
// (when set), at or before LastAffected (when set), and with a build date
// before BuildBefore (yymmdd, when set; a version without a build date,
// Version.Date, is then undecided).
type Range struct {
	Introduced   string `yaml:"introduced,omitempty"`
	Fixed        string `yaml:"fixed,omitempty"`
	LastAffected string `yaml:"last_affected,omitempty"`
	BuildBefore  int    `yaml:"build_before,omitempty"`
	// Undecided turns the range around: the check holds when the range
	// cannot decide the device (no version found, or no build date for a
	// build_before bound) and never when it can. It is for the model
	// families an advisory names whose firmware the evidence does not show:
	// reported for review by their own check, so that the check deciding
	// by firmware only ever claims what the evidence proves.
	Undecided bool `yaml:"undecided,omitempty"`
	// From lists where to read the version, tried in order; the
	// identification's firmware is the last resort.
	From []Extract `yaml:"from,omitempty"`
	// Source cites the range.
	Source string `yaml:"source"`
}

// Extract reads a version from an observation: Match is an RE2 expression
// with a group named v (and optionally one named build).
type Extract struct {
	Key   string `yaml:"key"`
	Path  string `yaml:"path,omitempty"`
	Match string `yaml:"match"`

	re, pathRE *regexp.Regexp
}

func (c *Check) compile() error {
	if c.ID == "" || c.Title == "" {
		return fmt.Errorf("id and title are required")
	}
	var err error
	if c.side, err = ParseSideEffect(c.SideEffectName); err != nil {
		return err
	}
	switch {
	case c.side == Change:
		return fmt.Errorf("side_effect change: checks that change device state are never shipped")
	case c.side == None && (c.MaxRequests != 0 || c.Probe != ""):
		return fmt.Errorf("side_effect none: max_requests must be 0 and probe empty (it sends nothing)")
	case c.side != None && c.Probe == "":
		return fmt.Errorf("side_effect %s: probe is required (the Go function that sends)", c.side)
	case c.side != None && c.MaxRequests <= 0:
		return fmt.Errorf("side_effect %s: max_requests must be > 0", c.side)
	case c.side == Auth && c.LockoutRisk == "none":
		return fmt.Errorf("side_effect auth: lockout_risk cannot be none")
	}
	if c.Probe != "" {
		a, ok := actives[c.Probe]
		switch {
		case !ok:
			return fmt.Errorf("probe %q is not a registered active check", c.Probe)
		case a.side != c.side:
			return fmt.Errorf("probe %q sends what side effect %s allows, not %s", c.Probe, a.side, c.side)
		}
	}
	if !lockoutRisks[c.LockoutRisk] {
		return fmt.Errorf("lockout_risk %q: want none, low, medium or high", c.LockoutRisk)
	}
	if _, ok := severities[c.Severity]; !ok {
		return fmt.Errorf("severity %q: want info, low, medium, high or critical", c.Severity)
	}
	for _, id := range c.CVEs {
		if !cveRE.MatchString(id) {
			return fmt.Errorf("cves: %q is not CVE-YYYY-NNNN", id)
		}
	}
	if c.Advice == "" || c.Source == "" {
		return fmt.Errorf("advice and source are required")
	}
	if len(c.Records) == 0 {
		return fmt.Errorf("records: say what evidence a finding carries")
	}
	if c.Applies.Model != "" {
		if c.modelRE, err = regexp.Compile(c.Applies.Model); err != nil {
			return fmt.Errorf("applies.model: %v", err)
		}
	}
	for i := range c.When {
		if err := c.When[i].compile(); err != nil {
			return fmt.Errorf("when[%d]: %w", i, err)
		}
	}
	for i := range c.Unless {
		if err := c.Unless[i].compile(); err != nil {
			return fmt.Errorf("unless[%d]: %w", i, err)
		}
	}
	if len(c.Ports) > 0 && len(c.When) == 0 {
		return fmt.Errorf("ports: they say where the when-evidence comes from, and the check has no when")
	}
	for _, p := range c.Ports {
		ref, err := parsePort(p)
		if err != nil {
			return fmt.Errorf("ports: %w", err)
		}
		c.ports = append(c.ports, ref)
	}
	for i := range c.Examples {
		if err := c.Examples[i].compile(); err != nil {
			return fmt.Errorf("examples[%d] (%s): %w", i, c.Examples[i].Name, err)
		}
	}
	if r := c.Firmware; r != nil {
		if r.Source == "" {
			return fmt.Errorf("firmware.source: cite the advisory's range")
		}
		if r.Introduced == "" && r.Fixed == "" && r.LastAffected == "" && r.BuildBefore == 0 {
			return fmt.Errorf("firmware: give at least one bound")
		}
		for i := range r.From {
			e := &r.From[i]
			if e.re, err = regexp.Compile(e.Match); err != nil {
				return fmt.Errorf("firmware.from[%d].match: %v", i, err)
			}
			if e.re.SubexpIndex("v") < 0 {
				return fmt.Errorf("firmware.from[%d].match: needs a group named v", i)
			}
			if e.Path != "" {
				if e.pathRE, err = regexp.Compile(e.Path); err != nil {
					return fmt.Errorf("firmware.from[%d].path: %v", i, err)
				}
			}
		}
	}
	if c.side == None && len(c.When) == 0 && c.Firmware == nil && c.Applies.Model == "" {
		return fmt.Errorf("a passive check needs when, firmware or applies.model: it would flag every device")
	}
	return nil
}

var cveRE = regexp.MustCompile(`^CVE-\d{4}-\d{4,}$`)

func (c *Cond) compile() error {
	if c.Key == "" {
		return fmt.Errorf("key: missing")
	}
	var err error
	if c.Match != "" {
		if c.matchRE, err = regexp.Compile(c.Match); err != nil {
			return fmt.Errorf("match: %v", err)
		}
	}
	if c.Path != "" {
		if c.pathRE, err = regexp.Compile(c.Path); err != nil {
			return fmt.Errorf("path: %v", err)
		}
	}
	return nil
}

func anyFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}
