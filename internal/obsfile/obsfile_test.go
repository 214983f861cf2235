package obsfile

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/coveredtool/covered"
	"github.com/google/go-cmp/cmp"
)

func readAll(t *testing.T, in string) (obs []covered.Observation, errs []string, notes []string) {
	t.Helper()
	r := NewReader(strings.NewReader(in), "in.jsonl")
	for {
		o, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var le *LineError
		if errors.As(err, &le) {
			errs = append(errs, le.Error())
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		obs = append(obs, o)
		for _, n := range r.Notes() {
			notes = append(notes, n.String())
		}
	}
	return obs, errs, notes
}

func TestReaderRejectsBadLines(t *testing.T) {
	tests := []struct {
		name string
		line string
		want string
	}{
		{"not json", `{"host":`, `in.jsonl:2: invalid JSON: unexpected end of JSON input (at byte 8)`},
		{"no host", `{"key":"ssh.banner","value":"x"}`, `in.jsonl:2: missing "host"`},
		{"empty host", `{"host":"","key":"ssh.banner","value":"x"}`, `in.jsonl:2: missing "host"`},
		{"no key", `{"host":"h","value":"x"}`, `in.jsonl:2: missing "key"`},
		{"no value", `{"host":"h","key":"k"}`, `in.jsonl:2: missing "value"`},
		{"object value", `{"host":"h","key":"k","value":{}}`, `in.jsonl:2: "value": must be a string`},
		{"bad hex", `{"host":"h","key":"k","value":"hex:zz"}`, `in.jsonl:2: "value": bad hex after "hex:": encoding/hex: invalid byte: U+007A 'z'`},
		{"bad port", `{"host":"h","key":"k","value":"v","port":70000}`, `in.jsonl:2: "port" 70000 out of range`},
		{"port type", `{"host":"h","key":"k","value":"v","port":"22"}`, `in.jsonl:2: invalid JSON: field "port" must be int, not string`},
		{"bad seen", `{"host":"h","key":"k","value":"v","seen":"yesterday"}`, `in.jsonl:2: "seen" "yesterday" is not RFC 3339`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := `{"host":"a","key":"ssh.banner","value":"SSH-2.0-x"}` + "\n" + tt.line + "\n" +
				`{"host":"b","key":"ssh.banner","value":"SSH-2.0-y"}` + "\n"
			obs, errs, _ := readAll(t, in)
			if diff := cmp.Diff([]string{tt.want}, errs); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if len(obs) != 2 || obs[1].Host != "b" {
				t.Errorf("the valid lines around the bad one were not all read: %+v", obs)
			}
		})
	}
}

func TestReaderValues(t *testing.T) {
	in := strings.Join([]string{
		`{"host":"h","key":"k","value":"hex:00ff41","port":22,"transport":"tcp","seen":"2026-11-27T10:00:00Z"}`,
		``,
		`{"host":"h","key":"k","value":"plain"}`,
		`{"host":"h","key":"k","value":12}`,
	}, "\n")
	obs, errs, _ := readAll(t, in)
	if len(errs) != 0 {
		t.Fatalf("unexpected errors: %v", errs)
	}
	got := []string{obs[0].Value, obs[1].Value, obs[2].Value}
	if diff := cmp.Diff([]string{"\x00\xffA", "plain", "12"}, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	if obs[0].Seen.IsZero() || obs[0].Port != 22 {
		t.Errorf("optional fields lost: %+v", obs[0])
	}
}

func TestReaderCutsHugeValue(t *testing.T) {
	big := strings.Repeat("a", MaxValue+10)
	obs, errs, notes := readAll(t, `{"host":"h","key":"http.body","value":"`+big+`"}`)
	if len(errs) != 0 || len(obs) != 1 {
		t.Fatalf("errs %v, %d observations", errs, len(obs))
	}
	if len(obs[0].Value) != MaxValue {
		t.Errorf("value length %d, want %d", len(obs[0].Value), MaxValue)
	}
	want := []string{`in.jsonl:1: value of "http.body" is 1048586 bytes, cut to 1048576`}
	if diff := cmp.Diff(want, notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}

func TestReaderSkipsOverlongLine(t *testing.T) {
	in := `{"host":"h","key":"k","value":"` + strings.Repeat("a", MaxLine) + "\"}\n" +
		`{"host":"b","key":"k","value":"v"}`
	obs, errs, _ := readAll(t, in)
	want := []string{"in.jsonl:1: line longer than 16777216 bytes, skipped"}
	if diff := cmp.Diff(want, errs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if len(obs) != 1 || obs[0].Host != "b" {
		t.Errorf("line after the long one not read: %+v", obs)
	}
}

func TestRoundTrip(t *testing.T) {
	in := []covered.Observation{
		{Host: "10.0.0.1", Key: "ssh.banner", Value: "SSH-2.0-HUAWEI-1.5", Port: 22, Transport: "tcp"},
		{Host: "10.0.0.1", Key: "telnet.banner", Value: "\xff\xfb\x01login: "},
		{Host: "10.0.0.1", Key: "http.body", Value: "hex:looks like hex"},
		{Host: "10.0.0.1", Key: "http.body", Value: "<a>&</a>\x00"},
	}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, o := range in {
		if err := w.Write(o); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	got, errs, _ := readAll(t, buf.String())
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	if diff := cmp.Diff(in, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func FuzzReader(f *testing.F) {
	f.Add([]byte(`{"host":"a","key":"ssh.banner","value":"SSH-2.0-HUAWEI-1.5","port":22}` + "\n"))
	f.Add([]byte(`{"host":"a","key":"k","value":"hex:00ff"}` + "\n{\n"))
	f.Add([]byte("\n\n{\"host\":1}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data), "fuzz")
		var buf bytes.Buffer
		w := NewWriter(&buf)
		var n int
		for i := 0; i < 10000; i++ {
			o, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			var le *LineError
			if errors.As(err, &le) {
				continue
			}
			if err != nil {
				t.Fatalf("unexpected error type: %v", err)
			}
			if o.Host == "" || o.Key == "" || len(o.Value) > MaxValue {
				t.Fatalf("accepted invalid observation %+v", o)
			}
			if err := w.Write(o); err != nil {
				t.Fatal(err)
			}
			n++
		}
		w.Flush()
		// What we write, we read back identically.
		r2 := NewReader(&buf, "again")
		for i := 0; i < n; i++ {
			if _, err := r2.Next(); err != nil {
				t.Fatalf("re-reading own output: %v", err)
			}
		}
	})
}
