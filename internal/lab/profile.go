package lab

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// Status values of a device's ground truth: the statuses of the
// identification contract, plus "hostile" for devices that emulate no real
// product and exist only to attack the scanner's robustness.
const (
	StatusCovered      = "covered"
	StatusNotCovered   = "not_covered"
	StatusUnidentified = "unidentified"
	StatusHostile      = "hostile"
)

// Profile is one kind of device: what it is and what it says on the wire.
type Profile struct {
	// Name is unique and stable ("hikvision-ipc"); Config.Profiles and the
	// ground truth use it.
	Name   string `yaml:"name"`
	Vendor string `yaml:"vendor"`
	Model  string `yaml:"model"`
	// Kind is a device_type of the fingerprint vocabulary ("camera", "nvr",
	// "router"...), or "hostile".
	Kind string `yaml:"kind"`
	// Weight is the profile's share in a weighted mix (Config.Weighted);
	// 0 counts as 1.
	Weight int   `yaml:"weight,omitempty"`
	Truth  Truth `yaml:"truth"`
	// OUI is the device's MAC prefix ("bc:ad:28"), with its source. Devices
	// get OUI plus three bytes from their index; empty means a locally
	// administered address (a device that names no maker by its MAC).
	OUI      *Text     `yaml:"oui,omitempty"`
	Services []Service `yaml:"services"`
	// Note says why the profile is shaped the way it is, when not obvious
	// (for example which protocols it leaves out for lack of public facts).
	Note string `yaml:"note,omitempty"`
}

// Truth is what a perfect scanner would conclude about the device.
type Truth struct {
	Manufacturer string `yaml:"manufacturer" json:"manufacturer"`
	Brand        string `yaml:"brand" json:"brand"`
	// CoveredEntity is the covered list entity ("Hikvision", "Huawei"...)
	// or "" when the device is not covered.
	CoveredEntity string `yaml:"covered_entity" json:"covered_entity"`
	// Status is covered, not_covered, unidentified or hostile.
	Status string `yaml:"status" json:"status"`
	// Component is a notable part made by someone else (a HiSilicon SoC).
	Component string `yaml:"component,omitempty" json:"component,omitempty"`
	// Review lists the review reasons a finding should carry
	// (DESIGN: hisilicon-component, former-affiliate...).
	Review []string `yaml:"review,omitempty" json:"review,omitempty"`
}

// Text is bytes a device sends, with the public source they come from.
// A value starting with "hex:" is lowercase hex of binary bytes.
type Text struct {
	Value  string `yaml:"value"`
	Source string `yaml:"source"`
}

// Bytes is the value as sent on the wire.
func (t *Text) Bytes() []byte {
	if t == nil {
		return nil
	}
	if h, ok := strings.CutPrefix(t.Value, "hex:"); ok {
		b, err := hex.DecodeString(h)
		if err == nil {
			return b
		}
	}
	return []byte(t.Value)
}

// expand fills the per-device placeholders: {addr}, the MAC address as
// {mac} (aa:bb:..), {mac-} (aa-bb-..), {mac12} (aabb..) and {MAC12}
// (AABB..), and {sn}, five decimal digits from the device's place in the lab
// (the last three MAC bytes), so that devices of one profile carry
// different serial numbers as real ones do.
func (t *Text) expand(addr netip.Addr, mac [6]byte) string {
	if t == nil {
		return ""
	}
	return expand(t.Value, addr, mac)
}

func expand(s string, addr netip.Addr, mac [6]byte) string {
	if !strings.Contains(s, "{") {
		return s
	}
	h := hex.EncodeToString(mac[:])
	var colon, dash []string
	for i := 0; i < 12; i += 2 {
		colon = append(colon, h[i:i+2])
	}
	dash = colon
	sn := fmt.Sprintf("%05d", (int(mac[3])<<16|int(mac[4])<<8|int(mac[5]))%100000)
	return strings.NewReplacer("{addr}", addr.String(), "{mac}", strings.Join(colon, ":"),
		"{mac-}", strings.Join(dash, "-"), "{mac12}", h, "{MAC12}", strings.ToUpper(h), "{sn}", sn).Replace(s)
}

