package dhcp

import (
	"testing"

	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// FuzzRead feeds every format of the package the same bytes: Read must not
// panic or fail, and the observations are bounded by the input: a record
// needs more than 8 bytes per observation it yields.
func FuzzRead(f *testing.F) {
	for _, tc := range cases {
		f.Add(importtest.Testdata(f, tc.file))
	}
	f.Add([]byte("lease 1.2.3.4 { hardware ethernet 00:e0:fc:00:00:01; } }"))
	f.Add([]byte("Jan  1 00:00:00 dnsmasq-dhcp[1]: 1 requested options: 1,2,3,"))
	f.Fuzz(func(t *testing.T, data []byte) {
		importtest.FuzzRead(t, data, importtest.Fuzz{Src: importer.Source{Seen: seen}, PerObs: 8}, dhcpdFormat{}, keaFormat{}, dnsmasqFormat{}, windowsFormat{})
	})
}
