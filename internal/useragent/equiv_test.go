package useragent

import (
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"

	"github.com/ua-parser/uap-go/uaparser"
)

// referenceUAP is uap-go's own parser, the oracle the fast matcher must
// agree with.
var referenceUAP = sync.OnceValue(func() *uaparser.Parser {
	p, err := uaparser.New(uaparser.WithCacheSize(1))
	if err != nil {
		panic(err)
	}
	return p
})

// equivalenceCorpus is every UA the equivalence tests compare: the package's
// own examples, generated UAs of many makers and clients, and strings
// generated from each uap-core regex, alone and inside an Android UA.
func equivalenceCorpus(t testing.TB) []string {
	var uas []string
	for _, tc := range parseCases {
		uas = append(uas, tc.ua)
	}
	for _, r := range tokenRules {
		uas = append(uas, r.example)
	}
	uas = append(uas, typicalUAs...)
	uas = append(uas, generateUAs(8000, 1)...)
	uas = append(uas, regexSamples(t, 3, 2)...)
	return uas
}

// TestMatcherEquivalence runs the fast matcher and uap-go's ParseDevice and
// ParseOs over the corpus and requires identical results for every UA.
func TestMatcherEquivalence(t *testing.T) {
	if testing.Short() {
		t.Skip("runs uap-go over thousands of UAs")
	}
	cat, err := newCatalog()
	if err != nil {
		t.Fatal(err)
	}
	ref := referenceUAP()
	uas := equivalenceCorpus(t)
	var bad int
	for _, ua := range uas {
		d, o := cat.uap.parse(cat.newInput(ua))
		wd, wo := *ref.ParseDevice(ua), *ref.ParseOs(ua)
		if d != wd || o != wo {
			bad++
			if bad <= 20 {
				t.Errorf("UA %q\n got device %+v os %+v\nwant device %+v os %+v", ua, d, o, wd, wo)
			}
		}
	}
	t.Logf("%d UAs compared, %d differ", len(uas), bad)
}

// TestParseEquivalence compares whole Parse results with the same analysis
// driven by uap-go, so the early exits and token prefilters are checked too.
func TestParseEquivalence(t *testing.T) {
	if testing.Short() {
		t.Skip("runs uap-go over thousands of UAs")
	}
	fast := Default()
	slow := newReferenceParser()
	uas := equivalenceCorpus(t)
	var bad int
	for _, ua := range uas {
		if got, want := fast.Parse(ua), slow.Parse(ua); got != want {
			bad++
			if bad <= 20 {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", ua, got, want)
			}
		}
		if got, want := fast.ParseModel(ua), slow.ParseModel(ua); got != want {
			bad++
			if bad <= 20 {
				t.Errorf("ParseModel(%q)\n got %+v\nwant %+v", ua, got, want)
			}
		}
	}
	t.Logf("%d UAs compared, %d differ", len(uas), bad)
}

// newReferenceParser returns a Parser whose uap-core answers come from
// uap-go itself.
func newReferenceParser() *Parser {
	u := referenceUAP()
	return &Parser{cat: Default().cat, ref: func(ua string) (uaparser.Device, uaparser.Os) {
		return *u.ParseDevice(ua), *u.ParseOs(ua)
	}}
}

// exitInstances generates UAs of the exit templates (see exits.go) with
// random version numbers and browsers.
func exitInstances(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 3))
	d := func(lo, hi int) string { return strconv.Itoa(lo + r.IntN(hi-lo+1)) }
	ver := func() string { return d(10, 130) + ".0." + d(0, 9999) + "." + d(0, 999) }
	desktop := func() string {
		switch r.IntN(4) {
		case 0:
			return "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + ver() + " Safari/537.36"
		case 1:
			return "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + ver() + " Safari/537.36 Edg/" + ver()
		case 2:
			return "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/1" + d(0, 9) + "." + d(0, 9) + pickOne(r, "", "."+d(0, 9)) + " Safari/605.1.15"
		}
		return "Gecko/20100101 Firefox/" + d(10, 130) + ".0"
	}
	rv := func() string { return pickOne(r, "", "; rv:"+d(10, 130)+".0") }
	sep := func() string { return pickOne(r, "_", ".") }
	out := make([]string, 0, n)
	for len(out) < n {
		var ua string
		switch r.IntN(3) {
		case 0:
			key := pickOne(r, "Windows NT 10.0", "Windows NT 6.3", "Windows NT 6.2", "Windows NT 6.1", "Windows NT 6.0", "X11; Linux x86_64", "X11; Ubuntu; Linux x86_64")
			ua = "Mozilla/5.0 (" + key + pickOne(r, "", "; Win64; x64", "; WOW64") + rv() + ") " + desktop()
		case 1:
			ua = "Mozilla/5.0 (Macintosh; Intel Mac OS X 1" + d(0, 5) + sep() + d(0, 99) + pickOne(r, "", sep()+d(0, 99)) + rv() + ") " + desktop()
		default:
			key := pickOne(r, "iPhone", "iPad", "iPod touch")
			browser := "Version/1" + d(0, 9) + "." + d(0, 9) + pickOne(r, "", "."+d(0, 9))
			if r.IntN(2) == 0 {
				browser = "CriOS/" + ver()
			}
			ua = "Mozilla/5.0 (" + key + "; CPU " + pickOne(r, "", "iPhone ") + "OS 1" + d(0, 9) + "_" + d(0, 99) + pickOne(r, "", "_"+d(0, 99)) +
				" like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) " + browser + " Mobile/15E148 Safari/604.1"
		}
		out = append(out, ua)
	}
	return out
}

// TestExitsEquivalence sweeps the early exits' templates: every generated
// UA must take an exit and get what the full analysis, driven by uap-go,
// gives.
func TestExitsEquivalence(t *testing.T) {
	if testing.Short() {
		t.Skip("runs uap-go over thousands of UAs")
	}
	fast, slow := Default(), newReferenceParser()
	if len(fast.cat.exits) != 11 {
		t.Errorf("%d exits built, want 11: an entry disagreed with the full analysis", len(fast.cat.exits))
	}
	uas := exitInstances(6000, 9)
	var bad int
	for _, ua := range uas {
		d, ok := fast.exit(ua)
		if !ok {
			t.Errorf("no exit for %q", ua)
			continue
		}
		if want := slow.analyse(ua, false); d != want {
			bad++
			if bad <= 20 {
				t.Errorf("exit(%q)\n got %+v\nwant %+v", ua, d, want)
			}
		}
	}
	t.Logf("%d template UAs compared, %d differ", len(uas), bad)
}

// FuzzMatcher compares the catalog's uap-core matcher with uap-go, and
// Parse with its uap-go-driven reference, on arbitrary inputs.
func FuzzMatcher(f *testing.F) {
	for _, ua := range equivalenceCorpus(f)[:600] {
		f.Add(ua)
	}
	for _, ua := range exitInstances(50, 1) {
		f.Add(ua)
	}
	cat, ref, slow := Default().cat, referenceUAP(), newReferenceParser()
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 2048 { // uap-go's regexes are slow on long inputs
			return
		}
		d, o := cat.uap.parse(cat.newInput(s))
		if wd, wo := *ref.ParseDevice(s), *ref.ParseOs(s); d != wd || o != wo {
			t.Errorf("UA %q\n got device %+v os %+v\nwant device %+v os %+v", s, d, o, wd, wo)
		}
		fast := &Parser{cat: cat}
		if got, want := fast.Parse(s), slow.Parse(s); got != want {
			t.Errorf("Parse(%q)\n got %+v\nwant %+v", s, got, want)
		}
	})
}