// Proto is the service's protocol name ("http", "https", "ssh", ...).
func (s *Service) Proto() string {
	switch {
	case s.HTTP != nil && s.HTTP.TLSSubject != nil:
		return "https"
	case s.HTTP != nil:
		return "http"
	case s.SSH != nil:
		return "ssh"
	case s.Telnet != nil:
		return "telnet"
	case s.FTP != nil:
		return "ftp"
	case s.RTSP != nil:
		return "rtsp"
	case s.SIP != nil:
		return "sip"
	case s.SNMP != nil:
		return "snmp"
	case s.SSDP != nil:
		return "ssdp"
	case s.WSD != nil:
		return "wsd"
	case s.MDNS != nil:
		return "mdns"
	case s.SADP != nil:
		return "sadp"
	case s.DHIP != nil:
		return "dhip"
	case s.Raw != nil:
		return "raw"
	case s.Hostile != nil:
		return "hostile-" + s.Hostile.Mode
	}
	return ""
}

// Transport is "tcp" or "udp".
func (s *Service) Transport() string {
	switch s.Proto() {
	case "sip", "snmp", "ssdp", "wsd", "mdns", "sadp", "dhip":
		return "udp"
	}
	if s.Hostile != nil {
		return hostileModes[s.Hostile.Mode]
	}
	return "tcp"
}

func (s *Service) protoCount() int {
	n := 0
	for _, set := range []bool{s.HTTP != nil, s.SSH != nil, s.Telnet != nil, s.FTP != nil, s.RTSP != nil,
		s.SIP != nil, s.SNMP != nil, s.SSDP != nil, s.WSD != nil, s.MDNS != nil, s.SADP != nil,
		s.DHIP != nil, s.Raw != nil, s.Hostile != nil} {
		if set {
			n++
		}
	}
	return n
}

// Validate checks a profile: names, ground truth, one protocol per service,
// no port used twice on a transport, cross references (SSDP LOCATION and
// WS-Discovery XAddrs point at pages that exist), and a source on every
// reply.
func (p *Profile) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if p.Name == "" || strings.ContainsAny(p.Name, " \t/") {
		bad("name %q: want a non-empty name without spaces or slashes", p.Name)
	}
	if p.Vendor == "" || p.Kind == "" {
		bad("vendor and kind are required")
	}
	switch p.Truth.Status {
	case StatusCovered:
		if p.Truth.CoveredEntity == "" {
			bad("truth: status covered needs covered_entity")
		}
	case StatusNotCovered, StatusUnidentified, StatusHostile:
		if p.Truth.CoveredEntity != "" {
			bad("truth: status %s with covered_entity %q", p.Truth.Status, p.Truth.CoveredEntity)
		}
	default:
		bad("truth: status %q is not covered, not_covered, unidentified or hostile", p.Truth.Status)
	}
	if (p.Truth.Status == StatusHostile) != (p.Kind == "hostile") {
		bad("kind hostile and status hostile go together")
	}
	if len(p.Services) == 0 {
		bad("no services")
	}
	used := map[string]bool{}
	for i := range p.Services {
		s := &p.Services[i]
		if s.protoCount() != 1 {
			bad("services[%d] (port %d): want exactly one protocol, have %d", i, s.Port, s.protoCount())
			continue
		}
		if s.Port == 0 {
			bad("services[%d] (%s): port 0", i, s.Proto())
		}
		k := fmt.Sprintf("%s/%d", s.Transport(), s.Port)
		if used[k] {
			bad("services[%d]: %s used twice", i, k)
		}
		used[k] = true
		if s.Hostile != nil && hostileModes[s.Hostile.Mode] == "" {
			bad("services[%d]: unknown hostile mode %q", i, s.Hostile.Mode)
		}
		if s.Hostile != nil && p.Truth.Status != StatusHostile {
			bad("services[%d]: hostile service on a device whose status is %s", i, p.Truth.Status)
		}
		if err := p.checkRefs(s); err != nil {
			bad("services[%d] (%s/%d): %v", i, s.Proto(), s.Port, err)
		}
	}
	for _, r := range p.Replies() {
		if strings.TrimSpace(r.Source) == "" {
			bad("%s: reply %q has no source (cite the public fact it comes from)", r.Where, short(r.Value))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("profile %s: %w", p.Name, errors.Join(errs...))
	}
	return nil
}

