package sbom

import (
	"strings"
	"testing"

	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// FuzzRead feeds both formats the same bytes: Read must not panic, its
// decoders must not panic either (decodeGuarded would hide it as an
// error), and the observations are bounded by the input: a component
// takes more than 8 bytes per observation it yields (and the document's
// metadata a few).
func FuzzRead(f *testing.F) {
	for _, tc := range cases {
		f.Add(importtest.Testdata(f, tc.file))
	}
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","metadata":{"component":{"type":"device","name":"x","components":[{"name":"y"}]}},"components":[{"name":"a","components":[{"name":"b","publisher":"p"}]}]}`))
	f.Add([]byte(`<bom xmlns="http://cyclonedx.org/schema/bom/1.3"><metadata><component type="device"><name>x</name></component></metadata><components><component type="library"><name>a</name><licenses><x/></licenses></component></components></bom>`))
	f.Add([]byte("SPDXVersion: SPDX-2.3\nRelationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-a\nPackageName: a\nSPDXID: SPDXRef-a\nPackageSupplier: Organization: b\nPackageComment: <text>x\ny"))
	c := importtest.Fuzz{Src: importer.Source{Seen: seen}, PerObs: 8, Slack: 3, LineZero: true,
		ReadErr: func(_ []byte, _ int, err error) bool { return !strings.Contains(err.Error(), "panicked") }}
	f.Fuzz(func(t *testing.T, data []byte) {
		importtest.FuzzRead(t, data, c, cycloneFormat{}, spdxFormat{})
	})
}
