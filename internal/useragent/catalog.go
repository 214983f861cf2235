package useragent

import (
	"fmt"
	"strings"
	"sync"
)

// catalog is every literal test a parse makes — uap-core's rules' and this
// package's own — answered by one scan of the UA. It is built once per
// process: it is immutable, and its regexes compile on first use under a
// sync.Once, so Parsers share it.
type catalog struct {
	scan  litScanner
	uap   *uapMatcher
	exits map[string]exitEntry // by exit key, see exits.go
}

// ownFactors are the factors of this package's guarded regexes and token
// lists, registered during package initialisation (and only then); factor i
// has id i in every catalog.
var ownFactors []factor

// register adds f to ownFactors and returns its id.
func register(f factor) int32 {
	ownFactors = append(ownFactors, f)
	return int32(len(ownFactors) - 1)
}

var sharedCatalog = sync.OnceValues(newCatalog)

// newCatalog analyses uap-core's regexes and this package's own and lays
// out their literals for scanning; Parsers share the result.
func newCatalog() (*catalog, error) {
	c := &catalog{}
	ids := make(map[string]int32, len(ownFactors))
	for i, f := range ownFactors {
		c.scan.addFactor(int32(i), f)
		ids[strings.Join(f, "\x00")] = int32(i)
	}
	var err error
	if c.uap, err = newUAPMatcher(&c.scan, ids); err != nil {
		return nil, err
	}
	if c.scan.nfactors > inputWords*64 || len(c.uap.rules) > maxRules {
		return nil, fmt.Errorf("%d prefilter factors and %d rules, more than the bounds (%d, %d)",
			c.scan.nfactors, len(c.uap.rules), inputWords*64, maxRules)
	}
	c.scan.compile()
	c.buildExits()
	return c, nil
}

// input is a UA prepared for a parse: folded, and scanned.
type input struct {
	subject
	hit [inputWords]uint64 // the factors the UA satisfies, as a bitset
}

// inputWords bounds a catalog's factors to inputWords*64, so that an input
// is a value, kept on the stack.
const inputWords = 64

// prepare returns ua, folded into buf, and scanned. The result is a value
// so that callers can keep it on the stack.
func (c *catalog) prepare(ua string, buf []byte) input {
	in := input{subject: newSubject(ua, appendFolded(buf, ua))}
	c.scan.scan(&in.subject, in.hit[:])
	return in
}

// newInput returns ua prepared, for tests and other cold paths.
func (c *catalog) newInput(ua string) *input {
	in := c.prepare(ua, nil)
	return &in
}

// tokenList is a list of lower-case ASCII tokens looked for in a UA, each
// registered as a factor of its own.
type tokenList struct {
	tokens []string
	ids    []int32
}

func newTokenList(tokens ...string) tokenList {
	l := tokenList{tokens: tokens}
	for _, t := range tokens {
		l.ids = append(l.ids, register(factor{litFromLower(t)}))
	}
	return l
}

// in reports whether strings.ToLower(ua) contains one of the tokens.
func (l tokenList) in(in *input) bool {
	if !in.ascii { // ToLower maps some non-ASCII runes to ASCII letters
		return containsAny(strings.ToLower(in.ua), l.tokens)
	}
	for _, id := range l.ids {
		if bitset(in.hit[:]).has(id) {
			return true
		}
	}
	return false
}

// litFromLower returns the literal matching lower-case text in any case.
func litFromLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c | anyCase
		}
	}
	return string(b)
}
