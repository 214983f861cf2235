// Package pen maps IANA Private Enterprise Numbers to organisations and reads
// SNMP object identifiers. It is one of the lookup tables used by identify:
// an SNMP sysObjectID such as 1.3.6.1.4.1.2011.2.23.96 names its vendor by
// the arc after 1.3.6.1.4.1 (2011, Huawei), and this package turns that arc
// into the registrant's name.
//
// The built-in table is generated from a named public package (see
// builtin_gen.go for its source and date) and can be refreshed at run time
// from IANA's own enterprise-numbers.txt with ParseIANA and Merge.
//
// An enterprise number says whose MIB a device implements, which is usually
// but not always its maker: H3C gear long answered under Huawei's 2011.10
// subtree, and Dahua devices use the unregistered arc 1004849.
package pen

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"maps"
	"strconv"
	"strings"
	"sync"
)

//go:generate go run ./internal/gen -deb libwireshark-data -out .

// Table is an immutable map from enterprise number to organisation. It is
// safe for concurrent use; Merge and WithSource return new tables.
type Table struct {
	orgs map[uint32]string
	info Info
}

// Info describes where a table came from, for reports and `covered lists`.
type Info struct {
	// Name says what the table is: "IANA Private Enterprise Numbers".
	Name string
	// Source names the package or file the table was built from.
	Source string
	// Date is the registry's "last updated" date as YYYY-MM-DD, empty when
	// unknown.
	Date string
	// Entries is the number of enterprises in the table.
	Entries int
}

// tableName is Info.Name of every table this package builds.
const tableName = "IANA Private Enterprise Numbers"

// unassigned is the organisation IANA lists for numbers that have none; such
// numbers are left out, so that Org reports them as unknown.
const unassigned = "---none---"

func newTable(orgs map[uint32]string, info Info) *Table {
	info.Name = tableName
	info.Entries = len(orgs)
	return &Table{orgs: orgs, info: info}
}

// Org returns the organisation registered for an enterprise number, as IANA
// spells it (e.g. 2011 → "HUAWEI Technology Co.,Ltd"). It reports false for
// numbers not in the table, including negative ones.
func (t *Table) Org(pen int) (string, bool) {
	if pen < 0 || uint64(pen) > 1<<32-1 {
		return "", false
	}
	org, ok := t.orgs[uint32(pen)]
	return org, ok
}

// Info says where the table came from and how many enterprises it holds.
func (t *Table) Info() Info { return t.info }

// Merge returns a table with the enterprises of both; where both have a
// number, o's organisation wins. It is how a fresh IANA download replaces the
// built-in table while keeping what the download lacks. Info's Source joins
// both sources and Date is the later of the two.
func (t *Table) Merge(o *Table) *Table {
	orgs := make(map[uint32]string, len(t.orgs)+len(o.orgs))
	maps.Copy(orgs, t.orgs)
	maps.Copy(orgs, o.orgs)
	return newTable(orgs, Info{
		Source: t.info.Source + " + " + o.info.Source,
		Date:   max(t.info.Date, o.info.Date),
	})
}

// WithSource returns the same enterprises under a new Source and Date, for
// updaters that know better where and when they fetched the file.
func (t *Table) WithSource(source, date string) *Table {
	c := *t
	c.info.Source, c.info.Date = source, date
	return &c
}

// builtinTSV is the generated table: gzip-compressed "NUMBER<TAB>Org" lines.
//
//go:embed pen.tsv.gz
var builtinTSV []byte

var builtin = sync.OnceValue(func() *Table {
	t, err := decodeTSV(builtinTSV, Info{Source: builtinSource, Date: builtinDate})
	if err != nil {
		// The file is generated and tested; failing here is a build defect.
		panic("pen: embedded pen.tsv.gz: " + err.Error())
	}
	return t
})

// Builtin returns the table shipped in the binary, decoded on first use and
// shared afterwards. It is safe for concurrent use.
func Builtin() *Table { return builtin() }

// decodeTSV reads the generated format. Org strings share the memory of the
// decompressed file instead of being copied one by one.
func decodeTSV(gz []byte, info Info) (*Table, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	text := string(raw)
	orgs := make(map[uint32]string, strings.Count(text, "\n"))
	for n := 1; text != ""; n++ {
		line, rest, _ := strings.Cut(text, "\n")
		text = rest
		num, org, ok := strings.Cut(line, "\t")
		pen, err := strconv.ParseUint(num, 10, 32)
		if !ok || err != nil || org == "" {
			return nil, fmt.Errorf("line %d: want NUMBER<TAB>Org, got %q", n, line)
		}
		orgs[uint32(pen)] = org
	}
	return newTable(orgs, info), nil
}
