// Package fingerprint holds the identification rules: data files, one per
// observation key, that turn a raw value (a banner, a header, a sysDescr) into
// claims about who made a device. It is the knowledge that identify applies.
//
// Rules are data, and their examples are their tests: every rule carries
// values it must match (with the fields it must extract) and look-alikes it
// must not match. Set.Test checks all of them, plus shadowing (an example of
// one rule answered by an earlier rule) and the vendor vocabulary. The same
// checks run on a user's rule directory (`covered rules test DIR`).
package fingerprint

import (
	"fmt"
	"regexp"
	"strings"
)

// Rule is one fingerprint: a regular expression over the value of one
// observation key and what a match says about the device.
type Rule struct {
	// ID is unique across all rule files; evidence names it.
	ID string `yaml:"id"`
	// Match is an RE2 regular expression (Go syntax) applied to the value.
	// Named groups feed the {name} templates of the fields below.
	Match string `yaml:"match"`
	// Path, when set, is a regular expression the observation path must
	// match (for http.body, the URL path the body came from).
	Path string `yaml:"path,omitempty"`

	// Manufacturer is who made the device, from the vendor vocabulary.
	Manufacturer string `yaml:"manufacturer,omitempty"`
	// Brand is the label the device is sold under when the value says so.
	Brand string `yaml:"brand,omitempty"`
	// Component names a maker of a part inside the device (a HiSilicon SoC)
	// when the value shows the part but not the device maker.
	Component string `yaml:"component,omitempty"`

	Product    string `yaml:"product,omitempty"`
	Model      string `yaml:"model,omitempty"`
	Firmware   string `yaml:"firmware,omitempty"`
	DeviceType string `yaml:"device_type,omitempty"`

	// Certainty in (0,1] is how sure a match makes us of the maker (or of the
	// brand or component when no maker is named).
	Certainty float64 `yaml:"certainty"`
	// Source cites the public fact the rule rests on.
	Source string `yaml:"source"`
	// Note says why the rule is shaped the way it is, when not obvious.
	Note string `yaml:"note,omitempty"`

	Examples  []Example `yaml:"examples"`
	Negatives []string  `yaml:"negatives,omitempty"`

	key     string
	file    string
	line    int
	re      *regexp.Regexp
	pathRE  *regexp.Regexp
	needles [][]needle // every match contains one literal of each set; nil when unknown
	// templated: some field is filled from the match's groups, so a match
	// needs its submatches found (a second, costlier pass).
	templated bool
}

// Example is a value a rule must match, with the fields it must extract.
// In YAML it is either a plain string or a mapping with "value" and any of
// the field names.
type Example struct {
	Value        string `yaml:"value"`
	Path         string `yaml:"path,omitempty"`
	Manufacturer string `yaml:"manufacturer,omitempty"`
	Brand        string `yaml:"brand,omitempty"`
	Product      string `yaml:"product,omitempty"`
	Model        string `yaml:"model,omitempty"`
	Firmware     string `yaml:"firmware,omitempty"`
	DeviceType   string `yaml:"device_type,omitempty"`
}

// UnmarshalYAML accepts the short form (a string) and the long form.
func (e *Example) UnmarshalYAML(unmarshal func(any) error) error {
	var s string
	if err := unmarshal(&s); err == nil {
		*e = Example{Value: s}
		return nil
	}
	type plain Example
	var p plain
	if err := unmarshal(&p); err != nil {
		return err
	}
	*e = Example(p)
	return nil
}

// Key is the observation key the rule applies to.
func (r *Rule) Key() string { return r.key }

// Location is "file:line" of the rule, for messages.
func (r *Rule) Location() string { return fmt.Sprintf("%s:%d", r.file, r.line) }

