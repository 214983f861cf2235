package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sample = `#
# generated from https://www.iana.org/assignments/enterprise-numbers/enterprise-numbers
#
# (last updated 2024-08-23)

0	Reserved
9	ciscoSystems
78	LogMatrix Inc	# formerly 'OpenService Inc.'
4378	---none---
8606	Vancouver School District # 37
2011	HUAWEI Technology Co.,Ltd
`

func TestRun(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "enterprises.tsv")
	if err := os.WriteFile(in, []byte(sample), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run([]string{"-in", in, "-version", "1.2-3", "-out", dir}, &out); err != nil {
		t.Fatal(err)
	}
	gz, err := os.ReadFile(filepath.Join(dir, "pen.tsv.gz"))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	tsv, _ := io.ReadAll(zr)
	want := "0\tReserved\n9\tciscoSystems\n78\tLogMatrix Inc (formerly 'OpenService Inc.')\n" +
		"2011\tHUAWEI Technology Co.,Ltd\n8606\tVancouver School District # 37\n"
	if string(tsv) != want {
		t.Errorf("pen.tsv.gz:\n%s\nwant:\n%s", tsv, want)
	}
	src, err := os.ReadFile(filepath.Join(dir, "builtin_gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		`"IANA Private Enterprise Numbers via Debian libwireshark-data 1.2-3"`,
		`builtinDate = "2024-08-23"`, `builtinCount = 5`, `builtinUnassigned = 1`,
		`"https://www.iana.org/assignments/enterprise-numbers/enterprise-numbers"`,
	} {
		if !strings.Contains(string(src), s) {
			t.Errorf("builtin_gen.go lacks %s:\n%s", s, src)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"no name", "5\t\n", "x:1: enterprise 5 has no name"},
		{"no separator", "5Name\n", `x:1: want NUMBER<TAB>Name, got "5Name"`},
		{"repeated", "5\tA\n5\tB\n", "x:2: enterprise 5 repeated (first on line 1)"},
		{"overflow", "4294967296\tA\n", `x:1: strconv.ParseUint: parsing "4294967296": value out of range`},
		{"empty", "# nothing\n", "x: no enterprises"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse(strings.NewReader(tc.in), "x")
			if err == nil || err.Error() != tc.want {
				t.Errorf("parse error %v, want %s", err, tc.want)
			}
		})
	}
}
