package useragent

import (
	"regexp"
	"strings"
)

// Early exits: desktop browsers and iOS Safari or Chrome, in their standard
// formats, cannot carry a phone maker's token, and a third of traffic is
// them. For such a UA the whole analysis is known from its OS token:
// "Windows NT 10.0", "Macintosh; Intel Mac OS X 10_15_7", "iPhone; CPU
// iPhone OS 17_4". An exit matches the UA against a template that lets only
// version digits vary, and answers from an entry the catalog built by
// running the full analysis on a sample UA of that key, so that uap-core
// stays the source of truth; where the OS version varies (macOS, iOS), the
// entry takes it from the UA's version numbers, as uap-core's rule does.
//
// The catalog checks each entry against the full analysis of several
// samples with other digits and browsers, and drops an entry that
// disagrees; TestExitsEquivalence sweeps many more against uap-go.

// exitKinds are the templates; each one's first submatch is the exit key,
// and its samples build and check the entry of each key ("%s" is the key).
var exitKinds = []struct {
	re      *regexp.Regexp
	keys    []string
	samples []string
	// version says the OS version varies with the UA, not only the key:
	// the second submatch has its numbers, separated by "_" or ".".
	version bool
}{{
	re: regexp.MustCompile(`^Mozilla/5\.0 \((Windows NT (?:10\.0|6\.[0-3])|X11; (?:Ubuntu; )?Linux x86_64)` +
		`(?:; Win64; x64|; WOW64)?(?:; rv:\d{2,3}\.0)?\) ` + desktopBrowsers),
	keys: []string{"Windows NT 10.0", "Windows NT 6.3", "Windows NT 6.2", "Windows NT 6.1", "Windows NT 6.0",
		"X11; Linux x86_64", "X11; Ubuntu; Linux x86_64"},
	samples: []string{
		"Mozilla/5.0 (%s; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36",
		"Mozilla/5.0 (%s; WOW64; rv:115.0) Gecko/20100101 Firefox/115.0",
		"Mozilla/5.0 (%s) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.51 Safari/537.36 Edg/99.0.1150.30",
	},
}, {
	re: regexp.MustCompile(`^Mozilla/5\.0 \((Macintosh; Intel Mac OS X) (1[0-5][._]\d{1,2}(?:[._]\d{1,2})?)` +
		`(?:; rv:\d{2,3}\.0)?\) ` + desktopBrowsers),
	keys:    []string{"Macintosh; Intel Mac OS X"},
	version: true,
	samples: []string{
		"Mozilla/5.0 (%s 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
		"Mozilla/5.0 (%s 10.14; rv:109.0) Gecko/20100101 Firefox/115.0",
		"Mozilla/5.0 (%s 11_2_3) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/89.0.4389.90 Safari/537.36",
	},
}, {
	re: regexp.MustCompile(`^Mozilla/5\.0 \((iPhone|iPad|iPod touch); CPU (?:iPhone )?OS (1\d(?:_\d{1,2}){1,2}) like Mac OS X\) ` +
		`AppleWebKit/605\.1\.15 \(KHTML, like Gecko\) (?:Version/1\d\.\d(?:\.\d)?|CriOS/\d{2,3}\.0\.\d{1,4}\.\d{1,3}) ` +
		`Mobile/15E148 Safari/604\.1$`),
	keys:    []string{"iPhone", "iPad", "iPod touch"},
	version: true,
	samples: []string{
		"Mozilla/5.0 (%s; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (%s; CPU OS 16_6_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (%s; CPU iPhone OS 12_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1.2 Mobile/15E148 Safari/604.1",
	},
}}

// desktopBrowsers is the browser part of the desktop templates: Chrome (or
// Edge), Safari, Firefox.
const desktopBrowsers = `(?:AppleWebKit/537\.36 \(KHTML, like Gecko\) Chrome/\d{2,3}\.0\.\d{1,4}\.\d{1,3} Safari/537\.36(?: Edg/\d{2,3}\.0\.\d{1,4}\.\d{1,3})?` +
	`|AppleWebKit/605\.1\.15 \(KHTML, like Gecko\) Version/1\d\.\d(?:\.\d)? Safari/605\.1\.15` +
	`|Gecko/20100101 Firefox/\d{2,3}\.0)$`

// exitEntry is what an exit answers for one key.
type exitEntry struct {
	d       Device
	version bool // OSVersion comes from the UA
}

// exit returns the analysis of ua when an exit applies to it.
func (p *Parser) exit(ua string) (Device, bool) {
	if len(p.cat.exits) == 0 || !strings.HasPrefix(ua, "Mozilla/5.0 (") {
		return Device{}, false
	}
	for _, k := range exitKinds {
		m := k.re.FindStringSubmatchIndex(ua)
		if m == nil {
			continue
		}
		e, ok := p.cat.exits[ua[m[2]:m[3]]]
		if !ok {
			return Device{}, false
		}
		d := e.d
		if e.version {
			d.OSVersion = strings.ReplaceAll(ua[m[4]:m[5]], "_", ".")
		}
		return d, true
	}
	return Device{}, false
}

// buildExits fills c.exits with the entries that agree with the full
// analysis on all their samples.
func (c *catalog) buildExits() {
	p := &Parser{cat: c}
	c.exits = make(map[string]exitEntry)
	for _, k := range exitKinds {
		for _, key := range k.keys {
			first := strings.Replace(k.samples[0], "%s", key, 1)
			c.exits[key] = exitEntry{d: p.analyseFull(first, false), version: k.version}
			for _, s := range k.samples {
				s = strings.Replace(s, "%s", key, 1)
				if d, ok := p.exit(s); !ok || d != p.analyseFull(s, false) {
					delete(c.exits, key)
					break
				}
			}
		}
	}
}
