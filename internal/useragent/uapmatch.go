package useragent

import (
	"bytes"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"

	"github.com/ua-parser/uap-go/uaparser"
	"gopkg.in/yaml.v3"
)

// uapMatcher applies uap-core's os_parsers and device_parsers with uap-go's
// semantics — file order, first match wins, uap-go's replacement defaults,
// regexp.ExpandString for $1..$9 — but runs a regex only when the UA holds
// the literals every match of it needs (see prefilter.go). uap-go itself
// runs every regex in turn, which costs hundreds of microseconds per UA.
type uapMatcher struct {
	// rules are the device_parsers, then the os_parsers, each in file
	// order; rules[:ndevice] are the device ones.
	rules   []*uapRule
	ndevice int
	// always has the rules without a prefilter, which always run;
	// byFactor[f] the rules whose first factor is f.
	always   bitset
	byFactor [][]int32
}

// uapRule is one uap-core regex.
type uapRule struct {
	// expr is the regex as uap-go compiles it: "(?flags)" + regex.
	expr string
	// repl holds the replacement templates with uap-go's defaults applied:
	// device family, brand, model; or OS family, major, minor, patch,
	// patch-minor.
	repl []string
	// factors must all be satisfied for the regex to be able to match;
	// factors[0] is the one the rule is indexed under.
	factors []int32
	// starts, when set, are the literals one of which every match starts
	// with, and the regex does not look left of its match (see
	// litInfo.starts). The leftmost-first match is then the first match of
	// the regex anchored ("^(?:…)") at one of their occurrences, tried in
	// increasing order: no match can start elsewhere, and what matches at
	// a position depends only on the input from there on. Go cannot skip
	// ahead by itself to a case-insensitive or alternative prefix, and
	// tries such a regex at every position of the UA.
	starts, startsLow []string // startsLow[i] is litLower(starts[i])
	startBytes        string   // the first bytes of startsLow
	// repeats are the long bounded repetitions that a variant of the regex
	// may unbound for an input within their bounds (see unbound.go).
	repeats []runBound
	// variants[mask] is the regex with the repeats of mask unbounded.
	variants []regexVariant
	// branches, when set, are rules that between them match when this one
	// does; its replacements are constants (see branches.go).
	branches []*uapRule
	// head, when set, is the rule without its tail, to run on inputs cut
	// as tail says (see tail.go).
	head *uapRule
	tail tail
}

// regexVariant is one variant of a rule's regex, compiled on first use:
// most rules never pass their prefilter. regexp.Compile fails only where
// syntax.Parse does, and New parsed expr, variant parsed the others, with
// the same flags (syntax.Perl); "^(?:…)" around a regex that parses parses.
type regexVariant struct {
	once     sync.Once
	re       *regexp.Regexp
	anchored *regexp.Regexp // when the rule has starts
}

// variant returns the regex with the repeats of mask unbounded.
func (r *uapRule) variant(mask uint) *regexVariant {
	v := &r.variants[mask]
	v.once.Do(func() {
		text := r.expr
		if mask != 0 {
			if t := variant(r.expr, r.repeats, mask); t != "" {
				text = t
			}
		}
		v.re = regexp.MustCompile(text)
		if r.starts != nil {
			v.anchored = regexp.MustCompile("^(?:" + text + ")")
		}
	})
	return v
}

// uapDefinitions parses uap-go's embedded copy of uap-core's regexes.yaml
// with uap-go's own types and YAML library, so both read the same rules.
func uapDefinitions() (uaparser.RegexDefinitions, error) {
	y := uaparser.DefinitionYaml
	// Only os_parsers and device_parsers are needed: skip the user_agent
	// section (half the file) when it comes first, as it does today.
	if i := bytes.Index(y, []byte("\nos_parsers:")); i >= 0 {
		if j := bytes.Index(y, []byte("\nuser_agent_parsers:")); j < i {
			y = y[i:]
		}
	}
	var def uaparser.RegexDefinitions
	if err := yaml.Unmarshal(y, &def); err != nil {
		return def, fmt.Errorf("parse uap-core regexes: %w", err)
	}
	if len(def.OS) == 0 || len(def.Device) == 0 {
		return def, fmt.Errorf("parse uap-core regexes: %d os and %d device parsers", len(def.OS), len(def.Device))
	}
	return def, nil
}

