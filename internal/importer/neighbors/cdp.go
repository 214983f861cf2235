package neighbors

import (
	"bytes"
	"context"
	"io"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/textfile"
)

// cdpFormat reads `show cdp neighbors detail` (and `show cdp entry *`).
//
// Cisco IOS (Cisco IOS Configuration Fundamentals and CDP command
// references, "show cdp neighbors detail" examples):
//
//	-------------------------
//	Device ID: sw2.example.net
//	Entry address(es):
//	  IP address: 10.1.1.2
//	Platform: cisco WS-C2960X-48FPD-L,  Capabilities: Switch IGMP
//	Interface: GigabitEthernet1/0/1,  Port ID (outgoing port): GigabitEthernet1/0/49
//	Holdtime : 133 sec
//
//	Version :
//	Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(2)E6, RELEASE SOFTWARE (fc1)
//	...
//
//	advertisement version: 2
//	Management address(es):
//	  IP address: 10.1.1.2
//
// Cisco NX-OS (Nexus command references) writes "Device
// ID:name(serial)", "System Name:", "Interface address(es):" and "Mgmt
// address(es):" with "IPv4 Address:" lines, and "Version:".
type cdpFormat struct{}

func (cdpFormat) Name() string { return "cisco-cdp" }

func (cdpFormat) Description() string {
	return "Cisco `show cdp neighbors detail` (IOS, NX-OS): neighbor names, addresses, platforms and software versions"
}

func (cdpFormat) Example() string {
	return "-------------------------\nDevice ID: sw2.example.net\nEntry address(es): \n  IP address: 10.1.1.2\n" +
		"Platform: cisco WS-C2960X-48FPD-L,  Capabilities: Switch IGMP \n" +
		"Interface: GigabitEthernet1/0/1,  Port ID (outgoing port): GigabitEthernet1/0/49\nHoldtime : 133 sec\n\n" +
		"Version :\nCisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(2)E6, RELEASE SOFTWARE (fc1)\n"
}

// Detect claims a "Device ID:" line together with a CDP "Platform:" or
// address list line. The one-line table of `show cdp neighbors` has no
// colon after Device ID and is not claimed.
func (cdpFormat) Detect(head []byte) bool {
	var device, detail bool
	return textfile.HeadLines(head, func(line []byte) bool {
		key, _, ok := keyValue(line)
		if !ok {
			return false
		}
		switch key {
		case "device id":
			device = true
		case "platform", "entry address(es)", "interface address(es)":
			detail = true
		}
		return device && detail
	})
}

// cdpParser holds the block being read.
type cdpParser struct {
	e     *emitter
	cur   *neighbor
	mgmt  bool // in the management address list, not the entry addresses
	inVer bool // reading the Version text
}

// cdpVersionEnd are keys that follow the Version text when no blank line
// does.
var cdpVersionEnd = map[string]bool{
	"advertisement version": true, "protocol hello": true, "vtp management domain": true,
	"native vlan": true, "duplex": true, "management address(es)": true, "mgmt address(es)": true,
	"power drawn": true, "power request id": true, "unidirectional mode": true, "physical location": true,
	"mtu": true, "system name": true, "device id": true, "total cdp entries displayed": true,
}

// Read streams the neighbor blocks.
func (f cdpFormat) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) error {
	p := &cdpParser{e: newEmitter(f.Name(), src, emit, bad)}
	return read(ctx, r, p.e, p.line, p.finish)
}

// finish emits the open block.
func (p *cdpParser) finish() error {
	n := p.cur
	p.cur, p.mgmt, p.inVer = nil, false, false
	return p.e.neighbor(n)
}

func (p *cdpParser) line(line []byte, num int) error {
	if isRuler(line) {
		return p.finish()
	}
	key, value, isKey := keyValue(line)
	if p.inVer {
		if len(bytes.TrimSpace(line)) == 0 || (isKey && cdpVersionEnd[key]) {
			p.inVer = false
		} else {
			p.cur.addDescr(string(line))
			return nil
		}
	}
	if !isKey {
		return nil
	}
	if key == "device id" {
		if err := p.finish(); err != nil {
			return err
		}
		p.cur = &neighbor{start: num}
		name, _, _ := bytes.Cut(value, []byte("(")) // NX-OS: name(serial)
		p.cur.name = string(bytes.TrimSpace(name))
		if p.cur.name == "" {
			p.cur.fail("empty Device ID")
		}
		return nil
	}
	if p.cur == nil {
		switch key {
		case "entry address(es)", "interface address(es)", "platform", "version", "management address(es)", "mgmt address(es)":
			// A neighbor's lines without its Device ID: the block lost
			// its start.
			p.cur = &neighbor{start: num}
			p.cur.fail("neighbor block without a Device ID line")
		default:
			return nil // prompts, totals, text before the first block
		}
	}
	switch key {
	case "system name":
		if len(value) > 0 {
			p.cur.name = string(value)
		}
	case "entry address(es)", "interface address(es)":
		p.mgmt = false
	case "management address(es)", "mgmt address(es)":
		p.mgmt = true
	case "ip address", "ipv4 address", "ipv6 address":
		if ip := p.cur.address(string(value)); p.mgmt && p.cur.cdpMgmt == "" {
			p.cur.cdpMgmt = ip
		}
	case "platform":
		platform, _, _ := bytes.Cut(value, []byte(",")) // "cisco WS-C2960X-48FPD-L,  Capabilities: ..."
		p.cur.platform = string(bytes.TrimSpace(platform))
	case "version":
		p.inVer = true
		p.cur.addDescr(string(value))
	}
	return nil
}
