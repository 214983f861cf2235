package neighbors

import (
	"bytes"
	"context"
	"io"
	"strings"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/textfile"
)

// lldpFormat reads LLDP neighbor details in the text the commands print.
//
// Cisco IOS `show lldp neighbors detail` (Cisco IOS Carrier Ethernet and
// Catalyst command references): blocks between rulers of dashes, "Local
// Intf:", "Chassis id:", "Port id:", "System Name:", "System Description:"
// followed by the description's lines up to a blank line, "Management
// Addresses:" with "IP:" lines. Cisco NX-OS starts each block with
// "Chassis id:", writes the description on the same line and its
// continuation up to "Time remaining:", and "Management Address:".
//
// Huawei VRP `display lldp neighbor` (S series command reference):
// "GigabitEthernet0/0/1 has 1 neighbor(s):", then per neighbor "Neighbor
// index :1", "Chassis type :MAC address", "Chassis ID :dc99-14dc-de3c",
// "System name :...", "System description :" with continuation lines at
// the left margin up to "System capabilities supported", and "Management
// address :" (or "Management address value :"). H3C and HPE Comware
// `display lldp neighbor-information` is the same with "LLDP neighbor
// index :" and an indented description.
//
// lldpd `lldpcli show neighbors` (lldpcli(8), plain format): per neighbor
// "Interface: eth0, via: LLDP, ...", then "ChassisID: mac 00:...",
// "SysName:", "SysDescr:" whose continuation lines are indented under the
// value, and "MgmtIP:".
type lldpFormat struct{}

func (lldpFormat) Name() string { return "lldp" }

func (lldpFormat) Description() string {
	return "LLDP neighbors: Cisco `show lldp neighbors detail`, Huawei `display lldp neighbor`, H3C `display lldp neighbor-information`, lldpd `lldpcli show neighbors`"
}

func (lldpFormat) Example() string {
	return "GigabitEthernet0/0/1 has 1 neighbor(s):\n\nNeighbor index :1\nChassis type   :MAC address\nChassis ID     :00e0-fc12-3456\n" +
		"Port ID type   :Interface name\nPort ID        :GigabitEthernet0/0/24\nSystem name         :core-sw1\n" +
		"System description  :S5720-28X-SI-AC\nHuawei Versatile Routing Platform Software\nVRP (R) software, Version 5.170 (S5720 V200R011C10SPC600)\n" +
		"System capabilities supported   :bridge router\nManagement address type  :ipv4\nManagement address value :10.20.0.2\n"
}

// Detect claims a chassis ID line ("Chassis id:", "Chassis ID :",
// "ChassisID:") together with a line that says the output lists neighbors:
// "Local Intf:", "Local Port id:", "Neighbor index", "LLDP neighbor
// index", "LLDP neighbors:", "... has N neighbor(s):" or lldpd's
// "Interface: ..., via: ...". A device's own `display lldp
// local-information` has a chassis ID but no neighbor and is not claimed.
func (lldpFormat) Detect(head []byte) bool {
	var chassis, neighbors bool
	return textfile.HeadLines(head, func(line []byte) bool {
		if isPortHeader(line) {
			neighbors = true
		} else if key, value, ok := keyValue(line); ok {
			switch key {
			case "chassis id", "chassisid":
				chassis = true
			case "local intf", "local port id", "neighbor index", "lldp neighbor index", "lldp neighbors":
				neighbors = true
			case "interface":
				neighbors = neighbors || bytes.Contains(value, []byte("via:"))
			}
		}
		return chassis && neighbors
	})
}

// isPortHeader matches the lines that open one port's neighbors and close
// the previous block: Huawei "GigabitEthernet0/0/1 has 1 neighbor(s):" and
// H3C "LLDP neighbor-information of port 2[GigabitEthernet0/0]:".
func isPortHeader(line []byte) bool {
	t := bytes.TrimSpace(line)
	return (bytes.Contains(t, []byte(" has ")) && bytes.Contains(t, []byte(" neighbor(s)"))) ||
		bytes.HasPrefix(t, []byte("LLDP neighbor-information of port"))
}

