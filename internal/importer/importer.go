// Package importer turns the files an organization already has (scanner
// output, DHCP leases, ARP tables, inventories, logs, captures) into
// observations, the input of identification. Each format is a package under
// internal/importer/ that registers itself; `covered import` picks one by
// name or by what the file says it is, streams it, and records a run.
//
// Readers stream: memory does not grow with the size of a file. A bad record
// is reported with its file and line (or record number) and reading goes on.
package importer

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"sort"
	"sync"
	"time"

	"github.com/coveredtool/covered"
)

// Format reads one kind of file.
type Format interface {
	// Name is what `covered import NAME FILE` calls it: "nmap-xml",
	// "dhcpd-leases", "ip-neigh"...
	Name() string
	// Description is one line for `covered import --list`.
	Description() string
	// Example is a short sample of the format for --list and the docs.
	Example() string
	// Detect reports whether head, the first bytes of a file (up to
	// HeadSize), look like this format. It must be cheap and must not claim
	// files of the other formats.
	Detect(head []byte) bool
	// Read streams the observations of r to emit. src says where r comes
	// from; every observation carries Source "import:"+Name(). A bad record
	// goes to bad, with its line, and reading goes on; an error from emit or
	// from reading ends it.
	Read(ctx context.Context, r io.Reader, src Source, emit func(covered.Observation) error, bad func(*RecordError)) error
}

// HeadSize is how much of a file Detect sees.
const HeadSize = 64 << 10

// Source describes the file being read.
type Source struct {
	// Name is the file's name as the user gave it ("-" for standard input).
	Name string
	// Seen is when the file's facts were observed, for records that carry
	// no time of their own: the file's modification time.
	Seen time.Time
	// Options are the user's settings for the formats that need them.
	Options Options
}

// Options are command-line settings that some formats need. Formats ignore
// what does not concern them.
type Options struct {
	// Columns overrides column detection in tabular inventories: field name
	// ("manufacturer", "model", "serial", "mac", "ip", "hostname", "imei"...)
	// to the column header that holds it (--map field=column).
	Columns map[string]string
	// Networks tells flow formats which remote addresses belong to networks
	// of interest (the covered carriers'), from --asn-db or --asn-prefixes.
	// Nil when the user gave neither.
	Networks NetworkLookup
}

// NetworkLookup finds the autonomous system of an address among those of
// interest; ok is false for every other address.
type NetworkLookup interface {
	LookupNetwork(ip netip.Addr) (n Network, ok bool)
}

// Network is an autonomous system an address belongs to.
type Network struct {
	ASN uint32
	Org string // the AS name the database gives, may be empty
}

// RecordError is one record that could not be read.
type RecordError struct {
	File string
	Line int // 1-based line, or record number for formats without lines
	Err  error
}

func (e *RecordError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }
func (e *RecordError) Unwrap() error { return e.Err }

var (
	mu      sync.RWMutex
	formats = map[string]Format{}
)

// Register adds a format; format packages call it from init. Registering a
// name twice is a programming error.
func Register(f Format) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := formats[f.Name()]; dup {
		panic("importer: format " + f.Name() + " registered twice")
	}
	formats[f.Name()] = f
}

// Formats returns the registered formats by name.
func Formats() []Format {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]Format, 0, len(formats))
	for _, f := range formats {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out
}

// Lookup returns the format called name.
func Lookup(name string) (Format, bool) {
	mu.RLock()
	defer mu.RUnlock()
	f, ok := formats[name]
	return f, ok
}

// Detect returns the formats that claim head. More than one means the file
// is ambiguous and the user must name the format.
func Detect(head []byte) []Format {
	var out []Format
	for _, f := range Formats() {
		if f.Detect(head) {
			out = append(out, f)
		}
	}
	return out
}
