package sbom

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

// maxDepth bounds how deep nested components are followed (CycloneDX
// components inside components); deeper ones are reported and skipped.
const maxDepth = 32

// maxField bounds each field of a component; a longer one makes the
// component bad rather than an observation nobody can read.
const maxField = 4096

// component is the value of one sbom.component observation. The names are
// the ones the sbom.component rules match: supplier and manufacturer are
// objects with a name, as in CycloneDX; the other parties are strings.
// Every format fills the same struct so that one rule reads both.
type component struct {
	Type         string `json:"type,omitempty"` // CycloneDX component type, or the SPDX purpose lower-cased
	Name         string `json:"name"`
	Group        string `json:"group,omitempty"` // CycloneDX only
	Version      string `json:"version,omitempty"`
	Supplier     *party `json:"supplier,omitempty"`
	Manufacturer *party `json:"manufacturer,omitempty"` // CycloneDX 1.6
	Publisher    string `json:"publisher,omitempty"`    // CycloneDX only
	Author       string `json:"author,omitempty"`       // CycloneDX author, or the authors' names joined by ", "
	Originator   string `json:"originator,omitempty"`   // SPDX only, without its "Organization: " prefix
	Purl         string `json:"purl,omitempty"`
	CPE          string `json:"cpe,omitempty"` // CPE 2.3 when the document gives one, else 2.2
}

// party is an organization or person as CycloneDX writes it.
type party struct {
	Name string `json:"name"`
}

// check trims the fields and rejects a component without a name or with a
// field over maxField bytes.
func (c *component) check() error {
	type field struct {
		name string
		v    *string
	}
	fields := []field{
		{"type", &c.Type}, {"name", &c.Name}, {"group", &c.Group}, {"version", &c.Version},
		{"publisher", &c.Publisher}, {"author", &c.Author}, {"originator", &c.Originator},
		{"purl", &c.Purl}, {"cpe", &c.CPE},
	}
	if c.Supplier != nil {
		fields = append(fields, field{"supplier", &c.Supplier.Name})
	}
	if c.Manufacturer != nil {
		fields = append(fields, field{"manufacturer", &c.Manufacturer.Name})
	}
	for _, f := range fields {
		*f.v = strings.TrimSpace(*f.v)
		if len(*f.v) > maxField {
			return fmt.Errorf("%s is %d bytes, over the %d-byte limit", f.name, len(*f.v), maxField)
		}
	}
	if c.Supplier != nil && c.Supplier.Name == "" {
		c.Supplier = nil
	}
	if c.Manufacturer != nil && c.Manufacturer.Name == "" {
		c.Manufacturer = nil
	}
	if c.Name == "" {
		return fmt.Errorf("no name")
	}
	return nil
}

// by is who the component says published, supplied, made or originated it,
// in that order: the publisher of software.name.
func (c *component) by() string {
	switch {
	case c.Publisher != "":
		return c.Publisher
	case c.Supplier != nil:
		return c.Supplier.Name
	case c.Manufacturer != nil:
		return c.Manufacturer.Name
	}
	return c.Originator
}

// softwareName is the software.name value: "<name> <version> (<by>)", or
// "" when the component names nobody or is hardware (type device: a SoC, a
// board, the camera itself), which is no installed software.
func (c *component) softwareName() string {
	by := c.by()
	if by == "" || c.Type == "device" {
		return ""
	}
	if c.Version == "" {
		return c.Name + " (" + by + ")"
	}
	return c.Name + " " + c.Version + " (" + by + ")"
}

// doc is what an SBOM says, whatever its format.
type doc struct {
	// title names the document when it describes no product: the SPDX
	// document name or the CycloneDX serial number.
	title string
	// created is the document's creation time as written.
	created string
	// product is the component the document describes, nil when none.
	product *component
	// maker is the product's manufacturer, else its supplier; model its
	// name when the document says the product is a device.
	maker, model string
	// parts are the components in document order, the product among them.
	parts []component
}

// host is the Host of every observation of the document.
func (d *doc) host(file string) string {
	switch {
	case d.product != nil && d.product.Version != "":
		return "sbom:" + d.product.Name + "@" + d.product.Version
	case d.product != nil:
		return "sbom:" + d.product.Name
	case d.title != "":
		return "sbom:" + d.title
	}
	return "sbom:" + filepath.Base(file)
}

// emit sends the document's observations: the product's inventory fields
// first, then each component.
func (d *doc) emit(ctx context.Context, format string, src importer.Source, emit func(covered.Observation) error) error {
	host := d.host(src.Name)
	seen := src.Seen
	if t, err := time.Parse(time.RFC3339, strings.TrimSpace(d.created)); err == nil {
		seen = t.UTC()
	}
	obs := func(key, value string) error {
		if value == "" {
			return nil
		}
		return emit(covered.Observation{Host: host, Key: key, Value: value, Source: "import:" + format, Seen: seen})
	}
	if err := obs("inventory.manufacturer", d.maker); err != nil {
		return err
	}
	if err := obs("inventory.model", d.model); err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "AT&T", not "AT\u0026T": rules match the text
	for i := range d.parts {
		if i%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		c := &d.parts[i]
		buf.Reset()
		if err := enc.Encode(c); err != nil {
			return fmt.Errorf("encode component %q: %w", c.Name, err)
		}
		if err := obs("sbom.component", strings.TrimSuffix(buf.String(), "\n")); err != nil {
			return err
		}
		if err := obs("software.name", c.softwareName()); err != nil {
			return err
		}
	}
	return nil
}

// reporter collects the problems of a document's components. They are
// handed to the caller only once the whole document decoded, so that a
// document that fails reports its failure alone.
type reporter struct {
	file string
	errs []*importer.RecordError
}

// component reports component n (1-based, in the order read).
func (r *reporter) component(n int, err error) {
	r.errs = append(r.errs, &importer.RecordError{File: r.file, Line: n, Err: fmt.Errorf("component %d: %w", n, err)})
}

// metadata reports a problem in the document's metadata, which is no
// numbered component: Line 0.
func (r *reporter) metadata(err error) {
	r.errs = append(r.errs, &importer.RecordError{File: r.file, Line: 0, Err: fmt.Errorf("metadata: %w", err)})
}

// flush hands the problems to bad.
func (r *reporter) flush(bad func(*importer.RecordError)) {
	for _, e := range r.errs {
		bad(e)
	}
	r.errs = nil
}
