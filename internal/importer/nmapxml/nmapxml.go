// Package nmapxml imports nmap's XML output (-oX) into observations, the
// input of identification. It streams: one <host> element is decoded at a
// time, bounded in bytes and nesting, so memory does not grow with the file
// and a malformed host costs only that host.
package nmapxml

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

// Name is the format's name and, after "import:", every observation's Source.
const Name = "nmap-xml"

// Limits on one record. A <host> element larger or deeper than these is
// reported as a bad record and skipped.
const (
	// MaxHostBytes bounds one <host> element, and any one token outside a
	// host, in bytes of input.
	MaxHostBytes = 4 << 20
	// MaxDepth bounds element nesting inside a <host> (nmap nests script
	// tables a few levels; 64 is far beyond real output).
	MaxDepth = 64
	// maxOuterDepth bounds nesting outside hosts (<nmaprun>, <prescript>...).
	maxOuterDepth = 256
)

func init() { importer.Register(Format{}) }

// Format reads nmap XML. The zero value is ready to use.
type Format struct{}

var _ importer.Format = Format{}

// Name implements importer.Format.
func (Format) Name() string { return Name }

// Description implements importer.Format.
func (Format) Description() string {
	return "nmap XML output (nmap -oX): addresses, hostnames, open ports, -sV service and OS matches, default-script banners, titles and certificates"
}

// Example implements importer.Format.
func (Format) Example() string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nmaprun>
<nmaprun scanner="nmap" args="nmap -sV -sC -oX scan.xml 10.1.2.0/24" start="1795773600" version="7.93" xmloutputversion="1.05">
<host starttime="1795773601" endtime="1795773660"><status state="up" reason="syn-ack" reason_ttl="64"/>
<address addr="10.1.2.3" addrtype="ipv4"/><address addr="00:E0:FC:01:02:03" addrtype="mac" vendor="Huawei Technologies"/>
<hostnames><hostname name="sw1.example.net" type="PTR"/></hostnames>
<ports><port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="64"/>
<service name="ssh" product="Huawei VRP sshd" extrainfo="protocol 2.0" ostype="VRP" method="probed" conf="10"><cpe>cpe:/o:huawei:vrp</cpe></service></port></ports>
</host>
</nmaprun>`
}

// detectWindow is how far into the file Detect looks for nmap's preamble.
const detectWindow = 4096

// Detect claims files that start like nmap's XML output: the <nmaprun>
// element, nmap's DOCTYPE or its nmap.xsl stylesheet near the start. masscan
// writes the same root element with scanner="masscan"; those are its own
// format's.
func (Format) Detect(head []byte) bool {
	if len(head) > detectWindow {
		head = head[:detectWindow]
	}
	if bytes.Contains(head, []byte(`scanner="masscan"`)) {
		return false
	}
	return bytes.Contains(head, []byte("<nmaprun")) ||
		bytes.Contains(head, []byte("<!DOCTYPE nmaprun")) ||
		(bytes.Contains(head, []byte("<?xml-stylesheet")) && bytes.Contains(head, []byte("nmap.xsl")))
}

// Read streams the hosts of r as observations. A host that is malformed, too
// large or too deep goes to bad with the line it starts on, and reading goes
// on at the next <host> element. Read fails when r holds no nmap XML at all,
// when reading r fails, or when emit fails.
func (Format) Read(ctx context.Context, r io.Reader, src importer.Source, emit func(covered.Observation) error, bad func(*importer.RecordError)) error {
	s := newStream(r)
	p := parser{src: src, emit: emit, bad: bad}
	for {
		err := p.run(ctx, s)
		if err == nil {
			break
		}
		if s.readErr != nil { // the input itself failed: no resync possible
			return fmt.Errorf("nmap-xml: %s:%d: %w", src.Name, s.line, s.readErr)
		}
		var re *importer.RecordError
		if !errors.As(err, &re) {
			return err // emit or ctx
		}
		bad(re)
		found, serr := s.resync()
		if serr != nil {
			return fmt.Errorf("nmap-xml: %s:%d: %w", src.Name, s.line, serr)
		}
		if !found {
			break
		}
	}
	if !p.sawRun && p.hosts == 0 {
		return fmt.Errorf("nmap-xml: %s:%d: no <nmaprun> element: not nmap XML output", src.Name, s.line)
	}
	return nil
}
