package classify

import (
	"fmt"
	"strings"
	"sync"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/policy"
)

// keyNames are how rationales name observation keys.
var keyNames = map[string]string{
	"mac": "MAC prefix", "hostname": "hostname", "inventory.manufacturer": "inventory manufacturer",
	"inventory.model": "inventory model", "http.response": "HTTP response", "http.header.server": "HTTP Server header",
	"http.header.www_authenticate": "HTTP auth realm", "http.title": "web page title", "http.body": "web page",
	"http.favicon.md5": "favicon", "http.favicon.mmh3": "favicon", "http.user_agent": "User-Agent",
	"http.header.sec_ch_ua_model": "Sec-CH-UA-Model", "tls.cert.subject": "TLS certificate",
	"tls.cert.issuer": "TLS certificate issuer", "ssh.banner": "SSH banner", "telnet.banner": "Telnet banner",
	"ftp.banner": "FTP banner", "smtp.banner": "SMTP banner", "rtsp.response": "RTSP reply",
	"rtsp.header.server": "RTSP Server header", "sip.header.server": "SIP Server header",
	"sip.header.user_agent": "SIP User-Agent", "snmp.sysdescr": "SNMP sysDescr", "snmp.sysobjectid": "SNMP sysObjectID",
	"snmp.engineid": "SNMP engine ID", "upnp.description": "UPnP description", "ssdp.header.server": "SSDP Server header",
	"onvif.device_information": "ONVIF device information", "wsd.probe_match": "WS-Discovery reply",
	"mdns.txt": "mDNS TXT record", "mdns.service": "mDNS service", "sadp.response": "SADP reply",
	"dhip.response": "DHIP reply", "dhcp.vendor_class": "DHCP vendor class", "dhcp.hostname": "DHCP hostname",
	"dhcp.param_list": "DHCP parameter list", "dns.version_bind": "DNS version.bind", "software.name": "installed software",
	"sbom.component": "SBOM component", "flow.remote_ip": "traffic", "flow.remote_asn": "traffic",
	"lldp.sysdescr": "LLDP system description", "lldp.platform": "CDP platform", "inventory.serial": "inventory serial",
	"inventory.imei": "inventory IMEI", "tls.sni": "TLS server name", "tls.cert.serial": "TLS certificate serial",
	"port.open": "open port", "tcp.banner": "TCP banner", "nmap.service": "nmap service", "nmap.cpe": "nmap CPE",
	"nmap.os": "nmap OS match",
}

// rationale writes the one sentence that says why the status is what it is.
func rationale(l *policy.Lists, id *covered.Identification) string {
	subject := id.Manufacturer
	if subject == "" {
		subject = id.Brand
	}
	if subject == "" && id.Component != "" {
		subject = id.Component
	}
	svc := service(l, id)
	if subject == "" {
		if svc != nil {
			c := serviceClause(l, id, svc)
			return finish(l, id, strings.ToUpper(c[:1])+c[1:])
		}
		if len(id.Evidence) == 0 {
			return "No observation matched a fingerprint rule or lookup table."
		}
		return "The evidence is too weak to name a maker."
	}
	var b strings.Builder
	b.WriteString(evidencePhrase(id, subject))
	switch {
	case svc != nil && providerNamed(svc) && id.Status == covered.StatusSuspected && id.CoveredEntity == entityName(l, svc.Entity):
		// The verdict comes from the traffic, not from the maker.
		fmt.Fprintf(&b, "; no covered list names %s as a maker; %s", subject, serviceClause(l, id, svc))
	case id.Status == covered.StatusCovered || id.Status == covered.StatusSuspected:
		for i, name := range strings.Split(id.CoveredEntity, " or ") {
			sep := "; "
			if i > 0 {
				sep = ", or "
			}
			ent, _ := l.Entity(entityID(l, name))
			b.WriteString(sep + listing(l, ent))
		}
		if id.Status == covered.StatusSuspected {
			b.WriteString(", but the evidence is not conclusive")
		}
	default:
		if id.Status == covered.StatusUnidentified {
			b.WriteString(", too weakly to identify the device")
		} else {
			fmt.Fprintf(&b, "; no covered list names %s", subject)
		}
	}
	return finish(l, id, b.String())
}

// finish appends the review phrases and the full stop.
func finish(l *policy.Lists, id *covered.Identification, s string) string {
	var b strings.Builder
	b.WriteString(s)
	for _, r := range id.Review {
		b.WriteString("; " + reviewPhrase(l, id, r))
	}
	b.WriteString(".")
	return b.String()
}

