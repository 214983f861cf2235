package useragent

import (
	"regexp/syntax"
	"slices"
)

// This file derives, from a regular expression, literals that every match
// must contain, so that a regex can be skipped with a substring test instead
// of being run. uap-core has hundreds of device regexes and a UA matches at
// most a few; running them all is what made a cold parse cost ~300 µs.
//
// The analysis over-approximates what a node matches, so whatever it
// requires is truly required: zero-width assertions (^, $, \b) are taken to
// match "", and a node it cannot describe (".", "[^;]", "x*") matches
// anything. It tracks, per node, either the exact finite set of strings it
// matches or sets its matches start with (prefix) and end with (suffix),
// plus factors found inside it, in the manner of Russ Cox's codesearch.
//
// Literals are found through the UA folded by appendFolded: ASCII letters
// lower-cased, and the two non-ASCII runes that Go's case folding maps onto
// ASCII letters (U+212A KELVIN SIGN → k, U+017F LONG S → s) replaced by
// those letters. A literal is ASCII, its case-insensitive letters marked
// (see literal.go), so that a match of the regex always leaves the literal
// in the UA as literal.go tests it. A non-ASCII rune in a regex ends a
// literal, except U+212A and U+017F, which stand for k and s in any case.

const (
	// maxExact bounds the sets of strings the analysis multiplies out
	// ("(A|B)(1|2)" gives {a1, a2, b1, b2}).
	maxExact = 256
	// maxSmallProduct is the largest product of two sets of several
	// strings that is multiplied out: such products grow fast for little
	// selectivity ("; {0,2}" times a list of model codes triples the list).
	maxSmallProduct = 64
)

// factor is a set of literals at least one of which every match contains.
type factor []string

// litInfo is what the analysis knows about the strings a node matches.
type litInfo struct {
	known bool     // the node matches only strings in exact (folded)
	exact []string // when known; may hold ""
	// When !known: every match starts with a string of prefix and ends
	// with one of suffix (nil: nothing known), and satisfies every factor
	// of req.
	prefix, suffix []string
	req            []factor
}

func knownSet(s ...string) litInfo { return litInfo{known: true, exact: s} }

// pre and suf return the strings every match starts or ends with, or nil.
func (li litInfo) pre() []string {
	if li.known {
		return nonTrivial(li.exact)
	}
	return li.prefix
}

func (li litInfo) suf() []string {
	if li.known {
		return nonTrivial(li.exact)
	}
	return li.suffix
}

// nonTrivial returns set, or nil when it is empty or holds "" (which every
// string contains, starts and ends with).
func nonTrivial(set []string) []string {
	if len(set) == 0 || slices.Contains(set, "") {
		return nil
	}
	return set
}

// all returns every factor the node implies.
func (li litInfo) all() []factor {
	fs := slices.Clone(li.req)
	for _, set := range [][]string{li.pre(), li.suf()} {
		if set != nil {
			fs = append(fs, slices.Clone(set))
		}
	}
	return fs
}

func analyse(re *syntax.Regexp) litInfo {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return knownSet("")
	case syntax.OpLiteral:
		info := knownSet("")
		for _, r := range re.Rune {
			next := litInfo{}
			if c, ok := litByte(r, re.Flags&syntax.FoldCase != 0); ok {
				next = knownSet(string([]byte{c}))
			}
			info = concat(info, next)
		}
		return info
	case syntax.OpCharClass:
		return charClass(re.Rune)
	case syntax.OpCapture:
		return analyse(re.Sub[0])
	case syntax.OpQuest:
		return optional(analyse(re.Sub[0]))
	case syntax.OpPlus:
		return atLeastOnce(analyse(re.Sub[0]))
	case syntax.OpRepeat:
		sub := analyse(re.Sub[0])
		switch {
		case sub.known && re.Max >= 0 && re.Max <= 4: // " {0,2}" is {"", " ", "  "}
			info := knownSet("")
			for i := range re.Max {
				if i < re.Min {
					info = concat(info, sub)
				} else {
					info = concat(info, optional(sub))
				}
			}
			return info
		case re.Min == 0:
			return litInfo{}
		}
		return atLeastOnce(sub)
	case syntax.OpConcat:
		info := knownSet("")
		for _, sub := range re.Sub {
			info = concat(info, analyse(sub))
		}
		return info
	case syntax.OpAlternate:
		return alternate(re.Sub)
	}
	// OpAnyChar, OpAnyCharNotNL, OpStar, OpNoMatch: nothing known.
	return litInfo{}
}

