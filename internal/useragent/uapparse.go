package useragent

import (
	"bytes"
	"math/bits"
	"regexp"
	"strings"

	"github.com/ua-parser/uap-go/uaparser"
)

// maxRules bounds the rules a matcher holds, so that a set of candidates
// fits on the stack.
const maxRules = 1024

// parse returns what uap-go's ParseDevice and ParseOs return for the UA.
func (m *uapMatcher) parse(in *input) (uaparser.Device, uaparser.Os) {
	var cand [maxRules / 64]uint64
	m.candidates(in, cand[:])
	return m.parseDevice(in, cand[:]), m.parseOS(in, cand[:])
}

// candidates sets in cand the rules whose first factor the UA satisfies,
// and those without factors.
func (m *uapMatcher) candidates(in *input, cand bitset) {
	copy(cand, m.always)
	for w, word := range in.hit[:(len(m.byFactor)+63)/64] {
		for ; word != 0; word &= word - 1 {
			for _, r := range m.byFactor[w*64+bits.TrailingZeros64(word)] {
				cand.set(r)
			}
		}
	}
}

// match runs, in file order, the candidate rules in [lo, hi) whose factors
// the UA satisfies, and calls found with each match (and the regex that made
// it) until found returns true.
func (m *uapMatcher) match(in *input, cand bitset, lo, hi int, found func(r *uapRule, re *regexp.Regexp, loc []int) bool) {
	for w := lo / 64; w <= (hi-1)/64; w++ {
		word := cand[w]
		if w == lo/64 {
			word &^= 1<<(lo%64) - 1
		}
		for ; word != 0; word &= word - 1 {
			i := w*64 + bits.TrailingZeros64(word)
			if i >= hi {
				return
			}
			r := m.rules[i]
			if !allHit(in.hit[:], r.factors) {
				continue
			}
			if re, loc := r.find(&in.subject, in.hit[:]); loc != nil && found(r, re, loc) {
				return
			}
		}
	}
}

func allHit(hit bitset, factors []int32) bool {
	for _, f := range factors {
		if !hit.has(f) {
			return false
		}
	}
	return true
}

// parseDevice mirrors uaparser.Parser.ParseDevice and deviceParser.Match: a
// match whose family expands to "" does not end the search, but the fields
// it set stay when nothing later matches.
func (m *uapMatcher) parseDevice(in *input, cand bitset) uaparser.Device {
	var d uaparser.Device
	ua := in.ua
	m.match(in, cand, 0, m.ndevice, func(r *uapRule, re *regexp.Regexp, loc []int) bool {
		e := func(i int) string { return strings.TrimSpace(expand(re, r.repl[i], ua, loc)) }
		d = uaparser.Device{Family: e(0), Brand: e(1), Model: e(2)}
		return d.Family != ""
	})
	if d.Family == "" {
		d.Family = "Other"
	}
	return d
}

// parseOS mirrors uaparser.Parser.ParseOs and osParser.Match (no trimming).
func (m *uapMatcher) parseOS(in *input, cand bitset) uaparser.Os {
	var o uaparser.Os
	m.match(in, cand, m.ndevice, len(m.rules), func(r *uapRule, re *regexp.Regexp, loc []int) bool {
		o = osOf(r, re, in.ua, loc)
		return o.Family != ""
	})
	if o.Family == "" {
		o.Family = "Other"
	}
	return o
}

// osOf is osParser.Match: the OS named by rule r's match loc of re in ua.
func osOf(r *uapRule, re *regexp.Regexp, ua string, loc []int) uaparser.Os {
	e := func(i int) string { return expand(re, r.repl[i], ua, loc) }
	return uaparser.Os{Family: e(0), Major: e(1), Minor: e(2), Patch: e(3), PatchMinor: e(4)}
}

// expand is string(re.ExpandString(nil, template, ua, loc)) without copying
// for the templates uap-core mostly has: a constant, or "$1".."$9" alone
// (one digit: "$12" would name group 12). The result may share ua's
// memory; Parser.remember copies what it keeps.
func expand(re *regexp.Regexp, template, ua string, loc []int) string {
	switch {
	case !strings.Contains(template, "$"):
		return template
	case len(template) == 2 && '1' <= template[1] && template[1] <= '9':
		i := 2 * int(template[1]-'0')
		if i+1 < len(loc) && loc[i] >= 0 {
			return ua[loc[i]:loc[i+1]]
		}
		return ""
	}
	return string(re.ExpandString(nil, template, ua, loc))
}

// find returns the regex's leftmost-first match in the UA as
// FindStringSubmatchIndex does, and the regex whose match it is (for
// ExpandString); loc is nil when there is none. For a rule with branches,
// it returns some match, which is all its constant replacements need.
func (r *uapRule) find(in *subject, hit bitset) (re *regexp.Regexp, loc []int) {
	if r.branches != nil {
		for _, b := range r.branches {
			if allHit(hit, b.factors) {
				if re, loc := b.find(in, hit); loc != nil {
					return re, loc
				}
			}
		}
		return nil, nil
	}
	if r.head != nil {
		if n, ok, applies := r.tail.cut(in); applies {
			if !ok {
				return nil, nil
			}
			cut := subject{ua: in.ua[:n], folded: in.folded[:n], aligned: in.aligned, ascii: in.ascii}
			return r.head.find(&cut, hit)
		}
	}
	ua := in.ua
	if r.starts == nil || !in.aligned { // offsets differ after U+212A, U+017F
		v := r.variant(maskWithin(r.repeats, ua))
		return v.re, v.re.FindStringSubmatchIndex(ua)
	}
	var buf [16]int
	at, ok := r.startPositions(in, buf[:0])
	if !ok { // too many: let the regex search
		v := r.variant(maskWithin(r.repeats, ua))
		return v.re, v.re.FindStringSubmatchIndex(ua)
	}
	if len(at) == 0 {
		return nil, nil
	}
	// Runs in ua[p:] for a later p are no longer than in ua[at[0]:].
	v := r.variant(maskWithin(r.repeats, ua[at[0]:]))
	for _, p := range at {
		if loc := v.anchored.FindStringSubmatchIndex(ua[p:]); loc != nil {
			for i := range loc {
				if loc[i] >= 0 {
					loc[i] += p
				}
			}
			return v.re, loc
		}
	}
	return v.re, nil
}

// startPositions appends to at, in increasing order, the positions where
// one of the rule's starts occurs; false when they are more than cap(at).
// It looks for the starts' first bytes, which they mostly share (";"), once.
func (r *uapRule) startPositions(in *subject, at []int) ([]int, bool) {
	for i := 0; i < len(in.folded); i++ {
		j := bytes.IndexAny(in.folded[i:], r.startBytes)
		if j < 0 {
			break
		}
		i += j
		for k, low := range r.startsLow {
			if low[0] == in.folded[i] && hasPrefix(in.folded[i:], low) && in.exactAt(r.starts[k], i) {
				if len(at) == cap(at) {
					return at, false
				}
				at = append(at, i)
				break
			}
		}
	}
	return at, true
}
