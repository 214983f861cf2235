package check

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/coveredtool/covered/internal/kev"
)

// TestBuiltinExamples runs every built-in check's examples.
func TestBuiltinExamples(t *testing.T) {
	s, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(s.All()) < 15 {
		t.Errorf("%d checks", len(s.All()))
	}
	for _, err := range s.Test() {
		t.Error(err)
	}
	for _, c := range s.All() {
		t.Logf("%-45s %-5s budget=%d lockout=%s %v", c.ID, c.SideEffect(), c.MaxRequests, c.LockoutRisk, c.CVEs)
	}
}

// TestEveryCVEHasItsKEVStatus: the embedded KEV table answers for every CVE
// a built-in check reports, listed with its dateAdded or recorded absent
// with what was searched, so "kev: false" is a finding, not an omission.
func TestEveryCVEHasItsKEVStatus(t *testing.T) {
	s, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	k, err := kev.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range s.All() {
		for _, id := range c.CVEs {
			_, listed := k.Lookup(id)
			_, absent := k.Absent(id)
			if !listed && !absent {
				t.Errorf("%s: %s is neither in the embedded KEV entries nor recorded as checked and absent", c.ID, id)
			}
		}
	}
}

func TestLoadErrors(t *testing.T) {
	base := "  - id: x\n    title: t\n    severity: low\n    lockout_risk: none\n    advice: a\n    source: s\n    records: [port.open]\n"
	for _, tc := range []struct{ name, yaml, want string }{
		{"change refused", base + "    side_effect: change\n    when: [{key: port.open}]\n", "checks that change device state are never shipped"},
		{"none with budget", base + "    side_effect: none\n    max_requests: 1\n    when: [{key: port.open}]\n", "max_requests must be 0"},
		{"read without probe", base + "    side_effect: read\n    max_requests: 1\n", "probe is required"},
		{"read without budget", base + "    side_effect: read\n    probe: zte-web-shell-page\n", "max_requests must be > 0"},
		{"unknown probe", base + "    side_effect: read\n    max_requests: 1\n    probe: nope\n", `probe "nope" is not a registered active check`},
		{"login under a read-only declaration", base + "    side_effect: read\n    max_requests: 2\n    probe: dahua-rtsp-default\n", `probe "dahua-rtsp-default" sends what side effect auth allows, not read`},
		{"flags everything", base + "    side_effect: none\n", "it would flag every device"},
		{"bad cve", base + "    side_effect: none\n    cves: [CVE-17]\n    when: [{key: port.open}]\n", `"CVE-17" is not CVE-YYYY-NNNN`},
		{"unknown field", base + "    side_effect: none\n    when: [{key: port.open}]\n    bogus: 1\n", "unknown field"},
		{"auth without lockout risk", strings.Replace(base, "lockout_risk: none", "lockout_risk: none", 1) + "    side_effect: auth\n    max_requests: 1\n    probe: hikvision-basic-default\n", "lockout_risk cannot be none"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := fstest.MapFS{"c/x.yaml": {Data: []byte("checks:\n" + tc.yaml)}}
			_, err := Load(fs, "c")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}
