package zeek

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// BenchmarkRead reports MB/s on about 50 MB of a synthetic TSV http.log
// with 10,000 distinct User-Agents from 2,000 clients.
func BenchmarkRead(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("#separator \\x09\n#path\thttp\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tmethod\turi\tuser_agent\tstatus_code\n")
	for i := 0; buf.Len() < 50<<20; i++ {
		fmt.Fprintf(&buf, "%d.%06d\tC%d\t10.0.%d.%d\t%d\t93.184.216.34\t80\tGET\t/p/%d\tMozilla/5.0 (Linux; Android %d; X%d) AppleWebKit/537.36\t200\n",
			1795773600+i/100, i%1000000, i, i%2000/250, i%250, 1024+i%60000, i%977, 9+i%6, i*7919%10000)
	}
	importtest.Bench(b, format{}, buf.Bytes(), importer.Source{Name: "bench", Seen: seen})
}
