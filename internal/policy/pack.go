package policy

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// maxPackSize bounds a policy pack file; real packs are a few kilobytes.
const maxPackSize = 1 << 20

// Pack is a user policy pack (--policy FILE): one extra regime, such as a
// state ban list or an internal blocklist, with the entities it names and the
// companies that belong to them. Load reads one; Lists.With merges it.
type Pack struct {
	// Path is the file the pack was loaded from, as given to Load.
	Path string
	// ID becomes the regime ID written into findings, e.g. "texas-2026".
	ID string
	// Name, Source and Date describe the regime.
	Name, Source, Date string

	doc  packDoc
	file *yamlFile
}

// packDoc is the schema of a policy pack file.
type packDoc struct {
	ID         string          `yaml:"id"`
	Name       string          `yaml:"name"`
	Citation   string          `yaml:"citation"`
	Source     string          `yaml:"source"`
	Date       string          `yaml:"date"`
	Binds      string          `yaml:"binds"`
	RegimesFor []string        `yaml:"regimes_for"`
	Entities   []packEntityDoc `yaml:"entities"`
	Companies  []companyDoc    `yaml:"companies"`
}

// packEntityDoc is a new entity of a pack. Companies names existing or pack
// companies that the pack attaches to the entity, making them covered under
// the pack's regime.
type packEntityDoc struct {
	ID        string   `yaml:"id"`
	Name      string   `yaml:"name"`
	LegalName string   `yaml:"legal_name"`
	Covers    []string `yaml:"covers"`
	ScopeNote string   `yaml:"scope_note"`
	Wording   string   `yaml:"wording"`
	Note      string   `yaml:"note"`
	Source    string   `yaml:"source"`
	Companies []string `yaml:"companies"`
}

// Load reads and checks a policy pack file: strict YAML (unknown fields are
// errors) and the pack's own fields. References to entities and companies are
// checked when the pack is merged by With. Every error names the file, line
// and field.
func Load(path string) (*Pack, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open policy pack: %w", err)
	}
	defer fh.Close()
	src, err := io.ReadAll(io.LimitReader(fh, maxPackSize+1))
	if err != nil {
		return nil, fmt.Errorf("read policy pack %s: %w", path, err)
	}
	if len(src) > maxPackSize {
		return nil, &Error{File: path, Msg: fmt.Sprintf("larger than %d bytes", maxPackSize)}
	}
	return parsePack(path, src)
}

