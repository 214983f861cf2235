package zeek_test

import (
	"testing"

	_ "github.com/coveredtool/covered/internal/importer/all"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// TestDetect tries every registered format on the samples of every
// importer: this package's are claimed by zeek alone, and no other file by
// zeek. The inputs written here are look-alikes and other forms.
func TestDetect(t *testing.T) {
	importtest.DetectTestdata(t, importtest.Detect{
		Formats: []string{"zeek"},
		Own: map[string]string{
			"software.log":       "zeek",
			"http.log":           "zeek",
			"dhcp.log":           "zeek",
			"known_services.log": "zeek",
			"conn.log":           "zeek",
			"zeek.json":          "zeek",
		},
		Extra: map[string]importtest.Sample{
			"zeek-conn-json-no-uid":   {Data: `{"ts":1795773661.0,"id.orig_h":"10.0.0.3"}` + "\n"},
			"bro-cut-output":          {Data: "1795773600.1\t10.0.0.21\tMozilla/5.0\n"},
			"observations-with-uid":   {Data: `{"host":"10.1.2.3","key":"ssh.banner","value":"x","ts":1,"uid":"C1"}` + "\n", Want: "observations"},
			"zeek-software-json":      {Data: `{"ts":1795773664.0,"host":"10.0.0.71","software_type":"HTTP::BROWSER","name":"Safari"}` + "\n", Want: "zeek"},
			"zeek-tsv-no-path-header": {Data: "#separator \\x09\n#fields\tts\n1\n"},
		},
	})
}
