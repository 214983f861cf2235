// Package wiretest replays recorded protocol exchanges on loopback for the
// tests of the discovery-stage probes. A transcript is a txtar archive: the
// comment says where the exchange comes from (a public document, never an
// invented device), and the files, in order, are the steps the fake device
// takes:
//
//	-- send --     bytes the device writes
//	-- expect --   bytes the device requires the probe to write next, exactly
//	-- pause --    a Go duration the device waits
//	-- close --    the device hangs up (otherwise it waits for the probe to)
//	-- want --     expected observations, one "key value" per line
//	-- error --    the exact error text the probe must return
//
// In send, expect and want, line breaks in the file are ignored and escapes
// spell the bytes: \r \n \t \0 \\ and \xHH. {hostport} in expect stands for
// the listener's address.
package wiretest

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/coveredtool/covered"
)

// Step is one action of the fake device.
type Step struct {
	// Op is "send", "expect", "pause" or "close".
	Op   string
	Data []byte
}

// Transcript is one recorded exchange and what the probe must make of it.
type Transcript struct {
	Name    string
	Comment string
	Steps   []Step
	// Want holds Key and Value only; tests fill Port and Transport.
	Want []covered.Observation
	// Err is the exact error text the probe must return, "" for nil.
	Err string
}

// LoadDir loads every dir/*.txtar, sorted by name.
func LoadDir(t testing.TB, dir string) []Transcript {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no transcripts in %s (%v)", dir, err)
	}
	var out []Transcript
	for _, p := range paths {
		tr, err := Load(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tr)
	}
	return out
}

// Load parses one transcript file.
func Load(path string) (Transcript, error) {
	a, err := txtar.ParseFile(path)
	if err != nil {
		return Transcript{}, fmt.Errorf("load transcript: %w", err)
	}
	tr := Transcript{
		Name:    strings.TrimSuffix(filepath.Base(path), ".txtar"),
		Comment: string(a.Comment),
	}
	if !bytes.Contains(bytes.ToLower(a.Comment), []byte("source:")) {
		return tr, fmt.Errorf("transcript %s: the comment must cite a source (\"Source: ...\")", path)
	}
	for _, f := range a.Files {
		switch f.Name {
		case "send", "expect", "pause", "close":
			data := f.Data
			if f.Name != "pause" {
				if data, err = Unescape(string(f.Data)); err != nil {
					return tr, fmt.Errorf("transcript %s, %s: %w", path, f.Name, err)
				}
			}
			tr.Steps = append(tr.Steps, Step{Op: f.Name, Data: data})
		case "want":
			for line := range strings.Lines(string(f.Data)) {
				line = strings.TrimRight(line, "\r\n")
				if line == "" {
					continue
				}
				key, val, _ := strings.Cut(line, " ")
				v, err := Unescape(val)
				if err != nil {
					return tr, fmt.Errorf("transcript %s, want %q: %w", path, key, err)
				}
				tr.Want = append(tr.Want, covered.Observation{Key: key, Value: string(v)})
			}
		case "error":
			tr.Err = strings.TrimSpace(string(f.Data))
		default:
			return tr, fmt.Errorf("transcript %s: unknown section %q", path, f.Name)
		}
	}
	return tr, nil
}

// Sent is everything the device sends, concatenated: the natural fuzz seed
// for the parser that reads it.
func (tr Transcript) Sent() []byte {
	var b []byte
	for _, s := range tr.Steps {
		if s.Op == "send" {
			b = append(b, s.Data...)
		}
	}
	return b
}

// Unescape turns the transcript spelling into bytes: line breaks dropped,
// \r \n \t \0 \\ \xHH decoded.
func Unescape(s string) ([]byte, error) {
	s = strings.NewReplacer("\r", "", "\n", "").Replace(s)
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			out = append(out, s[i])
			continue
		}
		if i+1 >= len(s) {
			return nil, fmt.Errorf("trailing backslash")
		}
		i++
		switch s[i] {
		case 'r':
			out = append(out, '\r')
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case '0':
			out = append(out, 0)
		case '\\':
			out = append(out, '\\')
		case 'x':
			if i+2 >= len(s) {
				return nil, fmt.Errorf("short \\x escape")
			}
			b, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return nil, fmt.Errorf("bad \\x escape %q: %w", s[i+1:i+3], err)
			}
			out = append(out, byte(b))
			i += 2
		default:
			return nil, fmt.Errorf("unknown escape \\%c", s[i])
		}
	}
	return out, nil
}

// Check compares observations exactly, in order, and reports every
// difference with quoted values so that control bytes are visible.
func Check(t testing.TB, got, want []covered.Observation) {
	t.Helper()
	n := max(len(got), len(want))
	for i := range n {
		switch {
		case i >= len(got):
			t.Errorf("observation %d missing: want %s", i, show(want[i]))
		case i >= len(want):
			t.Errorf("observation %d unexpected: got %s", i, show(got[i]))
		case got[i] != want[i]:
			t.Errorf("observation %d:\n got %s\nwant %s", i, show(got[i]), show(want[i]))
		}
	}
}

func show(o covered.Observation) string {
	return fmt.Sprintf("%s=%q port=%d transport=%q path=%q", o.Key, o.Value, o.Port, o.Transport, o.Path)
}

// WithPort returns want with Port and Transport set, as probes emit them.
func WithPort(want []covered.Observation, port uint16, transport string) []covered.Observation {
	out := make([]covered.Observation, len(want))
	for i, o := range want {
		o.Port, o.Transport = int(port), transport
		out[i] = o
	}
	return out
}

// parseDuration reads a pause step.
func parseDuration(b []byte) (time.Duration, error) {
	return time.ParseDuration(strings.TrimSpace(string(b)))
}

// CheckPrefix is Check for a device cut off by the deadline: at most one
// observation, under key, whose value is a strict prefix of full. How much
// arrived depends on the machine's load; that it was cut, and verbatim,
// does not.
func CheckPrefix(t testing.TB, got []covered.Observation, key, full string) {
	t.Helper()
	if len(got) > 1 || (len(got) == 1 && (got[0].Key != key || !strings.HasPrefix(full, got[0].Value) || got[0].Value == full)) {
		t.Errorf("observations %v: want at most one %s, a strict prefix of %q", got, key, full)
	}
}
