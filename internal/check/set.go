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
const SetVersion = "2026.11.27-2"

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
//
// Outcome "undecided" says the evidence neither holds nor shows the device
// unaffected (an identification field the check needs is unknown, a when
// condition missing where the run did not probe, no firmware version): the
// check must then leave an earlier finding as it was. Finding false without
// an outcome asserts "decided, not affected". Probed lists the ports the
// example's run probed ("tcp/23"): a missing when condition decides only
// with one of the check's ports among them (see Check.Ports and
// Device.Probed); without probed, the example's run is one that does not say.
type Example struct {
	Name           string                `yaml:"name"`
	Identification ExampleID             `yaml:"identification,omitempty"`
	Observations   []covered.Observation `yaml:"observations,omitempty"`
	Probed         []string              `yaml:"probed,omitempty"`
	Finding        bool                  `yaml:"finding"`
	Outcome        string                `yaml:"outcome,omitempty"`

	probed map[portRef]bool
}

// compile validates the example's outcome and probed ports.
func (e *Example) compile() error {
	switch {
	case e.Outcome != "" && e.Outcome != "undecided":
		return fmt.Errorf("outcome %q: want undecided (or none: finding decides)", e.Outcome)
	case e.Outcome == "undecided" && e.Finding:
		return fmt.Errorf("outcome undecided with finding true: an undecided example has no finding")
	}
	for _, p := range e.Probed {
		ref, err := parsePort(p)
		if err != nil {
			return fmt.Errorf("probed: %w", err)
		}
		if e.probed == nil {
			e.probed = map[portRef]bool{}
		}
		e.probed[ref] = true
	}
	return nil
}

// want is the outcome the example asserts.
func (e *Example) want() outcome {
	switch {
	case e.Outcome == "undecided":
		return undecided
	case e.Finding:
		return found
	}
	return notAffected
}

// ExampleID is the part of an identification examples set.
type ExampleID struct {
	// Status is the classification (not_covered says the covered entity is
	// known to be none).
	Status        string `yaml:"status,omitempty"`
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
	d := &Device{Host: "example", Identification: covered.Identification{
		Host: "example", Status: covered.Status(x.Status), CoveredEntity: x.CoveredEntity, Manufacturer: x.Manufacturer, Brand: x.Brand,
		Component: x.Component, Product: x.Product, Model: x.Model, Firmware: x.Firmware, DeviceType: x.DeviceType,
	}, Observations: e.Observations}
	if e.probed != nil {
		d.Probed = func(transport string, port int) bool { return e.probed[portRef{transport, port}] }
	}
	return d
}

// Test runs every check's examples: each check needs at least one example
// it flags and one look-alike it decides is not affected, and every example
// must come out as it says (found, not affected, or undecided). For an
// active check, the examples test its applicability and evidence
// preconditions (whether it would send anything). It returns one error per
// problem, naming the check.
func (s *Set) Test() []error {
	var errs []error
	for _, c := range s.checks {
		pos, neg := 0, 0
		for _, ex := range c.Examples {
			want := ex.want()
			switch want {
			case found:
				pos++
			case notAffected:
				neg++
			}
			if _, got := c.evaluate(ex.device()); got != want {
				hint := ""
				switch {
				case got != undecided || want != notAffected || len(c.When) == 0:
				case len(c.Ports) == 0:
					hint = " (the check declares no ports: a missing when condition never decides)"
				default:
					hint = fmt.Sprintf(" (a missing when condition decides only when the example probed all of %v)", c.Ports)
				}
				errs = append(errs, fmt.Errorf("%s: example %q: outcome %s, want %s%s", c.location, ex.Name, got, want, hint))
			}
		}
		if pos == 0 || neg == 0 {
			errs = append(errs, fmt.Errorf("%s: needs at least one example with finding true and one look-alike with finding false, decided (has %d and %d)", c.location, pos, neg))
		}
	}
	return errs
}
