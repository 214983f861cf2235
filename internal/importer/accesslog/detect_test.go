package accesslog_test

import (
	"testing"

	_ "github.com/coveredtool/covered/internal/importer/all"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// TestDetect tries every registered format on the samples of every
// importer: this package's are claimed by their format alone, and no
// other file by this package's formats, nor a Squid line cut short.
func TestDetect(t *testing.T) {
	importtest.DetectTestdata(t, importtest.Detect{
		Formats: []string{"access-log", "squid-log"},
		Own: map[string]string{
			"combined.log":    "access-log",
			"nginx-extra.log": "access-log",
			"squid.log":       "squid-log",
		},
		Extra: map[string]importtest.Sample{
			"squid-common": {Data: "1732701600.123 45 10.0.0.5 TCP_MISS/200\n"},
		},
	})
}
