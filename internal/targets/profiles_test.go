package targets

import (
	"fmt"
	"regexp"
	"slices"
	"testing"
)

func TestProfiles(t *testing.T) {
	sizes := map[string]struct{ minTCP, maxTCP, minUDP, maxUDP int }{
		"quick":   {5, 10, 2, 4},
		"default": {20, 30, 6, 10},
		"full":    {50, 300, 10, 40},
	}
	for _, name := range ProfileNames() {
		p, err := Profile(name)
		if err != nil {
			t.Fatal(err)
		}
		want := sizes[name]
		if len(p.TCP) < want.minTCP || len(p.TCP) > want.maxTCP || len(p.UDP) < want.minUDP || len(p.UDP) > want.maxUDP {
			t.Errorf("%s: %d TCP and %d UDP ports, want %d-%d and %d-%d", name, len(p.TCP), len(p.UDP),
				want.minTCP, want.maxTCP, want.minUDP, want.maxUDP)
		}
		for _, port := range slices.Concat(p.TCP, p.UDP) {
			if IsPrinterPort(port) || port == 515 || port == 631 {
				t.Errorf("%s: printer port %d in a profile", name, port)
			}
		}
		// The canonical form must read back to the same ports.
		back, err := ParsePorts(p.String())
		if err != nil || !slices.Equal(back.TCP, p.TCP) || !slices.Equal(back.UDP, p.UDP) {
			t.Errorf("%s: %q does not round-trip: %v", name, p.String(), err)
		}
	}
}

func TestProfileQuickExact(t *testing.T) {
	p, err := Profile("quick")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.String(), "22-23,80,443,554,8000,37777,U:161,37020,37810"; got != want {
		t.Errorf("quick = %s, want %s", got, want)
	}
}

func TestProfilesNest(t *testing.T) {
	keys := func(name string) []string {
		info, err := ProfileInfo(name)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range info {
			out = append(out, fmt.Sprintf("%s/%d", p.Transport, p.Port))
		}
		return out
	}
	quick, def, full := keys("quick"), keys("default"), keys("full")
	for _, k := range quick {
		if !slices.Contains(def, k) {
			t.Errorf("quick port %s not in default", k)
		}
	}
	for _, k := range def {
		if !slices.Contains(full, k) {
			t.Errorf("default port %s not in full", k)
		}
	}
	if len(quick) != len(quickPorts) {
		t.Errorf("quickPorts names %d ports, default has %d of them", len(quickPorts), len(quick))
	}
}

// Every port says why it is there and cites where that comes from.
var citation = regexp.MustCompile(`§[578]|RFC \d+|IANA [a-z0-9-]+`)

func TestProfileReasons(t *testing.T) {
	info, err := ProfileInfo("full")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range info {
		key := fmt.Sprintf("%s/%d", p.Transport, p.Port)
		if seen[key] {
			t.Errorf("%s listed twice", key)
		}
		seen[key] = true
		if p.Transport != "tcp" && p.Transport != "udp" {
			t.Errorf("%s: transport %q", key, p.Transport)
		}
		if p.Service == "" || !citation.MatchString(p.Why) {
			t.Errorf("%s: service %q, reason %q has no §7/RFC/IANA citation", key, p.Service, p.Why)
		}
	}
}

func TestProfileUnknown(t *testing.T) {
	_, err := Profile("everything")
	if want := `unknown port profile "everything" (known: quick, default, full)`; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}

func TestProfileInfoIsACopy(t *testing.T) {
	a, _ := ProfileInfo("default")
	a[0].Port = 9100
	b, _ := ProfileInfo("default")
	if b[0].Port == 9100 {
		t.Error("ProfileInfo returned the shared table")
	}
}
