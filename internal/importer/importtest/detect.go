package importtest

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/coveredtool/covered/internal/importer"
)

// Detect says what DetectTestdata expects of a package's formats.
type Detect struct {
	// Formats names the package's formats.
	Formats []string
	// Own maps each sample under the package's testdata/ (its path below
	// testdata/, slash-separated) to the formats that must claim it among
	// all registered formats: their names, comma-separated in name order,
	// usually one. Every other file there, like every file of the other
	// importers, must be claimed by none of Formats.
	Own map[string]string
	// NoExample names the formats whose Example describes a binary file
	// rather than showing one.
	NoExample []string
	// Extra are inputs written in the test (near misses, other forms of a
	// format), with the formats among all registered that must claim them,
	// as in Own; "" for none.
	Extra map[string]Sample
}

// Sample is an input written in a test and the formats that must claim
// it, as in Detect.Own.
type Sample struct {
	Data, Want string
}

// common are inputs of no importer, or of one every test binary of
// DetectTestdata links (observations), that no other format may claim.
var common = map[string]Sample{
	"empty":                   {Data: ""},
	"observations.jsonl":      {Data: `{"host":"10.1.2.3","key":"ssh.banner","value":"SSH-2.0-HUAWEI-1.5"}` + "\n", Want: "observations"},
	"unrelated-nmap-grepable": {Data: "# Nmap 7.94 scan initiated\nHost: 10.0.0.1 ()\tStatus: Up\n"},
	"iis-w3c":                 {Data: "#Software: Microsoft Internet Information Services 10.0\n#Fields: date time s-ip cs-method cs-uri-stem\n2026-11-27 10:00:00 10.0.0.1 GET /\n"},
	"json-array":              {Data: `[{"host":"a"}]`},
}

// minSamples is fewer files than internal/importer/*/testdata holds: a
// walk that finds fewer went wrong.
const minSamples = 40

// DetectTestdata runs Detect on the head (HeadSize bytes) of every file
// under ../*/testdata, the samples and golden files of every importer, the
// fuzzers' corpora (testdata/fuzz) aside: those are encoded inputs, not
// files. A file in d.Own must be claimed by exactly the formats it names
// among all registered ones; any other file by none of d.Formats. Each of
// d.Formats but d.NoExample must claim its own Example, with and without a
// final newline, alone. Each of d.Extra is checked as a file of d.Own, and
// so are a few inputs every package checks: some of no importer (an empty
// file, nmap's grepable output, an IIS log, a JSON array) that no format
// may claim, and a line of covered's own observations that only the
// observations format may claim.
//
// The test binary should register every format (import _
// "github.com/coveredtool/covered/internal/importer/all"): "all registered"
// means those it links.
func DetectTestdata(t *testing.T, d Detect) {
	t.Helper()
	mine := map[string]bool{}
	for _, name := range d.Formats {
		Lookup(t, name)
		mine[name] = true
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	ownDir := filepath.Join("..", filepath.Base(wd), "testdata")
	dirs, err := filepath.Glob(filepath.Join("..", "*", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	n := 0
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
			t.Helper()
			switch {
			case err != nil:
				return err
			case e.IsDir() && e.Name() == "fuzz" && filepath.Dir(path) == dir:
				return filepath.SkipDir
			case !e.Type().IsRegular():
				return nil
			}
			n++
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			head := Head(b)
			if rel, err := filepath.Rel(ownDir, path); err == nil && !strings.HasPrefix(rel, "..") {
				if want, ok := d.Own[filepath.ToSlash(rel)]; ok {
					found[filepath.ToSlash(rel)] = true
					if got := claims(head); got != want {
						t.Errorf("Detect(%s) = [%s], want [%s]", path, got, want)
					}
					return nil
				}
			}
			for _, f := range importer.Detect(head) {
				if mine[f.Name()] {
					t.Errorf("%s claims %s", f.Name(), path)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < minSamples {
		t.Fatalf("found only %d files under ../*/testdata", n)
	}
	for _, name := range slices.Sorted(maps.Keys(d.Own)) {
		if !found[name] {
			t.Errorf("sample %s not found under testdata/", name)
		}
	}
	for _, name := range d.Formats {
		if slices.Contains(d.NoExample, name) {
			continue
		}
		f := Lookup(t, name)
		for _, s := range []string{f.Example(), f.Example() + "\n"} {
			if got := claims([]byte(s)); got != name {
				t.Errorf("Detect(%s example %q) = [%s], want [%s]", name, s, got, name)
			}
		}
	}
	extra := maps.Clone(common)
	maps.Copy(extra, d.Extra)
	for _, name := range slices.Sorted(maps.Keys(extra)) {
		x := extra[name]
		if got := claims([]byte(x.Data)); got != x.Want {
			t.Errorf("Detect(%s) = [%s], want [%s]", name, got, x.Want)
		}
	}
}

// claims returns the names of the registered formats that claim head,
// comma-separated in name order.
func claims(head []byte) string {
	var names []string
	for _, f := range importer.Detect(head) {
		names = append(names, f.Name())
	}
	return strings.Join(names, ",")
}
