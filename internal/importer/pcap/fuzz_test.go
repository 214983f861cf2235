package pcap

import (
	"encoding/binary"
	"testing"

	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
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
		f.Add(cut(importtest.Testdata(f, tc.file), 8<<10))
	}
	lab := importtest.Testdata(f, "lab.pcap")
	f.Add(bigEndian(f, cut(lab, 8<<10)))
	f.Add(gzipped(f, cut(lab, 4<<10)))
	f.Add([]byte{0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1c, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		importtest.FuzzRead(t, data, importtest.Fuzz{Src: importer.Source{Seen: seen}, PerObs: 8, Timed: true}, Format{})
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
