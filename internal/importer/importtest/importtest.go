// Package importtest holds the test scaffolding the importer formats under
// internal/importer share, so that each package's tests say only what is
// its own: Run reads bytes with a format and collects what it reports,
// Golden compares the result with a file under testdata/ (and rewrites it
// under -update), DetectTestdata tries a package's formats on every sample
// of every importer, FuzzRead holds each format to the bounds every fuzz
// target checks, and Bench and Synthetic set up the benchmarks.
//
// Golden files are rewritten by the -update flag this package defines for
// every test binary that links it: go test ./internal/importer/X -update.
//
// Only _test.go files import it. It imports no format package, so the
// internal tests of a format (package arp, not arp_test) can use it too;
// DetectTestdata wants every format registered, which only an external
// test package can do (import _ "…/internal/importer/all").
package importtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
)

// Lookup returns the registered format called name and fails the test
// when there is none.
func Lookup(t testing.TB, name string) importer.Format {
	t.Helper()
	f, ok := importer.Lookup(name)
	if !ok {
		t.Fatalf("format %q not registered", name)
	}
	return f
}

// Run reads data with f as the file src describes and returns the
// observations it emitted and the records it reported bad, in order, and
// Read's error.
func Run(t testing.TB, f importer.Format, data []byte, src importer.Source) ([]covered.Observation, []*importer.RecordError, error) {
	t.Helper()
	var obs []covered.Observation
	var bad []*importer.RecordError
	err := f.Read(context.Background(), bytes.NewReader(data), src,
		func(o covered.Observation) error { obs = append(obs, o); return nil },
		func(e *importer.RecordError) { bad = append(bad, e) })
	return obs, bad, err
}

// ReadSample reads testdata/file with f as src describes it (src.Name is
// file), fails the test if Read fails, checks the observations with
// CheckObs and compares the result with testdata/file.golden (Golden). It
// returns what it read for the checks of the format's own.
func ReadSample(t testing.TB, f importer.Format, file string, src importer.Source) ([]covered.Observation, []*importer.RecordError) {
	t.Helper()
	src.Name = file
	obs, bad, err := Run(t, f, Testdata(t, file), src)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	CheckObs(t, f.Name(), obs)
	Golden(t, filepath.Join("testdata", file+".golden"), obs, bad)
	return obs, bad
}

// Testdata returns the contents of testdata/name.
func Testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Head is what Detect sees of a file: its first importer.HeadSize bytes.
func Head(b []byte) []byte { return b[:min(len(b), importer.HeadSize)] }

// CheckObs checks what every observation a format reads from a sample
// must hold: the format's source ("import:"+format), a host, a key of the
// vocabulary (covered.Keys), a value and a time.
func CheckObs(t testing.TB, format string, obs []covered.Observation) {
	t.Helper()
	for _, o := range obs {
		if o.Source != "import:"+format || o.Host == "" || o.Value == "" || o.Seen.IsZero() {
			t.Errorf("incomplete observation %+v", o)
		}
		if _, ok := covered.Keys[o.Key]; !ok {
			t.Errorf("key %q outside the vocabulary", o.Key)
		}
	}
}

// CheckBadLines checks that every record reported bad names file and that
// their lines are want, in order.
func CheckBadLines(t testing.TB, bad []*importer.RecordError, file string, want []int) {
	t.Helper()
	var lines []int
	for _, e := range bad {
		if e.File != file {
			t.Errorf("RecordError names file %q, want %q", e.File, file)
		}
		lines = append(lines, e.Line)
	}
	if !slices.Equal(lines, want) {
		t.Errorf("bad lines %v, want %v", lines, want)
	}
}

// StopsOnEmitError checks that an error from emit ends Read with that very
// error.
func StopsOnEmitError(t testing.TB, f importer.Format, data []byte, src importer.Source) {
	t.Helper()
	stop := errors.New("stop")
	err := f.Read(context.Background(), bytes.NewReader(data), src,
		func(covered.Observation) error { return stop }, func(*importer.RecordError) {})
	if err != stop {
		t.Errorf("%s %s: Read = %v, want the emit error", f.Name(), src.Name, err)
	}
}

// StopsWhenCanceled checks that Read given a canceled context returns
// context.Canceled.
func StopsWhenCanceled(t testing.TB, f importer.Format, data []byte, src importer.Source) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := f.Read(ctx, bytes.NewReader(data), src, func(covered.Observation) error { return nil }, func(*importer.RecordError) {})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("%s %s: Read = %v, want context.Canceled", f.Name(), src.Name, err)
	}
}

// ReadsExample checks that f reads its own Example (the sample --list
// shows) without a bad record and with observations.
func ReadsExample(t testing.TB, f importer.Format, src importer.Source) {
	t.Helper()
	obs, bad, err := Run(t, f, []byte(f.Example()), src)
	if err != nil || len(bad) != 0 || len(obs) == 0 {
		t.Errorf("%s: Read(Example()) = %d observations, bad %v, %v", f.Name(), len(obs), bad, err)
	}
}

// KeyValues returns "key=value" for each observation, in order.
func KeyValues(obs []covered.Observation) []string {
	var out []string
	for _, o := range obs {
		out = append(out, o.Key+"="+o.Value)
	}
	return out
}

// Lines returns one line for each observation, in order: host, key,
// port/transport and the quoted value.
func Lines(obs []covered.Observation) []string {
	var out []string
	for _, o := range obs {
		out = append(out, fmt.Sprintf("%s %s %d/%s=%q", o.Host, o.Key, o.Port, o.Transport, o.Value))
	}
	return out
}
