package useragent

import (
	"math/rand/v2"
	"regexp/syntax"
	"strings"
	"testing"
	"unicode"
)

// regexSamples returns, for every uap-core OS and device regex, perRegex
// strings generated from it and embedded strings of it placed in an Android
// UA's device slot. Case-insensitive literals get random case and, now and
// then, the non-ASCII runes that fold to k and s, to exercise appendFolded.
func regexSamples(t testing.TB, perRegex, embedded int) []string {
	def, err := uapDefinitions()
	if err != nil {
		t.Fatal(err)
	}
	exprs := make([]string, 0, len(def.OS)+len(def.Device))
	for _, d := range def.OS {
		exprs = append(exprs, withFlags(d.Expr, d.Flags))
	}
	for _, d := range def.Device {
		exprs = append(exprs, withFlags(d.Expr, d.Flags))
	}
	r := rand.New(rand.NewPCG(7, 11))
	var out []string
	for _, expr := range exprs {
		re, err := syntax.Parse(expr, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		for i := range perRegex + embedded {
			var b strings.Builder
			genRegexp(r, re, &b)
			s := b.String()
			if i >= perRegex {
				s = "Mozilla/5.0 (Linux; Android 10; " + s + ") AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36"
			}
			out = append(out, s)
		}
	}
	return out
}

// genRegexp appends to b a random string that re is likely to match.
func genRegexp(r *rand.Rand, re *syntax.Regexp, b *strings.Builder) {
	rep := func(lo, hi int) {
		if hi < 0 || hi > lo+3 {
			hi = lo + 3
		}
		for range lo + r.IntN(hi-lo+1) {
			genRegexp(r, re.Sub[0], b)
		}
	}
	switch re.Op {
	case syntax.OpLiteral:
		for _, c := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 && c < 0x80 {
				switch n := r.IntN(20); {
				case n == 0 && (c == 'k' || c == 'K'):
					c = '\u212A'
				case n == 0 && (c == 's' || c == 'S'):
					c = '\u017F'
				case n < 10:
					c = unicode.SimpleFold(c)
				}
			}
			b.WriteRune(c)
		}
	case syntax.OpCharClass:
		b.WriteRune(classRune(r, re.Rune))
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte(" ;()/-_.aZ09"[r.IntN(12)])
	case syntax.OpCapture:
		genRegexp(r, re.Sub[0], b)
	case syntax.OpStar:
		rep(0, 3)
	case syntax.OpPlus:
		rep(1, 3)
	case syntax.OpQuest:
		rep(0, 1)
	case syntax.OpRepeat:
		rep(re.Min, re.Max)
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			genRegexp(r, sub, b)
		}
	case syntax.OpAlternate:
		genRegexp(r, re.Sub[r.IntN(len(re.Sub))], b)
	}
}

// classRune picks a rune of a class, printable ASCII when it has some.
func classRune(r *rand.Rand, ranges []rune) rune {
	var ascii []rune
	for i := 0; i+1 < len(ranges); i += 2 {
		for c := max(ranges[i], 0x20); c <= min(ranges[i+1], 0x7e); c++ {
			ascii = append(ascii, c)
		}
	}
	if len(ascii) > 0 && r.IntN(10) > 0 {
		return ascii[r.IntN(len(ascii))]
	}
	i := 2 * r.IntN(len(ranges)/2)
	lo, hi := ranges[i], min(ranges[i+1], ranges[i]+1000)
	return lo + rune(r.IntN(int(hi-lo)+1))
}
