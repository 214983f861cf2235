package policy

import (
	"regexp"
	"sync"
	"sync/atomic"
)

// matcher is one compiled registrant pattern of a company.
type matcher struct {
	re      *regexp.Regexp
	company int // index into Lists.Companies
}

// compileRegistrant compiles a registrant pattern case-insensitively. The
// pattern is checked on its own first so that errors quote what the user
// wrote.
func compileRegistrant(pattern string) (*regexp.Regexp, error) {
	if _, err := regexp.Compile(pattern); err != nil {
		return nil, err
	}
	return regexp.Compile("(?i)" + pattern)
}

// matchRegistrant runs every registrant pattern over the folded registrant
// text and returns the company with the longest match, or -1. Ties go to the
// company listed first; TestRegistrants checks the known registrants have no
// ties between different companies.
func (l *Lists) matchRegistrant(org string) int {
	text := normText(org)
	best, bestLen := -1, 0
	for _, m := range l.matchers {
		loc := m.re.FindStringIndex(text)
		if loc == nil {
			continue
		}
		if n := loc[1] - loc[0]; n > bestLen {
			best, bestLen = m.company, n
		}
	}
	return best
}

// maxCachedRegistrants bounds the registrant cache. Registrant strings come
// from the IEEE and IANA tables (tens of thousands), but callers may also
// pass organisation names from certificates; past the bound, misses are
// computed without being remembered.
const maxCachedRegistrants = 1 << 17

// registrantCache remembers the company index (or -1) per registrant string
// so that repeated lookups run no regular expressions.
type registrantCache struct {
	m sync.Map // string → int
	n atomic.Int64
}

func (c *registrantCache) load(org string) (int, bool) {
	v, ok := c.m.Load(org)
	if !ok {
		return 0, false
	}
	return v.(int), true
}

func (c *registrantCache) store(org string, i int) {
	if c.n.Load() >= maxCachedRegistrants {
		return
	}
	if _, loaded := c.m.LoadOrStore(org, i); !loaded {
		c.n.Add(1)
	}
}
