package useragent

import (
	"regexp/syntax"
	"strings"
)

// uap-core's generic Android rules, which name the model of every Android
// UA no other rule knows (Chrome's reduced "Android 10; K" among them), end
// in a lazy gap and a literal: "…(?: Build|\) AppleWebKit).{1,200}? Mobile
// Safari". Go's backtracker tries the literal after each character of the
// gap, which makes those rules the costliest that match.
//
// A regex X T, T being ".{n,m}" (lazy or not) then a literal L, with no
// submatch in T and no assertion in X about what follows it ($, \b, \B),
// matches on a newline-free ASCII input within T's bound exactly where X
// does on the input cut at LastIndex(L) - n: T can follow a match of X
// ending at e if and only if L occurs at or after e + n, and cutting the
// input there removes exactly the ways of matching X that end too late, so
// X's ways are tried in the same order and the first that succeeds has the
// same submatches. Only the end of the whole match differs, which no
// replacement without $0 uses.

// tailOf returns the text of X and the tail of expr (parsed as re), when
// expr is X T as above and repl does not use the whole match.
func tailOf(expr string, re *syntax.Regexp, repl []string) (head string, t tail, ok bool) {
	if re.Op != syntax.OpConcat || len(re.Sub) < 3 {
		return "", t, false
	}
	for _, r := range repl {
		if strings.Contains(r, "$0") || strings.Contains(r, "${0}") {
			return "", t, false
		}
	}
	n := len(re.Sub)
	gap, lit := re.Sub[n-2], re.Sub[n-1]
	if lit.Op != syntax.OpLiteral || lit.Flags&syntax.FoldCase != 0 || !isASCIIRunes(lit.Rune) ||
		(gap.Op != syntax.OpRepeat && gap.Op != syntax.OpStar && gap.Op != syntax.OpPlus) ||
		gap.Sub[0].Op != syntax.OpAnyCharNotNL {
		return "", t, false
	}
	t = tail{lit: string(lit.Rune), min: 0, max: -1}
	switch gap.Op {
	case syntax.OpPlus:
		t.min = 1
	case syntax.OpRepeat:
		t.min, t.max = gap.Min, gap.Max
	}
	if t.min > 1 {
		return "", t, false
	}
	x := &syntax.Regexp{Op: syntax.OpConcat, Flags: re.Flags, Sub: re.Sub[:n-2]}
	if looksRight(x) {
		return "", t, false
	}
	// Find where X's text ends (syntax.Regexp.String is slow), and check it.
	tailTree := &syntax.Regexp{Op: syntax.OpConcat, Flags: re.Flags, Sub: re.Sub[n-2:]}
	for cut := strings.LastIndexByte(expr, '.'); cut > 0; cut = strings.LastIndexByte(expr[:cut], '.') {
		flags := ""
		if strings.HasPrefix(expr, "(?") {
			flags = expr[:strings.IndexByte(expr, ')')+1]
		}
		h, err1 := syntax.Parse(expr[:cut], syntax.Perl)
		tl, err2 := syntax.Parse(flags+expr[cut:], syntax.Perl)
		if err1 == nil && err2 == nil && h.Equal(simplifyConcat(x)) && tl.Equal(tailTree) {
			return expr[:cut], t, true
		}
	}
	return "", t, false
}

// tail is the ".{min,max}" then literal ending a regex; max < 0: unbounded.
type tail struct {
	lit      string
	min, max int
}

// cut returns the length to cut ua to, or false when the rule cannot match
// or the input is not one the transformation holds for.
func (t *tail) cut(in *subject) (n int, ok, applies bool) {
	if !in.ascii || (t.max >= 0 && len(in.ua) > t.max) || strings.IndexByte(in.ua, '\n') >= 0 {
		return 0, false, false
	}
	last := strings.LastIndex(in.ua, t.lit)
	if last < t.min {
		return 0, false, true
	}
	return last - t.min, true, true
}

// simplifyConcat returns a concatenation of one regex as that regex, as
// the parser builds it.
func simplifyConcat(re *syntax.Regexp) *syntax.Regexp {
	if len(re.Sub) == 1 {
		return re.Sub[0]
	}
	return re
}

// looksRight reports whether re has an assertion about what follows the
// current position.
func looksRight(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpEndLine, syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	}
	for _, sub := range re.Sub {
		if looksRight(sub) {
			return true
		}
	}
	return false
}

func isASCIIRunes(rs []rune) bool {
	for _, r := range rs {
		if r >= 0x80 {
			return false
		}
	}
	return len(rs) > 0
}
