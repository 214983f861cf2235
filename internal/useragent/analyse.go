package useragent

import (
	"strings"

	"github.com/ua-parser/uap-go/uaparser"
)

// uapView is the part of uap-go's answer this package uses.
type uapView struct {
	family, brand, model string // device; brand canonical, "" when generic
	tablet               bool   // uap-core's generic Android tablet rule fired
	os, osVersion        string
}

// uapParse returns uap-core's answer for the prepared UA: the catalog's
// matcher, or uap-go itself in tests.
func (p *Parser) uapParse(in *input) uapView {
	var d uaparser.Device
	var o uaparser.Os
	if p.ref != nil {
		d, o = p.ref(in.ua)
	} else {
		d, o = p.cat.uap.parse(in)
	}
	v := uapView{family: d.Family, brand: canonicalBrand(d.Brand), model: strings.TrimSpace(d.Model),
		tablet: d.Brand == "Generic_Android_Tablet"}
	// uap-core's catch-all "Huawei([A-Za-z0-9]+)" reads the browser token
	// "HuaweiBrowser/" as a phone model "Browser": that is software evidence,
	// handled with HMSCore below, not a device.
	if v.brand == brandHuawei && v.model == "Browser" {
		v.brand, v.model = "", ""
	}
	v.os, v.osVersion = osFields(o)
	return v
}

// osFields returns the OS family and dotted version of uap's answer.
func osFields(o uaparser.Os) (family, version string) {
	if o.Family == "Other" {
		return "", ""
	}
	for _, part := range []string{o.Major, o.Minor, o.Patch, o.PatchMinor} {
		if part == "" || strings.Trim(part, "0123456789") != "" {
			break // "2.1-update1" is reported as "2.1"
		}
		if version != "" {
			version += "."
		}
		version += part
	}
	return o.Family, version
}

// analyse is the decision pipeline. Its order is its policy:
//  1. Honor tokens: Brand Honor, or Huawei with Line Honor when the firmware
//     carries Huawei's own Build/HUAWEI token (a Huawei-made Honor);
//  2. HarmonyOS / OpenHarmony as the OS: Huawei;
//  3. uap-core's device regexes, except where they misread a Huawei/Honor code;
//  4. Huawei-only software (HuaweiBrowser/, HMSCore) with no other brand named;
//  5. this package's token table (tokenRules).
//
// Desktop and iOS browsers in their standard formats take an early exit
// (exits.go) with the same result. fromHint marks a synthetic UA built
// around a bare Sec-CH-UA-Model value.
func (p *Parser) analyse(ua string, fromHint bool) Device {
	if p.ref == nil && !fromHint {
		if d, ok := p.exit(ua); ok {
			return d
		}
	}
	return p.analyseFull(ua, fromHint)
}

// analyseFull is analyse without the early exits of exits.go.
func (p *Parser) analyseFull(ua string, fromHint bool) Device {
	// The folded copy goes to the heap: escape analysis cannot tell it from
	// the UA, which the regexp package keeps.
	prepared := p.cat.prepare(ua, make([]byte, 0, len(ua)))
	in := &prepared
	u := p.uapParse(in)
	slot, build := deviceSlot(ua)
	d := Device{OS: u.os, OSVersion: u.osVersion}
	huaweiBuild := hasPrefixFold(build, "HUAWEI")

	ruleBrand, ruleModel, ruleVia, maker := matchRulesIn(in, fromHint)
	d.Maker = maker

	switch {
	case honorBrowserRe.match(in) || hasPrefixFold(build, "HONOR") ||
		stripBrandWord(slot, "HONOR") != slot || strings.Contains(u.family, "Honor"):
		d.Brand, d.Via = brandHonor, ViaHonorToken
		if huaweiBuild {
			d.Brand, d.Line, d.Via = brandHuawei, brandHonor, ViaBuildToken
		}
		d.Model = stripBrandWord(slot, "HONOR", "HUAWEI")
	case harmonyOSRe.match(in) || openHarmonyRe.match(in):
		d.Brand, d.Via = brandHuawei, ViaHarmonyOS
		if !harmonyOSRe.match(in) && !huaweiSoftRe.match(in) && !huaweiBuild {
			d.Via = ViaOpenHarmony
		}
		d.Model = stripBrandWord(slot, "HUAWEI")
	case u.brand != "" && !(u.brand != brandHuawei && huaweiCodeRe.MatchString(slot)):
		// The exception: uap-core reads a code of the Huawei/Honor scheme
		// such as "LGE-AN00" as an LG phone.
		d.Brand, d.Via, d.Model = u.brand, ViaUAP, u.model
		if full := stripBrandWord(slot, u.brand); len(full) > len(u.model) && strings.HasPrefix(full, u.model) {
			d.Model = full // uap-core cuts "HUAWEI P30 Pro" to "P30"
		}
		switch {
		case u.brand == brandHuawei && huaweiBuild:
			d.Via = ViaBuildToken
		case u.brand == brandHuawei && huaweiCodeRe.MatchString(slot) && u.model == slot:
			d.Via = ViaUAPModelCode
		}
	case huaweiSoftRe.match(in):
		d.Brand, d.Via = brandHuawei, ViaHarmonyOS
		d.Model = stripBrandWord(slot, "HUAWEI")
	default:
		d.Brand, d.Via, d.Model = ruleBrand, ruleVia, ruleModel
		if d.Model == "" {
			d.Model = stripBrandWord(slot, ruleBrand)
		}
	}
	if d.Brand == "" && d.Maker == "" {
		d.Via = ""
	}
	d.Model = clip(d.Model)
	harmonyOS(in, &d)
	d.Type = deviceType(in, u, d.OS)
	return d
}

