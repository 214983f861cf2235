package fingerprint

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// requiredLiteral finds a literal string that every match of expr contains,
// so that matching can skip the regular expression for most values with one
// strings.Contains. fold reports that the literal is case-insensitive (then
// lit is lower case and is searched in the lower-cased value).
func requiredLiteral(expr string) (lit string, fold bool) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return "", false
	}
	best, bestFold := "", false
	var walk func(re *syntax.Regexp)
	walk = func(re *syntax.Regexp) {
		switch re.Op {
		case syntax.OpCapture:
			walk(re.Sub[0])
		case syntax.OpConcat:
			for _, s := range re.Sub {
				walk(s)
			}
		case syntax.OpPlus:
			walk(re.Sub[0]) // at least once
		case syntax.OpRepeat:
			if re.Min >= 1 {
				walk(re.Sub[0])
			}
		case syntax.OpLiteral:
			s := string(re.Rune)
			f := re.Flags&syntax.FoldCase != 0
			if f {
				s = strings.ToLower(s)
				// Folding beyond ASCII (e.g. the Kelvin sign) is not what
				// ToLower does; keep only ASCII literals when folding.
				for _, r := range s {
					if r >= utf8.RuneSelf {
						return
					}
				}
			}
			if len(s) > len(best) {
				best, bestFold = s, f
			}
		}
	}
	walk(re)
	if len(best) < 2 {
		return "", false
	}
	return best, bestFold
}
