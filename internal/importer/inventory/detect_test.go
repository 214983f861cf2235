package inventory

import (
	"archive/zip"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coveredtool/covered/internal/importer"
)

// head is what Detect sees of a file.
func head(b []byte) []byte { return b[:min(len(b), importer.HeadSize)] }

// TestDetectTestdata runs Detect on every sample of every importer format
// in the repository: the CSV format claims its own samples and nothing
// else (a DHCP lease CSV has MAC and hostname columns too), the workbook
// format claims none of them.
func TestDetectTestdata(t *testing.T) {
	var files []string
	dirs, err := filepath.Glob("../*/testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return err
			case d.IsDir() && d.Name() == "fuzz":
				return filepath.SkipDir // fuzzers' corpora, not samples
			case d.Type().IsRegular():
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(files) < 20 {
		t.Fatalf("only %d sample files found", len(files))
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		own := strings.HasPrefix(path, "../inventory/") && !strings.HasSuffix(path, ".golden")
		if got := (csvFormat{}).Detect(head(data)); got != own {
			t.Errorf("inventory-csv Detect(%s) = %v, want %v", path, got, own)
		}
		if (xlsxFormat{}).Detect(head(data)) {
			t.Errorf("inventory-xlsx Detect(%s) = true", path)
		}
	}
}

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
		if got := (csvFormat{}).Detect(head(tc.head)); got != tc.csv {
			t.Errorf("%s: inventory-csv Detect = %v, want %v", tc.name, got, tc.csv)
		}
		if got := (xlsxFormat{}).Detect(head(tc.head)); got != tc.xlsx {
			t.Errorf("%s: inventory-xlsx Detect = %v, want %v", tc.name, got, tc.xlsx)
		}
	}
}
