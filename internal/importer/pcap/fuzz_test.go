package pcap

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

// FuzzRead feeds arbitrary bytes, seeded with the test captures and their
// damaged and rewritten forms: Read must not panic or fail, every
// observation is complete, every bad record numbered, and the observations
// are bounded by the input (a fact needs more than 8 bytes of packet).
//
//	go test -run XXX -fuzz FuzzRead -fuzztime 60s -fuzzminimizetime 2s
//
// The default minimization time (60 s per new input) spends a short run
// shrinking the first kilobyte-sized input it finds.
func FuzzRead(f *testing.F) {
	// Whole captures make poor seeds: the fuzzer mutates a few bytes of
	// 150 KB per run and runs slowly. Their starts, cut where a record
	// ends, hold every structure.
	for _, tc := range cases {
		f.Add(cut(testdata(f, tc.file), 8<<10))
	}
	lab := testdata(f, "lab.pcap")
	f.Add(bigEndian(f, cut(lab, 8<<10)))
	f.Add(gzipped(f, cut(lab, 4<<10)))
	f.Add([]byte{0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1c, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		(Format{}).Detect(data)
		n := 0
		err := Format{}.Read(context.Background(), bytes.NewReader(data), importer.Source{Name: "fuzz", Seen: seen},
			func(o covered.Observation) error {
				n++
				if o.Host == "" || o.Value == "" || o.Key == "" || o.Seen.IsZero() {
					t.Errorf("incomplete observation %+v", o)
				}
				return nil
			},
			func(e *importer.RecordError) {
				if e.Line < 1 {
					t.Errorf("record number %d: %v", e.Line, e)
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

// cut returns the start of a capture, at most n bytes, ending where a
// record or block ends.
func cut(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	order := binary.ByteOrder(binary.LittleEndian)
	if binary.BigEndian.Uint32(b) == blockSection {
		end := 0
		for end+8 <= len(b) {
			l := int(order.Uint32(b[end+4:]))
			if l < 12 || end+l > n {
				break
			}
			end += l
		}
		return b[:end]
	}
	end := 24
	for end+16 <= len(b) {
		l := 16 + int(order.Uint32(b[end+8:]))
		if end+l > n {
			break
		}
		end += l
	}
	return b[:end]
}
