package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tarball builds an npm-style package tarball holding index.json.
func tarball(t *testing.T, index string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for name, body := range map[string]string{"package/package.json": "{}", "package/index.json": index} {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	tgz := filepath.Join(dir, "oui-data-9.9.9.tgz")
	index := `{"00E0FC":"HUAWEI TECHNOLOGIES CO.,LTD\nKEFA ROAD\nChina",` +
		`"787264":"IEEE Registration Authority\n445 Hoes Lane",` +
		`"7872645":"  CALTTA TECHNOLOGIES CO.,LTD. \nShenZhen",` +
		`"70B3D50AE":"Norsat International Inc.\nRichmond"}`
	if err := os.WriteFile(tgz, tarball(t, index), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run([]string{"-pkg", "oui-data@9.9.9", "-tgz", tgz, "-date", "2026-01-02", "-out", dir}, &out); err != nil {
		t.Fatal(err)
	}
	gz, err := os.ReadFile(filepath.Join(dir, "oui.tsv.gz"))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	tsv, _ := io.ReadAll(zr)
	want := "00E0FC\tHUAWEI TECHNOLOGIES CO.,LTD\n70B3D50AE\tNorsat International Inc.\n" +
		"787264\tIEEE Registration Authority\n7872645\tCALTTA TECHNOLOGIES CO.,LTD.\n"
	if string(tsv) != want {
		t.Errorf("oui.tsv.gz:\n%s\nwant:\n%s", tsv, want)
	}
	src, err := os.ReadFile(filepath.Join(dir, "builtin_gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		`"npm oui-data@9.9.9 (IEEE MA-L/MA-M/MA-S registries)"`, `builtinDate = "2026-01-02"`,
		`"MA-L": 2,`, `"MA-M": 1,`, `"MA-S": 1,`,
	} {
		if !strings.Contains(string(src), s) {
			t.Errorf("builtin_gen.go lacks %s:\n%s", s, src)
		}
	}
}

func TestConvertErrors(t *testing.T) {
	tests := []struct {
		name  string
		index map[string]string
		want  string
	}{
		{"lower case", map[string]string{"00e0fc": "X"}, `key "00e0fc": want 6, 7 or 9 uppercase hex digits`},
		{"8 digits", map[string]string{"00E0FC12": "X"}, `key "00E0FC12": want 6, 7 or 9 uppercase hex digits`},
		{"not hex", map[string]string{"00E0FG": "X"}, `key "00E0FG": want 6, 7 or 9 uppercase hex digits`},
		{"empty name", map[string]string{"00E0FC": " \nKEFA ROAD"}, "key 00E0FC: empty organisation name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := convert(tc.index)
			if err == nil || err.Error() != tc.want {
				t.Errorf("convert error %v, want %s", err, tc.want)
			}
		})
	}
	if _, err := readIndex(tarball(t, "[]")); err == nil {
		t.Error("readIndex accepted a JSON array")
	}
}
