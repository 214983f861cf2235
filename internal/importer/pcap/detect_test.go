package pcap_test

import (
	"testing"

	_ "github.com/coveredtool/covered/internal/importer/all"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// TestDetect tries every registered format on every sample of every
// importer (internal/importer/*/testdata): pcap claims the captures and
// nothing else, and no other format claims a capture.
func TestDetect(t *testing.T) {
	importtest.DetectTestdata(t, importtest.Detect{
		Formats:   []string{"pcap"},
		NoExample: []string{"pcap"},
		Own: map[string]string{
			"lab.pcap":         "pcap",
			"lab.pcapng":       "pcap",
			"any-sll2.pcap":    "pcap",
			"any-sll.pcapng":   "pcap",
			"synthetic.pcapng": "pcap",
		},
	})
}
