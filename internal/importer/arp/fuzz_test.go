package arp

import (
	"testing"

	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// FuzzRead feeds every format of the package the same bytes: Read must not
// panic or fail, and the observations are bounded by the input: a record
// needs more than 16 bytes per observation it yields.
func FuzzRead(f *testing.F) {
	for _, tc := range cases {
		f.Add(importtest.Testdata(f, tc.file))
	}
	f.Add([]byte("Interface: 1.2.3.4 --- 0x1\n\n 1.2.3.5 00-e0-fc-00-00-01 dynamic"))
	f.Add([]byte("IP address HW type Flags HW address Mask Device\n1.2.3.4 0x1 0x2 00:e0:fc:00:00:01 * eth0"))
	f.Fuzz(func(t *testing.T, data []byte) {
		importtest.FuzzRead(t, data, importtest.Fuzz{Src: importer.Source{Seen: seen}, PerObs: 16}, neighFormat{}, windowsFormat{}, ciscoFormat{})
	})
}
