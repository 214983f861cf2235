package importtest

import (
	"bytes"
	"context"
	"testing"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

// Synthetic returns about size bytes of input for a benchmark: header,
// then what gen writes for i = 0, 1, 2… until size is reached.
func Synthetic(size int, header string, gen func(b *bytes.Buffer, i int)) []byte {
	var b bytes.Buffer
	b.Grow(size + 4096)
	b.WriteString(header)
	for i := 0; b.Len() < size; i++ {
		gen(&b, i)
	}
	return b.Bytes()
}

// Bench reads data with f once per iteration of b, reporting bytes/s (the
// project's bar for importers is 100 MB/s per core) and allocations. A bad
// record, a failed read or a read without observations fails it.
func Bench(b *testing.B, f importer.Format, data []byte, src importer.Source) {
	b.Helper()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		err := f.Read(context.Background(), bytes.NewReader(data), src,
			func(covered.Observation) error { n++; return nil },
			func(e *importer.RecordError) { b.Fatal(e) })
		if err != nil || n == 0 {
			b.Fatalf("Read: %v, %d observations", err, n)
		}
	}
}

// Input is one benchmark input: what format reads, under a name.
type Input struct {
	Name, Format string
	Data         []byte
}

// BenchInputs runs Bench on each input, as a sub-benchmark of its name,
// with its format as registered.
func BenchInputs(b *testing.B, src importer.Source, inputs ...Input) {
	b.Helper()
	for _, in := range inputs {
		b.Run(in.Name, func(b *testing.B) {
			Bench(b, Lookup(b, in.Format), in.Data, src)
		})
	}
}
