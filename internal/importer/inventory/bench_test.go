package inventory

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
)

// intuneCSV returns about size bytes of an Intune-like device export and
// its number of rows.
func intuneCSV(size int) ([]byte, int) {
	var b bytes.Buffer
	b.Grow(size + 1024)
	b.WriteString("\ufeff\"Device ID\",\"Device name\",\"Managed by\",\"Ownership\",\"OS\",\"OS version\",\"Serial number\",\"Manufacturer\",\"Model\",\"IMEI\",\"Wi-Fi MAC\",\"Ethernet MAC\",\"Primary user UPN\"\r\n")
	makers := []string{"HUAWEI", "ZTE", "Apple", "samsung", "LENOVO", "Dell Inc."}
	i := 0
	for ; b.Len() < size; i++ {
		fmt.Fprintf(&b, "\"%08x-0b1d-4c55-9a51-2f7e2d0c1a01\",\"DEV-%07d\",\"Intune\",\"Corporate\",\"Android\",\"14\",\"SN%010d\",\"%s\",\"Model %d\",\"490154203237518\",\"00E0FC%06X\",\"\",\"user%d@example.com\"\r\n",
			i, i, i, makers[i%len(makers)], i%97, i&0xffffff, i)
	}
	return b.Bytes(), i
}

// BenchmarkRead reports MB/s of the CSV format on about 50 MB of a
// synthetic Intune export (6 observations a row); the project's bar for
// importers is 100 MB/s per core. The workbook format is measured on 20,000
// rows, spooling and unzipping included: its MB/s is of the compressed
// file, so rows/s says more.
func BenchmarkRead(b *testing.B) {
	read := func(b *testing.B, format string, data []byte, rows int) {
		importtest.Bench(b, importtest.Lookup(b, format), data, importer.Source{Name: "bench", Seen: seen})
		b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	}
	b.Run("csv", func(b *testing.B) {
		data, rows := intuneCSV(50 << 20)
		read(b, "inventory-csv", data, rows)
	})
	b.Run("xlsx", func(b *testing.B) {
		rows := map[int][]any{1: {"AssetName", "IPAddress", "Mac", "Manufacturer", "Model", "Serialnumber", "OS"}}
		for i := range 20000 {
			rows[i+2] = []any{fmt.Sprintf("ASSET-%05d", i), fmt.Sprintf("10.%d.%d.%d", i>>16&0xff, i>>8&0xff, i&0xff),
				fmt.Sprintf("00:e0:fc:%02x:%02x:%02x", i>>16&0xff, i>>8&0xff, i&0xff), "Huawei", "AirEngine 5761-11", fmt.Sprintf("2102353VUR10N%07d", i), "VRP"}
		}
		read(b, "inventory-xlsx", workbook(b, []sheet{{"Assets", rows}}), len(rows)-1)
	})
}
