package useragent

import (
	"slices"
	"strings"
	"sync"
)

// appendFolded appends ua to dst folded as prefilter literals are written
// (see literal.go): ASCII lower-cased, U+212A and U+017F replaced by k and
// s, every other byte kept.
func appendFolded(dst []byte, ua string) []byte {
	n := len(dst)
	dst = append(dst, ua...)
	for i := n; i < len(dst); i++ {
		c := dst[i]
		if c-'A' < 26 {
			dst[i] = c + 'a' - 'A'
		} else if c >= 0x80 && (strings.HasPrefix(ua[i-n:], "\u212A") || strings.HasPrefix(ua[i-n:], "\u017F")) {
			return appendFoldedSlow(dst[:i], ua[i-n:])
		}
	}
	return dst
}

// appendFoldedSlow is appendFolded for a UA holding U+212A or U+017F,
// which fold to shorter text.
func appendFoldedSlow(dst []byte, ua string) []byte {
	for i := 0; i < len(ua); i++ {
		c := lower(ua[i])
		switch {
		case strings.HasPrefix(ua[i:], "\u212A"):
			c, i = 'k', i+len("\u212A")-1
		case strings.HasPrefix(ua[i:], "\u017F"):
			c, i = 's', i+len("\u017F")-1
		}
		dst = append(dst, c)
	}
	return dst
}

// typicalUAs stand for everyday traffic when ranking factors and anchoring
// literals: a factor fewer of them satisfy rules out more UAs. The choice
// affects speed only, never results.
var typicalUAs = []string{
	"Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (Linux; U; Android 9; en-us; Redmi Note 8 Build/PKQ1.190616.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/114.0.5735.196 Mobile Safari/537.36",
	"Mozilla/5.0 (Linux; Android 12; SAMSUNG SM-A515F) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Safari/537.36",
	"Dalvik/2.1.0 (Linux; U; Android 11; CPH2185 Build/RP1A.200720.011)",
	"Mozilla/5.0 (Android 13; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
	"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Linux; Android 10; ELE-L29 Build/HUAWEIELE-L29; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/114.0.5735.196 Mobile Safari/537.36",
	"Mozilla/5.0 (Linux; Android 10; HarmonyOS; NOH-AN00; HMSCore 6.13.0.302) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 HuaweiBrowser/14.0.5.302 Mobile Safari/537.36",
	"Mozilla/5.0 (Linux; Android 11; ZTE Blade A51) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (Linux; Android 14; moto g play - 2024) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Mobile Safari/537.36",
	"Spotify/8.8.0 iOS/17.1 (iPhone15,2) CFNetwork/1485 Darwin/23.1.0",
	"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
	"curl/8.4.0",
}

var typicalSubjects = func() []subject {
	out := make([]subject, len(typicalUAs))
	for i, ua := range typicalUAs {
		out[i] = newSubject(ua, appendFolded(nil, ua))
	}
	return out
}()

// maxFactors is the number of factors kept per regex: past the few most
// selective ones, a factor rarely rules out a UA the others let through,
// and each costs scanning time.
const maxFactors = 3

// rankFactors orders fs most selective first: fewest typical UAs satisfying
// it, then betterFactor. It keeps at most maxFactors, and drops those every
// typical UA satisfies unless nothing else is left.
func rankFactors(fs []factor) []factor {
	type ranked struct {
		f     factor
		score int
	}
	rs := make([]ranked, len(fs))
	for i, f := range fs {
		rs[i] = ranked{f, typicalScore(f)}
	}
	slices.SortStableFunc(rs, func(a, b ranked) int {
		switch {
		case a.score != b.score:
			return a.score - b.score
		case betterFactor(a.f, b.f):
			return -1
		case betterFactor(b.f, a.f):
			return 1
		}
		return 0
	})
	// A factor implied by an equally selective one with fewer literals
	// adds scanning work for nothing: {" darwin/15.4.0", …, " darwin/15.4.9"}
	// beside {" darwin/15.4."}.
	rs = slices.DeleteFunc(rs, func(g ranked) bool {
		return slices.ContainsFunc(rs, func(f ranked) bool {
			return f.score == g.score && len(f.f) < len(g.f) && implies(g.f, f.f)
		})
	})
	var out []factor
	for i, r := range rs {
		if i == maxFactors || (i > 0 && r.score == len(typicalUAs)) {
			break
		}
		if i > 0 && minLen(r.f) < minScanned { // weak, and costly to scan for
			continue
		}
		out = append(out, r.f)
	}
	return out
}

// minScanned is the shortest literal worth a factor when a rule has a
// better one: a one- or two-byte literal is in most UAs.
const minScanned = 3

// implies reports whether a UA satisfying g always satisfies f: each of g's
// literals contains one of f's.
func implies(g, f factor) bool {
	for _, lg := range g {
		if !slices.ContainsFunc(f, func(lf string) bool { return litContains(lg, lf) }) {
			return false
		}
	}
	return true
}

// typicalScores memoizes typicalScore: rules share many factors. It is
// only used while building a catalog, under sharedCatalog's sync.Once or
// in tests, and guarded for the latter.
var typicalScores = struct {
	sync.Mutex
	m map[string]int
}{m: make(map[string]int)}

// typicalScore is the number of typical UAs satisfying f.
func typicalScore(f factor) int {
	key := strings.Join(f, "\x00")
	typicalScores.Lock()
	n, ok := typicalScores.m[key]
	typicalScores.Unlock()
	if ok {
		return n
	}
	for j := range typicalSubjects {
		if typicalSubjects[j].contains(f) {
			n++
		}
	}
	typicalScores.Lock()
	typicalScores.m[key] = n
	typicalScores.Unlock()
	return n
}

// betterFactor reports whether f is likelier than g to rule a UA out, by
// length alone: its shortest literal is longer, or it has fewer literals.
func betterFactor(f, g factor) bool {
	if mf, mg := minLen(f), minLen(g); mf != mg {
		return mf > mg
	}
	return len(f) < len(g)
}

func minLen(f factor) int {
	m := -1
	for _, s := range f {
		if m < 0 || len(s) < m {
			m = len(s)
		}
	}
	return m
}
