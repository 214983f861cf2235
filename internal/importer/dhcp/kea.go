package dhcp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/coveredtool/covered/internal/importer/textfile"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

var _ importer.Format = keaFormat{}

// keaFormat reads Kea's memfile lease4 CSV (kea-leases4.csv). Its columns
// are found by header name; Kea 2.5 writes
// address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id
// and older versions a prefix of that list.
type keaFormat struct{}

func (keaFormat) Name() string { return "kea-leases" }

func (keaFormat) Description() string {
	return "ISC Kea memfile DHCPv4 leases (kea-leases4.csv): MAC and hostname per lease"
}

func (keaFormat) Example() string {
	return "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id\n" +
		"10.0.0.5,00:e0:fc:12:34:56,01:00:e0:fc:12:34:56,3600,1795000000,1,0,0,ar1220.example.org,0,,0"
}

// Detect claims files whose first line is a Kea lease4 header.
func (keaFormat) Detect(head []byte) bool {
	line := textfile.FirstLine(head)
	return bytes.HasPrefix(line, []byte("address,")) && bytes.Contains(line, []byte(",hwaddr,")) &&
		bytes.Contains(line, []byte(",valid_lifetime,")) && !bytes.Contains(line, []byte(",duid,"))
}

// Read streams leases. Seen is the lease's client last transaction time,
// expire minus valid_lifetime, when both are set. Declined leases (no
// hwaddr, no hostname) yield nothing. Kea writes commas in hostnames as
// "&#x2c"; they are decoded.
func (f keaFormat) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) error {
	s := textfile.NewSink(f.Name(), src, emit, bad)
	var cols columns
	var rec []string
	return textfile.Loop(ctx, textfile.NewLines(r), s, func(line []byte, n int) error {
		if len(bytes.TrimSpace(line)) == 0 {
			return nil
		}
		var err error
		rec, err = splitCSV(rec, string(line))
		if err != nil {
			s.BadLine(n, err)
			return nil
		}
		if cols == nil || rec[0] == "address" {
			if rec[0] != "address" {
				s.BadLine(n, errors.New("want the lease4 header (address,hwaddr,...) first"))
				return nil
			}
			cols = newColumns(rec, strings.TrimSpace)
			if _, ok := cols["hwaddr"]; !ok {
				s.BadLine(n, errors.New("header has no hwaddr column"))
				cols = nil
			}
			return nil
		}
		if len(rec) < len(cols) {
			s.BadLine(n, fmt.Errorf("%d fields, header has %d", len(rec), len(cols)))
			return nil
		}
		d, hostname, err := keaLease(cols, rec, src.Seen)
		if err != nil {
			s.BadLine(n, err)
			return nil
		}
		return record(s, d, hostname, "", "")
	})
}

func keaLease(cols columns, rec []string, seen time.Time) (textfile.Device, string, error) {
	d := textfile.Device{Seen: seen}
	var err error
	if d.IP, err = textfile.ParseIP(cols.get(rec, "address")); err != nil {
		return d, "", err
	}
	if hw := cols.get(rec, "hwaddr"); hw != "" {
		mac, ok, err := textfile.NormMAC(hw)
		if err != nil {
			return d, "", err
		}
		if ok {
			d.MAC = mac
		}
	}
	if exp, life := cols.get(rec, "expire"), cols.get(rec, "valid_lifetime"); exp != "" && life != "" {
		e, err1 := strconv.ParseInt(exp, 10, 64)
		l, err2 := strconv.ParseUint(life, 10, 32)
		if err1 != nil || err2 != nil || e < 0 || e > 1<<40 {
			return d, "", fmt.Errorf("bad expire %q or valid_lifetime %q", clip(exp), clip(life))
		}
		if e > int64(l) {
			d.Seen = time.Unix(e-int64(l), 0).UTC()
		}
	}
	hostname := strings.ReplaceAll(cols.get(rec, "hostname"), "&#x2c", ",")
	if len(hostname) > maxOption {
		return d, "", fmt.Errorf("hostname of %d bytes, longer than a DHCP option", len(hostname))
	}
	return d, hostname, nil
}
