// Package policy is the classification knowledge of the pipeline: the
// versioned covered-list data (legal regimes and their entries, covered
// entities, and the makers and brands that belong to them or only look like
// them) and the user policy packs that extend it.
//
// Classification asks it two kinds of question on the hot path of every
// identification: which company a name or an IEEE/IANA registrant string
// denotes (Company, CompanyByRegistrant), and which regimes name that
// company's entity (Entity, RegimesFor). Both are map lookups on keys that
// are precomputed when a Lists is built, so that re-running identification
// over millions of observations stays cheap.
//
// The data is embedded YAML under data/ (one file per topic), every fact with
// a source from the catalogue in data/dataset.yaml. Builtin returns it parsed
// and validated; Load reads a policy pack (--policy FILE) and Lists.With merges
// packs into a new Lists. A Lists is immutable after it is built and safe for
// concurrent use.
package policy

import "sync"

// Regime is one legal rule that makes equipment or services "covered", such
// as the FCC Covered List or NDAA section 889. Findings carry regime IDs so
// that a reader can tell which duty applies.
type Regime struct {
	// ID is the stable identifier written into findings, e.g.
	// "fcc-covered-list", "ndaa-889", "far-52.204-23", or a pack's id.
	ID string
	// Name is the human-readable title.
	Name string
	// Citation is the statute, regulation or clause the regime rests on.
	Citation string
	// URL is where the regime or list is published.
	URL string
	// Binds says who the regime binds (agencies, contractors, FCC-subsidy
	// recipients, ...), because the same device matters differently to each.
	Binds string
	// Date is when the regime took effect (YYYY-MM-DD).
	Date string
	// Entries are the regime's individual listings, in published order.
	Entries []Entry
	// Pack is true for regimes that come from a user policy pack.
	Pack bool
	// Sources cite where the regime's description comes from.
	Sources []string
}

// Entry is one listing of a regime: a named entity or a category, with the
// wording that defines its scope. Reports quote Wording verbatim.
type Entry struct {
	// No is the entry number within its regime (FCC entries 1-13).
	No int
	// Entity is the covered entity ID the entry names; empty for category
	// entries (FCC entries 12 and 13) and for entries that name no entity.
	Entity string
	// Kind is what the entry covers: "equipment", "services", "software" or
	// "category".
	Kind string
	// Wording is the entry's text as published (or a marked paraphrase, see
	// Note).
	Wording string
	// Date is the date of inclusion or effect (YYYY-MM-DD).
	Date string
	// Basis is the legal basis of the listing.
	Basis string
	// Source is the resolved citation text of the entry's sources.
	Source string
	// Confidence is "high", "medium-high", "medium", "low-medium" or "low".
	Confidence string
	// Note records caveats: uncertain dates, paraphrased wording, exceptions.
	Note string
}

// Entity is a party that a covered list names, such as Huawei or China
// Telecom (Americas). Name is the display name written as covered_entity in
// findings; it is part of the output contract.
type Entity struct {
	// ID is the lowercase identifier used by companies and entries.
	ID string
	// Name is the display name ("Huawei", "China Mobile", ...).
	Name string
	// LegalName is the name the list uses for the entity.
	LegalName string
	// Regimes are the IDs of the regimes naming the entity, builtin regimes
	// first, then packs in the order they were merged. Derived from entries.
	Regimes []string
	// Covers says what of the entity is covered, written for sentences:
	// "equipment and services", "services", "software, services and
	// equipment". The words come from equipment, services and software.
	Covers string
	// ScopeNote is the caveat that travels with every finding of the entity,
	// e.g. the purpose scope of Hikvision, Dahua and Hytera equipment.
	ScopeNote string
	// Listed is the earliest date of inclusion over all regimes (YYYY-MM-DD).
	Listed string
	// Note is background a reader of a finding may need.
	Note string
	// Sources are the resolved citations of the entity's facts.
	Sources []string
}

// Company is a maker, brand or service provider that evidence can name. It
// says whether equipment it made is covered, and if not, whether a person
// should still look. Covered is the verdict; Relation explains it.
type Company struct {
	// Name is the canonical short name shown as manufacturer or brand and
	// used by fingerprint rules ("Huawei", "EZVIZ", "H3C", ...).
	Name string
	// Aliases are other spellings and legal names that Company resolves.
	Aliases []string
	// Registrants are case-insensitive regular expressions matched against
	// IEEE OUI and IANA PEN registrant names (see CompanyByRegistrant).
	Registrants []string
	// ASNs are the autonomous systems the company operates. Traffic with a
	// named service provider's own network is evidence of its covered
	// service; traffic with a group's network only asks for review.
	ASNs []uint32
	// Entity is the covered entity ID the company belongs to, relabels or
	// used to belong to; empty for lookalikes and unrelated makers.
	Entity string
	// Relation is one of the Relation* constants.
	Relation string
	// Covered is true when equipment made by the company is covered under
	// the regimes of Entity.
	Covered bool
	// Relabels lists the entity IDs an OEM brand is reported to relabel
	// (relations oem-relabel, oem-partial, former-affiliate).
	Relabels []string
	// Since and Until bound the relation in time (YYYY, YYYY-MM or
	// YYYY-MM-DD); Until is set when the relation ended, e.g. Honor's sale.
	Since, Until string
	// Review is the review reason (covered.Review* values) a finding of this
	// company carries even when it is not covered.
	Review string
	// Kind is "maker", "brand" or "provider".
	Kind string
	// Note explains the relation and its caveats.
	Note string
	// Source is the resolved citation text of the company's facts.
	Source string
	// Confidence is "high", "medium-high", "medium", "low-medium" or "low".
	Confidence string
}

