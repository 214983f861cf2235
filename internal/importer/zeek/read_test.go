package zeek

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered/internal/importer/textfile"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// seen is the modification time the tests give every file.
var seen = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// The samples under testdata/ are written in the layout of the Zeek manual:
// "Log Files" / "Zeek Logs" (the ASCII writer's #separator, #set_separator,
// #empty_field, #unset_field, #path, #open, #fields, #types and #close
// headers) and the field lists of software.log, http.log, dhcp.log (with
// policy/protocols/dhcp/software.zeek's client_software and
// server_software), known_services.log, ssh.log and ssl.log; zeek.json is
// LogAscii::use_json output, some lines with a "_path" member as pipelines
// add it, one with ISO 8601 timestamps and one with a nested "id" object.
// Each holds repeats and deliberately bad lines.
var cases = []struct {
	file    string
	wantObs int
	wantBad []int // lines reported bad, in order
}{
	{"software.log", 3, []int{14, 15, 16}},
	{"http.log", 2, []int{13}},
	{"dhcp.log", 6, []int{12}},
	{"known_services.log", 4, nil},
	{"zeek.json", 10, []int{9, 10, 11}},
}

// run reads data as the file name.
func run(t testing.TB, data []byte, name string) ([]covered.Observation, []*importer.RecordError, error) {
	t.Helper()
	return importtest.Run(t, format{}, data, importer.Source{Name: name, Seen: seen})
}

func TestRead(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			obs, bad := importtest.ReadSample(t, format{}, tc.file, importer.Source{Seen: seen})
			importtest.CheckBadLines(t, bad, tc.file, tc.wantBad)
			if len(obs) != tc.wantObs {
				t.Errorf("%d observations, want %d", len(obs), tc.wantObs)
			}
			for _, o := range obs {
				if o.Value == "-" {
					t.Errorf("incomplete observation %+v", o)
				}
			}
		})
	}
}

// TestLine checks single records: times, escapes and errors.
func TestLine(t *testing.T) {
	hdr := "#separator \\x09\n#path\thttp\n#fields\tts\tid.orig_h\tuser_agent\n"
	for _, tc := range []struct {
		name, data string
		want       []string
		wantSeen   time.Time
		wantErr    error
		wantLine   int
	}{
		{"epoch", hdr + "1798761600.5\t10.0.0.1\tUA\n", []string{"http.user_agent=UA"}, time.Date(2027, 1, 1, 0, 0, 0, 5e8, time.UTC), nil, 0},
		{"escapes", hdr + "1798761600\t10.0.0.1\ta\\x09b\\x5c\\xzz\n", []string{"http.user_agent=a\tb\\\\xzz"}, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), nil, 0},
		{"no ts", "#separator \\x09\n#path\thttp\n#fields\tid.orig_h\tuser_agent\n10.0.0.1\tUA\n", []string{"http.user_agent=UA"}, seen, nil, 0},
		{"iso", `{"_path":"http","ts":"2027-01-01T01:00:00+01:00","id.orig_h":"10.0.0.1","user_agent":"UA"}` + "\n", []string{"http.user_agent=UA"}, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), nil, 0},
		{"mapped", hdr + "1798761600\t::ffff:10.0.0.1\tUA\n", []string{"http.user_agent=UA"}, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), nil, 0},
		{"no fields", "1798761600\t10.0.0.1\tUA\n", nil, time.Time{}, errNoFields, 1},
		{"count", hdr + "1798761600\t10.0.0.1\n", nil, time.Time{}, errFieldCnt, 4},
		{"bad ts", hdr + "1798761600.1234567890\t10.0.0.1\tUA\n", nil, time.Time{}, errTime, 4},
		{"bad host", hdr + "1798761600\thost\tUA\n", nil, time.Time{}, errHost, 4},
		{"json", `{"_path":"http","ts":1,` + "\n", nil, time.Time{}, errJSON, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obs, bad, err := run(t, []byte(tc.data), "line")
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantErr != nil {
				if len(bad) != 1 || !errors.Is(bad[0].Err, tc.wantErr) || bad[0].Line != tc.wantLine || len(obs) != 0 {
					t.Errorf("bad = %v, obs %v, want %v at line %d", bad, obs, tc.wantErr, tc.wantLine)
				}
				return
			}
			if len(bad) != 0 {
				t.Fatalf("bad = %v", bad)
			}
			for _, o := range obs {
				if !o.Seen.Equal(tc.wantSeen) || o.Host != "10.0.0.1" || o.IP != "10.0.0.1" {
					t.Errorf("host %s seen %v, want 10.0.0.1 at %v", o.Host, o.Seen, tc.wantSeen)
				}
			}
			if got := importtest.KeyValues(obs); !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLongLine(t *testing.T) {
	data := "#separator \\x09\n#path\thttp\n#fields\tts\tid.orig_h\tuser_agent\n1\t10.0.0.1\tA\n" +
		strings.Repeat("x", maxLine+10) + "\n1\t10.0.0.2\tB\n"
	obs, bad, err := run(t, []byte(data), "long")
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) != 1 || bad[0].Line != 5 || !errors.Is(bad[0].Err, textfile.ErrLong) {
		t.Errorf("bad = %v, want one errLong at line 5", bad)
	}
	if len(obs) != 2 {
		t.Errorf("%d observations, want 2", len(obs))
	}
}

