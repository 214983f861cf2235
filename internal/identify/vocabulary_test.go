package identify

import "testing"

func TestVocabularyFind(t *testing.T) {
	v := newVocabulary([]string{"Cisco", "Axis", "LG", "Palo Alto Networks", "HP", "HPE", "TP-Link"})
	tests := map[string]string{
		"Cisco Systems, Inc":            "Cisco",
		"ciscoSystems":                  "Cisco",
		"Axis Communications AB":        "Axis",
		"LGS Innovations":               "",
		"LG Electronics":                "LG",
		"Palo Alto Networks":            "Palo Alto Networks",
		"Hewlett Packard":               "",
		"HPE":                           "HPE",
		"HP Inc.":                       "HP",
		"TP-LINK TECHNOLOGIES CO.,LTD.": "TP-Link",
		"Axisoft":                       "",
		"":                              "",
	}
	for org, want := range tests {
		if got := v.find(org); got != want {
			t.Errorf("find(%q) = %q, want %q", org, got, want)
		}
	}
}
