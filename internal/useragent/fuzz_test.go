package useragent

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// FuzzParse feeds arbitrary bytes to Parse and ParseModel: no panic, a
// bounded time even for 64 KiB inputs (Parse reads MaxInputLen bytes), and
// the documented invariants of Device.
func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.ua)
	}
	for _, r := range tokenRules {
		f.Add(r.example)
	}
	f.Add(`"ELE-L29"`)
	f.Add("Mozilla/5.0 (Linux; Android 10; " + strings.Repeat("HUAWEI-(", 8<<10))
	p := Default()
	f.Fuzz(func(t *testing.T, s string) {
		start := time.Now()
		for _, d := range []Device{p.Parse(s), p.ParseModel(s)} {
			if (d.Via == "") != (d.Brand == "" && d.Maker == "") {
				t.Errorf("Via %q does not match Brand %q / Maker %q", d.Via, d.Brand, d.Maker)
			}
			if d.Brand != canonicalBrand(d.Brand) {
				t.Errorf("Brand %q is not canonical", d.Brand)
			}
			if len(d.Model) > maxModelLen {
				t.Errorf("Model is %d bytes", len(d.Model))
			}
		}
		if elapsed := time.Since(start); elapsed > 5*time.Second {
			t.Errorf("%d-byte input took %v", len(s), elapsed)
		}
	})
}

func TestParseConcurrent(t *testing.T) {
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 50 {
				tc := parseCases[(w+i)%len(parseCases)]
				if got := p.Parse(tc.ua); got != tc.want {
					t.Errorf("%s: got %+v", tc.name, got)
				}
			}
		})
	}
	wg.Wait()
}

// BenchmarkParse reports a cold parse (every User-Agent new: uap-go runs)
// and a cached one (the same User-Agent again, as in a proxy log).
func BenchmarkParse(b *testing.B) {
	const ua = "Mozilla/5.0 (Linux; Android 10; ELE-L29 Build/HUAWEIELE-L29; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/114.0.5735.%d Mobile Safari/537.36"
	b.Run("cold", func(b *testing.B) {
		p, err := New()
		if err != nil {
			b.Fatal(err)
		}
		head, tail, _ := strings.Cut(ua, "%d")
		i := 0
		for b.Loop() {
			i++
			p.Parse(head + strconv.Itoa(i) + tail)
		}
	})
	b.Run("cached", func(b *testing.B) {
		p := Default()
		same := strings.Replace(ua, "%d", "196", 1)
		p.Parse(same)
		for b.Loop() {
			p.Parse(same)
		}
	})
	b.Run("model-cold", func(b *testing.B) {
		p, err := New()
		if err != nil {
			b.Fatal(err)
		}
		i := 0
		for b.Loop() {
			i++
			p.ParseModel(`"ELE-L` + strconv.Itoa(i) + `"`)
		}
	})
}
