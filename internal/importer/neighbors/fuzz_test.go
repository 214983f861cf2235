package neighbors

import (
	"testing"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// FuzzRead feeds both formats the same bytes: Read must not panic or
// fail, and the observations are bounded by the input: a neighbor block
// takes more than 8 bytes per observation it yields.
func FuzzRead(f *testing.F) {
	for _, tc := range cases {
		f.Add(importtest.Testdata(f, tc.file))
	}
	f.Add([]byte("Device ID:a(b)\nMgmt address(es):\n IPv4 Address: 1.2.3.4\nVersion:\nx\n"))
	f.Add([]byte("Interface: e, via: LLDP\n ChassisID: mac 00:e0:fc:00:00:01\n SysDescr: a\n    b\n"))
	f.Add([]byte("Neighbor index :1\nChassis type :MAC address\nChassis ID :00e0-fc00-0001\nSystem description :x\ny\n"))
	c := importtest.Fuzz{Src: importer.Source{Seen: seen}, PerObs: 8, Check: func(o covered.Observation) string {
		if o.Key == "lldp.sysdescr" && len(o.Value) > maxDescr {
			return "description too long"
		}
		return ""
	}}
	f.Fuzz(func(t *testing.T, data []byte) {
		importtest.FuzzRead(t, data, c, cdpFormat{}, lldpFormat{})
	})
}
