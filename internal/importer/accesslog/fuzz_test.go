package accesslog

import (
	"testing"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// FuzzRead feeds both formats the same bytes: Read must not panic or fail,
// and the observations are bounded by the input: a line needs more than 16
// bytes per observation it yields.
func FuzzRead(f *testing.F) {
	for _, tc := range cases {
		f.Add(importtest.Testdata(f, tc.file))
	}
	f.Add([]byte(`1.2.3.4 - - [27/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "a\\\"" "\"M\""`))
	f.Add([]byte("1732701600.123 1 ::1 TCP_MISS/200 1 GET http://x/ - HIER_DIRECT/1.2.3.4 - \"\"\"\n"))
	c := importtest.Fuzz{Src: importer.Source{Seen: seen}, PerObs: 16, Timed: true, Check: func(o covered.Observation) string {
		if o.Value == "-" {
			return "value -"
		}
		return ""
	}}
	f.Fuzz(func(t *testing.T, data []byte) {
		importtest.FuzzRead(t, data, c, combinedFormat{}, squidFormat{})
	})
}
