package inventory_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/coveredtool/covered/internal/importer"
	_ "github.com/coveredtool/covered/internal/importer/all"
	_ "github.com/coveredtool/covered/internal/importer/inventory"
)

// TestDetectAmongAll checks that, with every format of the binary
// registered, each CSV sample here is claimed by inventory-csv alone, so
// `covered import FILE` needs no format name.
func TestDetectAmongAll(t *testing.T) {
	files, err := filepath.Glob("testdata/*.[ct]sv")
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples: %v", err)
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		found := importer.Detect(data[:min(len(data), importer.HeadSize)])
		if len(found) != 1 || found[0].Name() != "inventory-csv" {
			var names []string
			for _, f := range found {
				names = append(names, f.Name())
			}
			t.Errorf("%s claimed by %v, want inventory-csv alone", path, names)
		}
	}
}
