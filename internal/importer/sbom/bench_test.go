package sbom

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// synthetic returns about size bytes of one document: head, then parts
// from gen separated by sep, then tail.
func synthetic(size int, head, sep, tail string, gen func(b *bytes.Buffer, i int)) []byte {
	var b bytes.Buffer
	b.Grow(size + 1024)
	b.WriteString(head)
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteString(sep)
		}
		gen(&b, i)
	}
	b.WriteString(tail)
	return b.Bytes()
}

// BenchmarkRead reports MB/s of each form on about 10 MB of synthetic
// components, a third of them with a supplier.
func BenchmarkRead(b *testing.B) {
	const size = 10 << 20
	supplier := func(i int) string {
		if i%3 == 0 {
			return "HiSilicon Technologies Co., Ltd."
		}
		return ""
	}
	importtest.BenchInputs(b, importer.Source{Name: "bench", Seen: seen},
		importtest.Input{Name: "cyclonedx-json", Format: "cyclonedx", Data: synthetic(size,
			`{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"timestamp":"2026-03-18T09:12:44Z","component":{"type":"device","name":"cam","version":"1"}},"components":[`,
			",\n", "]}", func(b *bytes.Buffer, i int) {
				fmt.Fprintf(b, `{"type":"library","bom-ref":"c%d","supplier":{"name":%q},"name":"lib%d","version":"1.%d","purl":"pkg:generic/lib%d@1.%d","licenses":[{"license":{"id":"MIT"}}],"hashes":[{"alg":"SHA-256","content":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}]}`, i, supplier(i), i, i, i, i)
			})},
		importtest.Input{Name: "cyclonedx-xml", Format: "cyclonedx", Data: synthetic(size,
			`<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5"><metadata><timestamp>2026-03-18T09:12:44Z</timestamp><component type="device"><name>cam</name><version>1</version></component></metadata><components>`,
			"\n", "</components></bom>", func(b *bytes.Buffer, i int) {
				fmt.Fprintf(b, `<component type="library" bom-ref="c%d"><supplier><name>%s</name></supplier><name>lib%d</name><version>1.%d</version><licenses><license><id>MIT</id></license></licenses><purl>pkg:generic/lib%d@1.%d</purl></component>`, i, supplier(i), i, i, i, i)
			})},
		importtest.Input{Name: "spdx-json", Format: "spdx", Data: synthetic(size,
			`{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"cam","creationInfo":{"created":"2026-03-18T09:12:44Z"},"documentDescribes":["SPDXRef-p0"],"packages":[`,
			",\n", "]}", func(b *bytes.Buffer, i int) {
				fmt.Fprintf(b, `{"SPDXID":"SPDXRef-p%d","name":"lib%d","versionInfo":"1.%d","supplier":"Organization: %s","downloadLocation":"NOASSERTION","filesAnalyzed":false,"externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:generic/lib%d@1.%d"}]}`, i, i, i, supplier(i), i, i)
			})},
		importtest.Input{Name: "spdx-tag-value", Format: "spdx", Data: synthetic(size,
			"SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: cam\nCreated: 2026-03-18T09:12:44Z\nRelationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-p0\n\n",
			"\n", "", func(b *bytes.Buffer, i int) {
				fmt.Fprintf(b, "PackageName: lib%d\nSPDXID: SPDXRef-p%d\nPackageVersion: 1.%d\nPackageSupplier: Organization: %s\nPackageDownloadLocation: NOASSERTION\nFilesAnalyzed: false\nExternalRef: PACKAGE-MANAGER purl pkg:generic/lib%d@1.%d\n", i, i, i, supplier(i), i, i)
			})},
	)
}