func (r *Rule) compile() error {
	if r.ID == "" {
		return fmt.Errorf("id: missing")
	}
	if r.Match == "" {
		return fmt.Errorf("match: missing")
	}
	re, err := regexp.Compile(r.Match)
	if err != nil {
		return fmt.Errorf("match: %v", err)
	}
	r.re = re
	if r.Path != "" {
		if r.pathRE, err = regexp.Compile(r.Path); err != nil {
			return fmt.Errorf("path: %v", err)
		}
	}
	if r.Certainty <= 0 || r.Certainty > 1 {
		return fmt.Errorf("certainty: %v is not in (0,1]", r.Certainty)
	}
	if r.Manufacturer == "" && r.Brand == "" && r.Component == "" {
		return fmt.Errorf("one of manufacturer, brand or component is required")
	}
	if r.Source == "" {
		return fmt.Errorf("source: missing (cite the public fact the rule rests on)")
	}
	for _, f := range []struct{ name, tmpl string }{
		{"manufacturer", r.Manufacturer}, {"brand", r.Brand}, {"product", r.Product},
		{"model", r.Model}, {"firmware", r.Firmware}, {"device_type", r.DeviceType},
	} {
		for _, g := range templateNames(f.tmpl) {
			if re.SubexpIndex(g) < 0 {
				return fmt.Errorf("%s: template {%s} names no group of match", f.name, g)
			}
		}
	}
	// A group named like a field fills that field when the rule leaves it
	// empty, so `(?P<model>...)` needs no `model: '{model}'`.
	if r.Product == "" && re.SubexpIndex("product") >= 0 {
		r.Product = "{product}"
	}
	if r.Model == "" && re.SubexpIndex("model") >= 0 {
		r.Model = "{model}"
	}
	if r.Firmware == "" && re.SubexpIndex("firmware") >= 0 {
		r.Firmware = "{firmware}"
	}
	r.needles = requiredLiterals(r.Match)
	for _, tmpl := range []string{r.Manufacturer, r.Brand, r.Product, r.Model, r.Firmware} {
		r.templated = r.templated || strings.Contains(tmpl, "{")
	}
	return nil
}

// Result is what one rule says about one value.
type Result struct {
	Rule         *Rule
	Manufacturer string
	Brand        string
	Component    string
	Product      string
	Model        string
	Firmware     string
	DeviceType   string
	Certainty    float64
}

// apply runs the rule on value. *lower is strings.ToLower(value), or "" until
// some rule needs it; it is computed once and kept for the next rules.
// The regular expression runs only when the value contains one of the
// rule's required literals.
// apply runs the rule on a value that passed its literal prefilter.
func (r *Rule) apply(value string, path string) (Result, bool) {
	if r.pathRE != nil && !r.pathRE.MatchString(path) {
		return Result{}, false
	}
	// Most values that pass the literal prefilter still do not match;
	// MatchString answers that without tracking groups, which is much
	// cheaper than finding submatches.
	if !r.re.MatchString(value) {
		return Result{}, false
	}
	var m []int
	if r.templated {
		m = r.re.FindStringSubmatchIndex(value)
	}
	fill := func(tmpl string) string {
		if !strings.Contains(tmpl, "{") {
			return tmpl
		}
		return expand(tmpl, r.re, value, m)
	}
	return Result{
		Rule:         r,
		Manufacturer: fill(r.Manufacturer),
		Brand:        fill(r.Brand),
		Component:    r.Component,
		Product:      fill(r.Product),
		Model:        fill(r.Model),
		Firmware:     fill(r.Firmware),
		DeviceType:   r.DeviceType,
		Certainty:    r.Certainty,
	}, true
}

// templateNames lists the {name} placeholders in a field template.
func templateNames(tmpl string) []string {
	var names []string
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			return names
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			return names
		}
		names = append(names, tmpl[i+1:i+j])
		tmpl = tmpl[i+j+1:]
	}
}

// expand replaces {name} with the text of group name, trimmed; a group that
// did not take part in the match gives "".
func expand(tmpl string, re *regexp.Regexp, value string, m []int) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		j := strings.IndexByte(tmpl, '}')
		if i < 0 || j < i {
			b.WriteString(tmpl)
			break
		}
		b.WriteString(tmpl[:i])
		if g := re.SubexpIndex(tmpl[i+1 : j]); g >= 0 && m[2*g] >= 0 {
			b.WriteString(value[m[2*g]:m[2*g+1]])
		}
		tmpl = tmpl[j+1:]
	}
	return strings.TrimSpace(b.String())
}
