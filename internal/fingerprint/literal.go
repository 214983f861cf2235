package fingerprint

import (
	"regexp/syntax"
	"sort"
	"strings"
	"unicode/utf8"
)

// needle is a literal one of which every match of a rule contains. fold
// means it is lower case and is searched in the lower-cased value.
type needle struct {
	s    string
	fold bool
}

// requiredLiterals finds sets of literals such that every match of expr
// contains at least one literal of each set, so matching can skip the
// regular expression for most values with a few strings.Contains:
// (?i)\bHuawei[- ]?3Com\b needs both "huawei" and "3com". It returns nil
// when it finds none (then the expression always runs).
func requiredLiterals(expr string) [][]needle {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	var sets [][]needle
	for _, set := range conjunction(re) {
		if minLen(set) >= 2 {
			sets = append(sets, set)
		}
	}
	// Longest first: the most selective test runs first. A set implied by
	// a kept one (every needle of the kept set contains one of its needles)
	// adds nothing.
	sort.SliceStable(sets, func(i, j int) bool { return better(sets[i], sets[j]) })
	var out [][]needle
	for _, set := range sets {
		implied := false
		for _, kept := range out {
			implied = implied || implies(kept, set)
		}
		// Later sets are tested only on values that passed the earlier
		// ones, so even a wide set pays: the model part of the VRP switch
		// rule ({S0..S9, CE0..}) turns away router descriptions before
		// the expression runs. The bound keeps a pathological rule cheap.
		extra := len(out) > 0
		if !implied && len(out) < maxSets && (!extra || len(set) <= 32) {
			out = append(out, set)
		}
	}
	return out
}

// maxSets bounds the literal sets tested per rule.
const maxSets = 3

// conjunction returns literal sets that every match of re must hit, one
// from each required part of it.
func conjunction(re *syntax.Regexp) [][]needle {
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return conjunction(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return conjunction(re.Sub[0])
		}
		return nil
	case syntax.OpConcat:
		var all [][]needle
		for _, sub := range re.Sub {
			all = append(all, conjunction(sub)...)
		}
		if set, ok := literalSet(re); ok {
			all = append(all, set)
		}
		return all
	}
	if set, ok := literalSet(re); ok {
		return [][]needle{set}
	}
	return nil
}

