package inventory_test

import (
	"testing"

	_ "github.com/coveredtool/covered/internal/importer/all"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// TestDetectTestdata runs Detect on every sample of every importer format
// in the repository, with every format of the binary registered: each CSV
// sample here is claimed by inventory-csv alone, so `covered import FILE`
// needs no format name, and neither inventory format claims anything else
// (a DHCP lease CSV has MAC and hostname columns too).
func TestDetectTestdata(t *testing.T) {
	importtest.DetectTestdata(t, importtest.Detect{
		Formats:   []string{"inventory-csv", "inventory-xlsx"},
		NoExample: []string{"inventory-xlsx"},
		Own: map[string]string{
			"intune-devices.csv":     "inventory-csv",
			"jamf-computers.csv":     "inventory-csv",
			"jamf-mobile.tsv":        "inventory-csv",
			"servicenow-cmdb_ci.csv": "inventory-csv",
			"asset-register.csv":     "inventory-csv",
		},
	})
}
