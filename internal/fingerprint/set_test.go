package fingerprint

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// TestBuiltinRules runs every built-in rule's examples and negatives.
func TestBuiltinRules(t *testing.T) {
	s, err := Builtin()
	if err != nil {
		t.Fatalf("load built-in rules: %v", err)
	}
	for _, err := range s.Test() {
		t.Error(err)
	}
	if s.Len() == 0 {
		t.Fatal("no built-in rules")
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"bad regexp", "key: k\nrules:\n  - id: a\n    match: '('\n    manufacturer: Huawei\n    certainty: 0.5\n    source: s\n",
			"r/k.yaml:3: rules[0] (a): match: error parsing regexp: missing closing ): `(`"},
		{"no source", "key: k\nrules:\n  - id: a\n    match: x\n    manufacturer: Huawei\n    certainty: 0.5\n",
			"r/k.yaml:3: rules[0] (a): source: missing (cite the public fact the rule rests on)"},
		{"certainty", "key: k\nrules:\n  - id: a\n    match: x\n    manufacturer: Huawei\n    certainty: 2\n    source: s\n",
			"r/k.yaml:3: rules[0] (a): certainty: 2 is not in (0,1]"},
		{"template", "key: k\nrules:\n  - id: a\n    match: x\n    manufacturer: Huawei\n    model: '{m}'\n    certainty: 1\n    source: s\n",
			"r/k.yaml:3: rules[0] (a): model: template {m} names no group of match"},
		{"unknown field", "key: k\nrules:\n  - id: a\n    matches: x\n",
			`r/k.yaml: [4:5] unknown field "matches"`},
		{"no key", "rules: []\n", "r/k.yaml: key: missing (the observation key the rules apply to)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(fstest.MapFS{"r/k.yaml": {Data: []byte(tt.data)}}, "r", "test")
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error\n  %s\nwant prefix\n  %s", err, tt.want)
			}
		})
	}
}

