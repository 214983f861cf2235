package dhcp_test

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
		Formats: []string{"dhcpd-leases", "kea-leases", "dnsmasq-leases", "windows-dhcp"},
		Own: map[string]string{
			"dhcpd.leases":        "dhcpd-leases",
			"kea-leases4.csv":     "kea-leases",
			"kea-leases4-old.csv": "kea-leases",
			"dnsmasq.leases":      "dnsmasq-leases",
			"dnsmasq-syslog.log":  "dnsmasq-leases",
			"windows-leases.csv":  "windows-dhcp",
			"windows-audit.log":   "windows-dhcp",
		},
	})
}
