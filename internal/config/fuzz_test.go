package config

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the config parser. It must never panic,
// every error must be an *Error naming the file, and a config that loads
// must answer SiteFor consistently with its own sites.
func FuzzLoad(f *testing.F) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte("sites:\n  - &a {name: x, cidrs: [10.0.0.0/8]}\n  - *a\n"))
	f.Add([]byte("rate: !!str 5\nhost_concurrency: *x\n"))
	f.Add([]byte("sites: [{name: a, cidrs: ['::/0', 0.0.0.0/0, 255.255.255.255]}]\n"))

	probes := []netip.Addr{
		netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("10.1.2.3"),
		netip.MustParseAddr("255.255.255.255"), netip.MustParseAddr("::ffff:10.1.2.3"),
		netip.MustParseAddr("2001:db8:1::1"), netip.MustParseAddr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		c, err := parse("fuzz.yaml", src, testResolver)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.File != "fuzz.yaml" {
				t.Fatalf("error is not an *Error naming the file: %#v", err)
			}
			return
		}
		for _, a := range probes {
			if got, want := c.SiteFor(a), bruteSiteFor(c.Sites, a.Unmap()); got != want {
				t.Fatalf("SiteFor(%s) = %q, want %q", a, got, want)
			}
		}
	})
}
