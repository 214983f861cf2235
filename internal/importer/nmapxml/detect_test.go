package nmapxml_test

import (
	"testing"

	_ "github.com/coveredtool/covered/internal/importer/all"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// TestDetect tries every registered format on the samples of every
// importer: the lab scan is claimed by nmap-xml alone (masscan's XML
// formats step aside for it), and no other file by nmap-xml.
func TestDetectTestdata(t *testing.T) {
	importtest.DetectTestdata(t, importtest.Detect{
		Formats: []string{"nmap-xml"},
		Own:     map[string]string{"lab.xml": "nmap-xml"},
	})
}
