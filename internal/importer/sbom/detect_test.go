package sbom_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coveredtool/covered/internal/importer"
	_ "github.com/coveredtool/covered/internal/importer/all"
	_ "github.com/coveredtool/covered/internal/importer/sbom"
)

// own names the format of each sample under testdata/; every other file
// under internal/importer/*/testdata/ is another format's, which this
// package's formats must not claim.
var own = map[string]string{
	"camera-firmware.cdx.json":         "cyclonedx",
	"webapp-plain.cdx.json":            "cyclonedx",
	"vms-recorder.cdx.xml":             "cyclonedx",
	"mail-gateway-kaspersky.spdx.json": "spdx",
	"iot-gateway.spdx":                 "spdx",
}

// extra are inputs written here: look-alikes none of this package's
// formats may claim ("") and other forms of the formats.
var extra = map[string]struct{ data, want string }{
	"observations-with-sbom-values": {`{"host":"sbom:x@1","key":"sbom.component","value":"{\"bomFormat\":\"CycloneDX\",\"spdxVersion\":\"SPDX-2.3\"}"}` + "\n", ""},
	"spdx-3-jsonld":                 {`{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": []}`, ""},
	"json-mentioning-formats":       {`{"note": "bomFormat CycloneDX and SPDXVersion: SPDX-2.3"}`, ""},
	"text-mentioning-spdxversion":   {"release notes\n  the SPDXVersion: tag is written first\n", ""},
	"xml-other-namespace":           {`<?xml version="1.0"?><bom xmlns="http://example.com/bom/1.0"/>`, ""},
	"cyclonedx-minified":            {`{"$schema":"http://cyclonedx.org/schema/bom-1.6.schema.json","bomFormat":"CycloneDX","specVersion":"1.6","components":[]}`, "cyclonedx"},
	"cyclonedx-xml-prefixed":        {`<cdx:bom xmlns:cdx="http://cyclonedx.org/schema/bom/1.5" version="1"/>`, "cyclonedx"},
	"spdx-json-bom":                 {"\xef\xbb\xbf{\n  \"spdxVersion\" : \"SPDX-2.2\"\n}", "spdx"},
}

func mine(t *testing.T) []importer.Format {
	var fs []importer.Format
	for _, name := range []string{"cyclonedx", "spdx"} {
		f, ok := importer.Lookup(name)
		if !ok {
			t.Fatalf("format %s not registered", name)
		}
		fs = append(fs, f)
	}
	return fs
}

// TestDetect checks this package's Detect against every file under
// internal/importer/*/testdata/: its own samples are claimed by exactly
// their format among all registered formats, and nothing else is claimed.
func TestDetect(t *testing.T) {
	formats := mine(t)
	dirs, err := filepath.Glob("../*/testdata")
	if err != nil || len(dirs) < 2 {
		t.Fatalf("testdata directories: %v %v", dirs, err)
	}
	seenOwn := map[string]bool{}
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			head, err := readHead(path)
			if err != nil {
				return err
			}
			want := ""
			if filepath.Dir(path) == filepath.Join("..", "sbom", "testdata") {
				want = own[e.Name()]
				if want != "" {
					seenOwn[e.Name()] = true
					if got := names(importer.Detect(head)); got != want {
						t.Errorf("all formats: Detect(%s) = [%s], want [%s]", path, got, want)
					}
				}
			}
			var got []importer.Format
			for _, f := range formats {
				if f.Detect(head) {
					got = append(got, f)
				}
			}
			if names(got) != want {
				t.Errorf("Detect(%s) = [%s], want [%s]", path, names(got), want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for name := range own {
		if !seenOwn[name] {
			t.Errorf("sample %s not found under testdata/", name)
		}
	}
	for name, x := range extra {
		var got []importer.Format
		for _, f := range formats {
			if f.Detect([]byte(x.data)) {
				got = append(got, f)
			}
		}
		if names(got) != x.want {
			t.Errorf("Detect(%s) = [%s], want [%s]", name, names(got), x.want)
		}
	}
}

// readHead returns what Detect sees of a file: its first HeadSize bytes.
func readHead(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if len(b) > importer.HeadSize {
		b = b[:importer.HeadSize]
	}
	return bytes.Clone(b), err
}

func names(fs []importer.Format) string {
	var s []string
	for _, f := range fs {
		s = append(s, f.Name())
	}
	return strings.Join(s, ",")
}
