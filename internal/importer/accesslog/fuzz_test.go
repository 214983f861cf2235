package accesslog

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

// FuzzRead feeds both formats the same bytes: Read must not panic or fail,
// and the observations are bounded by the input: a line needs more than 16
// bytes per observation it yields.
func FuzzRead(f *testing.F) {
	for _, tc := range cases {
		b, err := os.ReadFile(filepath.Join("testdata", tc.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`1.2.3.4 - - [27/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "a\\\"" "\"M\""`))
	f.Add([]byte("1732701600.123 1 ::1 TCP_MISS/200 1 GET http://x/ - HIER_DIRECT/1.2.3.4 - \"\"\"\n"))
	formats := []importer.Format{combinedFormat{}, squidFormat{}}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range formats {
			format.Detect(data)
			n := 0
			err := format.Read(context.Background(), bytes.NewReader(data), importer.Source{Name: "fuzz", Seen: seen},
				func(o covered.Observation) error {
					n++
					if o.Host == "" || o.Value == "" || o.Value == "-" || o.Seen.IsZero() {
						t.Errorf("%s: incomplete observation: %+v", format.Name(), o)
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
