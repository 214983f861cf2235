package fingerprint

import (
	"testing"
	"unicode/utf8"
)

// FuzzMatch runs every built-in rule file over arbitrary values: no panic,
// and a match always comes from a rule of the key asked for, with
// a certainty in (0,1], and valid UTF-8 in gives valid UTF-8 out.
func FuzzMatch(f *testing.F) {
	s, err := Builtin()
	if err != nil {
		f.Fatal(err)
	}
	for _, k := range s.Keys() {
		for _, r := range s.Rules(k) {
			for _, ex := range r.Examples {
				f.Add(k, ex.Value, ex.Path)
			}
		}
	}
	f.Fuzz(func(t *testing.T, key, value, path string) {
		res, ok := s.Match(key, value, path)
		if !ok {
			return
		}
		if res.Rule.Key() != key {
			t.Fatalf("rule %s of key %s answered key %s", res.Rule.ID, res.Rule.Key(), key)
		}
		if res.Certainty <= 0 || res.Certainty > 1 {
			t.Fatalf("rule %s: certainty %v", res.Rule.ID, res.Certainty)
		}
		for _, field := range []string{res.Model, res.Firmware, res.Product, res.Manufacturer, res.Brand} {
			if utf8.ValidString(value) && !utf8.ValidString(field) {
				t.Fatalf("rule %s extracted invalid UTF-8 %q from valid %q", res.Rule.ID, field, value)
			}
		}
	})
}
