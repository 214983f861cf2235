package policy

import (
	"cmp"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

//go:embed data/*.yaml
var dataFS embed.FS

// dataDoc is the schema of one embedded data file. Each file holds some of
// the top-level sections; dataset.yaml holds version, date and sources.
type dataDoc struct {
	Version   string       `yaml:"version"`
	Date      string       `yaml:"date"`
	Sources   []sourceDoc  `yaml:"sources"`
	Regimes   []regimeDoc  `yaml:"regimes"`
	Entities  []entityDoc  `yaml:"entities"`
	Companies []companyDoc `yaml:"companies"`
}

type sourceDoc struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
	URL   string `yaml:"url"`
	Date  string `yaml:"date"`
}

type regimeDoc struct {
	ID       string     `yaml:"id"`
	Name     string     `yaml:"name"`
	Citation string     `yaml:"citation"`
	URL      string     `yaml:"url"`
	Date     string     `yaml:"date"`
	Binds    string     `yaml:"binds"`
	Sources  []string   `yaml:"sources"`
	Entries  []entryDoc `yaml:"entries"`
}

type entryDoc struct {
	No         int      `yaml:"no"`
	Entity     string   `yaml:"entity"`
	Kind       string   `yaml:"kind"`
	Wording    string   `yaml:"wording"`
	Date       string   `yaml:"date"`
	Basis      string   `yaml:"basis"`
	Sources    []string `yaml:"sources"`
	Confidence string   `yaml:"confidence"`
	Note       string   `yaml:"note"`
}

type entityDoc struct {
	ID        string   `yaml:"id"`
	Name      string   `yaml:"name"`
	LegalName string   `yaml:"legal_name"`
	Covers    []string `yaml:"covers"`
	ScopeNote string   `yaml:"scope_note"`
	Note      string   `yaml:"note"`
	Sources   []string `yaml:"sources"`
}

// companyDoc is the schema of a company in data files and policy packs.
// Builtin companies cite catalogue ids in sources; packs may instead give a
// free-text source, and default to the pack's own.
type companyDoc struct {
	Name        string   `yaml:"name"`
	Kind        string   `yaml:"kind"`
	Entity      string   `yaml:"entity"`
	Relation    string   `yaml:"relation"`
	Covered     *bool    `yaml:"covered"`
	Relabels    []string `yaml:"relabels"`
	Since       string   `yaml:"since"`
	Until       string   `yaml:"until"`
	Review      string   `yaml:"review"`
	Aliases     []string `yaml:"aliases"`
	Registrants []string `yaml:"registrants"`
	ASNs        []uint32 `yaml:"asns"`
	Note        string   `yaml:"note"`
	Sources     []string `yaml:"sources"`
	Source      string   `yaml:"source"`
	Confidence  string   `yaml:"confidence"`
}

// dataFileOrder puts the header and definitions before the companies, so
// that Lists.Companies starts with the covered makers in a stable order.
func dataFileOrder(name string) int {
	switch {
	case strings.HasSuffix(name, "/dataset.yaml"):
		return 0
	case strings.HasSuffix(name, "/regimes.yaml"):
		return 1
	case strings.HasSuffix(name, "/entities.yaml"):
		return 2
	}
	return 3
}

// companyFileOrder lists the company files with covered makers first.
var companyFileOrder = []string{
	"companies-huawei-zte.yaml", "companies-hikvision-dahua.yaml",
	"companies-hytera-kaspersky.yaml", "companies-carriers.yaml",
	"companies-oem.yaml", "companies-not-covered.yaml",
}

// loadBuiltin parses, validates and indexes the embedded data.
func loadBuiltin() (*Lists, error) {
	names, err := fs.Glob(dataFS, "data/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("list embedded data: %w", err)
	}
	slices.SortFunc(names, func(a, b string) int {
		if c := cmp.Compare(dataFileOrder(a), dataFileOrder(b)); c != 0 {
			return c
		}
		ia := slices.Index(companyFileOrder, strings.TrimPrefix(a, "data/"))
		ib := slices.Index(companyFileOrder, strings.TrimPrefix(b, "data/"))
		return cmp.Or(cmp.Compare(ia, ib), cmp.Compare(a, b))
	})
	type parsed struct {
		f   *yamlFile
		doc dataDoc
	}
	var files []parsed
	b := newBuilder()
	for _, name := range names {
		src, err := dataFS.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read embedded %s: %w", name, err)
		}
		f, err := parseYAML(name, src)
		if err != nil {
			b.errs = append(b.errs, err)
			continue
		}
		var d dataDoc
		if err := f.decode(&d); err != nil {
			b.errs = append(b.errs, err)
			continue
		}
		files = append(files, parsed{f, d})
	}
	// Pass 1: the header and the source catalogue, which the rest cite.
	for _, p := range files {
		b.addHeader(p.f, p.doc)
	}
	// Pass 2: definitions.
	for _, p := range files {
		for i, r := range p.doc.Regimes {
			b.addRegime(r, origin{p.f, fmt.Sprintf("regimes[%d]", i)})
		}
		for i, e := range p.doc.Entities {
			b.addEntity(e, origin{p.f, fmt.Sprintf("entities[%d]", i)})
		}
		for i, c := range p.doc.Companies {
			b.addCompany(c, origin{p.f, fmt.Sprintf("companies[%d]", i)}, "")
		}
	}
	if b.l.Version == "" {
		b.errs = append(b.errs, &Error{File: "data/dataset.yaml", Field: "version", Msg: "missing"})
	}
	return b.finish()
}

