package inventory

import (
	"bytes"
	"context"
	"testing"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

// FuzzRead feeds the CSV format arbitrary bytes: Read must not panic, the
// only errors it may return are about the header (a bytes.Reader does not
// fail), and the observations are bounded by the input: every one needs a
// value and a delimiter, two bytes at least.
func FuzzRead(f *testing.F) {
	for _, tc := range cases {
		if tc.format == "inventory-csv" {
			f.Add(input(f, tc.file))
		}
	}
	f.Add([]byte("Name,Model,Serial\n\"a\nb\",\"x\"\"y\"z,\"unclosed\n"))
	f.Add([]byte("\ufeffDevice name;Wi-Fi MAC;IMEI\nn;00e0fc123456, 00e0fc123457;490154203237518\n"))
	f.Add([]byte("sn\tip\tmac\n1\t::1\t0\n"))
	format := csvFormat{}
	f.Fuzz(func(t *testing.T, data []byte) {
		format.Detect(head(data))
		n := 0
		err := format.Read(context.Background(), bytes.NewReader(data), importer.Source{Name: "fuzz", Seen: seen},
			func(o covered.Observation) error {
				n++
				if o.Host == "" || o.Value == "" {
					t.Errorf("empty host or value: %+v", o)
				}
				return nil
			},
			func(e *importer.RecordError) {
				if e.Line < 1 {
					t.Errorf("line %d: %v", e.Line, e)
				}
			})
		if err != nil && n > 0 {
			t.Errorf("Read failed after %d observations: %v", n, err)
		}
		if n > len(data)/2+1 {
			t.Errorf("%d observations from %d bytes", n, len(data))
		}
	})
}

// FuzzReadWorkbook feeds the workbook format mutated workbooks: Read must
// not panic (excelize's panics are turned into errors), and what it emits
// and reports must be well formed.
func FuzzReadWorkbook(f *testing.F) {
	f.Add(lansweeperWorkbook(f))
	f.Add(workbook(f, []sheet{{"S", map[int][]any{1: {"Name", "Model", "Mac"}, 3: {"a", "b", "00e0fc123456"}}}}))
	format := xlsxFormat{}
	f.Fuzz(func(t *testing.T, data []byte) {
		format.Detect(head(data))
		_ = format.Read(context.Background(), bytes.NewReader(data), importer.Source{Name: "fuzz", Seen: seen},
			func(o covered.Observation) error {
				if o.Host == "" || o.Value == "" {
					t.Errorf("empty host or value: %+v", o)
				}
				return nil
			},
			func(e *importer.RecordError) {
				if e.Line < 1 {
					t.Errorf("line %d: %v", e.Line, e)
				}
			})
	})
}
