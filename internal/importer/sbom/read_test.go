package sbom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// seen is the modification time the tests give every file.
var seen = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// The samples under testdata/ are described in testdata/README.md; each
// holds deliberately bad components.
var cases = []struct {
	name, format, file string
	wantHost           string
	wantObs            int
	wantBad            []string // errors reported, in order
}{
	{"camera-hisilicon", "cyclonedx", "camera-firmware.cdx.json", "sbom:AV-IPC3MP-S2@2.4.1", 14, []string{
		`camera-firmware.cdx.json:8: component 8: member "version": JSON number where a string belongs`,
	}},
	{"gateway-kaspersky", "spdx", "mail-gateway-kaspersky.spdx.json", "sbom:Acme Mail Gateway@5.2.0", 10, []string{
		`mail-gateway-kaspersky.spdx.json:5: component 5: member "name": JSON array where a string belongs`,
	}},
	{"webapp-plain", "cyclonedx", "webapp-plain.cdx.json", "sbom:ticket-desk@3.1.0", 7, []string{
		`webapp-plain.cdx.json:4: component 4: no name`,
	}},
	{"iot-gateway-tagvalue", "spdx", "iot-gateway.spdx", "sbom:EG300@3.4.2", 8, []string{
		`iot-gateway.spdx:3: component 3: line 52: ExternalRef "SECURITY cpe23Type": want category, type and locator`,
		`iot-gateway.spdx:5: component 5: line 73: not a Tag: value line`,
	}},
	{"vms-recorder-xml", "cyclonedx", "vms-recorder.cdx.xml", "sbom:Acme VMS Recorder@7.3.0", 10, []string{
		`vms-recorder.cdx.xml:3: component 3: strconv.ParseBool: parsing "maybe": invalid syntax`,
		`vms-recorder.cdx.xml:4: component 4: unknown element: proprietary`,
		`vms-recorder.cdx.xml:6: component 6: no name`,
	}},
}

// run reads data with the named format as the file name.
func run(t testing.TB, format string, data []byte, name string) ([]covered.Observation, []*importer.RecordError, error) {
	t.Helper()
	return importtest.Run(t, importtest.Lookup(t, format), data, importer.Source{Name: name, Seen: seen})
}

func TestRead(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obs, bad := importtest.ReadSample(t, importtest.Lookup(t, tc.format), tc.file, importer.Source{Seen: seen})
			var got []string
			for _, e := range bad {
				got = append(got, e.Error())
			}
			if !slices.Equal(got, tc.wantBad) {
				t.Errorf("bad records:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.wantBad, "\n"))
			}
			if len(obs) != tc.wantObs {
				t.Errorf("%d observations, want %d", len(obs), tc.wantObs)
			}
			for _, o := range obs {
				if o.Host != tc.wantHost {
					t.Errorf("host %q, want %q", o.Host, tc.wantHost)
				}
				if o.Key == "sbom.component" && !json.Valid([]byte(o.Value)) {
					t.Errorf("sbom.component value is not JSON: %s", o.Value)
				}
			}
		})
	}
}

// TestDocumentErrors checks the documents that end a read: their exact
// error, and that nothing was emitted.
func TestDocumentErrors(t *testing.T) {
	for _, tc := range []struct {
		name, format, data, want string
	}{
		{"cdx-not-json", "cyclonedx", `{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [`,
			"decode x as CycloneDX JSON: unexpected EOF"},
		{"cdx-empty", "cyclonedx", " \n", "decode x as CycloneDX JSON: empty document"},
		{"cdx-truncated-object", "cyclonedx", `{"bomFormat": "CycloneDX"` + "\n", "decode x as CycloneDX JSON: unexpected EOF"},
		{"spdx-bad-json", "spdx", `{"spdxVersion": "SPDX-2.3", "packages": [{"name": "a",}]}`,
			"decode x as SPDX JSON: invalid character '}' looking for beginning of object key string"},
		{"cdx-future-major", "cyclonedx", `{"bomFormat": "CycloneDX", "specVersion": "2.0", "components": []}`,
			`decode x as CycloneDX JSON: unsupported CycloneDX spec version "2.0": want 1.x (1.2 to 1.6 are known)`},
		{"cdx-no-version", "cyclonedx", `{"bomFormat": "CycloneDX", "components": []}`,
			`decode x as CycloneDX JSON: unsupported CycloneDX spec version "": want 1.x (1.2 to 1.6 are known)`},
		{"cdx-wrong-format", "cyclonedx", `{"bomFormat": "SPDX", "specVersion": "1.6"}`,
			`decode x as CycloneDX JSON: bomFormat "SPDX", want "CycloneDX"`},
		{"cdx-components-not-array", "cyclonedx", `{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": {}}`,
			`decode x as CycloneDX JSON: member "components": want an array`},
		{"cdx-xml-other-root", "cyclonedx", `<?xml version="1.0"?><nmaprun xmlns="http://cyclonedx.org/schema/bom/1.6"/>`,
			`decode x as CycloneDX XML: root element <nmaprun> in namespace "http://cyclonedx.org/schema/bom/1.6" is not a CycloneDX bom`},
		{"cdx-xml-truncated", "cyclonedx", `<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component type="library"><name>x</name>`,
			"decode x as CycloneDX XML: XML syntax error on line 1: unexpected EOF"},
		{"cdx-xml-unclosed-root", "cyclonedx", `<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components></components>`,
			"decode x as CycloneDX XML: XML syntax error on line 1: unexpected EOF"},
		{"spdx-3", "spdx", `{"spdxVersion": "SPDX-3.0", "packages": []}`,
			`decode x as SPDX JSON: unsupported SPDX version "SPDX-3.0": want SPDX-2.2 or SPDX-2.3`},
		{"spdx-tags-1.2", "spdx", "SPDXVersion: SPDX-1.2\nPackageName: x\n",
			`decode x as SPDX tag-value: unsupported SPDX version "SPDX-1.2": want SPDX-2.2 or SPDX-2.3`},
		{"spdx-tags-no-version", "spdx", "DocumentName: x\nPackageName: x\n",
			"decode x as SPDX tag-value: no SPDXVersion line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obs, bad, err := run(t, tc.format, []byte(tc.data), "x")
			if err == nil || err.Error() != tc.want {
				t.Errorf("Read = %v, want %s", err, tc.want)
			}
			if len(obs) != 0 || len(bad) != 0 {
				t.Errorf("%d observations and %d bad records from a document that ended the read", len(obs), len(bad))
			}
		})
	}
}

