package useragent

import "bytes"

// A prefilter literal is ASCII text with one twist: a letter with its high
// bit set (lower-case letter | 0x80) stands for that letter in either case,
// as a case-insensitive regex matches it; any other byte stands for itself,
// as a case-sensitive regex matches it. Literals are matched against the
// UA through its folded form (see appendFolded): the folded UA locates
// candidates, and the case-sensitive bytes are then checked against the UA
// itself. When folding changed the UA's length (it held U+212A or U+017F,
// which fold to one-byte letters), offsets no longer line up and every
// letter is matched case-insensitively: a weaker test, never a wrong one.

const anyCase = 0x80

// lower returns c lower-cased if it is an ASCII capital.
func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// litLower returns the folded text a literal must appear as in a folded UA.
func litLower(lit string) string {
	b := []byte(lit)
	for i, c := range b {
		b[i] = lower(c &^ anyCase)
	}
	return string(b)
}

// subject is a UA prepared for literal tests.
type subject struct {
	ua      string
	folded  []byte // ua folded by appendFolded
	aligned bool   // folded[i] is ua[i] lower-cased, for every i
	ascii   bool   // the UA is ASCII
}

func newSubject(ua string, folded []byte) subject {
	s := subject{ua: ua, folded: folded, aligned: len(folded) == len(ua), ascii: true}
	for i := 0; i < len(ua); i++ {
		if ua[i] >= 0x80 {
			s.ascii = false
			break
		}
	}
	return s
}

// caseSensitive reports whether lit has a letter that must match in case.
func caseSensitive(lit string) bool {
	for i := 0; i < len(lit); i++ {
		if c := lit[i]; lower(c) != c || ('a' <= c && c <= 'z') {
			return true
		}
	}
	return false
}

// exactAt reports whether the case-sensitive bytes of lit match the UA at
// p, given that litLower(lit) matches the folded UA there.
func (s *subject) exactAt(lit string, p int) bool {
	if !s.aligned {
		return true
	}
	for i := 0; i < len(lit); i++ {
		if c := lit[i]; c&anyCase == 0 && s.ua[p+i] != c {
			return false
		}
	}
	return true
}

// exactAtBytes is exactAt for a literal held as bytes.
func (s *subject) exactAtBytes(lit []byte, p int) bool {
	if !s.aligned {
		return true
	}
	for i, c := range lit {
		if c&anyCase == 0 && s.ua[p+i] != c {
			return false
		}
	}
	return true
}

// index returns the first position ≥ from where lit (whose litLower is low)
// occurs, or -1.
func (s *subject) index(lit, low string, from int) int {
	for from <= len(s.folded) {
		j := indexString(s.folded[from:], low)
		if j < 0 {
			return -1
		}
		if s.exactAt(lit, from+j) {
			return from + j
		}
		from += j + 1
	}
	return -1
}

// contains reports whether any literal of f occurs in the UA.
func (s *subject) contains(f factor) bool {
	for _, lit := range f {
		if s.index(lit, litLower(lit), 0) >= 0 {
			return true
		}
	}
	return false
}

// weakerAt reports whether literal b, placed at offset k of literal a,
// matches wherever a does: each byte of b is a's byte, or a's letter in
// either case.
func weakerAt(a, b string, k int) bool {
	if k < 0 || k+len(b) > len(a) {
		return false
	}
	for i := 0; i < len(b); i++ {
		x, y := a[k+i], b[i]
		if x != y && !(y&anyCase != 0 && lower(x&^anyCase) == y&^anyCase) {
			return false
		}
	}
	return true
}

// litContains reports whether every UA holding literal a holds literal b.
func litContains(a, b string) bool {
	for k := 0; k+len(b) <= len(a); k++ {
		if weakerAt(a, b, k) {
			return true
		}
	}
	return false
}

// litHasPrefix reports whether every UA position where literal a occurs is
// one where literal b occurs.
func litHasPrefix(a, b string) bool { return weakerAt(a, b, 0) }

// indexString is bytes.Index for a string needle, without converting it.
func indexString(b []byte, sub string) int {
	if len(sub) == 0 {
		return 0
	}
	for i := 0; i+len(sub) <= len(b); {
		j := bytes.IndexByte(b[i:len(b)-len(sub)+1], sub[0])
		if j < 0 {
			return -1
		}
		i += j
		if string(b[i:i+len(sub)]) == sub {
			return i
		}
		i++
	}
	return -1
}
