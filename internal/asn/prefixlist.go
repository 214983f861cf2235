package asn

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/gaissmai/bart"
	"go4.org/netipx"

	"github.com/coveredtool/covered/internal/importer/textfile"
)

// maxTextLine bounds one line of a prefix list; real lines are under 200
// bytes.
const maxTextLine = 4 << 10

// ErrNoASN is what errors.Is finds in the error of a prefix line that
// carries no ASN when nothing else in the file supplies one.
var ErrNoASN = errors.New(`prefix without an ASN: write "CIDR ASN [name]" lines, put a "# asn: N" line above them, or keep the file as .../as/N/FILE the way ipverse/asn-ip lays it out`)

// asDir finds the ASN in an ipverse/asn-ip path: as/36678/ipv4-aggregated.txt.
var asDir = regexp.MustCompile(`(?:^|/)as/([0-9]{1,10})/[^/]+$`)

// ipverseHeader is the first comment of ipverse/asn-ip's text files,
// "# AS36678 (CTUSA)"; the next comment line is the AS description.
var ipverseHeader = regexp.MustCompile(`^AS([0-9]{1,10})(?: \(([^()]*)\))?$`)

// textParser holds the state of one prefix list.
type textParser struct {
	file  string
	t     *bart.Table[entry]
	def   entry             // ASN and name for lines that carry none
	names map[string]string // interned AS names: one copy per AS, not per prefix
	// described is true right after an ipverse header, whose next comment
	// line names the AS.
	described bool
	pfxs      []netip.Prefix
}

func parseText(r io.Reader, file string) (*bart.Table[entry], error) {
	p := &textParser{file: file, t: new(bart.Table[entry]), names: map[string]string{}}
	if m := asDir.FindStringSubmatch(filepath.ToSlash(file)); m != nil {
		if n, err := parseASN(m[1]); err == nil {
			p.def = entry{asn: n}
		}
	}
	lr := textfile.NewLinesMax(r, maxTextLine)
	for {
		line, err := lr.Next()
		if err == io.EOF {
			return p.t, nil
		}
		if errors.Is(err, textfile.ErrLong) {
			return nil, &LineError{File: file, Line: lr.N, Err: err}
		}
		if err != nil {
			return nil, fmt.Errorf("read ASN source %s: %w", file, err)
		}
		s := strings.TrimSpace(string(line))
		if lr.N == 1 {
			s = strings.TrimPrefix(s, "\ufeff")
		}
		if err := p.line(s); err != nil {
			return nil, &LineError{File: file, Line: lr.N, Err: err}
		}
	}
}

// line reads one trimmed line.
func (p *textParser) line(s string) error {
	if s == "" {
		p.described = false
		return nil
	}
	if s[0] == '#' || s[0] == '%' {
		return p.comment(strings.TrimSpace(s[1:]))
	}
	p.described = false
	if i := strings.Index(s, " #"); i >= 0 {
		s = s[:i]
	}
	if i := strings.Index(s, "\t#"); i >= 0 {
		s = s[:i]
	}
	first, rest := token(s)
	pfx, bare, err := parsePrefix(first)
	if err != nil {
		// "ASN CIDR [name]": the ASN first.
		asn, aerr := parseASN(first)
		if aerr != nil {
			return err
		}
		second, rest := token(rest)
		if second == "" {
			return fmt.Errorf("%q: no prefix after the ASN", clip(first))
		}
		if pfx, _, err = parsePrefix(second); err != nil {
			return err
		}
		return p.insert(entry{asn: asn, org: p.name(rest)}, pfx)
	}
	second, rest := token(rest)
	if second == "" {
		if p.def.asn == 0 {
			return fmt.Errorf("%q: %w", clip(first), ErrNoASN)
		}
		return p.insert(p.def, pfx)
	}
	if bare {
		if last, err := netip.ParseAddr(second); err == nil {
			return p.rangeLine(pfx.Addr(), last, rest)
		}
	}
	asn, err := parseASN(second)
	if err != nil {
		return err
	}
	return p.insert(entry{asn: asn, org: p.name(rest)}, pfx)
}

