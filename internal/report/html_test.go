package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/coveredtool/covered"
)

func TestHTML(t *testing.T) {
	ids := []covered.Identification{
		{Host: "10.0.0.2", Status: covered.StatusNotCovered, Manufacturer: "Cisco"},
		{Host: "10.0.0.1", Status: covered.StatusCovered, CoveredEntity: "Huawei", Manufacturer: "Huawei",
			Evidence: []covered.Evidence{{Key: "ssh.banner", Value: "SSH-2.0-HUAWEI-1.5<script>", Rule: "ssh-huawei-vrp", Says: "Huawei", Certainty: 0.95}}},
	}
	var buf bytes.Buffer
	if err := HTML(&buf, Meta{Title: "Demo"}, ids); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "<script>") || !strings.Contains(out, "SSH-2.0-HUAWEI-1.5&lt;script&gt;") {
		t.Error("evidence values are not escaped")
	}
	if strings.Index(out, "10.0.0.1") > strings.Index(out, "10.0.0.2") {
		t.Error("covered hosts are not listed first")
	}
	for _, external := range []string{"http://", "https://", "src="} {
		if strings.Contains(out, external) {
			t.Errorf("page loads an external resource (%q)", external)
		}
	}
}