// litByte returns the literal byte for rune r of a regex, matched
// case-insensitively when foldCase is set.
func litByte(r rune, foldCase bool) (byte, bool) {
	switch {
	case r == 0x212A: // KELVIN SIGN: appendFolded turns it into k
		return 'k' | anyCase, true
	case r == 0x17F: // LONG S
		return 's' | anyCase, true
	case r >= 0x80:
		return 0, false
	}
	c := byte(r)
	if l := lower(c); foldCase && 'a' <= l && l <= 'z' {
		return l | anyCase, true
	}
	return c, true
}

// charClass turns a small class into a set of one-byte literals; a letter
// present in both cases becomes one case-insensitive byte.
func charClass(ranges []rune) litInfo {
	var in [128]bool
	var set []string
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		if hi-lo >= maxExact {
			return litInfo{}
		}
		for r := lo; r <= hi; r++ {
			c, ok := litByte(r, false)
			if !ok {
				return litInfo{}
			}
			if c&anyCase != 0 {
				set = append(set, string([]byte{c}))
				continue
			}
			in[c] = true
		}
	}
	for c := range byte(128) {
		l := lower(c)
		other := l
		if l == c {
			other = c - 'a' + 'A'
		}
		switch {
		case !in[c]:
		case 'a' <= l && l <= 'z' && in[other]:
			if l == c { // the pair once, from its lower-case letter
				set = append(set, string([]byte{l | anyCase}))
			}
		default:
			set = append(set, string([]byte{c}))
		}
	}
	set = slices.Compact(slices.Sorted(slices.Values(set)))
	if len(set) == 0 {
		return litInfo{}
	}
	return knownSet(set...)
}

func optional(sub litInfo) litInfo {
	if !sub.known || len(sub.exact) >= maxExact {
		return litInfo{}
	}
	if slices.Contains(sub.exact, "") {
		return sub
	}
	return knownSet(append(slices.Clone(sub.exact), "")...)
}

// atLeastOnce is the analysis of sub repeated one or more times.
func atLeastOnce(sub litInfo) litInfo {
	return litInfo{prefix: sub.pre(), suffix: sub.suf(), req: sub.all()}
}

// product multiplies two sets out, when concat's size policy allows.
func product(a, b []string) ([]string, bool) {
	n := len(a) * len(b)
	if n > maxExact || (n > maxSmallProduct && len(a) > 1 && len(b) > 1) {
		return nil, false
	}
	out := make([]string, 0, n)
	for _, x := range a {
		for _, y := range b {
			if s := x + y; !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out, true
}

// concat is the analysis of a followed by b.
func concat(a, b litInfo) litInfo {
	if a.known && b.known {
		if p, ok := product(a.exact, b.exact); ok {
			return knownSet(p...)
		}
	}
	out := litInfo{prefix: a.pre(), suffix: b.suf(), req: append(a.all(), b.all()...)}
	if a.known { // "me" then (17…|3…) starts with {me17, me3}
		if p, ok := product(a.exact, b.pre()); ok && b.pre() != nil {
			out.prefix = nonTrivial(p)
		}
	}
	if b.known {
		if p, ok := product(a.suf(), b.exact); ok && a.suf() != nil {
			out.suffix = nonTrivial(p)
		}
	}
	if as, bp := a.suf(), b.pre(); as != nil && bp != nil { // the junction
		if p, ok := product(as, bp); ok {
			out.req = append(out.req, p)
		}
	}
	return out
}

// alternate is the analysis of an alternation: the union of the branches'
// sets when all are known and small; else the union of their prefixes and
// of their suffixes, and one factor made of each branch's most selective
// factor — when every branch has one.
func alternate(subs []*syntax.Regexp) litInfo {
	infos := make([]litInfo, len(subs))
	allKnown, n := true, 0
	for i, sub := range subs {
		infos[i] = analyse(sub)
		allKnown = allKnown && infos[i].known
		n += len(infos[i].exact)
	}
	if allKnown && n <= maxExact {
		var out []string
		for _, info := range infos {
			for _, s := range info.exact {
				if !slices.Contains(out, s) {
					out = append(out, s)
				}
			}
		}
		return knownSet(out...)
	}
	union := func(part func(litInfo) []string) []string {
		var out []string
		for _, info := range infos {
			set := part(info)
			if set == nil {
				return nil
			}
			out = append(out, set...)
		}
		return out
	}
	out := litInfo{prefix: union(litInfo.pre), suffix: union(litInfo.suf)}
	if best := union(func(info litInfo) []string {
		if fs := rankFactors(info.all()); len(fs) > 0 {
			return fs[0]
		}
		return nil
	}); best != nil {
		out.req = []factor{best}
	}
	return out
}
