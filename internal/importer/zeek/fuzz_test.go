package zeek

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

// FuzzRead: Read must not panic or fail, observations are complete, and
// their number is bounded by the input (a data line yields at most four,
// and needs more than 8 bytes each).
func FuzzRead(f *testing.F) {
	for _, tc := range cases {
		b, err := os.ReadFile(filepath.Join("testdata", tc.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("#separator \\x\n#path\tssl\n#fields\tid.resp_h\tsubject\n::1\t\\x\n"))
	f.Add([]byte(`{"ts":"1","uid":"x","id":{"resp_h":"::1"},"server":"S","client":"C"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		format{}.Detect(data)
		n := 0
		err := format{}.Read(context.Background(), bytes.NewReader(data), importer.Source{Name: "fuzz", Seen: seen},
			func(o covered.Observation) error {
				n++
				if o.Host == "" || o.Value == "" || o.Seen.IsZero() {
					t.Errorf("incomplete observation: %+v", o)
				}
				return nil
			},
			func(e *importer.RecordError) {
				if e.Line < 1 {
					t.Errorf("line %d", e.Line)
				}
			})
		if err != nil {
			t.Errorf("Read: %v", err)
		}
		if n > len(data)/8+1 {
			t.Errorf("%d observations from %d bytes", n, len(data))
		}
	})
}
