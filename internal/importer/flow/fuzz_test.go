package flow

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

// FuzzRead feeds both formats the same bytes: Read must not panic, fails
// only on a damaged gzip stream, reports lines from 1, and emits complete
// observations bounded by the input (a flow line needs more than 16 bytes
// per observation).
func FuzzRead(f *testing.F) {
	for _, tc := range cases {
		b, err := os.ReadFile(filepath.Join("testdata", tc.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("sa,da,dp,pr,ts\n10.0.0.1,198.51.100.1,8.0,ICMP,1798761600.5\nSummary\nsa,da\n::ffff:10.0.0.2,203.0.113.1\n"))
	f.Add([]byte("pkt-srcaddr srcaddr dstaddr\n- 10.0.0.1 198.51.100.1\n2026-11-27T10:00:00Z 10.0.0.1 10.0.0.2 198.51.100.1\n"))
	nets := networks(f)
	formats := []importer.Format{nfdumpFormat{}, vpcFormat{}}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range formats {
			format.Detect(data)
			n := 0
			src := importer.Source{Name: "fuzz", Seen: seen, Options: importer.Options{Networks: nets}}
			err := format.Read(context.Background(), bytes.NewReader(data), src,
				func(o covered.Observation) error {
					n++
					if o.Host == "" || o.Host != o.IP || o.Path == "" || o.Value == "" || o.Seen.IsZero() || (o.Port != 0) != (o.Transport != "") {
						t.Errorf("%s: incomplete observation: %+v", format.Name(), o)
					}
					return nil
				},
				func(e *importer.RecordError) {
					if e.Line < 1 {
						t.Errorf("%s: line %d", format.Name(), e.Line)
					}
				})
			if err != nil && !gzipDamage(data, err) {
				t.Errorf("%s: Read: %v", format.Name(), err)
			}
			if n > len(data)/16+1 {
				t.Errorf("%s: %d observations from %d bytes", format.Name(), n, len(data))
			}
		}
	})
}

// gzipDamage reports whether err is what a damaged gzip stream gives.
func gzipDamage(data []byte, err error) bool {
	if !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		return false
	}
	var ce flate.CorruptInputError
	return errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.As(err, &ce)
}
