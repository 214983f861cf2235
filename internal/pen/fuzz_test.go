package pen

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
)

func FuzzParseOID(f *testing.F) {
	for _, s := range []string{
		"1.3.6.1.4.1.2011.2.23", ".1.3.6.1.4.1.3902", "iso.3.6.1.4.1.39165.1.6.0",
		"SNMPv2-SMI::enterprises.37496", "enterprises.40297", "SNMPv2-SMI::zeroDotZero",
		"iso.org.dod.internet.private.enterprises.9", "1.3..6", "1.3.06", "1.3.4294967296",
		"::", "SNMPv2-SMI::", "3.1", "1.40",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		arcs, err := ParseOID(s)
		if err != nil {
			var oe *OIDError
			if !errors.As(err, &oe) || oe.Reason == "" || len(oe.Input) > maxErrInput {
				t.Fatalf("ParseOID(%q): bad error %#v", s, err)
			}
			if _, _, ok := Enterprise(s); ok {
				t.Fatalf("Enterprise(%q) ok for an invalid OID", s)
			}
			return
		}
		if len(arcs) == 0 || len(arcs) > maxArcs || arcs[0] > 2 {
			t.Fatalf("ParseOID(%q) = %v", s, arcs)
		}
		// Dotted decimal round-trips, with or without the leading dot.
		text := FormatOID(arcs)
		for _, form := range []string{text, "." + text} {
			again, err := ParseOID(form)
			if err != nil || !slices.Equal(again, arcs) {
				t.Fatalf("ParseOID(%q) = %v, %v; want %v", form, again, err, arcs)
			}
		}
		pen, rest, ok := Enterprise(s)
		if ok != (len(arcs) > 6 && slices.Equal(arcs[:6], enterprises)) {
			t.Fatalf("Enterprise(%q) ok = %v for %v", s, ok, arcs)
		}
		if ok && (uint32(pen) != arcs[6] || !slices.Equal(rest, arcs[7:])) {
			t.Fatalf("Enterprise(%q) = %d, %v for %v", s, pen, rest, arcs)
		}
	})
}

func FuzzParseIANA(f *testing.F) {
	sample, err := os.ReadFile("testdata/enterprise-numbers.txt")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sample)
	f.Add([]byte("0\n  Reserved\nEnd of Document\n"))
	f.Add([]byte("(last updated 2025-08-22)\r\n7\r\n\tCAYMAN\r\n9\r\n  ---none---\r\nEnd of Document"))
	f.Add([]byte("1\n2\n  x\nEnd of Document\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := ParseIANA(bytes.NewReader(data), "fuzz.txt")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.txt") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if tab.Info().Entries == 0 {
			return // only ---none--- records: nothing to write back
		}
		// Writing the table back in IANA's format and reading it again
		// gives the same table.
		again, err := ParseIANA(bytes.NewReader(writeIANA(tab)), "again.txt")
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if !maps.Equal(tab.orgs, again.orgs) || tab.Info().Date != again.Info().Date {
			t.Fatalf("re-parsed table differs: %v %v vs %v %v", tab.Info(), tab.orgs, again.Info(), again.orgs)
		}
		for pen, org := range tab.orgs {
			if org == "" || org != strings.TrimSpace(org) || strings.ContainsAny(org, "\t\n") || org == unassigned {
				t.Fatalf("enterprise %d has organisation %q", pen, org)
			}
		}
	})
}

// writeIANA writes a table in the layout of enterprise-numbers.txt.
func writeIANA(t *Table) []byte {
	var b bytes.Buffer
	if t.info.Date != "" {
		fmt.Fprintf(&b, "PRIVATE ENTERPRISE NUMBERS\n\n(last updated %s)\n\n", t.info.Date)
	}
	for _, pen := range slices.Sorted(maps.Keys(t.orgs)) {
		fmt.Fprintf(&b, "%d\n  %s\n    contact\n      email\n", pen, t.orgs[pen])
	}
	b.WriteString("End of Document\n")
	return b.Bytes()
}
