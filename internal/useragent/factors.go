package useragent

import (
	"regexp/syntax"
	"slices"
	"strings"
)

// This file turns the analysis of prefilter.go into what rules use: the
// factors to scan for, and the literals a match starts with.

// requiredFactors returns the factors every match of re satisfies, each
// minimal and distinct. An empty result means no prefilter: the regex must
// always be run.
func requiredFactors(re *syntax.Regexp) []factor { return analyse(re).factors() }

// factors returns the factors the node implies, each minimal and distinct.
func (li litInfo) factors() []factor {
	var out []factor
	for _, f := range li.all() {
		if f = minimal(compress(minimal(f))); len(f) > 0 && !slices.ContainsFunc(out, func(g factor) bool { return slices.Equal(f, g) }) {
			out = append(out, f)
		}
	}
	return out
}

// compress replaces each group of more than maxGroup literals of f that
// differ only in their last (or first) maxDiff bytes by the text they all
// share, when that is at least minShared bytes: "iphone0" … "iphone9" by
// "iphone". A shorter literal is weaker, so the factor stays true; it saves
// the scanner from testing many literals for a byte of selectivity.
func compress(f factor) factor {
	const maxGroup, maxDiff, minShared = 4, 2, 3
	for _, fromEnd := range []bool{false, true} {
		groups := make(map[string][]string)
		var order []string
		key := func(s string) string {
			if len(s) < minShared+maxDiff {
				return s // its own group
			}
			if fromEnd {
				return s[maxDiff:]
			}
			return s[:len(s)-maxDiff]
		}
		for _, s := range f {
			k := key(s)
			if groups[k] == nil {
				order = append(order, k)
			}
			groups[k] = append(groups[k], s)
		}
		var out factor
		for _, k := range order {
			g := groups[k]
			if len(g) <= maxGroup {
				out = append(out, g...)
				continue
			}
			shared := g[0]
			for _, s := range g[1:] {
				if fromEnd {
					for !strings.HasSuffix(s, shared) {
						shared = shared[1:]
					}
				} else {
					for !strings.HasPrefix(s, shared) {
						shared = shared[:len(shared)-1]
					}
				}
			}
			out = append(out, shared)
		}
		f = out
	}
	return f
}

// starts returns the literals (see literal.go) one of which every match of re,
// analysed as li, starts with; nil when they are unknown, more than
// maxStarts, or re looks left of a match's start (^, \b, \B), so that
// matching a suffix of the input would not be the same.
func (li litInfo) starts(re *syntax.Regexp) []string {
	if looksLeft(re) {
		return nil
	}
	pre := slices.Clone(li.pre())
	// A prefix of a start is a start too: shorten them until few are left.
	for n := maxLen(pre); n > 0; n-- {
		var out []string
		for _, s := range pre {
			s = s[:min(n, len(s))]
			if !slices.ContainsFunc(out, func(t string) bool { return litHasPrefix(s, t) }) {
				out = slices.DeleteFunc(out, func(t string) bool { return litHasPrefix(t, s) })
				out = append(out, s)
			}
		}
		if len(out) <= maxStarts {
			return out
		}
	}
	return nil
}

func maxLen(set []string) int {
	n := 0
	for _, s := range set {
		n = max(n, len(s))
	}
	return n
}

// maxStarts bounds the literals searched for to find where matches start.
const maxStarts = 8

// looksLeft reports whether re has an assertion about what precedes the
// current position.
func looksLeft(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginLine, syntax.OpBeginText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	}
	return slices.ContainsFunc(re.Sub, looksLeft)
}

// minimal drops from f each literal that contains another of f's literals:
// a UA holding "; a100" holds ";", so ";" alone decides the factor.
func minimal(f factor) factor {
	f = slices.Clone(f)
	slices.SortFunc(f, func(a, b string) int { return len(a) - len(b) })
	var out factor
	for _, s := range f {
		if !slices.ContainsFunc(out, func(t string) bool { return litContains(s, t) }) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}
