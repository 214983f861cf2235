package arp_test

import (
	"testing"

	_ "github.com/coveredtool/covered/internal/importer/all"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// TestDetect tries every registered format on the samples of every
// importer: this package's are claimed by their format alone, and no
// other file by this package's formats.
func TestDetect(t *testing.T) {
	importtest.DetectTestdata(t, importtest.Detect{
		Formats: []string{"ip-neigh", "windows-arp", "cisco-arp"},
		Own: map[string]string{
			"ip-neigh.txt":          "ip-neigh",
			"proc-net-arp.txt":      "ip-neigh",
			"windows-arp.txt":       "windows-arp",
			"cisco-show-ip-arp.txt": "cisco-arp",
			"cisco-mac-table.txt":   "cisco-arp",
		},
	})
}
