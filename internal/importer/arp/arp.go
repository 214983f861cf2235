// Package arp imports neighbour tables (an importer format family of the
// import stage): Linux `ip neigh` and /proc/net/arp, Windows `arp -a`, and
// Cisco IOS `show ip arp` and `show mac address-table`. Each entry becomes
// one `mac` observation whose Host is the entry's IP, or the MAC itself for
// MAC address table entries, which know no IP.
//
// MACs are written as lowercase colon-separated hex, whatever the file's
// notation; incomplete (all-zero or missing), multicast and broadcast
// entries are dropped. The tables carry no time, so Seen is src.Seen (for
// Cisco ARP entries, src.Seen minus the entry's age). Lines longer than
// 64 KiB and entries that do not parse are reported with their line, and
// reading goes on.
package arp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/coveredtool/covered/internal/importer/textfile"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

func init() {
	importer.Register(neighFormat{})
	importer.Register(windowsFormat{})
	importer.Register(ciscoFormat{})
}

var (
	_ importer.Format = neighFormat{}
	_ importer.Format = windowsFormat{}
	_ importer.Format = ciscoFormat{}
)

// readLines runs fn over the lines of r; an error fn returns for a line is
// reported as that line's and reading goes on, unless it came from emit.
func readLines(ctx context.Context, r io.Reader, s *textfile.Sink, fn func(line []byte) error) error {
	return textfile.Loop(ctx, textfile.NewLines(r), s, func(line []byte, n int) error {
		err := fn(line)
		var le lineErr
		if errors.As(err, &le) {
			s.BadLine(n, le.error)
			return nil
		}
		return err
	})
}

// lineErr marks an error as the line's fault, not emit's.
type lineErr struct{ error }

func bad(format string, args ...any) error { return lineErr{fmt.Errorf(format, args...)} }

// emitEntry is s.entry with a bad IP or MAC reported as the line's.
func emitEntry(s *textfile.Sink, rawIP, rawMAC string, seen time.Time) error {
	ip := ""
	if rawIP != "" {
		var err error
		if ip, err = textfile.ParseIP(rawIP); err != nil {
			return lineErr{err}
		}
	}
	mac, ok, err := textfile.NormMAC(rawMAC)
	if err != nil {
		return lineErr{err}
	}
	if !ok {
		return nil
	}
	return s.Obs(textfile.Device{IP: ip, MAC: mac, Seen: seen}, "mac", mac)
}

// neighFormat reads Linux neighbour tables: `ip neigh` output and
// /proc/net/arp.
type neighFormat struct{}

func (neighFormat) Name() string { return "ip-neigh" }

func (neighFormat) Description() string {
	return "Linux neighbour table: `ip neigh` output or /proc/net/arp"
}

func (neighFormat) Example() string {
	return "10.0.0.1 dev eth0 lladdr 00:e0:fc:12:34:56 REACHABLE\n10.0.0.9 dev eth0 FAILED"
}

// Detect claims a /proc/net/arp header or a first line `ADDR dev IF ...`
// (or `ADDR lladdr MAC ...` from `ip neigh show dev IF`).
func (neighFormat) Detect(head []byte) bool {
	line := textfile.FirstLine(head)
	if isProcHeader(line) {
		return true
	}
	f := bytes.Fields(line)
	if len(f) < 3 || (string(f[1]) != "dev" && string(f[1]) != "lladdr") {
		return false
	}
	_, err := textfile.ParseIP(string(f[0]))
	return err == nil
}

func isProcHeader(line []byte) bool {
	return bytes.HasPrefix(line, []byte("IP address")) && bytes.Contains(line, []byte("HW type")) && bytes.Contains(line, []byte("HW address"))
}

// Read streams entries. `ip neigh` entries without lladdr and entries in
// state FAILED or INCOMPLETE are skipped, as are /proc/net/arp rows with
// flags 0x0 (incomplete).
func (f neighFormat) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, badf func(*importer.RecordError)) error {
	s := textfile.NewSink(f.Name(), src, emit, badf)
	var fields [][]byte
	return readLines(ctx, r, s, func(line []byte) error {
		fields = appendFields(fields[:0], line)
		if len(fields) == 0 || isProcHeader(bytes.TrimSpace(line)) {
			return nil
		}
		if len(fields) == 6 && bytes.HasPrefix(fields[1], []byte("0x")) && bytes.HasPrefix(fields[2], []byte("0x")) {
			// /proc/net/arp: IP, HW type, Flags, HW address, Mask, Device.
			flags, err := strconv.ParseUint(string(fields[2][2:]), 16, 32)
			if err != nil {
				return bad("bad flags %q", fields[2])
			}
			if flags&0x2 == 0 { // ATF_COM: entry complete
				return nil
			}
			return emitEntry(s, string(fields[0]), string(fields[3]), src.Seen)
		}
		var lladdr []byte
		for i := 1; i < len(fields); i++ {
			switch string(fields[i]) {
			case "lladdr":
				if i+1 < len(fields) {
					lladdr = fields[i+1]
				}
			case "FAILED", "INCOMPLETE":
				return nil
			}
		}
		if lladdr == nil {
			if len(fields) < 2 || (string(fields[1]) != "dev" && string(fields[1]) != "lladdr") {
				return bad("not an ip neigh entry")
			}
			return nil
		}
		return emitEntry(s, string(fields[0]), string(lladdr), src.Seen)
	})
}

