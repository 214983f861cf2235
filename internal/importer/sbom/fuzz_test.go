package sbom

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

// FuzzRead feeds both formats the same bytes: Read must not panic, its
// decoders must not panic either (decodeGuarded would hide it as an
// error), and the observations are bounded by the input: a component
// takes more than 8 bytes per observation it yields.
func FuzzRead(f *testing.F) {
	for _, tc := range cases {
		b, err := os.ReadFile(filepath.Join("testdata", tc.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","metadata":{"component":{"type":"device","name":"x","components":[{"name":"y"}]}},"components":[{"name":"a","components":[{"name":"b","publisher":"p"}]}]}`))
	f.Add([]byte(`<bom xmlns="http://cyclonedx.org/schema/bom/1.3"><metadata><component type="device"><name>x</name></component></metadata><components><component type="library"><name>a</name><licenses><x/></licenses></component></components></bom>`))
	f.Add([]byte("SPDXVersion: SPDX-2.3\nRelationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-a\nPackageName: a\nSPDXID: SPDXRef-a\nPackageSupplier: Organization: b\nPackageComment: <text>x\ny"))
	formats := []importer.Format{cycloneFormat{}, spdxFormat{}}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range formats {
			format.Detect(data)
			n := 0
			err := format.Read(context.Background(), bytes.NewReader(data), importer.Source{Name: "fuzz", Seen: seen},
				func(o covered.Observation) error {
					n++
					if o.Host == "" || o.Value == "" || o.Key == "" {
						t.Errorf("%s: incomplete observation %+v", format.Name(), o)
					}
					return nil
				},
				func(e *importer.RecordError) {
					if e.Line < 0 || e.Err == nil {
						t.Errorf("%s: bad record %+v", format.Name(), e)
					}
				})
			if err != nil && strings.Contains(err.Error(), "panicked") {
				t.Errorf("%s: %v", format.Name(), err)
			}
			if n > len(data)/8+4 {
				t.Errorf("%s: %d observations from %d bytes", format.Name(), n, len(data))
			}
		}
	})
}
