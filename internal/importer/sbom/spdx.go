package sbom

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// The SPDX 2 fields read here, as the SPDX 2.3 specification names them:
// document spdxVersion/SPDXVersion, name/DocumentName,
// creationInfo.created/Created, documentDescribes and DESCRIBES or
// DESCRIBED_BY relationships; per package name/PackageName, SPDXID,
// versionInfo/PackageVersion, supplier/PackageSupplier,
// originator/PackageOriginator, primaryPackagePurpose/PrimaryPackagePurpose
// and externalRefs/ExternalRef (SECURITY cpe23Type or cpe22Type, and
// PACKAGE-MANAGER purl).

// checkSPDXVersion accepts SPDX-2.x. SPDX 3 is JSON-LD without
// spdxVersion and says so in its @context; it is not read.
func checkSPDXVersion(v string) error {
	if !strings.HasPrefix(v, "SPDX-2.") {
		return fmt.Errorf("unsupported SPDX version %q: want SPDX-2.2 or SPDX-2.3", v)
	}
	return nil
}

// spdxPackage is one package as this package reads it, from either form.
type spdxPackage struct {
	ID         string
	Name       string
	Version    string
	Supplier   string
	Originator string
	Purpose    string
	CPE23      string
	CPE22      string
	Purl       string
}

// ref takes one external reference.
func (p *spdxPackage) ref(category, typ, locator string) {
	category = strings.ReplaceAll(strings.ToUpper(category), "_", "-")
	switch {
	case category == "SECURITY" && typ == "cpe23Type" && p.CPE23 == "":
		p.CPE23 = locator
	case category == "SECURITY" && typ == "cpe22Type" && p.CPE22 == "":
		p.CPE22 = locator
	case category == "PACKAGE-MANAGER" && typ == "purl" && p.Purl == "":
		p.Purl = locator
	}
}

// component is the package as the rules read it.
func (p *spdxPackage) component() (component, error) {
	v := component{
		Type:       strings.ToLower(strings.TrimSpace(p.Purpose)),
		Name:       p.Name,
		Version:    p.Version,
		Originator: spdxParty(p.Originator),
		Purl:       p.Purl,
		CPE:        p.CPE23,
	}
	if v.CPE == "" {
		v.CPE = p.CPE22
	}
	if s := spdxParty(p.Supplier); s != "" {
		v.Supplier = &party{Name: s}
	}
	return v, v.check()
}

// spdxParty strips what SPDX writes around a supplier or originator:
// "Organization: " or "Person: " before, an e-mail address in parentheses
// after; NOASSERTION and NONE are nobody.
func spdxParty(s string) string {
	s = strings.TrimSpace(s)
	switch s {
	case "NOASSERTION", "NONE":
		return ""
	}
	for _, p := range []string{"Organization:", "Person:", "Tool:"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			s = strings.TrimSpace(rest)
			break
		}
	}
	if i := strings.LastIndexByte(s, '('); i >= 0 && strings.HasSuffix(s, ")") {
		if mail := s[i+1 : len(s)-1]; mail == "" || strings.Contains(mail, "@") {
			s = strings.TrimSpace(s[:i])
		}
	}
	return s
}

// spdxDoc gathers a document's packages and what it describes, then
// builds the doc.
type spdxDoc struct {
	d         *doc
	packages  []spdxPackage // the good packages, as d.parts
	describes []string      // SPDX IDs the document describes, in order
}

// finish finds the described product among the packages: the first
// described ID that names a good package.
func (s *spdxDoc) finish() *doc {
	if len(s.describes) == 0 {
		return s.d
	}
	index := make(map[string]int, len(s.packages))
	for i := range s.packages {
		if _, dup := index[s.packages[i].ID]; !dup {
			index[s.packages[i].ID] = i
		}
	}
	for _, id := range s.describes {
		i, ok := index[id]
		if !ok {
			continue
		}
		p, c := &s.packages[i], s.d.parts[i]
		s.d.product = &c
		// Supplier and originator were checked against maxField as
		// component fields.
		s.d.maker = spdxParty(p.Supplier)
		if s.d.maker == "" {
			s.d.maker = spdxParty(p.Originator)
		}
		if strings.EqualFold(strings.TrimSpace(p.Purpose), "DEVICE") {
			s.d.model = c.Name
		}
		break
	}
	return s.d
}

