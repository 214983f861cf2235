package flow

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"errors"
	"io"
	"testing"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// FuzzRead feeds both formats the same bytes: Read must not panic, fails
// only on a damaged gzip stream, reports lines from 1, and emits complete
// observations bounded by the input (a flow line needs more than 16 bytes
// per observation).
func FuzzRead(f *testing.F) {
	for _, tc := range cases {
		f.Add(importtest.Testdata(f, tc.file))
	}
	f.Add([]byte("sa,da,dp,pr,ts\n10.0.0.1,198.51.100.1,8.0,ICMP,1798761600.5\nSummary\nsa,da\n::ffff:10.0.0.2,203.0.113.1\n"))
	f.Add([]byte("pkt-srcaddr srcaddr dstaddr\n- 10.0.0.1 198.51.100.1\n2026-11-27T10:00:00Z 10.0.0.1 10.0.0.2 198.51.100.1\n"))
	c := importtest.Fuzz{
		Src:    importer.Source{Seen: seen, Options: importer.Options{Networks: networks(f)}},
		PerObs: 16, Timed: true,
		Check: func(o covered.Observation) string {
			if o.Host != o.IP || o.Path == "" || (o.Port != 0) != (o.Transport != "") {
				return "incomplete observation"
			}
			return ""
		},
		ReadErr: func(data []byte, _ int, err error) bool { return gzipDamage(data, err) },
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		importtest.FuzzRead(t, data, c, nfdumpFormat{}, vpcFormat{})
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
