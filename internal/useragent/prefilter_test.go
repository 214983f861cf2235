package useragent

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// lowFactors returns the factors of expr with each literal as litLower
// gives it, sorted, for comparisons.
func lowFactors(t *testing.T, expr string) []string {
	tree, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range requiredFactors(tree) {
		var lits []string
		for _, l := range f {
			lits = append(lits, litLower(l))
		}
		slices.Sort(lits)
		out = append(out, strings.Join(lits, "|"))
	}
	slices.Sort(out)
	return out
}

func TestRequiredFactors(t *testing.T) {
	cases := []struct {
		expr string
		want []string // some factor's literals all start with one of these
	}{
		{`; {0,2}(SM-[A-Z]\d{3})(?: Build|\) AppleWebKit)`, []string{" build", ") applewebkit"}},
		{`(?i)honorbrowser/`, []string{"honorbrowser/"}},
		{`(?:ARNOVA|Arnova) ?([^;/]{1,100}?)`, []string{"arnova"}},
		{`Huawei([A-Za-z0-9]+)`, []string{"huawei"}},
		{`(?:Kindle Fire|KF[A-Z]{2,4})(?: Build|\))`, []string{"kf", "kindle fire"}},
		{`(moto)+x`, []string{"motox"}},
		{`(?:^|[^A-Za-z0-9])(?i:nubia)[ _-]`, []string{"nubia"}},
		{`(bot|crawl|spider)`, []string{"bot", "crawl", "spider"}},
	}
	for _, tc := range cases {
		got := lowFactors(t, tc.expr)
		if !slices.ContainsFunc(got, func(f string) bool {
			for _, lit := range strings.Split(f, "|") {
				if !slices.ContainsFunc(tc.want, func(p string) bool { return strings.HasPrefix(lit, p) }) {
					return false
				}
			}
			return true
		}) {
			t.Errorf("factors of %q = %q, want one of literals starting %q", tc.expr, got, tc.want)
		}
	}
	// Nothing is required of these.
	for _, expr := range []string{`.*`, `a*b?`, `(?:x|.)+`, `[^;]{1,100}`, `華為`} {
		if got := lowFactors(t, expr); len(got) != 0 {
			t.Errorf("factors of %q = %q, want none", expr, got)
		}
	}
}

// TestFoldCaseMapsOnlyTwoRunesToASCII checks what appendFolded relies on: of all
// runes outside ASCII, only U+212A and U+017F case-fold to an ASCII letter,
// so a case-insensitive regex can match nothing else where a literal asks
// for an ASCII letter.
func TestFoldCaseMapsOnlyTwoRunesToASCII(t *testing.T) {
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < 0x80 && r != 0x212A && r != 0x17F {
				t.Errorf("U+%04X folds to %q", r, f)
			}
		}
	}
}

func TestLiteralCaseSemantics(t *testing.T) {
	in := newSubject("Mozilla/5.0 (Linux; Android 10; \u212Aiss SM-G960F)", appendFolded(nil, "Mozilla/5.0 (Linux; Android 10; \u212Aiss SM-G960F)"))
	if in.aligned {
		t.Fatal("U+212A folds to one byte: offsets no longer line up")
	}
	if !in.contains(factor{"k" + string([]byte{'i' | anyCase})}) || !in.contains(factor{"SM-G"}) {
		t.Error("literals not found in a UA holding U+212A")
	}
	ascii := newSubject("x Nokia 3", appendFolded(nil, "x Nokia 3"))
	if ascii.contains(factor{"NOKIA"}) || !ascii.contains(factor{"Nokia"}) || !ascii.contains(factor{litFromLower("nokia")}) {
		t.Error("case-sensitive literals must match in case, marked ones in any case")
	}
	if got := compress(factor{"iphone1", "iphone2", "iphone3", "iphone4", "iphone5", "ipad"}); !slices.Equal(got, factor{"iphone", "ipad"}) {
		t.Errorf("compress = %q", got)
	}
	var set [4]uint64
	for _, c := range []byte("AZm") {
		set[c>>6] |= 1 << (c & 63)
	}
	if upperBits(set) != 1|1<<25 || lowerBits(set) != 1<<12 {
		t.Errorf("upperBits %b lowerBits %b", upperBits(set), lowerBits(set))
	}
}

