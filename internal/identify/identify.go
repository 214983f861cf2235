// Package identify turns observations into identifications: for each host it
// runs the fingerprint rules and lookup tables over every observation, keeps
// what they claim as evidence, and combines the claims into one answer (who
// made the device, under which brand, which model and firmware, and how sure
// we are). Classification against the covered lists is the next stage
// (package classify); identify only says who made what.
//
// Identification is a pure function of the observations, the rules and the
// lookup tables, so stored observations can be re-identified after a rules
// update without rescanning.
package identify

import (
	"strconv"
	"strings"
	"sync"

	"github.com/coveredtool/covered/internal/fingerprint"
	"github.com/coveredtool/covered/internal/oui"
	"github.com/coveredtool/covered/internal/pen"
	"github.com/coveredtool/covered/internal/policy"
	"github.com/coveredtool/covered/internal/useragent"
)

// Certainties of the lookup tables. A MAC block or enterprise number
// registered to a company names the maker of the interface or agent, which is
// usually, but not always, the maker of the device.
const (
	certaintyOUI       = 0.6
	certaintyPEN       = 0.85
	certaintyUserAgent = 0.9
	certaintyUAHint    = 0.8
)

// maxEvidenceValue bounds the copy of a value kept as evidence per host. The
// full value stays in the observation store; evidence shows its start.
const maxEvidenceValue = 512

// Engine holds the knowledge identification applies. All fields are required
// except UA (User-Agent evidence is skipped without it).
type Engine struct {
	Rules *fingerprint.Set
	OUI   *oui.Table
	PEN   *pen.Table
	UA    *useragent.Parser
	Lists *policy.Lists

	vocabOnce sync.Once
	vocab     vocabulary
}

func (e *Engine) vocabulary() vocabulary {
	e.vocabOnce.Do(func() { e.vocab = newVocabulary(e.Rules.Vendors()) })
	return e.vocab
}

// claim is what one rule or table says about a device from one value: who
// made it and how sure the rule is (shared by every value a rule maps to the
// same maker), and the parts read from this value.
type claim struct {
	*says
	product  string
	model    string
	firmware string
	path     string // HTTP path or OID of the observation, part of the evidence
}

// says is the part of a claim that depends on the rule and the maker only.
type says struct {
	role       string // "manufacturer", "brand", "component" or "service"
	name       string // canonical company name
	group      string // claims with the same group agree (same covered entity or company)
	certainty  float64
	rule       string
	key        string // observation key, or the derived key for parts of a raw reply
	source     string
	deviceType string
}

// observe runs every rule and table that applies to one observation.
func (e *Engine) observe(key, value, path string) []claim {
	v := strings.TrimSpace(value)
	if v == "" {
		return nil
	}
	switch key {
	case "mac":
		return e.mac(v)
	case "snmp.sysobjectid":
		return e.sysObjectID(v)
	case "http.user_agent":
		return append(e.userAgent(e.UA.Parse, key, v), e.rules(key, v, path)...)
	case "http.header.sec_ch_ua_model":
		return e.userAgent(e.UA.ParseModel, key, v)
	case "http.response":
		return e.httpResponse(v, path)
	case "http.body":
		return e.httpBody(v, path)
	case "rtsp.response":
		return e.rtspResponse(v, path)
	case "flow.remote_asn":
		return e.network(key, v)
	case "lldp.sysdescr":
		// A switch reports its neighbor's LLDP system description, the
		// same text the neighbor gives as SNMP sysDescr.
		return e.rulesOf("snmp.sysdescr", key, v, path)
	case "lldp.platform":
		// CDP's platform is a model string, as inventories write it.
		return e.rulesOf("inventory.model", key, v, path)
	}
	return e.rules(key, v, path)
}

// rules applies the fingerprint rules of key.
func (e *Engine) rules(key, value, path string) []claim {
	return e.rulesOf(key, key, value, path)
}

// rulesOf applies the fingerprint rules of set to an observation of key.
func (e *Engine) rulesOf(set, key, value, path string) []claim {
	res, ok := e.Rules.Match(set, value, path)
	if !ok {
		return nil
	}
	var out []claim
	add := func(role, name string) {
		if name == "" {
			return
		}
		canon, group := e.canonical(name)
		out = append(out, claim{
			says: &says{role: role, name: canon, group: group, certainty: res.Certainty, rule: res.Rule.ID,
				key: key, source: res.Rule.Source, deviceType: res.DeviceType},
			product: res.Product, model: res.Model, firmware: res.Firmware,
		})
	}
	add("manufacturer", res.Manufacturer)
	add("brand", res.Brand)
	add("component", res.Component)
	return out
}