// parsePack decodes and checks a pack held in memory; path names it in errors.
func parsePack(path string, src []byte) (*Pack, error) {
	f, err := parseYAML(path, src)
	if err != nil {
		return nil, err
	}
	var d packDoc
	if err := f.decode(&d); err != nil {
		return nil, err
	}
	var errs []error
	fail := func(field, format string, args ...any) { errs = append(errs, f.errorf(field, format, args...)) }
	switch {
	case d.ID == "":
		fail("id", "missing")
	case !idPattern.MatchString(d.ID):
		fail("id", "invalid id %q (lowercase letters, digits, '.', '-')", d.ID)
	}
	if d.Name == "" {
		fail("name", "missing")
	}
	if d.Source == "" {
		fail("source", "missing: a pack needs a source (URL or citation)")
	}
	if err := checkDate(d.Date, true); err != nil {
		fail("date", "%v", err)
	}
	for i, e := range d.Entities {
		field := fmt.Sprintf("entities[%d]", i)
		switch {
		case e.ID == "":
			fail(field+".id", "missing")
		case !idPattern.MatchString(e.ID):
			fail(field+".id", "invalid id %q (lowercase letters, digits, '.', '-')", e.ID)
		}
		if e.Name == "" {
			fail(field+".name", "missing")
		}
		for j, k := range e.Covers {
			if !coverKinds[k] {
				fail(fmt.Sprintf("%s.covers[%d]", field, j), "unknown kind %q (known: %s)", k, strings.Join(sortedKeys(coverKinds), ", "))
			}
		}
	}
	for i, c := range d.Companies {
		if c.Name == "" {
			fail(fmt.Sprintf("companies[%d].name", i), "missing")
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &Pack{Path: path, ID: d.ID, Name: d.Name, Source: d.Source, Date: d.Date, doc: d, file: f}, nil
}

// With returns a new Lists with the packs merged in order; l is unchanged.
// Each pack adds a regime; its entities must be new, and it may attach
// companies to them or to existing entities. Redefining an ID, or moving a
// company that is already covered to another entity, is a conflict and an
// error naming the pack file, line and field.
func (l *Lists) With(packs ...*Pack) (*Lists, error) {
	if len(packs) == 0 {
		return l, nil
	}
	b := builderFrom(l)
	version := l.Version
	for _, p := range packs {
		b.addPack(p)
		version += "+" + p.ID
	}
	b.l.Version = version
	return b.finish()
}

func (b *builder) addPack(p *Pack) {
	d := p.doc
	at := origin{f: p.file}
	var named []string
	wording := map[string]string{}
	for i, e := range d.Entities {
		eat := origin{p.file, fmt.Sprintf("entities[%d]", i)}
		covers := e.Covers
		if len(covers) == 0 {
			covers = []string{"equipment"}
		}
		b.appendEntity(Entity{
			ID: e.ID, Name: e.Name, LegalName: cmp.Or(e.LegalName, e.Name),
			Covers: joinCovers(covers), ScopeNote: e.ScopeNote, Note: e.Note,
			Sources: []string{cmp.Or(e.Source, d.Source)},
		}, eat)
		named = append(named, e.ID)
		wording[e.ID] = e.Wording
	}
	for j, id := range d.RegimesFor {
		if b.entityIndex(id) < 0 {
			b.fail(at.errorf(fmt.Sprintf("regimes_for[%d]", j), "unknown entity %q (known: %s)", id, b.knownEntities()))
			continue
		}
		if !slices.Contains(named, id) {
			named = append(named, id)
		}
	}
	for i, c := range d.Companies {
		cat := origin{p.file, fmt.Sprintf("companies[%d]", i)}
		if ci, ok := b.l.byKey[normKey(c.Name)]; ok {
			b.mergeCompany(ci, c, cat, "entity", d.Source)
			continue
		}
		b.addCompany(c, cat, d.Source)
	}
	for i, e := range d.Entities {
		for k, name := range e.Companies {
			kat := origin{p.file, fmt.Sprintf("entities[%d].companies[%d]", i, k)}
			ci, ok := b.l.byKey[normKey(name)]
			if !ok {
				b.fail(kat.errorf("", "unknown company %q", name))
				continue
			}
			b.mergeCompany(ci, companyDoc{Name: name, Entity: e.ID}, kat, "", d.Source)
		}
	}
	r := Regime{
		ID: d.ID, Name: d.Name, Citation: cmp.Or(d.Citation, d.Name), URL: d.Source,
		Binds: d.Binds, Date: d.Date, Pack: true, Sources: []string{d.Source},
	}
	for k, id := range named {
		kind := "equipment"
		if e := b.l.Entities[b.entityIndex(id)]; !strings.Contains(e.Covers, "equipment") {
			kind = strings.FieldsFunc(e.Covers, func(r rune) bool { return r == ',' || r == ' ' })[0]
		}
		r.Entries = append(r.Entries, Entry{
			No: k + 1, Entity: id, Kind: kind, Date: d.Date, Basis: r.Citation, Source: d.Source,
			Wording: cmp.Or(wording[id], "Named by "+d.Name+"."), Confidence: "high",
		})
	}
	b.l.Regimes = append(b.l.Regimes, r)
	b.regimeAt = append(b.regimeAt, at)
}

// mergeCompany applies a pack's entry for an existing company: it attaches
// the company to the pack's entity and adds names and patterns. Moving a
// company that is already covered to a different entity is a conflict.
// entityField is the field that named the entity, for error messages.
func (b *builder) mergeCompany(ci int, c companyDoc, at origin, entityField, packSource string) {
	old := b.l.Companies[ci]
	switch {
	case c.Entity == "":
		b.fail(at.errorf(entityField, "missing: company %q already exists; a pack entry for it must attach it to an entity", old.Name))
		return
	case b.entityIndex(c.Entity) < 0:
		b.fail(at.errorf(entityField, "unknown entity %q (known: %s)", c.Entity, b.knownEntities()))
		return
	case old.Covered && old.Entity != c.Entity:
		b.fail(at.errorf(entityField, "company %q is already covered under entity %q; a pack cannot move it to %q", old.Name, old.Entity, c.Entity))
		return
	}
	n := old
	if old.Entity != c.Entity {
		n.Since, n.Until, n.Relabels = "", "", nil
	}
	n.Entity = c.Entity
	n.Relation = cmp.Or(c.Relation, RelationNamed)
	n.Covered = coveringRelations[n.Relation]
	if c.Covered != nil {
		n.Covered = *c.Covered
	}
	if c.Relabels != nil {
		n.Relabels = c.Relabels
	}
	n.Since, n.Until = cmp.Or(c.Since, n.Since), cmp.Or(c.Until, n.Until)
	n.Review = cmp.Or(c.Review, n.Review)
	n.Kind = cmp.Or(c.Kind, n.Kind)
	n.Confidence = cmp.Or(c.Confidence, n.Confidence)
	n.Aliases = slices.Concat(old.Aliases, c.Aliases)
	n.ASNs = slices.Concat(old.ASNs, c.ASNs)
	n.Registrants = slices.Clone(old.Registrants)
	for j, p := range c.Registrants {
		// Checked here, where the index still matches the pack's list.
		if re, err := compileRegistrant(p); err != nil {
			b.fail(at.errorf(fmt.Sprintf("registrants[%d]", j), "invalid regular expression: %v", err))
		} else if re.MatchString("") {
			b.fail(at.errorf(fmt.Sprintf("registrants[%d]", j), "pattern %q matches the empty string", p))
		} else {
			n.Registrants = append(n.Registrants, p)
		}
	}
	n.Note = strings.TrimSpace(old.Note + " " + c.Note)
	if src := cmp.Or(c.Source, packSource); !strings.Contains(n.Source, src) {
		n.Source = strings.TrimPrefix(n.Source+"; "+src, "; ")
	}
	b.l.Companies[ci] = n
	b.companyAt[ci] = at
	for j, a := range c.Aliases {
		b.claimKey(ci, a, at, fmt.Sprintf("aliases[%d]", j))
	}
}
