package store

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	covered "github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/oui"
)

// Link kinds: the identifiers that tie hosts of different runs to one asset.
// Strong kinds name one device wherever it is; weak kinds are only trusted
// within a site and when nothing stronger disagrees.
const (
	LinkMAC      = "mac"       // globally administered unicast MAC (strong)
	LinkSerial   = "serial"    // device serial number (strong)
	LinkTLS      = "tls"       // TLS certificate fingerprint or issuer+serial (strong)
	LinkHostname = "hostname"  // DNS/DHCP/mDNS/NetBIOS/SNMP name, per site (weak)
	LinkIP       = "ip"        // address, per site (weakest); matched on assets.last_ip, history in sightings
	LinkLocalMAC = "mac_local" // locally administered (randomised) MAC: recorded, never matched
)

func strongKind(kind string) bool {
	return kind == LinkMAC || kind == LinkSerial || kind == LinkTLS
}

// ident is one identifier of a host: kind, normalised value, and the site it
// is valid in ("" for strong kinds, which are global).
type ident struct {
	kind, value, site string
}

func (i ident) String() string { return i.kind + " " + i.value }

// hostnameKeys are the observation keys whose value names the host. The v1
// vocabulary has "hostname" and "dhcp.hostname"; the others are the names
// probes are expected to add (DESIGN lets the vocabulary grow).
var hostnameKeys = map[string]bool{
	"hostname": true, "dhcp.hostname": true, "dns.ptr": true, "mdns.name": true,
	"netbios.name": true, "snmp.sysname": true,
}

// placeholderSerials are serial "numbers" that firmware and inventories fill
// in when they have none. Treating them as identifiers would merge every
// device that reports them into one asset.
var placeholderSerials = map[string]bool{
	"": true, "0": true, "N/A": true, "NA": true, "NONE": true, "NULL": true, "UNKNOWN": true,
	"SERIAL": true, "DEFAULT": true, "DEFAULT STRING": true, "TO BE FILLED BY O.E.M.": true,
	"SYSTEM SERIAL NUMBER": true, "NOT SPECIFIED": true, "NOT AVAILABLE": true, "123456789": true,
	"1234567890": true, "0123456789": true, "XXXXXXXXXX": true,
}

// serialKey reports whether an observation key carries a device serial:
// inventory.serial, upnp.serial, onvif.serial and any other "*.serial",
// except the TLS certificate serial, which names a certificate, not a device.
func serialKey(k string) bool {
	return k != "tls.cert.serial" && (k == "serial" || strings.HasSuffix(k, ".serial"))
}

// normSerial upper-cases and trims a serial and drops placeholders and
// values too short to be unique.
func normSerial(v string) (string, bool) {
	v = strings.ToUpper(strings.TrimSpace(v))
	if len(v) < 4 || placeholderSerials[v] || strings.Trim(v, "0") == "" || strings.Trim(v, "F") == "" {
		return "", false
	}
	return v, true
}

// normMAC parses any common MAC notation into lower-case colon form and says
// whether it is strong: globally administered (bit 0x02 of the first octet
// clear) and unicast (bit 0x01 clear). Randomised MACs of phones and laptops
// are locally administered and change per network, so they must never tie
// two devices together. ok is false for garbage and multicast addresses.
func normMAC(v string) (mac string, strong, ok bool) {
	hw, err := oui.ParseMAC(v)
	if err != nil {
		return "", false, false
	}
	if hw[0]&0x01 != 0 || hw == [6]byte{} || hw == [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff} {
		return "", false, false
	}
	mac = fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", hw[0], hw[1], hw[2], hw[3], hw[4], hw[5])
	return mac, hw[0]&0x02 == 0, true
}

// normHostname lower-cases a name and drops a trailing dot; it refuses
// values that are addresses (some sources put the IP in the name field).
func normHostname(v string) (string, bool) {
	v = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(v)), ".")
	if v == "" || len(v) > 253 || strings.ContainsAny(v, " \t\r\n\x00") {
		return "", false
	}
	if _, err := netip.ParseAddr(v); err == nil {
		return "", false
	}
	return v, true
}

// hostFacts is what one batch says about one host.
type hostFacts struct {
	host   string
	site   string  // the host's site: the run's, or the one the scan gave it
	ids    []ident // deduplicated, strong first
	ip     string  // last address seen, canonical form
	ipIn   string  // raw form of ip, to skip re-parsing repeats
	macIn  string  // raw form of the last MAC parsed, likewise
	mac    string  // a MAC seen (strong preferred), for display
	first  int     // index of first appearance in the batch (keeps order stable)
	nobs   int64
	seenLo time.Time
	seenHi time.Time
	// manufacturer from the host's identification, used to refuse weak
	// matches against an asset made by someone else.
	manufacturer string
}

func (h *hostFacts) add(id ident) {
	for _, x := range h.ids {
		if x == id {
			return
		}
	}
	h.ids = append(h.ids, id)
}

func (h *hostFacts) strong() []ident {
	var out []ident
	for _, id := range h.ids {
		if strongKind(id.kind) {
			out = append(out, id)
		}
	}
	return out
}