// implies reports whether a hit of set a guarantees a hit of set b.
func implies(a, b []needle) bool {
	for _, x := range a {
		found := false
		for _, y := range b {
			switch {
			case !x.fold && !y.fold:
				found = found || strings.Contains(x.s, y.s)
			case y.fold:
				// x in the value (or, folded, in the lower-cased value)
				// puts lower(x) in the lower-cased value.
				found = found || strings.Contains(strings.ToLower(x.s), y.s)
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// literalSet returns a set of literals one of which every match of re
// contains; ok is false when there is no such set.
func literalSet(re *syntax.Regexp) ([]needle, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		s := string(re.Rune)
		fold := re.Flags&syntax.FoldCase != 0
		if fold {
			s = strings.ToLower(s)
			// Case folding beyond ASCII (e.g. the Kelvin sign) is not what
			// strings.ToLower does; do not rely on it.
			for _, r := range s {
				if r >= utf8.RuneSelf {
					return nil, false
				}
			}
		}
		return []needle{{s, fold}}, true
	case syntax.OpCharClass:
		// A small class is an alternation of one-rune literals: [GNS],
		// [56]. Joined with its neighbours it lengthens their needles.
		return classSet(re)
	case syntax.OpCapture, syntax.OpPlus:
		return literalSet(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return literalSet(re.Sub[0])
		}
	case syntax.OpConcat:
		// Adjacent children that are exact literal sets (a literal, or an
		// alternation of literals) join into longer needles: (?:HG|EG)8
		// gives {HG8, EG8}. Empty-width assertions (\b, ^) do not break a
		// run; any other child ends it, after lending the literals its
		// matches start with: H(?:P|ewlett) gives {HP, Hewlett}.
		var best, run []needle
		consider := func(set []needle) {
			if set != nil && better(set, best) {
				best = set
			}
		}
		for _, sub := range re.Sub {
			if emptyWidth(sub) {
				continue
			}
			set, ok := literalSet(sub)
			if ok {
				consider(set)
			}
			if exact(sub) && ok {
				run = join(run, set)
				consider(run)
				continue
			}
			if run != nil {
				if pre, ok := prefixSet(sub); ok {
					consider(join(run, pre))
				}
			}
			run = nil
		}
		return best, best != nil
	case syntax.OpAlternate:
		var all []needle
		for _, sub := range re.Sub {
			set, ok := literalSet(sub)
			if !ok {
				return nil, false
			}
			all = append(all, set...)
		}
		return all, len(all) > 0
	}
	return nil, false
}

// prefixSet returns literals one of which every match of re starts with.
func prefixSet(re *syntax.Regexp) ([]needle, bool) {
	switch re.Op {
	case syntax.OpLiteral, syntax.OpCharClass:
		return literalSet(re)
	case syntax.OpCapture, syntax.OpPlus:
		return prefixSet(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return prefixSet(re.Sub[0])
		}
	case syntax.OpConcat:
		var run []needle
		for _, sub := range re.Sub {
			if emptyWidth(sub) {
				continue
			}
			set, ok := literalSet(sub)
			if ok && exact(sub) {
				if run = join(run, set); run == nil {
					return nil, false
				}
				continue
			}
			if pre, ok := prefixSet(sub); ok {
				if joined := join(run, pre); joined != nil {
					return joined, true
				}
			}
			break
		}
		return run, run != nil
	case syntax.OpAlternate:
		var all []needle
		for _, sub := range re.Sub {
			set, ok := prefixSet(sub)
			if !ok {
				return nil, false
			}
			all = append(all, set...)
		}
		return all, len(all) > 0
	}
	return nil, false
}

// emptyWidth reports whether re matches only the empty string (\b, ^, $).
func emptyWidth(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpEmptyMatch:
		return true
	}
	return false
}

// exact reports whether re matches exactly the strings of its literal set
// (a literal, or an alternation or capture of literals), so that it can be
// joined with its neighbours.
func exact(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpLiteral:
		return true
	case syntax.OpCharClass:
		_, ok := classSet(re)
		return ok
	case syntax.OpCapture:
		return exact(re.Sub[0])
	case syntax.OpAlternate, syntax.OpConcat:
		for _, s := range re.Sub {
			if !exact(s) {
				return false
			}
		}
		return true
	}
	return false
}

// maxNeedles bounds a joined set: every needle is one more strings.Contains
// for each value, so {HG8, EG8} beats forty {HG80...HS89}.
const maxNeedles = 16

// maxClass is the largest character class taken as a set of literals.
const maxClass = 10

// classSet expands a small ASCII character class into one-rune needles.
func classSet(re *syntax.Regexp) ([]needle, bool) {
	var set []needle
	for i := 0; i+1 < len(re.Rune); i += 2 {
		lo, hi := re.Rune[i], re.Rune[i+1]
		if hi >= utf8.RuneSelf || int(hi-lo)+1+len(set) > maxClass {
			return nil, false
		}
		for r := lo; r <= hi; r++ {
			set = append(set, needle{s: string(r)})
		}
	}
	return set, len(set) > 0
}

// join is the cross product of two needle sets (a run continued by a), or
// nil when it would grow past maxNeedles. Joining a case-folded part with a
// case-sensitive one gives folded needles: a literal that must appear also
// appears in the lower-cased value, so the prefilter stays a necessary
// condition, only a little weaker.
func join(run, a []needle) []needle {
	if run == nil {
		return a
	}
	if len(run)*len(a) > maxNeedles {
		return nil
	}
	fold := false
	for _, n := range append(run[:len(run):len(run)], a...) {
		fold = fold || n.fold
	}
	out := make([]needle, 0, len(run)*len(a))
	for _, r := range run {
		for _, n := range a {
			s := r.s + n.s
			if fold {
				s = strings.ToLower(s)
			}
			out = append(out, needle{s, fold})
		}
	}
	return out
}

// better prefers the set whose shortest literal is longest, then fewer
// literals; once both are four bytes or longer (selective enough), fewer
// literals win, since each costs a strings.Contains per value.
func better(a, b []needle) bool {
	if b == nil {
		return true
	}
	ma, mb := minLen(a), minLen(b)
	if ma != mb && (ma < 4 || mb < 4) {
		return ma > mb
	}
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return ma > mb
}

func minLen(set []needle) int {
	m := -1
	for _, n := range set {
		if m < 0 || len(n.s) < m {
			m = len(n.s)
		}
	}
	return m
}

// mayMatch reports whether value (and its lower-cased form) contains a
// needle of every set; true when there are none.
func mayMatch(sets [][]needle, value string, lower *string) bool {
	for _, set := range sets {
		if !hit(set, value, lower) {
			return false
		}
	}
	return true
}

func hit(needles []needle, value string, lower *string) bool {
	for _, n := range needles {
		hay := value
		if n.fold {
			if *lower == "" {
				*lower = strings.ToLower(value)
			}
			hay = *lower
		}
		if strings.Contains(hay, n.s) {
			return true
		}
	}
	return false
}
