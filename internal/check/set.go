package check

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sync"

	"github.com/coveredtool/covered"
	"github.com/goccy/go-yaml"
)

// SetVersion is the version of the built-in check set; bump it with every change to checks/.
const SetVersion = "2026.11.27-1"

//go:embed checks/*.yaml
var builtinFS embed.FS

// Set is a loaded check set, in file then declaration order. It is
// immutable and safe for concurrent use.
type Set struct {
	checks []*Check
	byID   map[string]*Check
}

type file struct {
	Checks []*Check `yaml:"checks"`
}

var builtin = sync.OnceValues(func() (*Set, error) { return Load(builtinFS, "checks") })

// Builtin returns the embedded checks. It fails only if the embedded files
// are broken, which the package tests rule out.
func Builtin() (*Set, error) { return builtin() }

// Load reads every *.yaml file in dir of fsys, strictly (unknown fields are
// errors), and validates each check. Errors name the file and check.
func Load(fsys fs.FS, dir string) (*Set, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("check: read %s: %w", dir, err)
	}
	s := &Set{byID: map[string]*Check{}}
	var errs []error
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".yaml" {
			continue
		}
		name := path.Join(dir, e.Name())
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("check: read %s: %w", name, err)
		}
		var f file
		if err := yaml.UnmarshalWithOptions(data, &f, yaml.Strict()); err != nil {
			errs = append(errs, fmt.Errorf("%s: %s", name, yaml.FormatError(err, false, false)))
			continue
		}
		for i, c := range f.Checks {
			c.location = fmt.Sprintf("%s: checks[%d] (%s)", name, i, c.ID)
			if err := c.compile(); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", c.location, err))
				continue
			}
			if prev, dup := s.byID[c.ID]; dup {
				errs = append(errs, fmt.Errorf("%s: id already used at %s", c.location, prev.location))
				continue
			}
			s.byID[c.ID] = c
			s.checks = append(s.checks, c)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// All returns the checks in load order.
func (s *Set) All() []*Check { return append([]*Check(nil), s.checks...) }

// Lookup returns the check with id.
func (s *Set) Lookup(id string) (*Check, bool) {
	c, ok := s.byID[id]
	return c, ok
}

// Example is a device a check must (Finding true) or must not flag. For an
// active check it says whether the check applies (Finding: would run).
type Example struct {
	Name           string                `yaml:"name"`
	Identification ExampleID             `yaml:"identification,omitempty"`
	Observations   []covered.Observation `yaml:"observations,omitempty"`
	Finding        bool                  `yaml:"finding"`
}

// ExampleID is the part of an identification examples set.
type ExampleID struct {
	CoveredEntity string `yaml:"covered_entity,omitempty"`
	Manufacturer  string `yaml:"manufacturer,omitempty"`
	Brand         string `yaml:"brand,omitempty"`
	Component     string `yaml:"component,omitempty"`
	Product       string `yaml:"product,omitempty"`
	Model         string `yaml:"model,omitempty"`
	Firmware      string `yaml:"firmware,omitempty"`
	DeviceType    string `yaml:"device_type,omitempty"`
}

func (e *Example) device() *Device {
	x := e.Identification
	return &Device{Host: "example", Identification: covered.Identification{
		Host: "example", CoveredEntity: x.CoveredEntity, Manufacturer: x.Manufacturer, Brand: x.Brand,
		Component: x.Component, Product: x.Product, Model: x.Model, Firmware: x.Firmware, DeviceType: x.DeviceType,
	}, Observations: e.Observations}
}

// Test runs every check's examples: each check needs at least one example
// it flags and one look-alike it does not, and every example must come out
// as it says. For an active check, the examples test its applicability and
// evidence preconditions (whether it would send anything). It returns one
// error per problem, naming the check.
func (s *Set) Test() []error {
	var errs []error
	for _, c := range s.checks {
		pos, neg := 0, 0
		for _, ex := range c.Examples {
			if ex.Finding {
				pos++
			} else {
				neg++
			}
			_, got := c.evaluate(ex.device())
			if got != ex.Finding {
				errs = append(errs, fmt.Errorf("%s: example %q: finding = %v, want %v", c.location, ex.Name, got, ex.Finding))
			}
		}
		if pos == 0 || neg == 0 {
			errs = append(errs, fmt.Errorf("%s: needs at least one example with finding true and one look-alike with finding false (has %d and %d)", c.location, pos, neg))
		}
	}
	return errs
}
