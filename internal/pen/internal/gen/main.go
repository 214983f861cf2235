// Command gen rebuilds the embedded IANA Private Enterprise Number table of
// package pen from Wireshark's copy of the registry (enterprises.tsv, shipped
// by Debian's libwireshark-data), recording the Debian package version and
// the registry date the file states. It exists so that the table in the
// binary is reproducible from a named package on any Debian system.
//
// go generate runs it in internal/pen:
//
//	go run ./internal/gen [-in FILE] [-deb PACKAGE] [-version V] [-out DIR]
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pen gen:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	in := fs.String("in", "/usr/share/wireshark/enterprises.tsv", "Wireshark enterprises.tsv")
	deb := fs.String("deb", "libwireshark-data", "Debian package that ships -in, for the recorded source")
	version := fs.String("version", "", "package version to record instead of asking dpkg-query")
	out := fs.String("out", ".", "directory to write pen.tsv.gz and builtin_gen.go to")
	if err := fs.Parse(args); err != nil {
		return err
	}
	v := *version
	if v == "" {
		var err error
		if v, err = debVersion(*deb); err != nil {
			return err
		}
	}
	f, err := os.Open(*in)
	if err != nil {
		return fmt.Errorf("open registry: %w", err)
	}
	reg, err := parse(f, *in)
	f.Close()
	if err != nil {
		return err
	}
	tsv, err := encodeTSV(reg.rows)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, "pen.tsv.gz"), tsv, 0o644); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	src, err := goSource(provenance{
		Args:       "-deb " + *deb,
		Source:     fmt.Sprintf("IANA Private Enterprise Numbers via Debian %s %s", *deb, v),
		Date:       reg.date,
		Upstream:   reg.upstream,
		Count:      len(reg.rows),
		Unassigned: reg.unassigned,
	})
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, "builtin_gen.go"), src, 0o644); err != nil {
		return fmt.Errorf("write provenance: %w", err)
	}
	fmt.Fprintf(stdout, "pen: %d enterprises (%d listed as ---none--- left out) from %s %s, registry date %q; pen.tsv.gz %d bytes\n",
		len(reg.rows), reg.unassigned, *deb, v, reg.date, len(tsv))
	return nil
}

// debVersion asks dpkg which version of pkg is installed.
func debVersion(pkg string) (string, error) {
	var stderr bytes.Buffer
	cmd := exec.Command("dpkg-query", "-W", "-f=${Version}", pkg)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("dpkg-query %s: %w: %s (use -version)", pkg, err, strings.TrimSpace(stderr.String()))
	}
	v := strings.TrimSpace(string(out))
	if v == "" {
		return "", fmt.Errorf("dpkg-query %s: not installed (use -version)", pkg)
	}
	return v, nil
}

// row is one enterprise of the embedded table.
type row struct {
	pen uint32
	org string
}

// registry is what parse reads from enterprises.tsv.
type registry struct {
	rows       []row
	date       string // "(last updated YYYY-MM-DD)" in the header
	upstream   string // "generated from URL" in the header
	unassigned int    // entries whose organisation is ---none---
}

var (
	lastUpdated   = regexp.MustCompile(`\(last updated (\d{4}-\d{2}-\d{2})\)`)
	generatedFrom = regexp.MustCompile(`generated from (\S+)`)
)

// parse reads Wireshark's format: "NUMBER<TAB>Name", optionally followed by
// "<TAB># formerly 'Old name'", which IANA's own file writes as
// "Name (formerly 'Old name')"; the table keeps IANA's spelling. A '#'
// without a tab before it is part of the name ("School District #57").
func parse(r io.Reader, name string) (registry, error) {
	var reg registry
	seen := map[uint32]int{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.HasPrefix(line, "#") {
			if m := lastUpdated.FindStringSubmatch(line); m != nil {
				reg.date = m[1]
			}
			if m := generatedFrom.FindStringSubmatch(line); m != nil {
				reg.upstream = m[1]
			}
			continue
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		i := strings.IndexFunc(line, func(r rune) bool { return r < '0' || r > '9' })
		if i <= 0 || (line[i] != ' ' && line[i] != '\t') {
			return reg, fmt.Errorf("%s:%d: want NUMBER<TAB>Name, got %q", name, n, line)
		}
		pen, err := strconv.ParseUint(line[:i], 10, 32)
		if err != nil {
			return reg, fmt.Errorf("%s:%d: %w", name, n, err)
		}
		rest := line[i:]
		org, comment, _ := strings.Cut(rest, "\t#")
		org = strings.TrimSpace(strings.ReplaceAll(org, "\t", " "))
		if c := strings.TrimSpace(comment); c != "" {
			org += " (" + c + ")"
		}
		if org == "" {
			return reg, fmt.Errorf("%s:%d: enterprise %d has no name", name, n, pen)
		}
		if first, dup := seen[uint32(pen)]; dup {
			return reg, fmt.Errorf("%s:%d: enterprise %d repeated (first on line %d)", name, n, pen, first)
		}
		seen[uint32(pen)] = n
		if org == "---none---" {
			reg.unassigned++
			continue
		}
		reg.rows = append(reg.rows, row{uint32(pen), org})
	}
	if err := sc.Err(); err != nil {
		return reg, fmt.Errorf("%s: %w", name, err)
	}
	if len(reg.rows) == 0 {
		return reg, errors.New(name + ": no enterprises")
	}
	slices.SortFunc(reg.rows, func(a, b row) int { return cmp.Compare(a.pen, b.pen) })
	return reg, nil
}

// encodeTSV writes "NUMBER<TAB>Org\n" lines, gzip-compressed without a file
// name or time stamp so that the output depends only on the input.
func encodeTSV(rows []row) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	w := bufio.NewWriter(zw)
	for _, r := range rows {
		fmt.Fprintf(w, "%d\t%s\n", r.pen, r.org)
	}
	if err := w.Flush(); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return buf.Bytes(), nil
}
