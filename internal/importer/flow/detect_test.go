package flow_test

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coveredtool/covered/internal/importer"
	_ "github.com/coveredtool/covered/internal/importer/all"
	_ "github.com/coveredtool/covered/internal/importer/flow"
)

// flowFormats are this package's formats.
var flowFormats = map[string]bool{"nfdump-csv": true, "aws-vpc-flow": true}

// wantFlow names the flow format of each sample of this package; every
// other file under internal/importer/*/testdata/ must not be claimed by a
// flow format.
var wantFlow = map[string]string{
	"nfdump-1.6.csv":            "nfdump-csv",
	"nfdump-1.7.csv":            "nfdump-csv",
	"vpc-default.log":           "aws-vpc-flow",
	"vpc-default.log.gz":        "aws-vpc-flow",
	"vpc-custom.log":            "aws-vpc-flow",
	"vpc-cloudwatch-export.log": "aws-vpc-flow",
}

func head(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > importer.HeadSize {
		b = b[:importer.HeadSize]
	}
	return b
}

func TestDetect(t *testing.T) {
	var files []string
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.Contains(filepath.ToSlash(path), "/testdata/") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 40 {
		t.Fatalf("found only %d sample files under ../*/testdata", len(files))
	}
	own := 0
	for _, path := range files {
		var got []string
		for _, f := range importer.Detect(head(t, path)) {
			got = append(got, f.Name())
		}
		want, mine := wantFlow[filepath.Base(path)]
		mine = mine && filepath.Base(filepath.Dir(filepath.Dir(path))) == "flow"
		switch {
		case mine:
			own++
			if strings.Join(got, ",") != want {
				t.Errorf("Detect(%s) = %v, want [%s]", path, got, want)
			}
		default:
			for _, g := range got {
				if flowFormats[g] {
					t.Errorf("Detect(%s) = %v: a flow format claims it", path, got)
				}
			}
		}
	}
	if own != len(wantFlow) {
		t.Errorf("found %d of the %d flow samples", own, len(wantFlow))
	}
}

// TestDetectLookalikes checks near misses: CSV and space-separated files
// that are not flows.
func TestDetectLookalikes(t *testing.T) {
	for name, s := range map[string]string{
		"kea-like csv":        "address,hwaddr,client_id,valid_lifetime\n10.0.0.1,00:11:22:33:44:55,,3600\n",
		"nfdump fmt output":   "Date first seen          Duration Proto      Src IP Addr:Port          Dst IP Addr:Port   Packets    Bytes Flows\n",
		"nfdump summary only": "Summary\nflows,bytes,packets,avg_bps,avg_pps,avg_bpp\n1,2,3,4,5,6\n",
		"vpc version 3":       "3 123456789010 eni-1235b8ca123456789 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK\n",
		"vpc-like no eni":     "2 123456789010 i-1235b8ca123456789 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK\n",
		"header without addr": "version account-id interface-id srcport dstport\n",
		"gzip of other text":  gz("10.0.0.1 dev eth0 lladdr 00:e0:fc:12:34:56 REACHABLE\n"),
		"gzip of one byte":    "\x1f\x8b",
		"empty":               "",
	} {
		for _, f := range importer.Detect([]byte(s)) {
			if flowFormats[f.Name()] {
				t.Errorf("Detect(%s) claimed by %s", name, f.Name())
			}
		}
	}
}

func gz(s string) string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.String()
}

func TestDetectExample(t *testing.T) {
	for name := range flowFormats {
		f, ok := importer.Lookup(name)
		if !ok {
			t.Fatalf("%s not registered", name)
		}
		var got []string
		for _, g := range importer.Detect([]byte(f.Example() + "\n")) {
			got = append(got, g.Name())
		}
		if strings.Join(got, ",") != name {
			t.Errorf("Detect(%s example) = %v", name, got)
		}
	}
}
