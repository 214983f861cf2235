package covered

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// stdJSON is what encoding/json writes for v with HTML escaping off.
func stdJSON(t testing.TB, v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// awkward are strings that exercise every escaping branch.
var awkward = []string{"", "plain", `quote " and \ backslash`, "ctrl \x00\x01\x1f\x7f \b\f\n\r\t", "<html> & co",
	"bad utf-8 \xff\xfe end", "\xe2\x80\xa8 line sep \xe2\x80\xa9", "日本語 ✓ 😀", "trunc \xe6\x97", "\xed\xa0\x80 surrogate"}

func randomIdentification(r *rand.Rand, s func() string) Identification {
	strs := func() []string {
		switch r.IntN(3) {
		case 0:
			return nil
		case 1:
			return []string{}
		}
		return []string{s(), s()}
	}
	floats := []float64{0, 1, 0.5, 0.123, 1e-7, 2.5e-9, 1e21, 123456789.125, -0.25, 0.999}
	f := func() float64 { return floats[r.IntN(len(floats))] }
	id := Identification{Host: s(), Status: Status(s()), CoveredEntity: s(), Regimes: strs(), Manufacturer: s(),
		Brand: s(), Product: s(), Model: s(), Firmware: s(), DeviceType: s(), Component: s(), Service: s(), Confidence: f(),
		ScopeNote: s(), Review: strs(), Rationale: s(), RulesVersion: s(), ListsVersion: s()}
	if r.IntN(4) > 0 {
		id.Evidence = []Evidence{}
		for range r.IntN(4) {
			id.Evidence = append(id.Evidence, Evidence{Key: s(), Value: s(), Port: r.IntN(3) * 443, Path: s(),
				Rule: s(), Says: s(), Role: s(), Certainty: f(), Source: s()})
		}
	}
	for range r.IntN(3) {
		id.Conflicts = append(id.Conflicts, Candidate{Manufacturer: s(), Confidence: f(), Keys: strs()})
	}
	return id
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	s := func() string { return awkward[r.IntN(len(awkward))] }
	for i := range 5000 {
		id := randomIdentification(r, s)
		if got, want := id.AppendJSON(nil), stdJSON(t, id); !bytes.Equal(got, want) {
			t.Fatalf("case %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range awkward {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := AppendJSONString(nil, s), stdJSON(t, s); !bytes.Equal(got, want) {
			t.Fatalf("AppendJSONString(%q) = %s, want %s", s, got, want)
		}
		id := Identification{Host: s, Evidence: []Evidence{{Value: s, Certainty: 0.5}}}
		if got, want := id.AppendJSON(nil), stdJSON(t, id); !bytes.Equal(got, want) {
			t.Fatalf("AppendJSON:\n got %s\nwant %s", got, want)
		}
	})
}
