// Package zeek imports Zeek logs (format "zeek"), in Zeek's ASCII (TSV)
// form, with its #separator, #path, #fields and #types header, and in its
// JSON form (LogAscii::use_json, one object per line), as documented in the
// Zeek manual ("Zeek Logs", "Log Formats" and each log's reference page).
//
// The log kind comes from the #path header, from a "_path" member of a
// JSON line (some pipelines add it), or else from the fields a JSON line
// carries. What becomes an observation:
//
//   - software.log: unparsed_version (else name) as `software.name`, Host
//     the host field.
//   - http.log: user_agent as `http.user_agent`, Host id.orig_h. The Server
//     header is not in http.log by default and is not read.
//   - dhcp.log: mac as `mac`, host_name as `dhcp.hostname`, client_fqdn as
//     `hostname`, and the vendor class (client_software, added by
//     policy/protocols/dhcp/software.zeek, or a vendor_class field) as
//     `dhcp.vendor_class`; Host is assigned_addr, else client_addr, else
//     requested_addr, else the MAC.
//   - ssl.log: subject and issuer (also certificate.subject and
//     certificate.issuer when a pipeline joined x509 records into it) as
//     `tls.cert.subject` and `tls.cert.issuer`, Host id.resp_h, Port
//     id.resp_p.
//   - ssh.log: the server's identification string (server) as
//     `ssh.banner`, Host id.resp_h, Port id.resp_p.
//   - known_services.log: `port.open` "tcp/N" (port_proto/port_num), Host
//     host, Port N.
//   - conn.log, only with a network lookup (--asn-db, --asn-prefixes): a
//     flow between a local host and a covered carrier's network gives the
//     local host a `flow.remote_asn` observation, as flow records do
//     (package flow's Matcher). Without one, conn.log names nothing
//     covered reads and is skipped.
//
// x509.log has no host (it is keyed by fingerprint) and is skipped, as are
// known_hosts.log (nothing in the vocabulary: the host is already implied by
// any other observation) and every other log.
//
// Seen is the ts field: Unix seconds with a fraction (TSV, default JSON) or
// ISO 8601 (JSON written with LogAscii::json_timestamps = JSON::TS_ISO8601),
// in UTC; a line without ts takes the file's time. Unset ("-") and empty
// ("(empty)") fields, and the #unset_field/#empty_field a header declares,
// are absent; TSV \xHH escapes are undone. Identical (host, key, value,
// port) observations are emitted once per file, through a bounded set as in
// the access-log importer. Lines over 256 KiB, data lines before a #fields
// header, lines whose field count does not match it, invalid JSON, bad
// times and hosts that are not IP addresses are reported with their line,
// and reading goes on.
package zeek

import (
	"bytes"
	"context"
	"io"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

func init() { importer.Register(format{}) }

var _ importer.Format = format{}

type format struct{}

func (format) Name() string { return "zeek" }

func (format) Description() string {
	return "Zeek logs, TSV or JSON: software, http, dhcp, ssl, ssh, known_services"
}

func (format) Example() string {
	return "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tsoftware\n" +
		"#fields\tts\thost\thost_p\tsoftware_type\tname\tversion.major\tversion.minor\tversion.minor2\tversion.minor3\tversion.addl\tunparsed_version\n" +
		"#types\ttime\taddr\tport\tenum\tstring\tcount\tcount\tcount\tcount\tstring\tstring\n" +
		"1732701600.123456\t10.0.0.7\t-\tHTTP::BROWSER\tChrome\t120\t0\t6099\t-\t-\tMozilla/5.0 (Linux; Android 10; ELE-L29) Chrome/120.0.6099.0"
}

// Detect claims a TSV header (#separator first, then #path) or a first
// JSON line with "ts" and a Zeek marker: "uid", "uids", "_path" or
// "software_type". Lines with "key" and "value" (covered's own
// observations) are not claimed.
func (format) Detect(head []byte) bool {
	head = bytes.TrimLeft(head, " \t\r\n")
	if bytes.HasPrefix(head, []byte("#separator ")) {
		return bytes.Contains(head, []byte("\n#path"))
	}
	line, _, _ := bytes.Cut(head, []byte("\n"))
	if !bytes.HasPrefix(line, []byte("{")) {
		return false
	}
	has := func(s string) bool { return bytes.Contains(line, []byte(s)) }
	if !has(`"ts":`) || (has(`"key":`) && has(`"value":`)) {
		return false
	}
	return has(`"uid":`) || has(`"uids":`) || has(`"_path":`) || has(`"software_type":`)
}

// Read streams the observations of the file's known log kinds.
func (f format) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) error {
	return newReader(f.Name(), src, emit, bad).run(ctx, r)
}