// lldpDescrEnd are the keys that end a description written without
// indentation (Cisco, Huawei, H3C): what follows it in each output.
var lldpDescrEnd = map[string]bool{
	"time remaining": true, "system capabilities": true, "enabled capabilities": true,
	"system capabilities supported": true, "system capabilities enabled": true,
	"management addresses": true, "management address": true, "management address type": true,
	"management address value": true, "management address ipv6": true, "vlan id": true,
	"expired time": true, "local intf": true, "chassis id": true, "chassis type": true,
	"port id": true, "port id type": true, "port description": true, "system name": true,
	"neighbor index": true, "lldp neighbor index": true, "total entries displayed": true,
}

// lldpFields are the keys of a neighbor's fields: one of them with no
// block open starts a block (a file cut in the middle of one).
var lldpFields = map[string]bool{
	"chassis id": true, "chassisid": true, "port id": true, "portid": true, "system name": true,
	"sysname": true, "system description": true, "sysdescr": true, "management address": true,
	"management address value": true, "mgmtip": true,
}

// lldpParser holds the block being read.
type lldpParser struct {
	e   *emitter
	cur *neighbor
	// inDescr is set while the description's lines are read; indent is the
	// indentation of lldpd's SysDescr line, under which its continuation
	// lines are, or -1 for the outputs that continue at the margin.
	inDescr bool
	indent  int
}

// Read streams the neighbor blocks.
func (f lldpFormat) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) error {
	p := &lldpParser{e: newEmitter(f.Name(), src, emit, bad)}
	return read(ctx, r, p.e, p.line, p.finish)
}

// finish emits the open block.
func (p *lldpParser) finish() error {
	n := p.cur
	p.cur, p.inDescr = nil, false
	return p.e.neighbor(n)
}

// open finishes the open block and starts one at line num.
func (p *lldpParser) open(num int) error {
	if err := p.finish(); err != nil {
		return err
	}
	p.cur = &neighbor{start: num}
	return nil
}

func (p *lldpParser) line(line []byte, num int) error {
	if isRuler(line) || isPortHeader(line) {
		return p.finish()
	}
	key, value, isKey := keyValue(line)
	if p.inDescr {
		if p.descrGoesOn(line, key, isKey) {
			p.cur.addDescr(string(line))
			return nil
		}
		p.inDescr = false
	}
	if !isKey {
		return nil
	}
	switch key {
	case "local intf", "neighbor index", "lldp neighbor index":
		return p.open(num)
	case "interface":
		if bytes.Contains(value, []byte("via:")) { // lldpd
			return p.open(num)
		}
		return nil
	case "total entries displayed":
		return p.finish()
	case "chassis id", "chassisid":
		if p.cur != nil && p.cur.chassis != "" { // NX-OS: no Local Intf line
			if err := p.finish(); err != nil {
				return err
			}
		}
	}
	if p.cur == nil {
		if !lldpFields[key] {
			return nil
		}
		p.cur = &neighbor{start: num}
	}
	switch key {
	case "chassis id", "chassisid":
		p.cur.chassis = string(value)
	case "chassis type":
		p.cur.chassisType = strings.ToLower(string(value))
	case "system name", "sysname":
		p.cur.name = string(value)
	case "system description", "sysdescr":
		p.inDescr = true
		p.indent = -1
		if key == "sysdescr" {
			p.indent = len(line) - len(bytes.TrimLeft(line, " \t"))
		}
		p.cur.addDescr(string(value))
	case "management address", "management address value", "ip", "ipv6", "management address ipv6", "mgmtip":
		p.cur.address(string(value))
	}
	return nil
}

// descrGoesOn reports whether line continues the description: for lldpd,
// a line indented deeper than the SysDescr key; for the others, any line
// up to a blank one or one with a key that follows descriptions.
func (p *lldpParser) descrGoesOn(line []byte, key string, isKey bool) bool {
	if len(bytes.TrimSpace(line)) == 0 {
		return false
	}
	if p.indent >= 0 {
		return len(line)-len(bytes.TrimLeft(line, " \t")) > p.indent
	}
	return !isKey || !lldpDescrEnd[key]
}
