package fingerprint

import (
	"sort"
	"testing"
)

// TestVendorCoverage holds the rule set to the breadth the covered entities
// need: signals over many observation keys, so a device is recognised
// whichever protocols it answers on. MAC blocks and enterprise numbers are
// lookup tables outside the rules; they add the keys "mac" and
// "snmp.sysobjectid" for every vendor that has registrations.
func TestVendorCoverage(t *testing.T) {
	s, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"Huawei": 8, "ZTE": 8, "Hikvision": 6, "Dahua": 6, "Hytera": 3}
	keys := map[string]map[string]bool{}
	for v := range want {
		keys[v] = map[string]bool{"mac": true, "snmp.sysobjectid": true}
	}
	for _, k := range s.Keys() {
		for _, r := range s.Rules(k) {
			if m := keys[r.Manufacturer]; m != nil {
				m[k] = true
			}
		}
	}
	for v, n := range want {
		var got []string
		for k := range keys[v] {
			got = append(got, k)
		}
		sort.Strings(got)
		if len(got) < n {
			t.Errorf("%s: rules over %d keys %v, want at least %d", v, len(got), got, n)
		} else {
			t.Logf("%s: %d keys: %v", v, len(got), got)
		}
	}
}
