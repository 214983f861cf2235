package kev

import (
	"strings"
	"testing"
)

func TestBuiltin(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"CVE-2017-7921", "CVE-2021-36260", "CVE-2021-33044", "CVE-2021-33045"} {
		e, ok := c.Lookup(id)
		if !ok || e.DateAdded == "" || e.Source == "" {
			t.Errorf("%s: %+v, %v", id, e, ok)
		}
	}
	// Not verified from a public source: must not be claimed.
	for _, id := range []string{"CVE-2017-17215", "CVE-2014-2321"} {
		if _, ok := c.Lookup(id); ok {
			t.Errorf("%s is listed without a verified source", id)
		}
	}
}

const catalog = `{"title":"CISA Catalog of Known Exploited Vulnerabilities","catalogVersion":"2026.11.20","count":2,
"vulnerabilities":[
{"cveID":"CVE-2017-17215","vendorProject":"Huawei","product":"HG532","vulnerabilityName":"x","dateAdded":"2022-01-01","shortDescription":"x","requiredAction":"x","dueDate":"2022-02-01","knownRansomwareCampaignUse":"Unknown","notes":"","cwes":["CWE-20"]},
{"cveID":"CVE-2017-7921","vendorProject":"Hikvision","product":"Multiple Products","dateAdded":"2026-03-05"}]}`

func TestParseAndMerge(t *testing.T) {
	full, err := Parse(strings.NewReader(catalog), "known_exploited_vulnerabilities.json")
	if err != nil {
		t.Fatal(err)
	}
	if full.Len() != 2 || full.Version != "2026.11.20" {
		t.Fatalf("len %d version %q", full.Len(), full.Version)
	}
	b, _ := Builtin()
	m := b.Merge(full)
	if e, ok := m.Lookup("CVE-2017-17215"); !ok || e.DateAdded != "2022-01-01" {
		t.Errorf("merged: %+v %v", e, ok)
	}
	if e, _ := m.Lookup("CVE-2017-7921"); e.Source != "" {
		t.Errorf("the loaded catalog should replace the embedded entry: %+v", e)
	}
	if _, ok := m.Lookup("CVE-2021-33044"); !ok {
		t.Error("embedded entry lost in merge")
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"not json", `nope`, "invalid character"},
		{"no array", `{"title":"x"}`, `no "vulnerabilities" array`},
		{"bad id", `{"vulnerabilities":[{"cveID":"CVE-17","dateAdded":"2022-01-01"}]}`, `vulnerabilities[0]: cveID "CVE-17" is not CVE-YYYY-NNNN`},
		{"bad date", `{"vulnerabilities":[{"cveID":"CVE-2017-1234","dateAdded":"01/01/2022"}]}`, `dateAdded "01/01/2022" is not YYYY-MM-DD`},
		{"dup", `{"vulnerabilities":[{"cveID":"CVE-2017-1234","dateAdded":"2022-01-01"},{"cveID":"CVE-2017-1234","dateAdded":"2022-01-01"}]}`, "CVE-2017-1234 listed twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.in), "f.json")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(catalog))
	f.Add(embedded)
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(strings.NewReader(string(b)), "fuzz")
		if err == nil {
			for _, id := range c.IDs() {
				if _, ok := c.Lookup(id); !ok {
					t.Fatal(id)
				}
			}
		}
	})
}

func TestAbsences(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := c.Absent("CVE-2017-17215"); !ok || a.Source == "" {
		t.Errorf("CVE-2017-17215: absence %+v, %v", a, ok)
	}
	if _, ok := c.Absent("CVE-2021-36260"); ok {
		t.Error("a listed CVE reported absent")
	}
	// A loaded catalog that lists a CVE overrides the recorded absence.
	full, err := Parse(strings.NewReader(`{"vulnerabilities":[{"cveID":"CVE-2017-17215","dateAdded":"2027-01-05"}]}`), "full.json")
	if err != nil {
		t.Fatal(err)
	}
	m := c.Merge(full)
	if _, ok := m.Absent("CVE-2017-17215"); ok {
		t.Error("absence survived a catalog that lists the CVE")
	}
	if _, ok := m.Lookup("CVE-2017-17215"); !ok {
		t.Error("merged catalog lost the loaded entry")
	}
	if _, ok := m.Absent("CVE-2014-2321"); !ok {
		t.Error("merge dropped an absence the loaded catalog does not contradict")
	}
	if _, err := parse([]byte(`{"vulnerabilities":[],"notListed":[{"cveID":"CVE-2017-17215"}]}`), "x", true); err == nil {
		t.Error("an absence without date and source was accepted")
	}
}