// TestTooLarge checks the size cap names the file and stops the read.
func TestTooLarge(t *testing.T) {
	defer func(old int64) { maxDocument = old }(maxDocument)
	maxDocument = 1 << 20
	data := append([]byte(`{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [`), bytes.Repeat([]byte(`{"name": "x"},`), 1<<17)...)
	_, _, err := run(t, "cyclonedx", data, "huge.cdx.json")
	if !errors.Is(err, errTooLarge) || !strings.Contains(err.Error(), "huge.cdx.json") {
		t.Errorf("Read = %v, want errTooLarge naming the file", err)
	}
}

// TestPanic checks that a decoder's panic becomes the read's error.
func TestPanic(t *testing.T) {
	_, err := decodeGuarded("CycloneDX JSON", "p.json", func() (*doc, error) { panic("index out of range") })
	want := "decode p.json as CycloneDX JSON: decoder panicked: index out of range"
	if err == nil || err.Error() != want {
		t.Errorf("decodeGuarded = %v, want %s", err, want)
	}
}

// TestNesting checks that nested components are read to maxDepth and the
// deeper ones reported, in JSON and XML.
func TestNesting(t *testing.T) {
	var j, x strings.Builder
	j.WriteString(`{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [`)
	x.WriteString(`<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>`)
	const levels = maxDepth + 5
	for i := range levels {
		fmt.Fprintf(&j, `{"type": "library", "name": "c%d", "components": [`, i)
		fmt.Fprintf(&x, `<component type="library"><name>c%d</name><components>`, i)
	}
	for range levels {
		j.WriteString(`]}`)
		x.WriteString(`</components></component>`)
	}
	j.WriteString(`]}`)
	x.WriteString(`</components></bom>`)
	for _, data := range []string{j.String(), x.String()} {
		obs, bad, err := run(t, "cyclonedx", []byte(data), "deep")
		if err != nil {
			t.Fatal(err)
		}
		if len(obs) != maxDepth {
			t.Errorf("%d observations, want %d", len(obs), maxDepth)
		}
		want := fmt.Sprintf("deep:%d: component %d: components nested more than %d deep, skipped", maxDepth, maxDepth, maxDepth)
		if len(bad) != 1 || bad[0].Error() != want {
			t.Errorf("bad = %v, want %s", bad, want)
		}
	}
}