// serviceClause says, in lower case, whose network the host talked to and
// what follows.
// Traffic with a group's network says nothing more than the review phrase.
func serviceClause(l *policy.Lists, id *covered.Identification, svc *policy.Company) string {
	if !providerNamed(svc) {
		return "the evidence names no maker"
	}
	ent, _ := l.Entity(svc.Entity)
	return "the host exchanged traffic with " + trafficWith(id, svc) + ", so it may use that carrier's service; " +
		listing(l, ent) + ", but traffic alone does not prove a covered service is used"
}

// trafficWith names svc's network with the autonomous system and remote
// address of the first traffic evidence.
func trafficWith(id *covered.Identification, svc *policy.Company) string {
	asn, remote := "", ""
	for _, e := range id.Evidence {
		if e.Role == "service" && e.Says == svc.Name {
			asn, _, _ = strings.Cut(e.Value, " ")
			remote = e.Path
			break
		}
	}
	where := svc.Name + "'s network"
	if asn != "" {
		where += " (" + asn
		if remote != "" {
			where += ", " + remote
		}
		where += ")"
	}
	return where
}

func entityName(l *policy.Lists, id string) string {
	if e, ok := l.Entity(id); ok {
		return e.Name
	}
	return ""
}

// evidencePhrase says which kinds of evidence name the subject.
func evidencePhrase(id *covered.Identification, subject string) string {
	var keys []string
	seen := map[string]bool{}
	for _, e := range id.Evidence {
		if e.Says != subject && !(e.Role == "manufacturer" && e.Says == id.Manufacturer) {
			continue
		}
		n := keyNames[e.Key]
		if n == "" {
			n = e.Key
		}
		if !seen[n] {
			seen[n] = true
			keys = append(keys, n)
		}
	}
	if len(keys) == 0 {
		return "The evidence names " + subject
	}
	verb := "names"
	if len(keys) > 1 {
		verb = "all name"
	}
	if len(keys) == 2 {
		verb = "both name"
	}
	s := joinAnd(keys)
	return strings.ToUpper(s[:1]) + s[1:] + " " + verb + " " + subject
}

// listings memoizes listing: the phrase depends only on the lists and the
// entity, and every covered host of a large network asks for it.
var listings sync.Map // listingKey → string

type listingKey struct {
	l  *policy.Lists
	id string
}

func listing(l *policy.Lists, ent *policy.Entity) string {
	if ent == nil {
		return "a covered list names its maker"
	}
	k := listingKey{l, ent.ID}
	if s, ok := listings.Load(k); ok {
		return s.(string)
	}
	s := describeListing(l, ent)
	listings.Store(k, s)
	return s
}

func describeListing(l *policy.Lists, ent *policy.Entity) string {
	var parts []string
	for _, rid := range l.RegimesFor(ent.ID) {
		for _, r := range l.Regimes {
			if r.ID != rid {
				continue
			}
			date := ""
			for _, e := range r.Entries {
				if e.Entity == ent.ID && e.Date != "" {
					date = " (" + e.Date + ")"
					break
				}
			}
			name := r.Name
			if strings.HasPrefix(name, "FCC ") {
				name = "the " + name
			}
			parts = append(parts, name+date)
		}
	}
	if len(parts) == 0 {
		return ent.Name + " is on a covered list"
	}
	return fmt.Sprintf("%s is named in %s", ent.Name, strings.Join(parts, " and in "))
}

func reviewPhrase(l *policy.Lists, id *covered.Identification, reason string) string {
	switch reason {
	case covered.ReviewFormerAffiliate:
		if c, ok := l.Company(id.Manufacturer); ok && c.Until != "" {
			return fmt.Sprintf("%s left its covered parent on %s, so a person should check when this device was made", c.Name, c.Until)
		}
		return "its maker is a former affiliate of a covered entity; check when this device was made"
	case covered.ReviewHiSiliconComponent:
		return "it shows a HiSilicon (Huawei) chip inside another maker's product, which a person should review"
	case covered.ReviewFCCCategory:
		return "an FCC Covered List category entry may apply to new authorizations of this kind of device"
	case covered.ReviewConflict:
		return "other evidence names a different maker"
	case covered.ReviewUnverifiedAffiliate:
		return "its link to the covered entity is not verified"
	case covered.ReviewCarrierNetwork:
		if c := service(l, id); c != nil {
			return "it exchanged traffic with " + trafficWith(id, c) + ", whose group includes a covered carrier; a person should review it"
		}
		return "it exchanged traffic with a covered carrier's parent network, which a person should review"
	}
	return "review: " + reason
}

func entityID(l *policy.Lists, name string) string {
	for _, e := range l.Entities {
		if e.Name == name {
			return e.ID
		}
	}
	return ""
}

func joinAnd(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
