// Package useragent is a lookup used by the identify stage of the pipeline
// (observations → identify → classify): it turns a client's User-Agent string
// (observation key http.user_agent) or its Sec-CH-UA-Model client hint into a
// Device — brand, model, operating system and form factor — and says in
// Device.Via what decided the brand, so that identify can weigh the evidence.
//
// The work is done by uap-core's regexes, as embedded in uap-go, plus the
// rules uap-core lacks for the makers this project looks for: HarmonyOS and
// OpenHarmony, Honor versus Huawei, old Huawei and ZTE feature phones, Nubia.
// Parsing is pure (the same input always gives the same Device) and safe for
// concurrent use.
//
// uap-go runs uap-core's ~800 device and OS regexes in turn, ~300 µs per
// User-Agent. This package answers exactly as uap-go does (the tests compare
// the two over thousands of User-Agents) but runs a regex only when the UA
// holds literals every match of it needs, found in one scan of the UA:
//
//   - prefilter.go, factors.go: the literals a regex's matches must hold;
//   - literal.go, scanner.go: how a UA is searched for thousands of them;
//   - catalog.go: the rules and this package's own tokens, built once;
//   - uapmatch.go, uapparse.go: uap-go's semantics over the catalog;
//   - unbound.go, tail.go, branches.go: equivalent, faster ways to run some
//     of uap-core's regexes;
//   - exits.go: desktop and iOS browsers, answered from their OS token.
package useragent

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/ua-parser/uap-go/uaparser"
)

// Device is what a User-Agent or Sec-CH-UA-Model value says about the device
// that sent it. Every field is "" when the input does not say.
type Device struct {
	// Brand is the label the device is sold under, as the input names it,
	// in canonical spelling: "Huawei", "Honor", "ZTE", "Nubia", "Xiaomi",
	// "Samsung", "Apple", ... Generic words ("Android", "Mobile", "Linux")
	// never yield a brand.
	Brand string `json:"brand,omitempty"`
	// Model is the model code or marketing name without the brand word:
	// "ELE-L29", "P30 Pro", "Blade A51". At most 100 bytes.
	Model string `json:"model,omitempty"`
	// Line is a product line sold under another brand's build: "Honor" for a
	// Huawei-made Honor phone (Brand "Huawei" because its firmware carries
	// Huawei's Build/HUAWEI token; Honor left Huawei on 2020-11-17).
	Line string `json:"line,omitempty"`
	// Maker is the company whose software stack the input shows, when a token
	// reveals it independently of the label: "Huawei" for the HW-SyncML and
	// HWJa tokens, which also appear in Vodafone- and Motorola-labelled
	// feature phones. Brand and Maker may differ; that difference is evidence.
	Maker string `json:"maker,omitempty"`
	// OS is the operating system family: "Android", "HarmonyOS",
	// "OpenHarmony", "iOS", "Windows", "Mac OS X", "KaiOS", ...
	OS string `json:"os,omitempty"`
	// OSVersion is the dotted OS version, e.g. "10" or "17.1".
	OSVersion string `json:"os_version,omitempty"`
	// Type is the form factor: "phone", "tablet", "desktop", "tv" or "bot".
	Type string `json:"type,omitempty"`
	// Via names what decided Brand (or Maker, when Brand is ""): one of the
	// Via* constants. It is "" exactly when Brand and Maker are both "".
	Via string `json:"via,omitempty"`
}

// Values of Device.Via. Identify maps them to a certainty; each comment says
// what the value means and, where it matters, why it is weaker than uap.
const (
	// ViaBuildToken: Huawei's firmware build id "Build/HUAWEI<model>".
	ViaBuildToken = "build-token"
	// ViaHarmonyOS: a Huawei-only software token: HarmonyOS, HuaweiBrowser/
	// or HMSCore.
	ViaHarmonyOS = "harmonyos"
	// ViaHonorToken: HONORBrowser/, Build/HONOR... or "HONOR <model>".
	ViaHonorToken = "honor-token"
	// ViaUAP: a uap-core device regex named the brand.
	ViaUAP = "uap"
	// ViaLegacyToken: a maker token of this package's table (feature-phone
	// and early-Android formats such as "Huawei/1.0/", "ZTE-<model>").
	ViaLegacyToken = "legacy-token"
	// ViaSecCHUAModel: ParseModel attributed the Sec-CH-UA-Model value.
	ViaSecCHUAModel = "sec-ch-ua-model"
	// ViaModelCode: a model-code scheme one maker uses (Nubia "NX669J"),
	// with no maker word in the UA.
	ViaModelCode = "model-code"
	// ViaUAPModelCode: uap-core's generic rule for bare "ABC-Lnn" codes.
	// Honor uses the same code scheme as Huawei, so this is weaker than
	// ViaUAP: a post-2020 Honor phone can be reported as Huawei this way.
	ViaUAPModelCode = "uap-model-code"
	// ViaOpenHarmony: OpenHarmony or ArkWeb without a Huawei-only token.
	// OpenHarmony is open source and other vendors ship it, so this is weak.
	ViaOpenHarmony = "openharmony"
	// ViaStackToken: a maker's software stack (HW-SyncML, HWJa); it decides
	// Maker, never Brand.
	ViaStackToken = "stack-token"
)

// MaxInputLen is the number of bytes of a User-Agent that Parse looks at;
// longer inputs are cut there (at a UTF-8 boundary) before any regex runs.
// Real User-Agents are well under 1 KiB; uap-core's hundreds of regexes cost
// time linear in the input, so the cut keeps a hostile 64 KiB header to the
// cost of a 4 KiB one.
const MaxInputLen = 4096

