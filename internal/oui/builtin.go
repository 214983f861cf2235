package oui

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"sync"
)

// builtinTSV is the generated table: gzip-compressed lines of
// "PREFIX<TAB>Org", PREFIX being 6, 7 or 9 uppercase hex digits.
//
//go:embed oui.tsv.gz
var builtinTSV []byte

var builtin = sync.OnceValue(func() *Table {
	t, err := decodeTSV(builtinTSV, Info{Name: tableName, Source: builtinSource, Date: builtinDate})
	if err != nil {
		// The file is generated and tested; failing here is a build defect.
		panic("oui: embedded oui.tsv.gz: " + err.Error())
	}
	return t
})

// Builtin returns the table shipped in the binary, decoded on first use
// (about 50,000 blocks; some 40 ms and 16 MB of garbage) and shared
// afterwards. It is safe for concurrent use.
func Builtin() *Table { return builtin() }

// registryOf maps the number of hex digits of a prefix to its prefix length
// and registry.
func registryOf(digits int) (bits uint8, registry string, ok bool) {
	switch digits {
	case 6:
		return 24, "MA-L", true
	case 7:
		return 28, "MA-M", true
	case 9:
		return 36, "MA-S", true
	}
	return 0, "", false
}

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
	b := make(builder, strings.Count(text, "\n"))
	for n := 1; text != ""; n++ {
		line, rest, _ := strings.Cut(text, "\n")
		text = rest
		hex, org, ok := strings.Cut(line, "\t")
		if !ok || org == "" {
			return nil, fmt.Errorf("line %d: want PREFIX<TAB>Org, got %q", n, line)
		}
		k, registry, err := parseAssignment(hex)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		b.add(k, registry, org)
	}
	return b.build(info), nil
}

// parseAssignment reads a prefix as the IEEE writes it in its CSV files and
// oui-data in its keys: 6, 7 or 9 hex digits without separators.
func parseAssignment(hex string) (block, string, error) {
	bits, registry, ok := registryOf(len(hex))
	if !ok {
		return block{}, "", fmt.Errorf("prefix %q: want 6, 7 or 9 hex digits", hex)
	}
	var v uint64
	for i := 0; i < len(hex); i++ {
		d := hexDigit(hex[i])
		if d < 0 {
			return block{}, "", fmt.Errorf("prefix %q: invalid hex digit %q", hex, hex[i])
		}
		v = v<<4 | uint64(d)
	}
	return block{val: v, bits: bits}, registry, nil
}
