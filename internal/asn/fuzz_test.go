package asn

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParsePrefixes: ParsePrefixes must not panic; an error is a
// *LineError naming the file; a table it returns holds no AS0 entry and
// finds each of its prefixes again.
func FuzzParsePrefixes(f *testing.F) {
	err := filepath.WalkDir("testdata", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f.Add(b)
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("# AS4134 (CHINANET-BACKBONE)\n# Chinanet\n203.0.113.0/24\n::ffff:1.2.3.4/100\n"))
	f.Add([]byte("# asn: AS1.10 X\n10.0.0.0/8 | \"\" \n1.0.0.0 1.0.0.255 AS5 None\n"))
	f.Add([]byte(`[{"asn":"AS1","subnets":{"ipv6":["::/0"]}}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "as/64500/fuzz.txt"
		db, err := ParsePrefixes(bytes.NewReader(data), name)
		if err != nil {
			var le *LineError
			if !errors.As(err, &le) || le.File != name || le.Line < 1 {
				t.Fatalf("error %v is not a *LineError of %s", err, name)
			}
			return
		}
		if db.prefixes == nil {
			t.Fatal("nil table without an error")
		}
		for pfx, e := range db.prefixes.All() {
			if e.asn == 0 {
				t.Errorf("AS0 entry for %s", pfx)
			}
			asn, _, ok := db.Lookup(pfx.Addr())
			if !ok || asn == 0 {
				t.Errorf("prefix %s (AS%d) not found again", pfx, e.asn)
			}
		}
	})
}
