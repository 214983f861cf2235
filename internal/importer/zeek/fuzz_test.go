package zeek

import (
	"testing"

	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// FuzzRead: Read must not panic or fail, observations are complete, and
// their number is bounded by the input (a data line yields at most four,
// and needs more than 8 bytes each).
func FuzzRead(f *testing.F) {
	for _, tc := range cases {
		f.Add(importtest.Testdata(f, tc.file))
	}
	f.Add([]byte("#separator \\x\n#path\tssl\n#fields\tid.resp_h\tsubject\n::1\t\\x\n"))
	f.Add([]byte(`{"ts":"1","uid":"x","id":{"resp_h":"::1"},"server":"S","client":"C"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		importtest.FuzzRead(t, data, importtest.Fuzz{Src: importer.Source{Seen: seen}, PerObs: 8, Timed: true}, format{})
	})
}
