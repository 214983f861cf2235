package fingerprint

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// needle is a literal one of which every match of a rule contains. fold
// means it is lower case and is searched in the lower-cased value.
type needle struct {
	s    string
	fold bool
}

// requiredLiterals finds literals such that every match of expr contains at
// least one of them, so matching can skip the regular expression for most
// values with a few strings.Contains. It returns nil when it finds none
// (then the expression always runs).
func requiredLiterals(expr string) []needle {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	set, ok := literalSet(re)
	if !ok || minLen(set) < 2 {
		return nil
	}
	return set
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
	case syntax.OpCapture, syntax.OpPlus:
		return literalSet(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return literalSet(re.Sub[0])
		}
	case syntax.OpConcat:
		// Adjacent children that are exact literal sets (a literal, or an
		// alternation of literals) join into longer needles: (?:HG|EG)8
		// gives {HG8, EG8}. Any other child ends the run.
		var best, run []needle
		for _, sub := range re.Sub {
			set, ok := literalSet(sub)
			if ok && better(set, best) {
				best = set
			}
			if exact(sub) && ok {
				run = join(run, set)
				if run != nil && better(run, best) {
					best = run
				}
				continue
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

// exact reports whether re matches exactly the strings of its literal set
// (a literal, or an alternation or capture of literals), so that it can be
// joined with its neighbours.
func exact(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpLiteral:
		return true
	case syntax.OpCapture:
		return exact(re.Sub[0])
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if !exact(s) {
				return false
			}
		}
		return true
	}
	return false
}

// join is the cross product of two needle sets (a run continued by a), or
// nil when it would grow past 64 needles or mix case-folding.
func join(run, a []needle) []needle {
	if run == nil {
		return a
	}
	if len(run)*len(a) > 64 {
		return nil
	}
	out := make([]needle, 0, len(run)*len(a))
	for _, r := range run {
		for _, n := range a {
			if r.fold != n.fold {
				return nil
			}
			out = append(out, needle{r.s + n.s, r.fold})
		}
	}
	return out
}

// better prefers the set whose shortest literal is longest, then fewer
// literals.
func better(a, b []needle) bool {
	if b == nil {
		return true
	}
	if ma, mb := minLen(a), minLen(b); ma != mb {
		return ma > mb
	}
	return len(a) < len(b)
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

// mayMatch reports whether value (and its lower-cased form) contains one of
// the needles; true when there are none.
func mayMatch(needles []needle, value string, lower *string) bool {
	if needles == nil {
		return true
	}
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
