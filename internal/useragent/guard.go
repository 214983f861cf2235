package useragent

import (
	"regexp"
	"regexp/syntax"
)

// guarded is one of this package's own regexes with the prefilter of
// prefilter.go: it is run only when the UA satisfies each of its factors,
// which the catalog's scan has answered. Regexes such as
// `(?:^|[^A-Za-z0-9])(?:HUAWEI|Huawei)…` have no literal prefix for Go to
// search for, so they try every position of every UA; unguarded, the token
// rules cost more than uap-core's regexes.
type guarded struct {
	*regexp.Regexp
	ids []int32 // factor ids, see register
}

// mustGuard compiles expr and registers its factors. Like
// regexp.MustCompile it is for package-level regexes, which no input can
// break.
func mustGuard(expr string) guarded {
	re := regexp.MustCompile(expr)
	tree, err := syntax.Parse(expr, syntax.Perl)
	if err != nil { // unreachable: regexp.MustCompile parsed it the same way
		panic(err)
	}
	g := guarded{Regexp: re}
	for _, f := range rankFactors(requiredFactors(tree)) {
		g.ids = append(g.ids, register(f))
	}
	return g
}

// may reports whether the regex can match the UA.
func (g guarded) may(in *input) bool { return allHit(in.hit[:], g.ids) }

// match is MatchString(ua), skipping the regex when it cannot match.
func (g guarded) match(in *input) bool {
	return g.may(in) && g.MatchString(in.ua)
}

// find is FindStringSubmatch(ua), skipping the regex when it cannot match.
func (g guarded) find(in *input) []string {
	if !g.may(in) {
		return nil
	}
	return g.FindStringSubmatch(in.ua)
}