// collectFacts groups a batch by host and extracts every identifier. TLS
// issuer and serial pair up by port, because a host with several TLS
// services has several certificates.
//
// Identifier values taken from observation values pass through text, which
// makes them safe for the backend's TEXT columns (dialect.text), so that
// what matching looks up is what the links table holds.
//
// siteOf gives each host's site, which scopes its weak identifiers.
func collectFacts(obs []covered.Observation, ids []covered.Identification, siteOf func(host string) string, now time.Time, text func(string) string) ([]*hostFacts, map[string]*hostFacts) {
	by := map[string]*hostFacts{}
	var order []*hostFacts
	get := func(host string) *hostFacts {
		h := by[host]
		if h == nil {
			h = &hostFacts{host: host, site: siteOf(host), first: len(order)}
			by[host] = h
			order = append(order, h)
		}
		return h
	}
	type certKey struct {
		host string
		port int
	}
	issuers := map[certKey]string{}
	serials := map[certKey]string{}
	var certOrder []certKey
	addMAC := func(h *hostFacts, v string) {
		if v == h.macIn {
			return // every observation of a host usually repeats its MAC
		}
		h.macIn = v
		mac, strong, ok := normMAC(v)
		if !ok {
			return
		}
		if strong {
			h.add(ident{LinkMAC, mac, ""})
			h.mac = mac
		} else {
			h.add(ident{LinkLocalMAC, mac, h.site})
			if h.mac == "" {
				h.mac = mac
			}
		}
	}
	addIP := func(h *hostFacts, v string) {
		if v == h.ipIn {
			return
		}
		h.ipIn = v
		a, err := netip.ParseAddr(strings.TrimSpace(v))
		if err != nil {
			return
		}
		h.ip = a.Unmap().WithZone("").String()
	}
	for _, o := range obs {
		h := get(o.Host)
		h.nobs++
		seen := o.Seen
		if seen.IsZero() {
			seen = now
		}
		if h.seenLo.IsZero() || seen.Before(h.seenLo) {
			h.seenLo = seen
		}
		if seen.After(h.seenHi) {
			h.seenHi = seen
		}
		if o.IP != "" {
			addIP(h, o.IP)
		}
		if o.MAC != "" {
			addMAC(h, o.MAC)
		}
		switch k := o.Key; {
		case k == "mac":
			addMAC(h, o.Value)
		case serialKey(k):
			if v, ok := normSerial(o.Value); ok {
				h.add(ident{LinkSerial, text(v), ""})
			}
		case k == "tls.cert.sha256":
			if v := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(o.Value), ":", "")); len(v) == 64 {
				h.add(ident{LinkTLS, text("sha256:" + v), ""})
			}
		case k == "tls.cert.serial" || k == "tls.cert.issuer":
			ck := certKey{o.Host, o.Port}
			if _, seen := issuers[ck]; !seen {
				if _, seen := serials[ck]; !seen {
					certOrder = append(certOrder, ck)
				}
			}
			if k == "tls.cert.serial" {
				serials[ck] = strings.ToLower(strings.TrimSpace(o.Value))
			} else {
				issuers[ck] = strings.TrimSpace(o.Value)
			}
		case hostnameKeys[k]:
			if v, ok := normHostname(o.Value); ok {
				h.add(ident{LinkHostname, text(v), h.site})
			}
		}
	}
	for _, ck := range certOrder {
		if s, i := serials[ck], issuers[ck]; s != "" && i != "" {
			by[ck.host].add(ident{LinkTLS, text(s + "@" + i), ""})
		}
	}
	for _, id := range ids {
		h := get(id.Host)
		h.manufacturer = id.Manufacturer
	}
	dropSharedDefaults(order)
	// The host label itself is evidence when it is an address or a MAC.
	for _, h := range order {
		if h.ip == "" {
			addIP(h, h.host)
		}
		if _, _, ok := normMAC(h.host); ok {
			addMAC(h, h.host)
		}
		if h.ip != "" {
			h.add(ident{LinkIP, h.ip, h.site})
		}
		if h.seenLo.IsZero() {
			h.seenLo, h.seenHi = now, now
		}
		// Strong identifiers first: matching tries them first and the merge
		// record names the first one that matched.
		slices.SortStableFunc(h.ids, func(a, b ident) int { return linkRank(a.kind) - linkRank(b.kind) })
	}
	return order, by
}

// dropSharedDefaults removes serials and certificates that hosts with
// different hardware addresses both claim in one batch: those are vendor
// defaults (one certificate burnt into a product line, a placeholder serial
// the list above lacks), and as identifiers they would merge distinct
// devices into one asset. Without differing MACs nothing shows the hosts
// apart (one device may answer on two addresses), so the identifier stays.
func dropSharedDefaults(hosts []*hostFacts) {
	macs := map[ident]map[string]bool{}
	for _, h := range hosts {
		if h.mac == "" {
			continue
		}
		for _, id := range h.ids {
			if id.kind == LinkSerial || id.kind == LinkTLS {
				if macs[id] == nil {
					macs[id] = map[string]bool{}
				}
				macs[id][h.mac] = true
			}
		}
	}
	for _, h := range hosts {
		h.ids = slices.DeleteFunc(h.ids, func(id ident) bool { return len(macs[id]) > 1 })
	}
}

func linkRank(kind string) int {
	switch kind {
	case LinkMAC:
		return 0
	case LinkSerial:
		return 1
	case LinkTLS:
		return 2
	case LinkHostname:
		return 3
	case LinkIP:
		return 4
	}
	return 5
}