// TestRulesSound checks each uap-core rule on its own generated samples and
// on generated UAs: whenever the regex matches, the catalog's prefilter lets
// the rule run, and the rule's find (starts, variants, head, branches)
// returns the match the regex returns (any match, for rules with branches).
func TestRulesSound(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every uap-core regex")
	}
	cat := Default().cat
	def, err := uapDefinitions()
	if err != nil {
		t.Fatal(err)
	}
	var exprs []string
	for _, d := range def.Device {
		exprs = append(exprs, withFlags(d.Expr, d.Flags))
	}
	for _, d := range def.OS {
		exprs = append(exprs, withFlags(d.Expr, d.Flags))
	}
	common := generateUAs(150, 3)
	r := rand.New(rand.NewPCG(5, 5))
	checked := 0
	for i, expr := range exprs {
		re := regexp.MustCompile(expr)
		tree, _ := syntax.Parse(expr, syntax.Perl)
		rule := cat.uap.rules[i]
		for k, ua := range common {
			if k < 12 {
				var b strings.Builder
				genRegexp(r, tree, &b)
				ua = b.String()
			}
			want := re.FindStringSubmatchIndex(ua)
			in := cat.newInput(ua)
			if want == nil {
				continue
			}
			checked++
			if !allHit(in.hit[:], rule.factors) {
				t.Errorf("prefilter skips %q, which %q matches", ua, expr)
				continue
			}
			// A rule with a head reports the end of the head's match (see
			// tail.go): compare the start and the submatches.
			_, got := rule.find(&in.subject, in.hit[:])
			if got == nil || (rule.branches == nil && (got[0] != want[0] || !slices.Equal(got[2:], want[2:]))) {
				t.Errorf("find(%q) for %q = %v, want %v", ua, expr, got, want)
			}
		}
	}
	if checked < len(exprs) {
		t.Errorf("only %d matches checked", checked)
	}
	t.Logf("%d matches of %d regexes checked", checked, len(exprs))
}

// TestPrefilterCoverage reports how many uap-core regexes get a prefilter
// and how many of this file's other devices apply.
func TestPrefilterCoverage(t *testing.T) {
	m := Default().cat.uap
	report := func(name string, rules []*uapRule) {
		var any, strong, starts, variants, heads, branches int
		for _, r := range rules {
			if len(r.factors) > 0 {
				any++
			}
			if slices.ContainsFunc(r.factors, func(id int32) bool { return factorMinLen(id) >= 3 }) {
				strong++
			}
			if r.starts != nil || r.branches != nil {
				starts++
			}
			if len(r.repeats) > 0 {
				variants++
			}
			if r.head != nil {
				heads++
			}
			if r.branches != nil {
				branches++
			}
		}
		pct := func(n int) string {
			return fmt.Sprintf("%d/%d (%.1f%%)", n, len(rules), 100*float64(n)/float64(len(rules)))
		}
		t.Logf("%s regexes: prefilter %s, one with all literals ≥3 bytes %s; run at start literals %s; unbounded variants %s; tail cut %s; split in branches %s",
			name, pct(any), pct(strong), pct(starts), pct(variants), pct(heads), pct(branches))
	}
	report("device", m.rules[:m.ndevice])
	report("os", m.rules[m.ndevice:])
	if len(m.rules[:m.ndevice]) == 0 {
		t.Fatal("no device rules")
	}
}

// factorMinLen returns the length of the shortest literal of factor id.
func factorMinLen(id int32) int {
	s := &Default().cat.scan
	n := -1
	for i := range s.recs {
		if slices.Contains(s.facts[s.recs[i].f0:s.recs[i].f1], id) && (n < 0 || int(s.recs[i].n) < n) {
			n = int(s.recs[i].n)
		}
	}
	for c := range s.single {
		if slices.Contains(s.single[c], id) || slices.Contains(s.exact1[c], id) {
			n = 1
		}
	}
	return n
}

// TestIsLocale compares isLocale with the regex it replaces.
func TestIsLocale(t *testing.T) {
	re := regexp.MustCompile(`^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$`)
	r := rand.New(rand.NewPCG(1, 2))
	const chars = "abzAZ-_@[`{ 09"
	for i := range 20000 {
		b := make([]byte, i%9)
		for j := range b {
			b[j] = chars[r.IntN(len(chars))]
		}
		if s := string(b); isLocale(s) != re.MatchString(s) {
			t.Fatalf("isLocale(%q) = %v", s, isLocale(s))
		}
	}
}
