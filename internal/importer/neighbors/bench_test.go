package neighbors

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// BenchmarkRead reports MB/s of each output on about 10 MB of synthetic
// neighbors; the project's bar for importers is 100 MB/s per core.
func BenchmarkRead(b *testing.B) {
	const size = 10 << 20
	importtest.BenchInputs(b, importer.Source{Name: "bench", Seen: seen},
		importtest.Input{Name: "cisco-cdp", Format: "cisco-cdp", Data: importtest.Synthetic(size, "", func(b *bytes.Buffer, i int) {
			fmt.Fprintf(b, "-------------------------\nDevice ID: sw%d.corp.example\nEntry address(es): \n  IP address: 10.%d.%d.%d\n"+
				"Platform: cisco WS-C2960X-48FPD-L,  Capabilities: Switch IGMP \nInterface: GigabitEthernet1/0/%d,  Port ID (outgoing port): GigabitEthernet1/0/49\nHoldtime : 133 sec\n\n"+
				"Version :\nCisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E8, RELEASE SOFTWARE (fc2)\nTechnical Support: http://www.cisco.com/techsupport\n"+
				"Copyright (c) 1986-2023 by Cisco Systems, Inc.\nCompiled Fri 07-Jul-23 10:13 by mcpre\n\nadvertisement version: 2\nNative VLAN: 1\nDuplex: full\n"+
				"Management address(es): \n  IP address: 10.%d.%d.%d\n\n", i, i>>16&0xff, i>>8&0xff, i&0xff, i%48+1, i>>16&0xff, i>>8&0xff, i&0xff)
		})},
		importtest.Input{Name: "cisco-ios-lldp", Format: "lldp", Data: importtest.Synthetic(size, "", func(b *bytes.Buffer, i int) {
			fmt.Fprintf(b, "------------------------------------------------\nLocal Intf: Gi1/0/%d\nChassis id: 00e0.fc%02x.%02x%02x\nPort id: Gi0/1\nPort Description: GigabitEthernet0/1\nSystem Name: sw%d\n\n"+
				"System Description: \nCisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E8, RELEASE SOFTWARE (fc2)\nTechnical Support: http://www.cisco.com/techsupport\n"+
				"Copyright (c) 1986-2023 by Cisco Systems, Inc.\n\nTime remaining: 104 seconds\nSystem Capabilities: B,R\nEnabled Capabilities: B\nManagement Addresses:\n    IP: 10.%d.%d.%d\n"+
				"Auto Negotiation - supported, enabled\nVlan ID: 1\n\n", i%48+1, i>>16&0xff, i>>8&0xff, i&0xff, i, i>>16&0xff, i>>8&0xff, i&0xff)
		})},
		importtest.Input{Name: "huawei-lldp", Format: "lldp", Data: importtest.Synthetic(size, "", func(b *bytes.Buffer, i int) {
			fmt.Fprintf(b, "GigabitEthernet0/0/%d has 1 neighbor(s):\n\nNeighbor index :1\nChassis type   :MAC address\nChassis ID     :00e0-fc%02x-%02x%02x\nPort ID type   :Interface name\n"+
				"Port ID        :GigabitEthernet0/0/1\nSystem name         :sw%d\nSystem description  :S5735-L24P4S-A1\nHuawei Versatile Routing Platform Software\n"+
				"VRP (R) software, Version 5.170 (S5735 V200R022C00SPC500)\nCopyright (C) 2000-2022 HUAWEI TECH Co., Ltd.\nSystem capabilities supported   :bridge router\n"+
				"System capabilities enabled     :bridge router\nManagement address type  :ipv4\nManagement address value :10.%d.%d.%d\nExpired time   :104s\n\n",
				i%48+1, i>>16&0xff, i>>8&0xff, i&0xff, i, i>>16&0xff, i>>8&0xff, i&0xff)
		})},
		importtest.Input{Name: "lldpd", Format: "lldp", Data: importtest.Synthetic(size, "", func(b *bytes.Buffer, i int) {
			fmt.Fprintf(b, "-------------------------------------------------------------------------------\nInterface:    eth%d, via: LLDP, RID: %d, Time: 0 day, 02:13:45\n  Chassis:     \n"+
				"    ChassisID:    mac 00:e0:fc:%02x:%02x:%02x\n    SysName:      sw%d\n    SysDescr:     Huawei Versatile Routing Platform Software\n"+
				"                  VRP (R) software, Version 8.180 (CE6857EI V200R005C20SPC800)\n    MgmtIP:       10.%d.%d.%d\n    Capability:   Bridge, on\n  Port:        \n"+
				"    PortID:       ifname 10GE1/0/17\n    TTL:          120\n", i%4, i, i>>16&0xff, i>>8&0xff, i&0xff, i, i>>16&0xff, i>>8&0xff, i&0xff)
		})},
	)
}