// Source is one citation of the source catalogue.
type Source struct {
	ID, Title, URL, Date string
}

// Citation renders the source as one line of text for reports.
func (s Source) Citation() string {
	c := s.Title
	if s.Date != "" {
		c += " (" + s.Date + ")"
	}
	if s.URL != "" {
		c += ", " + s.URL
	}
	return c
}

// Lists is one immutable version of the knowledge: builtin data, possibly
// with policy packs merged. Build one with Builtin or With; the zero value is
// not usable.
type Lists struct {
	// Version identifies the data set, e.g. "2026.11.27-1"; findings record
	// it as lists_version. Packs append "+<pack id>".
	Version string
	// Date is the date of the data set (YYYY-MM-DD).
	Date      string
	Regimes   []Regime
	Entities  []Entity
	Companies []Company
	// Sources is the citation catalogue of the builtin data.
	Sources []Source

	exact      map[string]int      // name or alias as written → index into Companies
	byKey      map[string]int      // normalized name or alias → index into Companies
	entityIdx  map[string]int      // entity ID → index into Entities
	regimesFor map[string][]string // entity ID → regime IDs
	sourceIdx  map[string]int      // source ID → index into Sources
	byASN      map[uint32]int      // autonomous system → index into Companies
	matchers   []matcher           // registrant patterns, in company order
	registrant registrantCache
}

// Company returns the company with this name or alias. The match ignores
// case, punctuation and trailing corporate suffixes (Co., Ltd., Inc.,
// Technologies, ...), so "HUAWEI TECHNOLOGIES CO.,LTD" finds Huawei. The
// result must not be modified.
func (l *Lists) Company(name string) (*Company, bool) {
	if i, ok := l.exact[name]; ok { // canonical names from rules skip folding
		return &l.Companies[i], true
	}
	var buf [128]byte
	k := appendKey(buf[:0], name)
	i, ok := l.byKey[string(k)]
	if !ok {
		return nil, false
	}
	return &l.Companies[i], true
}

// CompanyByRegistrant returns the company an IEEE OUI or IANA PEN registrant
// string belongs to, or false when no company's registrant pattern matches.
// When several match, the longest match wins, so a subsidiary's specific
// pattern beats its parent's prefix. Results are cached per input string, so
// repeated calls run no regular expressions. The result must not be modified.
func (l *Lists) CompanyByRegistrant(org string) (*Company, bool) {
	i, ok := l.registrant.load(org)
	if !ok {
		i = l.matchRegistrant(org)
		l.registrant.store(org, i)
	}
	if i < 0 {
		return nil, false
	}
	return &l.Companies[i], true
}

// CompanyByASN returns the company operating the autonomous system. The
// result must not be modified.
func (l *Lists) CompanyByASN(asn uint32) (*Company, bool) {
	i, ok := l.byASN[asn]
	if !ok {
		return nil, false
	}
	return &l.Companies[i], true
}

// Entity returns the covered entity with this ID. The result must not be
// modified.
func (l *Lists) Entity(id string) (*Entity, bool) {
	i, ok := l.entityIdx[id]
	if !ok {
		return nil, false
	}
	return &l.Entities[i], true
}

// RegimesFor returns the IDs of the regimes naming the entity: builtin
// regimes first in data order, then packs in merge order. It returns nil for
// an unknown entity. Appending to the result does not change the Lists.
func (l *Lists) RegimesFor(entityID string) []string {
	r := l.regimesFor[entityID]
	return r[:len(r):len(r)]
}

// Source returns the catalogue entry with this ID.
func (l *Lists) Source(id string) (Source, bool) {
	i, ok := l.sourceIdx[id]
	if !ok {
		return Source{}, false
	}
	return l.Sources[i], true
}

var builtin = sync.OnceValue(func() *Lists {
	l, err := loadBuiltin()
	if err != nil {
		// The embedded data is part of the binary; TestBuiltin keeps it valid.
		panic("policy: invalid embedded data: " + err.Error())
	}
	return l
})

// Builtin returns the embedded covered-list knowledge, parsed and validated
// once. It panics only if the embedded data is invalid, which a test guards.
func Builtin() *Lists { return builtin() }
