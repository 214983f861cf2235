package useragent

import (
	"regexp/syntax"
	"strings"
)

// Some uap-core rules only classify: their replacements are constants, such
// as the crawler rule "^.{0,100}(bot|BUbiNG|zao|…|RecipeRadar)" → Spider.
// For those, what matters is whether the regex matches, not where, and a
// regex with an alternation matches exactly when one of the regexes made by
// choosing one alternative does: P(A|B)Q matches iff PAQ or PBQ does. Such a
// rule is split into those branches, each with its own prefilter, because
// the whole can be very slow: the crawler rule's ~150 case-insensitive
// alternatives compile to a program too large for Go's backtracker, and its
// NFA takes 100-400 µs on every UA that mentions "bot".

// maxBranches bounds the branches a rule is split into.
const maxBranches = 256

// minBranches is the fewest branches worth splitting into: each branch that
// passes its prefilter costs a regex call.
const minBranches = 16

// constantRepl reports whether no replacement refers to a submatch, so that
// only whether the regex matches matters.
func constantRepl(repl []string) bool {
	for _, r := range repl {
		if strings.Contains(r, "$") {
			return false
		}
	}
	return true
}

// branches returns the texts of the regexes that match, between them,
// exactly the strings re matches, one per choice of alternatives; nil when
// there is only one.
func branches(re *syntax.Regexp) []string {
	alts := alternatives(re, maxBranches)
	if len(alts) < minBranches {
		return nil
	}
	out := make([]string, len(alts))
	for i, a := range alts {
		out[i] = a.String()
	}
	return out
}

// alternatives returns regexes, at most limit unless re itself is one, that
// together match what re matches: re with each alternation outside
// repetitions replaced by one of its alternatives.
func alternatives(re *syntax.Regexp, limit int) []*syntax.Regexp {
	switch re.Op {
	case syntax.OpAlternate:
		var out []*syntax.Regexp
		for _, sub := range re.Sub {
			out = append(out, alternatives(sub, limit)...)
			if len(out) > limit {
				return []*syntax.Regexp{re}
			}
		}
		return out
	case syntax.OpCapture:
		subs := alternatives(re.Sub[0], limit)
		out := make([]*syntax.Regexp, len(subs))
		for i, sub := range subs {
			c := *re
			c.Sub = []*syntax.Regexp{sub}
			out[i] = &c
		}
		return out
	case syntax.OpConcat:
		out := [][]*syntax.Regexp{nil}
		for _, child := range re.Sub {
			alts := alternatives(child, limit)
			if len(out)*len(alts) > limit {
				alts = []*syntax.Regexp{child}
			}
			var next [][]*syntax.Regexp
			for _, prefix := range out {
				for _, a := range alts {
					next = append(next, append(prefix[:len(prefix):len(prefix)], a))
				}
			}
			out = next
		}
		res := make([]*syntax.Regexp, len(out))
		for i, subs := range out {
			res[i] = &syntax.Regexp{Op: syntax.OpConcat, Flags: re.Flags, Sub: subs}
		}
		return res
	}
	return []*syntax.Regexp{re}
}
