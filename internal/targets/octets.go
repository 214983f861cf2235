package targets

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// octetSet is a set of byte values (one bit each), the allowed values of one
// octet of an nmap IPv4 pattern such as "10.0.1-3,7.*".
type octetSet [4]uint64

func (s *octetSet) addRange(lo, hi int) {
	for v := lo; v <= hi; v++ {
		s[v>>6] |= 1 << (v & 63)
	}
}

func (s *octetSet) has(v uint8) bool { return s[v>>6]&(1<<(v&63)) != 0 }

func (s *octetSet) count() int {
	return bits.OnesCount64(s[0]) + bits.OnesCount64(s[1]) + bits.OnesCount64(s[2]) + bits.OnesCount64(s[3])
}

func (s *octetSet) full() bool { return s.count() == 256 }

// next returns the smallest member >= v, or -1 when there is none.
func (s *octetSet) next(v int) int {
	for v < 256 {
		w := s[v>>6] >> (v & 63)
		if w != 0 {
			return v + bits.TrailingZeros64(w)
		}
		v = (v | 63) + 1
	}
	return -1
}

// runs returns the number of maximal runs of consecutive members.
func (s *octetSet) runs() int {
	n := 0
	for v := s.next(0); v >= 0; {
		n++
		for v < 256 && s.has(uint8(v)) {
			v++
		}
		v = s.next(v)
	}
	return n
}

// pattern is an nmap IPv4 target: the product of four octet sets. Plain
// addresses and CIDR blocks are patterns too, which is how nmap applies a
// prefix length to a range ("10.0.1-3.0/24") and why a range is never
// expanded into a list: membership, size and the next member are all
// computed from the four sets.
type pattern [4]octetSet

const none4 = uint64(1) << 32 // "no member": one past the last IPv4 address

func (p *pattern) contains(a uint32) bool {
	return p[0].has(uint8(a>>24)) && p[1].has(uint8(a>>16)) && p[2].has(uint8(a>>8)) && p[3].has(uint8(a))
}

// size is the number of addresses, at most 2^32.
func (p *pattern) size() uint64 {
	n := uint64(1)
	for i := range p {
		n *= uint64(p[i].count())
	}
	return n
}

// ceil returns the smallest member >= x, or none4.
func (p *pattern) ceil(x uint64) uint64 {
	if x >= none4 {
		return none4
	}
	o := [4]int{int(x >> 24 & 255), int(x >> 16 & 255), int(x >> 8 & 255), int(x & 255)}
	d := 0
	for d < 4 && p[d].has(uint8(o[d])) {
		d++
	}
	if d == 4 {
		return x
	}
	// Octets before d match; raise the rightmost octet that can be raised
	// and reset everything after it to its smallest member.
	for i := d; i >= 0; i-- {
		v := p[i].next(o[i] + 1)
		if v < 0 {
			continue
		}
		o[i] = v
		for j := i + 1; j < 4; j++ {
			o[j] = p[j].next(0)
		}
		return uint64(o[0])<<24 | uint64(o[1])<<16 | uint64(o[2])<<8 | uint64(o[3])
	}
	return none4
}

// lastPartial is the index of the last octet that is not 0-255, or -1 when
// the pattern is all of IPv4. Octets after it are full, so each run of that
// octet under each choice of the earlier octets is one contiguous block.
func (p *pattern) lastPartial() int {
	k := 3
	for k >= 0 && p[k].full() {
		k--
	}
	return k
}

// blocks is the number of contiguous blocks ranges yields. It decides whether
// a pattern is cheap to hand to a range set or must stay a pattern.
func (p *pattern) blocks() uint64 {
	k := p.lastPartial()
	if k < 0 {
		return 1
	}
	n := uint64(p[k].runs())
	for i := 0; i < k; i++ {
		n *= uint64(p[i].count())
	}
	return n
}

// ranges yields the pattern as ascending contiguous blocks [lo, hi].
func (p *pattern) ranges(yield func(lo, hi uint32) bool) {
	k := p.lastPartial()
	if k < 0 {
		yield(0, math.MaxUint32)
		return
	}
	shift := uint(8 * (3 - k))
	var walk func(i int, prefix uint32) bool
	walk = func(i int, prefix uint32) bool {
		if i == k {
			for v := p[k].next(0); v >= 0; {
				end := v
				for end < 255 && p[k].has(uint8(end+1)) {
					end++
				}
				lo := prefix | uint32(v)<<shift
				hi := prefix | uint32(end)<<shift | (uint32(1)<<shift - 1)
				if !yield(lo, hi) {
					return false
				}
				v = p[k].next(end + 1)
			}
			return true
		}
		for v := p[i].next(0); v >= 0; v = p[i].next(v + 1) {
			if !walk(i+1, prefix|uint32(v)<<(8*(3-i))) {
				return false
			}
		}
		return true
	}
	walk(0, 0)
}

// mask applies a prefix length the way nmap does: every address that shares
// its first n bits with a member becomes a member.
func (p *pattern) mask(n int) {
	for i := range p {
		keep := n - 8*i // bits of this octet fixed by the prefix
		switch {
		case keep >= 8:
		case keep <= 0:
			p[i] = octetSet{}
			p[i].addRange(0, 255)
		default:
			m := 0xff << (8 - keep) & 0xff
			var out octetSet
			for v := p[i].next(0); v >= 0; v = p[i].next(v + 1) {
				base := v & m
				out.addRange(base, base|(^m&0xff))
			}
			p[i] = out
		}
	}
}

// parsePattern reads nmap IPv4 syntax: four dot-separated octets, each "*"
// or a comma list of N, N-M, -M (0-M), N- (N-255) and - (0-255).
func parsePattern(s string) (pattern, error) {
	var p pattern
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return p, fmt.Errorf("has %d octets, want 4", len(parts))
	}
	for i, part := range parts {
		if err := parseOctet(&p[i], part); err != nil {
			return p, fmt.Errorf("octet %d %q: %w", i+1, part, err)
		}
	}
	return p, nil
}

func parseOctet(set *octetSet, s string) error {
	if s == "*" {
		set.addRange(0, 255)
		return nil
	}
	for _, el := range strings.Split(s, ",") {
		if el == "" {
			return errors.New("empty element")
		}
		lo, hi := 0, 255
		a, b, isRange := strings.Cut(el, "-")
		var err error
		if a != "" {
			if lo, err = octetValue(a); err != nil {
				return err
			}
		}
		if !isRange {
			hi = lo
		} else if b != "" {
			if hi, err = octetValue(b); err != nil {
				return err
			}
		}
		if lo > hi {
			return fmt.Errorf("range %d-%d runs backwards", lo, hi)
		}
		set.addRange(lo, hi)
	}
	return nil
}

func octetValue(s string) (int, error) {
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not a number", s)
		}
	}
	if len(s) > 1 && s[0] == '0' {
		// inet_aton reads 010 as octal 8, nmap as decimal 10: refusing is
		// the only reading that cannot scan the wrong host.
		return 0, fmt.Errorf("%q has a leading zero (octal or decimal?)", s)
	}
	v, err := strconv.Atoi(s)
	if err != nil || v > 255 {
		return 0, fmt.Errorf("%s is more than 255", s)
	}
	return v, nil
}