func TestSelfTestFindsProblems(t *testing.T) {
	data := `key: k
rules:
  - id: general
    match: 'HUAWEI'
    manufacturer: Huawei
    certainty: 0.5
    source: s
    examples: [HUAWEI]
  - id: specific
    match: 'HUAWEI-(?P<fw>\d+)'
    manufacturer: Huawei
    firmware: '{fw}'
    certainty: 0.9
    source: s
    examples:
      - value: HUAWEI-5
        firmware: "5"
    negatives: [HUAWEI-9]
  - id: noexample
    match: 'ZTE'
    manufacturer: Acme
    device_type: toaster
    certainty: 0.9
    source: s
`
	s, err := Load(fstest.MapFS{"r/k.yaml": {Data: []byte(data)}, "r/vendors.txt": {Data: []byte("Huawei\n")}}, "r", "test")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range s.Test() {
		got = append(got, e.Error())
	}
	want := []string{
		`r/k.yaml:9: rule specific: example "HUAWEI-5" is shadowed by rule general (r/k.yaml:3)`,
		`r/k.yaml:9: rule specific: negative example "HUAWEI-9" matches`,
		`r/k.yaml:19: rule noexample: no examples: every rule needs at least one value it must match`,
		`r/k.yaml:19: rule noexample: vendor "Acme" is not in vendors.txt`,
		`r/k.yaml:19: rule noexample: device_type "toaster" is not in the vocabulary`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestRequiredLiterals(t *testing.T) {
	type set = []needle
	tests := []struct {
		expr string
		want [][]needle
	}{
		{`^SSH-\d\.\d+-HUAWEI[-_]`, []set{{{"-HUAWEI", false}}, {{"SSH-", false}}}},
		{`(?i)huawei versatile routing`, []set{{{"huawei versatile routing", true}}}},
		{`(?i)^ZXHN (?P<model>H\d+)`, []set{{{"zxhn ", true}}, {{"h0", true}, {"h1", true}, {"h2", true}, {"h3", true}, {"h4", true}, {"h5", true}, {"h6", true}, {"h7", true}, {"h8", true}, {"h9", true}}}},
		{`a|b`, nil}, // too short to help
		{`(?:ZXHN|ZXV10)`, []set{{{"ZXHN", false}, {"ZXV10", false}}}}, // factored as ZX(?:HN|V10), then joined back
		{`(?i)\b(?:huawei|quidway)\b`, []set{{{"huawei", true}, {"quidway", true}}}},
		{`x+Dahua Rtsp`, []set{{{"Dahua Rtsp", false}}}},
		{`(?:abc)?Hikvision`, []set{{{"Hikvision", false}}}},
		{`(?:Hikvision|\d+)-Webs`, []set{{{"-Webs", false}}}},
		{`(?:Hikvision|\d+)`, nil},
		// Small classes join their neighbours: H[GNS]|EG, then 8.
		{`\b(?:HG|EG|HS|HN)8\d{3}`, []set{{{"HG8", false}, {"EG8", false}, {"HN8", false}, {"HS8", false}}}},
		// Two required parts: both must be present.
		{`(?i)\bHuawei[- ]?3Com\b`, []set{{{"huawei", true}}, {{"3com", true}}}},
		// Mixed case-folding joins as folded needles; the case-sensitive
		// part stays required on its own.
		{`Huawei(?i:ONT)`, []set{{{"huaweiont", true}}, {{"Huawei", false}}}},
	}
	for _, tt := range tests {
		got := requiredLiterals(tt.expr)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("requiredLiterals(%s) = %v; want %v", tt.expr, got, tt.want)
		}
	}
}

// TestPrefilterAgreesWithRegexp: skipping a rule by its literals never
// changes the answer.
func TestPrefilterAgreesWithRegexp(t *testing.T) {
	s, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range s.Keys() {
		rules := s.Rules(key)
		var values []string
		for _, r := range rules {
			for _, ex := range r.Examples {
				values = append(values, ex.Value, strings.ToUpper(ex.Value), strings.ToLower(ex.Value))
			}
			values = append(values, r.Negatives...)
		}
		for _, r := range rules {
			for _, v := range values {
				lower := ""
				if r.re.MatchString(v) && !mayMatch(r.needles, v, &lower) {
					t.Errorf("rule %s: prefilter %v rejects %q, which the expression matches", r.ID, r.needles, v)
				}
			}
		}
	}
}

// needleIndexAgrees checks that the one-pass literal index answers every
// rule of key as mayMatch does for value.
func needleIndexAgrees(t *testing.T, s *Set, key, value string) {
	t.Helper()
	x := s.index[key]
	if x == nil {
		return
	}
	var hits hitSet
	lowerIdx := ""
	x.hits(value, &lowerIdx, &hits)
	for i, r := range s.Rules(key) {
		lower := ""
		if got, want := x.passes(i, r, &hits), mayMatch(r.needles, value, &lower); got != want {
			t.Fatalf("rule %s on %q: index says %v, mayMatch %v (needles %v)", r.ID, value, got, want, r.needles)
		}
	}
}

// TestNeedleIndexAgrees: the index gives mayMatch's answers on every
// example and negative of every rule, in upper and lower case too.
func TestNeedleIndexAgrees(t *testing.T) {
	s, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range s.Keys() {
		for _, r := range s.Rules(key) {
			for _, ex := range r.Examples {
				for _, v := range []string{ex.Value, strings.ToUpper(ex.Value), strings.ToLower(ex.Value), "x" + ex.Value[min(1, len(ex.Value)):]} {
					needleIndexAgrees(t, s, key, v)
				}
			}
			for _, v := range r.Negatives {
				needleIndexAgrees(t, s, key, v)
			}
		}
	}
}

func FuzzNeedleIndex(f *testing.F) {
	s, err := Builtin()
	if err != nil {
		f.Fatal(err)
	}
	keys := s.Keys()
	for i, key := range keys {
		for _, r := range s.Rules(key) {
			for _, ex := range r.Examples {
				f.Add(uint8(i), ex.Value)
			}
		}
	}
	f.Fuzz(func(t *testing.T, k uint8, value string) {
		needleIndexAgrees(t, s, keys[int(k)%len(keys)], value)
	})
}
