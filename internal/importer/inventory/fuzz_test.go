package inventory

import (
	"testing"

	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
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
	c := importtest.Fuzz{Src: importer.Source{Seen: seen}, PerObs: 2, ReadErr: func(_ []byte, n int, _ error) bool { return n == 0 }}
	f.Fuzz(func(t *testing.T, data []byte) {
		importtest.FuzzRead(t, data, c, csvFormat{})
	})
}

// FuzzReadWorkbook feeds the workbook format mutated workbooks: Read must
// not panic (excelize's panics are turned into errors), and what it emits
// and reports must be well formed.
func FuzzReadWorkbook(f *testing.F) {
	f.Add(lansweeperWorkbook(f))
	f.Add(workbook(f, []sheet{{"S", map[int][]any{1: {"Name", "Model", "Mac"}, 3: {"a", "b", "00e0fc123456"}}}}))
	c := importtest.Fuzz{Src: importer.Source{Seen: seen}, ReadErr: func([]byte, int, error) bool { return true }}
	f.Fuzz(func(t *testing.T, data []byte) {
		importtest.FuzzRead(t, data, c, xlsxFormat{})
	})
}