const (
	maxModelLen    = 100  // bytes kept of a Model, and longest accepted Sec-CH-UA-Model
	cacheEntries   = 4096 // results kept before the cache is reset
	maxCachedInput = 1024 // longer inputs are not cached, bounding cache memory
)

// Parser parses User-Agents and Sec-CH-UA-Model values. Build one with New,
// or share Default. A cold parse takes a few microseconds, a cached one a
// tenth of that, and log traffic repeats User-Agents, so a Parser keeps its
// results for repeated inputs.
type Parser struct {
	cat *catalog
	// ref, set in tests, answers in place of the catalog's uap-core matcher
	// with what uap-go's ParseDevice and ParseOs say.
	ref func(ua string) (uaparser.Device, uaparser.Os)

	mu      sync.Mutex // guards cache
	cache   map[cacheKey]Device
	uncache bool // NewUncached: the caller memoizes
}

// cacheKey keeps User-Agent and Sec-CH-UA-Model results apart.
type cacheKey struct {
	hint  bool
	input string
}

// New returns a Parser of uap-core's regexes as embedded in uap-go. The
// first call analyses them (~150 ms; each regex is compiled on first use);
// Parsers share the result, which is immutable.
func New() (*Parser, error) {
	cat, err := sharedCatalog()
	if err != nil {
		return nil, fmt.Errorf("useragent: %w", err)
	}
	return &Parser{cat: cat, cache: make(map[cacheKey]Device)}, nil
}

// NewUncached returns a Parser that keeps no results: for callers that
// memoize per distinct value themselves (identify's batch does), where a
// second cache only copies every distinct User-Agent once more.
func NewUncached() (*Parser, error) {
	p, err := New()
	if err != nil {
		return nil, err
	}
	p.cache, p.uncache = nil, true
	return p, nil
}

var defaultParser = sync.OnceValues(New)

// Default returns the process-wide Parser, built on first use. It panics if
// uap-go's embedded regexes do not parse, a build defect that, as with
// regexp.MustCompile, no input can cause.
func Default() *Parser {
	p, err := defaultParser()
	if err != nil {
		panic(err)
	}
	return p
}

// Parse returns what the User-Agent ua says about the device. Only its first
// MaxInputLen bytes are read.
func (p *Parser) Parse(ua string) Device {
	ua = strings.TrimSpace(truncate(ua, MaxInputLen))
	if ua == "" {
		return Device{}
	}
	key := cacheKey{input: ua}
	if d, ok := p.cached(key); ok {
		return d
	}
	d := p.analyse(ua, false)
	p.remember(key, d)
	return d
}

// ParseModel returns what a Sec-CH-UA-Model value says: Brand, Model and Line,
// never OS or Type. The value may be a structured-header string ("\"ELE-L29\"")
// or bare. A bare model code gets a brand only when uap-core's device regexes
// attribute it: Huawei and Honor share one code scheme, so a code alone is not
// taken as proof of either. A value naming its maker ("HONOR X8b", "ZTE Blade
// A51") gets that maker. Via is ViaSecCHUAModel when Brand is set.
func (p *Parser) ParseModel(secCHUAModel string) Device {
	model, ok := unquoteHint(secCHUAModel)
	if !ok {
		return Device{}
	}
	key := cacheKey{hint: true, input: model}
	if d, ok := p.cached(key); ok {
		return d
	}
	// uap-core's device regexes expect a model in an Android UA's device slot.
	synthetic := "Mozilla/5.0 (Linux; Android 10; " + model +
		") AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36"
	a := p.analyse(synthetic, true)
	d := Device{Brand: a.Brand, Model: a.Model, Line: a.Line}
	if d.Model == "" {
		d.Model = clip(model)
	}
	if d.Brand != "" {
		d.Via = ViaSecCHUAModel
	}
	p.remember(key, d)
	return d
}

func (p *Parser) cached(k cacheKey) (Device, bool) {
	if p.uncache {
		return Device{}, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	d, ok := p.cache[k]
	return d, ok
}

// remember stores d, resetting the cache when it is full: simpler than an LRU,
// and log traffic repeats a few User-Agents far more often than the rest.
func (p *Parser) remember(k cacheKey, d Device) {
	if p.uncache || len(k.input) > maxCachedInput {
		return
	}
	// Do not pin the caller's (maybe large) buffer: the key and parts of d
	// may be slices of it.
	k.input = strings.Clone(k.input)
	d.Brand, d.Model = strings.Clone(d.Brand), strings.Clone(d.Model)
	d.OS, d.OSVersion = strings.Clone(d.OS), strings.Clone(d.OSVersion)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cache == nil || len(p.cache) >= cacheEntries {
		p.cache = make(map[cacheKey]Device, cacheEntries)
	}
	p.cache[k] = d
}

// unquoteHint returns a Sec-CH-UA-Model value without its structured-field
// string quoting (RFC 8941 §3.3.3), or false when it is empty or not a
// plausible model name (non-printable-ASCII, too long, or carrying the
// characters that delimit a UA's device slot).
func unquoteHint(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		var b strings.Builder
		for i := 1; i < len(v)-1; i++ {
			c := v[i]
			switch c {
			case '"':
				return "", false
			case '\\':
				i++
				if i == len(v)-1 || (v[i] != '"' && v[i] != '\\') {
					return "", false
				}
				c = v[i]
			}
			b.WriteByte(c)
		}
		v = strings.TrimSpace(b.String())
	}
	if v == "" || len(v) > maxModelLen {
		return "", false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c > 0x7e || strings.IndexByte(`;()"\`, c) >= 0 {
			return "", false
		}
	}
	return v, true
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// clip trims a model string and bounds it to maxModelLen bytes.
func clip(s string) string {
	return strings.TrimSpace(truncate(strings.TrimSpace(s), maxModelLen))
}