// rangeLine reads the rest of an iptoasn.com line: "FIRST LAST ASN CC NAME".
func (p *textParser) rangeLine(first, last netip.Addr, rest string) error {
	last = last.Unmap()
	r := netipx.IPRangeFrom(first, last)
	if !r.IsValid() || last.Zone() != "" {
		return fmt.Errorf("bad address range %s - %s", first, clip(last.String()))
	}
	tok, rest := token(rest)
	if tok == "" {
		return fmt.Errorf("range %s - %s has no ASN", first, last)
	}
	asn, err := parseASN(tok)
	if err != nil {
		return err
	}
	if cc, after := token(rest); isCountry(cc) {
		rest = after
	}
	e := entry{asn: asn, org: p.name(rest)}
	p.pfxs = r.AppendPrefixes(p.pfxs[:0])
	for _, pfx := range p.pfxs {
		if err := p.insert(e, pfx); err != nil {
			return err
		}
	}
	return nil
}

// isCountry reports whether s is the country column of iptoasn.com: an
// ISO 3166 code, or "None".
func isCountry(s string) bool {
	return s == "None" || len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// comment reads a comment line: "# asn: N [name]" sets the ASN of the
// bare prefixes that follow; so does ipverse's "# AS<n> (HANDLE)" header,
// whose next comment line is the AS description.
func (p *textParser) comment(c string) error {
	described := p.described
	p.described = false
	if len(c) >= 4 && strings.EqualFold(c[:4], "asn:") {
		tok, rest := token(c[4:])
		asn, err := parseASN(tok)
		if err != nil {
			return fmt.Errorf("bad \"# asn:\" line: %w", err)
		}
		p.def = entry{asn: asn, org: p.name(rest)}
		return nil
	}
	if m := ipverseHeader.FindStringSubmatch(c); m != nil {
		asn, err := parseASN(m[1])
		if err != nil {
			return fmt.Errorf("bad ipverse header: %w", err)
		}
		p.def = entry{asn: asn, org: p.name(m[2])}
		p.described = true
		return nil
	}
	if described && c != "" {
		p.def.org = p.name(c)
	}
	return nil
}

// insert adds pfx unless the file already listed it: the first line wins,
// as the first file does in Merge. AS0 marks unrouted space and is skipped.
func (p *textParser) insert(e entry, pfx netip.Prefix) error {
	if e.asn == 0 {
		return nil
	}
	if _, dup := p.t.Get(pfx); !dup {
		p.t.Insert(pfx, e)
	}
	return nil
}

// name cleans and interns an AS name: separators and quotes around it go.
func (p *textParser) name(s string) string {
	s = strings.Trim(s, " \t,;|")
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	if s == "" {
		return ""
	}
	if n, ok := p.names[s]; ok {
		return n
	}
	p.names[s] = s
	return s
}

// token splits the first field off s; fields are separated by runs of
// blanks, ',', ';' or '|'.
func token(s string) (tok, rest string) {
	s = strings.TrimLeft(s, " \t,;|")
	i := strings.IndexAny(s, " \t,;|")
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

// parsePrefix reads a CIDR, or an address as its single-address prefix
// (bare is then true). Host bits are cleared; IPv4-mapped IPv6 prefixes
// become IPv4, since lookups unmap addresses.
func parsePrefix(s string) (pfx netip.Prefix, bare bool, err error) {
	if strings.Contains(s, "/") {
		pfx, err = netip.ParsePrefix(s)
		if err != nil {
			return pfx, false, fmt.Errorf("bad prefix %q", clip(s))
		}
		if a := pfx.Addr(); a.Is4In6() && pfx.Bits() >= 96 {
			pfx = netip.PrefixFrom(a.Unmap(), pfx.Bits()-96)
		}
		return pfx.Masked(), false, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return pfx, false, fmt.Errorf("bad prefix %q", clip(s))
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true, nil
}
