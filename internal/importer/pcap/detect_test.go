package pcap_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coveredtool/covered/internal/importer"
	_ "github.com/coveredtool/covered/internal/importer/all"
	"github.com/coveredtool/covered/internal/importer/pcap"
)

// TestDetect tries the pcap format on every sample of every importer
// (internal/importer/*/testdata): it must claim the captures and nothing
// else, and no other format may claim a capture.
func TestDetect(t *testing.T) {
	n := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(filepath.ToSlash(path), "/testdata/") {
			return err
		}
		n++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		head := b[:min(len(b), importer.HeadSize)]
		capture := strings.HasPrefix(filepath.ToSlash(path), "../pcap/") && (strings.HasSuffix(path, ".pcap") || strings.HasSuffix(path, ".pcapng"))
		if got := (pcap.Format{}).Detect(head); got != capture {
			t.Errorf("Detect(%s) = %v, want %v", path, got, capture)
		}
		if capture {
			for _, f := range importer.Detect(head) {
				if f.Name() != "pcap" {
					t.Errorf("format %s claims the capture %s", f.Name(), path)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 20 {
		t.Errorf("only %d samples found", n)
	}
}