// checkRefs checks that discovery replies point at pages that exist.
func (p *Profile) checkRefs(s *Service) error {
	switch {
	case s.SSDP != nil:
		if p.httpService(s.SSDP.LocationPort) == nil || !strings.HasPrefix(s.SSDP.LocationPath, "/") {
			return fmt.Errorf("LOCATION http://addr:%d%s: no HTTP service on that port", s.SSDP.LocationPort, s.SSDP.LocationPath)
		}
	case s.WSD != nil:
		if p.httpService(s.WSD.XAddrPort) == nil {
			return fmt.Errorf("XAddrs http://addr:%d%s: no HTTP service on that port", s.WSD.XAddrPort, onvifPath)
		}
	case s.HTTP != nil:
		for _, pg := range s.HTTP.Pages {
			if !strings.HasPrefix(pg.Path, "/") {
				return fmt.Errorf("page %q: path must start with /", pg.Path)
			}
			if pg.Body == nil && pg.Auth == nil {
				return fmt.Errorf("page %s: neither body nor auth", pg.Path)
			}
			if err := pg.checkAccounts(); err != nil {
				return fmt.Errorf("page %s: %w", pg.Path, err)
			}
		}
	case s.SIP != nil && (s.SIP.Server == nil) == (s.SIP.UserAgent == nil):
		return fmt.Errorf("want exactly one of server and user_agent")
	case s.SNMP != nil && s.SNMP.EngineID != nil:
		if _, err := hex.DecodeString(strings.ReplaceAll(s.SNMP.EngineID.Value, "{mac12}", "000000000000")); err != nil {
			return fmt.Errorf("engine_id: %w", err)
		}
	}
	return nil
}

// checkAccounts checks a page's Basic accounts: a Basic challenge to answer,
// a body to give an accepted login, no other status, and each account a
// user (without a colon, RFC 7617 §2), a password and a source.
func (pg *Page) checkAccounts() error {
	if len(pg.Accounts) == 0 {
		return nil
	}
	var scheme string
	if pg.Auth != nil {
		scheme, _, _ = strings.Cut(strings.TrimSpace(pg.Auth.Value), " ")
	}
	switch {
	case !strings.EqualFold(scheme, "basic"):
		return fmt.Errorf("accounts need a Basic challenge in auth")
	case pg.Body == nil:
		return fmt.Errorf("accounts need a body (what an accepted login gets)")
	case pg.Status != 0:
		return fmt.Errorf("accounts set the status (401, or 200 for an accepted login); status %d is not used", pg.Status)
	}
	for i, a := range pg.Accounts {
		switch {
		case a.User == "" || strings.Contains(a.User, ":"):
			return fmt.Errorf("accounts[%d]: user %q: want a non-empty user without a colon", i, a.User)
		case a.Password == "":
			return fmt.Errorf("accounts[%d] (%s): no password", i, a.User)
		case strings.TrimSpace(a.Source) == "":
			return fmt.Errorf("accounts[%d] (%s): no source (cite the public fact it comes from)", i, a.User)
		}
	}
	return nil
}

// onvifPath is where ONVIF devices serve the device management service
// (ONVIF Core Specification §5.1.1: "http://<addr>/onvif/device_service").
const onvifPath = "/onvif/device_service"

// httpService finds the HTTP(S) service on TCP port.
func (p *Profile) httpService(port uint16) *Service {
	for i := range p.Services {
		if s := &p.Services[i]; s.Port == port && s.HTTP != nil {
			return s
		}
	}
	return nil
}

func (pg *Page) method() string {
	if pg.Method == "" {
		return "GET"
	}
	return pg.Method
}

func (pg *Page) status() int {
	switch {
	case pg.Status != 0:
		return pg.Status
	case pg.Auth != nil:
		return 401
	}
	return 200
}
