package pen

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

const (
	// maxArcs is the most sub-identifiers an SNMP OID may have (RFC 2578
	// section 3.5).
	maxArcs = 128
	// maxOIDInput bounds the input ParseOID reads: 128 ten-digit arcs and
	// a module name fit well within it.
	maxOIDInput = 2048
	// maxErrInput bounds how much of a rejected input an error repeats.
	maxErrInput = 128
)

// enterprises is iso.org.dod.internet.private.enterprises, the arc under
// which IANA assigns Private Enterprise Numbers.
var enterprises = []uint32{1, 3, 6, 1, 4, 1}

// oidNames are the symbolic names net-snmp and MIB browsers print in front
// of numeric arcs ("iso.3.6.1...", "SNMPv2-SMI::enterprises.2011...").
var oidNames = map[string][]uint32{
	"ccitt":           {0},
	"zeroDotZero":     {0, 0}, // sysObjectID of agents that have none
	"iso":             {1},
	"joint-iso-ccitt": {2},
	"org":             {1, 3},
	"dod":             {1, 3, 6},
	"internet":        {1, 3, 6, 1},
	"directory":       {1, 3, 6, 1, 1},
	"mgmt":            {1, 3, 6, 1, 2},
	"mib-2":           {1, 3, 6, 1, 2, 1},
	"system":          {1, 3, 6, 1, 2, 1, 1},
	"experimental":    {1, 3, 6, 1, 3},
	"private":         {1, 3, 6, 1, 4},
	"enterprises":     enterprises,
	"enterprise":      enterprises, // IANA's spelling in enterprise-numbers.txt
	"security":        {1, 3, 6, 1, 5},
	"snmpV2":          {1, 3, 6, 1, 6},
	"snmpModules":     {1, 3, 6, 1, 6, 3},
}

// OIDError reports why a string is not an object identifier. It is a type so
// that callers can tell a bad OID from other failures with errors.As.
type OIDError struct {
	// Input is the rejected string, cut to 128 bytes.
	Input string
	// Reason says what is wrong, e.g. `"06" has a leading zero`.
	Reason string
}

// Error returns `parse OID "<input>": <reason>`.
func (e *OIDError) Error() string {
	return fmt.Sprintf("parse OID %q: %s", e.Input, e.Reason)
}

func oidError(s, format string, args ...any) error {
	if len(s) > maxErrInput {
		s = s[:maxErrInput]
	}
	return &OIDError{Input: s, Reason: fmt.Sprintf(format, args...)}
}

// ParseOID reads an object identifier in the spellings SNMP tools print, so
// that probes and importers need no notation logic of their own:
//
//	1.3.6.1.4.1.2011.2.23       dotted decimal
//	.1.3.6.1.4.1.2011.2.23      net-snmp -On
//	iso.3.6.1.4.1.2011.2.23     net-snmp default for unknown subtrees
//	SNMPv2-SMI::enterprises.2011.2   net-snmp with MIBs loaded
//	enterprises.2011, iso.org.dod.internet.private.enterprises.2011
//
// The first part may be a well-known name (iso, internet, mib-2, enterprises,
// zeroDotZero, ...); a later name must be the child of what precedes it. Arcs
// are decimal without leading zeros and below 2^32; the first arc is 0, 1 or
// 2; there are at most 128 arcs. Errors are *OIDError values.
func ParseOID(s string) (arcs []uint32, err error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return nil, oidError(s, "empty")
	}
	if len(in) > maxOIDInput {
		return nil, oidError(s, "%d bytes, longer than any OID of %d arcs", len(in), maxArcs)
	}
	if module, rest, ok := strings.Cut(in, "::"); ok {
		if !validModule(module) {
			return nil, oidError(s, "invalid MIB module name %q", module)
		}
		in = rest
	}
	in = strings.TrimPrefix(in, ".")
	parts := strings.Split(in, ".")
	arcs = make([]uint32, 0, len(parts)+len(enterprises))
	for i, p := range parts {
		switch {
		case p == "":
			return nil, oidError(s, "part %d is empty", i+1)
		case p[0] >= '0' && p[0] <= '9':
			v, err := strconv.ParseUint(p, 10, 32)
			switch {
			case err != nil && strings.Trim(p, "0123456789") == "":
				return nil, oidError(s, "%q exceeds %d", p, uint32(math.MaxUint32))
			case err != nil:
				return nil, oidError(s, "%q is neither a number nor a known name", p)
			case len(p) > 1 && p[0] == '0':
				return nil, oidError(s, "%q has a leading zero", p)
			}
			arcs = append(arcs, uint32(v))
		default:
			named, ok := oidNames[p]
			switch {
			case !ok:
				return nil, oidError(s, "%q is neither a number nor a known name", p)
			case i == 0:
				arcs = append(arcs, named...)
			case len(named) != len(arcs)+1 || !slices.Equal(named[:len(arcs)], arcs):
				return nil, oidError(s, "name %q cannot follow %s", p, FormatOID(arcs))
			default:
				arcs = append(arcs, named[len(arcs)])
			}
		}
		if len(arcs) > maxArcs {
			return nil, oidError(s, "more than %d arcs", maxArcs)
		}
	}
	if arcs[0] > 2 {
		return nil, oidError(s, "first arc is %d, want 0, 1 or 2", arcs[0])
	}
	if len(arcs) > 1 && arcs[0] < 2 && arcs[1] > 39 {
		return nil, oidError(s, "second arc is %d, want at most 39 under %d", arcs[1], arcs[0])
	}
	return arcs, nil
}

// validModule reports whether s looks like an SMI module name
// ("SNMPv2-SMI", "HUAWEI-MIB"): a letter, then letters, digits and hyphens.
func validModule(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isLetter(c) && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// FormatOID writes arcs in dotted decimal without a leading dot
// ("1.3.6.1.4.1.2011"), the form reports and ParseOID round-trip.
func FormatOID(arcs []uint32) string {
	b := make([]byte, 0, 4*len(arcs))
	for i, a := range arcs {
		if i > 0 {
			b = append(b, '.')
		}
		b = strconv.AppendUint(b, uint64(a), 10)
	}
	return string(b)
}

// Enterprise splits an OID under 1.3.6.1.4.1 into the Private Enterprise
// Number and the arcs after it: "1.3.6.1.4.1.2011.2.23" gives 2011 and
// [2 23]. It reports false for OIDs outside the enterprises subtree (e.g.
// mib-2's 1.3.6.1.2.1...), for 1.3.6.1.4.1 itself and for strings ParseOID
// rejects, so that identify can treat them all as "no vendor evidence".
func Enterprise(oid string) (pen int, rest []uint32, ok bool) {
	arcs, err := ParseOID(oid)
	if err != nil {
		return 0, nil, false
	}
	return EnterpriseOf(arcs)
}

// EnterpriseOf is Enterprise for arcs a probe already decoded from BER.
func EnterpriseOf(arcs []uint32) (pen int, rest []uint32, ok bool) {
	if len(arcs) <= len(enterprises) || !slices.Equal(arcs[:len(enterprises)], enterprises) {
		return 0, nil, false
	}
	p := arcs[len(enterprises)]
	if uint64(p) > math.MaxInt {
		return 0, nil, false // only on 32-bit platforms
	}
	return int(p), arcs[len(enterprises)+1:], true
}