// add checks package n and keeps it; a bad one is reported.
func (s *spdxDoc) add(n int, p spdxPackage, rep *reporter) {
	c, err := p.component()
	if err != nil {
		rep.component(n, err)
		return
	}
	s.d.parts = append(s.d.parts, c)
	s.packages = append(s.packages, p)
}

// spdxJSONPackage is one JSON package.
type spdxJSONPackage struct {
	SPDXID       string `json:"SPDXID"`
	Name         string `json:"name"`
	VersionInfo  string `json:"versionInfo"`
	Supplier     string `json:"supplier"`
	Originator   string `json:"originator"`
	Purpose      string `json:"primaryPackagePurpose"`
	ExternalRefs []struct {
		Category string `json:"referenceCategory"`
		Type     string `json:"referenceType"`
		Locator  string `json:"referenceLocator"`
	} `json:"externalRefs"`
}

// spdxJSONRelationship is one JSON relationship.
type spdxJSONRelationship struct {
	Element string `json:"spdxElementId"`
	Type    string `json:"relationshipType"`
	Related string `json:"relatedSpdxElement"`
}

// decodeSPDXJSON streams the top-level object: packages are decoded one by
// one as they come. A package of the wrong shape is reported with its
// number; a relationship of the wrong shape is reported as metadata.
func decodeSPDXJSON(ctx context.Context, data []byte, rep *reporter) (*doc, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	s := &spdxDoc{d: &doc{}}
	var (
		version string
		n, rels int
	)
	err := members(dec, func(key string) error {
		switch key {
		case "spdxVersion":
			return member(dec, key, &version)
		case "name":
			return member(dec, key, &s.d.title)
		case "creationInfo":
			var ci struct {
				Created string `json:"created"`
			}
			if err := member(dec, key, &ci); err != nil {
				return err
			}
			s.d.created = ci.Created
			return nil
		case "documentDescribes":
			var ids []string
			if err := member(dec, key, &ids); err != nil {
				return err
			}
			s.describes = append(ids, s.describes...)
			return nil
		case "packages":
			return elements(dec, key, func() error {
				n++
				if n%1024 == 0 && ctx.Err() != nil {
					return ctx.Err()
				}
				var jp spdxJSONPackage
				if err := dec.Decode(&jp); err != nil {
					if syntaxError(err) {
						return err
					}
					rep.component(n, jsonError(err))
					return nil
				}
				p := spdxPackage{ID: jp.SPDXID, Name: jp.Name, Version: jp.VersionInfo, Supplier: jp.Supplier, Originator: jp.Originator, Purpose: jp.Purpose}
				for _, r := range jp.ExternalRefs {
					p.ref(r.Category, r.Type, strings.TrimSpace(r.Locator))
				}
				s.add(n, p, rep)
				return nil
			})
		case "relationships":
			return elements(dec, key, func() error {
				rels++
				var r spdxJSONRelationship
				if err := dec.Decode(&r); err != nil {
					if syntaxError(err) {
						return err
					}
					rep.metadata(fmt.Errorf("relationship %d: %w", rels, jsonError(err)))
					return nil
				}
				switch {
				case r.Type == "DESCRIBES" && r.Element == "SPDXRef-DOCUMENT":
					s.describes = append(s.describes, r.Related)
				case r.Type == "DESCRIBED_BY" && r.Related == "SPDXRef-DOCUMENT":
					s.describes = append(s.describes, r.Element)
				}
				return nil
			})
		}
		return dec.Decode(&skip{})
	})
	if err != nil {
		return nil, err
	}
	if err := checkSPDXVersion(version); err != nil {
		return nil, err
	}
	return s.finish(), nil
}

// isTagValue reports whether head has a line starting "SPDXVersion:".
func isTagValue(head []byte) bool {
	_, ok := tagVersion(head)
	return ok
}

