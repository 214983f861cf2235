package neighbors

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

// FuzzRead feeds both formats the same bytes: Read must not panic or
// fail, and the observations are bounded by the input: a neighbor block
// takes more than 8 bytes per observation it yields.
func FuzzRead(f *testing.F) {
	for _, tc := range cases {
		b, err := os.ReadFile(filepath.Join("testdata", tc.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("Device ID:a(b)\nMgmt address(es):\n IPv4 Address: 1.2.3.4\nVersion:\nx\n"))
	f.Add([]byte("Interface: e, via: LLDP\n ChassisID: mac 00:e0:fc:00:00:01\n SysDescr: a\n    b\n"))
	f.Add([]byte("Neighbor index :1\nChassis type :MAC address\nChassis ID :00e0-fc00-0001\nSystem description :x\ny\n"))
	formats := []importer.Format{cdpFormat{}, lldpFormat{}}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range formats {
			format.Detect(data)
			n := 0
			err := format.Read(context.Background(), bytes.NewReader(data), importer.Source{Name: "fuzz", Seen: seen},
				func(o covered.Observation) error {
					n++
					if o.Host == "" || o.Value == "" {
						t.Errorf("%s: empty host or value: %+v", format.Name(), o)
					}
					if o.Key == "lldp.sysdescr" && len(o.Value) > maxDescr {
						t.Errorf("%s: description of %d bytes", format.Name(), len(o.Value))
					}
					return nil
				},
				func(e *importer.RecordError) {
					if e.Line < 1 {
						t.Errorf("%s: line %d", format.Name(), e.Line)
					}
				})
			if err != nil {
				t.Errorf("%s: Read: %v", format.Name(), err)
			}
			if n > len(data)/8+1 {
				t.Errorf("%s: %d observations from %d bytes", format.Name(), n, len(data))
			}
		}
	})
}
