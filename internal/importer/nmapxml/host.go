package nmapxml

import (
	"errors"
	"strconv"
	"strings"

	"github.com/coveredtool/covered"
)

// The parts of nmap's <host> element (nmap.dtd, xmloutputversion 1.05) that
// carry evidence. Everything else is skipped by the decoder.
type xHost struct {
	StartTime string `xml:"starttime,attr"`
	EndTime   string `xml:"endtime,attr"`
	Status    struct {
		State string `xml:"state,attr"` // "up", "down", "unknown", "skipped"
	} `xml:"status"`
	Addresses   []xAddress  `xml:"address"`
	Hostnames   []xHostname `xml:"hostnames>hostname"`
	Ports       []xPort     `xml:"ports>port"`
	OSMatches   []xOSMatch  `xml:"os>osmatch"`
	HostScripts []xScript   `xml:"hostscript>script"`
}

type xAddress struct {
	Addr     string `xml:"addr,attr"`
	AddrType string `xml:"addrtype,attr"` // "ipv4", "ipv6", "mac"
}

type xHostname struct {
	Name string `xml:"name,attr"`
	Type string `xml:"type,attr"` // "user", "PTR"
}

type xPort struct {
	Protocol string `xml:"protocol,attr"` // "tcp", "udp", "sctp", "ip"
	PortID   string `xml:"portid,attr"`
	State    struct {
		State string `xml:"state,attr"` // "open", "closed", "filtered", "open|filtered"...
	} `xml:"state"`
	Service *xService `xml:"service"`
	Scripts []xScript `xml:"script"`
}

type xService struct {
	Name      string   `xml:"name,attr"`
	ServiceFP string   `xml:"servicefp,attr"` // replies of an unrecognized service
	Product   string   `xml:"product,attr"`
	Version   string   `xml:"version,attr"`
	ExtraInfo string   `xml:"extrainfo,attr"`
	CPEs      []string `xml:"cpe"`
}

type xOSMatch struct {
	Name     string `xml:"name,attr"`
	Accuracy string `xml:"accuracy,attr"` // percent
	Classes  []struct {
		CPEs []string `xml:"cpe"`
	} `xml:"osclass"`
}

// minOSAccuracy is the least osmatch accuracy (percent) taken as evidence.
const minOSAccuracy = 90

// maxObsPerHost bounds the observations of one host; the byte limit on a
// host bounds it anyway, this keeps a pathological host from dominating.
const maxObsPerHost = 4096

// errNoAddress rejects a host element without an IP or MAC address.
var errNoAddress = errors.New("host: no IPv4, IPv6 or MAC address")

// observations turns one decoded host into observations.
func (p *parser) observations(h *xHost) ([]covered.Observation, error) {
	var ip, ip6, mac string
	for _, a := range h.Addresses {
		switch a.AddrType {
		case "ipv4":
			if ip == "" {
				ip = strings.TrimSpace(a.Addr)
			}
		case "ipv6":
			if ip6 == "" {
				ip6 = strings.TrimSpace(a.Addr)
			}
		case "mac":
			if mac == "" {
				mac = strings.TrimSpace(a.Addr)
			}
		}
	}
	if ip == "" {
		ip = ip6
	}
	key := ip
	if key == "" {
		key = mac
	}
	if key == "" {
		return nil, errNoAddress
	}
	if h.Status.State != "" && h.Status.State != "up" {
		return nil, nil // listed but not up (-v output): nothing observed
	}
	// The host's own end or start time, else the run's start, else the
	// file's time.
	seen := p.src.Seen
	if !p.runStart.IsZero() {
		seen = p.runStart
	}
	for _, s := range []string{h.EndTime, h.StartTime} {
		if t, ok := unixTime(s); ok {
			seen = t
			break
		}
	}
	b := builder{base: covered.Observation{Host: key, IP: ip, MAC: mac, Source: "import:" + Name, Seen: seen}}
	if mac != "" {
		b.add("mac", mac, 0, "")
	}
	for _, hn := range h.Hostnames {
		b.add("hostname", strings.TrimSpace(hn.Name), 0, "")
	}
	for i := range h.Ports {
		b.port(&h.Ports[i])
	}
	b.os(h.OSMatches)
	for i := range h.HostScripts {
		b.script(&h.HostScripts[i], 0, "", "")
	}
	return b.out, nil
}

// builder accumulates the observations of one host.
type builder struct {
	base covered.Observation
	out  []covered.Observation
}

func (b *builder) add(key, value string, port int, transport string) {
	if value == "" || len(b.out) >= maxObsPerHost {
		return
	}
	o := b.base
	o.Key, o.Value, o.Port, o.Transport = key, value, port, transport
	b.out = append(b.out, o)
}

func (b *builder) port(pt *xPort) {
	if pt.State.State != "open" || (pt.Protocol != "tcp" && pt.Protocol != "udp") {
		return
	}
	n, err := strconv.Atoi(pt.PortID)
	if err != nil || n <= 0 || n > 65535 {
		return
	}
	tr := pt.Protocol
	b.add("port.open", tr+"/"+strconv.Itoa(n), n, tr)
	service := ""
	if sv := pt.Service; sv != nil {
		service = sv.Name
		b.add(KeyService, versionColumn(sv.Product, sv.Version, sv.ExtraInfo), n, tr)
		for _, c := range sv.CPEs {
			b.add(KeyCPE, strings.TrimSpace(c), n, tr)
		}
		if sv.ServiceFP != "" {
			b.fingerprint(sv.ServiceFP, strings.TrimSuffix(sv.Name, "?"), n, tr)
		}
	}
	for i := range pt.Scripts {
		b.script(&pt.Scripts[i], n, tr, service)
	}
}

// versionColumn is the VERSION column of nmap's normal output: product,
// version and, in parentheses, extra information.
func versionColumn(product, version, extra string) string {
	var parts []string
	for _, s := range []string{product, version} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	if extra = strings.TrimSpace(extra); extra != "" {
		parts = append(parts, "("+extra+")")
	}
	return strings.Join(parts, " ")
}

// os takes the best OS match when nmap is at least minOSAccuracy sure of it,
// and the CPEs of every match that sure.
func (b *builder) os(ms []xOSMatch) {
	best, bestAcc := "", 0
	seen := map[string]bool{}
	for _, m := range ms {
		acc, err := strconv.Atoi(m.Accuracy)
		if err != nil || acc < minOSAccuracy || acc > 100 {
			continue
		}
		if acc > bestAcc {
			best, bestAcc = strings.TrimSpace(m.Name), acc
		}
		for _, c := range m.Classes {
			for _, cpe := range c.CPEs {
				if cpe = strings.TrimSpace(cpe); cpe != "" && !seen[cpe] {
					seen[cpe] = true
					b.add(KeyCPE, cpe, 0, "")
				}
			}
		}
	}
	b.add(KeyOS, best, 0, "")
}

// Keys this importer adds to the observation vocabulary (keys.go).
const (
	KeyService = "nmap.service"
	KeyCPE     = "nmap.cpe"
	KeyOS      = "nmap.os"
)