// tagVersion finds the value of the first SPDXVersion line.
func tagVersion(data []byte) (string, bool) {
	for len(data) > 0 {
		line, rest, _ := bytes.Cut(data, []byte("\n"))
		if v, ok := bytes.CutPrefix(bytes.TrimSpace(line), []byte("SPDXVersion:")); ok {
			return string(bytes.TrimSpace(v)), true
		}
		data = rest
	}
	return "", false
}

// decodeSPDXTags reads the tag-value form: "Tag: value" lines, values
// that span lines between <text> and </text>. A package runs from its
// PackageName line to the next PackageName, FileName, SnippetSPDXID or
// LicenseID line; a line in it that is not "Tag: value", an empty
// PackageName and an ExternalRef without category, type and locator make it
// bad.
func decodeSPDXTags(ctx context.Context, data []byte, rep *reporter) (*doc, error) {
	version, ok := tagVersion(data)
	if !ok {
		return nil, fmt.Errorf("no SPDXVersion line")
	}
	if err := checkSPDXVersion(version); err != nil {
		return nil, err
	}
	s := &spdxDoc{d: &doc{}}
	var (
		cur    *spdxPackage
		curN   int   // number of the current package
		curErr error // first problem of the current package
		n      int   // packages seen
	)
	closePackage := func() {
		if cur == nil {
			return
		}
		if curErr != nil {
			rep.component(curN, curErr)
		} else {
			s.add(curN, *cur, rep)
		}
		cur, curErr = nil, nil
	}
	line := 0
	for rest := data; len(rest) > 0; {
		var raw []byte
		raw, rest, _ = bytes.Cut(rest, []byte("\n"))
		line++
		if line%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		text := string(bytes.TrimSpace(raw))
		if text == "" || text[0] == '#' {
			continue
		}
		tag, value, ok := strings.Cut(text, ":")
		if !ok {
			if cur != nil && curErr == nil {
				curErr = fmt.Errorf("line %d: not a Tag: value line", line)
			}
			continue
		}
		tag, value = strings.TrimSpace(tag), strings.TrimSpace(value)
		if v, ok := strings.CutPrefix(value, "<text>"); ok {
			// A value between <text> and </text>, maybe over many lines:
			// joined with spaces, read up to its end whatever the tag.
			var b strings.Builder
			b.WriteString(v)
			for !strings.Contains(v, "</text>") && len(rest) > 0 {
				raw, rest, _ = bytes.Cut(rest, []byte("\n"))
				line++
				v = string(bytes.TrimSpace(raw))
				if b.Len() < maxField {
					b.WriteByte(' ')
					b.WriteString(v)
				}
			}
			value, _, _ = strings.Cut(b.String(), "</text>")
			value = strings.TrimSpace(value)
		}
		switch tag {
		case "DocumentName":
			s.d.title = value
		case "Created":
			s.d.created = value
		case "Relationship":
			if f := strings.Fields(value); len(f) >= 3 {
				switch {
				case f[1] == "DESCRIBES" && f[0] == "SPDXRef-DOCUMENT":
					s.describes = append(s.describes, f[2])
				case f[1] == "DESCRIBED_BY" && f[2] == "SPDXRef-DOCUMENT":
					s.describes = append(s.describes, f[0])
				}
			}
		case "PackageName":
			closePackage()
			n++
			cur, curN = &spdxPackage{Name: value}, n
			if value == "" {
				curErr = fmt.Errorf("line %d: empty PackageName", line)
			}
		case "FileName", "SnippetSPDXID", "LicenseID":
			closePackage()
		}
		if cur == nil {
			continue
		}
		switch tag {
		case "SPDXID":
			if cur.ID == "" {
				cur.ID = value
			}
		case "PackageVersion":
			cur.Version = value
		case "PackageSupplier":
			cur.Supplier = value
		case "PackageOriginator":
			cur.Originator = value
		case "PrimaryPackagePurpose":
			cur.Purpose = value
		case "ExternalRef":
			f := strings.Fields(value)
			if len(f) < 3 {
				if curErr == nil {
					curErr = fmt.Errorf("line %d: ExternalRef %q: want category, type and locator", line, value)
				}
				continue
			}
			cur.ref(f[0], f[1], f[2])
		}
	}
	closePackage()
	return s.finish(), nil
}
