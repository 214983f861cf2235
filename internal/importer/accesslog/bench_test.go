package accesslog

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// uas are 10,000 distinct User-Agents, as a large proxy log holds.
var uas = func() []string {
	models := []string{"ELE-L29", "ANY-NX1", "ZTE A7030", "NOH-NX9", "SM-G991B", "Pixel 7", "RMO-NX1", "8046"}
	out := make([]string, 10000)
	for i := range out {
		out[i] = fmt.Sprintf("Mozilla/5.0 (Linux; Android %d; %s Build/X%d) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.%d.0 Mobile Safari/537.36",
			9+i%6, models[i%len(models)], i, 100+i%25, i)
	}
	return out
}()

// BenchmarkRead reports MB/s on about 50 MB of synthetic lines with 10,000
// distinct User-Agents from 2,000 clients; the project's bar for importers
// is 100 MB/s per core.
func BenchmarkRead(b *testing.B) {
	const size = 50 << 20
	importtest.BenchInputs(b, importer.Source{Name: "bench", Seen: seen},
		importtest.Input{Name: "combined", Format: "access-log", Data: importtest.Synthetic(size, "", func(b *bytes.Buffer, i int) {
			fmt.Fprintf(b, "10.0.%d.%d - - [27/Nov/2026:10:%02d:%02d +0000] \"GET /path/%d HTTP/1.1\" 200 %d \"https://portal.example/\" \"%s\"\n",
				i%2000/250, i%250, i/60%60, i%60, i%977, i%5000, uas[i*7919%len(uas)])
		})},
		importtest.Input{Name: "squid", Format: "squid-log", Data: importtest.Synthetic(size, "", func(b *bytes.Buffer, i int) {
			fmt.Fprintf(b, "%d.%03d %6d 10.0.%d.%d TCP_MISS/200 %d GET http://cdn.example.com/%d - HIER_DIRECT/93.184.216.34 text/html \"%s\"\n",
				1732701600+i/100, i%1000, i%3000, i%2000/250, i%250, i%5000, i%977, uas[i*7919%len(uas)])
		})},
	)
}
