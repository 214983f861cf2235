package useragent

import (
	"regexp"
	"strings"
)

// uapView is the part of uap-go's answer this package uses.
type uapView struct {
	family, brand, model string // device; brand canonical, "" when generic
	tablet               bool   // uap-core's generic Android tablet rule fired
	os, osVersion        string
}

func (p *Parser) uapParse(ua string) uapView {
	if p.uap == nil {
		return uapView{}
	}
	// ParseDevice and ParseOs directly: uap-go's Parse also runs the
	// browser regexes, which this package does not need, on 3 goroutines.
	d, o := p.uap.ParseDevice(ua), p.uap.ParseOs(ua)
	v := uapView{family: d.Family, brand: canonicalBrand(d.Brand), model: strings.TrimSpace(d.Model),
		tablet: d.Brand == "Generic_Android_Tablet"}
	// uap-core's catch-all "Huawei([A-Za-z0-9]+)" reads the browser token
	// "HuaweiBrowser/" as a phone model "Browser": that is software evidence,
	// handled with HMSCore below, not a device.
	if v.brand == brandHuawei && v.model == "Browser" {
		v.brand, v.model = "", ""
	}
	if o.Family != "Other" {
		v.os = o.Family
		for _, part := range []string{o.Major, o.Minor, o.Patch, o.PatchMinor} {
			if part == "" || strings.Trim(part, "0123456789") != "" {
				break // "2.1-update1" is reported as "2.1"
			}
			if v.osVersion != "" {
				v.osVersion += "."
			}
			v.osVersion += part
		}
	}
	return v
}

// analyse is the decision pipeline. Its order is its policy:
//  1. Honor tokens: Brand Honor, or Huawei with Line Honor when the firmware
//     carries Huawei's own Build/HUAWEI token (a Huawei-made Honor);
//  2. HarmonyOS / OpenHarmony as the OS: Huawei;
//  3. uap-core's device regexes, except where they misread a Huawei/Honor code;
//  4. Huawei-only software (HuaweiBrowser/, HMSCore) with no other brand named;
//  5. this package's token table (tokenRules).
//
// fromHint marks a synthetic UA built around a bare Sec-CH-UA-Model value.
func (p *Parser) analyse(ua string, fromHint bool) Device {
	u := p.uapParse(ua)
	slot, build := deviceSlot(ua)
	d := Device{OS: u.os, OSVersion: u.osVersion}
	huaweiBuild := hasPrefixFold(build, "HUAWEI")

	ruleBrand, ruleModel, ruleVia, maker := matchRules(ua, fromHint)
	d.Maker = maker

	switch {
	case honorBrowserRe.MatchString(ua) || hasPrefixFold(build, "HONOR") ||
		stripBrandWord(slot, "HONOR") != slot || strings.Contains(u.family, "Honor"):
		d.Brand, d.Via = brandHonor, ViaHonorToken
		if huaweiBuild {
			d.Brand, d.Line, d.Via = brandHuawei, brandHonor, ViaBuildToken
		}
		d.Model = stripBrandWord(slot, "HONOR", "HUAWEI")
	case harmonyOSRe.MatchString(ua) || openHarmonyRe.MatchString(ua):
		d.Brand, d.Via = brandHuawei, ViaHarmonyOS
		if !harmonyOSRe.MatchString(ua) && !huaweiSoftRe.MatchString(ua) && !huaweiBuild {
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
	case huaweiSoftRe.MatchString(ua):
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
	harmonyOS(ua, &d)
	d.Type = deviceType(ua, u, d.OS)
	return d
}

var (
	localeRe = regexp.MustCompile(`^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$`)
	// HarmonyOS and OpenHarmony browsers name the form factor first.
	formRe = regexp.MustCompile(`^Mozilla/\d\.\d \((Phone|Tablet|PC|TV|Wearable);`)
)

// Lower-case form-factor tokens, checked in this order. Plain substring
// tests: case-insensitive regex alternations cost more than uap-go itself.
var (
	tvTokens     = []string{"smart-tv", "smarttv", "hbbtv", "appletv", "apple tv", "googletv", "google tv", "android tv", "crkey", "netcast", "bravia", " tv safari"}
	tabletTokens = []string{"ipad", "tablet", "mediapad", "matepad"}
	phoneTokens  = []string{"iphone", "ipod", "mobile", "windows phone", "midp", "wap2", "wap/", "obigo", "netfront", "up.browser", "kaios"}
	deskTokens   = []string{"windows nt", "macintosh", "x11", "cros"}
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
	parts := strings.Split(comment, ";")
	i := 0
	for i < len(parts) && !strings.HasPrefix(strings.TrimSpace(parts[i]), "Android") {
		i++
	}
	for i++; i < len(parts); i++ {
		t := strings.TrimSpace(parts[i])
		switch {
		case t == "" || t == "U" || t == "wv" || t == "Mobile" || t == "Tablet" || t == "HarmonyOS",
			localeRe.MatchString(t), strings.HasPrefix(t, "HMSCore"):
			continue
		}
		model, build, _ = strings.Cut(t, "Build/")
		model, build = strings.TrimSpace(model), strings.TrimSpace(build)
		if model == "K" {
			model = ""
		}
		return model, build
	}
	return "", ""
}

// harmonyOS sets OS and OSVersion from the HarmonyOS tokens, which uap-core
// does not know (it reports the Android compatibility version, or nothing).
func harmonyOS(ua string, d *Device) {
	if m := openHarmonyVerRe.FindStringSubmatch(ua); m != nil {
		d.OS, d.OSVersion = "OpenHarmony", m[1]
	} else if m := harmonyOSVerRe.FindStringSubmatch(ua); m != nil {
		d.OS, d.OSVersion = "HarmonyOS", m[1]
	}
}

// deviceType guesses the form factor from tokens, uap-core's device family
// and the OS. An Android browser without "Mobile" is a tablet (Chrome's
// convention); other Android clients (Dalvik, apps) stay unknown.
func deviceType(ua string, u uapView, os string) string {
	family := u.family
	if family == "Spider" {
		return "bot"
	}
	if m := formRe.FindStringSubmatch(ua); m != nil {
		return map[string]string{"Phone": "phone", "Tablet": "tablet", "PC": "desktop", "TV": "tv", "Wearable": ""}[m[1]]
	}
	lower := strings.ToLower(ua)
	switch {
	case containsAny(lower, tvTokens):
		return "tv"
	case containsAny(lower, tabletTokens) || u.tablet:
		return "tablet"
	case containsAny(lower, phoneTokens) || strings.HasPrefix(family, "Generic Feature Phone") || family == "Generic Smartphone":
		return "phone"
	case os == "Android" && strings.Contains(ua, "Safari"):
		return "tablet"
	case os == "Android":
		return ""
	case containsAny(lower, deskTokens):
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
