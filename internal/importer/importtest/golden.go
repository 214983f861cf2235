package importtest

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

// update is the -update flag of every test binary that links this
// package: `go test ./internal/importer/X -update` rewrites X's golden
// files instead of comparing with them.
var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Golden compares obs and bad with the golden file at path (usually
// testdata/NAME.golden): the observations as JSON Lines, then one
// "bad: FILE:LINE: ERROR" line per bad record. Under -update it writes the
// file instead.
func Golden(t testing.TB, path string, obs []covered.Observation, bad []*importer.RecordError) {
	t.Helper()
	got := encode(t, obs, bad)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	compare(t, path, got)
}

// SameAsGolden is Golden for an input that must read as another does (a
// compressed copy of a sample): it compares with path even under -update,
// when the other input's Golden has just written it.
func SameAsGolden(t testing.TB, path string, obs []covered.Observation, bad []*importer.RecordError) {
	t.Helper()
	compare(t, path, encode(t, obs, bad))
}

func encode(t testing.TB, obs []covered.Observation, bad []*importer.RecordError) []byte {
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
	return b.Bytes()
}

func compare(t testing.TB, path string, got []byte) {
	t.Helper()
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update to accept):\n%s", path, got)
	}
}
