package neighbors_test

import (
	"testing"

	_ "github.com/coveredtool/covered/internal/importer/all"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// TestDetect tries every registered format on the samples of every
// importer: this package's (described in testdata/README.md) are claimed
// by their format alone, and no other file by this package's formats. The
// inputs written here are look-alikes and other forms of the formats.
func TestDetect(t *testing.T) {
	importtest.DetectTestdata(t, importtest.Detect{
		Formats: []string{"cisco-cdp", "lldp"},
		Own: map[string]string{
			"cisco-ios-cdp.txt":    "cisco-cdp",
			"cisco-nxos-cdp.txt":   "cisco-cdp",
			"cisco-ios-lldp.txt":   "lldp",
			"cisco-nxos-lldp.txt":  "lldp",
			"huawei-vrp-lldp.txt":  "lldp",
			"h3c-comware-lldp.txt": "lldp",
			"lldpd.txt":            "lldp",
		},
		Extra: map[string]importtest.Sample{
			"cdp-neighbors-table": {Data: "Capability Codes: R - Router, T - Trans Bridge, B - Source Route Bridge\n" +
				"Device ID        Local Intrfce     Holdtme    Capability  Platform  Port ID\nR2               Ser 1/0            158           R       7206VXR   Ser 1/0\n"},
			"lldp-neighbors-table":    {Data: "Capability codes:\n    (R) Router, (B) Bridge, (T) Telephone\nDevice ID           Local Intf     Hold-time  Capability      Port ID\nR1                  Gi0/0          120        R               Gi0/1\n"},
			"h3c-local-information":   {Data: "Global LLDP local-information:\n Chassis ID          : 3c8c-4003-26a1\n System name         : H3C\n System description  :\n   H3C Comware Platform Software\n"},
			"observations-with-lldp":  {Data: `{"host":"10.0.0.1","key":"lldp.sysdescr","value":"Chassis id: x\\nLocal Intf: Gi0/1\\nDevice ID: y\\nPlatform: z"}` + "\n", Want: "observations"},
			"show-cdp-entry":          {Data: "Device ID: fred\nEntry address(es):\nIP address: 163.5.8.3\nPlatform: cisco 2500, Capabilities: Router\n", Want: "cisco-cdp"},
			"nxos-lldp-no-local-intf": {Data: "Chassis id: 00de.fb34.a1c0\nPort id: Ethernet1/1\nLocal Port id: Eth1/49\n", Want: "lldp"},
			"lldpd-no-header":         {Data: "Interface:    eth0, via: LLDP, RID: 1, Time: 0 day, 00:00:26\n  Chassis:\n    ChassisID:    mac 08:00:27:d4:4f:0b\n", Want: "lldp"},
		},
	})
}
