package useragent

import (
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode/utf8"
)

// uap-core bounds its repetitions ("[^;]{1,100}", ".{0,200}") against
// hostile inputs. Go compiles x{1,100} into 100 copies of x, which makes the
// program too big for Go's fast backtracking engine; the generic Android
// rule then costs ~10 µs per UA. Yet on an input where no run of characters
// x can match is longer than the bound, x{n,m} and x{n,} are the same
// regex: every way to match iterates x at most (run length) times, so both
// explore the same match paths in the same order and return the same match
// and submatches. So a rule lists its repetitions of a single-character
// class with a large bound, and for each input runs the variant of its regex
// with those repetitions unbounded whose bound the input keeps to.

// minUnbound is the smallest bound worth rewriting; smaller ones cost little.
const minUnbound = 16

// maxUnbound is the most repetitions of a regex considered, so that a rule
// has at most 1<<maxUnbound variants.
const maxUnbound = 4

// runBound requires the longest run of bytes that may be in class to be at
// most max.
type runBound struct {
	class asciiSet // bytes that may belong to the class; all ≥ 0x80 may
	max   int
}

// asciiSet is a set of bytes; bytes ≥ 0x80 are always in it, as they may
// start a rune of any class.
type asciiSet [2]uint64

func (s *asciiSet) has(c byte) bool { return c >= 0x80 || s[c>>6]&(1<<(c&63)) != 0 }

// repeats returns the repetitions of expr (parsed as re) that a variant may
// unbound, in the order of the text, or nil when there are none, too many,
// or the text and tree disagree on them.
func repeats(expr string, re *syntax.Regexp) []runBound {
	bounds := unboundTree(re, ^uint(0))
	if len(bounds) == 0 || len(bounds) > maxUnbound || variant(expr, bounds, 1<<len(bounds)-1) == "" {
		return nil
	}
	return bounds
}

// unboundTree unbounds, in re, the repetitions whose bit is set in mask
// (numbered in a left-to-right walk), and returns all it could unbound.
func unboundTree(re *syntax.Regexp, mask uint) []runBound {
	var bounds []runBound
	var walk func(re *syntax.Regexp)
	walk = func(re *syntax.Regexp) {
		if re.Op == syntax.OpRepeat && re.Max >= minUnbound {
			if class, ok := singleRune(re.Sub[0]); ok {
				bounds = append(bounds, runBound{class, re.Max})
				if mask&(1<<(len(bounds)-1)) != 0 {
					re.Max = -1
				}
			}
		}
		for _, sub := range re.Sub {
			walk(sub)
		}
	}
	walk(re)
	return bounds
}

// variant returns the text of expr with the repetitions of mask unbounded,
// or "" when the text rewrite (syntax.Regexp.String is slow) does not give
// the rewritten tree, or expr does not parse.
func variant(expr string, bounds []runBound, mask uint) string {
	text := rewriteRepeats(expr, mask)
	want, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return ""
	}
	unboundTree(want, mask)
	if got, err := syntax.Parse(text, syntax.Perl); err != nil || !got.Equal(want) {
		return ""
	}
	return text
}

// maskWithin returns the mask of the bounds in keeps to.
func maskWithin(bounds []runBound, in string) uint {
	var mask uint
	for i := range bounds {
		if bounds[i].within(in) {
			mask |= 1 << i
		}
	}
	return mask
}

// singleRune reports whether re matches exactly one character, and which
// bytes may be part of such a character.
func singleRune(re *syntax.Regexp) (asciiSet, bool) {
	var s asciiSet
	add := func(lo, hi rune) {
		for r := max(lo, 0); r <= min(hi, 0x7f); r++ {
			s[r>>6] |= 1 << (r & 63)
		}
	}
	switch re.Op {
	case syntax.OpAnyChar:
		add(0, 0x7f)
	case syntax.OpAnyCharNotNL:
		add(0, '\n'-1)
		add('\n'+1, 0x7f)
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			add(re.Rune[i], re.Rune[i+1])
		}
	case syntax.OpLiteral:
		if len(re.Rune) != 1 {
			return s, false
		}
		if re.Flags&syntax.FoldCase != 0 {
			add(0, 0x7f) // every case variant; precision does not matter here
		} else {
			add(re.Rune[0], re.Rune[0])
		}
	case syntax.OpCapture:
		return singleRune(re.Sub[0])
	default:
		return s, false
	}
	return s, true
}

// within reports whether no run of bytes of ua in b.class is longer than
// b.max.
func (b *runBound) within(ua string) bool {
	if len(ua) <= b.max {
		return true
	}
	run := 0
	for i := 0; i < len(ua); i++ {
		if !b.class.has(ua[i]) {
			run = 0
		} else if run++; run > b.max {
			return false
		}
	}
	return true
}

var repeatRe = regexp.MustCompile(`^\{(\d+),(\d+)\}`)

// rewriteRepeats turns the "{n,m}" with m ≥ minUnbound that follow a
// one-character atom (a literal, ".", an escape or a class) into "{n,}",
// those whose bit is set in mask, numbered in order. It only has to be right
// where it matters: variant checks the result.
func rewriteRepeats(expr string, mask uint) string {
	var b strings.Builder
	single := false // the last atom matches one character
	seen := 0       // repetitions seen
	for i := 0; i < len(expr); {
		c, n := expr[i], 1
		atom := true
		switch c {
		case '\\':
			n = 2
			if i+2 < len(expr) && strings.IndexByte("pPx", expr[i+1]) >= 0 && expr[i+2] == '{' {
				n = strings.IndexByte(expr[i:], '}') + 1
			} else if i+1 < len(expr) && expr[i+1] == 'Q' {
				return expr // quoted text: not worth parsing
			}
		case '[':
			n = classLen(expr[i:])
		case '(', ')', '|', '*', '+', '?', '^', '$':
			atom = false
		case '{':
			if m := repeatRe.FindStringSubmatch(expr[i:]); m != nil {
				hi, err := strconv.Atoi(m[2])
				switch {
				case err != nil || !single || hi < minUnbound:
					b.WriteString(m[0])
				case mask&(1<<seen) != 0:
					b.WriteString("{" + m[1] + ",}")
					seen++
				default:
					b.WriteString(m[0])
					seen++
				}
				i += len(m[0])
				single = false
				continue
			}
		default:
			_, n = utf8.DecodeRuneInString(expr[i:])
		}
		if n <= 0 || i+n > len(expr) {
			return expr
		}
		b.WriteString(expr[i : i+n])
		i += n
		single = atom
	}
	return b.String()
}

// classLen returns the length of the character class at the start of s,
// or 0 when it does not end.
func classLen(s string) int {
	i := 1
	if i < len(s) && s[i] == '^' {
		i++
	}
	if i < len(s) && s[i] == ']' {
		i++
	}
	for i < len(s) {
		switch {
		case s[i] == '\\':
			i += 2
		case strings.HasPrefix(s[i:], "[:"):
			if j := strings.Index(s[i:], ":]"); j >= 0 {
				i += j + 2
			} else {
				i++
			}
		case s[i] == ']':
			return i + 1
		default:
			i++
		}
	}
	return 0
}
