package accesslog

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// seen is the modification time the tests give every file.
var seen = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// The samples under testdata/ follow Apache's mod_log_config "combined"
// format, an nginx log_format appending "$http_sec_ch_ua_model" and
// "$request_time" (nginx escapes '"' as \x22), and Squid's native format
// with logformat ending in "%{User-Agent}>h". Each holds repeated pairs,
// placeholder User-Agents and deliberately bad lines.
var cases = []struct {
	name, format, file string
	wantObs            int
	wantBad            []int // lines reported bad, in order
}{
	{"combined", "access-log", "combined.log", 5, []int{9, 10, 11, 12}},
	{"nginx-extra", "access-log", "nginx-extra.log", 7, []int{7}},
	{"squid", "squid-log", "squid.log", 4, []int{7, 8, 9}},
}

// run reads data with the named format as the file name.
func run(t testing.TB, format string, data []byte, name string) ([]covered.Observation, []*importer.RecordError, error) {
	t.Helper()
	return importtest.Run(t, importtest.Lookup(t, format), data, importer.Source{Name: name, Seen: seen})
}

func TestRead(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obs, bad := importtest.ReadSample(t, importtest.Lookup(t, tc.format), tc.file, importer.Source{Seen: seen})
			importtest.CheckBadLines(t, bad, tc.file, tc.wantBad)
			if len(obs) != tc.wantObs {
				t.Errorf("%d observations, want %d", len(obs), tc.wantObs)
			}
			for _, o := range obs {
				if o.Host != o.IP || o.Value == "-" {
					t.Errorf("incomplete observation %+v", o)
				}
			}
		})
	}
}

// TestLine checks single lines: times, escapes and the errors of bad ones.
func TestLine(t *testing.T) {
	for _, tc := range []struct {
		name, format, line string
		want               []string // key=value of each observation
		wantSeen           time.Time
		wantErr            error
	}{
		{"offset", "access-log", `10.0.0.1 - - [01/Jan/2027:00:30:00 +0130] "GET / HTTP/1.1" 200 1 "-" "UA"`,
			[]string{"http.user_agent=UA"}, time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC), nil},
		{"apache escapes", "access-log", `10.0.0.1 - - [01/Jan/2027:00:00:00 -0000] "GET / HTTP/1.1" 200 1 "-" "a\"b\\c\x41\t"`,
			[]string{`http.user_agent=a"b\cA` + "\t"}, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), nil},
		{"apache model", "access-log", `10.0.0.1 - - [01/Jan/2027:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "UA" "\"ELE-L29\""`,
			[]string{"http.user_agent=UA", `http.header.sec_ch_ua_model="ELE-L29"`}, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), nil},
		{"mapped v4", "access-log", `::ffff:10.0.0.1 - - [01/Jan/2027:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "UA"`,
			[]string{"http.user_agent=UA"}, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), nil},
		{"no timestamp", "access-log", `10.0.0.1 - - "GET / HTTP/1.1" 200 1 "-" "UA"`, nil, time.Time{}, errNoTime},
		{"bad hour", "access-log", `10.0.0.1 - - [01/Jan/2027:24:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "UA"`, nil, time.Time{}, errBadTime},
		{"unbalanced", "access-log", `10.0.0.1 - - [01/Jan/2027:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "UA\"`, nil, time.Time{}, errQuote},
		{"no ua field", "access-log", `10.0.0.1 - - [01/Jan/2027:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-"`, nil, time.Time{}, errFields},
		{"squid epoch", "squid-log", `1798761600.5 1 10.0.0.1 TCP_MISS/200 1 GET http://x/ - HIER_DIRECT/1.2.3.4 - "UA"`,
			[]string{"http.user_agent=UA"}, time.Date(2027, 1, 1, 0, 0, 0, 5e8, time.UTC), nil},
		{"squid bad code", "squid-log", `1798761600.5 1 10.0.0.1 TCP_MISS 1 GET http://x/ - HIER_DIRECT/1.2.3.4 - "UA"`, nil, time.Time{}, nil},
		{"squid quote early", "squid-log", `1798761600.5 1 10.0.0.1 TCP_MISS/200 1 GET "http://x/" - HIER_DIRECT/1.2.3.4 - "UA"`, nil, time.Time{}, errFields},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obs, bad, err := run(t, tc.format, []byte(tc.line+"\n"), "line")
			if err != nil {
				t.Fatal(err)
			}
			if tc.name == "squid bad code" {
				if len(bad) != 1 || len(obs) != 0 {
					t.Errorf("obs %v, bad %v, want one bad line", obs, bad)
				}
				return
			}
			if tc.wantErr != nil {
				if len(bad) != 1 || !errors.Is(bad[0].Err, tc.wantErr) || bad[0].Line != 1 {
					t.Errorf("bad = %v, want %v at line 1", bad, tc.wantErr)
				}
				return
			}
			if len(bad) != 0 {
				t.Fatalf("bad = %v", bad)
			}
			for _, o := range obs {
				if !o.Seen.Equal(tc.wantSeen) || o.Host != "10.0.0.1" {
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
	long := bytes.Repeat([]byte("x"), maxLine+10)
	for _, tc := range []struct{ format, data string }{
		{"access-log", "10.0.0.1 - - [27/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"A\"\n%s\n10.0.0.2 - - [27/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"B\"\n"},
		{"squid-log", "1732701600.123 1 10.0.0.1 TCP_MISS/200 1 GET http://x/ - HIER_DIRECT/1.2.3.4 - \"A\"\n%s\n1732701600.123 1 10.0.0.2 TCP_MISS/200 1 GET http://x/ - HIER_DIRECT/1.2.3.4 - \"B\""},
	} {
		t.Run(tc.format, func(t *testing.T) {
			obs, bad, err := run(t, tc.format, fmt.Appendf(nil, tc.data, long), "long")
			if err != nil {
				t.Fatal(err)
			}
			if len(bad) != 1 || bad[0].Line != 2 || bad[0].Err != errLong {
				t.Errorf("bad = %v, want one errLong at line 2", bad)
			}
			if len(obs) != 2 {
				t.Errorf("%d observations, want 2", len(obs))
			}
		})
	}
}

// TestDedupBound checks that a full set of pairs emits repeats instead of
// growing.
func TestDedupBound(t *testing.T) {
	var n int
	s := newSink("access-log", importer.Source{Name: "x"}, func(covered.Observation) error { n++; return nil }, func(*importer.RecordError) {})
	for i := range maxPairs {
		s.seen[fmt.Sprint(i)] = struct{}{}
	}
	rec := record{client: []byte("10.0.0.1"), ua: []byte("UA")}
	for range 3 {
		if err := s.record(&rec); err != nil {
			t.Fatal(err)
		}
	}
	if n != 3 || len(s.seen) != maxPairs {
		t.Errorf("%d observations and %d pairs, want 3 and %d", n, len(s.seen), maxPairs)
	}
}

// TestEmitError checks that an error from emit ends Read with that error.
func TestEmitError(t *testing.T) {
	for _, tc := range cases {
		importtest.StopsOnEmitError(t, importtest.Lookup(t, tc.format), importtest.Testdata(t, tc.file), importer.Source{Name: tc.file, Seen: seen})
	}
}

// TestCanceled checks that Read honours its context.
func TestCanceled(t *testing.T) {
	importtest.StopsWhenCanceled(t, combinedFormat{}, []byte("x\n"), importer.Source{})
}