// TestValues checks the value shapes the rules read.
func TestValues(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    component
		json string
		sw   string
	}{
		{"cyclonedx", component{Type: "library", Name: "kav-sdk", Version: "8.9.3", Supplier: &party{Name: "AO Kaspersky Lab"}},
			`{"type":"library","name":"kav-sdk","version":"8.9.3","supplier":{"name":"AO Kaspersky Lab"}}`, "kav-sdk 8.9.3 (AO Kaspersky Lab)"},
		{"no-version", component{Name: "x", Publisher: "AT&T <labs>"}, `{"name":"x","publisher":"AT&T <labs>"}`, "x (AT&T <labs>)"},
		{"nobody", component{Name: "left-pad", Author: "someone"}, `{"name":"left-pad","author":"someone"}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &doc{parts: []component{tc.c}}
			var got []string
			err := d.emit(context.Background(), "cyclonedx", importer.Source{Name: "v", Seen: seen}, func(o covered.Observation) error {
				got = append(got, o.Key+"="+o.Value)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"sbom.component=" + tc.json}
			if tc.sw != "" {
				want = append(want, "software.name="+tc.sw)
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
	for in, want := range map[string]string{
		"Organization: AO Kaspersky Lab":                   "AO Kaspersky Lab",
		"Organization: ExampleCodeInspect (x@example.com)": "ExampleCodeInspect",
		"Person: Jane Doe ()":                              "Jane Doe",
		"NOASSERTION":                                      "",
		"Acme (Europe) GmbH":                               "Acme (Europe) GmbH",
	} {
		if got := spdxParty(in); got != want {
			t.Errorf("spdxParty(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestEmitError checks that an error from emit ends Read with that error.
func TestEmitError(t *testing.T) {
	for _, tc := range cases {
		importtest.StopsOnEmitError(t, importtest.Lookup(t, tc.format), importtest.Testdata(t, tc.file), importer.Source{Name: tc.file, Seen: seen})
	}
}

// TestDocuments checks the host, time and reports of small documents.
func TestDocuments(t *testing.T) {
	for _, tc := range []struct {
		name, format, file, data string
		host                     string
		seen                     time.Time
		bad                      []string
	}{
		{"cdx-metadata-after-components", "cyclonedx", "a.json",
			`{"components": [{"type": "library", "name": "x", "publisher": "P"}], "bomFormat": "CycloneDX", "specVersion": "1.5",
			  "metadata": {"timestamp": "2026-01-02T03:04:05+02:00", "component": {"type": "firmware", "name": "fw", "version": "9"}}}`,
			"sbom:fw@9", time.Date(2026, 1, 2, 1, 4, 5, 0, time.UTC), nil},
		{"cdx-no-product-serial", "cyclonedx", "b.json",
			`{"bomFormat": "CycloneDX", "specVersion": "1.7", "serialNumber": "urn:uuid:1", "components": [{"name": "x"}]}`,
			"sbom:urn:uuid:1", seen, nil},
		{"cdx-no-product-no-serial", "cyclonedx", "dir/c.cdx.json",
			`{"bomFormat": "CycloneDX", "specVersion": "1.4", "metadata": {"timestamp": "yesterday"}, "components": [{"name": "x"}]}`,
			"sbom:c.cdx.json", seen, nil},
		{"cdx-bad-metadata", "cyclonedx", "d.json",
			`{"bomFormat": "CycloneDX", "specVersion": "1.6", "metadata": {"timestamp": 5}, "components": [{"name": "x"}]}`,
			"sbom:d.json", seen, []string{`d.json:0: metadata: member "timestamp": JSON number where a string belongs`}},
		{"cdx-xml-bad-metadata", "cyclonedx", "e.xml",
			`<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><metadata><component type="device"><name>cam</name><modified>x</modified></component></metadata><components><component type="library"><name>y</name></component></components></bom>`,
			"sbom:e.xml", seen, []string{`e.xml:0: metadata: strconv.ParseBool: parsing "x": invalid syntax`}},
		{"cdx-metadata-component-no-name", "cyclonedx", "f.json",
			`{"bomFormat": "CycloneDX", "specVersion": "1.6", "metadata": {"component": {"type": "device"}}, "components": [{"name": "x"}]}`,
			"sbom:f.json", seen, []string{"f.json:0: metadata: component: no name"}},
		{"spdx-described-by-and-bad-relationship", "spdx", "g.json",
			`{"spdxVersion": "SPDX-2.3", "name": "doc", "packages": [{"SPDXID": "SPDXRef-a", "name": "a", "versionInfo": "1"}],
			  "relationships": [{"spdxElementId": 7}, {"spdxElementId": "SPDXRef-a", "relationshipType": "DESCRIBED_BY", "relatedSpdxElement": "SPDXRef-DOCUMENT"}]}`,
			"sbom:a@1", seen, []string{`g.json:0: metadata: relationship 1: member "spdxElementId": JSON number where a string belongs`}},
		{"spdx-describes-bad-package", "spdx", "h.json",
			`{"spdxVersion": "SPDX-2.2", "name": "doc", "documentDescribes": ["SPDXRef-a"], "packages": [{"SPDXID": "SPDXRef-a"}, {"name": "b"}]}`,
			"sbom:doc", seen, []string{"h.json:1: component 1: no name"}},
		{"spdx-tags-text-name", "spdx", "i.spdx",
			"SPDXVersion: SPDX-2.3\nDocumentName: doc\nRelationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-a\nPackageName: <text>Gateway\nfirmware</text>\nSPDXID: SPDXRef-a\nPrimaryPackagePurpose: DEVICE\n",
			"sbom:Gateway firmware", seen, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obs, bad, err := run(t, tc.format, []byte(tc.data), tc.file)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range bad {
				got = append(got, e.Error())
			}
			if !slices.Equal(got, tc.bad) {
				t.Errorf("bad = %q, want %q", got, tc.bad)
			}
			if len(obs) == 0 {
				t.Fatal("no observations")
			}
			for _, o := range obs {
				if o.Host != tc.host || !o.Seen.Equal(tc.seen) {
					t.Errorf("host %q seen %v, want %q %v", o.Host, o.Seen, tc.host, tc.seen)
				}
			}
		})
	}
}

// TestExample checks that each format reads its --list example without a
// bad record; TestDetect that it claims it.
func TestExample(t *testing.T) {
	for _, f := range []importer.Format{cycloneFormat{}, spdxFormat{}} {
		importtest.ReadsExample(t, f, importer.Source{Name: "example", Seen: seen})
	}
}