// Certainties of traffic evidence: an address in a carrier's network says
// whose network the host talked to, not that it uses a service under
// contract, so classification never makes it more than suspected.
const (
	certaintyProviderNetwork = 0.6
	certaintyGroupNetwork    = 0.5
)

// network turns "AS<number> <name>" (flow records resolved by the user's
// ASN database) into a service claim when a carrier in the lists operates
// that autonomous system.
func (e *Engine) network(key, v string) []claim {
	digits, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(v, "AS"), "as"), " ")
	n, err := strconv.ParseUint(digits, 10, 32)
	if err != nil {
		return nil
	}
	c, ok := e.Lists.CompanyByASN(uint32(n))
	if !ok {
		return nil
	}
	certainty := certaintyGroupNetwork
	if c.Kind == policy.KindProvider {
		certainty = certaintyProviderNetwork
	}
	return []claim{{says: &says{role: "service", name: c.Name, group: strings.ToLower(c.Name), certainty: certainty,
		rule: "asn", key: key, source: "AS" + digits + " is operated by " + c.Name + " (covered lists data)"}}}
}

func (e *Engine) mac(v string) []claim {
	hw, err := oui.ParseMAC(v)
	if err != nil {
		return nil
	}
	ent, ok := e.OUI.Lookup(hw) // false for locally administered and multicast
	if !ok {
		return nil
	}
	return e.registrant("mac", ent.Org, certaintyOUI, "oui", "IEEE "+ent.Registry+" "+ent.Prefix+" "+ent.Org)
}

func (e *Engine) sysObjectID(v string) []claim {
	arcs, err := pen.ParseOID(v)
	if err != nil {
		return nil
	}
	if cs := e.rules("snmp.sysobjectid", pen.FormatOID(arcs), ""); len(cs) > 0 {
		return cs
	}
	n, _, ok := pen.EnterpriseOf(arcs)
	if !ok || genericAgents[n] {
		return nil
	}
	org, ok := e.PEN.Org(n)
	if !ok {
		return nil
	}
	return e.registrant("snmp.sysobjectid", org, certaintyPEN, "pen", "IANA enterprise number "+strconv.Itoa(n)+" "+org)
}

// genericAgents are enterprise numbers of SNMP agent software that many
// makers embed (IANA registrants: 8072 net-snmp, 2021 UC Davis ucd-snmp,
// 26381 lwIP). A sysObjectID under them says which agent answered, not who
// made the device.
var genericAgents = map[int]bool{8072: true, 2021: true, 26381: true}

// registrant turns an IEEE or IANA registrant name into a maker claim.
func (e *Engine) registrant(key, org string, certainty float64, rule, source string) []claim {
	name, group := "", ""
	if c, ok := e.Lists.CompanyByRegistrant(org); ok {
		name, group = e.canonical(c.Name)
	} else if v := e.vocabulary().find(org); v != "" {
		name, group = e.canonical(v)
	} else {
		name = cleanOrg(org)
		group = strings.ToLower(name)
	}
	if name == "" {
		return nil
	}
	return []claim{{says: &says{role: "manufacturer", name: name, group: group, certainty: certainty, rule: rule, key: key, source: source}}}
}

func (e *Engine) userAgent(parse func(string) useragent.Device, key, v string) []claim {
	if e.UA == nil {
		return nil
	}
	d := parse(v)
	if d.Brand == "" {
		return nil
	}
	c := certaintyUserAgent
	if d.Via == "uap" && d.Model == "" {
		c = certaintyUAHint
	}
	name, group := e.canonical(d.Brand)
	dt := d.Type
	if !fingerprint.DeviceTypes[dt] {
		dt = ""
	}
	return []claim{{
		says: &says{role: "manufacturer", name: name, group: group, certainty: c, rule: "useragent:" + d.Via,
			key: key, source: "ua-parser/uap-core device regexes and covered's own User-Agent tokens", deviceType: dt},
		model: d.Model, product: d.OS,
	}}
}

// canonical maps a rule's or table's company name to the policy's canonical
// name and to the group of names that agree with it: every company of a
// covered entity (Huawei, Huawei Device, HiSilicon...) is one group, so their
// evidence adds up; others are their own group.
func (e *Engine) canonical(name string) (canon, group string) {
	c, ok := e.Lists.Company(name)
	if !ok {
		return name, strings.ToLower(name)
	}
	if c.Covered && c.Entity != "" {
		return c.Name, "entity:" + c.Entity
	}
	return c.Name, strings.ToLower(c.Name)
}