// withFlags returns a uap-core regex as uap-go compiles it.
func withFlags(expr, flags string) string {
	if flags == "" {
		return expr
	}
	return fmt.Sprintf("(?%s)%s", flags, expr)
}

// newUAPMatcher builds the matcher from uap-go's embedded regexes, adding
// its factors to scan; ids holds the factors scan has, by their literals
// joined with NULs, so that rules share identical factors.
func newUAPMatcher(scan *litScanner, ids map[string]int32) (*uapMatcher, error) {
	def, err := uapDefinitions()
	if err != nil {
		return nil, err
	}
	m := &uapMatcher{}
	add := func(expr, flags string, repl ...string) error {
		r, err := newRule(withFlags(expr, flags), repl, scan, ids)
		if err != nil {
			return err
		}
		m.rules = append(m.rules, r)
		return nil
	}
	for _, d := range def.Device {
		if err := add(d.Expr, d.Flags, or(d.DeviceReplacement, "$1"), d.BrandReplacement, or(d.ModelReplacement, "$1")); err != nil {
			return nil, err
		}
	}
	m.ndevice = len(m.rules)
	for _, d := range def.OS {
		if err := add(d.Expr, d.Flags, or(d.OSReplacement, "$1"), or(d.V1Replacement, "$2"),
			or(d.V2Replacement, "$3"), or(d.V3Replacement, "$4"), or(d.V4Replacement, "$5")); err != nil {
			return nil, err
		}
	}
	m.always = newBitset(len(m.rules))
	m.byFactor = make([][]int32, scan.nfactors)
	for i, r := range m.rules {
		if len(r.factors) == 0 {
			m.always.set(int32(i))
		} else {
			m.byFactor[r.factors[0]] = append(m.byFactor[r.factors[0]], int32(i))
		}
	}
	return m, nil
}

// newRule builds the rule of regex expr (as uap-go compiles it), adding its
// factors to scan; ids is as for newUAPMatcher.
func newRule(expr string, repl []string, scan *litScanner, ids map[string]int32) (*uapRule, error) {
	r := &uapRule{expr: expr, repl: repl}
	tree, err := syntax.Parse(r.expr, syntax.Perl)
	if err != nil {
		return nil, fmt.Errorf("parse uap-core regex %q: %w", r.expr, err)
	}
	info := analyse(tree)
	for _, f := range rankFactors(info.factors()) {
		key := strings.Join(f, "\x00")
		id, ok := ids[key]
		if !ok {
			id = int32(scan.nfactors) // the next unused id
			ids[key] = id
			scan.addFactor(id, f)
		}
		r.factors = append(r.factors, id)
	}
	if repl != nil && constantRepl(repl) {
		for _, text := range branches(tree) {
			b, err := newRule(text, nil, scan, ids)
			if err != nil {
				return nil, err
			}
			r.branches = append(r.branches, b)
		}
		if r.branches != nil {
			return r, nil
		}
	}
	if head, t, ok := tailOf(r.expr, tree, repl); ok {
		htree, err := syntax.Parse(head, syntax.Perl)
		if err != nil { // unreachable: tailOf parsed it
			return nil, fmt.Errorf("parse uap-core regex %q: %w", head, err)
		}
		r.head, r.tail = &uapRule{expr: head}, t
		r.head.prepare(htree, analyse(htree))
	}
	r.prepare(tree, info)
	return r, nil
}

// prepare sets how the rule's regex (parsed as tree, which it rewrites, and
// analysed as info) is run: its starts, and its variants.
func (r *uapRule) prepare(tree *syntax.Regexp, info litInfo) {
	r.starts = info.starts(tree)
	for _, lit := range r.starts {
		low := litLower(lit)
		r.startsLow = append(r.startsLow, low)
		if !strings.Contains(r.startBytes, low[:1]) {
			r.startBytes += low[:1]
		}
	}
	r.repeats = repeats(r.expr, tree) // rewrites tree
	r.variants = make([]regexVariant, 1<<len(r.repeats))
}

// or returns s, or def when s is empty: uap-go's setDefaults.
func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