// TestDedupBound checks that a full set emits repeats instead of growing.
func TestDedupBound(t *testing.T) {
	var n int
	z := newReader("zeek", importer.Source{Name: "x", Seen: seen}, func(covered.Observation) error { n++; return nil }, func(*importer.RecordError) {})
	for i := range maxSeen {
		z.done[fmt.Sprint(i)] = struct{}{}
	}
	get := func(k string) string {
		return map[string]string{"id.orig_h": "10.0.0.1", "user_agent": "UA"}[k]
	}
	for range 3 {
		if err := z.record("http", get); err != nil {
			t.Fatal(err)
		}
	}
	if n != 3 || len(z.done) != maxSeen {
		t.Errorf("%d observations and %d keys, want 3 and %d", n, len(z.done), maxSeen)
	}
}

func TestEmitError(t *testing.T) {
	for _, tc := range cases {
		importtest.StopsOnEmitError(t, format{}, importtest.Testdata(t, tc.file), importer.Source{Name: tc.file, Seen: seen})
	}
}

func TestCanceled(t *testing.T) {
	importtest.StopsWhenCanceled(t, format{}, []byte("x\n"), importer.Source{})
}

// carriers is a network lookup for the conn.log test: documentation
// prefixes standing for China Telecom (Americas) and China Telecom's
// backbone.
type carriers struct{}

func (carriers) LookupNetwork(a netip.Addr) (importer.Network, bool) {
	switch {
	case netip.MustParsePrefix("198.51.100.0/24").Contains(a):
		return importer.Network{ASN: 36678, Org: "CHINA TELECOM (AMERICAS) CORPORATION"}, true
	case netip.MustParsePrefix("203.0.113.0/24").Contains(a):
		return importer.Network{ASN: 4134}, true
	}
	return importer.Network{}, false
}

// TestConn: conn.log is read only with a network lookup, and then gives the
// local side of each flow with a carrier's network a flow.remote_asn
// observation, once per remote address and port.
func TestConn(t *testing.T) {
	data := importtest.Testdata(t, "conn.log")
	if obs, bad, err := run(t, data, "conn.log"); err != nil || len(obs) != 0 || len(bad) != 0 {
		t.Fatalf("without networks: %d observations, bad %v, err %v; want none", len(obs), bad, err)
	}
	var obs []covered.Observation
	var bad []int
	err := format{}.Read(context.Background(), bytes.NewReader(data),
		importer.Source{Name: "conn.log", Seen: seen, Options: importer.Options{Networks: carriers{}}},
		func(o covered.Observation) error { obs = append(obs, o); return nil },
		func(e *importer.RecordError) { bad = append(bad, e.Line) })
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range obs {
		got = append(got, fmt.Sprintf("%s %s %s %s %d/%s", o.Host, o.Key, o.Value, o.Path, o.Port, o.Transport))
	}
	want := []string{
		"10.0.0.7 flow.remote_asn AS36678 CHINA TELECOM (AMERICAS) CORPORATION 198.51.100.20 443/tcp",
		"10.0.0.9 flow.remote_asn AS4134 203.0.113.9 40000/tcp",
		"10.0.0.10 flow.remote_asn AS36678 CHINA TELECOM (AMERICAS) CORPORATION 198.51.100.21 0/",
	}
	if !slices.Equal(got, want) {
		t.Errorf("observations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !slices.Equal(bad, []int{14}) {
		t.Errorf("bad lines %v, want [14]", bad)
	}
}