// appendFields is bytes.Fields without allocating a new slice per line.
func appendFields(dst [][]byte, line []byte) [][]byte {
	i := 0
	for i < len(line) {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		j := i
		for j < len(line) && line[j] != ' ' && line[j] != '\t' {
			j++
		}
		if j > i {
			dst = append(dst, line[i:j])
		}
		i = j
	}
	return dst
}

// windowsFormat reads Windows `arp -a` output.
type windowsFormat struct{}

func (windowsFormat) Name() string { return "windows-arp" }

func (windowsFormat) Description() string { return "Windows `arp -a` output" }

func (windowsFormat) Example() string {
	return "Interface: 10.0.0.2 --- 0x5\n  Internet Address      Physical Address      Type\n  10.0.0.1              00-e0-fc-12-34-56     dynamic"
}

// isInterfaceLine matches "Interface: 10.0.0.2 --- 0x5" in any language.
func isInterfaceLine(line []byte) bool {
	return bytes.Contains(line, []byte(": ")) && bytes.Contains(line, []byte(" --- 0x"))
}

// Detect claims files with an `Interface: ADDR --- 0xN` line.
func (windowsFormat) Detect(head []byte) bool {
	return textfile.HeadLines(head, isInterfaceLine)
}

// Read streams entries. The line after each Interface line is the column
// header (localized, so not read); "No ARP Entries Found." and blank lines
// are skipped.
func (f windowsFormat) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, badf func(*importer.RecordError)) error {
	s := textfile.NewSink(f.Name(), src, emit, badf)
	header := false
	var fields [][]byte
	return readLines(ctx, r, s, func(line []byte) error {
		fields = appendFields(fields[:0], line)
		switch {
		case len(fields) == 0:
			return nil
		case isInterfaceLine(line):
			header = true
			return nil
		case header:
			header = false
			return nil
		case len(fields) != 3:
			if bytes.HasSuffix(line, []byte(".")) { // "No ARP Entries Found."
				return nil
			}
			return bad("%d fields, want address, physical address and type", len(fields))
		}
		return emitEntry(s, string(fields[0]), string(fields[1]), src.Seen)
	})
}

// ciscoFormat reads Cisco IOS `show ip arp` / `show arp` and
// `show mac address-table` (also `show mac-address-table`) output. A MAC
// address table entry knows no IP: its observation's Host is the MAC.
type ciscoFormat struct{}

func (ciscoFormat) Name() string { return "cisco-arp" }

func (ciscoFormat) Description() string {
	return "Cisco IOS `show ip arp` / `show arp` and `show mac address-table` output"
}

func (ciscoFormat) Example() string {
	return "Protocol  Address          Age (min)  Hardware Addr   Type   Interface\n" +
		"Internet  10.0.0.1                5   00e0.fc12.3456  ARPA   Vlan10"
}

// Detect claims the column headers of either command.
func (ciscoFormat) Detect(head []byte) bool {
	return textfile.HeadLines(head, func(line []byte) bool {
		f := bytes.Fields(line)
		switch {
		case len(f) >= 4 && string(f[0]) == "Protocol" && string(f[1]) == "Address" && bytes.Contains(line, []byte("Hardware Addr")):
			return true
		case len(f) >= 4 && string(f[0]) == "Vlan" && string(f[1]) == "Mac" && string(f[2]) == "Address":
			return true
		}
		return bytes.Equal(line, []byte("Mac Address Table"))
	})
}

// Read streams entries. Rows are lines that start with "Internet" (ARP) or a
// VLAN number or "All" (MAC table; a leading "*" is allowed); titles,
// rulers, prompts and totals are skipped. ARP rows whose hardware address is
// "Incomplete" are skipped; a row's age in minutes dates it before src.Seen.
func (f ciscoFormat) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, badf func(*importer.RecordError)) error {
	s := textfile.NewSink(f.Name(), src, emit, badf)
	var fields [][]byte
	return readLines(ctx, r, s, func(line []byte) error {
		fields = appendFields(fields[:0], line)
		if len(fields) > 0 && string(fields[0]) == "*" {
			fields = fields[1:]
		}
		if len(fields) == 0 {
			return nil
		}
		first := string(fields[0])
		switch {
		case first == "Internet":
			if len(fields) < 5 {
				return bad("%d fields, want Protocol Address Age Hardware Type [Interface]", len(fields))
			}
			if string(fields[3]) == "Incomplete" {
				return nil
			}
			seen := src.Seen
			if age, err := strconv.ParseUint(string(fields[2]), 10, 32); err == nil && !seen.IsZero() {
				seen = seen.Add(-time.Duration(age) * time.Minute)
			} else if err != nil && string(fields[2]) != "-" {
				return bad("bad age %q", fields[2])
			}
			return emitEntry(s, string(fields[1]), string(fields[3]), seen)
		case first == "All" || allDigits(first):
			if len(fields) < 3 {
				return bad("%d fields, want Vlan Mac Type Ports", len(fields))
			}
			return emitEntry(s, "", string(fields[1]), src.Seen)
		}
		return nil
	})
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
