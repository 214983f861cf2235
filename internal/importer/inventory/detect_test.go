package inventory

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/coveredtool/covered/internal/importer/importtest"
)

// TestDetect checks both formats on inputs written here;
// TestDetectTestdata (formats_test.go) on every importer's samples.
func TestDetect(t *testing.T) {
	var other bytes.Buffer
	zw := zip.NewWriter(&other)
	for _, name := range []string{"[Content_Types].xml", "word/document.xml", "word/styles.xml"} {
		w, _ := zw.Create(name)
		w.Write([]byte("<x/>"))
	}
	zw.Close()
	wb := lansweeperWorkbook(t)
	for _, tc := range []struct {
		name      string
		head      []byte
		csv, xlsx bool
	}{
		{"csv-example", []byte(csvFormat{}.Example()), true, false},
		{"workbook", wb, false, true},
		{"docx", other.Bytes(), false, false},
		{"title-rows", []byte("Asset list\n\nHostname;Manufacturer;Model\nx;y;z\n"), true, false},
		{"addresses-only", []byte("Hostname,MAC Address,IP Address\nx,00:e0:fc:12:34:56,10.0.0.1\n"), false, false},
		{"one-column", []byte("Serial number\nSN1\n"), false, false},
		{"zeek-header", []byte("#fields\tts\tuid\tmac\thost_name\tmodel\tserial\n"), false, false},
		{"header-too-far-down", []byte(strings.Repeat("title\n", maxHeaderRows) + "Model,Serial number\n"), false, false},
		{"binary", []byte("Model,Serial\x00number\n"), false, false},
		{"empty", nil, false, false},
	} {
		if got := (csvFormat{}).Detect(importtest.Head(tc.head)); got != tc.csv {
			t.Errorf("%s: inventory-csv Detect = %v, want %v", tc.name, got, tc.csv)
		}
		if got := (xlsxFormat{}).Detect(importtest.Head(tc.head)); got != tc.xlsx {
			t.Errorf("%s: inventory-xlsx Detect = %v, want %v", tc.name, got, tc.xlsx)
		}
	}
}
