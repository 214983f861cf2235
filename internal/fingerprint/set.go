package fingerprint

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Version of the built-in rule set. Bump it with every change to rules/ so
// that identifications record which rules made them.
const Version = "2026.11.27-3"

//go:embed rules/*.yaml rules/vendors*.txt
var builtinFS embed.FS

// Set is a loaded, compiled rule set, indexed by observation key. A Set is
// immutable after loading and safe for concurrent use.
type Set struct {
	version string
	byKey   map[string][]*Rule
	index   map[string]*needleIndex // literal prefilter per key, see Match
	vendors map[string]bool
	files   []string
}

// indexNeedles builds the per-key literal index once the rules are final.
func (s *Set) indexNeedles() *Set {
	s.index = map[string]*needleIndex{}
	for k, rules := range s.byKey {
		s.index[k] = newNeedleIndex(rules)
	}
	return s
}

// file is the YAML layout of one rule file.
type file struct {
	Key   string  `yaml:"key"`
	Rules []*Rule `yaml:"rules"`
}

var builtin = sync.OnceValues(func() (*Set, error) { return Load(builtinFS, "rules", Version) })

// Builtin returns the embedded rule set. It fails only if the embedded files
// are broken, which the package tests rule out.
func Builtin() (*Set, error) { return builtin() }

// Load reads every *.yaml file in dir of fsys, and the vendor vocabulary
// from vendors*.txt files when present.
// Errors name the file and line of the offending rule.
func Load(fsys fs.FS, dir, version string) (*Set, error) {
	s := &Set{version: version, byKey: map[string][]*Rule{}, vendors: map[string]bool{}}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read rules directory %s: %w", dir, err)
	}
	var errs []error
	ids := map[string]string{}
	for _, e := range entries {
		name := path.Join(dir, e.Name())
		switch {
		case e.IsDir():
			continue
		case strings.HasPrefix(e.Name(), "vendors") && strings.HasSuffix(e.Name(), ".txt"):
			data, err := fs.ReadFile(fsys, name)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", name, err)
			}
			for _, l := range strings.Split(string(data), "\n") {
				if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
					s.vendors[l] = true
				}
			}
			continue
		case !strings.HasSuffix(e.Name(), ".yaml") && !strings.HasSuffix(e.Name(), ".yml"):
			continue
		}
		if err := s.loadFile(fsys, name, ids); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s.indexNeedles(), nil
}

func (s *Set) loadFile(fsys fs.FS, name string, ids map[string]string) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	var f file
	if err := yaml.UnmarshalWithOptions(data, &f, yaml.Strict()); err != nil {
		return fmt.Errorf("%s: %s", name, yaml.FormatError(err, false, false))
	}
	if f.Key == "" {
		return fmt.Errorf("%s: key: missing (the observation key the rules apply to)", name)
	}
	var errs []error
	ast, _ := parser.ParseBytes(data, 0) // decoding succeeded, so parsing does
	for i, r := range f.Rules {
		r.key, r.file, r.line = f.Key, name, ruleLine(ast, i)
		if err := r.compile(); err != nil {
			errs = append(errs, fmt.Errorf("%s: rules[%d] (%s): %w", r.Location(), i, r.ID, err))
			continue
		}
		if prev, dup := ids[r.ID]; dup {
			errs = append(errs, fmt.Errorf("%s: rules[%d]: id %q already used at %s", r.Location(), i, r.ID, prev))
			continue
		}
		ids[r.ID] = r.Location()
		s.byKey[f.Key] = append(s.byKey[f.Key], r)
	}
	s.files = append(s.files, name)
	return errors.Join(errs...)
}

// ruleLine finds the line of rules[i] in a parsed rule file, 0 when unknown.
func ruleLine(f *ast.File, i int) int {
	p, err := yaml.PathString(fmt.Sprintf("$.rules[%d]", i))
	if err != nil || f == nil {
		return 0
	}
	n, err := p.FilterFile(f)
	if err != nil || n == nil || n.GetToken() == nil {
		return 0
	}
	return n.GetToken().Position.Line
}

// Overlay returns a set in which user's rules are tried before s's rules for
// the same key, so a user can refine or correct a built-in rule.
func (s *Set) Overlay(user *Set) *Set {
	out := &Set{version: s.version + "+" + user.version, byKey: map[string][]*Rule{}, vendors: map[string]bool{}}
	for k, rs := range s.byKey {
		out.byKey[k] = append(append([]*Rule(nil), user.byKey[k]...), rs...)
	}
	for k, rs := range user.byKey {
		if _, ok := s.byKey[k]; !ok {
			out.byKey[k] = rs
		}
	}
	for v := range s.vendors {
		out.vendors[v] = true
	}
	for v := range user.vendors {
		out.vendors[v] = true
	}
	out.files = append(append(out.files, user.files...), s.files...)
	return out.indexNeedles()
}

// Vendors returns the vendor vocabulary, sorted.
func (s *Set) Vendors() []string {
	out := make([]string, 0, len(s.vendors))
	for v := range s.vendors {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// Version identifies the rules, for reproducible identifications.
func (s *Set) Version() string { return s.version }

// Keys lists the observation keys that have rules, sorted.
func (s *Set) Keys() []string {
	keys := make([]string, 0, len(s.byKey))
	for k := range s.byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Rules returns the rules of key in match order.
func (s *Set) Rules(key string) []*Rule { return s.byKey[key] }

// Len is the number of rules.
func (s *Set) Len() int {
	n := 0
	for _, rs := range s.byKey {
		n += len(rs)
	}
	return n
}

// Match returns what the first matching rule for key says about value.
// Rules are tried in file order, so put specific rules before general ones;
// Test reports an example that an earlier rule answers (shadowing).
func (s *Set) Match(key, value, path string) (Result, bool) {
	rules := s.byKey[key]
	if len(rules) == 0 {
		return Result{}, false
	}
	lower := "" // lower-cased on first need
	// One pass over the value finds which literal sets it hits; a rule
	// whose sets are not all hit cannot match and its expression is skipped.
	x := s.index[key]
	var hits hitSet
	if x != nil {
		x.hits(value, &lower, &hits)
	}
	for i, r := range rules {
		if x != nil && !x.passes(i, r, &hits) || x == nil && !mayMatch(r.needles, value, &lower) {
			continue
		}
		if res, ok := r.apply(value, path); ok {
			return res, true
		}
	}
	return Result{}, false
}
