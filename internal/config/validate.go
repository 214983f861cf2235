package config

import (
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/coveredtool/covered/internal/targets"
)

// validator checks a decoded file, collecting every problem instead of
// stopping at the first, so one run shows the user all of them.
type validator struct {
	f    *yamlFile
	r    resolver
	c    *Config
	errs []error
}

func (v *validator) errorf(field, format string, args ...any) {
	v.errs = append(v.errs, v.f.errorf(field, format, args...))
}

// secretHint says where SNMP communities go instead of the config file.
const secretHint = "secrets do not belong in the config file; pass SNMP communities with --snmp-community, " +
	`e.g. --snmp-community "$SNMP_COMMUNITY" to take one from an environment variable`

// secrets refuses SNMP communities: a config file is readable, copied
// between machines and pasted into tickets, and DESIGN requires that
// secrets never appear in clear.
func (v *validator) secrets(d fileDoc) {
	if d.SNMPCommunities != nil {
		v.errorf("snmp_communities", "%s", secretHint)
	}
	if d.SNMPCommunity != nil {
		v.errorf("snmp_community", "%s", secretHint)
	}
}

func (v *validator) rate(field string, p *float64) float64 {
	if p == nil || !v.number(field, false) {
		return 0
	}
	if !(*p > 0) || math.IsInf(*p, 0) {
		v.errorf(field, "must be a positive number (per second), got %v", *p)
	}
	return *p
}

// number checks that field is written as a YAML number (an integer when
// integer is set). go-yaml converts "2.5" to 2 for an int and accepts
// quoted strings such as '500' for numbers; a config should not be read
// differently from how it is written, so those are errors here.
func (v *validator) number(field string, integer bool) bool {
	n := v.f.value(field)
	if n == nil {
		return true
	}
	want := "a number"
	if integer {
		want = "an integer"
	}
	switch n.Type() {
	case ast.IntegerType, ast.AliasType:
		return true
	case ast.FloatType, ast.InfinityType, ast.NanType:
		if !integer {
			return true
		}
	}
	got := "a " + strings.ToLower(n.Type().String())
	if tk := n.GetToken(); tk != nil && n.Type() != ast.NullType {
		got = strconv.Quote(tk.Value)
	}
	v.errorf(field, "expected %s, got %s", want, got)
	return false
}

// sites checks names and CIDRs. Two sites may overlap (a building inside a
// campus), since SiteFor picks the most specific prefix; but the very same
// prefix twice would leave no way to choose, so that is an error.
func (v *validator) sites(docs []siteDoc) {
	names := map[string]int{}
	owner := map[netip.Prefix]int{}
	for i, d := range docs {
		at := fmt.Sprintf("sites[%d]", i)
		s := Site{Name: d.Name, Description: d.Description}
		switch j, dup := names[d.Name]; {
		case d.Name == "":
			v.errorf(at+".name", "missing: every site needs a name")
		case dup:
			v.errorf(at+".name", "duplicate site name %q (also sites[%d])", d.Name, j)
		default:
			names[d.Name] = i
		}
		for k, text := range d.CIDRs {
			field := fmt.Sprintf("%s.cidrs[%d]", at, k)
			p, err := parseCIDR(text)
			if err != nil {
				v.errorf(field, "%v", err)
				continue
			}
			if j, dup := owner[p]; dup {
				if j == i {
					v.errorf(field, "%s listed twice", p)
				} else {
					v.errorf(field, "%s is already in site %q (sites[%d]); a prefix can belong to one site only", p, docs[j].Name, j)
				}
				continue
			}
			owner[p] = i
			s.CIDRs = append(s.CIDRs, p)
		}
		v.c.Sites = append(v.c.Sites, s)
	}
}

// parseCIDR parses a site prefix. A bare address is a one-host prefix. Host
// bits are an error, not silently cleared: in a site definition
// "10.1.2.3/16" is more likely a typo than a wish for 10.1.0.0/16, and the
// wrong guess would label a whole network's findings.
func parseCIDR(text string) (netip.Prefix, error) {
	var p netip.Prefix
	if strings.Contains(text, "/") {
		var err error
		if p, err = netip.ParsePrefix(text); err != nil {
			return p, fmt.Errorf("invalid CIDR %q: %s", text, netipReason(err))
		}
	} else {
		a, err := netip.ParseAddr(text)
		if err != nil {
			return p, fmt.Errorf("invalid CIDR %q: %s", text, netipReason(err))
		}
		if a.Zone() != "" {
			return p, fmt.Errorf("invalid CIDR %q: zoned addresses are interfaces, not networks", text)
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if m := p.Masked(); m != p {
		return netip.Prefix{}, fmt.Errorf("%q has host bits set; the network is %s", text, m)
	}
	// ::ffff:10.0.0.0/104 is 10.0.0.0/8: SiteFor unmaps addresses, so keep
	// mapped prefixes as IPv4 to match them.
	if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	return p, nil
}

// netipReason drops the `netip.ParsePrefix("...")` preamble of a net/netip
// error, which repeats the input the message already quotes.
func netipReason(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "): "); i >= 0 && strings.HasPrefix(msg, "netip.") {
		return msg[i+3:]
	}
	return msg
}

// exclude checks each entry with the target syntax, without DNS. An entry
// may hold several targets separated by commas, as --exclude does.
func (v *validator) exclude(entries []string) {
	for i, e := range entries {
		field := fmt.Sprintf("exclude[%d]", i)
		toks := targets.SplitExclude(e)
		if len(toks) == 0 {
			v.errorf(field, "empty entry")
			continue
		}
		for _, tok := range toks {
			if err := targets.CheckTarget(tok); err != nil {
				v.errorf(field, "%v", err)
				continue
			}
			v.c.Exclude = append(v.c.Exclude, tok)
		}
	}
}

// rules accepts "rules: DIR" and "rules: [DIR, ...]", since --rules is
// repeatable and most users have one directory.
func (v *validator) rules(raw any) {
	switch r := raw.(type) {
	case nil:
	case string:
		v.c.Rules = append(v.c.Rules, v.path("rules", r))
	case []any:
		for i, item := range r {
			field := fmt.Sprintf("rules[%d]", i)
			s, ok := item.(string)
			if !ok {
				v.errorf(field, "expected a directory name, got %s", describeValue(item))
				continue
			}
			v.c.Rules = append(v.c.Rules, v.path(field, s))
		}
	default:
		v.errorf("rules", "expected a directory or a list of directories, got %s", describeValue(raw))
	}
}

// describeValue names the kind of a loosely decoded YAML value for errors.
func describeValue(x any) string {
	switch x := x.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	default:
		return fmt.Sprintf("%q", fmt.Sprint(x))
	}
}

// path resolves a file path from the config file, recording an error at
// field when it cannot.
func (v *validator) path(field, p string) string {
	out, err := v.r.path(p)
	if err != nil {
		v.errorf(field, "%v", err)
	}
	return out
}