// HarmonyOS and OpenHarmony browsers name the form factor first.
var formRe = mustGuard(`^Mozilla/\d\.\d \((Phone|Tablet|PC|TV|Wearable);`)

// Lower-case form-factor tokens, checked in this order. Substring tests,
// answered by the catalog's scan: case-insensitive regex alternations cost
// more than uap-go itself.
var (
	tvTokens     = newTokenList("smart-tv", "smarttv", "hbbtv", "appletv", "apple tv", "googletv", "google tv", "android tv", "crkey", "netcast", "bravia", " tv safari")
	tabletTokens = newTokenList("ipad", "tablet", "mediapad", "matepad")
	phoneTokens  = newTokenList("iphone", "ipod", "mobile", "windows phone", "midp", "wap2", "wap/", "obigo", "netfront", "up.browser", "kaios")
	deskTokens   = newTokenList("windows nt", "macintosh", "x11", "cros")
)

// deviceSlot returns the device part of an Android-style UA's first comment,
// "(Linux; U; Android 10; en-us; ELE-L29 Build/HUAWEIELE-L29; wv)": the model
// ("ELE-L29") and the firmware build id ("HUAWEIELE-L29"). Chrome's reduced
// placeholder "K" is not a model.
func deviceSlot(ua string) (model, build string) {
	open := strings.IndexByte(ua, '(')
	if open < 0 {
		return "", ""
	}
	comment := ua[open+1:]
	if end := strings.IndexByte(comment, ')'); end >= 0 {
		comment = comment[:end]
	}
	for inAndroid := false; ; {
		part, rest, more := strings.Cut(comment, ";")
		t := strings.TrimSpace(part)
		switch {
		case !inAndroid:
			inAndroid = strings.HasPrefix(t, "Android")
		case t == "" || t == "U" || t == "wv" || t == "Mobile" || t == "Tablet" || t == "HarmonyOS",
			isLocale(t), strings.HasPrefix(t, "HMSCore"):
		default:
			model, build, _ = strings.Cut(t, "Build/")
			model, build = strings.TrimSpace(model), strings.TrimSpace(build)
			if model == "K" {
				model = ""
			}
			return model, build
		}
		if !more {
			return "", ""
		}
		comment = rest
	}
}

// isLocale reports whether t is a locale such as "en-us": whether it
// matches ^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$, without a regex.
func isLocale(t string) bool {
	n := 0
	for n < len(t) && n < 3 && 'a' <= t[n] && t[n] <= 'z' {
		n++
	}
	switch {
	case n < 2:
		return false
	case n == len(t):
		return true
	case t[n] != '-' && t[n] != '_': // after 2 letters, t[2] is no letter
		return false
	}
	region := t[n+1:]
	if len(region) < 2 || len(region) > 4 {
		return false
	}
	for i := 0; i < len(region); i++ {
		if c := region[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// harmonyOS sets OS and OSVersion from the HarmonyOS tokens, which uap-core
// does not know (it reports the Android compatibility version, or nothing).
func harmonyOS(in *input, d *Device) {
	if m := openHarmonyVerRe.find(in); m != nil {
		d.OS, d.OSVersion = "OpenHarmony", m[1]
	} else if m := harmonyOSVerRe.find(in); m != nil {
		d.OS, d.OSVersion = "HarmonyOS", m[1]
	}
}

// deviceType guesses the form factor from tokens, uap-core's device family
// and the OS. An Android browser without "Mobile" is a tablet (Chrome's
// convention); other Android clients (Dalvik, apps) stay unknown.
func deviceType(in *input, u uapView, os string) string {
	ua := in.ua
	family := u.family
	if family == "Spider" {
		return "bot"
	}
	if m := formRe.find(in); m != nil {
		return map[string]string{"Phone": "phone", "Tablet": "tablet", "PC": "desktop", "TV": "tv", "Wearable": ""}[m[1]]
	}
	switch {
	case tvTokens.in(in):
		return "tv"
	case tabletTokens.in(in) || u.tablet:
		return "tablet"
	case phoneTokens.in(in) || strings.HasPrefix(family, "Generic Feature Phone") || family == "Generic Smartphone":
		return "phone"
	case os == "Android" && strings.Contains(ua, "Safari"):
		return "tablet"
	case os == "Android":
		return ""
	case deskTokens.in(in):
		return "desktop"
	}
	return ""
}

// hasPrefixFold reports whether s starts with prefix, ignoring case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
