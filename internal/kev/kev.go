// Package kev is the knowledge of which CVEs are in CISA's Known Exploited
// Vulnerabilities (KEV) catalog. It feeds the check stage: a finding whose
// CVE is listed says so, with the date CISA added it.
//
// The embedded table (kev.json) holds only the catalog entries for the CVEs
// the built-in checks cover, each with the public page its facts were read
// from; `covered update kev` loads a full catalog the user downloaded (CISA's
// known_exploited_vulnerabilities.json schema) on top of it.
package kev

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"time"
)

// Entry is one catalog entry. Field names and JSON tags follow CISA's
// catalog schema; Source and Confidence are this project's additions for
// the embedded entries.
type Entry struct {
	// CVEID is "CVE-YYYY-NNNN".
	CVEID         string `json:"cveID"`
	VendorProject string `json:"vendorProject"`
	Product       string `json:"product"`
	// DateAdded is when CISA added the entry, YYYY-MM-DD.
	DateAdded string `json:"dateAdded"`
	// Source is the public page the embedded entry's facts come from
	// (empty for entries of a loaded catalog: the catalog is the source).
	Source string `json:"source,omitempty"`
	// Note qualifies a fact that rests on secondary sources.
	Note string `json:"note,omitempty"`
}

// Absence records that a CVE the built-in checks cover was looked for and
// not found in the catalog, with what was searched: the embedded table says
// "not listed" only with a source, never by omission.
type Absence struct {
	CVEID string `json:"cveID"`
	// Checked is when the sources were read, YYYY-MM-DD.
	Checked string `json:"checked"`
	Source  string `json:"source"`
}

// Catalog is a set of entries by CVE id. It is immutable once built and
// safe for concurrent use.
type Catalog struct {
	byID map[string]Entry
	// absent are the embedded table's checked absences (see Absence).
	absent map[string]Absence
	// Origin names where the entries came from ("embedded", a file name).
	Origin string
	// Version is the catalog's catalogVersion, when it has one.
	Version string
}

// file is the layout of CISA's known_exploited_vulnerabilities.json (only
// the fields this package reads) and of the embedded kev.json.
type file struct {
	Title           string  `json:"title"`
	CatalogVersion  string  `json:"catalogVersion"`
	Count           int     `json:"count"`
	Vulnerabilities []Entry `json:"vulnerabilities"`
	// NotListed is the embedded table's own addition (see Absence).
	NotListed []Absence `json:"notListed,omitempty"`
}

//go:embed kev.json
var embedded []byte

// maxCatalog bounds a catalog file in bytes (CISA's is about 1.5 MB today).
const maxCatalog = 64 << 20

var cveRE = regexp.MustCompile(`^CVE-\d{4}-\d{4,}$`)

// Builtin returns the embedded entries. It fails only if kev.json is broken,
// which the package tests rule out.
func Builtin() (*Catalog, error) { return parse(embedded, "embedded", true) }

// Parse reads a catalog in CISA's JSON schema from r (at most 64 MiB).
// Every entry needs a well-formed cveID and a dateAdded date; an entry that
// lacks them is an error naming its index.
func Parse(r io.Reader, name string) (*Catalog, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxCatalog+1))
	if err != nil {
		return nil, fmt.Errorf("kev: read %s: %w", name, err)
	}
	if len(data) > maxCatalog {
		return nil, fmt.Errorf("kev: %s: larger than %d bytes", name, maxCatalog)
	}
	return parse(data, name, false)
}

func parse(data []byte, name string, needSource bool) (*Catalog, error) {
	var f file
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("kev: %s: %w", name, err)
	}
	if f.Vulnerabilities == nil {
		return nil, fmt.Errorf("kev: %s: no \"vulnerabilities\" array (not a KEV catalog)", name)
	}
	c := &Catalog{byID: make(map[string]Entry, len(f.Vulnerabilities)), Origin: name, Version: f.CatalogVersion}
	var errs []error
	for i, e := range f.Vulnerabilities {
		switch {
		case !cveRE.MatchString(e.CVEID):
			errs = append(errs, fmt.Errorf("vulnerabilities[%d]: cveID %q is not CVE-YYYY-NNNN", i, e.CVEID))
			continue
		case !validDate(e.DateAdded):
			errs = append(errs, fmt.Errorf("vulnerabilities[%d] (%s): dateAdded %q is not YYYY-MM-DD", i, e.CVEID, e.DateAdded))
			continue
		case needSource && e.Source == "":
			errs = append(errs, fmt.Errorf("vulnerabilities[%d] (%s): source missing (cite the public page)", i, e.CVEID))
			continue
		}
		if _, dup := c.byID[e.CVEID]; dup {
			errs = append(errs, fmt.Errorf("vulnerabilities[%d]: %s listed twice", i, e.CVEID))
			continue
		}
		c.byID[e.CVEID] = e
	}
	for i, a := range f.NotListed {
		switch {
		case !cveRE.MatchString(a.CVEID) || !validDate(a.Checked) || a.Source == "":
			errs = append(errs, fmt.Errorf("notListed[%d] (%s): needs a cveID, a checked date and a source", i, a.CVEID))
			continue
		case c.byID[a.CVEID].CVEID != "":
			errs = append(errs, fmt.Errorf("notListed[%d]: %s is also listed", i, a.CVEID))
			continue
		}
		if c.absent == nil {
			c.absent = map[string]Absence{}
		}
		c.absent[a.CVEID] = a
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("kev: %s: %w", name, errors.Join(errs...))
	}
	return c, nil
}

// Absent returns the recorded absence of cve, if the catalog has one and
// does not list it.
func (c *Catalog) Absent(cve string) (Absence, bool) {
	if c == nil {
		return Absence{}, false
	}
	a, ok := c.absent[cve]
	return a, ok
}

func validDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

// Lookup returns the entry of cve, if the catalog lists it.
func (c *Catalog) Lookup(cve string) (Entry, bool) {
	if c == nil {
		return Entry{}, false
	}
	e, ok := c.byID[cve]
	return e, ok
}

// Len is the number of entries.
func (c *Catalog) Len() int {
	if c == nil {
		return 0
	}
	return len(c.byID)
}

// IDs lists the CVE ids in order.
func (c *Catalog) IDs() []string {
	out := make([]string, 0, c.Len())
	for id := range c.byID {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Merge returns a catalog with o's entries on top of c's: a loaded catalog
// replaces an embedded entry of the same CVE (it is the primary source).
func (c *Catalog) Merge(o *Catalog) *Catalog {
	out := &Catalog{byID: make(map[string]Entry, c.Len()+o.Len()), Origin: c.Origin + " + " + o.Origin, Version: o.Version}
	for id, e := range c.byID {
		out.byID[id] = e
	}
	for id, e := range o.byID {
		out.byID[id] = e
	}
	for _, from := range []*Catalog{c, o} {
		for id, a := range from.absent {
			if _, listed := out.byID[id]; !listed {
				if out.absent == nil {
					out.absent = map[string]Absence{}
				}
				out.absent[id] = a
			}
		}
	}
	return out
}
