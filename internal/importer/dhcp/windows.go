package dhcp

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/coveredtool/covered/internal/importer/textfile"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

var _ importer.Format = windowsFormat{}

// windowsFormat reads the two files a Windows DHCP server gives: a lease
// export (Get-DhcpServerv4Lease | Export-Csv, with or without the #TYPE
// line) and the audit log (DhcpSrvLog-*.log, with its event legend
// preamble). Which one is decided by its header line.
type windowsFormat struct{}

func (windowsFormat) Name() string { return "windows-dhcp" }

func (windowsFormat) Description() string {
	return "Windows DHCP server: Get-DhcpServerv4Lease | Export-Csv, or the DhcpSrvLog audit log"
}

func (windowsFormat) Example() string {
	return `"IPAddress","ScopeId","ClientId","HostName","AddressState","LeaseExpiryTime"
"10.0.0.5","10.0.0.0","00-e0-fc-12-34-56","ar1220.corp.example","Active","11/28/2026 9:12:01 AM"`
}

const auditHeader = "ID,Date,Time,Description,IP Address"

// Detect claims an audit log (its title or header line) or a CSV whose
// header names IPAddress, ScopeId and ClientId.
func (windowsFormat) Detect(head []byte) bool {
	return textfile.HeadLines(head, func(line []byte) bool {
		if bytes.Contains(line, []byte("Microsoft DHCP Service Activity Log")) || bytes.HasPrefix(line, []byte(auditHeader)) {
			return true
		}
		return isLeaseHeader(string(line))
	})
}

func isLeaseHeader(line string) bool {
	return strings.Contains(line, "IPAddress") && strings.Contains(line, "ScopeId") && strings.Contains(line, "ClientId") && strings.Contains(line, ",")
}

// auditName normalizes an audit log header name: Windows pads some with
// spaces and ends the last with a period.
func auditName(s string) string { return strings.TrimSuffix(strings.TrimSpace(s), ".") }

// Read streams either file. Lease export rows have no time of their own
// (LeaseExpiryTime is when the lease ends, in the exporter's locale) and
// take src.Seen. Audit log rows take their Date and Time, read in the zone
// of src.Seen; rows without a MAC (service events) are skipped. The vendor
// class comes from VendorClass(Hex), byte for byte, else VendorClass(ASCII).
func (f windowsFormat) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) error {
	s := textfile.NewSink(f.Name(), src, emit, bad)
	loc := inLocation(src)
	var cols columns
	audit := false
	var rec []string
	return textfile.Loop(ctx, textfile.NewLines(r), s, func(line []byte, n int) error {
		text := string(bytes.TrimPrefix(line, []byte("\xef\xbb\xbf")))
		if cols == nil {
			switch {
			case strings.HasPrefix(text, auditHeader):
				audit = true
			case isLeaseHeader(text):
			default:
				return nil // #TYPE line, audit log legend, blank lines
			}
			var err error
			if rec, err = splitCSV(rec, text); err != nil {
				s.BadLine(n, fmt.Errorf("header: %w", err))
				return nil
			}
			cols = newColumns(rec, auditName)
			return nil
		}
		if strings.TrimSpace(text) == "" {
			return nil
		}
		var err error
		if rec, err = splitCSV(rec, text); err != nil {
			s.BadLine(n, err)
			return nil
		}
		var d textfile.Device
		var hostname, vendor string
		if audit {
			d, hostname, vendor, err = auditRow(cols, rec, loc)
		} else {
			d, hostname, err = leaseRow(cols, rec, src.Seen)
		}
		if err != nil {
			s.BadLine(n, err)
			return nil
		}
		return record(s, d, hostname, vendor, "")
	})
}

func leaseRow(cols columns, rec []string, seen time.Time) (textfile.Device, string, error) {
	d := textfile.Device{Seen: seen}
	if len(rec) < len(cols) {
		return d, "", fmt.Errorf("%d fields, header has %d", len(rec), len(cols))
	}
	var err error
	if d.IP, err = textfile.ParseIP(cols.get(rec, "IPAddress")); err != nil {
		return d, "", err
	}
	if id := cols.get(rec, "ClientId"); id != "" {
		mac, ok, err := textfile.NormMAC(id)
		if err != nil {
			return d, "", fmt.Errorf("ClientId: %w", err)
		}
		if ok {
			d.MAC = mac
		}
	}
	return d, cols.get(rec, "HostName"), nil
}

func auditRow(cols columns, rec []string, loc *time.Location) (textfile.Device, string, string, error) {
	var d textfile.Device
	if len(rec) < 7 {
		return d, "", "", fmt.Errorf("%d fields, want at least 7", len(rec))
	}
	hw := cols.get(rec, "MAC Address")
	if hw == "" {
		return d, "", "", nil
	}
	mac, ok, err := textfile.NormMAC(hw)
	if err != nil {
		return d, "", "", err
	}
	if ok {
		d.MAC = mac
	}
	if ip := cols.get(rec, "IP Address"); ip != "" {
		if d.IP, err = textfile.ParseIP(ip); err != nil {
			return d, "", "", err
		}
	}
	stamp := cols.get(rec, "Date") + " " + cols.get(rec, "Time")
	if d.Seen, err = time.ParseInLocation("01/02/06 15:04:05", stamp, loc); err != nil {
		if d.Seen, err = time.ParseInLocation("01/02/2006 15:04:05", stamp, loc); err != nil {
			return d, "", "", fmt.Errorf("bad date and time %q", clip(stamp))
		}
	}
	vendor := cols.get(rec, "VendorClass(ASCII)")
	if h := strings.TrimPrefix(strings.TrimPrefix(cols.get(rec, "VendorClass(Hex)"), "0x"), "0X"); h != "" {
		b, err := hex.DecodeString(h)
		if err != nil {
			return d, "", "", errors.New("VendorClass(Hex) is not hex")
		}
		vendor = string(b)
	}
	if len(vendor) > maxOption {
		return d, "", "", fmt.Errorf("vendor class of %d bytes, longer than a DHCP option", len(vendor))
	}
	return d, cols.get(rec, "Host Name"), vendor, nil
}
