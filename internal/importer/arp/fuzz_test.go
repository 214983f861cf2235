package arp

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

// FuzzRead feeds every format of the package the same bytes: Read must not
// panic or fail, and the observations are bounded by the input: a record
// needs more than 16 bytes per observation it yields.
func FuzzRead(f *testing.F) {
	for _, tc := range cases {
		b, err := os.ReadFile(filepath.Join("testdata", tc.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("Interface: 1.2.3.4 --- 0x1\n\n 1.2.3.5 00-e0-fc-00-00-01 dynamic"))
	f.Add([]byte("IP address HW type Flags HW address Mask Device\n1.2.3.4 0x1 0x2 00:e0:fc:00:00:01 * eth0"))
	formats := []importer.Format{neighFormat{}, windowsFormat{}, ciscoFormat{}}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range formats {
			format.Detect(data)
			n := 0
			err := format.Read(context.Background(), bytes.NewReader(data), importer.Source{Name: "fuzz", Seen: seen},
				func(o covered.Observation) error {
					n++
					if o.Host == "" || o.Value == "" {
						t.Errorf("%s: empty host or value: %+v", format.Name(), o)
					}
					return nil
				},
				func(e *importer.RecordError) {
					if e.Line < 1 {
						t.Errorf("%s: line %d", format.Name(), e.Line)
					}
				})
			if err != nil {
				t.Errorf("%s: Read: %v", format.Name(), err)
			}
			if n > len(data)/16+1 {
				t.Errorf("%s: %d observations from %d bytes", format.Name(), n, len(data))
			}
		}
	})
}