// addHeader takes version, date and sources from one data file.
func (b *builder) addHeader(f *yamlFile, d dataDoc) {
	if d.Version != "" {
		if b.l.Version != "" {
			b.errs = append(b.errs, f.errorf("version", "defined twice"))
		}
		b.l.Version, b.l.Date = d.Version, d.Date
		if err := checkDate(d.Date, true); err != nil {
			b.errs = append(b.errs, f.errorf("date", "%v", err))
		}
	}
	for i, s := range d.Sources {
		at := origin{f, fmt.Sprintf("sources[%d]", i)}
		switch {
		case !idPattern.MatchString(s.ID):
			b.errs = append(b.errs, at.errorf("id", "invalid id %q (lowercase letters, digits, '.', '-')", s.ID))
			continue
		case s.Title == "":
			b.errs = append(b.errs, at.errorf("title", "missing"))
		}
		if _, dup := b.l.sourceIdx[s.ID]; dup {
			b.errs = append(b.errs, at.errorf("id", "duplicate source %q", s.ID))
			continue
		}
		if s.Date != "" {
			if err := checkDate(s.Date, false); err != nil {
				b.errs = append(b.errs, at.errorf("date", "%v", err))
			}
		}
		b.l.sourceIdx[s.ID] = len(b.l.Sources)
		b.l.Sources = append(b.l.Sources, Source(s))
	}
}

// resolveSources turns catalogue ids into citation text.
func (b *builder) resolveSources(ids []string, at origin, field string) []string {
	out := make([]string, 0, len(ids))
	for i, id := range ids {
		j, ok := b.l.sourceIdx[id]
		if !ok {
			b.errs = append(b.errs, at.errorf(fmt.Sprintf("%s[%d]", field, i), "unknown source %q", id))
			continue
		}
		out = append(out, b.l.Sources[j].Citation())
	}
	return out
}

func (b *builder) addRegime(d regimeDoc, at origin) {
	if len(d.Sources) == 0 {
		b.errs = append(b.errs, at.errorf("sources", "missing: every regime needs a source"))
	}
	r := Regime{
		ID: d.ID, Name: d.Name, Citation: d.Citation, URL: d.URL, Binds: d.Binds,
		Date: d.Date, Sources: b.resolveSources(d.Sources, at, "sources"),
	}
	for i, e := range d.Entries {
		eat := origin{at.f, fmt.Sprintf("%s.entries[%d]", at.path, i)}
		if len(e.Sources) == 0 {
			b.errs = append(b.errs, eat.errorf("sources", "missing: every entry needs a source"))
		}
		r.Entries = append(r.Entries, Entry{
			No: e.No, Entity: e.Entity, Kind: e.Kind, Wording: e.Wording, Date: e.Date,
			Basis: e.Basis, Confidence: e.Confidence, Note: e.Note,
			Source: strings.Join(b.resolveSources(e.Sources, eat, "sources"), "; "),
		})
	}
	b.l.Regimes = append(b.l.Regimes, r)
	b.regimeAt = append(b.regimeAt, at)
}

func (b *builder) addEntity(d entityDoc, at origin) {
	if len(d.Sources) == 0 {
		b.errs = append(b.errs, at.errorf("sources", "missing: every entity needs a source"))
	}
	if d.LegalName == "" {
		b.errs = append(b.errs, at.errorf("legal_name", "missing"))
	}
	b.checkCovers(d.Covers, at)
	b.appendEntity(Entity{
		ID: d.ID, Name: d.Name, LegalName: d.LegalName, Covers: joinCovers(d.Covers),
		ScopeNote: d.ScopeNote, Note: d.Note, Sources: b.resolveSources(d.Sources, at, "sources"),
	}, at)
}

// addCompany converts and appends a new company. packSource is the default
// source of pack companies; builtin companies must cite catalogue ids.
func (b *builder) addCompany(d companyDoc, at origin, packSource string) {
	c := Company{
		Name: d.Name, Aliases: d.Aliases, Registrants: d.Registrants, ASNs: d.ASNs, Entity: d.Entity,
		Relation: d.Relation, Relabels: d.Relabels, Since: d.Since, Until: d.Until,
		Review: d.Review, Kind: cmp.Or(d.Kind, KindMaker), Note: d.Note,
		Confidence: d.Confidence,
	}
	if at.f != nil && packSource == "" && len(d.Sources) == 0 {
		b.errs = append(b.errs, at.errorf("sources", "missing: every company needs a source"))
	}
	cites := b.resolveSources(d.Sources, at, "sources")
	if d.Source != "" {
		cites = append(cites, d.Source)
	}
	if len(cites) == 0 && packSource != "" {
		cites = append(cites, packSource)
	}
	c.Source = strings.Join(cites, "; ")
	if packSource != "" {
		c.Relation = cmp.Or(c.Relation, RelationNamed)
		c.Confidence = cmp.Or(c.Confidence, "high")
	}
	c.Covered = coveringRelations[c.Relation]
	if d.Covered != nil {
		c.Covered = *d.Covered
	}
	b.appendCompany(c, at)
}
