package sbom_test

import (
	"testing"

	_ "github.com/coveredtool/covered/internal/importer/all"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// TestDetect tries every registered format on the samples of every
// importer: this package's (described in testdata/README.md) are claimed
// by their format alone, and no other file by this package's formats. The
// inputs written here are look-alikes and other forms of the formats.
func TestDetect(t *testing.T) {
	importtest.DetectTestdata(t, importtest.Detect{
		Formats: []string{"cyclonedx", "spdx"},
		Own: map[string]string{
			"camera-firmware.cdx.json":         "cyclonedx",
			"webapp-plain.cdx.json":            "cyclonedx",
			"vms-recorder.cdx.xml":             "cyclonedx",
			"mail-gateway-kaspersky.spdx.json": "spdx",
			"iot-gateway.spdx":                 "spdx",
		},
		Extra: map[string]importtest.Sample{
			"observations-with-sbom-values": {Data: `{"host":"sbom:x@1","key":"sbom.component","value":"{\"bomFormat\":\"CycloneDX\",\"spdxVersion\":\"SPDX-2.3\"}"}` + "\n", Want: "observations"},
			"spdx-3-jsonld":                 {Data: `{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": []}`},
			"json-mentioning-formats":       {Data: `{"note": "bomFormat CycloneDX and SPDXVersion: SPDX-2.3"}`},
			"text-mentioning-spdxversion":   {Data: "release notes\n  the SPDXVersion: tag is written first\n"},
			"xml-other-namespace":           {Data: `<?xml version="1.0"?><bom xmlns="http://example.com/bom/1.0"/>`},
			"cyclonedx-minified":            {Data: `{"$schema":"http://cyclonedx.org/schema/bom-1.6.schema.json","bomFormat":"CycloneDX","specVersion":"1.6","components":[]}`, Want: "cyclonedx"},
			"cyclonedx-xml-prefixed":        {Data: `<cdx:bom xmlns:cdx="http://cyclonedx.org/schema/bom/1.5" version="1"/>`, Want: "cyclonedx"},
			"spdx-json-bom":                 {Data: "\xef\xbb\xbf{\n  \"spdxVersion\" : \"SPDX-2.2\"\n}", Want: "spdx"},
		},
	})
}
