package policy

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// origin is where a value was defined: a file and the YAML path of the item.
// The zero origin stands for values carried over from a base Lists.
type origin struct {
	f    *yamlFile
	path string
}

// errorf returns an error at a field of the item.
func (o origin) errorf(field, format string, args ...any) *Error {
	full := o.path
	switch {
	case full == "":
		full = field
	case field != "":
		full += "." + field
	}
	if o.f == nil {
		return &Error{File: "(base lists)", Field: full, Msg: fmt.Sprintf(format, args...)}
	}
	return o.f.errorf(full, format, args...)
}

// builder assembles a Lists from data files, a base Lists and packs,
// collecting every problem instead of stopping at the first.
type builder struct {
	l         *Lists
	regimeAt  []origin
	entityAt  []origin
	companyAt []origin
	keyAt     map[string]string // company key → the name or alias that claimed it
	errs      []error
}

func newBuilder() *builder {
	return &builder{
		l: &Lists{
			byKey:     map[string]int{},
			sourceIdx: map[string]int{},
		},
		keyAt: map[string]string{},
	}
}

// builderFrom starts a builder with copies of a base Lists' values, so that
// changes for packs never touch the base.
func builderFrom(base *Lists) *builder {
	b := newBuilder()
	b.l.Version, b.l.Date = base.Version, base.Date
	b.l.Sources = slices.Clone(base.Sources)
	for i, s := range b.l.Sources {
		b.l.sourceIdx[s.ID] = i
	}
	b.l.Regimes = slices.Clone(base.Regimes)
	b.regimeAt = make([]origin, len(base.Regimes))
	for _, e := range base.Entities {
		e.Regimes, e.Listed = nil, ""
		b.appendEntity(e, origin{})
	}
	for _, c := range base.Companies {
		b.appendCompany(c, origin{})
	}
	return b
}

func (b *builder) appendEntity(e Entity, at origin) {
	b.l.Entities = append(b.l.Entities, e)
	b.entityAt = append(b.entityAt, at)
}

// appendCompany adds a company and claims its lookup keys; a key already
// claimed by another company is an error, so lookups are never ambiguous.
func (b *builder) appendCompany(c Company, at origin) {
	i := len(b.l.Companies)
	b.l.Companies = append(b.l.Companies, c)
	b.companyAt = append(b.companyAt, at)
	if c.Name == "" {
		b.errs = append(b.errs, at.errorf("name", "missing"))
		return
	}
	b.claimKey(i, c.Name, at, "name")
	for j, a := range c.Aliases {
		b.claimKey(i, a, at, fmt.Sprintf("aliases[%d]", j))
	}
}

// claimKey maps the normalized form of name to company i.
func (b *builder) claimKey(i int, name string, at origin, field string) {
	k := normKey(name)
	if k == "" {
		b.errs = append(b.errs, at.errorf(field, "%q has no letters or digits", name))
		return
	}
	if j, ok := b.l.byKey[k]; ok {
		if j != i {
			b.errs = append(b.errs, at.errorf(field, "%q already names company %q (as %q)",
				name, b.l.Companies[j].Name, b.keyAt[k]))
		}
		return
	}
	b.l.byKey[k] = i
	b.keyAt[k] = name
}

// finish validates everything and builds the indexes.
func (b *builder) finish() (*Lists, error) {
	b.validate()
	if len(b.errs) > 0 {
		return nil, errors.Join(b.errs...)
	}
	l := b.l
	l.exact = make(map[string]int, len(l.byKey))
	for i, c := range l.Companies {
		for _, name := range append([]string{c.Name}, c.Aliases...) {
			if j, ok := l.byKey[normKey(name)]; ok && j == i {
				l.exact[name] = i
			}
		}
	}
	l.entityIdx = make(map[string]int, len(l.Entities))
	for i, e := range l.Entities {
		l.entityIdx[e.ID] = i
	}
	l.regimesFor = map[string][]string{}
	for _, r := range l.Regimes {
		for _, e := range r.Entries {
			if e.Entity == "" {
				continue
			}
			if !slices.Contains(l.regimesFor[e.Entity], r.ID) {
				l.regimesFor[e.Entity] = append(l.regimesFor[e.Entity], r.ID)
			}
			ent := &l.Entities[l.entityIdx[e.Entity]]
			if ent.Listed == "" || e.Date < ent.Listed {
				ent.Listed = e.Date
			}
		}
	}
	for i := range l.Entities {
		l.Entities[i].Regimes = slices.Clone(l.regimesFor[l.Entities[i].ID])
	}
	l.byASN = map[uint32]int{}
	for i, c := range l.Companies {
		for _, n := range c.ASNs {
			if j, dup := l.byASN[n]; dup && j != i {
				return nil, fmt.Errorf("AS%d is listed for both %s and %s", n, l.Companies[j].Name, c.Name)
			}
			l.byASN[n] = i
		}
	}
	for i, c := range l.Companies {
		for _, p := range c.Registrants {
			re, err := compileRegistrant(p)
			if err != nil { // validate rejected these already
				return nil, fmt.Errorf("compile registrant of %s: %w", c.Name, err)
			}
			l.matchers = append(l.matchers, matcher{re: re, company: i})
		}
	}
	return l, nil
}

// knownEntities lists entity ids for "unknown entity" messages.
func (b *builder) knownEntities() string {
	ids := make([]string, 0, len(b.l.Entities))
	for _, e := range b.l.Entities {
		ids = append(ids, e.ID)
	}
	slices.Sort(ids)
	return strings.Join(ids, ", ")
}

// entityIndex finds an entity while the index is not built yet.
func (b *builder) entityIndex(id string) int {
	return slices.IndexFunc(b.l.Entities, func(e Entity) bool { return e.ID == id })
}
