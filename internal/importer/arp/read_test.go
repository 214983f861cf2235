package arp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/coveredtool/covered/internal/importer/textfile"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// seen is the modification time the tests give every file.
var seen = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// The samples under testdata/ were written from each tool's documentation
// and manual output: ip-neighbour(8) and proc(5) (/proc/net/arp), Microsoft's
// arp command reference, and Cisco IOS command references for show ip arp
// and show mac address-table. Each holds deliberately bad lines.
var cases = []struct {
	name, format, file string
	wantObs            int
	wantBad            []int // lines reported bad, in order
}{
	{"ip-neigh", "ip-neigh", "ip-neigh.txt", 5, []int{8, 9, 11}},
	{"proc-net-arp", "ip-neigh", "proc-net-arp.txt", 3, []int{5}},
	{"windows-arp", "windows-arp", "windows-arp.txt", 3, []int{8, 13, 14}},
	{"cisco-arp", "cisco-arp", "cisco-show-ip-arp.txt", 3, []int{8, 9, 10}},
	{"cisco-mac-table", "cisco-arp", "cisco-mac-table.txt", 3, []int{11, 13}},
}

// run reads file with the named format and returns its observations and
// the bad records.
func run(t testing.TB, format string, data []byte, name string) ([]covered.Observation, []*importer.RecordError, error) {
	t.Helper()
	f, ok := importer.Lookup(format)
	if !ok {
		t.Fatalf("format %q not registered", format)
	}
	var obs []covered.Observation
	var bad []*importer.RecordError
	err := f.Read(context.Background(), bytes.NewReader(data), importer.Source{Name: name, Seen: seen},
		func(o covered.Observation) error { obs = append(obs, o); return nil },
		func(e *importer.RecordError) { bad = append(bad, e) })
	return obs, bad, err
}

func TestRead(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			obs, bad, err := run(t, tc.format, data, tc.file)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			var lines []int
			for _, e := range bad {
				if e.File != tc.file {
					t.Errorf("RecordError names file %q, want %q", e.File, tc.file)
				}
				lines = append(lines, e.Line)
			}
			if !slices.Equal(lines, tc.wantBad) {
				t.Errorf("bad lines %v, want %v", lines, tc.wantBad)
			}
			if len(obs) != tc.wantObs {
				t.Errorf("%d observations, want %d", len(obs), tc.wantObs)
			}
			for _, o := range obs {
				if o.Source != "import:"+tc.format || o.Host == "" || o.Value == "" || o.Seen.IsZero() {
					t.Errorf("incomplete observation %+v", o)
				}
				if _, ok := covered.Keys[o.Key]; !ok {
					t.Errorf("key %q outside the vocabulary", o.Key)
				}
			}
			golden(t, filepath.Join("testdata", tc.file+".golden"), obs, bad)
		})
	}
}

// golden compares the observations (JSON Lines) and errors (one per line,
// "bad: ...") with a golden file, or rewrites it under -update.
func golden(t *testing.T, path string, obs []covered.Observation, bad []*importer.RecordError) {
	t.Helper()
	var b bytes.Buffer
	for _, o := range obs {
		j, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(j)
		b.WriteByte('\n')
	}
	for _, e := range bad {
		fmt.Fprintf(&b, "bad: %v\n", e)
	}
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("output differs from %s (run with -update to accept):\n%s", path, b.String())
	}
}

func TestLongLine(t *testing.T) {
	long := bytes.Repeat([]byte("x"), textfile.MaxLine+10)
	for _, tc := range []struct {
		format string
		data   string
	}{
		{"ip-neigh", "10.0.0.1 dev eth0 lladdr 00:e0:fc:12:34:56 REACHABLE\n%s\n10.0.0.2 dev eth0 lladdr 00:e0:fc:12:34:57 STALE\n"},
		{"windows-arp", "%s\nInterface: 10.0.0.2 --- 0x5\n  Internet Address  Physical Address  Type\n  10.0.0.1   00-e0-fc-12-34-56   dynamic\n  10.0.0.3   00-e0-fc-12-34-58   dynamic\n"},
		{"cisco-arp", "Internet  10.0.0.1   5   00e0.fc12.3456  ARPA   Vlan10\n%s\nInternet  10.0.0.2   5   00e0.fc12.3457  ARPA   Vlan10\n"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			data := fmt.Appendf(nil, tc.data, long)
			obs, bad, err := run(t, tc.format, data, "long")
			if err != nil {
				t.Fatal(err)
			}
			if len(bad) != 1 || (bad[0].Line != 1 && bad[0].Line != 2) || !errors.Is(bad[0].Err, textfile.ErrLong) {
				t.Errorf("bad = %v, want one textfile.ErrLong at the long line", bad)
			}
			if len(obs) != 2 {
				t.Errorf("%d observations, want 2", len(obs))
			}
		})
	}
}

// TestEmitError checks that an error from emit ends Read with that error.
func TestEmitError(t *testing.T) {
	stop := fmt.Errorf("stop")
	for _, tc := range cases {
		data, err := os.ReadFile(filepath.Join("testdata", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		f, _ := importer.Lookup(tc.format)
		err = f.Read(context.Background(), bytes.NewReader(data), importer.Source{Name: tc.file, Seen: seen},
			func(covered.Observation) error { return stop }, func(*importer.RecordError) {})
		if err != stop {
			t.Errorf("%s: Read = %v, want the emit error", tc.name, err)
		}
	}
}
