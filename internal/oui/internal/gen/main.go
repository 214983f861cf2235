// Command gen rebuilds the embedded MAC block table of package oui from the
// npm package oui-data, which republishes the IEEE MA-L, MA-M and MA-S
// registries as one JSON object. It exists so that the table shipped in the
// binary is reproducible from a named, versioned public package with its
// publish date recorded next to it.
//
// go generate runs it in internal/oui:
//
//	go run ./internal/gen -pkg oui-data@2.1.9 [-tgz FILE] [-date YYYY-MM-DD] [-out DIR]
//
// Without -tgz it calls `npm pack` and `npm view` (the ordinary npm client);
// with -tgz and -date it works offline.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// maxIndex bounds the size of index.json read from the tarball (5.6 MB in
// 2.1.9), so that a wrong tarball fails instead of filling memory.
const maxIndex = 64 << 20

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "oui gen:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	pkg := fs.String("pkg", "oui-data@2.1.9", "npm package spec with an exact version")
	tgz := fs.String("tgz", "", "use this tarball instead of running npm pack")
	date := fs.String("date", "", "publish date (YYYY-MM-DD) instead of asking npm view")
	out := fs.String("out", ".", "directory to write oui.tsv.gz and builtin_gen.go to")
	if err := fs.Parse(args); err != nil {
		return err
	}
	name, version, ok := strings.Cut(*pkg, "@")
	if !ok || name == "" || version == "" {
		return fmt.Errorf("-pkg %q: want name@version with an exact version", *pkg)
	}
	published := *date
	if published == "" {
		t, err := publishTime(name, version)
		if err != nil {
			return err
		}
		published = t
	}
	path := *tgz
	if path == "" {
		dir, err := os.MkdirTemp("", "oui-gen-")
		if err != nil {
			return fmt.Errorf("temp dir: %w", err)
		}
		defer os.RemoveAll(dir)
		if path, err = npmPack(*pkg, dir); err != nil {
			return err
		}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read tarball: %w", err)
	}
	sum := sha256.Sum256(raw)
	index, err := readIndex(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	rows, counts, err := convert(index)
	if err != nil {
		return fmt.Errorf("%s: package/index.json: %w", path, err)
	}
	tsv, err := encodeTSV(rows)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, "oui.tsv.gz"), tsv, 0o644); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	src, err := goSource(provenance{
		Pkg:       *pkg,
		Published: published,
		SHA256:    hex.EncodeToString(sum[:]),
		Counts:    counts,
	})
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, "builtin_gen.go"), src, 0o644); err != nil {
		return fmt.Errorf("write provenance: %w", err)
	}
	fmt.Fprintf(stdout, "oui: %d blocks (MA-L %d, MA-M %d, MA-S %d) from npm %s published %s; oui.tsv.gz %d bytes\n",
		len(rows), counts["MA-L"], counts["MA-M"], counts["MA-S"], *pkg, published, len(tsv))
	return nil
}

// readIndex returns the JSON object of package/index.json in an npm tarball.
func readIndex(tgz []byte) (map[string]string, error) {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, errors.New("no package/index.json in tarball")
		}
		if err != nil {
			return nil, fmt.Errorf("untar: %w", err)
		}
		if h.Name != "package/index.json" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(tr, maxIndex+1))
		if err != nil {
			return nil, fmt.Errorf("read package/index.json: %w", err)
		}
		if len(data) > maxIndex {
			return nil, fmt.Errorf("package/index.json is larger than %d bytes", maxIndex)
		}
		var index map[string]string
		if err := json.Unmarshal(data, &index); err != nil {
			return nil, fmt.Errorf("decode package/index.json: %w", err)
		}
		return index, nil
	}
}

// row is one block of the embedded table.
type row struct{ prefix, org string }

// registries maps the number of hex digits of an oui-data key to the IEEE
// registry it comes from.
var registries = map[int]string{6: "MA-L", 7: "MA-M", 9: "MA-S"}

// convert checks every key and keeps the first line of each value, the
// organisation name; the rest is the postal address, which identify does not
// need.
func convert(index map[string]string) ([]row, map[string]int, error) {
	rows := make([]row, 0, len(index))
	counts := map[string]int{}
	for key, value := range index {
		reg, ok := registries[len(key)]
		if !ok || strings.ToUpper(key) != key || !isHex(key) {
			return nil, nil, fmt.Errorf("key %q: want 6, 7 or 9 uppercase hex digits", key)
		}
		first, _, _ := strings.Cut(value, "\n")
		org := strings.TrimSpace(strings.NewReplacer("\t", " ", "\r", " ").Replace(first))
		if org == "" {
			return nil, nil, fmt.Errorf("key %s: empty organisation name", key)
		}
		rows = append(rows, row{key, org})
		counts[reg]++
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].prefix < rows[j].prefix })
	return rows, counts, nil
}

func isHex(s string) bool {
	for _, c := range s {
		if !strings.ContainsRune("0123456789ABCDEFabcdef", c) {
			return false
		}
	}
	return s != ""
}

// encodeTSV writes "PREFIX<TAB>Org\n" lines, gzip-compressed without a file
// name or time stamp so that the output depends only on the input.
func encodeTSV(rows []row) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	for _, r := range rows {
		if _, err := fmt.Fprintf(zw, "%s\t%s\n", r.prefix, r.org); err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return buf.Bytes(), nil
}
